#include "bench/rpc/rpc_report.h"

#include <cstdio>
#include <utility>

namespace parigot::bench {
namespace {

// The goals of DESIGN.md section 8 that the headline ratios are judged by.
constexpr double kInProcessRatioGoal = 0.20;   // at most
constexpr double kCoroutineRatioGoal = 1.10;   // at most (issue 11)
constexpr double kNetLatencyRatioGoal = 1.15;  // at most
constexpr double kNetThroughputGoal = 0.90;    // at least

// What one case reports: metric name suffixes and how to read them off.
struct Field {
  std::string suffix;  // appended to the case key
  std::string unit;
  double (*get)(const LatencyStats&);
};

std::vector<Field> FieldsOf(const std::string& mode) {
  auto p50 = [](const LatencyStats& s) { return s.p50_us; };
  auto p99 = [](const LatencyStats& s) { return s.p99_us; };
  auto cps = [](const LatencyStats& s) { return s.calls_per_s; };
  if (mode == "seq" || mode == "coseq") return {{"_p50_us", "us", p50}, {"_p99_us", "us", p99}};
  if (mode == "pipe") return {{"_calls_per_s", "calls/s", cps}, {"_latency_p50_us", "us", p50}};
  return {{"_round_p50_us", "us", p50}, {"_round_p99_us", "us", p99},
          {"_calls_per_s", "calls/s", cps}};
}

std::optional<double> Read(const std::optional<LatencyStats>& stats, const Field& field) {
  if (!stats.has_value()) return std::nullopt;
  return field.get(*stats);
}

// The name of a network metric: rpc.net.<case><suffix>, except the
// pipelined throughput, which issue 5 names rpc.net.calls_per_s.
std::string NetName(const Case& c, const Field& field) {
  if (c.mode == "pipe" && field.suffix == "_calls_per_s") return "rpc.net.calls_per_s";
  return "rpc.net." + c.key + field.suffix;
}

// a / b, when both are known and b is not 0.
std::optional<double> Ratio(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b == 0) return std::nullopt;
  return *a / *b;
}

double P50(const LatencyStats& s) { return s.p50_us; }
double CallsPerSecond(const LatencyStats& s) { return s.calls_per_s; }

// `get` of case `key` in `column` over `get` of case `base_key` in
// `base_column`, when both were measured.
std::optional<double> CellRatio(const Results& results, const std::string& column,
                                const std::string& key, const std::string& base_column,
                                const std::string& base_key,
                                double (*get)(const LatencyStats&)) {
  auto a = results.Get(column, key);
  auto b = results.Get(base_column, base_key);
  return Ratio(a ? std::optional(get(*a)) : std::nullopt,
               b ? std::optional(get(*b)) : std::nullopt);
}

// `get` of case `key` in `column` over the same in `base_column`.
std::optional<double> ColumnRatio(const Results& results, const std::string& column,
                                  const std::string& base_column, const std::string& key,
                                  double (*get)(const LatencyStats&)) {
  return CellRatio(results, column, key, base_column, key, get);
}


struct Headlines {
  std::optional<double> inproc;          // default engine / gRPC in-process, 16 B p50
  std::optional<double> net_latency;     // net / gRPC TCP, 16 B p50
  std::optional<double> net_throughput;  // net / gRPC TCP, pipelined calls/s
  std::optional<double> coroutine;       // co_await / callback client, 16 B p50
};

Headlines HeadlinesOf(const Results& results) {
  return {
      .inproc = ColumnRatio(results, results.default_engine, kGrpcInProcessColumn,
                            "roundtrip", P50),
      .net_latency = ColumnRatio(results, kNetColumn, kGrpcTcpColumn, "roundtrip", P50),
      .net_throughput =
          ColumnRatio(results, kNetColumn, kGrpcTcpColumn, "pipelined", CallsPerSecond),
      .coroutine = CellRatio(results, results.default_engine, "roundtrip_coroutine",
                             results.default_engine, "roundtrip", P50),
  };
}

std::string Cell(const Results& results, const std::string& column, const Case& c,
                 bool throughput) {
  if (results.IsMissing(column)) return "missing";
  auto col = results.cells.find(column);
  if (col == results.cells.end()) return "-";
  auto it = col->second.find(c.key);
  if (it == col->second.end()) return "-";
  if (!it->second.has_value()) return "error";
  char buf[64];
  if (throughput) {
    std::snprintf(buf, sizeof buf, "%.0f/s", it->second->calls_per_s);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f / %.1f", it->second->p50_us, it->second->p99_us);
  }
  return buf;
}

std::string FormatRatio(std::optional<double> ratio) {
  if (!ratio) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", *ratio);
  return buf;
}

}  // namespace

std::vector<Metric> BuildMetrics(const Results& results) {
  std::vector<Metric> metrics;
  for (const Case& c : Cases()) {
    for (const Field& f : FieldsOf(c.mode)) {
      const std::string name = c.key + f.suffix;
      if (!c.compared_with.empty()) {
        // A client variant: against the case it varies, column by column.
        const std::string base = c.compared_with + f.suffix;
        metrics.push_back(Compared(
            "rpc.inproc." + name, Read(results.Get(results.default_engine, c.key), f), f.unit,
            "rpc.inproc." + base, Read(results.Get(results.default_engine, c.compared_with), f)));
        for (const std::string& engine : results.engines) {
          metrics.push_back(Compared("rpc.inproc." + engine + "." + name,
                                     Read(results.Get(engine, c.key), f), f.unit,
                                     "rpc.inproc." + engine + "." + base,
                                     Read(results.Get(engine, c.compared_with), f)));
        }
        continue;
      }
      const std::string inproc_base = "rpc.grpc_inproc." + name;
      const std::optional<double> inproc_value =
          Read(results.Get(kGrpcInProcessColumn, c.key), f);
      metrics.push_back(Compared("rpc.inproc." + name,
                                 Read(results.Get(results.default_engine, c.key), f), f.unit,
                                 inproc_base, inproc_value));
      for (const std::string& engine : results.engines) {
        metrics.push_back(Compared("rpc.inproc." + engine + "." + name,
                                   Read(results.Get(engine, c.key), f), f.unit, inproc_base,
                                   inproc_value));
      }
      metrics.push_back(Compared(inproc_base, inproc_value, f.unit, "", std::nullopt));
      if (c.mode == "fan") continue;  // no fan-out over TCP
      const std::string tcp_base = "rpc.grpc_tcp." + name;
      const std::optional<double> tcp_value = Read(results.Get(kGrpcTcpColumn, c.key), f);
      metrics.push_back(Compared(tcp_base, tcp_value, f.unit, "", std::nullopt));
      if (c.n_net > 0) {
        metrics.push_back(Compared(NetName(c, f), Read(results.Get(kNetColumn, c.key), f),
                                   f.unit, tcp_base, tcp_value));
      }
    }
  }
  // The headlines, as ratios against a baseline of 1 (ratio = value).
  const Headlines headlines = HeadlinesOf(results);
  metrics.push_back(Compared("rpc.inproc_vs_grpc_inproc.ratio", headlines.inproc, "ratio",
                             "grpc_inproc", 1.0));
  metrics.push_back(Compared("rpc.inproc.engine_is_aot",
                             results.default_engine == "aot" ? 1.0 : 0.0, "bool", "",
                             std::nullopt));
  metrics.push_back(Compared("rpc.net_vs_grpc_tcp.ratio", headlines.net_latency, "ratio",
                             "grpc_tcp", 1.0));
  metrics.push_back(Compared("rpc.net_vs_grpc_tcp.throughput_ratio", headlines.net_throughput,
                             "ratio", "grpc_tcp", 1.0));
  metrics.push_back(Compared("rpc.inproc.coroutine_vs_callback.ratio", headlines.coroutine,
                             "ratio", "callback client", 1.0));
  return metrics;
}

std::string Table(const Results& results) {
  std::vector<std::pair<std::string, std::string>> columns;  // name, title
  for (const std::string& e : results.engines) columns.emplace_back(e, "parigot " + e);
  if (results.net) columns.emplace_back(kNetColumn, "parigot net");
  columns.emplace_back(kGrpcInProcessColumn, "gRPC in-process");
  columns.emplace_back(kGrpcTcpColumn, "gRPC TCP");

  std::string out =
      "RPC benchmark: latency p50 / p99 in us (lower is better); throughput in calls/s "
      "(higher is better)\n";
  char buf[256];
  std::snprintf(buf, sizeof buf, "%-30s", "");
  out += buf;
  for (const auto& [name, title] : columns) {
    std::snprintf(buf, sizeof buf, "%20s", title.c_str());
    out += buf;
  }
  out += "\n";
  for (const Case& c : Cases()) {
    std::vector<std::pair<std::string, bool>> rows;  // label, throughput
    if (c.mode == "seq" || c.mode == "coseq") rows = {{c.label, false}};
    if (c.mode == "pipe") {
      rows = {{c.label + ", " + std::to_string(kWindow) + " in flight", true},
              {"  (per-call latency)", false}};
    }
    if (c.mode == "fan") rows = {{c.label + " (round)", false}, {"  (calls)", true}};
    for (const auto& [label, throughput] : rows) {
      std::snprintf(buf, sizeof buf, "%-30s", label.c_str());
      out += buf;
      for (const auto& column : columns) {
        std::snprintf(buf, sizeof buf, "%20s",
                      Cell(results, column.first, c, throughput).c_str());
        out += buf;
      }
      out += "\n";
    }
  }
  const Headlines headlines = HeadlinesOf(results);
  out += "\n";
  if (headlines.inproc) {
    std::snprintf(buf, sizeof buf,
                  "parigot %s / gRPC in-process, 16 B p50: %s   (goal: <= %.2fx and <= 1 us; "
                  "pipelined goal >= 1,000,000 calls/s)\n",
                  results.default_engine.c_str(), FormatRatio(headlines.inproc).c_str(),
                  kInProcessRatioGoal);
    out += buf;
  }
  if (headlines.coroutine) {
    std::snprintf(buf, sizeof buf,
                  "parigot %s co_await / callback client, 16 B p50: %s   (goal: <= %.2fx)\n",
                  results.default_engine.c_str(), FormatRatio(headlines.coroutine).c_str(),
                  kCoroutineRatioGoal);
    out += buf;
  }
  if (results.net) {
    std::snprintf(buf, sizeof buf,
                  "parigot net / gRPC TCP, 16 B p50: %s   (goal: <= %.2fx); pipelined calls/s: "
                  "%s   (goal: >= %.2fx)\n",
                  FormatRatio(headlines.net_latency).c_str(), kNetLatencyRatioGoal,
                  FormatRatio(headlines.net_throughput).c_str(), kNetThroughputGoal);
    out += buf;
  }
  return out;
}

}  // namespace parigot::bench
