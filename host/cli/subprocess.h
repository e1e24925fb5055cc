// Subprocess: a child process whose stdout and stderr come back as lines.
//
// Spawn() starts a program with posix_spawn, its stdout and stderr each on a
// pipe of their own and its stdin on /dev/null. The caller polls the
// descriptors (each OutputPipe's fd(), and exit_fd() for the end of the
// process) with whatever else it waits for, reads what became readable with
// OutputPipe::Read(), and reaps the process with TryWait() once exit_fd()
// is readable. Nothing here blocks except Wait().
//
// Example:
//   Result<Subprocess> child = Subprocess::Spawn({"/bin/echo", "hi"});
//   ... poll child->out().fd(), child->err().fd(), child->exit_fd() ...
//   child->out().Read([](std::string_view line) { Print(line); });
//   std::optional<ExitStatus> status = child->TryWait();
//
// Thread safety: none; a Subprocess belongs to one thread at a time.
#ifndef PARIGOT_HOST_CLI_SUBPROCESS_H_
#define PARIGOT_HOST_CLI_SUBPROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::cli {

// How a process ended.
struct ExitStatus {
  // The process called exit (or returned from main): `value` is its code.
  // Otherwise a signal killed it: `value` is the signal's number.
  bool exited = true;
  int value = 0;

  // The shell's convention: the exit code, or 128 + the signal's number.
  int code() const { return exited ? value : 128 + value; }
  // "exited with code 3", "was killed by signal 9".
  std::string ToString() const;
  // From a wait status as waitpid returns it (WIFEXITED or WIFSIGNALED).
  static ExitStatus FromWaitStatus(int wait_status);
};

// The read end of a pipe carrying a child's output, cut into lines.
//
// Lines are delivered whole, without their '\n', however the child's writes
// were split. A line longer than kMaxLine is delivered in pieces of kMaxLine
// bytes, so that a child that never writes a newline cannot make the reader
// hold an unbounded buffer.
class OutputPipe {
 public:
  using LineFn = std::function<void(std::string_view line)>;
  static constexpr size_t kMaxLine = size_t{1} << 20;

  // Takes ownership of `fd`, which must be non-blocking.
  explicit OutputPipe(int fd) : fd_(fd) {}
  ~OutputPipe();
  OutputPipe(OutputPipe&& other) noexcept;
  OutputPipe& operator=(OutputPipe&& other) noexcept;

  // The descriptor to poll for POLLIN, or -1 once closed.
  int fd() const { return fd_; }
  bool open() const { return fd_ >= 0; }

  // Reads once (up to kReadSize bytes), passing each line that completes to
  // `line`; call it again when poll says the pipe is readable. One read a
  // call keeps one chatty child from starving the others. At end of file
  // (the child and everything it started closed the write end) or on a read
  // error, delivers an unterminated last line and closes the pipe. Returns
  // at once when nothing is available.
  void Read(const LineFn& line);
  // Reads what the pipe holds (at most its capacity, so that a descendant
  // still writing cannot keep it), delivers any unterminated last line and
  // closes the pipe even if the write end is still open: for a process that
  // has ended, possibly leaving a descendant holding its output.
  void Close(const LineFn& line);

 private:
  static constexpr size_t kReadSize = 64 * 1024;

  // Appends `data` to the current line, delivering each line it completes
  // and each kMaxLine piece.
  void Split(std::string_view data, const LineFn& line);
  // One read(); the number of bytes read (0: nothing now, or closed).
  size_t ReadOnce(const LineFn& line);
  // Delivers the unterminated last line, if any.
  void Flush(const LineFn& line);
  void CloseFd();

  int fd_ = -1;
  std::string partial_;  // bytes after the last '\n'
};

class Subprocess {
 public:
  // Starts `argv` (argv[0] is the program's path, searched in nothing: give
  // a path) with `executable` as the file to run when it is not empty, for
  // programs whose argv[0] should differ from the file (a program started as
  // "/proc/self/exe" that should show its real name). The child starts with
  // no signal blocked and SIGINT, SIGTERM and SIGPIPE at their default
  // actions, whatever this process blocked or ignored; it stays in this
  // process's process group. Errors: the program cannot be run (not found,
  // not executable), pipes or processes cannot be made, or SIGCHLD is
  // ignored (the kernel would reap the child and lose its exit status).
  // REQUIRES: nothing else in this process reaps children it did not start
  // (waitpid(-1, ...)); TryWait and Wait abort if their child was taken.
  static Result<Subprocess> Spawn(const std::vector<std::string>& argv,
                                  const std::string& executable = "");

  // A process that was not reaped is sent SIGKILL and reaped if it has
  // already ended; it is never waited for (a process this outlives becomes
  // init's child when this process ends).
  ~Subprocess();
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;

  pid_t pid() const { return pid_; }
  OutputPipe& out() { return out_; }
  OutputPipe& err() { return err_; }
  // A descriptor that polls readable (POLLIN) once the process has ended
  // (a pidfd), -1 once the process has been reaped.
  int exit_fd() const { return exit_fd_; }

  // Sends `signal` to the process. Does nothing once it has been reaped (its
  // pid may belong to another process by then).
  void Signal(int signal);
  // Reaps the process if it has ended: its exit status, or nullopt if it is
  // still running. After the first status, returns that status again.
  std::optional<ExitStatus> TryWait();
  // Blocks until the process ends and reaps it.
  ExitStatus Wait();

 private:
  Subprocess(pid_t pid, int exit_fd, int out_fd, int err_fd);
  // waitpid with `options`; true once the status is known.
  bool Reap(int options);
  // What the destructor does; leaves an empty object.
  void Release();

  pid_t pid_ = -1;
  int exit_fd_ = -1;
  OutputPipe out_;
  OutputPipe err_;
  std::optional<ExitStatus> status_;
};

}  // namespace parigot::cli

#endif  // PARIGOT_HOST_CLI_SUBPROCESS_H_
