#include "host/engine/make_engine.h"

#include <string>

#include "host/engine/aot/aot_engine.h"
#include "host/engine/aot/runtime/rt.h"
#include "host/engine/interp/interp_engine.h"

namespace parigot::engine {

std::vector<std::string_view> EngineNames() { return {"aot", "interp"}; }

Result<std::unique_ptr<Engine>> MakeEngine(std::string_view name) {
  if (name == "interp") return std::unique_ptr<Engine>(NewInterpEngine());
  if (name == "aot") return NewAotEngine();
  std::string known;
  for (std::string_view n : EngineNames()) {
    if (!known.empty()) known += ", ";
    known += n;
  }
  return InvalidArgumentError("unknown engine \"" + std::string(name) +
                              "\"; known engines: " + known);
}

std::vector<EngineFiberHook> EngineFiberHooks() {
  return {{aot::SaveFiberState, aot::RestoreFiberState, aot::ReleaseFiberState}};
}

}  // namespace parigot::engine
