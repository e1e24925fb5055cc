#include "host/log/sink.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace parigot::log {
namespace {

bool ColorTerminal(std::FILE* out) {
  const char* term = std::getenv("TERM");
  return term != nullptr && *term != '\0' && std::string_view(term) != "dumb" &&
         isatty(fileno(out)) == 1;
}

}  // namespace

Sink::Sink(SinkOptions options)
    : options_(std::move(options)),
      color_(options_.format == Format::kText && options_.color_if_terminal &&
             ColorTerminal(options_.out)) {}

void Sink::Write(Level level, std::string_view source, std::string_view message,
                 std::span<const Field> fields) {
  if (Enabled(level)) WriteUnfiltered(level, source, message, fields);
}

void Sink::WriteUnfiltered(Level level, std::string_view source, std::string_view message,
                           std::span<const Field> fields) {
  Record record{.time = std::chrono::system_clock::now(),
                .level = level,
                .host = options_.host,
                .source = source,
                .message = message,
                .fields = fields};
  // Formatted before the lock: threads wait only for each other's writes.
  if (options_.format == Format::kJson) {
    std::string line = FormatJson(record);
    std::lock_guard lock(mu_);
    WriteLocked(line);
    return;
  }
  std::vector<std::string> lines = FormatText(record, color_);
  std::lock_guard lock(mu_);
  for (const std::string& line : lines) WriteLocked(line);
}

void Sink::WriteLine(std::string_view line) {
  std::lock_guard lock(mu_);
  WriteLocked(line);
}

void Sink::WriteLocked(std::string_view line) {
  std::fwrite(line.data(), 1, line.size(), options_.out);
  std::fputc('\n', options_.out);
  std::fflush(options_.out);
}

}  // namespace parigot::log
