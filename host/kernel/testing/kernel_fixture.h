// A gtest fixture for driving a Kernel by hand: the tests play the guests,
// making the calls host/abi would make on their behalf.
#ifndef PARIGOT_HOST_KERNEL_TESTING_KERNEL_FIXTURE_H_
#define PARIGOT_HOST_KERNEL_TESTING_KERNEL_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "host/kernel/kernel.h"

namespace parigot::kernel::testing {

class KernelFixture : public ::testing::Test {
 protected:
  // Options whose log lines are kept for LogText().
  KernelOptions Options(
      std::chrono::milliseconds startup = std::chrono::milliseconds(2000),
      std::chrono::milliseconds call = std::chrono::milliseconds(200)) {
    KernelOptions options;
    options.startup_timeout = startup;
    options.call_timeout = call;
    options.log = [this](std::string_view source, LogLevel, std::string_view text) {
      std::lock_guard lock(log_mu_);
      log_ += std::string(source) + ": " + std::string(text) + "\n";
    };
    return options;
  }

  // Every line logged so far, "source: text\n" each.
  std::string LogText() {
    std::lock_guard lock(log_mu_);
    return log_;
  }

  // Adds a guest named `name`, then registers, exports `exports`, requires
  // `requires_` and launches it, as its SDK would.
  GuestId Start(Kernel& kernel, const std::string& name, GuestKind kind,
                std::vector<ServiceName> exports, std::vector<ServiceName> requires_,
                std::vector<ServiceId>* ids = nullptr,
                std::chrono::milliseconds time_limit = std::chrono::milliseconds(0)) {
    GuestId guest = kernel.AddGuest(name, kind, name + ".toml:1", time_limit);
    kernel.StartGuests();
    std::string registered;
    EXPECT_EQ(kernel.Register(guest, &registered), syscall::v1::NoError);
    EXPECT_EQ(registered, name);
    std::vector<ServiceId> local;
    if (!exports.empty()) {
      EXPECT_EQ(kernel.Export(guest, exports, ids ? ids : &local), syscall::v1::NoError);
    }
    if (!requires_.empty()) {
      EXPECT_EQ(kernel.Require(guest, requires_), syscall::v1::NoError);
    }
    EXPECT_EQ(kernel.Launch(guest), syscall::v1::NoError);
    return guest;
  }

  // The guest's next event; fails the test if none comes within `ms`.
  static Event Read(Kernel& kernel, GuestId guest, int ms = 2000) {
    Event event;
    EXPECT_EQ(kernel.ReadOne(guest, std::chrono::milliseconds(ms), &event),
              syscall::v1::NoError);
    return event;
  }

  static inline const ServiceName kGreeting{"greeting.v1", "Greeting"};
  static inline const ServiceName kOther{"other.v1", "Other"};

 private:
  std::mutex log_mu_;
  std::string log_;  // guarded by log_mu_
};

}  // namespace parigot::kernel::testing

#endif  // PARIGOT_HOST_KERNEL_TESTING_KERNEL_FIXTURE_H_
