// The engine interface: how the host runs a WebAssembly guest.
//
// Three steps, as in wabt's own API (STYLE #8):
//
//   Engine::Load(wasm bytes)            -> Module   (decoded + validated code)
//   Module::Instantiate(imports, data, options)
//                                       -> Instance (memory, tables, globals)
//   Instance::Call(export, args)        -> RunOutcome (returned/exited/trapped)
//
// Nothing here is specific to one engine: the wabt interpreter (interp/) and
// the wasm2c AOT engine (aot/) both sit behind it, and a guest behaves the same
// on either (every guest test runs on both).
//
// Values cross the interface as raw 64-bit slots: an i32 in the low 32 bits
// (upper bits zero on the way out, ignored on the way in), an i64 as is, an f32
// as its IEEE bits in the low 32 bits, an f64 as its IEEE bits.
//
// Ownership: Load copies what it needs from the bytes; an Engine may be
// destroyed before its Modules, a Module before its Instances.
//
// Threads: an Engine and a Module are immutable after creation; Load and
// Instantiate may be called from any thread at once. An Instance is used by
// ONE thread at a time (no internal locking); different instances, of the same
// module or not, may run on different threads at once. Host callbacks run on
// the thread that called Instance::Call.
#ifndef PARIGOT_HOST_ENGINE_ENGINE_H_
#define PARIGOT_HOST_ENGINE_ENGINE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::engine {

enum class ValueType : uint8_t { kI32, kI64, kF32, kF64 };

// "i32", "i64", "f32", "f64".
std::string_view ValueTypeName(ValueType type);

// A function type. Equality is exact (order and types).
struct Signature {
  std::vector<ValueType> params;
  std::vector<ValueType> results;

  bool operator==(const Signature&) const = default;
  // "(i32, i32) -> (i32)"; "() -> ()" for the empty signature.
  std::string ToString() const;
};

// What a host function tells the engine to do next. Cheap to return: Ok()
// allocates nothing.
class HostOutcome {
 public:
  enum class Kind : uint8_t { kOk, kTrap, kExit };

  // Carry on: the results span has been filled in.
  static HostOutcome Ok() { return HostOutcome(Kind::kOk, 0, {}); }
  // Stop the guest with a trap (RunOutcome::kTrapped, TrapKind::kHostError)
  // carrying `message`.
  static HostOutcome Trap(std::string message) {
    return HostOutcome(Kind::kTrap, 0, std::move(message));
  }
  // Unwind the guest (WASI proc_exit, parigot exit): the pending
  // Instance::Call returns RunOutcome::kExited with `code`.
  static HostOutcome Exit(int code) { return HostOutcome(Kind::kExit, code, {}); }

  Kind kind() const { return kind_; }
  bool ok() const { return kind_ == Kind::kOk; }
  int exit_code() const { return exit_code_; }
  const std::string& message() const { return message_; }

 private:
  HostOutcome(Kind kind, int code, std::string message)
      : kind_(kind), exit_code_(code), message_(std::move(message)) {}
  Kind kind_;
  int exit_code_;
  std::string message_;
};

// What a host function sees of the guest that called it. Valid only during
// the callback; do not keep it.
class CallContext {
 public:
  virtual ~CallContext() = default;
  // The calling instance's linear memory (its export named "memory"), or an
  // empty span if it has none. memory.grow may move it, so fetch it per call
  // and do not keep the span past the callback. Guest pointers must be
  // bounds-checked (abi::GuestMemory) before use.
  virtual std::span<uint8_t> Memory() = 0;
  // The user_data passed to Module::Instantiate (not owned).
  virtual void* user_data() const = 0;
  // The guest's name as given to Engine::Load, for messages.
  virtual std::string_view debug_name() const = 0;
};

// A host function. `args` has one slot per signature param and `results` one
// per result (zeroed on entry); the callback fills results and returns
// HostOutcome::Ok(), or stops the guest with Trap/Exit. A C++ exception that
// escapes a callback is turned into a kHostError trap (it never unwinds
// through the engine). Runs on the calling thread; may be invoked
// concurrently from different instances, so shared state needs locking.
using HostCallback = std::function<HostOutcome(
    CallContext& ctx, std::span<const uint64_t> args, std::span<uint64_t> results)>;

struct HostFunction {
  std::string module;  // import module, e.g. "wasi_snapshot_preview1"
  std::string name;    // import name, e.g. "fd_write"
  Signature signature;
  HostCallback callback;
};

enum class ExternKind : uint8_t { kFunction, kTable, kMemory, kGlobal, kTag };

// One import or export of a module. `signature` is set for functions only.
struct ImportInfo {
  std::string module;
  std::string name;
  ExternKind kind;
  Signature signature;
};
struct ExportInfo {
  std::string name;
  ExternKind kind;
  Signature signature;
};

enum class TrapKind : uint8_t {
  kUnreachable,           // `unreachable` executed (also: abort() in libc)
  kOutOfBounds,           // memory or table access out of bounds
  kDivideByZero,          // integer divide or remainder by zero
  kIntegerOverflow,       // INT_MIN / -1, or float->int out of range
  kStackExhausted,        // call depth or value stack exhausted
  kIndirectCallMismatch,  // call_indirect with the wrong function type
  kUndefinedElement,      // call_indirect to a null or missing table element
  kHostError,             // a host function returned HostOutcome::Trap
  kInterrupted,           // stopped by Instance::Interrupt (a deadline)
  kOther,
};

// "unreachable", "out_of_bounds", ...
std::string_view TrapKindName(TrapKind kind);

// How one Instance::Call ended.
struct RunOutcome {
  enum class Kind : uint8_t { kReturned, kExited, kTrapped };
  Kind kind = Kind::kReturned;
  int exit_code = 0;                     // kExited only
  TrapKind trap_kind = TrapKind::kOther;  // kTrapped only
  // kTrapped only: "<debug_name>: <engine message>", e.g.
  // "hello.wasm: integer divide by zero".
  std::string trap_message;
  std::vector<uint64_t> results;  // kReturned only; one slot per result

  bool returned() const { return kind == Kind::kReturned; }
  bool exited() const { return kind == Kind::kExited; }
  bool trapped() const { return kind == Kind::kTrapped; }
  // "returned", "exited with code 3", "trapped (divide_by_zero): ..."
  std::string ToString() const;
};

// The checks every engine's Instance::Call makes before running anything:
// NotFound if `signature` is null (no such function export), InvalidArgument
// if `arg_count` is not its parameter count, FailedPrecondition if the
// instance is `running` already (a host callback re-entering it).
Status CheckCall(std::string_view instance_name, std::string_view export_name,
                 const Signature* signature, size_t arg_count, bool running);

// Finds the host function a module's import `module`.`name` with signature
// `want` binds to, as every engine's Instantiate does. Errors, naming
// `module_name` (the guest): NotFound if `hosts` lacks it, InvalidArgument
// if its signature differs or it has no callback.
Result<const HostFunction*> ResolveImport(std::string_view module_name,
                                          std::span<const HostFunction> hosts,
                                          std::string_view module, std::string_view name,
                                          const Signature& want);

// A running guest: its memory, tables and globals. Destroying it frees them.
// Not thread-safe: one thread at a time (see the file comment).
class Instance {
 public:
  virtual ~Instance() = default;
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // Calls the exported function `export_name` with one slot per parameter.
  // Errors (nothing ran): NotFound if there is no such function export,
  // InvalidArgument if args.size() differs from its parameter count. A guest
  // that traps or exits is not an error: see RunOutcome. After a trap or an
  // exit the guest's state is whatever it was when it stopped; callers
  // normally discard the instance. Calling it from inside one of this
  // instance's own host callbacks is refused (FailedPrecondition).
  virtual Result<RunOutcome> Call(std::string_view export_name,
                                  std::span<const uint64_t> args) = 0;

  // The signature of a function export, or nullopt.
  virtual std::optional<Signature> ExportSignature(std::string_view name) const = 0;

  // The exported "memory", or an empty span. Moves on memory.grow.
  virtual std::span<uint8_t> Memory() = 0;

  // Asks the Call now running in this instance to stop soon (at the latest
  // at the guest's next loop iteration, or when it next returns from a host
  // function): that Call then ends kTrapped with TrapKind::kInterrupted, and
  // so does every later Call. Thread-safe: meant to be called from another
  // thread, e.g. when a deadline passes. Returns false if this engine cannot
  // interrupt a guest (nothing happens then).
  virtual bool Interrupt() { return false; }

  virtual std::string_view debug_name() const = 0;

 protected:
  Instance() = default;
};

// The largest linear memory a guest may have unless told otherwise: 1 GiB.
// Big enough for a guest handling messages of tens of megabytes (each is
// copied a few times: received, decoded, answered); small enough that one
// runaway guest cannot take most of a small machine, and that a module
// declaring a huge minimum (up to 4 GiB) is refused rather than committed.
// The deployment descriptor changes it per microservice (MemoryLimit).
inline constexpr uint64_t kDefaultMemoryLimit = uint64_t{1} << 30;

// Limits of one instance, given to Module::Instantiate.
struct InstanceOptions {
  // The largest linear memory the instance may have, in bytes, rounded down
  // to whole 64 KiB pages (anything from 4 GiB up means no limit beyond
  // wasm32's own). memory.grow past it fails as WebAssembly specifies
  // (returns -1, the memory unchanged), on every engine; a module whose
  // declared minimum exceeds it is refused by Instantiate. Below the
  // module's own declared maximum, it wins. Default: kDefaultMemoryLimit.
  uint64_t memory_limit = kDefaultMemoryLimit;
  // The instance's name in its trap messages and errors (the guest's, when
  // several guests share one module). Default: empty, the module's name.
  std::string name;
};

// Decoded, validated code. Immutable; Instantiate may be called from several
// threads at once.
class Module {
 public:
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Creates a new instance. Every import of the module must be a function
  // provided in `imports` (matched by module and name) with the exact
  // signature; extra entries in `imports` are ignored. Errors: NotFound
  // naming the missing import ("hello.wasm: missing import
  // env.foo: (i32) -> ()"), InvalidArgument on a signature mismatch or a
  // non-function import; ResourceExhausted if the module's memory minimum
  // exceeds options.memory_limit ("hello.wasm: its memory's minimum, 2 GiB
  // (32768 pages), exceeds its memory limit of 1 GiB") or the memory cannot
  // be reserved; Aborted if the start function traps or exits.
  // `imports` is copied; `user_data` is not owned and must outlive the
  // instance (host callbacks see it as CallContext::user_data()).
  virtual Result<std::unique_ptr<Instance>> Instantiate(std::span<const HostFunction> imports,
                                                        void* user_data,
                                                        const InstanceOptions& options) const = 0;
  // Instantiate with the default InstanceOptions.
  Result<std::unique_ptr<Instance>> Instantiate(std::span<const HostFunction> imports,
                                                void* user_data) const {
    return Instantiate(imports, user_data, InstanceOptions{});
  }

  virtual const std::vector<ImportInfo>& imports() const = 0;
  virtual const std::vector<ExportInfo>& exports() const = 0;
  virtual std::string_view debug_name() const = 0;

 protected:
  Module() = default;
};

// A way to run guests. Stateless apart from configuration; thread-safe.
class Engine {
 public:
  virtual ~Engine() = default;

  // "interp", "aot".
  virtual std::string_view name() const = 0;

  // How many times longer than the aot engine this engine takes to run the
  // same guest code, at worst: the kernel multiplies a guest's time limits
  // by it, so that an application that passes on aot passes here too
  // (docs/runtime.md, "Engines and build types"). bench/compute measures
  // it (compute_bench, each workload's interp/aot ratio).
  virtual int time_scale() const = 0;

  // Decodes and validates a wasm binary. `debug_name` (usually the guest's
  // name or file name) prefixes every message about this module and its
  // instances. Every engine first runs the same validator (validate.h), so
  // all engines refuse the same modules with the same messages, before
  // allocating anything for them. Errors: InvalidArgument with the
  // validator's messages.
  virtual Result<std::unique_ptr<Module>> Load(std::span<const uint8_t> wasm,
                                               std::string_view debug_name) const = 0;

  // Load, for bytes read from the file `path`: an engine may use what its
  // build tools left beside the file (the AOT engine looks for the module's
  // artifact in <dir of path>/aot/ first). The default ignores `path`.
  virtual Result<std::unique_ptr<Module>> LoadFile(std::span<const uint8_t> wasm,
                                                   const std::filesystem::path& path,
                                                   std::string_view debug_name) const {
    return Load(wasm, debug_name);
  }
};

}  // namespace parigot::engine

#endif  // PARIGOT_HOST_ENGINE_ENGINE_H_
