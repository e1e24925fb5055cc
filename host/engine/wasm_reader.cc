#include "host/engine/wasm_reader.h"

#include <algorithm>

namespace parigot::engine::internal {
namespace {

constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6d};  // "\0asm"
constexpr uint8_t kVersion[] = {0x01, 0x00, 0x00, 0x00};

bool Equal(std::span<const uint8_t> bytes, std::span<const uint8_t> expected) {
  return std::equal(bytes.begin(), bytes.end(), expected.begin(), expected.end());
}

}  // namespace

Result<uint8_t> Reader::Byte(std::string_view what) {
  if (done()) return Error(what, "is past the end");
  return bytes_[offset_++];
}

Result<uint32_t> Reader::U32(std::string_view what) {
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

Result<std::span<const uint8_t>> Reader::Bytes(size_t size, std::string_view what) {
  if (size > remaining()) {
    return Error(what, "runs past the end (" + std::to_string(size) + " bytes, " +
                           std::to_string(remaining()) + " left)");
  }
  std::span<const uint8_t> out = bytes_.subspan(offset_, size);
  offset_ += size;
  return out;
}

Status Reader::Error(std::string_view what, std::string_view problem, size_t at) {
  return InvalidArgumentError("malformed wasm module: " + std::string(what) + " at byte " +
                              std::to_string(at) + " " + std::string(problem));
}

Result<Reader> ReadHeader(std::span<const uint8_t> wasm) {
  Reader module(wasm);
  Result<std::span<const uint8_t>> magic = module.Bytes(4, "the magic number");
  if (!magic.ok() || !Equal(*magic, kMagic)) {
    return InvalidArgumentError("not a wasm module: no \\0asm magic number");
  }
  Result<std::span<const uint8_t>> version = module.Bytes(4, "the version");
  if (!version.ok() || !Equal(*version, kVersion)) {
    return InvalidArgumentError("not a wasm module of binary format version 1");
  }
  return module;
}

Result<Section> ReadSection(Reader& module) {
  Section section;
  Result<uint8_t> id = module.Byte("the section id");
  if (!id.ok()) return id.status();
  Result<uint32_t> size = module.U32("the section size");
  if (!size.ok()) return size.status();
  Result<std::span<const uint8_t>> body = module.Bytes(*size, "the section");
  if (!body.ok()) return body.status();
  section.id = *id;
  section.body = *body;
  section.body_offset = module.module_offset() - body->size();
  return section;
}

}  // namespace parigot::engine::internal
