// The host side of parigot's wasm-rt runtime (see wasm-rt.h for the guest
// side): entering guest code with a per-thread unwind target, unwinding out
// of it, and the fault handler.
//
// Threads: every function here acts on the calling thread's own state
// (RtThreadState), so guests on different threads never interfere. Entering
// the guest costs no system call (sigsetjmp(buf, 0); the handler is
// SA_NODEFER so leaving it by siglongjmp needs no mask restore).
//
// Faults: SIGSEGV/SIGBUS become an out-of-bounds trap only when the faulting
// thread is running guest code (not a host callback) and the address lies in
// the memory reservation of the instance it is running; otherwise the previous handler runs (by default
// the process dies), so a host bug still crashes loudly.
#ifndef PARIGOT_HOST_ENGINE_AOT_RUNTIME_RT_H_
#define PARIGOT_HOST_ENGINE_AOT_RUNTIME_RT_H_

#include <pthread.h>

#include <csetjmp>
#include <cstdint>

namespace parigot::engine::aot {

// What RunGuest returns besides kRunReturned: a wasm_rt_trap_t value (1..99),
// or one of these, passed to Unwind by the host.
inline constexpr int kRunReturned = 0;
inline constexpr int kUnwindHostTrap = 100;
inline constexpr int kUnwindExit = 101;
inline constexpr int kUnwindInterrupted = 102;

// One instance as the runtime sees it. Owned by the engine's instance and
// given to every RunGuest that runs its code; the runtime keeps no table of
// instances (so their number is limited only by address space: each memory
// reserves kMemoryReservation).
struct RtInstance {
  // The most pages its memory may have (the instance's memory limit):
  // wasm_rt_allocate_memory lowers the module's maximum to it, so
  // memory.grow past it returns -1. Set before instantiating.
  uint64_t memory_limit_pages = 65536;
  // Its memory's reservation, set by wasm_rt_allocate_memory (0: none yet).
  // A fault in its guest code is a trap only at an address inside it.
  uintptr_t memory_base = 0;
  // Set when wasm_rt_allocate_memory could not reserve or commit the memory
  // (the errno), before it traps: Instantiate reports it.
  int memory_error = 0;
};

// The state of the guest running on this thread: per thread, or per fiber
// when a fiber scheduler swaps it with the hooks below.
struct RtThreadState {
  sigjmp_buf* unwind = nullptr;   // innermost RunGuest
  bool in_guest = false;          // guest code (not a host callback) is running
  RtInstance* owner = nullptr;    // the instance given to the innermost RunGuest
  uintptr_t stack_limit = 0;      // parigot_rt_stack_limit while switched out
};

RtThreadState& CurrentRtState();

// Fiber support (kernel::FiberStateHook): `slot` holds one fiber's
// RtThreadState while it is switched out. Save runs just after a fiber is
// switched out, Restore just before one is switched in, Release when a fiber
// has ended. No system calls.
void SaveFiberState(void** slot);
void RestoreFiberState(void** slot);
void ReleaseFiberState(void* slot);

// Installs the fault handlers (once per process; idempotent, thread-safe).
void InitRuntime();

// Runs fn(arg) as guest code of instance `owner` (not null; it must outlive
// the call) with a fresh unwind
// target. Returns kRunReturned, a wasm_rt_trap_t value, or the code given to
// Unwind (or kUnwindInterrupted). Nests (a host callback may run another
// instance). The outermost RunGuest on a thread or fiber sets the stack limit
// for guest code: the thread's stack bottom plus room for host callbacks, or,
// on a stack that is not the thread's own (a fiber), 512 KiB below the entry.
int RunGuest(void (*fn)(void*), void* arg, RtInstance* owner);

// Asks `thread` to unwind the guest code of `owner` if that is what it is
// running at the moment the signal arrives (else nothing happens). The signal
// is a real-time one (SIGRTMIN + 5), sent with pthread_sigqueue. Returns
// false if it could not be sent.
bool InterruptGuest(pthread_t thread, const RtInstance* owner);

// Leaves the innermost RunGuest on this thread with `code` (> 0). Must not be
// called with live C++ objects that need destructors between here and there.
[[noreturn]] void Unwind(int code);

// Host callbacks run outside guest code: faults there are host bugs.
class HostScope {
 public:
  HostScope() : state_(CurrentRtState()), was_(state_.in_guest) { state_.in_guest = false; }
  ~HostScope() { state_.in_guest = was_; }
  HostScope(const HostScope&) = delete;
  HostScope& operator=(const HostScope&) = delete;

 private:
  RtThreadState& state_;
  bool was_;
};

// Size of each linear memory's address-space reservation: wasm32's 4 GiB
// plus room for any offset, so that accesses need no bounds check (the MMU
// faults on the PROT_NONE part).
inline constexpr uint64_t kMemoryReservation = 8ull << 30;

}  // namespace parigot::engine::aot

#endif  // PARIGOT_HOST_ENGINE_AOT_RUNTIME_RT_H_
