// The AOT engine: a guest's wasm is translated by wasm2c (wabt 1.0.32) and
// compiled by clang-19 -O2 into a shared object, which is dlopen'ed
// (RTLD_LOCAL) and run at native speed on parigot's own wasm-rt runtime
// (runtime/rt.h). Behaves like the interpreter (interp/) behind engine.h.
//
// Artifacts are found or built as artifact.h describes. Imports: every
// imported function of the module is a generated C trampoline calling one
// dispatcher, which runs the engine::HostFunction given to Instantiate, the
// same callbacks the interpreter runs (glue.h).
//
// Traps, exits and host traps unwind the guest with siglongjmp to the
// Instance::Call that entered it, on the calling thread only; see rt.h for
// which faults become traps.
//
// Threads: as engine.h. Load may compile (seconds) and is safe to call from
// several threads and processes at once.
#ifndef PARIGOT_HOST_ENGINE_AOT_AOT_ENGINE_H_
#define PARIGOT_HOST_ENGINE_AOT_AOT_ENGINE_H_

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "host/engine/engine.h"
#include "parigot/status.h"

namespace parigot::engine {

struct AotOptions {
  // Where compiled modules are cached. Default (empty): artifact.h's
  // DefaultCacheDir() ($PARIGOT_CACHE_DIR, $XDG_CACHE_HOME/parigot/aot,
  // ~/.cache/parigot/aot).
  std::filesystem::path cache_dir;
  // Read-only directories of prebuilt artifacts, searched before the cache.
  // Default (nullopt): $PARIGOT_AOT_PATH, then <exe dir>/../wasm/aot.
  std::optional<std::vector<std::filesystem::path>> prebuilt_dirs;
  // A line on stderr when a module is compiled, and how long it took.
  bool progress = true;
};

std::unique_ptr<Engine> NewAotEngine(AotOptions options = {});

// For the `parigot-aot` build tool: makes sure the artifact of `wasm` exists
// in `dir` (compiling it if not). Sets *compiled if it had to compile.
// Returns the artifact's .so. Errors: InvalidArgument for a bad module,
// Internal if compiling fails.
Result<std::filesystem::path> CompileAotArtifact(std::span<const uint8_t> wasm,
                                                 std::string_view debug_name,
                                                 const std::filesystem::path& dir,
                                                 bool* compiled);

}  // namespace parigot::engine

#endif  // PARIGOT_HOST_ENGINE_AOT_AOT_ENGINE_H_
