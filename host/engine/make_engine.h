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

// Returns a new engine. Errors: Unimplemented for a known engine that is not
// built yet ("aot" for now), InvalidArgument for an unknown name (the message
// lists the known ones).
Result<std::unique_ptr<Engine>> MakeEngine(std::string_view name);

}  // namespace parigot::engine

#endif  // PARIGOT_HOST_ENGINE_MAKE_ENGINE_H_
