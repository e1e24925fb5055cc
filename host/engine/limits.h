// Limits beyond the WebAssembly standard that every engine enforces alike,
// so that no module can make the host allocate without bound.
//
// Thread safety: constants.
#ifndef PARIGOT_HOST_ENGINE_LIMITS_H_
#define PARIGOT_HOST_ENGINE_LIMITS_H_

#include <cstdint>

namespace parigot::engine {

// The most elements a table may have, at instantiation (validate.h refuses
// a larger minimum) and after table.grow (which fails, returning -1, past
// it, as it does past the table's declared maximum). V8's limit: a funcref
// element takes 24 bytes in the aot engine, so a table stays under 240 MB.
inline constexpr uint64_t kMaxTableElements = 10'000'000;

}  // namespace parigot::engine

#endif  // PARIGOT_HOST_ENGINE_LIMITS_H_
