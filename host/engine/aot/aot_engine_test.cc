#include "host/engine/aot/aot_engine.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "host/engine/aot/artifact.h"
#include "host/engine/aot/glue.h"
#include "host/engine/aot/runtime/rt.h"
#include "host/engine/testing/engine_fixture.h"
#include "host/engine/testing/wat.h"

namespace parigot::engine {
namespace {

namespace fs = std::filesystem;
using testing::LoadWat;
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

class AotTest : public testing::EngineFixture {
 protected:
  AotTest() { engine_ = NewAotEngine(TestOptions()); }
};

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

// Deep guest recursion on a thread with a small native stack is still a
// kStackExhausted trap (the engine-neutral trap classification is in
// engine_conformance_test.cc).
TEST_F(AotTest, TrapsOnAThreadWithASmallStack) {
  auto wasm = WatToWasm(R"((module
    (func $recurse (param i32) (result i32)
      (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
    (func (export "recursion") (result i32) (call $recurse (i32.const 0)))))");
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

TEST_F(AotTest, NonFunctionImportFailsInstantiate) {
  module_ = LoadWat(*engine_, R"((module (import "env" "mem" (memory 1))))");
  ASSERT_TRUE(module_);
  auto inst = module_->Instantiate({}, nullptr);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.status().code(), StatusCode::kInvalidArgument);
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
// Each memory reserves 8 GiB of address space and the runtime keeps no
// table of guests: when the address space runs out, Instantiate fails with
// an error naming the cause; it never aborts (it used to, at the 8193rd
// guest). Run in a child process whose address space is capped.
TEST_F(AotTest, AddressSpaceExhaustionFailsInstantiate) {
  module_ = LoadWat(*engine_, R"((module (memory (export "memory") 1)))");
  ASSERT_TRUE(module_);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    struct rlimit cap {uint64_t{4} << 30, uint64_t{4} << 30};  // below one reservation
    setrlimit(RLIMIT_AS, &cap);
    auto inst = module_->Instantiate({}, nullptr);
    bool as_expected = !inst.ok() && inst.status().code() == StatusCode::kResourceExhausted &&
                       inst.status().message().find(
                           "test.wasm: cannot allocate its memory (8 GiB of address space "
                           "each): ") == 0;
    if (!as_expected) {
      std::fprintf(stderr, "%s\n",
                   inst.ok() ? "instantiated" : inst.status().ToString().c_str());
    }
    _exit(as_expected ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Here, with the address space, the same module instantiates.
  EXPECT_TRUE(module_->Instantiate({}, nullptr).ok());
}

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

// parigot_add_guest puts a guest's artifact in aot/ beside its .wasm;
// LoadFile finds it there, wherever that is, and compiles nothing.
TEST(AotCacheTest, ArtifactBesideTheWasmFileIsUsed) {
  fs::path cache = FreshCache("beside-cache");
  fs::path build = FreshCache("beside-build");
  auto wasm = WatToWasm(kCacheGuest);
  ASSERT_TRUE(wasm.ok());
  bool compiled = false;
  ASSERT_TRUE(CompileAotArtifact(*wasm, "a.wasm", build / "aot", &compiled).ok());
  EXPECT_TRUE(compiled);
  auto engine = NewAotEngine(TestOptions(cache));
  auto module = engine->LoadFile(*wasm, build / "a.wasm", "a.wasm");
  ASSERT_TRUE(module.ok()) << module.status().ToString();
  EXPECT_EQ(CountEntries(cache), 0);
  auto inst = (*module)->Instantiate({}, nullptr);
  ASSERT_TRUE(inst.ok());
  auto out = (*inst)->Call("answer", {});
  ASSERT_TRUE(out.ok() && out->returned());
  EXPECT_EQ(out->results[0], 42u);
  // Without the file's path the artifact is not found: it is compiled again.
  ASSERT_TRUE(engine->Load(*wasm, "a.wasm").ok());
  EXPECT_EQ(CountEntries(cache), 1);
  fs::remove_all(cache);
  fs::remove_all(build);
}

// A rebuilt guest's old artifact goes, unless another guest uses it.
TEST(AotCacheTest, ClaimEntryRemovesWhatNoOwnerUses) {
  fs::path dir = FreshCache("claim");
  auto v1 = WatToWasm(kCacheGuest);
  auto v2 = WatToWasm(R"((module (func (export "answer") (result i32) (i32.const 7))))");
  ASSERT_TRUE(v1.ok() && v2.ok());
  bool compiled;
  std::string k1 = aot::ArtifactKey(*v1), k2 = aot::ArtifactKey(*v2);
  ASSERT_TRUE(CompileAotArtifact(*v1, "a.wasm", dir, &compiled).ok());
  aot::ClaimEntry(dir, "a.wasm", k1);
  aot::ClaimEntry(dir, "twin.wasm", k1);  // another guest, same bytes
  ASSERT_TRUE(CompileAotArtifact(*v2, "a.wasm", dir, &compiled).ok());
  aot::ClaimEntry(dir, "a.wasm", k2);
  EXPECT_TRUE(fs::exists(aot::EntryDir(dir, k1)));  // twin.wasm still uses it
  aot::ClaimEntry(dir, "twin.wasm", k2);
  EXPECT_FALSE(fs::exists(aot::EntryDir(dir, k1)));
  EXPECT_TRUE(fs::exists(aot::EntryLibrary(dir, k2)));
  EXPECT_EQ(CountEntries(dir), 1);
  fs::remove_all(dir);
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
