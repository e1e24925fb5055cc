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
                std::vector<ServiceId>* ids = nullptr, GuestOptions options = {}) {
    GuestId guest = kernel.AddGuest(name, kind, name + ".toml:1", options);
    kernel.StartGuests();
    Relaunch(kernel, guest, name, exports, requires_, ids);
    return guest;
  }

  // Registers, exports, requires and launches `guest`: its first instance
  // (Start) or the next, after a restart.
  void Relaunch(Kernel& kernel, GuestId guest, const std::string& name,
                std::vector<ServiceName> exports, std::vector<ServiceName> requires_,
                std::vector<ServiceId>* ids = nullptr) {
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
  }

  // A "greet" service exporting kGreeting with one bound method, and a
  // "main" program requiring it, both launched and running.
  struct Pair {
    GuestId server;
    GuestId client;
    ServiceId service;
    MethodId method;
  };
  // `server_limit`: the server's TimeLimit (0: the kernel's call_timeout).
  Pair StartPair(Kernel& kernel, const std::string& method = "M",
                 std::chrono::milliseconds server_limit = std::chrono::milliseconds(0)) {
    return StartPair(kernel, method, GuestOptions{.time_limit = server_limit});
  }
  Pair StartPair(Kernel& kernel, const std::string& method, GuestOptions server) {
    Pair pair;
    std::vector<ServiceId> ids;
    pair.server = Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, &ids, server);
    pair.service = ids.at(0);
    EXPECT_EQ(kernel.BindMethod(pair.server, pair.service, method, &pair.method),
              syscall::v1::NoError);
    pair.client = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
    Read(kernel, pair.server);
    Read(kernel, pair.client);
    return pair;
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
