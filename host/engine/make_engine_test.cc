#include "host/engine/make_engine.h"

#include <gtest/gtest.h>

#include "host/engine/testing/wat.h"

namespace parigot::engine {
namespace {

TEST(MakeEngineTest, InterpRunsAGuest) {
  auto engine = MakeEngine("interp");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->name(), "interp");
  auto wasm = testing::WatToWasm(R"((module
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))))");
  ASSERT_TRUE(wasm.ok()) << wasm.status().ToString();
  auto module = (*engine)->Load(*wasm, "add.wasm");
  ASSERT_TRUE(module.ok()) << module.status().ToString();
  auto instance = (*module)->Instantiate({}, nullptr);
  ASSERT_TRUE(instance.ok()) << instance.status().ToString();
  uint64_t args[] = {40, 2};
  auto out = (*instance)->Call("add", args);
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->returned()) << out->ToString();
  EXPECT_EQ(out->results, std::vector<uint64_t>{42});
}

TEST(MakeEngineTest, AotIsKnown) {
  auto engine = MakeEngine("aot");
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->name(), "aot");
}

TEST(MakeEngineTest, UnknownNameListsTheKnownOnes) {
  auto engine = MakeEngine("jit");
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(engine.status().message().find("interp"), std::string::npos);
  EXPECT_NE(engine.status().message().find("jit"), std::string::npos);
}

TEST(SignatureTest, ToString) {
  EXPECT_EQ((Signature{{ValueType::kI32, ValueType::kI64}, {ValueType::kF64}}).ToString(),
            "(i32, i64) -> (f64)");
  EXPECT_EQ(Signature{}.ToString(), "() -> ()");
}

}  // namespace
}  // namespace parigot::engine
