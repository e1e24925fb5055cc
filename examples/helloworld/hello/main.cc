// The helloworld program: asks the greet service for a French greeting,
// logs it, and exits.
#include "greeting/v1/greeting.parigot.h"
#include "parigot/parigot.h"

int main() {
  parigot::Program app({greeting::v1::Greeting::require});
  app.launch().then([] {
    auto greet = greeting::v1::Greeting::locate();
    greet.FetchGreeting({.tongue = greeting::v1::Tongue::French})
        .then([](const greeting::v1::FetchGreetingResponse& response) {
          parigot::log::info(response.greeting + " world");
          parigot::exit(0);
        })
        .or_else([](greeting::v1::GreetErr error) {
          parigot::log::error("FetchGreeting failed: " +
                              std::to_string(static_cast<int>(error)));
          parigot::exit(1);
        });
  });
  return parigot::run();
}
