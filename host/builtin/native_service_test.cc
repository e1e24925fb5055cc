// NativeService against a real Kernel: a guest (played by the test) locates
// the host-implemented service and calls it as it would a guest's.
#include "host/builtin/native_service.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "host/kernel/testing/kernel_fixture.h"

namespace parigot::builtin {
namespace {

using kernel::CallResolved;
using kernel::Event;
using kernel::ExitRequested;
using kernel::GuestKind;
using kernel::Kernel;
using kernel::LaunchCompleted;
namespace sc = syscall::v1;

class NativeServiceTest : public kernel::testing::KernelFixture {
 protected:
  // A native Greeting with Upper (answers its request in capitals) and
  // Refuse (answers error 4).
  static NativeService Greeting() {
    return NativeService(
        kGreeting,
        {{"Upper",
          [](std::string_view request) {
            std::string out(request);
            for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            return Reply{.response = out};
          }},
         {"Refuse", [](std::string_view) { return Reply::Error(4); }}});
  }

  // Locates kGreeting from `main` and calls `method` with `request`.
  CallResolved Call(Kernel& kernel, GuestId main, const std::string& method,
                    const std::string& request) {
    ServiceId service;
    std::vector<std::pair<std::string, MethodId>> methods;
    EXPECT_EQ(kernel.Locate(main, kGreeting, &service, &methods), sc::NoError);
    MethodId id;
    for (const auto& [name, bound] : methods) {
      if (name == method) id = bound;
    }
    CallId call;
    EXPECT_EQ(kernel.Dispatch(main, service, id, request, std::chrono::milliseconds(0), &call),
              sc::NoError);
    Event event = Read(kernel, main);
    EXPECT_TRUE(std::holds_alternative<CallResolved>(event));
    return std::get<CallResolved>(event);
  }
};

TEST_F(NativeServiceTest, GuestsCallItAsTheyCallAGuest) {
  Kernel kernel(Options());
  NativeService greeting = Greeting();
  GuestId native = kernel.AddGuest("greet", GuestKind::kService, "app.toml:3");
  int exit_code = -1;
  std::thread server([&] { exit_code = greeting.Serve(kernel, native); });
  GuestId main = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
  Event launched = Read(kernel, main);
  ASSERT_TRUE(std::holds_alternative<LaunchCompleted>(launched));
  EXPECT_EQ(std::get<LaunchCompleted>(launched).error, sc::NoError);

  CallResolved upper = Call(kernel, main, "Upper", "bonjour");
  EXPECT_EQ(upper.kernel_error, sc::NoError);
  EXPECT_EQ(upper.result_error, 0);
  EXPECT_EQ(upper.result, "BONJOUR");
  CallResolved refused = Call(kernel, main, "Refuse", "x");
  EXPECT_EQ(refused.kernel_error, sc::NoError);
  EXPECT_EQ(refused.result_error, 4);

  kernel.Exit(main, 0, /*all=*/true);
  server.join();
  EXPECT_EQ(exit_code, 0) << "asked to exit, it ends with 0";
}

TEST_F(NativeServiceTest, ASecondExporterOfItsServiceFailsItsStartUp) {
  Kernel kernel(Options());
  Start(kernel, "guest_greet", GuestKind::kService, {kGreeting}, {});
  NativeService greeting = Greeting();
  GuestId native = kernel.AddGuest("greet", GuestKind::kService, "app.toml:3");
  EXPECT_EQ(greeting.Serve(kernel, native), 1);
  EXPECT_NE(LogText().find("export of greeting.v1.Greeting failed"), std::string::npos)
      << LogText();
}

}  // namespace
}  // namespace parigot::builtin
