// The compute suite: CPU-bound workloads written once and compiled twice, into
// the native benchmark harness (compute_bench) and into the wasm32-wasi guest
// bench_compute.wasm (guest_exports.cc), so that the harness can compare the
// same code run natively and on each engine.
//
// Each workload is a pure function of one size argument that returns a 64-bit
// checksum of its result; native and guest runs of the same size must return
// the same checksum (the harness treats a difference as an error). Nothing
// here depends on the pointer width, the C++ standard library in use, the
// clock or any global state.
//
// Threads: every function is reentrant.
#ifndef PARIGOT_BENCH_COMPUTE_WORKLOADS_H_
#define PARIGOT_BENCH_COMPUTE_WORKLOADS_H_

#include <cstdint>

// The one list of workloads: X(export name, C++ function, default size).
// guest_exports.cc exports each function under its name; the harness runs
// each at its default size (chosen so that the slowest engine, the
// interpreter, needs about one to three seconds per call on a 2-core machine).
#define PARIGOT_BENCH_WORKLOADS(X)        \
  X(fib, Fib, 32)                         \
  X(fnv1a, HashBuffer, 16)                \
  X(sort, SortInts, 500000)               \
  X(protobuf, ProtoRoundTrip, 2000)

namespace parigot::bench {

// fib(n) by naive double recursion (about 1.6^n calls); returns fib(n).
uint64_t Fib(uint32_t n);

// Fills a buffer of `mib` MiB from a xorshift generator, then returns its
// 64-bit FNV-1a hash (one multiply per byte, a serial dependency chain).
uint64_t HashBuffer(uint32_t mib);

// Sorts `count` pseudo-random 32-bit ints with std::sort; returns a
// position-weighted hash of the sorted array.
uint64_t SortInts(uint32_t count);

// `iterations` times: builds a bench.v1.Order (nested messages, strings,
// repeated fields, a map; about 0.5 KB encoded), encodes it with the code
// protoc-gen-parigot generates, decodes the bytes into a second message and
// folds what it decoded into the checksum. Returns 0 if a decode fails or
// does not equal the original.
uint64_t ProtoRoundTrip(uint32_t iterations);

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_COMPUTE_WORKLOADS_H_
