// Per-type codecs and field helpers used by code that protoc-gen-parigot
// generates. Not for hand-written code: names here may change with
// PARIGOT_WIRE_VERSION.
//
// A codec C is a struct with `Type`, `kWire` (its wire type), `kPackable`,
// `Size(v)` (encoded size without tag), `Write(w, v)`, `Read(r, &v)` and
// `IsDefault(v)`. Message codecs use the size each message caches during
// ByteSizeLong(), so serializing is linear: sizes are computed once, then the
// bytes are written into one buffer.
#ifndef PARIGOT_WIRE_CODECS_H_
#define PARIGOT_WIRE_CODECS_H_

#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "parigot/wire/box.h"
#include "parigot/wire/coding.h"

namespace parigot::wire {

// The size a message remembers from its last ByteSizeLong(). It never affects
// equality or copies meaningfully. Mutating it from a const method makes
// concurrent ByteSizeLong()/Serialize* calls on one message a data race, as in
// libprotobuf.
class CachedSize {
 public:
  size_t get() const { return size_; }
  void set(size_t size) const { size_ = size; }
  friend bool operator==(const CachedSize&, const CachedSize&) { return true; }

 private:
  mutable size_t size_ = 0;
};

namespace internal {

template <typename T, WireType W, bool kPackable_ = true>
struct CodecBase {
  using Type = T;
  static constexpr WireType kWire = W;
  static constexpr bool kPackable = kPackable_;
  static constexpr bool kIsMessage = false;
  static constexpr size_t kFixedSize =
      W == kFixed32 ? 4 : (W == kFixed64 ? 8 : 0);
  static bool IsDefault(const T& v) { return v == T{}; }
};

struct Int32 : CodecBase<int32_t, kVarint> {
  static size_t Size(int32_t v) { return v < 0 ? 10 : VarintSize32(v); }
  static void Write(Writer& w, int32_t v) {
    w.WriteVarint64(static_cast<uint64_t>(static_cast<int64_t>(v)));
  }
  static bool Read(Reader& r, int32_t* v) {
    uint64_t x;
    if (!r.ReadVarint64(&x)) return false;
    *v = static_cast<int32_t>(static_cast<uint32_t>(x));
    return true;
  }
};
struct Int64 : CodecBase<int64_t, kVarint> {
  static size_t Size(int64_t v) { return VarintSize64(static_cast<uint64_t>(v)); }
  static void Write(Writer& w, int64_t v) { w.WriteVarint64(static_cast<uint64_t>(v)); }
  static bool Read(Reader& r, int64_t* v) {
    uint64_t x;
    if (!r.ReadVarint64(&x)) return false;
    *v = static_cast<int64_t>(x);
    return true;
  }
};
struct UInt32 : CodecBase<uint32_t, kVarint> {
  static size_t Size(uint32_t v) { return VarintSize32(v); }
  static void Write(Writer& w, uint32_t v) { w.WriteVarint32(v); }
  static bool Read(Reader& r, uint32_t* v) {
    uint64_t x;
    if (!r.ReadVarint64(&x)) return false;
    *v = static_cast<uint32_t>(x);
    return true;
  }
};
struct UInt64 : CodecBase<uint64_t, kVarint> {
  static size_t Size(uint64_t v) { return VarintSize64(v); }
  static void Write(Writer& w, uint64_t v) { w.WriteVarint64(v); }
  static bool Read(Reader& r, uint64_t* v) { return r.ReadVarint64(v); }
};
struct SInt32 : CodecBase<int32_t, kVarint> {
  static size_t Size(int32_t v) { return VarintSize32(ZigZagEncode32(v)); }
  static void Write(Writer& w, int32_t v) { w.WriteVarint32(ZigZagEncode32(v)); }
  static bool Read(Reader& r, int32_t* v) {
    uint64_t x;
    if (!r.ReadVarint64(&x)) return false;
    *v = ZigZagDecode32(static_cast<uint32_t>(x));
    return true;
  }
};
struct SInt64 : CodecBase<int64_t, kVarint> {
  static size_t Size(int64_t v) { return VarintSize64(ZigZagEncode64(v)); }
  static void Write(Writer& w, int64_t v) { w.WriteVarint64(ZigZagEncode64(v)); }
  static bool Read(Reader& r, int64_t* v) {
    uint64_t x;
    if (!r.ReadVarint64(&x)) return false;
    *v = ZigZagDecode64(x);
    return true;
  }
};
struct Bool : CodecBase<bool, kVarint> {
  static size_t Size(bool) { return 1; }
  static void Write(Writer& w, bool v) { w.WriteVarint32(v ? 1 : 0); }
  static bool Read(Reader& r, bool* v) {
    uint64_t x;
    if (!r.ReadVarint64(&x)) return false;
    *v = x != 0;
    return true;
  }
};
template <typename E>
struct Enum : CodecBase<E, kVarint> {
  static size_t Size(E v) { return Int32::Size(static_cast<int32_t>(v)); }
  static void Write(Writer& w, E v) { Int32::Write(w, static_cast<int32_t>(v)); }
  static bool Read(Reader& r, E* v) {
    int32_t x;
    if (!Int32::Read(r, &x)) return false;
    *v = static_cast<E>(x);
    return true;
  }
};

template <typename T, WireType W>
struct FixedCodec : CodecBase<T, W> {
  using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  static size_t Size(T) { return sizeof(T); }
  // Floats are default only when all bits are zero (-0.0 is written).
  static bool IsDefault(T v) { return std::bit_cast<Bits>(v) == 0; }
  static void Write(Writer& w, T v) {
    if constexpr (sizeof(T) == 4) {
      w.WriteFixed32(std::bit_cast<uint32_t>(v));
    } else {
      w.WriteFixed64(std::bit_cast<uint64_t>(v));
    }
  }
  static bool Read(Reader& r, T* v) {
    Bits bits;
    bool ok;
    if constexpr (sizeof(T) == 4) {
      ok = r.ReadFixed32(&bits);
    } else {
      ok = r.ReadFixed64(&bits);
    }
    if (ok) *v = std::bit_cast<T>(bits);
    return ok;
  }
};
using Fixed32 = FixedCodec<uint32_t, kFixed32>;
using Fixed64 = FixedCodec<uint64_t, kFixed64>;
using SFixed32 = FixedCodec<int32_t, kFixed32>;
using SFixed64 = FixedCodec<int64_t, kFixed64>;
using Float = FixedCodec<float, kFixed32>;
using Double = FixedCodec<double, kFixed64>;

// `bytes`, and `string` in proto2 (not validated, as in libprotobuf).
struct Bytes : CodecBase<std::string, kLengthDelimited, false> {
  static bool IsDefault(const std::string& v) { return v.empty(); }
  static size_t Size(const std::string& v) {
    return VarintSize32(static_cast<uint32_t>(v.size())) + v.size();
  }
  static void Write(Writer& w, const std::string& v) { w.WriteLengthDelimited(v); }
  static bool Read(Reader& r, std::string* v) {
    std::string_view s;
    if (!r.ReadLengthDelimited(&s)) return false;
    v->assign(s.data(), s.size());
    return true;
  }
};
// proto3 `string`: input that is not valid UTF-8 fails the parse.
struct String : Bytes {
  static bool Read(Reader& r, std::string* v) {
    std::string_view s;
    if (!r.ReadLengthDelimited(&s) || !IsValidUtf8(s)) return false;
    v->assign(s.data(), s.size());
    return true;
  }
};

// Messages. M provides ByteSizeLong() (which caches), CachedByteSize(),
// SerializeWithCachedSizes(Writer&) and MergeFromReader(Reader&).
template <typename M>
struct Message : CodecBase<M, kLengthDelimited, false> {
  static constexpr bool kIsMessage = true;
  static bool IsDefault(const M&) { return false; }
  static size_t Size(const M& m) {
    size_t n = m.ByteSizeLong();
    return VarintSize32(static_cast<uint32_t>(n)) + n;
  }
  static size_t CachedSize(const M& m) {
    size_t n = m.CachedByteSize();
    return VarintSize32(static_cast<uint32_t>(n)) + n;
  }
  static void Write(Writer& w, const M& m) {
    w.WriteVarint32(static_cast<uint32_t>(m.CachedByteSize()));
    m.SerializeWithCachedSizes(w);
  }
  static bool Read(Reader& r, M* m) {
    Reader sub;
    return r.ReadNested(&sub) && m->MergeFromReader(sub);
  }
  // A Box in a oneof may be empty; it is encoded as an empty message.
  static size_t BoxSize(const Box<M>& b) { return b.has_value() ? Size(*b) : 1; }
  static void WriteBox(Writer& w, const Box<M>& b) {
    if (b.has_value()) {
      Write(w, *b);
    } else {
      w.WriteVarint32(0);
    }
  }
};

// proto2 groups (field number N): M's fields between the start tag, which
// the caller writes, and N's end tag, with no length prefix. Group types
// have MergeFromReader(Reader&, end_tag), which stops at the end tag.
template <typename M, uint32_t N>
struct Group : CodecBase<M, kStartGroup, false> {
  static constexpr bool kIsMessage = true;
  static constexpr uint32_t kEndTag = MakeTag(N, kEndGroup);
  static bool IsDefault(const M&) { return false; }
  static size_t Size(const M& m) { return m.ByteSizeLong() + VarintSize32(kEndTag); }
  static size_t CachedSize(const M& m) { return m.CachedByteSize() + VarintSize32(kEndTag); }
  static void Write(Writer& w, const M& m) {
    m.SerializeWithCachedSizes(w);
    w.WriteTag(kEndTag);
  }
  // Reads up to and including the end tag; input that ends first fails.
  static bool Read(Reader& r, M* m) {
    if (!r.EnterGroup()) return false;
    bool ok = m->MergeFromReader(r, kEndTag);
    r.LeaveGroup();
    return ok;
  }
  // A Box in a oneof may be empty; it is encoded as an empty group.
  static size_t BoxSize(const Box<M>& b) {
    return b.has_value() ? Size(*b) : VarintSize32(kEndTag);
  }
  static void WriteBox(Writer& w, const Box<M>& b) {
    if (b.has_value()) {
      Write(w, *b);
    } else {
      w.WriteTag(kEndTag);
    }
  }
};

template <typename C>
size_t CachedSizeOf(const typename C::Type& v) {
  if constexpr (requires { C::CachedSize(v); }) {
    return C::CachedSize(v);
  } else {
    return C::Size(v);
  }
}

}  // namespace internal
}  // namespace parigot::wire

#include "parigot/wire/fields.h"  // IWYU pragma: export

#endif  // PARIGOT_WIRE_CODECS_H_
