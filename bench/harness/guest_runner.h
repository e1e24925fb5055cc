// GuestRunner: one benchmark guest loaded on one engine, ready to call.
//
// Loads the wasm with the given engine, instantiates it with the WASI imports
// of host/abi/wasi.h (guest output is discarded), runs the WASI reactor's
// `_initialize` if the guest exports one, then calls exports of type
// (i32) -> (i64) on demand.
//
// Ownership: the runner owns its module, instance and WASI state; the engine
// must outlive Create only.
// Threads: one thread at a time (like engine::Instance).
#ifndef PARIGOT_BENCH_HARNESS_GUEST_RUNNER_H_
#define PARIGOT_BENCH_HARNESS_GUEST_RUNNER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "host/abi/wasi.h"
#include "host/engine/engine.h"
#include "parigot/status.h"

namespace parigot::bench {

class GuestRunner {
 public:
  // Errors: whatever Load or Instantiate return; Aborted if `_initialize`
  // traps or exits. `load_ms` (optional) receives the wall time of Load plus
  // Instantiate plus `_initialize`.
  static Result<std::unique_ptr<GuestRunner>> Create(const engine::Engine& engine,
                                                     std::span<const uint8_t> wasm,
                                                     std::string_view debug_name,
                                                     double* load_ms = nullptr);

  // Calls `export_name(arg)` and returns its i64 result. Errors: the engine's
  // (NotFound for a missing export), InvalidArgument if the export's type is
  // not (i32) -> (i64), Aborted if the guest trapped or exited.
  Result<uint64_t> Call(std::string_view export_name, uint32_t arg);

 private:
  GuestRunner() = default;

  std::unique_ptr<abi::Wasi> wasi_;
  std::unique_ptr<engine::Module> module_;
  std::unique_ptr<engine::Instance> instance_;
};

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HARNESS_GUEST_RUNNER_H_
