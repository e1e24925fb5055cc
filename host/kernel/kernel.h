// The kernel: registry of guests and services, start-up ordering, call
// routing, deadlines and exit.
//
// The kernel knows nothing of engines, the ABI's byte layout, transports or
// the CLI: a guest reaches it through host/abi, which decodes system calls and
// calls the methods below on the guest's behalf. Each guest runs on its own
// fiber; the methods named after system calls are called from that fiber.
// Other processes (network mode) reach it through the Federation methods,
// and it reaches them through the interfaces in federation.h.
//
// Thread safety: every public method may be called from any thread.
#ifndef PARIGOT_HOST_KERNEL_KERNEL_H_
#define PARIGOT_HOST_KERNEL_KERNEL_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "host/kernel/federation.h"
#include "host/kernel/mailbox.h"
#include "host/kernel/restart.h"
#include "host/kernel/startup.h"
#include "host/kernel/types.h"

namespace parigot::kernel {

struct KernelOptions {
  // How long start-up may take: from StartGuests() until every guest runs.
  // Default: 5 s (descriptor key Timeout.Startup).
  std::chrono::milliseconds startup_timeout{5000};
  // Two clocks, kept apart (descriptor key Timeout.Complete; default 50 ms):
  //  * a call's deadline, when its caller names none (and the longest any
  //    caller may name), or the called method's time limit if that is
  //    longer: past it the caller gets CallTimeout, and a call not yet
  //    started is dropped, never run. It never harms the callee;
  //  * the default time limit of a guest (AddGuest's `time_limit`, the
  //    descriptor's TimeLimit, overrides it, and a method's own limit
  //    overrides that; see GuestOptions): a method counted from when the
  //    callee starts running it, or any turn of a guest's code between two
  //    returns to its event loop, that runs past it gets the guest
  //    interrupted and killed, whatever its callers chose.
  std::chrono::milliseconds call_timeout{50};
  // The largest request or response of any call, in bytes (descriptor key
  // MaxMessageSize): a larger request is refused with MessageTooLarge and
  // never delivered; a larger answer fails its call with MessageTooLarge
  // (and its return_value too). Default: 128 MiB.
  size_t max_message_size = size_t{128} << 20;
  // The most bytes the calls in progress (made and not yet answered or
  // failed) may hold, each counting its request or kMinCallCost, whichever
  // is more (descriptor key MaxInFlight). A call past it is refused at once
  // with Overloaded, never queued: a flood of calls, from guests or other
  // processes, cannot take the host's memory. Default: 512 MiB.
  size_t max_in_flight = size_t{512} << 20;
  // The central log. Called from any thread, sometimes with kernel locks
  // held: it must not call back into the kernel. REQUIRES: set.
  LogFn log;
  // The least level `log` writes. Guests learn it when they register, so
  // that they do not send what would not be written. Default: kDebug.
  LogLevel log_level = LogLevel::kDebug;
  // Stops the guest's running code soon (see engine::Instance::Interrupt);
  // the guest then ends as trapped. Called, with kernel locks held, when a
  // method runs past its time limit. Returns false if the guest cannot be
  // interrupted. Default: none (such methods are only reported).
  std::function<bool(GuestId)> interrupt;
  // A hint, given when `guest`'s launch completes: it calls `callee` (the
  // exporter of the first service it requires), so the two run best on one
  // worker thread. Called with kernel locks held. Default: none.
  std::function<void(GuestId guest, GuestId callee)> colocate;
};

// What a call counts against KernelOptions::max_in_flight at least: its
// bookkeeping, whatever the size of its request.
inline constexpr size_t kMinCallCost = 4096;

// A method's time limit grows by this much per MiB of its request (times
// its guest's time scale): decoding a large request, and encoding an answer
// of its size, take time, and no caller may get a service killed by the
// size of what it sends. Measured: an echo of 16 MiB takes about 80 ms on
// aot on a loaded 2-core machine (5 ms per MiB), but 200 to 400 ms (up to
// 25 ms per MiB) on a virtual machine whose page faults are slow, since
// each copy of the request touches fresh guest memory; this is above both.
inline constexpr std::chrono::milliseconds kRequestAllowancePerMiB{40};

// Exit codes the kernel gives the application when no program chose one.
inline constexpr int kExitStartupFailed = 71;
inline constexpr int kExitRestartLimit = 72;  // a guest failed too often

// A time limit the deployment gives one method of a guest (descriptor key
// MethodTimeLimit).
struct MethodLimit {
  // "Put": the method of that name in whichever service the guest exports;
  // or "store.v1.Store.Put": that service's method.
  std::string method;
  std::chrono::milliseconds limit{0};  // REQUIRES: positive
  // Where it was written, for errors ("app.toml:14: config.dev.
  // microservice.store.MethodTimeLimit.Put").
  std::string origin;
};

// How the kernel treats one guest (AddGuest).
struct GuestOptions {
  // How long one of its methods, or any turn of its code, may run before it
  // is killed (descriptor key TimeLimit). Zero: KernelOptions::call_timeout.
  std::chrono::milliseconds time_limit{0};
  // How many times slower than optimized code on the aot engine its code
  // runs (its engine's Engine::time_scale times its build's; descriptor key
  // TimeScale overrides it). Its time limits, and the default deadline of
  // calls to it, are multiplied by it, so that an application behaves the
  // same on every engine and build type. REQUIRES: >= 1.
  int time_scale = 1;
  // Limits of single methods: a method's limit is the entry naming it here,
  // else its own (BindMethod's `declared_limit`, from its .proto option),
  // else `time_limit`. At launch, an entry that names no method the guest bound,
  // or a bare name that several of its services have, or two entries naming
  // one method, fail its start-up and the application's, with the entry's
  // origin in the log. Default: none.
  std::vector<MethodLimit> method_limits;
  // Whether and how it is started again when it ends (descriptor keys
  // Restart, MaxRestarts, RestartWindow, RestartBackoff). Default: never.
  RestartPolicy restart;
};

class Kernel {
 public:
  explicit Kernel(KernelOptions options);
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // Declares a guest before it runs. `origin` says where it was declared
  // ("app.toml:12: config.dev.microservice.greet") for error messages.
  GuestId AddGuest(std::string name, GuestKind kind, std::string origin,
                   GuestOptions options = {});

  // --- System calls, on behalf of `guest` -------------------------------
  // Each returns NoError or the error to hand back to the guest.

  Err Register(GuestId guest, std::string* name);
  Err Export(GuestId guest, const std::vector<ServiceName>& services,
             std::vector<ServiceId>* ids);
  // `declared_limit`: the method's own time limit (its .proto option); zero:
  // none. Binding a bound method again gives the same id.
  Err BindMethod(GuestId guest, ServiceId service, const std::string& method,
                 MethodId* id,
                 std::chrono::milliseconds declared_limit = std::chrono::milliseconds(0));
  Err Require(GuestId guest, const std::vector<ServiceName>& services);
  // Completion arrives later as a LaunchCompleted event.
  Err Launch(GuestId guest);
  Err Locate(GuestId guest, const ServiceName& name, ServiceId* service,
             std::vector<std::pair<std::string, MethodId>>* methods);
  // The call's deadline is the longer of the default call timeout and the
  // method's time limit, or `timeout` if that is shorter (zero: the
  // default): a method allowed to run longer than the default may be waited
  // for that long. The result arrives later as a
  // CallResolved event. A method still running when its deadline passes
  // (the callee has not gone back to read_one since it took the call) gets
  // its guest interrupted and killed; a callee that is merely slow to answer
  // (it went on to other events) only makes the call fail with CallTimeout.
  Err Dispatch(GuestId caller, ServiceId service, MethodId method,
               std::string param, std::chrono::milliseconds timeout,
               CallId* call);
  // A `result` over KernelOptions::max_message_size fails the call with
  // MessageTooLarge instead, and returns MessageTooLarge.
  Err ReturnValue(GuestId callee, CallId call, std::string result,
                  int32_t result_error);
  // The callee cannot answer `call` (`error`: MessageTooLarge when its
  // answer is over the limit; the transport checks before copying it): its
  // caller gets `error`. Returns `error`, or what ReturnValue would when the
  // call has no caller to tell.
  Err FailReturn(GuestId callee, CallId call, Err error);
  // KernelOptions::max_message_size.
  size_t max_message_size() const { return options_.max_message_size; }
  // What a request of `bytes` adds to its method's time limit, and to its
  // caller's default deadline: kRequestAllowancePerMiB per MiB, rounded down
  // to whole milliseconds, times the callee's time `scale`.
  static std::chrono::milliseconds RequestAllowance(size_t bytes, int scale);
  // Blocks up to `timeout` (negative: forever). ReadOneTimeout when nothing
  // arrived.
  Err ReadOne(GuestId guest, std::chrono::milliseconds timeout, Event* event);
  // ReadOne for several events: waits like ReadOne for the first, then takes
  // those already queued, without waiting, and appends them to `*events`.
  // Stops at `max_events`, after an incoming call (the guest takes one call
  // at a time: the method it then runs is the one a deadline can kill), or
  // once the events' payloads reach `max_bytes`.
  Err ReadEvents(GuestId guest, std::chrono::milliseconds timeout, size_t max_events,
                 size_t max_bytes, std::vector<Event>* events);
  // Records a guest's wish to exit; with `all`, the whole application exits
  // with `code`. The caller then unwinds the guest and calls GuestEnded.
  void Exit(GuestId guest, int32_t code, bool all);
  // A message from `guest` (the log system call), with its fields.
  void Log(GuestId guest, LogLevel level, std::string_view text,
           std::span<const LogField> fields = {});
  // KernelOptions::log_level.
  LogLevel log_level() const { return options_.log_level; }

  // --- Lifecycle, from the runtime ------------------------------------

  // Starts the start-up clock; call when every guest has been added and
  // their code starts running (loading and compiling wasm does not count).
  void StartGuests();

  // The guest's code is about to run (its instance's entry point): its
  // first turn begins, timed like every other (a guest that never reaches
  // its event loop is killed). Call from the guest's fiber or thread.
  void InstanceStarting(GuestId guest);

  // The guest's instance finished: it exited with `exit_code`, or trapped
  // (`trap` describes it). The calls it was running, or had taken and not
  // answered, fail with ServiceDied; its own calls are abandoned. Then its
  // restart policy decides:
  //  * true: it is restarted. Call WaitToRestart, then start a new instance
  //    of it. Meanwhile its services keep their ids, calls to them wait for
  //    the new instance (within their deadlines), and so do the calls it had
  //    not taken yet;
  //  * false: it has ended for good. Its services die, and the calls still
  //    waiting for them fail with ServiceDied. When the last Main or Test
  //    program ends, the application ends, with the first non-zero code
  //    among its programs (kExitProgramTrapped for one that trapped), or 0.
  // A guest that fails more often than its policy allows ends the
  // application with kExitRestartLimit.
  bool GuestEnded(GuestId guest, int exit_code, std::optional<std::string> trap);

  // After GuestEnded returned true: blocks (the fiber, or the thread) for
  // the restart's back-off. True: start the new instance now (its system
  // calls begin again with register). False: the application is ending
  // meanwhile, and the guest has ended for good.
  bool WaitToRestart(GuestId guest);

  // Who must end when ExitAll is called.
  enum class ExitScope {
    kApplication,  // every host of the application (the federation is told)
    kProcess,      // this process only: a signal to it, or a peer's request
  };
  // Asks every guest to exit and fixes the application's exit code and why
  // it ends (the first caller wins): `reason` completes "exited with code
  // N (...)", e.g. "interrupted by SIGINT".
  void ExitAll(int code, std::string reason,
               ExitScope scope = ExitScope::kApplication);

  // Blocks until the application's exit code is fixed; returns it.
  int WaitForExit();
  // Non-blocking WaitForExit.
  std::optional<int> exit_code() const;
  // Why the application ends ("Main program hello ended", "start-up
  // failed: ...", "echo called exit_all(7)"); empty until the exit code is
  // fixed.
  std::string exit_reason() const;

  // True once the guest has ended for good (GuestEnded, without restart).
  bool HasEnded(GuestId guest) const;

  // The guest's name, for reports ("greet").
  std::string GuestName(GuestId guest) const;

  // --- Other processes (network mode; see federation.h) ------------------

  // Tells `federation` about this process's services and exit from now on.
  // REQUIRES: called before StartGuests; `federation` stays valid until
  // SetFederation(nullptr) (which the transport calls before it goes).
  void SetFederation(Federation* federation);

  // `endpoint` serves `service` with `methods`: guests here may require,
  // locate and call it, and a guest waiting to launch for it is released.
  // Another endpoint for the same service adds a replica: calls are spread
  // round-robin over the reachable ones, unless a guest here exports the
  // service too (the local one then serves every call). Adding an endpoint
  // again only merges new method names. `time_limits`, when given, are the
  // methods' time limits there, in the order of `methods`: a call from here
  // waits up to the longer of one and the default call timeout (unless a
  // guest here exports the service: its own limits count).
  // REQUIRES: every call sent to `endpoint` is answered or cancelled before
  // the kernel is destroyed.
  void AddRemoteService(const ServiceName& service,
                        const std::vector<std::string>& methods,
                        std::shared_ptr<RemoteEndpoint> endpoint,
                        const std::vector<std::chrono::milliseconds>& time_limits = {});

  // A call from another process to `method` of `service`, which a guest here
  // must export (calls are never forwarded to a third process). Its deadline
  // is `deadline`, or the longer of the default call timeout and the
  // method's time limit from now, whichever is sooner.
  // Returns NotFound (no such service here, or no such method),
  // ServiceDied, CallTimeout (the deadline has passed: the call is never
  // started), or NoError; on NoError `reply` is called exactly once,
  // from any thread, unless CancelRemoteCall(*call) returns true first.
  Err CallFromRemote(const ServiceName& service, const std::string& method,
                     std::string param,
                     std::chrono::steady_clock::time_point deadline,
                     ReplyFn reply, CallId* call);

  // The remote caller of `call` gave up. True if the call is still pending:
  // its reply function is then dropped uncalled; a call still waiting in the
  // callee's queue is never run, and one being run goes on under its
  // method's time limit, its answer refused with CallerUnavailable. False if
  // the call is unknown (already answered or failed).
  bool CancelRemoteCall(CallId call);

  // A service this process serves to others.
  struct ServedService {
    ServiceName name;
    std::vector<std::string> methods;
    // Each method's time limit, in the order of `methods`.
    std::vector<std::chrono::milliseconds> time_limits;
  };
  // The services exported here whose exporter runs (its launch completed)
  // and has not ended, in name order.
  std::vector<ServedService> ServingServices() const;

 private:
  struct Guest;
  struct Service;
  struct PendingCall;
  class Deferred;
  using Clock = std::chrono::steady_clock;

  // One of the kernel's own reports (it has no fields) into the log.
  void Report(std::string_view source, LogLevel level, std::string_view text) const {
    options_.log(source, level, text, {});
  }
  Guest* FindGuestLocked(GuestId id) const;
  // The service named `name`, registered (with a new id) if unknown.
  Service* FindOrAddServiceLocked(const ServiceName& name);
  template <typename IdType>
  IdType NewIdLocked();
  std::vector<StartupNode> StartupGraphLocked() const;
  void ReleaseLaunchedLocked();
  bool RequirementsRunLocked(const Guest& guest) const;
  void ReleaseLocked(Guest& guest);
  // The problems of `guest`'s MethodTimeLimit entries, once it has bound its
  // methods (GuestOptions::method_limits), joined by "; "; empty if none.
  std::string MethodLimitProblemsLocked(const Guest& guest) const;
  bool ClosesCycleLocked(const Guest* start) const;
  void CheckCyclesLocked();
  void FailStartupLocked(Guest* guest, Err error, const std::string& detail);
  void ExitAllLocked(int code, std::string reason,
                     ExitScope scope = ExitScope::kApplication);
  void Watchdog();
  void ExpireLocked(Clock::time_point now, Deferred& after);
  void KillLocked(const PendingCall& call);
  void KillGuestLocked(Guest* guest, const std::string& what);
  // The guest has ended for good: its services die and the calls waiting
  // for it fail; a program's end may end the application with `code`.
  // `how` it ended ("exited with code 3", "trapped", "ended") is part of
  // the application's exit reason if it is the program that decides it.
  void EndForGoodLocked(Guest* guest, int code, const std::string& how,
                        Deferred& after);
  // A turn of `guest`'s code begins now (see Watchdog for the ordering).
  void BeginTurn(Guest* guest);
  // How long `guest`'s current turn may run.
  std::chrono::milliseconds TurnLimit(const Guest& guest) const;
  // "100 ms", or "25000 ms: 100 ms x250" for a `limit` scaled by `scale`.
  static std::string LimitText(std::chrono::milliseconds limit, int scale);
  // Why a guest still in its start-up code is killed.
  std::string StartupOverrun() const;
  // Hands `call` to `callee`: into its mailbox, or held until its new
  // instance runs if it is restarting.
  void DeliverLocked(Guest* callee, IncomingCall call);
  // Answers `call`'s caller, unless it is gone, with `error` (a failure
  // the kernel saw: ServiceDied, CallTimeout, ...).
  void FailCallLocked(CallId id, PendingCall& call, Err error, Deferred& after);
  // Whether a call whose request is `request_bytes` long may be made:
  // MessageTooLarge (over max_message_size), Overloaded (the in-flight
  // budget cannot take it), or NoError.
  Err AdmitLocked(size_t request_bytes) const;
  // The longest a caller may wait for a method whose (scaled) limit is
  // `method_limit`, of a callee whose time scale is `scale`, before its
  // request's allowance: the method may run that long.
  std::chrono::milliseconds LongestWait(std::chrono::milliseconds method_limit,
                                        int scale) const;
  // Adds `call` to calls_ under `id`, with its share of the in-flight
  // budget. REQUIRES: AdmitLocked(request_bytes) is NoError.
  void AddCallLocked(CallId id, PendingCall call, size_t request_bytes);
  // Answers `call` for its callee: with `result` and `result_error`, or
  // with `kernel_error` (ReturnValue, FailReturn).
  Err Resolve(GuestId callee, CallId call, std::string result, int32_t result_error,
              Err kernel_error);
  // When `guest`'s current turn began, if it is in one and still alive.
  std::optional<Clock::time_point> TurnBeganLocked(const Guest& guest) const;
  // The callee here is running `call`'s method right now.
  bool RunningLocked(CallId id, const PendingCall& call) const;
  void DispatchRemoteLocked(Guest* caller, Service* service, MethodId method,
                            std::string param, Clock::time_point deadline, CallId call,
                            Deferred& after);
  void RemoteReplied(CallId call, RemoteReply reply);
  // Sends `call` to `remote` once the kernel's lock is released.
  void SendRemoteLater(CallId call, std::shared_ptr<RemoteEndpoint> remote,
                       const Service& service, MethodId method, std::string param,
                       Clock::time_point deadline, Deferred& after);
  // A call that could not reach its replica (`reply`) goes to another one,
  // when it may: true if it was sent again.
  bool ResendLocked(CallId call_id, PendingCall& call, const RemoteReply& reply,
                    Deferred& after);
  std::string MethodNameLocked(const Service& service, MethodId method) const;

  const KernelOptions options_;

  mutable std::mutex mu_;
  std::condition_variable exit_cv_;
  std::condition_variable watchdog_cv_;
  std::mt19937_64 random_;                            // guarded by mu_
  std::vector<std::unique_ptr<Guest>> guests_;        // guarded by mu_
  // Launched guests waiting for their requirements (some may have moved on:
  // ReleaseLaunchedLocked drops those).
  std::vector<Guest*> waiting_;                       // guarded by mu_
  std::unordered_map<GuestId, Guest*> guests_by_id_;  // guarded by mu_
  std::map<ServiceName, std::unique_ptr<Service>> services_by_name_;
  std::unordered_map<ServiceId, Service*> services_;  // guarded by mu_
  // The bytes calls_ holds against options_.max_in_flight (each
  // PendingCall's InFlightShare). Declared before calls_, which gives its
  // shares back as it goes.
  size_t in_flight_ = 0;                              // guarded by mu_
  std::unordered_map<CallId, PendingCall> calls_;     // guarded by mu_
  Federation* federation_ = nullptr;                  // guarded by mu_
  std::optional<Clock::time_point> startup_began_;    // guarded by mu_
  bool startup_done_ = false;                         // guarded by mu_
  std::optional<int> exit_code_;                      // guarded by mu_
  std::string exit_reason_;                           // guarded by mu_
  int programs_running_ = 0;                          // guarded by mu_
  int programs_ = 0;                                  // guarded by mu_
  std::optional<int> programs_failed_code_;           // guarded by mu_
  // How the program that gave programs_failed_code_ ended, for the reason.
  std::string programs_failed_reason_;                // guarded by mu_
  bool stopping_ = false;                             // guarded by mu_
  // When the watchdog will next wake by itself.
  // When the watchdog wakes next (steady_clock ticks); 0 while it scans the
  // guests' turns. Written under mu_; read under mu_, and without it by a
  // guest beginning a turn (ReadEvents), which wakes the watchdog if its
  // turn ends sooner (see Watchdog for the ordering).
  std::atomic<Clock::rep> watchdog_wake_{Clock::time_point::max().time_since_epoch().count()};
  Clock::time_point WatchdogWake() const {
    return Clock::time_point(Clock::duration(watchdog_wake_.load()));
  }
  std::thread watchdog_;
};

// The application's exit code when a Main or Test program traps.
inline constexpr int kExitProgramTrapped = 70;

}  // namespace parigot::kernel

#endif  // PARIGOT_HOST_KERNEL_KERNEL_H_
