#include "host/abi/wasi.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <set>
#include <utility>

#include "host/abi/guest_memory.h"
#include "host/engine/interp/interp_engine.h"
#include "host/engine/testing/wat.h"

namespace parigot::abi {
namespace {

using engine::RunOutcome;

struct Line {
  int fd;
  std::string text;
  bool operator==(const Line&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Line& l) {
  return os << l.fd << ":" << l.text;
}

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class WasiTest : public ::testing::Test {
 protected:
  WasiOptions Options() {
    WasiOptions o;
    o.name = "wasi_guest";
    o.args = {"one", "two"};
    o.env = {"GREETING=bonjour", "OTHER=x"};
    o.sink = [this](int fd, std::string_view line) { lines_.push_back({fd, std::string(line)}); };
    o.clock = [](uint32_t id) -> uint64_t { return id == 0 ? 1'700'000'000'123'456'789ull : 42; };
    o.random = [](std::span<uint8_t> out) {
      for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i + 1);
    };
    return o;
  }

  std::unique_ptr<engine::Instance> Instantiate(std::span<const uint8_t> wasm, Wasi& wasi) {
    auto module = engine_->Load(wasm, "wasi_guest");
    EXPECT_TRUE(module.ok()) << module.status().ToString();
    if (!module.ok()) return nullptr;
    module_ = std::move(*module);
    auto inst = module_->Instantiate(wasi.HostFunctions(), nullptr);
    EXPECT_TRUE(inst.ok()) << inst.status().ToString();
    return inst.ok() ? std::move(*inst) : nullptr;
  }

  std::unique_ptr<engine::Engine> engine_ = engine::NewInterpEngine();
  std::unique_ptr<engine::Module> module_;
  std::vector<Line> lines_;
};

TEST_F(WasiTest, LibcGuestPrintsArgsEnvClockAndExits) {
  std::vector<uint8_t> wasm = ReadFile(PARIGOT_WASI_GUEST);
  ASSERT_FALSE(wasm.empty()) << PARIGOT_WASI_GUEST;
  Wasi wasi(Options());
  auto inst = Instantiate(wasm, wasi);
  ASSERT_TRUE(inst);
  auto out = inst->Call("_start", {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(out->exited()) << out->ToString();
  EXPECT_EQ(out->exit_code, 3);
  std::vector<Line> want = {
      {1, "argc=3"},
      {1, "argv[0]=wasi_guest"},
      {1, "argv[1]=one"},
      {1, "argv[2]=two"},
      {1, "GREETING=bonjour"},
      {1, "realtime=1700000000 monotonic=42"},
      {2, "to stderr in two pieces"},
      {1, "partial line without newline"},  // flushed at exit
  };
  // stdout and stderr are separate streams: compare each in order.
  auto only = [](const std::vector<Line>& ls, int fd) {
    std::vector<Line> r;
    for (const Line& l : ls) if (l.fd == fd) r.push_back(l);
    return r;
  };
  EXPECT_EQ(only(lines_, 1), only(want, 1));
  EXPECT_EQ(only(lines_, 2), only(want, 2));
}

TEST_F(WasiTest, LibcGuestReturningZeroFlushesOnRequest) {
  std::vector<uint8_t> wasm = ReadFile(PARIGOT_WASI_GUEST);
  WasiOptions o = Options();
  o.args = {"zero"};
  Wasi wasi(std::move(o));
  auto inst = Instantiate(wasm, wasi);
  ASSERT_TRUE(inst);
  auto out = inst->Call("_start", {});
  ASSERT_TRUE(out.ok());
  // exit(0) still goes through proc_exit in wasi-libc.
  EXPECT_TRUE(out->exited() || out->returned()) << out->ToString();
  EXPECT_EQ(out->exit_code, 0);
  wasi.Flush();
  ASSERT_FALSE(lines_.empty());
  EXPECT_EQ(lines_.back(), (Line{1, "partial line without newline"}));
}

TEST_F(WasiTest, EveryPreview1FunctionIsProvidedOnce) {
  Wasi wasi(Options());
  auto fns = wasi.HostFunctions();
  std::set<std::string> names;
  for (const auto& f : fns) {
    EXPECT_EQ(f.module, kWasiModule);
    EXPECT_TRUE(f.callback) << f.name;
    names.insert(f.name);
  }
  EXPECT_EQ(names.size(), fns.size());
  EXPECT_EQ(fns.size(), 46u);
  for (const char* n : {"fd_read", "path_open", "poll_oneoff", "sock_accept", "fd_readdir"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
}

// A WAT guest that calls WASI functions with chosen (possibly garbage)
// arguments and returns the errno.
constexpr std::string_view kProbe = R"((module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "hi\nthere")
  (func (export "fd_write") (param i32 i32 i32 i32) (result i32)
    (call $fd_write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "args_get") (param i32 i32) (result i32) (call $args_get (local.get 0) (local.get 1)))
  (func (export "args_sizes_get") (param i32 i32) (result i32) (call $args_sizes_get (local.get 0) (local.get 1)))
  (func (export "environ_get") (param i32 i32) (result i32) (call $environ_get (local.get 0) (local.get 1)))
  (func (export "clock_time_get") (param i32 i32) (result i32)
    (call $clock_time_get (local.get 0) (i64.const 0) (local.get 1)))
  (func (export "random_get") (param i32 i32) (result i32) (call $random_get (local.get 0) (local.get 1)))
  (func (export "fd_fdstat_get") (param i32 i32) (result i32) (call $fd_fdstat_get (local.get 0) (local.get 1)))
  (func (export "fd_close") (param i32) (result i32) (call $fd_close (local.get 0)))
  (func (export "fd_seek") (param i32) (result i32) (call $fd_seek (local.get 0) (i64.const 0) (i32.const 0) (i32.const 0)))
  (func (export "path_open") (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0)
                     (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0)))
  (func (export "exit") (param i32) (call $proc_exit (local.get 0)))))";

class WasiProbeTest : public WasiTest {
 protected:
  void SetUp() override {
    auto wasm = engine::testing::WatToWasm(kProbe);
    ASSERT_TRUE(wasm.ok()) << wasm.status().ToString();
    wasi_ = std::make_unique<Wasi>(Options());
    inst_ = Instantiate(*wasm, *wasi_);
    ASSERT_TRUE(inst_);
  }
  uint64_t Errno(std::string_view fn, std::vector<uint64_t> args) {
    auto out = inst_->Call(fn, args);
    EXPECT_TRUE(out.ok() && out->returned()) << fn;
    return out.ok() && out->returned() ? out->results[0] : 9999;
  }
  GuestMemory Mem() { return GuestMemory(inst_->Memory()); }

  std::unique_ptr<Wasi> wasi_;
  std::unique_ptr<engine::Instance> inst_;
};

constexpr uint32_t kEnd = 65536;  // one page

TEST_F(WasiProbeTest, FdWriteBuffersLinesPerFd) {
  GuestMemory mem = Mem();
  ASSERT_TRUE(mem.WriteU32(0, 100) && mem.WriteU32(4, 8));  // iov {100, 8}
  EXPECT_EQ(Errno("fd_write", {1, 0, 1, 16}), kWasiSuccess);
  EXPECT_EQ(*mem.ReadU32(16), 8u);
  EXPECT_EQ(Errno("fd_write", {2, 0, 1, 16}), kWasiSuccess);
  EXPECT_EQ(lines_, (std::vector<Line>{{1, "hi"}, {2, "hi"}}));
  EXPECT_EQ(Errno("fd_close", {1}), kWasiSuccess);  // flushes fd 1's "there"
  EXPECT_EQ(lines_.back(), (Line{1, "there"}));
  wasi_->Flush();
  EXPECT_EQ(lines_.back(), (Line{2, "there"}));
  EXPECT_EQ(Errno("fd_write", {0, 0, 1, 16}), kWasiEbadf);
  EXPECT_EQ(Errno("fd_write", {5, 0, 1, 16}), kWasiEbadf);
}

TEST_F(WasiProbeTest, GarbagePointersAnswerEfault) {
  GuestMemory mem = Mem();
  ASSERT_TRUE(mem.WriteU32(0, 100) && mem.WriteU32(4, 8));
  // iovec array out of bounds, wrapping, nwritten out of bounds.
  EXPECT_EQ(Errno("fd_write", {1, kEnd - 4, 1, 16}), kWasiEfault);
  EXPECT_EQ(Errno("fd_write", {1, 0xFFFFFFFC, 1, 16}), kWasiEfault);
  EXPECT_EQ(Errno("fd_write", {1, 0, 0x20000000, 16}), kWasiEfault);
  EXPECT_EQ(Errno("fd_write", {1, 0, 1, kEnd - 3}), kWasiEfault);
  // A buffer that runs off the end, and one whose ptr+len wraps 2^32.
  ASSERT_TRUE(mem.WriteU32(8, kEnd - 2) && mem.WriteU32(12, 3));
  EXPECT_EQ(Errno("fd_write", {1, 0, 2, 16}), kWasiEfault);
  ASSERT_TRUE(mem.WriteU32(8, 0xFFFFFFF0) && mem.WriteU32(12, 0x20));
  EXPECT_EQ(Errno("fd_write", {1, 0, 2, 16}), kWasiEfault);
  EXPECT_TRUE(lines_.empty()) << "no partial output on EFAULT";

  EXPECT_EQ(Errno("args_sizes_get", {kEnd, 0}), kWasiEfault);
  EXPECT_EQ(Errno("args_sizes_get", {0, 0xFFFFFFFF}), kWasiEfault);
  EXPECT_EQ(Errno("args_get", {kEnd - 8, 0}), kWasiEfault);  // 3 pointers
  EXPECT_EQ(Errno("args_get", {0, kEnd - 5}), kWasiEfault);
  EXPECT_EQ(Errno("environ_get", {0xFFFFFFFF, 0}), kWasiEfault);
  EXPECT_EQ(Errno("clock_time_get", {0, kEnd - 7}), kWasiEfault);
  EXPECT_EQ(Errno("random_get", {kEnd - 10, 11}), kWasiEfault);
  EXPECT_EQ(Errno("random_get", {0xFFFFFFFF, 2}), kWasiEfault);
  EXPECT_EQ(Errno("fd_fdstat_get", {1, kEnd - 23}), kWasiEfault);
  // The instance is still healthy.
  EXPECT_EQ(Errno("random_get", {kEnd - 4, 4}), kWasiSuccess);
  EXPECT_EQ(*Mem().ReadU32(kEnd - 4), 0x04030201u);
}

TEST_F(WasiProbeTest, ArgsEnvironAndClocks) {
  EXPECT_EQ(Errno("args_sizes_get", {0, 4}), kWasiSuccess);
  EXPECT_EQ(*Mem().ReadU32(0), 3u);
  EXPECT_EQ(*Mem().ReadU32(4), std::string("wasi_guest one two ").size());
  EXPECT_EQ(Errno("args_get", {0, 1000}), kWasiSuccess);
  EXPECT_EQ(*Mem().ReadU32(0), 1000u);
  EXPECT_EQ(*Mem().ReadU32(4), 1011u);
  EXPECT_EQ(*Mem().ReadString(1011, 4), std::string_view("one\0", 4));
  EXPECT_EQ(Errno("environ_get", {0, 2000}), kWasiSuccess);
  EXPECT_EQ(*Mem().ReadString(2000, 17), std::string_view("GREETING=bonjour\0", 17));
  EXPECT_EQ(Errno("clock_time_get", {0, 8}), kWasiSuccess);
  EXPECT_EQ(*Mem().ReadU64(8), 1'700'000'000'123'456'789ull);
  EXPECT_EQ(Errno("clock_time_get", {1, 8}), kWasiSuccess);
  EXPECT_EQ(*Mem().ReadU64(8), 42u);
  EXPECT_EQ(Errno("clock_time_get", {2, 8}), kWasiEinval);
}

TEST_F(WasiProbeTest, StdioDescriptorsAndStubs) {
  EXPECT_EQ(Errno("fd_fdstat_get", {1, 64}), kWasiSuccess);
  EXPECT_EQ(Mem().Read(64, 1)->front(), 2);  // character device
  EXPECT_EQ(Errno("fd_fdstat_get", {3, 64}), kWasiEbadf);
  EXPECT_EQ(Errno("fd_seek", {1}), kWasiEspipe);
  EXPECT_EQ(Errno("fd_seek", {9}), kWasiEbadf);
  EXPECT_EQ(Errno("fd_close", {9}), kWasiEbadf);
  EXPECT_EQ(Errno("path_open", {}), kWasiEnosys);
}

TEST_F(WasiProbeTest, ProcExitUnwindsWithTheCode) {
  auto out = inst_->Call("exit", std::vector<uint64_t>{7});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->exited());
  EXPECT_EQ(out->exit_code, 7);
}

}  // namespace
}  // namespace parigot::abi
