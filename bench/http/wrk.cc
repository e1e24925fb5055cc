#include "bench/http/wrk.h"

#include <cstdlib>
#include <sstream>
#include <vector>

#include "bench/harness/command.h"

namespace parigot::bench {
namespace {

// A wrk duration ("812.00us", "1.23ms", "2.00s", "1.5m") in microseconds.
Result<double> Micros(const std::string& text) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str()) return InvalidArgumentError("not a duration: " + text);
  const std::string unit(end);
  if (unit == "us") return value;
  if (unit == "ms") return value * 1e3;
  if (unit == "s") return value * 1e6;
  if (unit == "m") return value * 60e6;
  return InvalidArgumentError("unknown unit in wrk's duration " + text);
}

// A wrk count ("12345", "5.00k", "1.2M") as a number.
double Count(const std::string& text) {
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (*end == 'k') value *= 1e3;
  if (*end == 'M') value *= 1e6;
  return value;
}

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

}  // namespace

Result<WrkResult> ParseWrkOutput(std::string_view output) {
  WrkResult result;
  bool have_mean = false, have_p50 = false, have_p99 = false, have_n = false, have_rate = false;
  std::istringstream lines{std::string(output)};
  for (std::string line; std::getline(lines, line);) {
    const std::vector<std::string> w = Words(line);
    if (w.empty()) continue;
    if (w[0] == "Latency" && w.size() >= 2 && !have_mean) {  // Thread Stats: avg first
      Result<double> mean = Micros(w[1]);
      if (!mean.ok()) return mean.status();
      result.stats.mean_us = *mean;
      have_mean = true;
    } else if ((w[0] == "50%" || w[0] == "99%") && w.size() == 2) {
      Result<double> us = Micros(w[1]);
      if (!us.ok()) return us.status();
      (w[0] == "50%" ? result.stats.p50_us : result.stats.p99_us) = *us;
      (w[0] == "50%" ? have_p50 : have_p99) = true;
    } else if (w.size() >= 3 && w[1] == "requests" && w[2] == "in") {
      result.stats.n = static_cast<int>(Count(w[0]));
      have_n = true;
    } else if (w[0] == "Requests/sec:" && w.size() == 2) {
      result.stats.calls_per_s = Count(w[1]);
      have_rate = true;
    } else if (line.find("Non-2xx or 3xx responses:") != std::string::npos) {
      result.non_2xx = std::atol(w.back().c_str());
    } else if (w[0] == "Socket" && w.size() >= 3 && w[1] == "errors:") {
      // "Socket errors: connect 0, read 0, write 0, timeout 0"
      for (size_t i = 3; i < w.size(); i += 2) result.socket_errors += std::atol(w[i].c_str());
    }
  }
  if (!have_mean || !have_p50 || !have_p99 || !have_n || !have_rate) {
    return InvalidArgumentError("wrk's report lacks a Latency, 50%, 99%, 'requests in' or "
                                "Requests/sec line (was it run with --latency?)");
  }
  return result;
}

Result<WrkResult> RunWrk(const WrkOptions& options) {
  std::string wrk = options.wrk;
  if (wrk.find('/') == std::string::npos) wrk = "/usr/bin/env";  // RunCommand does not search
  std::vector<std::string> argv = {wrk};
  if (options.wrk.find('/') == std::string::npos) argv.push_back(options.wrk);
  const std::vector<std::string> args = {
      "--latency", "-t", std::to_string(options.threads), "-c",
      std::to_string(options.connections), "-d", std::to_string(options.duration.count()) + "s",
      options.url};
  argv.insert(argv.end(), args.begin(), args.end());
  Result<CommandResult> run = RunCommand(
      argv, {.capture_output = true, .limit = options.duration + std::chrono::seconds(15)});
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return UnavailableError("wrk exited with code " + std::to_string(run->exit_code) + ": " +
                            run->output);
  }
  Result<WrkResult> result = ParseWrkOutput(run->output);
  if (!result.ok()) return Status(result.status().code(),
                                  result.status().message() + ":\n" + run->output);
  if (result->non_2xx > 0 || result->socket_errors > 0) {
    return AbortedError("wrk saw " + std::to_string(result->non_2xx) + " non-2xx answers and " +
                        std::to_string(result->socket_errors) + " socket errors:\n" +
                        run->output);
  }
  return result;
}

}  // namespace parigot::bench
