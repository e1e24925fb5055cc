// Custom sections of a WebAssembly module, read straight from its bytes.
//
// A wasm module may carry named "custom sections" (section id 0) that engines
// ignore; parigot uses them to ship data with a guest, e.g. the guest's
// protobuf descriptors in `parigot.descriptors` (cmake/ParigotGuest.cmake).
// This reader knows only the binary format's framing (magic, version, then
// sections of id + LEB128 size): it neither decodes nor validates the code,
// so it is cheap enough to run on every guest before it is loaded.
//
// Thread safety: a pure function; may be called from any thread at once.
#ifndef PARIGOT_HOST_ENGINE_CUSTOM_SECTIONS_H_
#define PARIGOT_HOST_ENGINE_CUSTOM_SECTIONS_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::engine {

// The name of the custom section in which a guest carries the serialized
// google.protobuf.FileDescriptorSet of its .proto files and their imports.
inline constexpr std::string_view kDescriptorsSection = "parigot.descriptors";

// The name of the custom section in which a guest built by parigot_add_guest
// says whether its C++ was optimized: "optimized" or "unoptimized"
// (cmake/ParigotGuest.cmake).
inline constexpr std::string_view kBuildSection = "parigot.build";

// How a guest's code was compiled, by its kBuildSection.
enum class GuestBuild {
  kOptimized,
  kUnoptimized,
  // No such section (a module not built by parigot_add_guest), or one that
  // says something else, or unreadable framing.
  kUnknown,
};
GuestBuild BuildOf(std::span<const uint8_t> wasm);

// Returns the payload (the bytes after the section's name) of every custom
// section of `wasm` named `name`, in module order; none is an empty vector.
// The spans point into `wasm`, which must outlive them.
//
// Every section's framing is checked, whatever its name, so a truncated or
// corrupt module answers an INVALID_ARGUMENT error naming the byte offset of
// the problem (never a crash or a read outside `wasm`): not a wasm module
// (magic or version), a LEB128 longer than 5 bytes or above 2^32-1, a
// section or name running past its end.
Result<std::vector<std::span<const uint8_t>>> FindCustomSections(
    std::span<const uint8_t> wasm, std::string_view name);

}  // namespace parigot::engine

#endif  // PARIGOT_HOST_ENGINE_CUSTOM_SECTIONS_H_
