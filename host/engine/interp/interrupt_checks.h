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
#include <string_view>
#include <vector>

#include "host/engine/validate.h"
#include "parigot/status.h"

namespace parigot::engine::internal {

// The validator refuses modules that export it (validate.h).
inline constexpr std::string_view kInterruptGlobal = kReservedExport;

// Adds the interrupt global and the loop-head checks to `module` (a module
// that passed ValidateModule, which refuses one exporting kInterruptGlobal
// already) and returns it encoded. Errors: Internal if it cannot be encoded.
Result<std::vector<uint8_t>> AddInterruptChecks(wabt::Module& module,
                                                std::string_view debug_name);

}  // namespace parigot::engine::internal

#endif  // PARIGOT_HOST_ENGINE_INTERP_INTERRUPT_CHECKS_H_
