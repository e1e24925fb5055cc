#include "host/engine/aot/aot_engine.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "host/engine/aot/artifact.h"
#include "host/engine/aot/glue.h"
#include "host/engine/aot/runtime/rt.h"
#include "host/engine/testing/wat.h"

namespace parigot::engine {
namespace {

namespace fs = std::filesystem;
using testing::WatToWasm;

AotOptions TestOptions(fs::path cache = PARIGOT_AOT_TEST_CACHE) {
  AotOptions options;
  options.cache_dir = std::move(cache);
  options.prebuilt_dirs = std::vector<fs::path>{};
  options.progress = false;
  return options;
}

// A fresh, empty cache directory for one test.
fs::path FreshCache(std::string_view name) {
  fs::path dir = fs::path(PARIGOT_AOT_TEST_CACHE).parent_path() /
                 ("test-cache-" + std::string(name) + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir;
}

std::unique_ptr<Module> LoadWat(const Engine& engine, std::string_view wat,
                                std::string_view name = "test.wasm") {
  auto wasm = WatToWasm(wat);
  EXPECT_TRUE(wasm.ok()) << wasm.status().ToString();
  if (!wasm.ok()) return nullptr;
  auto module = engine.Load(*wasm, name);
  EXPECT_TRUE(module.ok()) << module.status().ToString();
  return module.ok() ? std::move(*module) : nullptr;
}

class AotTest : public ::testing::Test {
 protected:
  std::unique_ptr<Instance> Make(std::string_view wat,
                                 std::span<const HostFunction> imports = {}) {
    module_ = LoadWat(*engine_, wat, "guest.wasm");
    if (!module_) return nullptr;
    auto inst = module_->Instantiate(imports, &user_data_);
    EXPECT_TRUE(inst.ok()) << inst.status().ToString();
    return inst.ok() ? std::move(*inst) : nullptr;
  }
  RunOutcome Run(Instance& inst, std::string_view name, std::vector<uint64_t> args = {}) {
    auto out = inst.Call(name, args);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : RunOutcome{};
  }

  std::unique_ptr<Engine> engine_ = NewAotEngine(TestOptions());
  std::unique_ptr<Module> module_;
  int user_data_ = 0;
};

TEST_F(AotTest, CallsWithAllValueTypes) {
  auto inst = Make(R"((module
    (func (export "mix") (param i32 i64 f32 f64) (result i64 f64 i32 f32)
      (i64.add (i64.extend_i32_u (local.get 0)) (local.get 1))
      (f64.add (f64.promote_f32 (local.get 2)) (local.get 3))
      (i32.const -1)
      (local.get 2))))");
  ASSERT_TRUE(inst);
  float f = 1.5f;
  double d = 2.25;
  uint32_t fbits;
  uint64_t dbits;
  std::memcpy(&fbits, &f, 4);
  std::memcpy(&dbits, &d, 8);
  RunOutcome out = Run(*inst, "mix", {0xffffffffu, 1, fbits, dbits});
  ASSERT_TRUE(out.returned()) << out.ToString();
  ASSERT_EQ(out.results.size(), 4u);
  EXPECT_EQ(out.results[0], 0x100000000ull);
  double sum;
  std::memcpy(&sum, &out.results[1], 8);
  EXPECT_EQ(sum, 3.75);
  EXPECT_EQ(out.results[2], 0xffffffffull);
  EXPECT_EQ(out.results[3], fbits);
  EXPECT_EQ(module_->exports()[0].name, "mix");
  EXPECT_EQ(module_->exports()[0].signature.ToString(), "(i32, i64, f32, f64) -> (i64, f64, i32, f32)");
}

TEST_F(AotTest, CallErrorsAreNotTraps) {
  auto inst = Make(R"((module (func (export "f") (param i32))))");
  ASSERT_TRUE(inst);
  EXPECT_EQ(inst->Call("g", {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(inst->Call("f", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(inst->ExportSignature("f")->ToString(), "(i32) -> ()");
  EXPECT_FALSE(inst->ExportSignature("g"));
}

TEST_F(AotTest, HostFunctionSeesArgsMemoryAndUserData) {
  void* seen_user_data = nullptr;
  std::string seen;
  HostFunction log{"env", "log", {{ValueType::kI32, ValueType::kI32}, {ValueType::kI32}},
                   [&](CallContext& ctx, std::span<const uint64_t> args,
                       std::span<uint64_t> results) {
                     seen_user_data = ctx.user_data();
                     auto mem = ctx.Memory();
                     seen.assign(reinterpret_cast<const char*>(mem.data()) + args[0], args[1]);
                     results[0] = seen.size() * 2;
                     return HostOutcome::Ok();
                   }};
  auto inst = Make(R"((module
    (import "env" "log" (func $log (param i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "hello")
    (func (export "go") (result i32) (call $log (i32.const 16) (i32.const 5)))))",
                   {&log, 1});
  ASSERT_TRUE(inst);
  RunOutcome out = Run(*inst, "go");
  ASSERT_TRUE(out.returned()) << out.ToString();
  EXPECT_EQ(out.results[0], 10u);
  EXPECT_EQ(seen, "hello");
  EXPECT_EQ(seen_user_data, &user_data_);
  EXPECT_EQ(inst->Memory().size(), 65536u);
  ASSERT_EQ(module_->imports().size(), 1u);
  EXPECT_EQ(module_->imports()[0].signature.ToString(), "(i32, i32) -> (i32)");
}

TEST_F(AotTest, ImportCalledThroughATable) {
  int calls = 0;
  HostFunction twice{"env", "twice", {{ValueType::kI32}, {ValueType::kI32}},
                     [&](CallContext& ctx, std::span<const uint64_t> a, std::span<uint64_t> r) {
                       ++calls;
                       EXPECT_EQ(ctx.debug_name(), "guest.wasm");
                       r[0] = a[0] * 2;
                       return HostOutcome::Ok();
                     }};
  auto inst = Make(R"((module
    (type $i_i (func (param i32) (result i32)))
    (import "env" "twice" (func $twice (param i32) (result i32)))
    (table 1 funcref)
    (elem (i32.const 0) $twice)
    (func (export "go") (result i32)
      (i32.add (call $twice (i32.const 1))
               (call_indirect (type $i_i) (i32.const 20) (i32.const 0))))))",
                   {&twice, 1});
  ASSERT_TRUE(inst);
  RunOutcome out = Run(*inst, "go");
  ASSERT_TRUE(out.returned()) << out.ToString();
  EXPECT_EQ(out.results[0], 42u);
  EXPECT_EQ(calls, 2);
}

TEST_F(AotTest, FloatAndMultiValueImports) {
  HostFunction pair{"env", "pair", {{ValueType::kF32, ValueType::kF64},
                                    {ValueType::kF64, ValueType::kI64}},
                    [](CallContext&, std::span<const uint64_t> a, std::span<uint64_t> r) {
                      float f;
                      uint32_t fb = static_cast<uint32_t>(a[0]);
                      std::memcpy(&f, &fb, 4);
                      double d;
                      std::memcpy(&d, &a[1], 8);
                      double sum = f + d;
                      std::memcpy(&r[0], &sum, 8);
                      r[1] = 42;
                      return HostOutcome::Ok();
                    }};
  auto inst = Make(R"((module
    (import "env" "pair" (func $pair (param f32 f64) (result f64 i64)))
    (func (export "go") (result f64 i64) (call $pair (f32.const 0.5) (f64.const 2)))))",
                   {&pair, 1});
  ASSERT_TRUE(inst);
  RunOutcome out = Run(*inst, "go");
  ASSERT_TRUE(out.returned()) << out.ToString();
  double d;
  std::memcpy(&d, &out.results[0], 8);
  EXPECT_EQ(d, 2.5);
  EXPECT_EQ(out.results[1], 42u);
}

TEST_F(AotTest, MemorySeenByHostFollowsGrow) {
  size_t size_seen = 0;
  HostFunction probe{"env", "probe", {}, [&](CallContext& ctx, auto, auto) {
                       size_seen = ctx.Memory().size();
                       return HostOutcome::Ok();
                     }};
  auto inst = Make(R"((module
    (import "env" "probe" (func $probe))
    (memory (export "memory") 1)
    (func (export "go") (result i32)
      (drop (memory.grow (i32.const 3))) (call $probe)
      (i32.store (i32.const 200000) (i32.const 7))
      (i32.load (i32.const 200000)))))",
                   {&probe, 1});
  ASSERT_TRUE(inst);
  RunOutcome out = Run(*inst, "go");
  ASSERT_TRUE(out.returned()) << out.ToString();
  EXPECT_EQ(out.results[0], 7u);
  EXPECT_EQ(size_seen, 4u * 65536);
  EXPECT_EQ(inst->Memory().size(), 4u * 65536);
}

TEST_F(AotTest, HostExitUnwindsTheGuest) {
  int after = 0;
  HostFunction exit_fn{"env", "exit", {{ValueType::kI32}, {}},
                       [](CallContext&, std::span<const uint64_t> args, auto) {
                         return HostOutcome::Exit(static_cast<int>(args[0]));
                       }};
  HostFunction after_fn{"env", "after", {}, [&](CallContext&, auto, auto) {
                          ++after;
                          return HostOutcome::Ok();
                        }};
  HostFunction imports[] = {exit_fn, after_fn};
  auto inst = Make(R"((module
    (import "env" "exit" (func $exit (param i32)))
    (import "env" "after" (func $after))
    (func (export "go") (call $exit (i32.const 7)) (call $after))
    (func (export "ok") (result i32) (i32.const 1))))",
                   imports);
  ASSERT_TRUE(inst);
  RunOutcome out = Run(*inst, "go");
  EXPECT_TRUE(out.exited()) << out.ToString();
  EXPECT_EQ(out.exit_code, 7);
  EXPECT_EQ(after, 0);
  EXPECT_TRUE(Run(*inst, "ok").returned());
}

TEST_F(AotTest, HostTrapAndHostExceptionAreHostErrors) {
  HostFunction trap_fn{"env", "fail", {}, [](CallContext&, auto, auto) {
                         return HostOutcome::Trap("bad request");
                       }};
  HostFunction throw_fn{"env", "throw", {}, [](CallContext&, auto, auto) -> HostOutcome {
                          throw std::runtime_error("boom");
                        }};
  HostFunction imports[] = {trap_fn, throw_fn};
  auto inst = Make(R"((module
    (import "env" "fail" (func $fail))
    (import "env" "throw" (func $throw))
    (func (export "fail") (call $fail))
    (func (export "throw") (call $throw))))",
                   imports);
  ASSERT_TRUE(inst);
  RunOutcome out = Run(*inst, "fail");
  ASSERT_TRUE(out.trapped());
  EXPECT_EQ(out.trap_kind, TrapKind::kHostError);
  EXPECT_EQ(out.trap_message, "guest.wasm: bad request");
  out = Run(*inst, "throw");
  ASSERT_TRUE(out.trapped());
  EXPECT_EQ(out.trap_kind, TrapKind::kHostError);
  EXPECT_NE(out.trap_message.find("env.throw threw: boom"), std::string::npos);
}

TEST_F(AotTest, ReentryFromAHostCallbackIsRefused) {
  Instance* self = nullptr;
  Status reentry;
  HostFunction again{"env", "again", {}, [&](CallContext&, auto, auto) {
                       reentry = self->Call("go", {}).status();
                       return HostOutcome::Ok();
                     }};
  auto inst = Make(R"((module
    (import "env" "again" (func $again))
    (func (export "go") (call $again))))",
                   {&again, 1});
  ASSERT_TRUE(inst);
  self = inst.get();
  EXPECT_TRUE(Run(*inst, "go").returned());
  EXPECT_EQ(reentry.code(), StatusCode::kFailedPrecondition);
}

struct TrapCase {
  const char* name;
  TrapKind kind;
};

class AotTrapTest : public AotTest, public ::testing::WithParamInterface<TrapCase> {};

// The same guest as interp_engine_test.cc's trap test.
constexpr std::string_view kTrapGuest = R"((module
  (type $v_i (func (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (type $v_v (func))
  (memory 1)
  (table 4 funcref)
  (elem (i32.const 0) $ret1 $bounce)
  (func $ret1 (result i32) (i32.const 1))
  (func $bounce (call_indirect (type $v_v) (i32.const 1)))
  (func $recurse (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "unreachable") (unreachable))
  (func (export "oob") (result i32) (i32.load (i32.const 65534)))
  (func (export "oob_far") (result i32) (i32.load offset=0xfffffff0 (i32.const 0xfffffff0)))
  (func (export "div0") (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
  (func (export "overflow") (result i32) (i32.div_s (i32.const 0x80000000) (i32.const -1)))
  (func (export "trunc") (result i32) (i32.trunc_f64_s (f64.const 1e20)))
  (func (export "recursion") (result i32) (call $recurse (i32.const 0)))
  (func (export "indirect_recursion") (call_indirect (type $v_v) (i32.const 1)))
  (func (export "mismatch") (result i32) (call_indirect (type $i_i) (i32.const 7) (i32.const 0)))
  (func (export "null_element") (result i32) (call_indirect (type $v_i) (i32.const 3)))
  (func (export "past_table") (result i32) (call_indirect (type $v_i) (i32.const 100)))
  (func (export "fine") (result i32) (call_indirect (type $v_i) (i32.const 0)))))";

TEST_P(AotTrapTest, IsClassified) {
  auto inst = Make(kTrapGuest);
  ASSERT_TRUE(inst);
  RunOutcome out = Run(*inst, GetParam().name);
  ASSERT_TRUE(out.trapped()) << GetParam().name << ": " << out.ToString();
  EXPECT_EQ(out.trap_kind, GetParam().kind) << GetParam().name << ": " << out.ToString();
  EXPECT_EQ(out.trap_message.rfind("guest.wasm: ", 0), 0u) << out.trap_message;
  RunOutcome fine = Run(*inst, "fine");
  ASSERT_TRUE(fine.returned()) << fine.ToString();
  EXPECT_EQ(fine.results[0], 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Traps, AotTrapTest,
    ::testing::Values(TrapCase{"unreachable", TrapKind::kUnreachable},
                      TrapCase{"oob", TrapKind::kOutOfBounds},
                      TrapCase{"oob_far", TrapKind::kOutOfBounds},
                      TrapCase{"div0", TrapKind::kDivideByZero},
                      TrapCase{"overflow", TrapKind::kIntegerOverflow},
                      TrapCase{"trunc", TrapKind::kIntegerOverflow},
                      TrapCase{"recursion", TrapKind::kStackExhausted},
                      TrapCase{"indirect_recursion", TrapKind::kStackExhausted},
                      TrapCase{"mismatch", TrapKind::kIndirectCallMismatch},
                      TrapCase{"null_element", TrapKind::kUndefinedElement},
                      TrapCase{"past_table", TrapKind::kUndefinedElement}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(AotTest, TrapsOnAThreadWithASmallStack) {
  auto wasm = WatToWasm(kTrapGuest);
  ASSERT_TRUE(wasm.ok());
  auto module = engine_->Load(*wasm, "guest.wasm");
  ASSERT_TRUE(module.ok());
  RunOutcome out;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  struct Arg {
    Module* module;
    RunOutcome* out;
  } arg{module->get(), &out};
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, &attr, [](void* p) -> void* {
    auto* a = static_cast<Arg*>(p);
    auto inst = a->module->Instantiate({}, nullptr);
    if (inst.ok()) {
      auto r = (*inst)->Call("recursion", {});
      if (r.ok()) *a->out = *r;
    }
    return nullptr;
  }, &arg), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(out.trapped()) << out.ToString();
  EXPECT_EQ(out.trap_kind, TrapKind::kStackExhausted);
}

TEST_F(AotTest, MissingImportNamesItAndItsSignature) {
  module_ = LoadWat(*engine_, R"((module
    (import "parigot" "locate" (func (param i32 i64) (result i32)))))",
                    "client.wasm");
  ASSERT_TRUE(module_);
  ASSERT_EQ(module_->imports().size(), 1u);
  EXPECT_EQ(module_->imports()[0].name, "locate");
  auto inst = module_->Instantiate({}, nullptr);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(inst.status().message(),
            "client.wasm: missing import parigot.locate: (i32, i64) -> (i32)");
  HostFunction wrong{"parigot", "locate", {{ValueType::kI32}, {ValueType::kI32}},
                     [](CallContext&, auto, auto) { return HostOutcome::Ok(); }};
  inst = module_->Instantiate({&wrong, 1}, nullptr);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AotTest, NonFunctionImportFailsInstantiate) {
  module_ = LoadWat(*engine_, R"((module (import "env" "mem" (memory 1))))");
  ASSERT_TRUE(module_);
  auto inst = module_->Instantiate({}, nullptr);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(AotTest, InvalidWasmIsAnError) {
  std::vector<uint8_t> junk = {0, 'a', 's', 'm', 1, 0, 0, 0, 0xff};
  auto module = engine_->Load(junk, "junk.wasm");
  ASSERT_FALSE(module.ok());
  EXPECT_EQ(module.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(module.status().message().find("junk.wasm"), std::string::npos);
}

TEST_F(AotTest, StartFunctionTrapFailsInstantiate) {
  module_ = LoadWat(*engine_, R"((module (func $s unreachable) (start $s)))");
  ASSERT_TRUE(module_);
  auto inst = module_->Instantiate({}, nullptr);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.status().code(), StatusCode::kAborted);
}

constexpr std::string_view kLoopGuest = R"((module
  (memory 1)
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    (block $done (loop $top
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $i) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $top)))
    (local.get $acc))
  (func (export "sum_then_oob") (param $n i32) (result i32)
    (i32.add (call 0 (local.get $n)) (i32.load (i32.const 70000))))
  (func (export "sum_then_div0") (param $n i32) (result i32)
    (i32.div_u (call 0 (local.get $n)) (i32.const 0)))))";

uint32_t NativeSum(uint32_t n) {
  uint32_t acc = 0;
  for (uint32_t i = 0; i < n; ++i) acc += i * i;
  return acc;
}

TEST_F(AotTest, InstancesOfOneModuleOnTwoThreadsAtOnce) {
  module_ = LoadWat(*engine_, kLoopGuest, "loop.wasm");
  ASSERT_TRUE(module_);
  constexpr uint32_t kN = 20'000'000;
  uint64_t results[2] = {};
  std::thread threads[2];
  for (int t = 0; t < 2; ++t) {
    threads[t] = std::thread([&, t] {
      auto inst = module_->Instantiate({}, nullptr);
      if (!inst.ok()) return;
      for (int rep = 0; rep < 3; ++rep) {
        uint64_t arg = kN + t;
        auto out = (*inst)->Call("sum", {&arg, 1});
        if (out.ok() && out->returned()) results[t] += out->results[0];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(results[0], 3ull * NativeSum(kN));
  EXPECT_EQ(results[1], 3ull * NativeSum(kN + 1));
}

TEST_F(AotTest, TwoGuestsTrapAtTheSameMomentOnTwoThreads) {
  module_ = LoadWat(*engine_, kLoopGuest, "loop.wasm");
  ASSERT_TRUE(module_);
  for (int round = 0; round < 50; ++round) {
    RunOutcome outs[2];
    std::atomic<int> ready{0};
    std::thread threads[2];
    for (int t = 0; t < 2; ++t) {
      threads[t] = std::thread([&, t] {
        auto inst = module_->Instantiate({}, nullptr);
        if (!inst.ok()) return;
        ready.fetch_add(1);
        while (ready.load() < 2) {
        }
        uint64_t arg = 1000;
        auto out = (*inst)->Call(t == 0 ? "sum_then_oob" : "sum_then_div0", {&arg, 1});
        if (out.ok()) outs[t] = *out;
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_TRUE(outs[0].trapped()) << outs[0].ToString();
    ASSERT_TRUE(outs[1].trapped()) << outs[1].ToString();
    EXPECT_EQ(outs[0].trap_kind, TrapKind::kOutOfBounds);
    EXPECT_EQ(outs[1].trap_kind, TrapKind::kDivideByZero);
  }
}

TEST_F(AotTest, HostCallCost) {
  int64_t calls = 0;
  HostFunction nop{"env", "nop", {{ValueType::kI32}, {ValueType::kI32}},
                   [&](CallContext&, std::span<const uint64_t> a, std::span<uint64_t> r) {
                     ++calls;
                     r[0] = a[0];
                     return HostOutcome::Ok();
                   }};
  auto inst = Make(R"((module
    (import "env" "nop" (func $nop (param i32) (result i32)))
    (func (export "loop") (param $n i32) (local $i i32)
      (block $done (loop $top
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (call $nop (local.get $i)) (i32.const 1)))
        (br $top))))
    (func (export "nothing"))))",
                   {&nop, 1});
  ASSERT_TRUE(inst);
  constexpr uint64_t kN = 5'000'000;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(Run(*inst, "loop", {kN}).returned());
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(calls, static_cast<int64_t>(kN));
  std::printf("aot: %.1f ns per guest->host call (loop included)\n",
              static_cast<double>(ns) / kN);
  constexpr int kCalls = 1'000'000;
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) (void)inst->Call("nothing", {});
  ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now() - start).count();
  std::printf("aot: %.1f ns per Instance::Call of an empty export\n",
              static_cast<double>(ns) / kCalls);
}

TEST_F(AotTest, InterruptStopsAnInfiniteLoopAndLaterCalls) {
  auto inst = Make(R"((module
    (func (export "spin") (loop $l (br $l)))
    (func (export "fine") (result i32) (i32.const 1))))");
  ASSERT_TRUE(inst);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(inst->Interrupt());
  });
  RunOutcome out = Run(*inst, "spin");
  stopper.join();
  ASSERT_TRUE(out.trapped()) << out.ToString();
  EXPECT_EQ(out.trap_kind, TrapKind::kInterrupted);
  RunOutcome later = Run(*inst, "fine");
  ASSERT_TRUE(later.trapped()) << later.ToString();
  EXPECT_EQ(later.trap_kind, TrapKind::kInterrupted);
}

TEST_F(AotTest, InterruptDuringAHostCallStopsWhenItReturns) {
  Instance* self = nullptr;
  HostFunction slow{"env", "slow", {}, [&](CallContext&, auto, auto) {
                      EXPECT_TRUE(self->Interrupt());
                      return HostOutcome::Ok();
                    }};
  auto inst = Make(R"((module
    (import "env" "slow" (func $slow))
    (func (export "go") (result i32) (call $slow) (i32.const 5))))",
                   {&slow, 1});
  ASSERT_TRUE(inst);
  self = inst.get();
  RunOutcome out = Run(*inst, "go");
  ASSERT_TRUE(out.trapped()) << out.ToString();
  EXPECT_EQ(out.trap_kind, TrapKind::kInterrupted);
}

// A host bug (a fault in a host callback, outside guest code) must crash the
// process, never become a guest trap.
TEST(AotDeathTest, HostFaultInCallbackCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto engine = NewAotEngine(TestOptions());
  auto wasm = WatToWasm(R"((module
    (import "env" "bug" (func $bug))
    (memory 1)
    (func (export "go") (call $bug))))");
  ASSERT_TRUE(wasm.ok());
  auto module = engine->Load(*wasm, "bug.wasm");
  ASSERT_TRUE(module.ok()) << module.status().ToString();
  HostFunction bug{"env", "bug", {}, [](CallContext& ctx, auto, auto) {
                     // Just past the guest's memory: inside its reservation,
                     // but the host must not be excused for touching it.
                     volatile uint8_t* p = ctx.Memory().data() + ctx.Memory().size() + 4096;
                     *p = 1;
                     return HostOutcome::Ok();
                   }};
  auto inst = (*module)->Instantiate({&bug, 1}, nullptr);
  ASSERT_TRUE(inst.ok());
  EXPECT_DEATH((void)(*inst)->Call("go", {}), "");
}

TEST(AotDeathTest, HostNullDereferenceCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto engine = NewAotEngine(TestOptions());
  auto wasm = WatToWasm(R"((module
    (import "env" "bug" (func $bug))
    (func (export "go") (call $bug))))");
  ASSERT_TRUE(wasm.ok());
  auto module = engine->Load(*wasm, "bug2.wasm");
  ASSERT_TRUE(module.ok());
  HostFunction bug{"env", "bug", {}, [](CallContext&, auto, auto) {
                     volatile int* p = nullptr;
                     *p = 1;
                     return HostOutcome::Ok();
                   }};
  auto inst = (*module)->Instantiate({&bug, 1}, nullptr);
  ASSERT_TRUE(inst.ok());
  EXPECT_DEATH((void)(*inst)->Call("go", {}), "");
}

constexpr std::string_view kCacheGuest = R"((module
  (func (export "answer") (result i32) (i32.const 42))))";

int CountEntries(const fs::path& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().filename().string()[0] != '.') ++n;
  }
  return n;
}

TEST(AotCacheTest, CompilesOnceThenReuses) {
  fs::path cache = FreshCache("reuse");
  auto wasm = WatToWasm(kCacheGuest);
  ASSERT_TRUE(wasm.ok());
  auto engine = NewAotEngine(TestOptions(cache));
  ASSERT_TRUE(engine->Load(*wasm, "a.wasm").ok());
  EXPECT_EQ(CountEntries(cache), 1);
  std::string key = aot::ArtifactKey(*wasm);
  fs::path so = aot::EntryLibrary(cache, key);
  ASSERT_TRUE(fs::exists(so));
  auto stamp = fs::last_write_time(so);
  auto start = std::chrono::steady_clock::now();
  auto module = engine->Load(*wasm, "a.wasm");
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(module.ok());
  EXPECT_EQ(fs::last_write_time(so), stamp);
  std::printf("aot: warm Load %.2f ms\n", ms);
  auto inst = (*module)->Instantiate({}, nullptr);
  ASSERT_TRUE(inst.ok());
  auto out = (*inst)->Call("answer", {});
  ASSERT_TRUE(out.ok() && out->returned());
  EXPECT_EQ(out->results[0], 42u);
  fs::remove_all(cache);
}

TEST(AotCacheTest, CorruptEntriesAreRebuilt) {
  fs::path cache = FreshCache("corrupt");
  auto wasm = WatToWasm(kCacheGuest);
  ASSERT_TRUE(wasm.ok());
  auto engine = NewAotEngine(TestOptions(cache));
  ASSERT_TRUE(engine->Load(*wasm, "a.wasm").ok());
  std::string key = aot::ArtifactKey(*wasm);
  fs::path so = aot::EntryLibrary(cache, key);
  // Truncated .so.
  fs::resize_file(so, 100);
  {
    auto module = engine->Load(*wasm, "a.wasm");
    ASSERT_TRUE(module.ok()) << module.status().ToString();
    EXPECT_GT(fs::file_size(so), 100u);
  }
  // A valid .so under the wrong key: an entry of another module.
  auto other = WatToWasm(R"((module (func (export "answer") (result i32) (i32.const 7))))");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(engine->Load(*other, "b.wasm").ok());
  std::string other_key = aot::ArtifactKey(*other);
  fs::remove_all(aot::EntryDir(cache, key));
  fs::copy(aot::EntryDir(cache, other_key), aot::EntryDir(cache, key),
           fs::copy_options::recursive);
  auto module = engine->Load(*wasm, "a.wasm");
  ASSERT_TRUE(module.ok()) << module.status().ToString();
  auto inst = (*module)->Instantiate({}, nullptr);
  ASSERT_TRUE(inst.ok());
  auto out = (*inst)->Call("answer", {});
  ASSERT_TRUE(out.ok() && out->returned());
  EXPECT_EQ(out->results[0], 42u);
  fs::remove_all(cache);
}

TEST(AotCacheTest, ConcurrentCompilesOfOneModuleAllSucceed) {
  fs::path cache = FreshCache("race");
  auto wasm = WatToWasm(kCacheGuest);
  ASSERT_TRUE(wasm.ok());
  // Two processes (fork) and two threads in this one, all at once.
  pid_t child = fork();
  if (child == 0) {
    auto engine = NewAotEngine(TestOptions(cache));
    auto module = engine->Load(*wasm, "a.wasm");
    _exit(module.ok() ? 0 : 1);
  }
  ASSERT_GT(child, 0);
  bool ok[2] = {};
  std::thread threads[2];
  for (int t = 0; t < 2; ++t) {
    threads[t] = std::thread([&, t] {
      auto engine = NewAotEngine(TestOptions(cache));
      auto module = engine->Load(*wasm, "a.wasm");
      if (!module.ok()) return;
      auto inst = (*module)->Instantiate({}, nullptr);
      ok[t] = inst.ok() && (*inst)->Call("answer", {}).ok();
    });
  }
  for (auto& th : threads) th.join();
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(ok[0]);
  EXPECT_TRUE(ok[1]);
  EXPECT_EQ(CountEntries(cache), 1);
  fs::remove_all(cache);
}

TEST(AotGlueTest, MangleMatchesWasm2c) {
  EXPECT_EQ(aot::MangleName("_start"), "_start");
  EXPECT_EQ(aot::MangleName("a.b-Z"), "aZ2EbZ2DZ5A");
  EXPECT_EQ(aot::MangleName("$greet.wasm"), "Z24greetZ2Ewasm");
}

}  // namespace
}  // namespace parigot::engine
