// Logs with fields at every level (parigot/log.h), for the e2e tests of the
// log's formats and levels (tests/e2e: logs_*), then exits with 0.
//
// Each level's message carries fields of every kind; the warn level also
// carries what log::enabled() says of each level (the host's --log-level,
// learnt at launch), a field named like a member of the JSON format, a
// message and a field of invalid UTF-8, and one of several lines. It also
// writes a line to stdout (logged at info) and one to stderr (warn).
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "parigot/parigot.h"

namespace {

using parigot::log::Field;
using parigot::log::Level;

void LogEveryLevel() {
  parigot::log::debug("debug message", {{"step", 1}, {"kind", "debug"}});
  parigot::log::info("info message", {{"step", 2}, {"kind", "info"}});
  std::string sku = "A-17";
  parigot::log::warn("stock low",
                     {{"sku", sku},
                      {"left", 2},
                      {"ratio", 0.25},
                      {"urgent", true},
                      {"big", std::numeric_limits<uint64_t>::max()},
                      {"delta", int64_t{-5}},
                      {"note", "two words, \"quoted\""},
                      {"level", "forged"}});
  parigot::log::warn("levels enabled", {{"debug", parigot::log::enabled(Level::kDebug)},
                                        {"info", parigot::log::enabled(Level::kInfo)},
                                        {"warn", parigot::log::enabled(Level::kWarn)},
                                        {"error", parigot::log::enabled(Level::kError)}});
  parigot::log::warn("bad bytes \xff\xfe here", {{"raw\xc0", "v\xff"}});
  // Fields built at run time, sent through write().
  std::vector<Field> fields;
  for (int i = 0; i < 3; ++i) fields.push_back({"f" + std::to_string(i), i * 10});
  parigot::log::write(Level::kError, "payment failed\nsecond line", fields);
  std::printf("stdout line\n");
  std::fprintf(stderr, "stderr line\n");
  std::fflush(nullptr);
}

}  // namespace

int main() {
  parigot::Program app;
  app.launch().then([] {
    LogEveryLevel();
    parigot::exit(0);
  });
  return parigot::run();
}
