// Test-only: turns WebAssembly text (WAT) into a wasm binary with libwabt's
// own parser, so engine and ABI tests can write their guests inline.
//
// Thread safety: WatToWasm may be called from any thread.
#ifndef PARIGOT_HOST_ENGINE_TESTING_WAT_H_
#define PARIGOT_HOST_ENGINE_TESTING_WAT_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::engine::testing {

// Parses, resolves and validates `wat`; errors carry wabt's messages with
// line:column locations.
Result<std::vector<uint8_t>> WatToWasm(std::string_view wat);

}  // namespace parigot::engine::testing

#endif  // PARIGOT_HOST_ENGINE_TESTING_WAT_H_
