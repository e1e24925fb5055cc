// The wabt interpreter engine (libwabt 1.0.32, wabt::interp).
//
// Slow (100-160x native) but needs no preparation; it is the fallback engine
// and the reference for differential tests. Each Instance owns its own
// wabt::interp::Store (a Store is never shared between threads), so
// instances run in parallel on different threads. Call depth is wabt's fixed
// 1638 frames; deeper recursion traps with TrapKind::kStackExhausted.
//
// Known wabt 1.0.32 bug, worked around only in part: when the call stack runs
// out on a call_indirect, wabt sets the trap but keeps running the caller as
// if the call had returned nothing, and finally returns Result::Ok. This
// engine treats any set trap as a failure, and stops at the next host call
// it sees, so recursion through void function pointers is reported
// correctly as kStackExhausted. If the callee returns values, wabt's
// continuation runs on a mis-typed value stack and libwabt's own assertion
// (Thread::PopValues) aborts the process; fixing that needs a patched wabt.
// Re-entering Instance::Call from one of the instance's own host callbacks
// answers FailedPrecondition.
//
// Thread safety: as engine.h.
#ifndef PARIGOT_HOST_ENGINE_INTERP_INTERP_ENGINE_H_
#define PARIGOT_HOST_ENGINE_INTERP_INTERP_ENGINE_H_

#include <memory>
#include <string_view>

#include "host/engine/engine.h"

namespace parigot::engine {

std::unique_ptr<Engine> NewInterpEngine();

namespace internal {
// Maps a wabt trap message onto a TrapKind. Exposed for tests.
TrapKind ClassifyInterpTrap(std::string_view message);
}  // namespace internal

}  // namespace parigot::engine

#endif  // PARIGOT_HOST_ENGINE_INTERP_INTERP_ENGINE_H_
