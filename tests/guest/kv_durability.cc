// The kv built-in's durability, driven by tests/e2e/kill_loop.py:
//   write S    writes keys d/S, d/S+1, ... (each value 1000 bytes derived
//              from its index) one after the other, for ever, logging
//              "acked N" after the answer to write N; the driver kills the
//              host with SIGKILL at some point;
//   check N    checks that d/0 .. d/N are all there, each value whole, and
//              that any key past N is whole too (a write that was not yet
//              answered may or may not have landed, never in part); logs
//              "all N+1 acknowledged writes are there, intact" and exits 0,
//              or logs what is wrong and exits 1.
#include <cstdlib>
#include <string>

#include "parigot/kv/v1/kv.parigot.h"
#include "parigot/parigot.h"

namespace {

namespace kv = parigot::kv::v1;
using parigot::Future;
using parigot::KernelErr;

std::string ValueOf(long n) {
  std::string value(1000, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>((n * 131 + i) % 251);
  return value;
}

std::string KeyOf(long n) { return "d/" + std::to_string(n); }

[[noreturn]] void Fail(const std::string& what) {
  parigot::log::error("FAIL: " + what);
  parigot::exit(1);
}

Future<void, kv::KvErr> Write(kv::KV store, long start) {
  for (long n = start;; ++n) {
    auto put = co_await store.Put({.ns = "durability", .key = KeyOf(n), .value = ValueOf(n)});
    if (!put) Fail("write " + std::to_string(n) + " failed");
    parigot::log::info("acked " + std::to_string(n));
  }
}

Future<void, kv::KvErr> Check(kv::KV store, long acked) {
  for (long n = 0;; ++n) {
    auto got = co_await store.Get({.ns = "durability", .key = KeyOf(n)});
    if (!got) Fail("read " + std::to_string(n) + " failed");
    if (!got->found) {
      if (n <= acked) Fail("acknowledged write " + std::to_string(n) + " is missing");
      break;
    }
    if (got->value != ValueOf(n)) Fail("write " + std::to_string(n) + " is torn");
  }
  parigot::log::info("all " + std::to_string(acked + 1) +
                     " acknowledged writes are there, intact");
  parigot::exit(0);
}

// `number`: S for write, N for check.
Future<void, KernelErr> Main(parigot::Program& app, std::string mode, long number) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto store = kv::KV::locate();
  auto done = co_await (mode == "write" ? Write(store, number) : Check(store, number));
  parigot::exit(done ? 0 : 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) Fail("usage: kv_durability write S | check N");
  std::string mode = argv[1];
  long number = std::strtol(argv[2], nullptr, 10);
  parigot::Program app({kv::KV::require});
  auto running = Main(app, mode, number);
  return parigot::run();
}
