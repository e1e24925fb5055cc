// test.v1.Relay with its method written as a coroutine: Forward awaits
// Echo.Reflect, then a 1 ms sleep, then reads its request again (which must
// still be valid: the SDK keeps it until the method's future completes) and
// answers "<echoed> via coroutine relay (<request>)". A request whose data
// is "refuse" is answered with TestErr::Refused, through co_return
// parigot::fail().
#include <optional>
#include <string>

#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {

using test::v1::Payload;
using test::v1::TestErr;

class CoroutineRelay : public test::v1::RelayServer {
 public:
  bool Ready() override {
    echo_.emplace(test::v1::Echo::locate());
    return true;
  }

  parigot::Future<Payload, TestErr> Forward(const Payload& request) override {
    if (request.data == "refuse") co_return parigot::fail(TestErr::Refused);
    auto echoed = co_await echo_->Reflect(request);
    if (!echoed) co_return parigot::fail(echoed.error(), echoed.cause());
    co_await parigot::sleep(1);
    co_return Payload{.data = echoed->data + " via coroutine relay (" + request.data + ")"};
  }

 private:
  std::optional<test::v1::Echo> echo_;
};

}  // namespace

int main() {
  CoroutineRelay relay;
  parigot::Program app({test::v1::Echo::require}, {&relay});
  app.launch();
  return parigot::run();
}
