// The nearest-rank percentile every benchmark reports, in one place so that
// the host harnesses (bench/rpc/stats.cc) and the guests that time calls
// themselves (bench/rpc/guest, bench/http/guest) compute the same thing.
// Header-only and standard C++ only: guests (wasm32) include it too.
//
// Threads: a plain function; reentrant.
#ifndef PARIGOT_BENCH_HARNESS_PERCENTILE_H_
#define PARIGOT_BENCH_HARNESS_PERCENTILE_H_

#include <algorithm>
#include <cstddef>
#include <vector>

namespace parigot::bench {

// The nearest-rank `p`-th percentile (0 < p <= 100) of `sorted` (ascending);
// 0 for no samples.
inline double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HARNESS_PERCENTILE_H_
