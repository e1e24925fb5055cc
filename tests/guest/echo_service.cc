// test.v1.Echo: returns each payload unchanged; ExitAll ends the
// application with the code it is given; Stall never answers; Busy and
// Linger compute for a while (or forever) first; Crunch computes a fixed
// amount.
#include <chrono>
#include <cstdint>

#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {

using test::v1::TestErr;

// Computes for `ms` milliseconds (forever if negative), then answers.
parigot::Future<void, TestErr> Compute(int32_t ms) {
  auto start = std::chrono::steady_clock::now();
  auto limit = std::chrono::milliseconds(ms);
  volatile uint64_t spins = 0;
  while (ms < 0 || std::chrono::steady_clock::now() - start < limit) {
    spins = spins + 1;
  }
  return parigot::Future<void, TestErr>::Ready();
}

class EchoImpl : public test::v1::EchoServer {
 public:
  parigot::Future<test::v1::Payload, TestErr> Reflect(
      const test::v1::Payload& request) override {
    return parigot::Future<test::v1::Payload, TestErr>::Ready(request);
  }
  parigot::Future<void, TestErr> ExitAll(
      const test::v1::ExitAllRequest& request) override {
    parigot::exit_all(request.code);
  }
  parigot::Future<void, TestErr> Busy(const test::v1::BusyRequest& request) override {
    return Compute(request.ms);
  }
  parigot::Future<void, TestErr> Linger(const test::v1::BusyRequest& request) override {
    return Compute(request.ms);
  }
  parigot::Future<test::v1::CrunchResponse, TestErr> Crunch(
      const test::v1::CrunchRequest& request) override {
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (uint32_t i = 0; i < request.rounds; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
    }
    return parigot::Future<test::v1::CrunchResponse, TestErr>::Ready({.digest = x});
  }
  parigot::Future<void, TestErr> Stall() override {
    // Nobody keeps the promise: the caller's deadline must fire.
    return parigot::Promise<void, TestErr>().future();
  }
};

}  // namespace

int main() {
  EchoImpl echo;
  parigot::Program app({}, {&echo});
  app.launch();
  return parigot::run();
}
