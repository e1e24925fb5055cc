// The wabt interpreter behind the engine interface. See interp_engine.h.
//
// Unwinding: a host callback that returns Trap or Exit records why in the
// instance's State and hands wabt a trap, which unwinds the interpreter; Call
// then reads State to tell an exit from a host trap from a wasm trap.
#include "host/engine/interp/interp_engine.h"

#include <atomic>
#include <bit>
#include <exception>
#include <map>
#include <string>
#include <utility>

#include "host/engine/interp/interrupt_checks.h"
#include "host/engine/validate.h"
#include "host/engine/wabt_types.h"
#include "wabt/binary-reader.h"
#include "wabt/error-formatter.h"
#include "wabt/feature.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/interp/interp.h"
#include "wabt/ir.h"

namespace parigot::engine {
namespace internal {

TrapKind ClassifyInterpTrap(std::string_view m) {
  auto has = [m](std::string_view s) { return m.find(s) != std::string_view::npos; };
  if (has("indirect call signature mismatch")) return TrapKind::kIndirectCallMismatch;
  if (has("uninitialized table element") || has("undefined table index")) {
    return TrapKind::kUndefinedElement;
  }
  if (has("unreachable executed")) return TrapKind::kUnreachable;
  if (has("out of bounds")) return TrapKind::kOutOfBounds;
  if (has("divide by zero")) return TrapKind::kDivideByZero;
  if (has("integer overflow") || has("invalid conversion to integer")) {
    return TrapKind::kIntegerOverflow;
  }
  if (has("stack exhausted")) return TrapKind::kStackExhausted;
  return TrapKind::kOther;
}

}  // namespace internal

namespace {

namespace wi = wabt::interp;

using internal::FromWabt;

std::optional<Signature> FromWabt(const wi::FuncType& ft) {
  return internal::SignatureFromWabt(ft.params, ft.results);
}

uint64_t ToSlot(const wi::Value& v, ValueType t) {
  switch (t) {
    case ValueType::kI32: return v.Get<wi::u32>();
    case ValueType::kI64: return v.Get<wi::u64>();
    case ValueType::kF32: return std::bit_cast<uint32_t>(v.Get<wi::f32>());
    case ValueType::kF64: return std::bit_cast<uint64_t>(v.Get<wi::f64>());
  }
  return 0;
}

wi::Value FromSlot(uint64_t s, ValueType t) {
  switch (t) {
    case ValueType::kI32: return wi::Value::Make(static_cast<wi::u32>(s));
    case ValueType::kI64: return wi::Value::Make(static_cast<wi::u64>(s));
    case ValueType::kF32:
      return wi::Value::Make(std::bit_cast<wi::f32>(static_cast<uint32_t>(s)));
    case ValueType::kF64: return wi::Value::Make(std::bit_cast<wi::f64>(s));
  }
  return wi::Value::Make(wi::u32{0});
}

// The exported "memory" of `inst`, or null.
wi::Memory* FindMemory(wi::Store& store, const wi::ModuleDesc& desc, wi::Instance& inst) {
  for (size_t i = 0; i < desc.exports.size(); ++i) {
    const wi::ExportType& e = desc.exports[i].type;
    if (e.name == "memory" && e.type->kind == wabt::ExternalKind::Memory) {
      return store.UnsafeGet<wi::Memory>(inst.exports()[i]).get();
    }
  }
  return nullptr;
}

// Why the guest stopped, as recorded by a host callback.
enum class Stop : uint8_t { kNone, kHostTrap, kExit };

// Per-instance state shared with the host callbacks. Owned by the instance.
struct State {
  std::string debug_name;
  void* user_data = nullptr;
  const wi::ModuleDesc* desc = nullptr;
  wi::Memory* memory = nullptr;  // set once instantiation returns
  Stop stop = Stop::kNone;
  int exit_code = 0;
};

class InterpCallContext final : public CallContext {
 public:
  InterpCallContext(State& state, wi::Thread& thread) : state_(state), thread_(thread) {}
  std::span<uint8_t> Memory() override {
    wi::Memory* mem = state_.memory;
    if (mem == nullptr) {  // during the start function
      wi::Instance* inst = thread_.GetCallerInstance();
      if (inst != nullptr) mem = FindMemory(thread_.store(), *state_.desc, *inst);
    }
    if (mem == nullptr) return {};
    return {mem->UnsafeData(), static_cast<size_t>(mem->ByteSize())};
  }
  void* user_data() const override { return state_.user_data; }
  std::string_view debug_name() const override { return state_.debug_name; }

 private:
  State& state_;
  wi::Thread& thread_;
};

wi::HostFunc::Callback WrapHost(State* state, const HostFunction& host) {
  return [state, sig = host.signature, cb = host.callback,
          label = host.module + "." + host.name](
             wi::Thread& thread, const wi::Values& params, wi::Values& results,
             wi::Trap::Ptr* out_trap) -> wabt::Result {
    // A trap already set means wabt is running on after a failed
    // call_indirect push (the 1.0.32 bug): stop at the first chance.
    if (*out_trap) return wabt::Result::Error;
    constexpr size_t kInline = 16;
    uint64_t arg_inline[kInline];
    uint64_t res_inline[kInline] = {};
    std::vector<uint64_t> arg_heap, res_heap;
    uint64_t* args = arg_inline;
    uint64_t* res = res_inline;
    if (params.size() > kInline) args = (arg_heap.resize(params.size()), arg_heap.data());
    if (sig.results.size() > kInline) {
      res = (res_heap.resize(sig.results.size()), res_heap.data());
    }
    for (size_t i = 0; i < params.size(); ++i) args[i] = ToSlot(params[i], sig.params[i]);

    InterpCallContext ctx(*state, thread);
    HostOutcome out = HostOutcome::Ok();
    try {
      out = cb(ctx, {args, params.size()}, {res, sig.results.size()});
    } catch (const std::exception& e) {
      out = HostOutcome::Trap("host function " + label + " threw: " + e.what());
    } catch (...) {
      out = HostOutcome::Trap("host function " + label + " threw");
    }
    switch (out.kind()) {
      case HostOutcome::Kind::kOk:
        results.resize(sig.results.size());
        for (size_t i = 0; i < sig.results.size(); ++i) {
          results[i] = FromSlot(res[i], sig.results[i]);
        }
        return wabt::Result::Ok;
      case HostOutcome::Kind::kTrap:
        state->stop = Stop::kHostTrap;
        *out_trap = wi::Trap::New(thread.store(), out.message());
        return wabt::Result::Error;
      case HostOutcome::Kind::kExit:
        state->stop = Stop::kExit;
        state->exit_code = out.exit_code();
        *out_trap = wi::Trap::New(thread.store(), "exit");
        return wabt::Result::Error;
    }
    return wabt::Result::Error;
  };
}

struct ExportFunc {
  wi::Func::Ptr func;
  Signature signature;
};

class InterpInstance final : public Instance {
 public:
  // Members are declared so that the Store outlives every RefPtr into it.
  std::unique_ptr<State> state;
  std::unique_ptr<wi::Store> store;
  wi::Instance::Ptr instance;
  wi::Memory::Ptr memory;
  std::map<std::string, ExportFunc, std::less<>> funcs;
  std::unique_ptr<wi::Thread> thread;  // reused between calls; reset on trap
  bool running = false;                // inside Call (re-entry guard)
  // The guest's interrupt flag (see interrupt_checks.h), and whether
  // Interrupt was called.
  wi::Global* interrupt_global = nullptr;
  std::atomic<bool> interrupted{false};

  ~InterpInstance() override {
    thread.reset();
    funcs.clear();
    memory.reset();
    instance.reset();
  }

  Result<RunOutcome> Call(std::string_view name, std::span<const uint64_t> args) override {
    auto it = funcs.find(name);
    PARIGOT_RETURN_IF_ERROR(CheckCall(state->debug_name, name,
                                      it == funcs.end() ? nullptr : &it->second.signature,
                                      args.size(), running));
    const ExportFunc& ef = it->second;
    wi::Values params(args.size());
    for (size_t i = 0; i < args.size(); ++i) params[i] = FromSlot(args[i], ef.signature.params[i]);
    wi::Values results;
    wi::Trap::Ptr trap;
    state->stop = Stop::kNone;
    if (!thread) thread = std::make_unique<wi::Thread>(*store);
    running = true;
    wabt::Result r = ef.func->Call(*thread, params, results, &trap);
    running = false;

    RunOutcome out;
    // wabt 1.0.32 can return Ok with the trap set (stack exhaustion reached
    // through call_indirect): any trap is a failure.
    if (wabt::Failed(r) || trap) {
      thread.reset();  // its stacks may hold the unwound frames
      if (state->stop == Stop::kExit) {
        out.kind = RunOutcome::Kind::kExited;
        out.exit_code = state->exit_code;
        return out;
      }
      out.kind = RunOutcome::Kind::kTrapped;
      std::string msg = trap ? trap->message() : std::string("unknown failure");
      out.trap_kind = state->stop == Stop::kHostTrap ? TrapKind::kHostError
                                                     : internal::ClassifyInterpTrap(msg);
      if (interrupted.load()) {
        out.trap_kind = TrapKind::kInterrupted;
        msg = "interrupted";
      }
      out.trap_message = state->debug_name + ": " + msg;
      return out;
    }
    out.results.resize(ef.signature.results.size());
    for (size_t i = 0; i < out.results.size() && i < results.size(); ++i) {
      out.results[i] = ToSlot(results[i], ef.signature.results[i]);
    }
    return out;
  }

  std::optional<Signature> ExportSignature(std::string_view name) const override {
    auto it = funcs.find(name);
    if (it == funcs.end()) return std::nullopt;
    return it->second.signature;
  }

  std::span<uint8_t> Memory() override {
    if (!memory) return {};
    return {memory->UnsafeData(), static_cast<size_t>(memory->ByteSize())};
  }

  std::string_view debug_name() const override { return state->debug_name; }

  bool Interrupt() override {
    if (interrupt_global == nullptr) return false;
    interrupted.store(true);
    // Read by the interpreter on another thread at each loop head: a plain
    // aligned 32-bit store that it sees within a few iterations.
    interrupt_global->UnsafeSet(wi::Value::Make(wi::u32{1}));
    return true;
  }
};

class InterpModule final : public Module {
 public:
  InterpModule(std::string debug_name, wabt::Features features, ModuleFacts facts,
               wi::ModuleDesc desc)
      : debug_name_(std::move(debug_name)),
        features_(features),
        facts_(facts),
        desc_(std::move(desc)) {
    for (const wi::ImportDesc& d : desc_.imports) {
      ImportInfo info{d.type.module, d.type.name, FromWabt(d.type.type->kind), {}};
      if (auto* ft = wabt::dyn_cast<wi::FuncType>(d.type.type.get())) {
        if (auto sig = FromWabt(*ft)) info.signature = *sig;
      }
      imports_.push_back(std::move(info));
    }
    for (const wi::ExportDesc& d : desc_.exports) {
      // Added by AddInterruptChecks: the engine's, not the guest's.
      if (d.type.name == internal::kInterruptGlobal) continue;
      ExportInfo info{d.type.name, FromWabt(d.type.type->kind), {}};
      if (auto* ft = wabt::dyn_cast<wi::FuncType>(d.type.type.get())) {
        if (auto sig = FromWabt(*ft)) info.signature = *sig;
      }
      exports_.push_back(std::move(info));
    }
  }

  Result<std::unique_ptr<Instance>> Instantiate(std::span<const HostFunction> hosts,
                                                void* user_data,
                                                const InstanceOptions& options) const override {
    PARIGOT_RETURN_IF_ERROR(CheckMemoryLimit(debug_name_, facts_, options));
    auto inst = std::make_unique<InterpInstance>();
    inst->state = std::make_unique<State>();
    inst->state->debug_name = options.name.empty() ? debug_name_ : options.name;
    inst->state->user_data = user_data;
    inst->state->desc = &desc_;
    inst->store = std::make_unique<wi::Store>(features_);
    wi::Store& store = *inst->store;

    wi::RefVec imports;
    for (const wi::ImportDesc& d : desc_.imports) {
      const wi::ImportType& it = d.type;
      std::string what = it.module + "." + it.name;
      auto* ft = wabt::dyn_cast<wi::FuncType>(it.type.get());
      if (ft == nullptr) {
        return InvalidArgumentError(debug_name_ + ": import " + what + " is a " +
                                    wi::GetName(it.type->kind) +
                                    "; only function imports are supported");
      }
      std::optional<Signature> want = FromWabt(*ft);
      if (!want) {
        return InvalidArgumentError(debug_name_ + ": import " + what +
                                    " uses a value type other than i32/i64/f32/f64");
      }
      Result<const HostFunction*> host =
          ResolveImport(debug_name_, hosts, it.module, it.name, *want);
      if (!host.ok()) return host.status();
      imports.push_back(wi::HostFunc::New(store, *ft, WrapHost(inst->state.get(), **host)).ref());
    }

    // wabt's Memory enforces its type's maximum on memory.grow (-1 past it):
    // lower that maximum to the memory limit. wabt copies the description
    // into every module anyway.
    wi::ModuleDesc desc = desc_;
    const uint64_t limit = MemoryLimitPages(options);
    for (wi::MemoryDesc& memory : desc.memories) {
      wabt::Limits& limits = memory.type.limits;
      if (!limits.has_max || limits.max > limit) {
        limits.has_max = true;
        limits.max = limit;
      }
    }
    // Tables likewise, to kMaxTableElements (limits.h).
    for (wi::TableDesc& table : desc.tables) {
      wabt::Limits& limits = table.type.limits;
      if (!limits.has_max || limits.max > kMaxTableElements) {
        limits.has_max = true;
        limits.max = kMaxTableElements;
      }
    }
    wi::Module::Ptr mod = wi::Module::New(store, std::move(desc));
    wi::Trap::Ptr trap;
    inst->instance = wi::Instance::Instantiate(store, mod.ref(), imports, &trap);
    if (!inst->instance || trap) {
      std::string why = trap ? trap->message() : "instantiation failed";
      if (inst->state->stop == Stop::kExit) {
        why = "exited with code " + std::to_string(inst->state->exit_code);
      }
      return AbortedError(debug_name_ + ": start function: " + why);
    }
    if (wi::Memory* mem = FindMemory(store, desc_, *inst->instance)) {
      inst->memory = wi::Memory::Ptr(store, mem->self());
      inst->state->memory = mem;
    }
    for (size_t i = 0; i < desc_.exports.size(); ++i) {
      const wi::ExportType& e = desc_.exports[i].type;
      if (e.name == internal::kInterruptGlobal &&
          e.type->kind == wabt::ExternalKind::Global) {
        inst->interrupt_global =
            store.UnsafeGet<wi::Global>(inst->instance->exports()[i]).get();
        continue;
      }
      auto* ft = wabt::dyn_cast<wi::FuncType>(e.type.get());
      if (ft == nullptr) continue;
      std::optional<Signature> sig = FromWabt(*ft);
      if (!sig) continue;  // v128/reference types: not callable through slots
      inst->funcs.emplace(e.name, ExportFunc{store.UnsafeGet<wi::Func>(inst->instance->exports()[i]),
                                             std::move(*sig)});
    }
    return std::unique_ptr<Instance>(std::move(inst));
  }

  const std::vector<ImportInfo>& imports() const override { return imports_; }
  const std::vector<ExportInfo>& exports() const override { return exports_; }
  std::string_view debug_name() const override { return debug_name_; }

 private:
  std::string debug_name_;
  wabt::Features features_;
  ModuleFacts facts_;
  wi::ModuleDesc desc_;
  std::vector<ImportInfo> imports_;
  std::vector<ExportInfo> exports_;
};

class InterpEngine final : public Engine {
 public:
  std::string_view name() const override { return "interp"; }
  // compute_bench, 2-core reference machine: 53x (std::sort) to 250x
  // (protobuf encode and decode, what methods do most) slower than aot.
  int time_scale() const override { return 250; }

  Result<std::unique_ptr<Module>> Load(std::span<const uint8_t> wasm,
                                       std::string_view debug_name) const override {
    // First, as every engine: the same verdict and messages everywhere, and
    // nothing allocated for a malformed module beyond its size.
    wabt::Module decoded;
    Result<ModuleFacts> facts = ValidateModule(wasm, debug_name, &decoded);
    if (!facts.ok()) return facts.status();
    wabt::Features features;  // wabt's defaults: the MVP plus what clang emits
    wabt::ReadBinaryOptions options(features, nullptr, /*read_debug_names=*/false,
                                    /*stop_on_first_error=*/true,
                                    /*fail_on_custom_section_error=*/false);
    wabt::Errors errors;
    wi::ModuleDesc desc;
    std::string name(debug_name);
    Result<std::vector<uint8_t>> checked = internal::AddInterruptChecks(decoded, name);
    if (!checked.ok()) return checked.status();
    wabt::Result r =
        wi::ReadBinaryInterp(name, checked->data(), checked->size(), options, &errors, &desc);
    if (wabt::Failed(r)) {
      std::string msg = wabt::FormatErrorsToString(errors, wabt::Location::Type::Binary);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return InvalidArgumentError(name + ": invalid wasm: " + msg);
    }
    return std::unique_ptr<Module>(
        std::make_unique<InterpModule>(std::move(name), features, *facts, std::move(desc)));
  }
};

}  // namespace

std::unique_ptr<Engine> NewInterpEngine() { return std::make_unique<InterpEngine>(); }

}  // namespace parigot::engine
