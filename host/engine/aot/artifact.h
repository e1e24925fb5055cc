// AOT artifacts: shared objects compiled from a wasm module (wasm2c + clang),
// stored content-addressed.
//
// Layout: <dir>/<key>/guest.so, with the sources it was compiled from
// (guest.c, guest.h, glue.c and the runtime headers) beside it so that gdb
// can show guest code. `key` is the SHA-256 (hex) of the wasm bytes and of
// ToolchainIdentity() (wabt and compiler versions, flags, a hash of the
// runtime headers and the glue generator); the .so exports it as
// parigot_aot_key, and the loader checks it after dlopen.
//
// Directories searched, first hit wins: for a module loaded from a file,
// aot/ beside the file (read-only: parigot_add_guest compiles a guest's
// artifact there); the prebuilt dirs (read-only: $PARIGOT_AOT_PATH, and
// <exe dir>/../wasm/aot, where the repository's own guests are); then the cache
// ($PARIGOT_CACHE_DIR, else $XDG_CACHE_HOME/parigot/aot, else
// ~/.cache/parigot/aot), where a missing entry is compiled.
//
// Writing is atomic: an entry is built in a temporary directory inside <dir>
// and renamed into place, so processes and threads compiling the same module
// at once all succeed (the first rename wins, the others use it).
//
// Thread safety: every function may be called from any thread.
#ifndef PARIGOT_HOST_ENGINE_AOT_ARTIFACT_H_
#define PARIGOT_HOST_ENGINE_AOT_ARTIFACT_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/engine/aot/glue.h"
#include "parigot/status.h"

namespace parigot::engine::aot {

// Everything besides the wasm bytes that goes into the key.
const std::string& ToolchainIdentity();

// The key of `wasm` (64 hex digits).
std::string ArtifactKey(std::span<const uint8_t> wasm);

std::filesystem::path EntryDir(const std::filesystem::path& dir, std::string_view key);
std::filesystem::path EntryLibrary(const std::filesystem::path& dir, std::string_view key);

// Removes an entry (renamed aside first, so a half-removed entry is never
// seen under its key).
void RemoveEntry(const std::filesystem::path& dir, std::string_view key);

// For a directory that the build fills (parigot-aot --out-dir): records
// that `owner` (a guest's .wasm file name) now uses the entry `key`, and
// removes the entry it used before unless another owner still uses it, so
// that rebuilding a guest does not leave its old artifact behind. The record
// is <dir>/.owners/<owner>. Not for the cache, whose entries have no owner.
void ClaimEntry(const std::filesystem::path& dir, std::string_view owner,
                std::string_view key);

std::filesystem::path DefaultCacheDir();
// $PARIGOT_AOT_PATH (':'-separated), then <dir of the running executable>/../wasm/aot.
std::vector<std::filesystem::path> DefaultPrebuiltDirs();

// Compiles `wasm` into <dir>/<key>/ unless another process got there first.
// Prints a progress line on stderr if `progress`. Returns the entry's .so.
// Errors: Internal with the tool's output if wasm2c or the compiler fails.
// Tools: $PARIGOT_WASM2C (default wasm2c), $PARIGOT_AOT_CC (default clang-19).
Result<std::filesystem::path> BuildArtifact(std::span<const uint8_t> wasm,
                                            const ModuleShape& shape, std::string_view key,
                                            const std::filesystem::path& dir,
                                            std::string_view debug_name, bool progress);

}  // namespace parigot::engine::aot

#endif  // PARIGOT_HOST_ENGINE_AOT_ARTIFACT_H_
