// Benchmark results as metrics, written as the JSON array every bench/
// harness produces (bench/README.md):
//
//   [{"metric": "compute.fib.aot_ms", "value": 12.5, "unit": "ms",
//     "baseline": "compute.fib.native_ms", "baseline_value": 11.9,
//     "ratio": 1.05}, ...]
//
// A measurement that could not be made (an engine that is not built yet) has
// "value" and "ratio" null: it is reported as missing, never estimated.
//
// Threads: plain values and functions; reentrant.
#ifndef PARIGOT_BENCH_HARNESS_REPORT_H_
#define PARIGOT_BENCH_HARNESS_REPORT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::bench {

struct Metric {
  std::string metric;           // "compute.fib.native_ms"
  std::optional<double> value;  // nullopt: missing
  std::string unit;             // "ms", "ratio"
  std::string baseline;         // what `ratio` compares against; "" for none
  std::optional<double> baseline_value;
  // value / baseline_value when both are known (lower is better).
  std::optional<double> ratio;
};

// A metric compared against a baseline metric; fills in the ratio.
Metric Compared(std::string name, std::optional<double> value, std::string unit,
                std::string baseline, std::optional<double> baseline_value);

// The JSON text of `metrics` (one object per line, keys in the order above).
std::string ToJson(const std::vector<Metric>& metrics);

// Writes ToJson(metrics) to `path`, creating its directory. Errors:
// Unavailable if the file cannot be written.
Status WriteJson(const std::string& path, const std::vector<Metric>& metrics);

// How a benchmark ends: prints `table` (after a blank line), writes the
// metrics with WriteJson and says so on stdout ("wrote PATH"). Returns
// WriteJson's status.
Status PrintTableAndWriteJson(const std::string& table, const std::string& path,
                              const std::vector<Metric>& metrics);

// Adds `metrics` to the array in the file at `path` (written by WriteJson),
// or writes a new one if there is none.
Status AppendJson(const std::string& path, const std::vector<Metric>& metrics);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HARNESS_REPORT_H_
