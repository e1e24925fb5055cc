#include "bench/http/http_report.h"

#include <cstdio>

namespace parigot::bench {
namespace {

using Stat = std::optional<LatencyStats>;

std::optional<double> Field(const Stat& s, double LatencyStats::*field) {
  if (!s) return std::nullopt;
  return (*s).*field;
}

std::string Cell(std::optional<double> v, const char* format) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, *v);
  return buf;
}

std::optional<double> Ratio(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b == 0) return std::nullopt;
  return *a / *b;
}

struct Row {
  const char* label;
  const char* mode;  // "seq" or "load"
  double LatencyStats::*field;
  const char* key;
  const char* format;
};

constexpr Row kRows[] = {
    {"1 conn p50 us", "seq", &LatencyStats::p50_us, "p50_us", "%.1f"},
    {"1 conn p99 us", "seq", &LatencyStats::p99_us, "p99_us", "%.1f"},
    {"1 conn req/s", "seq", &LatencyStats::calls_per_s, "calls_per_s", "%.0f"},
    {"load req/s", "load", &LatencyStats::calls_per_s, "calls_per_s", "%.0f"},
    {"load p50 us", "load", &LatencyStats::p50_us, "p50_us", "%.1f"},
    {"load p99 us", "load", &LatencyStats::p99_us, "p99_us", "%.1f"},
};

const Stat& Pick(const HttpEngineResults& r, bool ingress, const std::string& mode) {
  if (mode == "seq") return ingress ? r.ingress_seq : r.grpc_seq;
  return ingress ? r.ingress_load : r.grpc_load;
}

constexpr const char* kPhases[] = {"put", "get", "batch"};

Stat Phase(const std::optional<KvResults>& kv, const std::string& phase) {
  if (!kv) return std::nullopt;
  auto it = kv->phases.find(phase);
  if (it == kv->phases.end()) return std::nullopt;
  return it->second;
}

std::string KvName(const std::string& column) {
  return column == "aot net" ? "net" : column;  // metric names have no spaces
}

}  // namespace

std::vector<Metric> BuildHttpMetrics(const HttpResults& results) {
  std::vector<Metric> metrics;
  for (const std::string& engine : results.engines) {
    auto found = results.http.find(engine);
    const HttpEngineResults r = found == results.http.end() ? HttpEngineResults{} : found->second;
    for (const Row& row : kRows) {
      const std::string tail = std::string(row.mode) + "." + row.key;
      const std::string grpc = "http." + engine + ".grpc." + tail;
      const std::string unit = row.field == &LatencyStats::calls_per_s ? "calls/s" : "us";
      metrics.push_back(Compared("http." + engine + ".ingress." + tail,
                                 Field(Pick(r, true, row.mode), row.field), unit, grpc,
                                 Field(Pick(r, false, row.mode), row.field)));
      metrics.push_back(Compared(grpc, Field(Pick(r, false, row.mode), row.field), unit, "",
                                 std::nullopt));
    }
  }
  metrics.push_back(Compared("kv.fsync.p50_us", Field(results.fsync, &LatencyStats::p50_us),
                             "us", "", std::nullopt));
  for (const std::string& column : results.kv_columns) {
    auto found = results.kv.find(column);
    const std::optional<KvResults> kv = found == results.kv.end() ? std::nullopt : found->second;
    const std::string prefix = "kv." + KvName(column) + ".";
    for (const char* phase : kPhases) {
      const Stat s = Phase(kv, phase);
      metrics.push_back(Compared(prefix + phase + ".p50_us", Field(s, &LatencyStats::p50_us),
                                 "us", std::string(phase) == "put" ? "kv.fsync.p50_us" : "",
                                 std::string(phase) == "put"
                                     ? Field(results.fsync, &LatencyStats::p50_us)
                                     : std::nullopt));
      metrics.push_back(Compared(prefix + phase + ".p99_us", Field(s, &LatencyStats::p99_us),
                                 "us", "", std::nullopt));
      metrics.push_back(Compared(prefix + phase + ".calls_per_s",
                                 Field(s, &LatencyStats::calls_per_s), "calls/s", "",
                                 std::nullopt));
    }
    metrics.push_back(Compared(prefix + "batch.keys_per_s",
                               kv ? std::optional<double>(kv->batch_keys_per_s) : std::nullopt,
                               "keys/s", "", std::nullopt));
  }
  return metrics;
}

std::string HttpTable(const HttpResults& results) {
  std::string out;
  char line[200];
  for (const std::string& engine : results.engines) {
    auto found = results.http.find(engine);
    const HttpEngineResults r = found == results.http.end() ? HttpEngineResults{} : found->second;
    std::snprintf(line, sizeof line,
                  "test.v1.Web/Echo on %s (load: %d connections, %d threads)\n"
                  "  %-16s %12s %12s %16s\n",
                  engine.c_str(), results.connections, results.threads, "", "ingress",
                  "gRPC (cq)", "ingress/gRPC");
    out += line;
    for (const Row& row : kRows) {
      const std::optional<double> a = Field(Pick(r, true, row.mode), row.field);
      const std::optional<double> b = Field(Pick(r, false, row.mode), row.field);
      std::snprintf(line, sizeof line, "  %-16s %12s %12s %16s\n", row.label,
                    Cell(a, row.format).c_str(), Cell(b, row.format).c_str(),
                    Cell(Ratio(a, b), "%.2fx").c_str());
      out += line;
    }
  }
  if (results.kv_columns.empty()) return out;
  std::snprintf(line, sizeof line, "kv built-in (sequential calls from a guest)\n  %-16s", "");
  out += line;
  for (const std::string& column : results.kv_columns) {
    std::snprintf(line, sizeof line, " %12s", column.c_str());
    out += line;
  }
  out += "\n";
  for (const char* phase : kPhases) {
    for (const Row& row : kRows) {
      if (std::string(row.mode) != "seq") continue;
      std::snprintf(line, sizeof line, "  %-16s", (std::string(phase) + " " +
                                                   (row.label + 7)).c_str());
      out += line;
      for (const std::string& column : results.kv_columns) {
        auto found = results.kv.find(column);
        const Stat s = found == results.kv.end() ? std::nullopt : Phase(found->second, phase);
        std::snprintf(line, sizeof line, " %12s", Cell(Field(s, row.field), row.format).c_str());
        out += line;
      }
      out += "\n";
    }
  }
  std::snprintf(line, sizeof line, "  %-16s", "batch keys/s");
  out += line;
  for (const std::string& column : results.kv_columns) {
    auto found = results.kv.find(column);
    const bool have = found != results.kv.end() && found->second;
    std::snprintf(line, sizeof line, " %12s",
                  Cell(have ? std::optional<double>(found->second->batch_keys_per_s)
                            : std::nullopt, "%.0f").c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "\n  durable-write floor (write + fdatasync, p50): %s us\n",
                Cell(Field(results.fsync, &LatencyStats::p50_us), "%.1f").c_str());
  out += line;
  return out;
}

}  // namespace parigot::bench
