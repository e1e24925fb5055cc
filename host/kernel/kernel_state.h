// The kernel's private records (kernel.h's Guest, Service, PendingCall and
// Deferred), shared by the files that implement the Kernel class:
//   kernel.cc            registry and the guests' system calls
//   kernel_lifecycle.cc  start-up order, ends, restarts and exit
//   kernel_remote.cc     calls to and from other processes
//   kernel_watchdog.cc   deadlines, time limits and the start-up timeout
// Not part of the kernel's interface: only those files include it.
#ifndef PARIGOT_HOST_KERNEL_KERNEL_STATE_H_
#define PARIGOT_HOST_KERNEL_KERNEL_STATE_H_

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/kernel/kernel.h"

namespace parigot::kernel {

namespace sc = syscall::v1;

struct Kernel::Guest {
  // kRestarting: its instance ended and a new one will start (WaitToRestart
  // puts it back to kCreated). kEnded: for good.
  enum class State { kCreated, kRegistered, kLaunched, kRunning, kRestarting, kEnded };

  GuestId id;
  std::string name;
  GuestKind kind;
  std::string origin;
  State state = State::kCreated;
  // Whether the services it exports can be called: once it runs, and a
  // Test program's as soon as it has launched. A Test program's exports are
  // fakes standing in for services of the application (docs/guests.md,
  // "Testing"), and the services that call them are usually what the Test
  // program itself requires: waiting for its own launch would be a
  // dependency cycle. Its fakes then serve calls before its own Ready().
  bool Serving() const {
    return state == State::kRunning ||
           (kind == GuestKind::kTest && state == State::kLaunched);
  }
  std::vector<ServiceName> requires_;
  std::vector<Service*> exports;
  Mailbox mailbox;
  // The call the guest took last, while it has not come back to read_one:
  // the method it is running right now.
  std::optional<CallId> running_call;
  // When the guest's current turn began: it returned from ReadEvents and runs
  // its own code (steady_clock ticks; 0 while it waits in ReadEvents, and
  // before its first read). Written by the guest's thread without mu_.
  std::atomic<Clock::rep> turn_began{0};
  // How long a method or turn of it may run (AddGuest), already multiplied
  // by `time_scale`. Set before it runs.
  std::chrono::milliseconds time_limit{0};
  // GuestOptions::time_scale, for messages and the default deadline of
  // calls to it.
  int time_scale = 1;
  // The descriptor's limits of single methods (GuestOptions), and for each
  // the full names of the methods its instance bound that it names
  // (BindMethod; cleared by Register), for the check at launch.
  std::vector<MethodLimit> method_limits;
  std::vector<std::vector<std::string>> method_limit_uses;
  // The time limit of the method its current turn runs (in ms; 0: it runs
  // none). Written under mu_ when it takes a call and when it reads again;
  // read without mu_ by BeginTurn (see TurnLimit).
  std::atomic<int64_t> method_limit_ms{0};
  // Its instance runs its start-up code (main before run()): from
  // InstanceStarting to its first read. That turn's limit is the start-up
  // timeout, not `time_limit`: start-up work (decoding a configuration,
  // building tables) is not a method, and an engine or a build type that
  // runs it slower must not fail there. Written by the guest's thread.
  std::atomic<bool> starting{false};
  bool killed = false;
  // Why it was killed ("greeting.v1.Greeting.Fetch ran past ..."), for the
  // restart's report.
  std::string kill_reason;
  // Its launch failed (cycle, missing requirement): it runs only to exit.
  bool startup_failed = false;

  // Supervision (restart.h).
  RestartPolicy restart;
  RestartHistory history;
  // From a restart decision until its new instance runs (its launch
  // completed): its services are restarting, not dead.
  bool restarting = false;
  Clock::time_point restart_at;
  int restarts = 0;  // every restart so far
  // The WaitToRestart in progress, for ExitAll to end it.
  Waiter* restart_waiter = nullptr;
  // Calls to its services while it restarts, delivered once its new
  // instance runs (their PendingCall may expire meanwhile: ReadEvents then
  // drops them).
  std::vector<IncomingCall> held_calls;
};

struct Kernel::Service {
  ServiceId id;
  ServiceName name;
  // A method: its name, id, and how long a call of it may run (the
  // exporter's limit for it, from BindMethod; for a method only other
  // processes serve, the limit they announced, or zero).
  struct Method {
    std::string name;
    MethodId id;
    std::chrono::milliseconds limit{0};
  };

  // The guest here that exports it; null when only other processes serve it.
  Guest* exporter = nullptr;
  std::vector<Method> methods;
  // The local exporter has not ended.
  bool alive = false;
  // Replicas in other processes, and the next one to try (round-robin).
  std::vector<std::shared_ptr<RemoteEndpoint>> remotes;
  size_t next_remote = 0;

  bool served_here() const { return exporter != nullptr && alive; }
  // Its local exporter is being restarted: calls wait for the new instance.
  bool restarting_here() const { return exporter != nullptr && exporter->restarting; }
  // The guest here that serves it, now or once restarted; else null.
  Guest* local_exporter() const {
    return served_here() || restarting_here() ? exporter : nullptr;
  }
};

// A call's share of the kernel's in-flight budget (Kernel::in_flight_),
// given back when the PendingCall holding it goes, whichever way the call
// ends. Used under the kernel's mu_, like the calls.
class InFlightShare {
 public:
  InFlightShare() = default;
  InFlightShare(size_t* total, size_t bytes) : total_(total), bytes_(bytes) { *total_ += bytes_; }
  InFlightShare(InFlightShare&& other) noexcept
      : total_(std::exchange(other.total_, nullptr)), bytes_(other.bytes_) {}
  InFlightShare& operator=(InFlightShare&& other) noexcept {
    if (this != &other) {
      Release();
      total_ = std::exchange(other.total_, nullptr);
      bytes_ = other.bytes_;
    }
    return *this;
  }
  ~InFlightShare() { Release(); }

 private:
  void Release() {
    if (total_ != nullptr) *total_ -= bytes_;
    total_ = nullptr;
  }
  size_t* total_ = nullptr;
  size_t bytes_ = 0;
};

struct Kernel::PendingCall {
  Guest* caller;  // null: a call from another process, answered by `reply`
  Guest* callee;  // null: a call sent to another process, through `remote`
  Service* service;
  MethodId method;
  Clock::time_point deadline;  // the caller's
  ReplyFn reply;
  std::shared_ptr<RemoteEndpoint> remote;
  // The method's time limit, once the callee here takes the call (its
  // Service::Method::limit when the call was made).
  std::chrono::milliseconds limit{0};
  // What its request's size adds to `limit` (RequestAllowance).
  std::chrono::milliseconds allowance{0};
  // The callee here has taken it (its method's time limit is its turn's,
  // counted by Guest::turn_began).
  bool taken = false;
  // The caller has its answer already (CallTimeout) or went away: the method
  // runs on under its own limit, and its result goes nowhere.
  bool caller_gone = false;
  InFlightShare share{};  // set by AddCallLocked
  // A call to a service with several replicas elsewhere keeps its request
  // until it is answered, so that one that could not reach its replica
  // (RemoteReply::not_sent) goes to another; empty for other calls (no
  // copy on the path of a single remote, or of a call in this process).
  std::shared_ptr<const std::string> resend;
  // The replicas a resent call has failed to reach.
  std::vector<RemoteEndpoint*> unreachable;
};

// Work that must run after the kernel's lock is released: replies to remote
// callers and calls into a transport, either of which may re-enter the
// kernel. Declare it before the lock, so that it runs after the unlock.
class Kernel::Deferred {
 public:
  Deferred() = default;
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;
  ~Deferred() { Run(); }

  void Add(std::function<void()> work) { work_.push_back(std::move(work)); }
  bool empty() const { return work_.empty(); }
  void Run() {
    std::vector<std::function<void()>> work = std::move(work_);
    work_.clear();
    for (auto& item : work) item();
  }

 private:
  std::vector<std::function<void()>> work_;
};

template <typename IdType>
IdType Kernel::NewIdLocked() {
  uint64_t a = random_(), b = random_();
  return IdType::NewRandom(a, b);
}

}  // namespace parigot::kernel

#endif  // PARIGOT_HOST_KERNEL_KERNEL_STATE_H_
