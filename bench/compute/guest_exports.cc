// bench_compute.wasm: every workload of workloads.h as a wasm export of type
// (i32) -> (i64), named as in PARIGOT_BENCH_WORKLOADS. A WASI reactor: no main;
// the host calls `_initialize` once, then the exports.
#include "bench/compute/workloads.h"

#define PARIGOT_BENCH_EXPORT(name, function, size)                    \
  extern "C" __attribute__((export_name(#name))) uint64_t             \
      parigot_bench_##name(uint32_t n) {                              \
    return parigot::bench::function(n);                               \
  }

PARIGOT_BENCH_WORKLOADS(PARIGOT_BENCH_EXPORT)
