// The C glue compiled into every AOT artifact next to wasm2c's output: the
// import trampolines (every imported function packs its arguments into
// uint64_t slots and calls ONE host dispatcher, parigot_aot_host_call, which
// runs the same engine::HostFunction callbacks the interpreter runs), one call
// thunk per function export, and a description of the module (imports,
// exports, instance size, the artifact's cache key) for the loader.
//
// Thread safety: all functions are pure.
#ifndef PARIGOT_HOST_ENGINE_AOT_GLUE_H_
#define PARIGOT_HOST_ENGINE_AOT_GLUE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/engine/engine.h"
#include "parigot/status.h"

namespace parigot::engine::aot {

// The module name given to wasm2c (-n): every artifact's C symbols start
// with "Z_guest".
inline constexpr std::string_view kModuleName = "guest";

// Imports and exports of a module, read with libwabt.
struct ModuleShape {
  std::vector<ImportInfo> imports;
  std::vector<ExportInfo> exports;
  // Exports whose function signature uses only i32/i64/f32/f64.
  std::vector<bool> export_callable;
  // Empty, or why the module cannot be instantiated (a non-function import or
  // one with other value types); the interpreter refuses such modules at
  // Instantiate, so the AOT engine does too.
  std::string unsupported;
};

// Reads the import and export sections. Errors: InvalidArgument.
Result<ModuleShape> ReadModuleShape(std::span<const uint8_t> wasm, std::string_view debug_name);

// wasm2c 1.0.32's name mangling: [A-Za-z0-9_] stay except 'Z', every other
// byte becomes 'Z' and two upper-case hex digits.
std::string MangleName(std::string_view name);

// "ij:f" for (i32, i64) -> (f32); '?' marks a type with no slot encoding.
std::string EncodeSignature(const Signature& sig);
std::optional<Signature> DecodeSignature(std::string_view encoded);

// The glue C source for a module of this shape, embedding `key`.
std::string GenerateGlue(const ModuleShape& shape, std::string_view key);

// Bumped whenever the glue's ABI with the loader changes (part of the key).
inline constexpr int kGlueVersion = 1;

}  // namespace parigot::engine::aot

#endif  // PARIGOT_HOST_ENGINE_AOT_GLUE_H_
