// test.v1.Relay: answers Forward by calling Echo (located in Ready()) and
// appending " via relay" to its answer.
#include <optional>

#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {

using test::v1::Payload;
using test::v1::TestErr;

class RelayImpl : public test::v1::RelayServer {
 public:
  bool Ready() override {
    auto echo = test::v1::Echo::try_locate();
    if (!echo.ok()) {
      parigot::log::error("cannot locate Echo: " + echo.status().message());
      return false;
    }
    echo_.emplace(*echo);
    return true;
  }

  parigot::Future<Payload, TestErr> Forward(const Payload& request) override {
    return echo_->Reflect(request).then([](const Payload& reply) {
      return Payload{.data = reply.data + " via relay"};
    });
  }

 private:
  std::optional<test::v1::Echo> echo_;
};

}  // namespace

int main() {
  RelayImpl relay;
  parigot::Program app({test::v1::Echo::require}, {&relay});
  app.launch();
  return parigot::run();
}
