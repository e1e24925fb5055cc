// Out-of-line parts of the Reader: multi-byte varints, skipping unknown
// fields and groups, and UTF-8 validation.
#include "parigot/wire/coding.h"

namespace parigot::wire {

bool Reader::ReadVarint64Slow(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (cursor_ == end_) return false;
    uint8_t byte = static_cast<uint8_t>(*cursor_++);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      *v = result;
      return true;
    }
  }
  return false;  // more than 10 bytes
}

bool Reader::ReadTagSlow(uint32_t* tag) {
  uint64_t t;
  if (!ReadVarint64Slow(&t) || t > 0xffffffffu) return false;
  *tag = static_cast<uint32_t>(t);
  return (t >> 3) != 0 && (t & 7) < 6;
}

bool Reader::SkipField(uint32_t tag) {
  switch (TagWireType(tag)) {
    case kVarint: {
      uint64_t ignored;
      return ReadVarint64(&ignored);
    }
    case kFixed64:
      if (remaining() < 8) return false;
      cursor_ += 8;
      return true;
    case kLengthDelimited: {
      std::string_view ignored;
      return ReadLengthDelimited(&ignored);
    }
    case kStartGroup:
      // An unknown group takes a nesting level like a known one (EnterGroup)
      // and like libprotobuf, which counts both alike.
      return SkipGroup(TagField(tag), depth_left_);
    case kFixed32:
      if (remaining() < 4) return false;
      cursor_ += 4;
      return true;
    default:  // a stray end-group, or 6/7
      return false;
  }
}

// Iterative over siblings, recursive only over nesting, which the depth limit
// bounds. `depth_left` is the number of levels left before entering this
// group.
bool Reader::SkipGroup(uint32_t field, int depth_left) {
  if (depth_left <= 0) return false;
  while (true) {
    uint32_t tag;
    if (!ReadTag(&tag)) return false;
    WireType type = TagWireType(tag);
    if (type == kEndGroup) return TagField(tag) == field;
    if (type == kStartGroup) {
      if (!SkipGroup(TagField(tag), depth_left - 1)) return false;
    } else if (!SkipField(tag)) {
      return false;
    }
  }
}

bool IsValidUtf8(std::string_view bytes) {
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p != end) {
    // ASCII fast path, eight bytes at a time.
    while (end - p >= 8) {
      uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if (chunk & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    uint8_t c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) <= n) return false;
    for (size_t i = 1; i <= n; ++i) {
      if ((p[i] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    p += n + 1;
  }
  return true;
}

}  // namespace parigot::wire
