// How one message of parigot's log is written: as text for people, or as a
// JSON object for machines (`--log-format text|json`, docs/cli.md).
//
//   text: 16:14:26.120 info  [front/shop] order placed order=A-17 note="two words"
//   json: {"time":"2025-06-01T14:14:26.120Z","level":"info","host":"front",
//          "source":"shop","message":"order placed","order":"A-17",
//          "note":"two words"}
//
// Nothing a guest sends can break either format: in text, control
// characters are escaped and a message of several lines gives several lines,
// each with its source; in JSON, every string is valid UTF-8 (an invalid
// byte becomes U+FFFD) and escaped by nlohmann::json, and no field can
// replace the time, level, host, source or message.
//
// Thread safety: pure functions.
#ifndef PARIGOT_HOST_LOG_FORMAT_H_
#define PARIGOT_HOST_LOG_FORMAT_H_

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/log/record.h"

namespace parigot::log {

enum class Format { kText, kJson };

// "text" or "json"; nullopt for anything else.
std::optional<Format> ParseFormat(std::string_view name);
// "debug", "info", "warn" or "error"; nullopt for anything else.
std::optional<Level> ParseLevel(std::string_view name);
// The inverse of ParseLevel: the name used by the flag and both formats.
std::string_view LevelName(Level level);

// One message, as it is written. The views must outlive the call only.
struct Record {
  std::chrono::system_clock::time_point time;
  Level level = Level::kInfo;
  // The host this process runs (`--host`), or empty.
  std::string_view host;
  // Who says it: a microservice's name, or "parigot", "up", "net".
  std::string_view source;
  std::string_view message;
  std::span<const Field> fields;
};

// The text lines of `record`, without '\n': one per line of its message
// (split and escaped as EscapedLines does), each "HH:MM:SS.mmm LEVEL
// [host/source] line" in local time, the level padded to 5 characters and,
// with `color`, coloured by ANSI escapes. The fields follow the last line
// as ` key=value`: a number or bool as such; a key or string written as it
// is when it is non-empty and holds no space, '"', '=', '\\' or control
// character, else quoted, with '"' and '\\' escaped by '\\' and control
// characters as EscapeControl writes them.
std::vector<std::string> FormatText(const Record& record, bool color = false);

// The fields alone as FormatText writes them: " a=1 b=\"x y\"" (empty for
// none).
std::string FormatFieldsText(std::span<const Field> fields);

// `record` as one JSON object on one line (no '\n'), its members in this
// order: "time" (RFC 3339 in UTC with milliseconds,
// "2025-06-01T14:14:26.120Z"), "level" (LevelName), "host" (only when not
// empty), "source", "message" (the whole message, newlines included), then
// one member per field: strings as strings, integers and finite doubles as
// numbers, NaN and infinities as the strings "NaN", "Infinity",
// "-Infinity", bools as true/false. A field whose key is already a member
// (one of the above, or an earlier field) gets '_' put before it until it
// is not: {"level":"warn",...,"_level":"high"}.
std::string FormatJson(const Record& record);

// True if `line` is exactly one JSON object: a line that FormatJson wrote.
bool IsJsonObject(std::string_view line);

}  // namespace parigot::log

#endif  // PARIGOT_HOST_LOG_FORMAT_H_
