#include "host/cli/supervisor.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <utility>

#include "host/cli/subprocess.h"

namespace parigot::cli {
namespace {

using Clock = std::chrono::steady_clock;
using Level = spdlog::level::level_enum;

// Reads a non-blocking eventfd or signalfd dry; true if it held anything.
// For a signalfd, `*signal` (if given and still 0) becomes the first signal
// read.
bool Drain(int fd, int* signal = nullptr) {
  bool any = false;
  signalfd_siginfo buffer[8];  // also fits an eventfd's 8-byte counter
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      if (signal != nullptr && *signal == 0 &&
          static_cast<size_t>(n) >= sizeof(signalfd_siginfo)) {
        *signal = static_cast<int>(buffer[0].ssi_signo);
      }
      any = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return any;
  }
}

// SIGINT and SIGTERM as a readable descriptor, while this object lives.
class SignalIntake {
 public:
  SignalIntake() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    // A blocked signal whose action is "ignore" is discarded instead of
    // queued (shells start background jobs with SIGINT ignored); a handler
    // keeps it. It never runs in this thread, where both stay blocked.
    struct sigaction action = {};
    action.sa_handler = [](int) {};
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
    pthread_sigmask(SIG_BLOCK, &set_, &old_mask_);
    fd_ = signalfd(-1, &set_, SFD_NONBLOCK | SFD_CLOEXEC);
  }
  ~SignalIntake() {
    if (fd_ >= 0) {
      // Taken here, a signal that arrived late cannot kill the process when
      // the mask is restored.
      Drain(fd_);
      close(fd_);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  SignalIntake(const SignalIntake&) = delete;
  SignalIntake& operator=(const SignalIntake&) = delete;

  // Readable when a signal is pending; -1 if it could not be made.
  int fd() const { return fd_; }

 private:
  sigset_t set_;
  sigset_t old_mask_;
  struct sigaction old_int_;
  struct sigaction old_term_;
  int fd_ = -1;
};

}  // namespace

// The state of one Run(): the children and the phase of the application.
class Supervisor::Loop {
 public:
  Loop(const std::vector<ChildSpec>& specs, const SupervisorOptions& options,
       int wake_fd, int signal_fd)
      : options_(options), wake_fd_(wake_fd), signal_fd_(signal_fd) {
    for (const ChildSpec& spec : specs) {
      children_.push_back({.spec = &spec});
      has_programs_ = has_programs_ || spec.is_program;
    }
  }

  // Why Run() ended, once it has (Supervisor::exit_reason).
  const std::string& reason() const { return reason_; }

  Result<int> Run() {
    if (TakeInterrupts()) {
      reason_ = InterruptReason();
      return kExitInterrupted;
    }
    Status started = StartAll();
    while (AnyLive()) {
      WaitForEvents();
      // Interrupts first: a terminal's Ctrl-C reaches the children too, and
      // their ends must be seen as part of the stop, not as failures.
      if (TakeInterrupts()) OnInterrupt();
      ReadOutput();
      ReapEnded();
      if (phase_ == Phase::kRunning) CheckOver();
      CheckSettled();
      CheckDeadline();
    }
    if (!started.ok()) return started;
    return exit_code_.value_or(0);
  }

 private:
  enum class Phase {
    kRunning,   // the application runs
    kStopping,  // SIGTERM sent; waiting up to options_.grace
    kKilling,   // SIGKILL sent; waiting up to kKillWait
  };
  struct Child {
    const ChildSpec* spec;
    std::optional<Subprocess> process;  // nullopt: not started
    bool abandoned = false;             // it outlived kKillWait after SIGKILL
    // A server that exited while the application ran, not yet reported:
    // its status, and when it is reported unless the application ends.
    std::optional<ExitStatus> unsettled;
    Clock::time_point settle_by;
    bool live() const { return process && process->exit_fd() >= 0 && !abandoned; }
  };
  // What a descriptor in pollfds_ belongs to.
  enum class Source { kWake, kSignal, kOut, kErr, kExit };
  struct Watched {
    Source source;
    Child* child;
  };

  void Report(Level level, const std::string& text) { options_.report(level, text); }

  Status StartAll() {
    for (Child& child : children_) {
      Result<Subprocess> process =
          Subprocess::Spawn(child.spec->argv, child.spec->executable);
      if (!process.ok()) {
        Status error(process.status().code(), "cannot start " + child.spec->name +
                                                  ": " + process.status().message());
        Report(Level::err, error.message());
        BeginStop(std::nullopt, error.message());
        return error;
      }
      child.process.emplace(std::move(*process));
      Report(Level::debug, "started " + child.spec->name + " (pid " +
                               std::to_string(child.process->pid()) + ")");
    }
    return Status::Ok();
  }

  bool AnyLive() const {
    for (const Child& child : children_) {
      if (child.live()) return true;
    }
    return false;
  }

  // Polls every open descriptor until something is ready or, once the end
  // has begun, until the current deadline.
  void WaitForEvents() {
    pollfds_.clear();
    watched_.clear();
    auto watch = [&](int fd, Source source, Child* child) {
      if (fd < 0) return;
      pollfds_.push_back({.fd = fd, .events = POLLIN});
      watched_.push_back({source, child});
    };
    watch(wake_fd_, Source::kWake, nullptr);
    watch(signal_fd_, Source::kSignal, nullptr);
    for (Child& child : children_) {
      if (!child.live()) continue;
      watch(child.process->out().fd(), Source::kOut, &child);
      watch(child.process->err().fd(), Source::kErr, &child);
      watch(child.process->exit_fd(), Source::kExit, &child);
    }
    int timeout_ms = -1;
    if (std::optional<Clock::time_point> next = NextDeadline()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now());
      timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    if (poll(pollfds_.data(), pollfds_.size(), timeout_ms) < 0) {
      // EINTR (a signal handled elsewhere): nothing is ready; look again.
      for (pollfd& p : pollfds_) p.revents = 0;
    }
  }

  // When the loop must look again even if nothing happens: the end of the
  // current phase, or while the application runs, the first settle_by.
  std::optional<Clock::time_point> NextDeadline() const {
    if (phase_ != Phase::kRunning) return deadline_;
    std::optional<Clock::time_point> next;
    for (const Child& child : children_) {
      if (child.unsettled && (!next || child.settle_by < *next)) next = child.settle_by;
    }
    return next;
  }

  bool TakeInterrupts() {
    bool woken = Drain(wake_fd_);
    bool signalled = signal_fd_ >= 0 && Drain(signal_fd_, &signal_);
    return woken || signalled;
  }

  std::string InterruptReason() const {
    switch (signal_) {
      case SIGINT: return "interrupted by SIGINT";
      case SIGTERM: return "terminated by SIGTERM";
      default: return "interrupted";
    }
  }

  void OnInterrupt() {
    switch (phase_) {
      case Phase::kRunning:
        Report(Level::info, "interrupted: stopping every child");
        BeginStop(kExitInterrupted, InterruptReason());
        break;
      case Phase::kStopping:
        Report(Level::warn, "interrupted again: killing every child");
        cut_short_ = true;
        deadline_ = Clock::now();
        break;
      case Phase::kKilling:
        break;
    }
  }

  void ReadOutput() {
    for (size_t i = 0; i < pollfds_.size(); ++i) {
      if (pollfds_[i].revents == 0) continue;
      Child* child = watched_[i].child;
      if (watched_[i].source == Source::kOut) child->process->out().Read(options_.output);
      if (watched_[i].source == Source::kErr) child->process->err().Read(options_.output);
    }
  }

  void ReapEnded() {
    for (size_t i = 0; i < pollfds_.size(); ++i) {
      if (pollfds_[i].revents == 0 || watched_[i].source != Source::kExit) continue;
      Child& child = *watched_[i].child;
      // Whatever it wrote before it ended comes before the report of its
      // end. A descendant still holding its pipes does not hold us up.
      child.process->out().Close(options_.output);
      child.process->err().Close(options_.output);
      std::optional<ExitStatus> status = child.process->TryWait();
      if (status) Ended(child, *status);
    }
  }

  void Ended(Child& child, const ExitStatus& status) {
    const std::string& name = child.spec->name;
    if (phase_ != Phase::kRunning) {
      // Asked to end (or reached by the same Ctrl-C): not a failure. One we
      // had to kill was reported when we did.
      Report(Level::debug, name + " stopped: " + status.ToString());
      return;
    }
    bool counts = child.spec->is_program || !has_programs_;
    if (counts && !exit_code_ && status.code() != 0) {
      exit_code_ = status.code();
      failure_ = name + " " + status.ToString();
    }
    if (counts) last_ended_ = name;
    if (child.spec->is_program || !status.exited) {
      Report(status.exited ? Level::info : Level::err, name + " " + status.ToString());
      return;
    }
    // A server that exits may have learnt of the application's end from
    // another child before we see that child end (parigot hosts tell one
    // another, and each exits with the application's code): it is an early
    // end unless the application is over within `settle` with its code.
    child.unsettled = status;
    child.settle_by = Clock::now() + options_.settle;
  }

  // Reports the servers whose exit the application's end has not followed
  // within `settle`: they ended early.
  void CheckSettled() {
    if (phase_ != Phase::kRunning) return;
    for (Child& child : children_) {
      if (!child.unsettled || Clock::now() < child.settle_by) continue;
      Report(Level::warn, child.spec->name + " " + child.unsettled->ToString());
      child.unsettled.reset();
    }
  }

  // The application is over when its last program has ended, or, with no
  // program, when every child has.
  void CheckOver() {
    size_t counted = 0;
    for (const Child& child : children_) {
      if (!child.spec->is_program && has_programs_) continue;
      if (child.live()) return;
      ++counted;
    }
    BeginStop(exit_code_.value_or(0),
              !failure_.empty() ? failure_
              : counted == 1    ? last_ended_ + " ended"
                                : "all " + std::to_string(counted) +
                                   (has_programs_ ? " program children" : " children") +
                                   " ended");
  }

  // The application is over with `exit_code` (nullopt: none, Run fails)
  // for `reason`: asks every child still running to end.
  void BeginStop(std::optional<int> exit_code, std::string reason) {
    exit_code_ = exit_code;
    reason_ = std::move(reason);
    phase_ = Phase::kStopping;
    deadline_ = Clock::now() + options_.grace;
    for (Child& child : children_) {
      if (child.live()) child.process->Signal(SIGTERM);
      if (child.unsettled) {
        const std::string& name = child.spec->name;
        std::string how = child.unsettled->ToString();
        if (exit_code && child.unsettled->code() == *exit_code) {
          Report(Level::debug, name + " ended with the application: " + how);
        } else {
          Report(Level::warn, name + " " + how);  // before the end, and not of it
        }
        child.unsettled.reset();
      }
    }
  }

  void CheckDeadline() {
    if (phase_ == Phase::kRunning || Clock::now() < deadline_) return;
    for (Child& child : children_) {
      if (!child.live()) continue;
      const std::string& name = child.spec->name;
      if (phase_ == Phase::kStopping) {
        Report(Level::warn,
               name + (cut_short_ ? " is still running"
                                  : " did not stop within " +
                                        std::to_string(options_.grace.count()) +
                                        " ms of SIGTERM") +
                   ": killing it (SIGKILL)");
        child.process->Signal(SIGKILL);
      } else {
        Report(Level::err, name + " (pid " + std::to_string(child.process->pid()) +
                               ") did not end after SIGKILL: abandoned");
        child.abandoned = true;
      }
    }
    phase_ = Phase::kKilling;
    deadline_ = Clock::now() + kKillWait;
  }

  const SupervisorOptions& options_;
  const int wake_fd_;
  const int signal_fd_;
  std::vector<Child> children_;
  bool has_programs_ = false;
  Phase phase_ = Phase::kRunning;
  Clock::time_point deadline_;      // of the current phase, when not kRunning
  bool cut_short_ = false;          // a second interrupt ended the grace
  std::optional<int> exit_code_;    // the first non-zero code that counts
  std::string failure_;             // how the child that gave it ended
  std::string last_ended_;          // the name of the last child that counts
  std::string reason_;              // why the application ended
  int signal_ = 0;                  // the first SIGINT or SIGTERM taken
  std::vector<pollfd> pollfds_;     // of the current WaitForEvents
  std::vector<Watched> watched_;    // parallel to pollfds_
};

Supervisor::Supervisor(std::vector<ChildSpec> children, SupervisorOptions options)
    : children_(std::move(children)),
      options_(std::move(options)),
      wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      wake_error_(wake_fd_ < 0 ? errno : 0) {}

Supervisor::~Supervisor() {
  if (wake_fd_ >= 0) close(wake_fd_);
}

Result<int> Supervisor::Run() {
  if (wake_fd_ < 0) return InternalError(std::string("eventfd: ") + strerror(wake_error_));
  std::optional<SignalIntake> signals;
  if (options_.handle_signals) {
    signals.emplace();
    if (signals->fd() < 0) return InternalError(std::string("signalfd: ") + strerror(errno));
  }
  Loop loop(children_, options_, wake_fd_, signals ? signals->fd() : -1);
  Result<int> exit_code = loop.Run();
  exit_reason_ = loop.reason();
  return exit_code;
}

void Supervisor::Interrupt() {
  uint64_t one = 1;
  // Async-signal-safe. It cannot fail short of a bad descriptor, which Run()
  // reports; a full counter (2^64 - 2 interrupts) still wakes Run().
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

}  // namespace parigot::cli
