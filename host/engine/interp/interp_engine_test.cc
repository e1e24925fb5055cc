#include "host/engine/interp/interp_engine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "host/engine/testing/engine_fixture.h"

namespace parigot::engine {
namespace {

using testing::LoadWat;

// The engine-neutral tests are in ../engine_conformance_test.cc.

TEST(ClassifyInterpTrapTest, UnknownMessageIsOther) {
  EXPECT_EQ(internal::ClassifyInterpTrap("something new"), TrapKind::kOther);
}

TEST(InterpInterruptTest, StopsAGuestSpinningForever) {
  auto engine = NewInterpEngine();
  auto module = LoadWat(*engine, R"((module
    (func (export "spin") (loop $forever (br $forever)))
    (func (export "nested") (local i32)
      (loop $outer
        (block $done
          (loop $inner (local.set 0 (i32.add (local.get 0) (i32.const 1)))
                       (br $inner)))
        (br $outer))))
  )");
  ASSERT_NE(module, nullptr);
  for (const char* name : {"spin", "nested"}) {
    auto inst = module->Instantiate({}, nullptr);
    ASSERT_TRUE(inst.ok());
    Instance& instance = **inst;
    std::thread stopper([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      EXPECT_TRUE(instance.Interrupt());
    });
    auto out = instance.Call(name, {});
    stopper.join();
    ASSERT_TRUE(out.ok());
    EXPECT_TRUE(out->trapped()) << name;
    EXPECT_EQ(out->trap_kind, TrapKind::kInterrupted) << name;
    EXPECT_NE(out->trap_message.find("interrupted"), std::string::npos);
  }
}

TEST(InterpInterruptTest, ChecksDoNotChangeResults) {
  auto engine = NewInterpEngine();
  auto module = LoadWat(*engine, R"((module
    (func (export "sum") (param i32) (result i32) (local i32)
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br $next)))
      (local.get 1)))
  )");
  ASSERT_NE(module, nullptr);
  auto inst = module->Instantiate({}, nullptr);
  ASSERT_TRUE(inst.ok());
  auto out = (*inst)->Call("sum", std::vector<uint64_t>{100});
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE(out->returned());
  EXPECT_EQ(out->results[0], 5050u);
}

}  // namespace
}  // namespace parigot::engine
