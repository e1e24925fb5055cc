#include "bench/harness/report.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace parigot::bench {
namespace {

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Number(std::optional<double> v) {
  if (!v.has_value() || !std::isfinite(*v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *v);
  return buf;
}

}  // namespace

Metric Compared(std::string name, std::optional<double> value, std::string unit,
                std::string baseline, std::optional<double> baseline_value) {
  std::optional<double> ratio;
  if (value.has_value() && baseline_value.has_value() && *baseline_value > 0) {
    ratio = *value / *baseline_value;
  }
  return Metric{std::move(name), value,          std::move(unit),
                std::move(baseline), baseline_value, ratio};
}

std::string ToJson(const std::vector<Metric>& metrics) {
  std::string out = "[\n";
  for (size_t i = 0; i < metrics.size(); ++i) {
    const Metric& m = metrics[i];
    out += "  {\"metric\": " + Quote(m.metric) + ", \"value\": " + Number(m.value) +
           ", \"unit\": " + Quote(m.unit) + ", \"baseline\": " + Quote(m.baseline) +
           ", \"baseline_value\": " + Number(m.baseline_value) +
           ", \"ratio\": " + Number(m.ratio) + "}";
    out += i + 1 < metrics.size() ? ",\n" : "\n";
  }
  return out + "]\n";
}

Status WriteJson(const std::string& path, const std::vector<Metric>& metrics) {
  std::error_code error;
  const std::filesystem::path file(path);
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), error);
  std::ofstream out(path, std::ios::trunc);
  out << ToJson(metrics);
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status();
}

Status PrintTableAndWriteJson(const std::string& table, const std::string& path,
                              const std::vector<Metric>& metrics) {
  std::printf("\n%s", table.c_str());
  Status written = WriteJson(path, metrics);
  if (written.ok()) std::printf("wrote %s\n", path.c_str());
  return written;
}

Status AppendJson(const std::string& path, const std::vector<Metric>& metrics) {
  std::ifstream in(path);
  if (!in) return WriteJson(path, metrics);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Our own format: "[\n  {...},\n  {...}\n]\n". Splice the new entries in
  // before the closing bracket.
  size_t close = text.rfind(']');
  size_t last_entry = text.rfind('}', close);
  if (close == std::string::npos) return DataLossError(path + " is not a JSON array");
  std::string entries = ToJson(metrics);
  entries = entries.substr(2, entries.size() - 4);  // without "[\n" and "]\n"
  std::string merged = last_entry == std::string::npos
                           ? text.substr(0, close) + entries
                           : text.substr(0, last_entry + 1) + ",\n" + entries;
  merged += "]\n";
  std::ofstream out(path, std::ios::trunc);
  out << merged;
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status();
}

}  // namespace parigot::bench
