// Test-only: loading inline WAT guests into an engine, and a gtest fixture
// that instantiates them, shared by the engine conformance suite and the
// engine-specific tests.
#ifndef PARIGOT_HOST_ENGINE_TESTING_ENGINE_FIXTURE_H_
#define PARIGOT_HOST_ENGINE_TESTING_ENGINE_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "host/engine/engine.h"
#include "host/engine/testing/wat.h"

namespace parigot::engine::testing {

// Compiles `wat` and loads it into `engine`; nullptr (with a test failure)
// on any error.
inline std::unique_ptr<Module> LoadWat(const Engine& engine, std::string_view wat,
                                       std::string_view name = "test.wasm") {
  auto wasm = WatToWasm(wat);
  EXPECT_TRUE(wasm.ok()) << wasm.status().ToString();
  if (!wasm.ok()) return nullptr;
  auto module = engine.Load(*wasm, name);
  EXPECT_TRUE(module.ok()) << module.status().ToString();
  return module.ok() ? std::move(*module) : nullptr;
}

// Subclasses set engine_ before calling Make.
class EngineFixture : public ::testing::Test {
 protected:
  // Loads `wat` as "guest.wasm" into module_ and instantiates it with
  // &user_data_ as user data.
  std::unique_ptr<Instance> Make(std::string_view wat,
                                 std::span<const HostFunction> imports = {}) {
    module_ = LoadWat(*engine_, wat, "guest.wasm");
    if (!module_) return nullptr;
    auto inst = module_->Instantiate(imports, &user_data_);
    EXPECT_TRUE(inst.ok()) << inst.status().ToString();
    return inst.ok() ? std::move(*inst) : nullptr;
  }
  // Calls `name`; a call error (not a trap) fails the test.
  RunOutcome Run(Instance& inst, std::string_view name, std::vector<uint64_t> args = {}) {
    auto out = inst.Call(name, args);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : RunOutcome{};
  }

  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Module> module_;
  int user_data_ = 0;
};

}  // namespace parigot::engine::testing

#endif  // PARIGOT_HOST_ENGINE_TESTING_ENGINE_FIXTURE_H_
