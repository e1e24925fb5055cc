// The WASI subset. See wasi.h for what each function answers.
//
// kFunctions lists every wasi_snapshot_preview1 function once, with its
// signature; Implementation() supplies the ones that do something, and every
// other name gets a stub answering ENOSYS.
#include "host/abi/wasi.h"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <random>
#include <utility>

#include "host/abi/guest_memory.h"

namespace parigot::abi {

using engine::CallContext;
using engine::HostCallback;
using engine::HostFunction;
using engine::HostOutcome;
using engine::Signature;
using engine::ValueType;

namespace internal {

struct WasiState {
  WasiOptions options;
  std::array<std::string, 3> pending;  // partial lines, by fd (1 and 2 used)

  void Emit(int fd, std::string_view line) {
    if (options.sink) options.sink(fd, line);
  }
  void Append(int fd, std::string_view data) {
    std::string& buf = pending[fd];
    for (char c : data) {
      if (c == '\n') {
        Emit(fd, buf);
        buf.clear();
      } else {
        buf.push_back(c);
        if (buf.size() >= Wasi::kMaxLine) {
          Emit(fd, buf);
          buf.clear();
        }
      }
    }
  }
  void Flush(int fd) {
    if (!pending[fd].empty()) {
      Emit(fd, pending[fd]);
      pending[fd].clear();
    }
  }
  void FlushAll() {
    Flush(1);
    Flush(2);
  }
  uint64_t Now(uint32_t clock_id) {
    if (options.clock) return options.clock(clock_id);
    auto since = [](auto now) {
      return static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count());
    };
    return clock_id == 0 ? since(std::chrono::system_clock::now())
                         : since(std::chrono::steady_clock::now());
  }
  void Random(std::span<uint8_t> out) {
    if (options.random) return options.random(out);
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && errno != EINTR) {
        std::random_device dev;  // no getrandom: fall back
        for (; done < out.size(); ++done) out[done] = static_cast<uint8_t>(dev());
      }
    }
  }
};

}  // namespace internal

namespace {

using State = internal::WasiState;

// Every preview1 function: name and parameter letters ('i' = i32,
// 'I' = i64). All return an i32 errno except proc_exit, which returns nothing.
struct FunctionSpec {
  std::string_view name;
  std::string_view params;
};
constexpr FunctionSpec kFunctions[] = {
    {"args_get", "ii"},
    {"args_sizes_get", "ii"},
    {"environ_get", "ii"},
    {"environ_sizes_get", "ii"},
    {"clock_res_get", "ii"},
    {"clock_time_get", "iIi"},
    {"fd_advise", "iIIi"},
    {"fd_allocate", "iII"},
    {"fd_close", "i"},
    {"fd_datasync", "i"},
    {"fd_fdstat_get", "ii"},
    {"fd_fdstat_set_flags", "ii"},
    {"fd_fdstat_set_rights", "iII"},
    {"fd_filestat_get", "ii"},
    {"fd_filestat_set_size", "iI"},
    {"fd_filestat_set_times", "iIIi"},
    {"fd_pread", "iiiIi"},
    {"fd_prestat_get", "ii"},
    {"fd_prestat_dir_name", "iii"},
    {"fd_pwrite", "iiiIi"},
    {"fd_read", "iiii"},
    {"fd_readdir", "iiiIi"},
    {"fd_renumber", "ii"},
    {"fd_seek", "iIii"},
    {"fd_sync", "i"},
    {"fd_tell", "ii"},
    {"fd_write", "iiii"},
    {"path_create_directory", "iii"},
    {"path_filestat_get", "iiiii"},
    {"path_filestat_set_times", "iiiiIIi"},
    {"path_link", "iiiiiii"},
    {"path_open", "iiiiiIIii"},
    {"path_readlink", "iiiiii"},
    {"path_remove_directory", "iii"},
    {"path_rename", "iiiiii"},
    {"path_symlink", "iiiii"},
    {"path_unlink_file", "iii"},
    {"poll_oneoff", "iiii"},
    {"proc_exit", "i"},
    {"proc_raise", "i"},
    {"sched_yield", ""},
    {"random_get", "ii"},
    {"sock_accept", "iii"},
    {"sock_recv", "iiiiii"},
    {"sock_send", "iiiii"},
    {"sock_shutdown", "ii"},
};

Signature MakeSignature(const FunctionSpec& spec) {
  Signature sig;
  for (char c : spec.params) sig.params.push_back(c == 'I' ? ValueType::kI64 : ValueType::kI32);
  if (spec.name != "proc_exit") sig.results.push_back(ValueType::kI32);
  return sig;
}

uint32_t U32(uint64_t slot) { return static_cast<uint32_t>(slot); }

// A callback body: returns the errno to answer.
using ErrnoFn = uint16_t (*)(State&, GuestMemory&, std::span<const uint64_t>);

HostCallback Returning(std::shared_ptr<State> state, ErrnoFn fn) {
  return [state = std::move(state), fn](CallContext& ctx, std::span<const uint64_t> args,
                                        std::span<uint64_t> results) {
    GuestMemory mem(ctx.Memory());
    results[0] = fn(*state, mem, args);
    return HostOutcome::Ok();
  };
}

// Sizes for args_sizes_get / environ_sizes_get.
uint16_t Sizes(const std::vector<std::string>& strings, GuestMemory& mem,
               std::span<const uint64_t> a) {
  uint32_t total = 0;
  for (const std::string& s : strings) total += static_cast<uint32_t>(s.size() + 1);
  if (!mem.InBounds(U32(a[0]), 4) || !mem.InBounds(U32(a[1]), 4)) return kWasiEfault;
  (void)mem.WriteU32(U32(a[0]), static_cast<uint32_t>(strings.size()));
  (void)mem.WriteU32(U32(a[1]), total);
  return kWasiSuccess;
}

// args_get / environ_get: pointers at a[0], NUL-terminated strings at a[1].
uint16_t Strings(const std::vector<std::string>& strings, GuestMemory& mem,
                 std::span<const uint64_t> a) {
  uint32_t ptrs = U32(a[0]), buf = U32(a[1]);
  uint64_t total = 0;
  for (const std::string& s : strings) total += s.size() + 1;
  if (!mem.InBounds(ptrs, 4ull * strings.size()) || !mem.InBounds(buf, total)) {
    return kWasiEfault;
  }
  for (size_t i = 0; i < strings.size(); ++i) {
    const std::string& s = strings[i];
    (void)mem.WriteU32(ptrs + 4 * static_cast<uint32_t>(i), buf);
    (void)mem.Write(buf, {reinterpret_cast<const uint8_t*>(s.c_str()), s.size() + 1});
    buf += static_cast<uint32_t>(s.size() + 1);
  }
  return kWasiSuccess;
}

std::vector<std::string> Argv(const State& s) {
  std::vector<std::string> argv{s.options.name};
  argv.insert(argv.end(), s.options.args.begin(), s.options.args.end());
  return argv;
}

bool IsStdio(uint64_t fd) { return fd <= 2; }

uint16_t FdWrite(State& s, GuestMemory& mem, std::span<const uint64_t> a) {
  uint32_t fd = U32(a[0]), iovs = U32(a[1]), count = U32(a[2]), nwritten = U32(a[3]);
  if (fd != 1 && fd != 2) return kWasiEbadf;
  if (!mem.InBounds(iovs, 8ull * count) || !mem.InBounds(nwritten, 4)) return kWasiEfault;
  // Check every buffer before emitting anything: no partial output.
  uint64_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t ptr = *mem.ReadU32(iovs + 8 * i), len = *mem.ReadU32(iovs + 8 * i + 4);
    if (!mem.InBounds(ptr, len)) return kWasiEfault;
    total += len;
  }
  if (total > UINT32_MAX) return kWasiEinval;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t ptr = *mem.ReadU32(iovs + 8 * i), len = *mem.ReadU32(iovs + 8 * i + 4);
    s.Append(static_cast<int>(fd), *mem.ReadString(ptr, len));
  }
  (void)mem.WriteU32(nwritten, static_cast<uint32_t>(total));
  return kWasiSuccess;
}

uint16_t FdRead(State&, GuestMemory& mem, std::span<const uint64_t> a) {
  if (a[0] != 0) return kWasiEbadf;  // 1, 2: not readable; others: no such fd
  if (!mem.WriteU32(U32(a[3]), 0)) return kWasiEfault;  // stdin: end of file
  return kWasiSuccess;
}

uint16_t FdFdstatGet(State&, GuestMemory& mem, std::span<const uint64_t> a) {
  if (!IsStdio(a[0])) return kWasiEbadf;
  auto out = mem.Span(U32(a[1]), 24);
  if (!out) return kWasiEfault;
  constexpr uint8_t kCharacterDevice = 2;
  constexpr uint64_t kRightFdRead = 1 << 1, kRightFdWrite = 1 << 6;
  std::fill(out->begin(), out->end(), 0);
  (void)mem.WriteU8(U32(a[1]), kCharacterDevice);  // filetype; flags (u16 at 2) = 0
  (void)mem.WriteU64(U32(a[1]) + 8, a[0] == 0 ? kRightFdRead : kRightFdWrite);
  return kWasiSuccess;  // rights_inheriting (u64 at 16) = 0
}

uint16_t FdClose(State& s, GuestMemory&, std::span<const uint64_t> a) {
  if (!IsStdio(a[0])) return kWasiEbadf;
  if (a[0] != 0) s.Flush(static_cast<int>(a[0]));
  return kWasiSuccess;
}

uint16_t NotSeekable(State&, GuestMemory&, std::span<const uint64_t> a) {
  return IsStdio(a[0]) ? kWasiEspipe : kWasiEbadf;
}

uint16_t NoPreopens(State&, GuestMemory&, std::span<const uint64_t>) { return kWasiEbadf; }

uint16_t ClockTimeGet(State& s, GuestMemory& mem, std::span<const uint64_t> a) {
  uint32_t id = U32(a[0]);
  if (id > 1) return kWasiEinval;
  if (!mem.InBounds(U32(a[2]), 8)) return kWasiEfault;
  (void)mem.WriteU64(U32(a[2]), s.Now(id));
  return kWasiSuccess;
}

uint16_t ClockResGet(State&, GuestMemory& mem, std::span<const uint64_t> a) {
  if (U32(a[0]) > 1) return kWasiEinval;
  return mem.WriteU64(U32(a[1]), 1) ? kWasiSuccess : kWasiEfault;  // 1 ns
}

uint16_t RandomGet(State& s, GuestMemory& mem, std::span<const uint64_t> a) {
  auto out = mem.Span(U32(a[0]), U32(a[1]));
  if (!out) return kWasiEfault;
  s.Random(*out);
  return kWasiSuccess;
}

uint16_t Success(State&, GuestMemory&, std::span<const uint64_t>) { return kWasiSuccess; }

uint16_t NoSys(State&, GuestMemory&, std::span<const uint64_t>) { return kWasiEnosys; }

ErrnoFn Implementation(std::string_view name) {
  struct Entry {
    std::string_view name;
    ErrnoFn fn;
  };
  static constexpr Entry kImplemented[] = {
      {"args_get", [](State& s, GuestMemory& m, std::span<const uint64_t> a) {
         return Strings(Argv(s), m, a);
       }},
      {"args_sizes_get", [](State& s, GuestMemory& m, std::span<const uint64_t> a) {
         return Sizes(Argv(s), m, a);
       }},
      {"environ_get", [](State& s, GuestMemory& m, std::span<const uint64_t> a) {
         return Strings(s.options.env, m, a);
       }},
      {"environ_sizes_get", [](State& s, GuestMemory& m, std::span<const uint64_t> a) {
         return Sizes(s.options.env, m, a);
       }},
      {"clock_time_get", ClockTimeGet},
      {"clock_res_get", ClockResGet},
      {"random_get", RandomGet},
      {"fd_write", FdWrite},
      {"fd_read", FdRead},
      {"fd_fdstat_get", FdFdstatGet},
      {"fd_close", FdClose},
      {"fd_seek", NotSeekable},
      {"fd_tell", NotSeekable},
      {"fd_prestat_get", NoPreopens},
      {"fd_prestat_dir_name", NoPreopens},
      {"sched_yield", Success},
  };
  for (const Entry& e : kImplemented) {
    if (e.name == name) return e.fn;
  }
  return NoSys;
}

}  // namespace

Wasi::Wasi(WasiOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

Wasi::~Wasi() { Flush(); }

void Wasi::Flush() { state_->FlushAll(); }

std::vector<std::string_view> Wasi::FunctionNames() {
  std::vector<std::string_view> names;
  for (const FunctionSpec& f : kFunctions) names.push_back(f.name);
  return names;
}

std::vector<HostFunction> Wasi::HostFunctions() const {
  std::vector<HostFunction> out;
  out.reserve(std::size(kFunctions));
  for (const FunctionSpec& f : kFunctions) {
    HostFunction h{std::string(kWasiModule), std::string(f.name), MakeSignature(f), {}};
    if (f.name == "proc_exit") {
      h.callback = [state = state_](CallContext&, std::span<const uint64_t> args,
                                    std::span<uint64_t>) {
        state->FlushAll();
        return HostOutcome::Exit(static_cast<int>(static_cast<uint32_t>(args[0])));
      };
    } else {
      h.callback = Returning(state_, Implementation(f.name));
    }
    out.push_back(std::move(h));
  }
  return out;
}

}  // namespace parigot::abi
