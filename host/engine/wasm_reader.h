// The WebAssembly binary format's framing, read by hand: a bounds-checked
// cursor over a module's bytes (LEB128 u32s, byte runs) and the module
// header. Shared by the readers that look at a module without decoding it
// (custom_sections.cc, validate.cc). Internal to host/engine.
//
// Thread safety: a Reader is a plain value used by one thread; the functions
// are pure.
#ifndef PARIGOT_HOST_ENGINE_WASM_READER_H_
#define PARIGOT_HOST_ENGINE_WASM_READER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "parigot/status.h"

namespace parigot::engine::internal {

inline constexpr uint8_t kCustomSectionId = 0;

// Reads bytes front to back; every read is bounds-checked, and an error names
// the module offset at which it failed (`base` is the offset of bytes[0]).
// Errors are InvalidArgument, "malformed wasm module: <what> at byte N <problem>".
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes, size_t base = 0)
      : bytes_(bytes), base_(base) {}

  // Offset of the next byte, relative to `bytes`.
  size_t offset() const { return offset_; }
  // Offset of the next byte in the module.
  size_t module_offset() const { return base_ + offset_; }
  bool done() const { return offset_ == bytes_.size(); }
  size_t remaining() const { return bytes_.size() - offset_; }

  Result<uint8_t> Byte(std::string_view what);

  // An unsigned LEB128 of at most 32 bits (the binary format's u32): at most
  // 5 bytes, and the 5th may only use its low 4 bits.
  Result<uint32_t> U32(std::string_view what);

  // The next `size` bytes.
  Result<std::span<const uint8_t>> Bytes(size_t size, std::string_view what);

  // An error about `what` at the module offset `at`.
  static Status Error(std::string_view what, std::string_view problem, size_t at);

 private:
  Status Error(std::string_view what, std::string_view problem) const {
    return Error(what, problem, base_ + offset_);
  }

  std::span<const uint8_t> bytes_;
  size_t base_;
  size_t offset_ = 0;
};

// Checks the 8-byte header (magic number, version 1) and returns a Reader
// positioned at the first section. Errors: InvalidArgument ("not a wasm
// module: ...").
Result<Reader> ReadHeader(std::span<const uint8_t> wasm);

// One section's framing: its id and its body (the bytes after the size).
struct Section {
  uint8_t id = 0;
  std::span<const uint8_t> body;
  size_t body_offset = 0;  // module offset of body[0]
};

// Reads the next section's id, size and body from `module`.
Result<Section> ReadSection(Reader& module);

}  // namespace parigot::engine::internal

#endif  // PARIGOT_HOST_ENGINE_WASM_READER_H_
