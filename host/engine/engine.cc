#include "host/engine/engine.h"

#include <string>

namespace parigot::engine {

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kI32: return "i32";
    case ValueType::kI64: return "i64";
    case ValueType::kF32: return "f32";
    case ValueType::kF64: return "f64";
  }
  return "?";
}

namespace {
void AppendTypes(std::string& out, const std::vector<ValueType>& types) {
  out += '(';
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += ", ";
    out += ValueTypeName(types[i]);
  }
  out += ')';
}
}  // namespace

std::string Signature::ToString() const {
  std::string out;
  AppendTypes(out, params);
  out += " -> ";
  AppendTypes(out, results);
  return out;
}

std::string_view TrapKindName(TrapKind kind) {
  switch (kind) {
    case TrapKind::kUnreachable: return "unreachable";
    case TrapKind::kOutOfBounds: return "out_of_bounds";
    case TrapKind::kDivideByZero: return "divide_by_zero";
    case TrapKind::kIntegerOverflow: return "integer_overflow";
    case TrapKind::kStackExhausted: return "stack_exhausted";
    case TrapKind::kIndirectCallMismatch: return "indirect_call_mismatch";
    case TrapKind::kUndefinedElement: return "undefined_element";
    case TrapKind::kHostError: return "host_error";
    case TrapKind::kInterrupted: return "interrupted";
    case TrapKind::kOther: return "other";
  }
  return "other";
}

std::string RunOutcome::ToString() const {
  switch (kind) {
    case Kind::kReturned: return "returned";
    case Kind::kExited: return "exited with code " + std::to_string(exit_code);
    case Kind::kTrapped:
      return "trapped (" + std::string(TrapKindName(trap_kind)) + "): " + trap_message;
  }
  return "?";
}

Status CheckCall(std::string_view instance_name, std::string_view export_name,
                 const Signature* signature, size_t arg_count, bool running) {
  std::string where(instance_name);
  std::string name(export_name);
  if (signature == nullptr) {
    return NotFoundError(where + ": no exported function \"" + name + "\"");
  }
  if (arg_count != signature->params.size()) {
    return InvalidArgumentError(where + ": " + name + " takes " + signature->ToString() +
                                ", got " + std::to_string(arg_count) + " arguments");
  }
  if (running) {
    return FailedPreconditionError(where + ": Call(\"" + name +
                                   "\") re-entered the instance from a host callback");
  }
  return Status();
}

Result<const HostFunction*> ResolveImport(std::string_view module_name,
                                          std::span<const HostFunction> hosts,
                                          std::string_view module, std::string_view name,
                                          const Signature& want) {
  std::string where(module_name);
  std::string what = std::string(module) + "." + std::string(name);
  const HostFunction* host = nullptr;
  for (const HostFunction& candidate : hosts) {
    if (candidate.module == module && candidate.name == name) {
      host = &candidate;
      break;
    }
  }
  if (host == nullptr) {
    return NotFoundError(where + ": missing import " + what + ": " + want.ToString());
  }
  if (host->signature != want) {
    return InvalidArgumentError(where + ": import " + what + " has signature " +
                                want.ToString() + " but the host provides " +
                                host->signature.ToString());
  }
  if (!host->callback) {
    return InvalidArgumentError(where + ": import " + what + " has no callback");
  }
  return host;
}

}  // namespace parigot::engine
