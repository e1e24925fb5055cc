// A gtest fixture for driving a Kernel by hand: the tests play the guests,
// making the calls host/abi would make on their behalf.
#ifndef PARIGOT_HOST_KERNEL_TESTING_KERNEL_FIXTURE_H_
#define PARIGOT_HOST_KERNEL_TESTING_KERNEL_FIXTURE_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "host/kernel/kernel.h"

namespace parigot::kernel::testing {

// The kernel logs a kill right after interrupting: wait for the line.
inline bool LogEventuallyHas(const std::function<std::string()>& log, const std::string& text) {
  for (int i = 0; i < 400; ++i) {
    if (log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Records the guests the kernel interrupts (KernelOptions::interrupt).
class InterruptRecorder {
 public:
  void Install(KernelOptions& options) {
    options.interrupt = [this](GuestId guest) {
      std::lock_guard lock(mu_);
      interrupted_.push_back(guest);
      cv_.notify_all();
      return true;
    };
  }
  // True once `guest` is interrupted, within 2 s.
  bool WaitFor(GuestId guest) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(2), [&] {
      return std::count(interrupted_.begin(), interrupted_.end(), guest) > 0;
    });
  }
  int Count(GuestId guest) {
    std::lock_guard lock(mu_);
    return static_cast<int>(std::count(interrupted_.begin(), interrupted_.end(), guest));
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<GuestId> interrupted_;
};

class KernelFixture : public ::testing::Test {
 protected:
  // Options whose log lines are kept for LogText().
  KernelOptions Options(
      std::chrono::milliseconds startup = std::chrono::milliseconds(2000),
      std::chrono::milliseconds call = std::chrono::milliseconds(200)) {
    KernelOptions options;
    options.startup_timeout = startup;
    options.call_timeout = call;
    options.log = [this](std::string_view source, LogLevel, std::string_view text,
                         std::span<const LogField>) {
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

  // A method a guest binds before it launches: its service (an index into
  // its exports), name and own time limit (its .proto option; 0: none).
  struct Binding {
    size_t service = 0;
    std::string method;
    std::chrono::milliseconds declared{0};
    MethodId id = MethodId();  // filled by Relaunch
  };

  // Adds a guest named `name`, then registers, exports `exports`, requires
  // `requires_` and launches it, as its SDK would.
  GuestId Start(Kernel& kernel, const std::string& name, GuestKind kind,
                std::vector<ServiceName> exports, std::vector<ServiceName> requires_,
                std::vector<ServiceId>* ids = nullptr, GuestOptions options = {},
                std::vector<Binding>* bindings = nullptr) {
    GuestId guest = kernel.AddGuest(name, kind, name + ".toml:1", options);
    kernel.StartGuests();
    Relaunch(kernel, guest, name, exports, requires_, ids, bindings);
    return guest;
  }

  // Registers, exports, binds `bindings`, requires and launches `guest`: its
  // first instance (Start) or the next, after a restart.
  void Relaunch(Kernel& kernel, GuestId guest, const std::string& name,
                std::vector<ServiceName> exports, std::vector<ServiceName> requires_,
                std::vector<ServiceId>* ids = nullptr,
                std::vector<Binding>* bindings = nullptr) {
    std::string registered;
    EXPECT_EQ(kernel.Register(guest, &registered), syscall::v1::NoError);
    EXPECT_EQ(registered, name);
    std::vector<ServiceId> local;
    if (ids == nullptr) ids = &local;
    if (!exports.empty()) {
      EXPECT_EQ(kernel.Export(guest, exports, ids), syscall::v1::NoError);
    }
    std::vector<Binding> none;
    for (Binding& b : bindings != nullptr ? *bindings : none) {
      EXPECT_EQ(kernel.BindMethod(guest, ids->at(b.service), b.method, &b.id, b.declared),
                syscall::v1::NoError);
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
  Pair StartPair(Kernel& kernel, const std::string& method, GuestOptions server,
                 std::chrono::milliseconds declared = std::chrono::milliseconds(0)) {
    std::vector<Binding> bindings{{0, method, declared}};
    Pair pair = StartPair(kernel, server, bindings);
    pair.method = bindings[0].id;
    return pair;
  }
  // The same with the server's methods in `bindings` (all of kGreeting):
  // Pair::method is left empty.
  Pair StartPair(Kernel& kernel, GuestOptions server, std::vector<Binding>& bindings) {
    Pair pair;
    std::vector<ServiceId> ids;
    pair.server =
        Start(kernel, "greet", GuestKind::kService, {kGreeting}, {}, &ids, server, &bindings);
    pair.service = ids.at(0);
    pair.client = Start(kernel, "main", GuestKind::kMain, {}, {kGreeting});
    Read(kernel, pair.server);
    Read(kernel, pair.client);
    return pair;
  }

  // `caller` calls `method` of `service` with the default deadline, and
  // `callee` takes the call: it now "runs" the method, until it reads again.
  static CallId CallAndTake(Kernel& kernel, GuestId caller, ServiceId service, MethodId method,
                            GuestId callee) {
    CallId call;
    EXPECT_EQ(kernel.Dispatch(caller, service, method, "", std::chrono::milliseconds(0), &call),
              syscall::v1::NoError);
    EXPECT_TRUE(std::holds_alternative<IncomingCall>(Read(kernel, callee)));
    return call;
  }

  // Success once `guest` has been interrupted and the log holds `line`
  // ("greet: killed: ..."); else a failure showing the log.
  ::testing::AssertionResult Killed(InterruptRecorder& interrupts, GuestId guest,
                                    const std::string& line) {
    if (interrupts.WaitFor(guest) && LogEventuallyHas([this] { return LogText(); }, line)) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "no interrupt, or no \"" << line << "\" in:\n"
                                         << LogText();
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
