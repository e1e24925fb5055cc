// The WASI subset: the `wasi_snapshot_preview1` imports for one guest.
//
// libwabt has no WASI, and parigot guests need only a little of it: stdout and
// stderr go to the central log, plus argv, environ, clocks, random and exit.
// Wasi builds a HostFunction for EVERY preview1 function, so any guest linked
// against wasi-libc instantiates:
//
//   args_get, args_sizes_get, environ_get, environ_sizes_get  the options' values;
//                                 argv[0] is the guest's name
//   clock_time_get, clock_res_get realtime (0) and monotonic (1); others EINVAL
//   random_get                    options.random (default: the OS's getrandom)
//   fd_write                      fds 1 and 2 -> options.sink, one call per
//                                 line (without the '\n'); partial lines are
//                                 buffered per fd until a newline, Flush(),
//                                 proc_exit or fd_close; a partial line longer
//                                 than kMaxLine is emitted in pieces
//   fd_fdstat_get                 0/1/2: a character device (so libc's stdio
//                                 line-buffers and isatty() holds)
//   fd_read                       fd 0: end of file
//   fd_close                      0/1/2: success (flushes); other fds EBADF
//   fd_seek, fd_tell              0/1/2: ESPIPE; other fds EBADF
//   fd_prestat_get, _dir_name     EBADF (no preopened directories)
//   proc_exit                     flushes, then HostOutcome::Exit(code)
//   sched_yield                   success
//   everything else               ERRNO_NOSYS (52), with the right signature
//
// Every guest pointer goes through GuestMemory; a bad one answers EFAULT (21)
// before anything is written (no partial output), and never touches host
// memory.
//
// Ownership: the HostFunctions share this Wasi's state, so they stay valid
// even if the Wasi object is destroyed first.
//
// Threads: one Wasi per guest; its functions run on that guest's thread, one
// call at a time. The sink, clock and random callbacks are called on the
// guest's thread; if several guests share one sink, it must be thread-safe.
//
// Example:
//   abi::Wasi wasi({.name = "hello", .args = {"-v"},
//                   .sink = [&](int fd, std::string_view line) { log(fd, line); }});
//   auto instance = module->Instantiate(wasi.HostFunctions(), nullptr);
//   auto outcome = (*instance)->Call("_start", {});
//   wasi.Flush();  // a main() that returns 0 never calls proc_exit
#ifndef PARIGOT_HOST_ABI_WASI_H_
#define PARIGOT_HOST_ABI_WASI_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/engine/engine.h"

namespace parigot::abi {

// The WASI errno values this layer answers.
enum WasiErrno : uint16_t {
  kWasiSuccess = 0,
  kWasiEbadf = 8,
  kWasiEfault = 21,
  kWasiEinval = 28,
  kWasiEnosys = 52,
  kWasiEspipe = 70,
};

inline constexpr std::string_view kWasiModule = "wasi_snapshot_preview1";

// Receives guest output, one line at a time: fd is 1 (stdout) or 2 (stderr),
// `line` has no trailing newline and is valid only during the call.
using OutputSink = std::function<void(int fd, std::string_view line)>;

struct WasiOptions {
  // The guest's name: argv[0].
  std::string name;
  // argv[1..].
  std::vector<std::string> args;
  // The environment, as "KEY=VALUE" strings. Default: empty (the host's
  // environment is never passed through implicitly).
  std::vector<std::string> env;
  // Where stdout/stderr lines go. Default: discarded.
  OutputSink sink;
  // Nanoseconds on clock 0 (realtime, since the Unix epoch) or 1 (monotonic).
  // Default: std::chrono::system_clock / steady_clock. Tests inject a fake.
  std::function<uint64_t(uint32_t clock_id)> clock;
  // Fills `out` with random bytes. Default: getrandom(2).
  std::function<void(std::span<uint8_t> out)> random;
};

namespace internal {
struct WasiState;
}

class Wasi {
 public:
  // Longest partial line kept before it is emitted in pieces.
  static constexpr size_t kMaxLine = 64 * 1024;

  explicit Wasi(WasiOptions options);
  // Flushes any partial lines.
  ~Wasi();
  Wasi(const Wasi&) = delete;
  Wasi& operator=(const Wasi&) = delete;

  // One HostFunction per wasi_snapshot_preview1 function (module
  // kWasiModule), bound to this guest's state. Pass them (with any other
  // imports) to Module::Instantiate.
  std::vector<engine::HostFunction> HostFunctions() const;

  // Emits the partial lines buffered for fds 1 and 2 (stdout first). Call it
  // when the guest returns or traps; proc_exit does it by itself.
  void Flush();

  // The names of every preview1 function, in the order HostFunctions()
  // returns them.
  static std::vector<std::string_view> FunctionNames();

 private:
  std::shared_ptr<internal::WasiState> state_;
};

}  // namespace parigot::abi

#endif  // PARIGOT_HOST_ABI_WASI_H_
