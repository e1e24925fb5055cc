// Interruptible guests for the interpreter.
//
// A guest spinning in a loop makes no host call, so the host cannot stop it
// from a callback. Before the interpreter loads a module, we add a mutable
// i32 global, exported as kInterruptGlobal, and at the head of every loop
// the check `if (global.get $interrupt) unreachable`. Setting the global to 1
// from another thread makes the guest trap at its next loop iteration; the
// instance then reports the trap as TrapKind::kInterrupted. Straight-line
// code ends by itself, and recursion ends at the call-depth limit.
#ifndef PARIGOT_HOST_ENGINE_INTERP_INTERRUPT_CHECKS_H_
#define PARIGOT_HOST_ENGINE_INTERP_INTERRUPT_CHECKS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::engine::internal {

inline constexpr std::string_view kInterruptGlobal = "__parigot_interrupt";

// Returns `wasm` with the interrupt global and the loop-head checks added.
// Errors: InvalidArgument if `wasm` does not decode, or already exports
// kInterruptGlobal.
Result<std::vector<uint8_t>> AddInterruptChecks(std::span<const uint8_t> wasm,
                                                std::string_view debug_name);

}  // namespace parigot::engine::internal

#endif  // PARIGOT_HOST_ENGINE_INTERP_INTERRUPT_CHECKS_H_
