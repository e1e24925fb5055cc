#include "host/cli/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <utility>

extern char** environ;

namespace parigot::cli {
namespace {

void CloseIfOpen(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

Status ErrnoError(std::string_view what, int error) {
  return InternalError(std::string(what) + ": " + strerror(error));
}

// The pipes and spawn attributes of one Spawn call, released on every path.
struct SpawnResources {
  std::array<int, 2> out = {-1, -1};
  std::array<int, 2> err = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;

  SpawnResources() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnResources() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    for (int* fd : {&out[0], &out[1], &err[0], &err[1]}) CloseIfOpen(*fd);
  }
};

}  // namespace

std::string ExitStatus::ToString() const {
  return exited ? "exited with code " + std::to_string(value)
                : "was killed by signal " + std::to_string(value);
}

ExitStatus ExitStatus::FromWaitStatus(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    return {.exited = false, .value = WTERMSIG(wait_status)};
  }
  return {.exited = true, .value = WEXITSTATUS(wait_status)};
}

OutputPipe::~OutputPipe() { CloseFd(); }

OutputPipe::OutputPipe(OutputPipe&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), partial_(std::move(other.partial_)) {}

OutputPipe& OutputPipe::operator=(OutputPipe&& other) noexcept {
  if (this != &other) {
    CloseFd();
    fd_ = std::exchange(other.fd_, -1);
    partial_ = std::move(other.partial_);
  }
  return *this;
}

void OutputPipe::CloseFd() { CloseIfOpen(fd_); }

void OutputPipe::Split(std::string_view data, const LineFn& line) {
  // Invariant: partial_.size() < kMaxLine.
  while (!data.empty()) {
    size_t room = kMaxLine - partial_.size();
    size_t newline = data.find('\n');
    if (newline == std::string_view::npos && data.size() < room) {
      partial_.append(data);
      return;
    }
    bool whole = newline != std::string_view::npos && newline <= room;
    size_t take = whole ? newline : room;
    if (partial_.empty()) {
      line(data.substr(0, take));
    } else {
      partial_.append(data.substr(0, take));
      line(partial_);
      partial_.clear();
    }
    data.remove_prefix(whole ? take + 1 : take);
  }
}

size_t OutputPipe::ReadOnce(const LineFn& line) {
  char buffer[kReadSize];
  while (fd_ >= 0) {
    ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n > 0) {
      Split(std::string_view(buffer, static_cast<size_t>(n)), line);
      return static_cast<size_t>(n);
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    // End of file, or an error that no retry would cure.
    Flush(line);
    CloseFd();
  }
  return 0;
}

void OutputPipe::Flush(const LineFn& line) {
  if (!partial_.empty()) line(partial_);
  partial_.clear();
}

void OutputPipe::Read(const LineFn& line) { ReadOnce(line); }

void OutputPipe::Close(const LineFn& line) {
  if (fd_ < 0) return;
  // What the pipe held when the child ended is at most its capacity; more
  // can only come from a descendant still writing, which must not keep us.
  int capacity = fcntl(fd_, F_GETPIPE_SZ);
  size_t budget = capacity > 0 ? static_cast<size_t>(capacity) : kReadSize;
  for (size_t drained = 0; fd_ >= 0 && drained < budget;) {
    size_t n = ReadOnce(line);
    if (n == 0) break;
    drained += n;
  }
  Flush(line);
  CloseFd();
}

Result<Subprocess> Subprocess::Spawn(const std::vector<std::string>& argv,
                                     const std::string& executable) {
  if (argv.empty()) return InvalidArgumentError("Subprocess::Spawn: empty argv");
  // With SIGCHLD ignored the kernel reaps children itself, and their exit
  // status is lost.
  struct sigaction chld;
  sigaction(SIGCHLD, nullptr, &chld);
  if (chld.sa_handler == SIG_IGN || (chld.sa_flags & SA_NOCLDWAIT) != 0) {
    return FailedPreconditionError(
        "cannot supervise children while SIGCHLD is ignored");
  }
  SpawnResources r;
  // Close-on-exec everywhere: a child started by another thread at the same
  // time must not inherit our pipes (it would hold them open).
  if (pipe2(r.out.data(), O_CLOEXEC) != 0 || pipe2(r.err.data(), O_CLOEXEC) != 0) {
    return ErrnoError("pipe2", errno);
  }
  for (int fd : {r.out[0], r.err[0]}) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  }
  posix_spawn_file_actions_addopen(&r.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&r.actions, r.out[1], 1);
  posix_spawn_file_actions_adddup2(&r.actions, r.err[1], 2);

  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal : {SIGINT, SIGTERM, SIGPIPE}) sigaddset(&defaults, signal);
  posix_spawnattr_setsigmask(&r.attr, &none);
  posix_spawnattr_setsigdefault(&r.attr, &defaults);
  posix_spawnattr_setflags(&r.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  const std::string& path = executable.empty() ? argv[0] : executable;
  pid_t pid = -1;
  // glibc's posix_spawn reports a failed exec (ENOENT, EACCES) as its result.
  if (int error = posix_spawn(&pid, path.c_str(), &r.actions, &r.attr,
                              args.data(), environ);
      error != 0) {
    return ErrnoError("cannot run " + path, error);
  }
  // Not reaped yet, so the pid is still this child's even if it has ended.
  // (glibc 2.36's <sys/pidfd.h> lacks extern "C": call the kernel directly.
  // A pidfd is close-on-exec.)
  int exit_fd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (exit_fd < 0) {
    int error = errno;
    kill(pid, SIGKILL);
    int ignored;
    waitpid(pid, &ignored, 0);
    return ErrnoError("pidfd_open", error);
  }
  Subprocess child(pid, exit_fd, std::exchange(r.out[0], -1),
                   std::exchange(r.err[0], -1));
  return child;
}

Subprocess::Subprocess(pid_t pid, int exit_fd, int out_fd, int err_fd)
    : pid_(pid), exit_fd_(exit_fd), out_(out_fd), err_(err_fd) {}

Subprocess::~Subprocess() { Release(); }

void Subprocess::Release() {
  if (pid_ > 0 && !status_) {
    kill(pid_, SIGKILL);
    int ignored;
    waitpid(pid_, &ignored, WNOHANG);
  }
  pid_ = -1;
  status_.reset();
  CloseIfOpen(exit_fd_);
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      exit_fd_(std::exchange(other.exit_fd_, -1)),
      out_(std::move(other.out_)),
      err_(std::move(other.err_)),
      status_(other.status_) {}

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    Release();
    pid_ = std::exchange(other.pid_, -1);
    exit_fd_ = std::exchange(other.exit_fd_, -1);
    out_ = std::move(other.out_);
    err_ = std::move(other.err_);
    status_ = other.status_;
  }
  return *this;
}

void Subprocess::Signal(int signal) {
  if (pid_ > 0 && !status_) kill(pid_, signal);
}

bool Subprocess::Reap(int options) {
  if (status_ || pid_ <= 0) return true;
  int wait_status = 0;
  pid_t done;
  do {
    done = waitpid(pid_, &wait_status, options);
  } while (done < 0 && errno == EINTR);
  if (done < 0) {
    // Spawn made sure SIGCHLD is not ignored, so only code that reaps
    // children it did not start (waitpid(-1)) can have taken ours: a bug.
    std::fprintf(stderr, "parigot: waitpid(%d): %s\n", pid_, strerror(errno));
    std::abort();
  }
  if (done == pid_) {
    status_ = ExitStatus::FromWaitStatus(wait_status);
    CloseIfOpen(exit_fd_);
  }
  return status_.has_value();
}

std::optional<ExitStatus> Subprocess::TryWait() {
  Reap(WNOHANG);
  return status_;
}

ExitStatus Subprocess::Wait() {
  Reap(0);
  return *status_;
}

}  // namespace parigot::cli
