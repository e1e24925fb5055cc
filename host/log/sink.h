// Sink: where the `parigot` command writes its one log (stdout): each
// message at or above the chosen level, in the chosen format, as whole
// lines that no other thread's output can cut.
//
//   Sink log({.format = Format::kJson, .level = Level::kWarn, .host = "front"});
//   log.Write(Level::kWarn, "shop", "stock low", fields);
//
// Thread safety: every method may be called from any thread.
#ifndef PARIGOT_HOST_LOG_SINK_H_
#define PARIGOT_HOST_LOG_SINK_H_

#include <cstdio>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "host/log/format.h"
#include "host/log/record.h"

namespace parigot::log {

struct SinkOptions {
  // Default: text.
  Format format = Format::kText;
  // The least level written. Default: info.
  Level level = Level::kInfo;
  // This process's host (`--host`), named in every message; empty: none.
  std::string host;
  // Where lines go; not owned. Default: stdout.
  std::FILE* out = stdout;
  // Colour the level (text only) when `out` is a terminal that has colours
  // (TERM set and not "dumb"). Default: true.
  bool color_if_terminal = true;
};

class Sink {
 public:
  explicit Sink(SinkOptions options);
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  // Whether a message at `level` is written.
  bool Enabled(Level level) const { return level >= options_.level; }
  Level level() const { return options_.level; }
  Format format() const { return options_.format; }

  // Writes the message (if Enabled(level)), stamped with the time now, and
  // flushes: a line is out before the process can die.
  void Write(Level level, std::string_view source, std::string_view message,
             std::span<const Field> fields = {});
  // Write, whatever the level: for what must be seen even where the user
  // asked for errors only (how the command ended).
  void WriteUnfiltered(Level level, std::string_view source, std::string_view message,
                       std::span<const Field> fields = {});

  // Writes `line` as it is (a line another parigot process formatted) and
  // flushes. REQUIRES: `line` holds no '\n'.
  void WriteLine(std::string_view line);

 private:
  void WriteLocked(std::string_view line);

  const SinkOptions options_;
  bool color_;
  std::mutex mu_;  // one line at a time
};

}  // namespace parigot::log

#endif  // PARIGOT_HOST_LOG_SINK_H_
