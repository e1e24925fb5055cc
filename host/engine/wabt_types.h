// Conversions from libwabt's types to the engine interface's, shared by the
// engines that read modules with libwabt (interp/ and aot/).
#ifndef PARIGOT_HOST_ENGINE_WABT_TYPES_H_
#define PARIGOT_HOST_ENGINE_WABT_TYPES_H_

#include <optional>
#include <span>

#include "host/engine/engine.h"
#include "wabt/ir.h"

namespace parigot::engine::internal {

// i32/i64/f32/f64, or nullopt for a type that has no slot encoding (v128,
// references).
std::optional<ValueType> FromWabt(wabt::Type type);

ExternKind FromWabt(wabt::ExternalKind kind);

// A function type from its parameter and result types; nullopt if one of
// them has no slot encoding.
std::optional<Signature> SignatureFromWabt(std::span<const wabt::Type> params,
                                           std::span<const wabt::Type> results);

}  // namespace parigot::engine::internal

#endif  // PARIGOT_HOST_ENGINE_WABT_TYPES_H_
