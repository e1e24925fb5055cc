#include "bench/harness/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

extern char** environ;

namespace parigot::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A file descriptor closed when it goes out of scope.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Close(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }

  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

Status ErrnoError(const std::string& what, int error) {
  return UnavailableError(what + ": " + std::strerror(error));
}

// Appends what `fd` (non-blocking) holds now to `out`; closes it at end of
// file. Returns at once when nothing is there.
void Drain(UniqueFd& fd, std::string& out) {
  char buffer[16 * 1024];
  while (fd.get() >= 0) {
    const ssize_t got = read(fd.get(), buffer, sizeof buffer);
    if (got > 0) {
      out.append(buffer, static_cast<size_t>(got));
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return;
    } else {
      fd.Close();  // end of file, or a read error: nothing more will come
    }
  }
}

// The child's output either goes to a pipe (both stdout and stderr on its
// write end) or to /dev/null.
void AddRedirections(posix_spawn_file_actions_t& actions, int write_end) {
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  for (int fd : {1, 2}) {
    if (write_end >= 0) {
      posix_spawn_file_actions_adddup2(&actions, write_end, fd);
    } else {
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0);
    }
  }
}

// Milliseconds until `deadline` for poll(): -1 for none, never negative.
int PollTimeout(Clock::time_point deadline) {
  if (deadline == Clock::time_point::max()) return -1;
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Waits until the process behind `exited` (its pidfd) has ended, reading
// its output meanwhile; past `options.limit`, stops it (SIGTERM, then
// SIGKILL after `options.grace`). Returns true if it had to be stopped.
// Errors: Unavailable if poll fails (the child is then killed).
Result<bool> Supervise(pid_t pid, const UniqueFd& exited, UniqueFd& output,
               const CommandOptions& options, Clock::time_point started,
               std::string& captured) {
  Clock::time_point deadline =
      options.limit.count() > 0 ? started + options.limit : Clock::time_point::max();
  bool stopped = false;
  for (;;) {
    pollfd fds[2] = {{.fd = exited.get(), .events = POLLIN, .revents = 0},
                     {.fd = output.get(), .events = POLLIN, .revents = 0}};
    const int ready = poll(fds, 2, PollTimeout(deadline));
    if (ready < 0 && errno != EINTR) {
      const int poll_error = errno;
      kill(pid, SIGKILL);  // never leave it running unwatched
      return ErrnoError("poll", poll_error);
    }
    if (fds[1].revents != 0) Drain(output, captured);
    if ((fds[0].revents & POLLIN) != 0) return stopped;
    if (Clock::now() < deadline) continue;
    if (!stopped) {
      stopped = true;
      kill(pid, SIGTERM);
      deadline = Clock::now() + options.grace;
    } else {
      kill(pid, SIGKILL);
      deadline = Clock::time_point::max();
    }
  }
}

}  // namespace

Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 const CommandOptions& options) {
  if (argv.empty()) return InvalidArgumentError("RunCommand: empty argv");
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  UniqueFd read_end;
  UniqueFd write_end;
  if (options.capture_output) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return ErrnoError("pipe2", errno);
    read_end = UniqueFd(fds[0]);
    write_end = UniqueFd(fds[1]);
    fcntl(read_end.get(), F_SETFL, fcntl(read_end.get(), F_GETFL) | O_NONBLOCK);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  AddRedirections(actions, write_end.get());
  const Clock::time_point started = Clock::now();
  pid_t pid = 0;
  const int error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  write_end.Close();  // so that the child's exit is the pipe's end of file
  if (error != 0) return ErrnoError("cannot start " + argv[0], error);

  auto reap = [pid](int& status, rusage& usage) {
    while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
  };
  int status = 0;
  rusage usage = {};
  // A pidfd polls readable when the child ends, whoever else holds its pipe.
  const UniqueFd exited(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
  if (exited.get() < 0) {
    const int open_error = errno;
    kill(pid, SIGKILL);
    reap(status, usage);
    return ErrnoError("pidfd_open", open_error);
  }
  CommandResult result;
  const Result<bool> stopped =
      Supervise(pid, exited, read_end, options, started, result.output);
  // All it wrote before it ended is in the pipe now; a descendant that still
  // holds the write end is not waited for.
  Drain(read_end, result.output);
  reap(status, usage);
  if (!stopped.ok()) return stopped.status();
  result.wall_ms =
      std::chrono::duration<double, std::milli>(Clock::now() - started).count();
  result.max_rss_kb = usage.ru_maxrss;
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  if (*stopped) {
    std::string message = argv[0] + " ran past " + std::to_string(options.limit.count()) +
                          " ms and was stopped";
    if (options.capture_output) message += "; it printed:\n" + result.output;
    return DeadlineExceededError(std::move(message));
  }
  return result;
}

Result<RunCost> RunMeasured(const std::vector<std::string>& argv) {
  Result<CommandResult> run = RunCommand(argv);
  if (!run.ok()) return run.status();
  if (run->signal != 0) {
    return AbortedError(argv[0] + " died of signal " + std::to_string(run->signal));
  }
  if (run->exit_code != 0) {
    return AbortedError(argv[0] + " exited with code " + std::to_string(run->exit_code));
  }
  return RunCost{.wall_ms = run->wall_ms, .max_rss_kb = run->max_rss_kb};
}

Result<double> RunTimed(const std::vector<std::string>& argv) {
  Result<RunCost> cost = RunMeasured(argv);
  if (!cost.ok()) return cost.status();
  return cost->wall_ms;
}

}  // namespace parigot::bench
