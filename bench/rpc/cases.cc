#include "bench/rpc/cases.h"

#include <algorithm>

namespace parigot::bench {

const std::vector<Case>& Cases() {
  // The network counts give the four two-host cases about 10 s in all with
  // three runs each (start-up of the two hosts included).
  static const std::vector<Case> cases = {
      {"roundtrip", "round trip 16 B", "seq", 16, 20000, 3000, 2000},
      // The same client written as a coroutine (co_await per call): its
      // cost over the callback client's, in the same column.
      {"roundtrip_coroutine", "round trip 16 B, co_await", "coseq", 16, 20000, 3000, 0,
       "roundtrip"},
      {"roundtrip_1kb", "round trip 1 KB", "seq", 1024, 20000, 2000, 1000},
      {"roundtrip_64kb", "round trip 64 KB", "seq", 65536, 2000, 100, 300},
      {"pipelined", "pipelined 16 B", "pipe", 16, 100000, 5000, 10000},
      {"fanout8", "fan-out 8 x 16 B", "fan", 16, 3000, 300, 0},
  };
  return cases;
}

std::optional<LatencyStats> Results::Get(const std::string& column,
                                         const std::string& key) const {
  auto c = cells.find(column);
  if (c == cells.end()) return std::nullopt;
  auto k = c->second.find(key);
  return k == c->second.end() ? std::nullopt : k->second;
}

bool Results::IsMissing(const std::string& column) const {
  return std::find(missing.begin(), missing.end(), column) != missing.end();
}

}  // namespace parigot::bench
