// parigot-aot: compiles wasm modules into AOT artifacts at build time.
//
//   parigot-aot --out-dir DIR [--stamp FILE] module.wasm...
//
// Each module's artifact lands in DIR/<key>/ (artifact.h), where `parigot`
// finds it before its cache. A module whose artifact exists is not compiled
// again. DIR belongs to the build: the artifact a module's file name had
// before (another version of the guest) is removed unless another module
// still uses it (aot::ClaimEntry). --stamp touches FILE on success (a
// build-system output).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "host/engine/aot/aot_engine.h"
#include "host/engine/aot/artifact.h"

int main(int argc, char** argv) {
  std::string out_dir, stamp;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--out-dir" && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (arg == "--stamp" && i + 1 < argc) {
      stamp = argv[++i];
    } else if (!arg.empty() && arg[0] == '-') {
      std::fprintf(stderr, "usage: parigot-aot --out-dir DIR [--stamp FILE] module.wasm...\n");
      return 2;
    } else {
      inputs.push_back(arg);
    }
  }
  if (out_dir.empty() || inputs.empty()) {
    std::fprintf(stderr, "usage: parigot-aot --out-dir DIR [--stamp FILE] module.wasm...\n");
    return 2;
  }
  for (const std::string& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "parigot-aot: cannot read %s\n", input.c_str());
      return 1;
    }
    std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    std::string name = std::filesystem::path(input).filename().string();
    auto start = std::chrono::steady_clock::now();
    bool compiled = false;
    auto so = parigot::engine::CompileAotArtifact(wasm, name, out_dir, &compiled);
    if (!so.ok()) {
      std::fprintf(stderr, "parigot-aot: %s\n", so.status().ToString().c_str());
      return 1;
    }
    parigot::engine::aot::ClaimEntry(out_dir, name, parigot::engine::aot::ArtifactKey(wasm));
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("parigot-aot: %s %s (%.1f s)\n", name.c_str(),
                compiled ? "compiled to native code" : "unchanged, artifact reused", secs);
  }
  if (!stamp.empty()) std::ofstream(stamp, std::ios::trunc) << "ok\n";
  return 0;
}
