#include "bench/rpc/stats.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "bench/harness/percentile.h"

namespace parigot::bench {

LatencyStats Summarize(std::vector<double> samples_us, double elapsed_us, int calls) {
  std::sort(samples_us.begin(), samples_us.end());
  LatencyStats stats;
  stats.n = static_cast<int>(samples_us.size());
  stats.p50_us = Percentile(samples_us, 50);
  stats.p99_us = Percentile(samples_us, 99);
  double sum = 0;
  for (double s : samples_us) sum += s;
  stats.mean_us = samples_us.empty() ? 0 : sum / static_cast<double>(samples_us.size());
  stats.calls_per_s = elapsed_us > 0 ? calls / (elapsed_us / 1e6) : 0;
  return stats;
}

LatencyStats MedianRun(std::vector<LatencyStats> runs, bool by_throughput) {
  std::sort(runs.begin(), runs.end(),
            [by_throughput](const LatencyStats& a, const LatencyStats& b) {
              return by_throughput ? a.calls_per_s < b.calls_per_s : a.p50_us < b.p50_us;
            });
  return runs[runs.size() / 2];
}

std::vector<std::map<std::string, std::string>> FindResultLines(std::string_view output) {
  std::vector<std::map<std::string, std::string>> found;
  std::istringstream lines{std::string(output)};
  std::string line;
  while (std::getline(lines, line)) {
    const size_t at = line.find("RESULT ");
    if (at == std::string::npos) continue;
    std::map<std::string, std::string> fields;
    std::istringstream words(line.substr(at + 7));
    std::string word;
    while (words >> word) {
      const size_t eq = word.find('=');
      if (eq != std::string::npos) fields[word.substr(0, eq)] = word.substr(eq + 1);
    }
    found.push_back(std::move(fields));
  }
  return found;
}

Result<std::map<std::string, std::string>> FindResultLine(std::string_view output) {
  std::vector<std::map<std::string, std::string>> found = FindResultLines(output);
  if (found.empty()) return NotFoundError("no RESULT line in the output");
  return std::move(found.front());
}

Result<LatencyStats> StatsFromFields(const std::map<std::string, std::string>& fields) {
  auto number = [&](const char* key, double* out) -> Status {
    auto it = fields.find(key);
    if (it == fields.end()) return InvalidArgumentError(std::string("no ") + key + "= field");
    char* end = nullptr;
    *out = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0') {
      return InvalidArgumentError(std::string(key) + "=" + it->second + " is not a number");
    }
    return Status::Ok();
  };
  LatencyStats stats;
  double n = 0;
  for (auto [key, out] : {std::pair{"n", &n}, std::pair{"p50_us", &stats.p50_us},
                          std::pair{"p99_us", &stats.p99_us},
                          std::pair{"mean_us", &stats.mean_us},
                          std::pair{"calls_per_s", &stats.calls_per_s}}) {
    Status status = number(key, out);
    if (!status.ok()) return status;
  }
  stats.n = static_cast<int>(n);
  return stats;
}

}  // namespace parigot::bench
