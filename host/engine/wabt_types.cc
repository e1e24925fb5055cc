#include "host/engine/wabt_types.h"

namespace parigot::engine::internal {

std::optional<ValueType> FromWabt(wabt::Type type) {
  switch (type) {
    case wabt::Type::I32: return ValueType::kI32;
    case wabt::Type::I64: return ValueType::kI64;
    case wabt::Type::F32: return ValueType::kF32;
    case wabt::Type::F64: return ValueType::kF64;
    default: return std::nullopt;
  }
}

ExternKind FromWabt(wabt::ExternalKind kind) {
  switch (kind) {
    case wabt::ExternalKind::Func: return ExternKind::kFunction;
    case wabt::ExternalKind::Table: return ExternKind::kTable;
    case wabt::ExternalKind::Memory: return ExternKind::kMemory;
    case wabt::ExternalKind::Global: return ExternKind::kGlobal;
    case wabt::ExternalKind::Tag: return ExternKind::kTag;
  }
  return ExternKind::kTag;
}

std::optional<Signature> SignatureFromWabt(std::span<const wabt::Type> params,
                                           std::span<const wabt::Type> results) {
  Signature signature;
  for (wabt::Type type : params) {
    std::optional<ValueType> value = FromWabt(type);
    if (!value) return std::nullopt;
    signature.params.push_back(*value);
  }
  for (wabt::Type type : results) {
    std::optional<ValueType> value = FromWabt(type);
    if (!value) return std::nullopt;
    signature.results.push_back(*value);
  }
  return signature;
}

}  // namespace parigot::engine::internal
