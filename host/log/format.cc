#include "host/log/format.h"

#include <time.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "host/log/escape.h"

namespace parigot::log {
namespace {

using Json = nlohmann::ordered_json;  // members in the order they are set

struct LevelInfo {
  Level level;
  std::string_view name;
  std::string_view color;  // ANSI SGR, as spdlog colours its levels
};
constexpr LevelInfo kLevels[] = {
    {Level::kDebug, "debug", "\033[36m"},
    {Level::kInfo, "info", "\033[32m"},
    {Level::kWarn, "warn", "\033[33m\033[1m"},
    {Level::kError, "error", "\033[31m\033[1m"},
};
constexpr std::string_view kColorReset = "\033[m";

const LevelInfo& InfoOf(Level level) {
  for (const LevelInfo& info : kLevels) {
    if (info.level == level) return info;
  }
  return kLevels[1];
}

// The shortest text that reads back as `value` ("0.5", "1e+100"); "nan",
// "inf", "-inf" for the others.
std::string DoubleText(double value) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : "nan";
}

// A key or string value in text: as it is, or quoted if it would otherwise
// be ambiguous (empty, or holding a separator) or unsafe (controls).
std::string TextToken(std::string_view text) {
  bool bare = !text.empty();
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == '"' || c == '=' || c == '\\') {
      bare = false;
      break;
    }
  }
  if (bare) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  // Controls last: the backslashes they gain are not to be doubled.
  return EscapeControl(quoted) + "\"";
}

std::string ValueText(const Field::Value& value) {
  struct {
    std::string operator()(const std::string& s) const { return TextToken(s); }
    std::string operator()(int64_t n) const { return std::to_string(n); }
    std::string operator()(uint64_t n) const { return std::to_string(n); }
    std::string operator()(double d) const { return DoubleText(d); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
  } visitor;
  return std::visit(visitor, value);
}

Json ValueJson(const Field::Value& value) {
  struct {
    Json operator()(const std::string& s) const { return ToValidUtf8(s); }
    Json operator()(int64_t n) const { return n; }
    Json operator()(uint64_t n) const { return n; }
    Json operator()(double d) const {
      // JSON has no NaN or infinity; these are the names protobuf's JSON
      // mapping gives them.
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return d;
    }
    Json operator()(bool b) const { return b; }
  } visitor;
  return std::visit(visitor, value);
}

// "14:14:26.120" (local time) or "2025-06-01T14:14:26.120Z" (UTC).
std::string TimeText(std::chrono::system_clock::time_point time, bool rfc3339) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<milliseconds>(time.time_since_epoch());
  // Floor, so that times before 1970 still have 0-999 ms.
  const auto seconds = floor<std::chrono::seconds>(since_epoch);
  const auto ms = static_cast<int>((since_epoch - seconds).count());
  const time_t t = static_cast<time_t>(seconds.count());
  struct tm parts = {};
  char buffer[64];
  if (rfc3339) {
    gmtime_r(&t, &parts);
    size_t n = strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
    snprintf(buffer + n, sizeof buffer - n, ".%03dZ", ms);
  } else {
    localtime_r(&t, &parts);
    size_t n = strftime(buffer, sizeof buffer, "%H:%M:%S", &parts);
    snprintf(buffer + n, sizeof buffer - n, ".%03d", ms);
  }
  return buffer;
}

}  // namespace

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "text") return Format::kText;
  if (name == "json") return Format::kJson;
  return std::nullopt;
}

std::optional<Level> ParseLevel(std::string_view name) {
  for (const LevelInfo& info : kLevels) {
    if (info.name == name) return info.level;
  }
  return std::nullopt;
}

std::string_view LevelName(Level level) { return InfoOf(level).name; }

std::string FormatFieldsText(std::span<const Field> fields) {
  std::string out;
  for (const Field& field : fields) {
    out += ' ';
    out += TextToken(field.key);
    out += '=';
    out += ValueText(field.value);
  }
  return out;
}

std::vector<std::string> FormatText(const Record& record, bool color) {
  const LevelInfo& level = InfoOf(record.level);
  std::string head = TimeText(record.time, /*rfc3339=*/false) + ' ';
  std::string padded(level.name);
  padded.resize(std::max<size_t>(padded.size(), 5), ' ');
  if (color) {
    head += std::string(level.color) + padded + std::string(kColorReset);
  } else {
    head += padded;
  }
  head += " [";
  if (!record.host.empty()) head += EscapeControl(record.host) + "/";
  head += EscapeControl(record.source) + "] ";
  std::vector<std::string> lines = EscapedLines(record.message);
  for (std::string& line : lines) line.insert(0, head);
  lines.back() += FormatFieldsText(record.fields);
  return lines;
}

std::string FormatJson(const Record& record) {
  Json object;
  object["time"] = TimeText(record.time, /*rfc3339=*/true);
  object["level"] = LevelName(record.level);
  if (!record.host.empty()) object["host"] = ToValidUtf8(record.host);
  object["source"] = ToValidUtf8(record.source);
  object["message"] = ToValidUtf8(record.message);
  for (const Field& field : record.fields) {
    // Compared as they will be written: two invalid keys that both become
    // U+FFFD must not make one member twice.
    std::string key = ToValidUtf8(field.key);
    while (object.contains(key)) key.insert(0, "_");
    object[key] = ValueJson(field.value);
  }
  // Every string is valid UTF-8 by now; `replace` only keeps a mistake here
  // from throwing.
  return object.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

bool IsJsonObject(std::string_view line) {
  if (line.empty() || line.front() != '{') return false;
  return Json::accept(line);
}

}  // namespace parigot::log
