// Low-level protobuf wire encoding: wire types, varint sizes, zigzag, and the
// Writer and Reader cursors that generated code serializes with.
//
// Writer writes into memory the caller has already sized (generated code
// computes ByteSizeLong() first and allocates once); it performs no bounds
// checks. Reader never reads outside the span it was given and reports every
// malformation by returning false; it never aborts and never throws.
//
// Thread safety: Writer and Reader are plain cursors; use one per thread.
#ifndef PARIGOT_WIRE_CODING_H_
#define PARIGOT_WIRE_CODING_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace parigot::wire {

static_assert(std::endian::native == std::endian::little,
              "parigot::wire assumes a little-endian target (x86, arm, wasm)");

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kStartGroup = 3,
  kEndGroup = 4,
  kFixed32 = 5,
};

constexpr uint32_t MakeTag(uint32_t field, WireType type) {
  return (field << 3) | type;
}
constexpr uint32_t TagField(uint32_t tag) { return tag >> 3; }
constexpr WireType TagWireType(uint32_t tag) {
  return static_cast<WireType>(tag & 7);
}

// Bytes needed to encode `v` as a varint (1..10).
constexpr size_t VarintSize64(uint64_t v) {
  return static_cast<size_t>(((63 - std::countl_zero(v | 1)) * 9 + 73) / 64);
}
constexpr size_t VarintSize32(uint32_t v) {
  return static_cast<size_t>(((31 - std::countl_zero(v | 1)) * 9 + 73) / 64);
}

constexpr uint32_t ZigZagEncode32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
constexpr uint64_t ZigZagEncode64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
constexpr int32_t ZigZagDecode32(uint32_t v) {
  return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
}
constexpr int64_t ZigZagDecode64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Writes protobuf wire data at a raw cursor. The caller guarantees the space:
// every Write* call advances the cursor by exactly the encoded size.
class Writer {
 public:
  explicit Writer(char* cursor) : cursor_(cursor) {}

  char* cursor() const { return cursor_; }

  void WriteVarint64(uint64_t v) {
    while (v >= 0x80) {
      *cursor_++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *cursor_++ = static_cast<char>(v);
  }
  void WriteVarint32(uint32_t v) {
    while (v >= 0x80) {
      *cursor_++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *cursor_++ = static_cast<char>(v);
  }
  void WriteTag(uint32_t tag) { WriteVarint32(tag); }
  void WriteFixed32(uint32_t v) {
    std::memcpy(cursor_, &v, 4);
    cursor_ += 4;
  }
  void WriteFixed64(uint64_t v) {
    std::memcpy(cursor_, &v, 8);
    cursor_ += 8;
  }
  void WriteRaw(std::string_view bytes) {
    if (!bytes.empty()) std::memcpy(cursor_, bytes.data(), bytes.size());
    cursor_ += bytes.size();
  }
  // Length prefix followed by the bytes.
  void WriteLengthDelimited(std::string_view bytes) {
    WriteVarint32(static_cast<uint32_t>(bytes.size()));
    WriteRaw(bytes);
  }

 private:
  char* cursor_;
};

// Reads protobuf wire data from a span it does not own; the span must outlive
// the Reader and every string_view it hands out.
class Reader {
 public:
  // Nesting limit for messages and groups; deeper input is rejected.
  static constexpr int kMaxDepth = 100;

  Reader() = default;
  explicit Reader(std::string_view data, int depth_left = kMaxDepth)
      : cursor_(data.data()), end_(data.data() + data.size()),
        depth_left_(depth_left) {}

  bool AtEnd() const { return cursor_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - cursor_); }
  int depth_left() const { return depth_left_; }

  // Reads a field tag. Fails on field number 0, wire types 6 and 7, and tags
  // that do not fit 32 bits.
  bool ReadTag(uint32_t* tag) {
    if (cursor_ != end_ && static_cast<uint8_t>(*cursor_) < 0x80) {
      uint32_t t = static_cast<uint8_t>(*cursor_++);
      *tag = t;
      return (t >> 3) != 0 && (t & 7) < 6;
    }
    return ReadTagSlow(tag);
  }
  // Up to 10 bytes; fails when truncated or longer.
  bool ReadVarint64(uint64_t* v) {
    if (cursor_ != end_ && static_cast<uint8_t>(*cursor_) < 0x80) {
      *v = static_cast<uint8_t>(*cursor_++);
      return true;
    }
    return ReadVarint64Slow(v);
  }
  bool ReadFixed32(uint32_t* v) {
    if (remaining() < 4) return false;
    std::memcpy(v, cursor_, 4);
    cursor_ += 4;
    return true;
  }
  bool ReadFixed64(uint64_t* v) {
    if (remaining() < 8) return false;
    std::memcpy(v, cursor_, 8);
    cursor_ += 8;
    return true;
  }
  // A varint length then that many bytes, which must all be present.
  bool ReadLengthDelimited(std::string_view* out) {
    uint64_t len;
    if (!ReadVarint64(&len) || len > remaining()) return false;
    *out = std::string_view(cursor_, static_cast<size_t>(len));
    cursor_ += len;
    return true;
  }
  // Reads a length-delimited field and opens a Reader over it one nesting
  // level deeper. Fails when the data is malformed or too deep.
  bool ReadNested(Reader* sub) {
    std::string_view bytes;
    if (depth_left_ <= 0 || !ReadLengthDelimited(&bytes)) return false;
    *sub = Reader(bytes, depth_left_ - 1);
    return true;
  }
  // A group's fields are read from this same Reader: EnterGroup takes one
  // nesting level (false when none is left) and LeaveGroup gives it back.
  bool EnterGroup() {
    if (depth_left_ <= 0) return false;
    --depth_left_;
    return true;
  }
  void LeaveGroup() { ++depth_left_; }
  // Skips the value of a field whose tag was just read, including whole
  // (nested) groups. Fails on malformed data and on a stray end-group tag.
  bool SkipField(uint32_t tag);

 private:
  bool ReadTagSlow(uint32_t* tag);
  bool ReadVarint64Slow(uint64_t* v);
  bool SkipGroup(uint32_t field, int depth_left);

  const char* cursor_ = nullptr;
  const char* end_ = nullptr;
  int depth_left_ = kMaxDepth;
};

// True when `bytes` is well-formed UTF-8 (as proto3 requires of `string`).
bool IsValidUtf8(std::string_view bytes);

}  // namespace parigot::wire

#endif  // PARIGOT_WIRE_CODING_H_
