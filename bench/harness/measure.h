// Timing helpers for the benchmarks: wall-clock repetitions and their median.
//
// Threads: plain functions; reentrant.
#ifndef PARIGOT_BENCH_HARNESS_MEASURE_H_
#define PARIGOT_BENCH_HARNESS_MEASURE_H_

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <vector>

namespace parigot::bench {

// The median of `samples` (the mean of the two middle values for an even
// count). Precondition: !samples.empty().
inline double Median(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  const size_t n = samples.size();
  return n % 2 == 1 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

// The geometric mean of `values` (all > 0). Precondition: !values.empty().
inline double GeoMean(std::span<const double> values) {
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return std::exp(log_sum / static_cast<double>(values.size()));
}

// Wall milliseconds taken by one call of `fn`.
template <typename Fn>
double TimeMs(Fn&& fn) {
  const auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HARNESS_MEASURE_H_
