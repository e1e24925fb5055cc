// A Test program that serves a fake of a service through the kernel: its
// deployment (tests/e2e apps.toml and net.toml, `testapi_kernel_fake`)
// runs the real relay service but no echo; this program exports a fake
// Echo, which the relay calls, and tests the relay (a Test program's
// exports serve as soon as it has launched, so requiring Relay, which
// requires Echo, is no cycle).
#include "parigot/parigot.h"
#include "parigot/testing.h"
#include "test/v1/test.parigot.h"

namespace {

using test::v1::Payload;
using test::v1::TestErr;

class FakeEcho : public test::v1::EchoServer {
 public:
  parigot::Future<Payload, TestErr> Reflect(const Payload& request) override {
    return parigot::Future<Payload, TestErr>::Ready({.data = "fake " + request.data});
  }
  parigot::Future<void, TestErr> ExitAll(const test::v1::ExitAllRequest&) override {
    return parigot::Future<void, TestErr>::Failed(TestErr::Refused);
  }
  parigot::Future<void, TestErr> Stall() override {
    return parigot::Future<void, TestErr>::Failed(TestErr::Refused);
  }
  parigot::Future<void, TestErr> Busy(const test::v1::BusyRequest&) override {
    return parigot::Future<void, TestErr>::Ready();
  }
  parigot::Future<void, TestErr> Linger(const test::v1::BusyRequest&) override {
    return parigot::Future<void, TestErr>::Ready();
  }
  parigot::Future<test::v1::CrunchResponse, TestErr> Crunch(
      const test::v1::CrunchRequest&) override {
    return parigot::Future<test::v1::CrunchResponse, TestErr>::Ready({});
  }
};

PARIGOT_ASYNC_TEST(KernelFake, RelayCallsTheFake, parigot::Future<Payload, TestErr>) {
  return test::v1::Relay::locate()
      .Forward({.data = "ping"}, {.timeout_ms = 5000})
      .then([](const Payload& reply) { EXPECT_EQ(reply.data, "fake ping via relay"); });
}

}  // namespace

int main() {
  static FakeEcho fake;
  return parigot::testing::RunAll({test::v1::Relay::require}, {&fake});
}
