// parigot's wasm-rt runtime. See rt.h and wasm-rt.h.
#include "host/engine/aot/runtime/rt.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

#include "host/engine/aot/runtime/wasm-rt.h"
#include "host/engine/limits.h"

extern "C" __thread uintptr_t parigot_rt_stack_limit
    __attribute__((tls_model("initial-exec"))) = 0;

namespace parigot::engine::aot {
namespace {

constexpr uint64_t kPageSize = 65536;
constexpr size_t kSignalStackSize = 64 * 1024;
// Stack left for host callbacks (the kernel, logging) below the deepest
// guest frame.
constexpr uintptr_t kHostStackReserve = 256 * 1024;

// On a fiber's own stack (not the thread's), guest code may use this much.
constexpr uintptr_t kFiberGuestStack = 512 * 1024;

thread_local RtThreadState t_state;

// Thread-level (not per fiber): the signal stack and the thread's stack.
struct ThreadInfo {
  bool ready = false;
  uintptr_t stack_low = 0;
  uintptr_t stack_high = 0;
};
thread_local ThreadInfo t_info;

int InterruptSignal() { return SIGRTMIN + 5; }

// True if `addr` lies in the memory reservation of `owner`. Called by the
// fault handler: reads one field, no lock, no table of instances.
bool InReservation(const RtInstance* owner, uintptr_t addr) {
  uintptr_t base = owner != nullptr ? owner->memory_base : 0;
  return base != 0 && addr >= base && addr - base < kMemoryReservation;
}

struct sigaction g_old_segv;
struct sigaction g_old_bus;
std::atomic<bool> g_initialized{false};

void PassOn(int sig, siginfo_t* info, void* ucontext) {
  const struct sigaction& old = sig == SIGBUS ? g_old_bus : g_old_segv;
  if ((old.sa_flags & SA_SIGINFO) && old.sa_sigaction != nullptr) {
    old.sa_sigaction(sig, info, ucontext);
    return;
  }
  if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
    old.sa_handler(sig);
    return;
  }
  // Default action: reinstall it and return; the faulting instruction runs
  // again and the process dies of the signal, with a core as usual.
  signal(sig, SIG_DFL);
}

void FaultHandler(int sig, siginfo_t* info, void* ucontext) {
  RtThreadState& state = t_state;
  if (state.in_guest && state.unwind != nullptr &&
      InReservation(state.owner, reinterpret_cast<uintptr_t>(info->si_addr))) {
    state.in_guest = false;
    siglongjmp(*state.unwind, WASM_RT_TRAP_OOB);
  }
  PassOn(sig, info, ucontext);
}

void InterruptHandler(int, siginfo_t* info, void*) {
  RtThreadState& state = t_state;
  if (state.in_guest && state.unwind != nullptr && state.owner != nullptr &&
      state.owner == info->si_value.sival_ptr) {
    state.in_guest = false;
    siglongjmp(*state.unwind, kUnwindInterrupted);
  }
}

// Frees this thread's signal stack when the thread ends.
struct SignalStack {
  void* memory = nullptr;
  ~SignalStack() {
    if (memory == nullptr) return;
    stack_t disable{};
    disable.ss_flags = SS_DISABLE;
    sigaltstack(&disable, nullptr);
    munmap(memory, kSignalStackSize);
  }
};
thread_local SignalStack t_signal_stack;

void PrepareThread() {
  stack_t current;
  if (sigaltstack(nullptr, &current) == 0 && (current.ss_flags & SS_DISABLE)) {
    void* mem = mmap(nullptr, kSignalStackSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem != MAP_FAILED) {
      stack_t ss{};
      ss.ss_sp = mem;
      ss.ss_size = kSignalStackSize;
      if (sigaltstack(&ss, nullptr) == 0) {
        t_signal_stack.memory = mem;
      } else {
        munmap(mem, kSignalStackSize);
      }
    }
  }
  if (gettid() == getpid()) {
    // The main thread: pthread_getattr_np would read /proc/self/maps (~1 ms
    // and more in a big process). Its stack grows on demand up to
    // RLIMIT_STACK below its top; assume half of that is left below here.
    uintptr_t sp = reinterpret_cast<uintptr_t>(&current);
    struct rlimit rl;
    uintptr_t size = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < size) {
      size = rl.rlim_cur;
    }
    t_info.stack_low = sp - size / 2;
    t_info.stack_high = sp + (1u << 20);
    t_info.ready = true;
    return;
  }
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* low = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &low, &size) == 0 && low != nullptr) {
      t_info.stack_low = reinterpret_cast<uintptr_t>(low);
      t_info.stack_high = t_info.stack_low + size;
    }
    pthread_attr_destroy(&attr);
  }
  t_info.ready = true;
}

// The stack limit for guest code entered with the stack pointer at `sp`.
uintptr_t StackLimitAt(uintptr_t sp) {
  if (sp >= t_info.stack_low && sp < t_info.stack_high) {
    uintptr_t size = t_info.stack_high - t_info.stack_low;
    return t_info.stack_low + (size / 4 < kHostStackReserve ? size / 4 : kHostStackReserve);
  }
  return sp > kFiberGuestStack ? sp - kFiberGuestStack : 0;
}

std::mutex g_types_mu;
std::unordered_map<std::string, uint32_t>* g_types = nullptr;

}  // namespace

RtThreadState& CurrentRtState() { return t_state; }

void InitRuntime() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_sigaction = FaultHandler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &sa, &g_old_segv);
    sigaction(SIGBUS, &sa, &g_old_bus);
    struct sigaction interrupt {};
    interrupt.sa_sigaction = InterruptHandler;
    sigemptyset(&interrupt.sa_mask);
    interrupt.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER | SA_RESTART;
    sigaction(InterruptSignal(), &interrupt, nullptr);
    g_initialized.store(true);
  });
}

int RunGuest(void (*fn)(void*), void* arg, RtInstance* owner) {
  if (!t_info.ready) PrepareThread();
  RtThreadState& state = t_state;
  sigjmp_buf buf;
  sigjmp_buf* const outer = state.unwind;
  const bool outer_in_guest = state.in_guest;
  RtInstance* const outer_owner = state.owner;
  const uintptr_t outer_limit = parigot_rt_stack_limit;
  if (outer == nullptr) {
    parigot_rt_stack_limit = StackLimitAt(reinterpret_cast<uintptr_t>(&buf));
  }
  state.unwind = &buf;
  state.owner = owner;
  int code = sigsetjmp(buf, 0);
  if (code == 0) {
    state.in_guest = true;
    fn(arg);
  }
  state.in_guest = outer_in_guest;
  state.unwind = outer;
  state.owner = outer_owner;
  parigot_rt_stack_limit = outer_limit;
  return code;
}

bool InterruptGuest(pthread_t thread, const RtInstance* owner) {
  union sigval value;
  value.sival_ptr = const_cast<RtInstance*>(owner);
  return pthread_sigqueue(thread, InterruptSignal(), value) == 0;
}

void SaveFiberState(void** slot) {
  auto* saved = static_cast<RtThreadState*>(*slot);
  if (saved == nullptr) *slot = saved = new RtThreadState;
  *saved = t_state;
  saved->stack_limit = parigot_rt_stack_limit;
  t_state = RtThreadState{};
  parigot_rt_stack_limit = 0;
}

void RestoreFiberState(void** slot) {
  auto* saved = static_cast<RtThreadState*>(*slot);
  t_state = saved != nullptr ? *saved : RtThreadState{};
  parigot_rt_stack_limit = t_state.stack_limit;
}

void ReleaseFiberState(void* slot) { delete static_cast<RtThreadState*>(slot); }

void Unwind(int code) {
  RtThreadState& state = t_state;
  if (state.unwind == nullptr) {
    std::fprintf(stderr, "parigot: wasm trap %d outside guest code\n", code);
    std::abort();
  }
  state.in_guest = false;
  siglongjmp(*state.unwind, code);
}

}  // namespace parigot::engine::aot

using parigot::engine::aot::kMemoryReservation;

namespace {
// Records why a memory could not be allocated, for Instantiate's error, and
// unwinds the instantiation.
[[noreturn]] void FailAllocation(parigot::engine::aot::RtInstance* owner, int error) {
  if (owner != nullptr) owner->memory_error = error;
  parigot::engine::aot::Unwind(WASM_RT_TRAP_OOB);
}
}  // namespace

extern "C" {

void wasm_rt_init(void) { parigot::engine::aot::InitRuntime(); }
bool wasm_rt_is_initialized(void) { return parigot::engine::aot::g_initialized.load(); }
void wasm_rt_free(void) {}

void wasm_rt_trap(wasm_rt_trap_t trap) {
  parigot::engine::aot::Unwind(trap == WASM_RT_TRAP_NONE ? WASM_RT_TRAP_UNREACHABLE : trap);
}

const char* wasm_rt_strerror(wasm_rt_trap_t trap) {
  switch (trap) {
    case WASM_RT_TRAP_NONE: return "no error";
    case WASM_RT_TRAP_OOB: return "out of bounds memory access";
    case WASM_RT_TRAP_INT_OVERFLOW: return "integer overflow";
    case WASM_RT_TRAP_DIV_BY_ZERO: return "integer divide by zero";
    case WASM_RT_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case WASM_RT_TRAP_UNREACHABLE: return "unreachable executed";
    case WASM_RT_TRAP_CALL_INDIRECT: return "indirect call signature mismatch";
    case WASM_RT_TRAP_UNCAUGHT_EXCEPTION: return "uncaught exception";
    case WASM_RT_TRAP_EXHAUSTION: return "call stack exhausted";
    case WASM_RT_TRAP_UNDEFINED_ELEMENT: return "uninitialized table element";
  }
  return "unknown trap";
}

uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  std::string key;
  va_list ap;
  va_start(ap, results);
  for (uint32_t i = 0; i < params + results; ++i) {
    if (i == params) key += ':';
    key += static_cast<char>('a' + va_arg(ap, int));
  }
  va_end(ap);
  std::lock_guard lock(parigot::engine::aot::g_types_mu);
  auto*& types = parigot::engine::aot::g_types;
  if (types == nullptr) types = new std::unordered_map<std::string, uint32_t>();
  auto [it, added] = types->emplace(key, static_cast<uint32_t>(types->size() + 1));
  return it->second;
}

// Called by the generated instantiate, inside the RunGuest of the instance
// being created (its owner); the memory limit lowers the module's maximum.
void wasm_rt_allocate_memory(wasm_rt_memory_t* memory, uint32_t initial_pages,
                             uint32_t max_pages) {
  parigot::engine::aot::RtInstance* owner = parigot::engine::aot::CurrentRtState().owner;
  memory->data = nullptr;
  memory->pages = 0;
  memory->size = 0;
  if (owner != nullptr && max_pages > owner->memory_limit_pages) {
    max_pages = static_cast<uint32_t>(owner->memory_limit_pages);
  }
  memory->max_pages = max_pages;
  // Instantiate refuses a minimum above the limit before it gets here.
  if (initial_pages > max_pages) FailAllocation(owner, ENOMEM);
  void* base = mmap(nullptr, kMemoryReservation, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) FailAllocation(owner, errno);
  uint64_t bytes = static_cast<uint64_t>(initial_pages) * 65536;
  if (bytes > 0 && mprotect(base, bytes, PROT_READ | PROT_WRITE) != 0) {
    int error = errno;
    munmap(base, kMemoryReservation);
    FailAllocation(owner, error);
  }
  if (owner != nullptr) owner->memory_base = reinterpret_cast<uintptr_t>(base);
  memory->data = static_cast<uint8_t*>(base);
  memory->pages = initial_pages;
  memory->size = static_cast<uint32_t>(bytes);
}

uint32_t wasm_rt_grow_memory(wasm_rt_memory_t* memory, uint32_t delta) {
  uint32_t old_pages = memory->pages;
  uint64_t new_pages = static_cast<uint64_t>(old_pages) + delta;
  if (delta == 0) return old_pages;
  // max_pages is already lowered to the instance's memory limit.
  if (new_pages > memory->max_pages || new_pages > 65536) return UINT32_MAX;
  uint64_t old_bytes = static_cast<uint64_t>(old_pages) * parigot::engine::aot::kPageSize;
  uint64_t new_bytes = new_pages * parigot::engine::aot::kPageSize;
  if (mprotect(memory->data + old_bytes, new_bytes - old_bytes, PROT_READ | PROT_WRITE) != 0) {
    return UINT32_MAX;
  }
  memory->pages = static_cast<uint32_t>(new_pages);
  // 65536 pages is 4 GiB, which does not fit `size`; wasm2c 1.0.32 has the
  // same limit (u32 size), so clamp: accesses are bounded by the MMU anyway.
  memory->size = new_bytes > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(new_bytes);
  return old_pages;
}

void wasm_rt_free_memory(wasm_rt_memory_t* memory) {
  if (memory->data == nullptr) return;
  munmap(memory->data, kMemoryReservation);
  memory->data = nullptr;
  memory->size = 0;
  memory->pages = 0;
}

void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t* table, uint32_t elements,
                                    uint32_t max_elements) {
  table->size = elements;
  table->max_size = max_elements;
  table->data = static_cast<wasm_rt_funcref_t*>(
      std::calloc(elements == 0 ? 1 : elements, sizeof(wasm_rt_funcref_t)));
  if (table->data == nullptr) wasm_rt_trap(WASM_RT_TRAP_OOB);
}

void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t* table) {
  std::free(table->data);
  table->data = nullptr;
  table->size = 0;
}

void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t* table, uint32_t elements,
                                      uint32_t max_elements) {
  table->size = elements;
  table->max_size = max_elements;
  table->data = static_cast<wasm_rt_externref_t*>(
      std::calloc(elements == 0 ? 1 : elements, sizeof(wasm_rt_externref_t)));
  if (table->data == nullptr) wasm_rt_trap(WASM_RT_TRAP_OOB);
}

void wasm_rt_free_externref_table(wasm_rt_externref_table_t* table) {
  std::free(table->data);
  table->data = nullptr;
  table->size = 0;
}

}  // extern "C"

namespace {
template <typename Table, typename Elem>
uint32_t GrowTable(Table* table, uint32_t delta, Elem init) {
  uint32_t old = table->size;
  uint64_t grown = static_cast<uint64_t>(old) + delta;
  if (delta == 0) return old;
  if (grown > table->max_size || grown > parigot::engine::kMaxTableElements) return UINT32_MAX;
  void* data = std::realloc(table->data, grown * sizeof(Elem));
  if (data == nullptr) return UINT32_MAX;
  table->data = static_cast<Elem*>(data);
  for (uint64_t i = old; i < grown; ++i) table->data[i] = init;
  table->size = static_cast<uint32_t>(grown);
  return old;
}
}  // namespace

extern "C" {

uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t* table, uint32_t delta,
                                    wasm_rt_funcref_t init) {
  return GrowTable(table, delta, init);
}

uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t* table, uint32_t delta,
                                      wasm_rt_externref_t init) {
  return GrowTable(table, delta, init);
}

}  // extern "C"
