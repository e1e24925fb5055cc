// MakeEngine: the one place that knows every engine by name. The CLI and the
// kernel pick an engine by its name ("aot" by default, "interp" as the
// fallback and the reference for differential tests) and never include an
// engine's own headers.
//
// Thread safety: MakeEngine may be called from any thread.
#ifndef PARIGOT_HOST_ENGINE_MAKE_ENGINE_H_
#define PARIGOT_HOST_ENGINE_MAKE_ENGINE_H_

#include <memory>
#include <string_view>
#include <vector>

#include "host/engine/engine.h"
#include "parigot/status.h"

namespace parigot::engine {

// The names MakeEngine knows, in order of preference.
std::vector<std::string_view> EngineNames();

// Returns a new engine ("aot" with its default options: see
// aot/aot_engine.h). Errors: InvalidArgument for an unknown name (the message
// lists the known ones).
Result<std::unique_ptr<Engine>> MakeEngine(std::string_view name);

// Per-thread engine state that a fiber scheduler must move with each fiber
// (the aot engine's unwind target, in-guest flag and stack limit): `save`
// runs just after a fiber is switched out, `restore` just before one is
// switched in, `release` once a fiber has ended. The same shape as
// kernel::FiberStateHook; plain function pointers, no system calls.
struct EngineFiberHook {
  void (*save)(void** slot);
  void (*restore)(void** slot);
  void (*release)(void* slot);
};
std::vector<EngineFiberHook> EngineFiberHooks();

}  // namespace parigot::engine

#endif  // PARIGOT_HOST_ENGINE_MAKE_ENGINE_H_
