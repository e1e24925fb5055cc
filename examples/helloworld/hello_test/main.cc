// helloworld's Test program (`parigot test helloworld.toml`), written with
// the test API (parigot/testing.h): two tests of the real greet service,
// and two of the program's logic against in-guest fakes of it.
#include <string>

#include "greeting/v1/greeting.parigot.h"
#include "parigot/parigot.h"
#include "parigot/testing.h"

namespace {

using greeting::v1::FetchGreetingRequest;
using greeting::v1::FetchGreetingResponse;
using greeting::v1::GreetErr;
using greeting::v1::Tongue;

// What the hello program does with the service: "<greeting> world".
parigot::Future<std::string, GreetErr> Salute(const greeting::v1::Greeting& greet, Tongue tongue) {
  return greet.FetchGreeting({.tongue = tongue}).then([](const FetchGreetingResponse& r) {
    return r.greeting + " world";
  });
}

// A fake greet service, served inside this Test program while a test has
// it installed: it knows one word, and refuses every other tongue.
class FakeGreeting : public greeting::v1::GreetingServer {
 public:
  explicit FakeGreeting(std::string word) : word_(std::move(word)) {}
  parigot::Future<FetchGreetingResponse, GreetErr> FetchGreeting(
      const FetchGreetingRequest& request) override {
    ++calls;
    if (request.tongue != Tongue::French) {
      return parigot::Future<FetchGreetingResponse, GreetErr>::Failed(GreetErr::UnknownLang);
    }
    return parigot::Future<FetchGreetingResponse, GreetErr>::Ready({.greeting = word_});
  }
  int calls = 0;

 private:
  std::string word_;
};

// The real service (the descriptor runs greet beside this program).
PARIGOT_ASYNC_TEST(Greet, SaysBonjour, parigot::Future<FetchGreetingResponse, GreetErr>) {
  return greeting::v1::Greeting::locate()
      .FetchGreeting({.tongue = Tongue::French})
      .then([](const FetchGreetingResponse& r) { EXPECT_EQ(r.greeting, "bonjour"); });
}

// The same kind of test as a coroutine: co_await gives the call's Outcome.
PARIGOT_ASYNC_TEST(Greet, RefusesAnUnknownTongue) {
  auto reply = co_await greeting::v1::Greeting::locate().FetchGreeting(
      {.tongue = Tongue::Unspecified});
  EXPECT_ERR(reply, GreetErr::UnknownLang);
}

// The program's logic against a fake: no greet service involved.
PARIGOT_ASYNC_TEST(Hello, SalutesWithTheServicesWord, parigot::Future<std::string, GreetErr>) {
  FakeGreeting& fake = parigot::testing::install_fake<FakeGreeting>("salut");
  return Salute(greeting::v1::Greeting::locate(), Tongue::French)
      .then([&fake](const std::string& salute) {
        EXPECT_EQ(salute, "salut world");
        EXPECT_EQ(fake.calls, 1);
      });
}

PARIGOT_ASYNC_TEST(Hello, PassesTheServicesErrorOn) {
  parigot::testing::install_fake<FakeGreeting>("salut");
  parigot::Promise<void, parigot::testing::Failure> done;
  Salute(greeting::v1::Greeting::locate(), Tongue::German)
      .then([done](const std::string& salute) mutable { done.Fail({"saluted: " + salute}); })
      .or_else([done](GreetErr error) mutable {
        EXPECT_EQ(error, GreetErr::UnknownLang);
        done.Complete();
      });
  return done.future();
}

}  // namespace

int main() { return parigot::testing::RunAll({greeting::v1::Greeting::require}); }
