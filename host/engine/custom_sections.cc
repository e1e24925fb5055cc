#include "host/engine/custom_sections.h"

#include <algorithm>
#include <cstddef>
#include <string>

namespace parigot::engine {
namespace {

constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6d};  // "\0asm"
constexpr uint8_t kVersion[] = {0x01, 0x00, 0x00, 0x00};
constexpr uint8_t kCustomSectionId = 0;

// Reads bytes front to back; every read is bounds-checked, and an error names
// the module offset at which it failed (`base` is the offset of bytes[0]).
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes, size_t base = 0)
      : bytes_(bytes), base_(base) {}

  // Offset of the next byte, relative to `bytes`.
  size_t offset() const { return offset_; }
  bool done() const { return offset_ == bytes_.size(); }
  size_t remaining() const { return bytes_.size() - offset_; }

  Result<uint8_t> Byte(std::string_view what) {
    if (done()) return Error(what, "is past the end");
    return bytes_[offset_++];
  }

  // An unsigned LEB128 of at most 32 bits (the binary format's u32): at most
  // 5 bytes, and the 5th may only use its low 4 bits.
  Result<uint32_t> U32(std::string_view what) {
    const size_t start = base_ + offset_;
    uint32_t value = 0;
    for (int shift = 0;; shift += 7) {
      if (done()) return Error(what, "is truncated", start);
      const uint8_t byte = bytes_[offset_++];
      if (shift == 28 && (byte & 0x80) != 0) {
        return Error(what, "is a LEB128 longer than 5 bytes", start);
      }
      if (shift == 28 && (byte & 0x70) != 0) {
        return Error(what, "is a LEB128 above 2^32-1", start);
      }
      value |= static_cast<uint32_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
  }

  // The next `size` bytes.
  Result<std::span<const uint8_t>> Bytes(size_t size, std::string_view what) {
    if (size > remaining()) {
      return Error(what, "runs past the end (" + std::to_string(size) +
                             " bytes, " + std::to_string(remaining()) + " left)");
    }
    std::span<const uint8_t> out = bytes_.subspan(offset_, size);
    offset_ += size;
    return out;
  }

 private:
  Status Error(std::string_view what, std::string_view problem) const {
    return Error(what, problem, base_ + offset_);
  }
  static Status Error(std::string_view what, std::string_view problem, size_t at) {
    return InvalidArgumentError("malformed wasm module: " + std::string(what) +
                                " at byte " + std::to_string(at) + " " +
                                std::string(problem));
  }

  std::span<const uint8_t> bytes_;
  size_t base_;
  size_t offset_ = 0;
};

bool Equal(std::span<const uint8_t> bytes, std::span<const uint8_t> expected) {
  return std::equal(bytes.begin(), bytes.end(), expected.begin(), expected.end());
}

}  // namespace

Result<std::vector<std::span<const uint8_t>>> FindCustomSections(
    std::span<const uint8_t> wasm, std::string_view name) {
  Reader module(wasm);
  Result<std::span<const uint8_t>> magic = module.Bytes(4, "the magic number");
  if (!magic.ok() || !Equal(*magic, kMagic)) {
    return InvalidArgumentError("not a wasm module: no \\0asm magic number");
  }
  Result<std::span<const uint8_t>> version = module.Bytes(4, "the version");
  if (!version.ok() || !Equal(*version, kVersion)) {
    return InvalidArgumentError("not a wasm module of binary format version 1");
  }

  std::vector<std::span<const uint8_t>> found;
  while (!module.done()) {
    Result<uint8_t> id = module.Byte("the section id");
    if (!id.ok()) return id.status();
    Result<uint32_t> size = module.U32("the section size");
    if (!size.ok()) return size.status();
    Result<std::span<const uint8_t>> body = module.Bytes(*size, "the section");
    if (!body.ok()) return body.status();
    if (*id != kCustomSectionId) continue;

    // A custom section's body: the name (u32 length + bytes), then the
    // payload, up to the end of the section.
    Reader section(*body, module.offset() - body->size());
    Result<uint32_t> name_size = section.U32("the custom section's name length");
    if (!name_size.ok()) return name_size.status();
    Result<std::span<const uint8_t>> section_name =
        section.Bytes(*name_size, "the custom section's name");
    if (!section_name.ok()) return section_name.status();
    const std::string_view actual(
        reinterpret_cast<const char*>(section_name->data()), section_name->size());
    if (actual == name) found.push_back(body->subspan(section.offset()));
  }
  return found;
}

}  // namespace parigot::engine
