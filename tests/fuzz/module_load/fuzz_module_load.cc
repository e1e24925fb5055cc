// libFuzzer target: module loading, differential across the engines.
//
// Every input is given to the one module validator (host/engine/validate.h)
// and to the interpreter's Load; the AOT engine cannot compile at fuzz time
// (a C compiler per input), so what it does at load time without compiling
// is compared instead. The target aborts (a finding) when:
//
// * the interpreter's verdict differs from the validator's: one loads what
//   the other refuses, or they refuse it with different messages;
// * the AOT engine's pre-scan (what it runs before looking up an artifact)
//   refuses a module with another message than the full validator, or
//   passes one whose full validation then fails on the pre-scan's own terms
//   (a "malformed wasm module" message);
// * a module the validator accepts cannot be read by the AOT engine's own
//   decoder (aot::ReadModuleShape, the step before compiling), or the AOT
//   engine sees other imports or exports than the interpreter.
//
// Memory: libFuzzer's -rss_limit_mb (2 GB by default) turns a module whose
// loading costs far more than its size into a finding too.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "host/engine/aot/glue.h"
#include "host/engine/interp/interp_engine.h"
#include "host/engine/validate.h"

namespace {

using parigot::engine::ExportInfo;
using parigot::engine::ImportInfo;

[[noreturn]] void Disagree(const std::string& what, const std::string& a, const std::string& b) {
  std::fprintf(stderr, "module_load: %s\n  one:   %s\n  other: %s\n", what.c_str(), a.c_str(),
               b.c_str());
  std::abort();
}

template <typename T>
std::string Verdict(const parigot::Result<T>& r) {
  return r.ok() ? "accepted" : r.status().message();
}

bool SameImport(const ImportInfo& a, const ImportInfo& b) {
  return a.module == b.module && a.name == b.name && a.kind == b.kind &&
         a.signature == b.signature;
}

bool SameExport(const ExportInfo& a, const ExportInfo& b) {
  return a.name == b.name && a.kind == b.kind && a.signature == b.signature;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::unique_ptr<parigot::engine::Engine> interp =
      parigot::engine::NewInterpEngine();
  std::span<const uint8_t> wasm(data, size);
  constexpr std::string_view kName = "fuzz.wasm";

  auto validated = parigot::engine::ValidateModule(wasm, kName);
  auto scanned = parigot::engine::PreScanModule(wasm, kName);
  if (!scanned.ok() && Verdict(scanned) != Verdict(validated)) {
    Disagree("aot pre-scan vs validator", Verdict(scanned), Verdict(validated));
  }
  if (scanned.ok() && !validated.ok() &&
      Verdict(validated).find("malformed wasm module") != std::string::npos) {
    Disagree("pre-scan passed what the validator calls malformed", Verdict(scanned),
             Verdict(validated));
  }

  auto loaded = interp->Load(wasm, kName);
  if (Verdict(loaded) != Verdict(validated)) {
    Disagree("interp Load vs validator", Verdict(loaded), Verdict(validated));
  }
  if (!validated.ok()) return 0;

  auto shape = parigot::engine::aot::ReadModuleShape(wasm, kName);
  if (!shape.ok()) Disagree("aot decoder vs validator", Verdict(shape), "accepted");
  const auto& imports = (*loaded)->imports();
  if (imports.size() != shape->imports.size()) {
    Disagree("import count", std::to_string(imports.size()),
             std::to_string(shape->imports.size()));
  }
  for (size_t i = 0; i < imports.size(); ++i) {
    if (!SameImport(imports[i], shape->imports[i])) {
      Disagree("import " + std::to_string(i), imports[i].module + "." + imports[i].name,
               shape->imports[i].module + "." + shape->imports[i].name);
    }
  }
  const auto& exports = (*loaded)->exports();  // the interrupt global is hidden
  if (exports.size() != shape->exports.size()) {
    Disagree("export count", std::to_string(exports.size()),
             std::to_string(shape->exports.size()));
  }
  for (size_t i = 0; i < exports.size(); ++i) {
    if (!SameExport(exports[i], shape->exports[i])) {
      Disagree("export " + std::to_string(i), exports[i].name, shape->exports[i].name);
    }
  }
  return 0;
}
