// The greet service: implements greeting.v1.Greeting.
#include "greeting/v1/greeting.parigot.h"
#include "parigot/parigot.h"

namespace {

using greeting::v1::FetchGreetingRequest;
using greeting::v1::FetchGreetingResponse;
using greeting::v1::GreetErr;
using greeting::v1::Tongue;

class Greeter : public greeting::v1::GreetingServer {
 public:
  parigot::Future<FetchGreetingResponse, GreetErr> FetchGreeting(
      const FetchGreetingRequest& request) override {
    using Reply = parigot::Future<FetchGreetingResponse, GreetErr>;
    switch (request.tongue) {
      case Tongue::English: return Reply::Ready({.greeting = "hello"});
      case Tongue::French: return Reply::Ready({.greeting = "bonjour"});
      case Tongue::German: return Reply::Ready({.greeting = "guten tag"});
      default: return Reply::Failed(GreetErr::UnknownLang);
    }
  }
};

}  // namespace

int main() {
  Greeter greeter;
  parigot::Program app({}, {&greeter});
  app.launch();
  return parigot::run();
}
