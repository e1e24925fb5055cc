// Field-level helpers for generated code: size, write and read one field of a
// given shape (singular, optional, repeated packed/unpacked, map, oneof
// alternative) with a codec from codecs.h. Every Read* helper takes the tag
// just read; if the wire type does not fit the field it skips the value as an
// unknown field, as libprotobuf does. They return false only on malformed
// input. Included by codecs.h; not for hand-written code.
#ifndef PARIGOT_WIRE_FIELDS_H_
#define PARIGOT_WIRE_FIELDS_H_

#include <map>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "parigot/wire/codecs.h"

namespace parigot::wire::internal {

template <typename C>
bool ReadSingular(Reader& r, uint32_t tag, typename C::Type* v) {
  if (TagWireType(tag) != C::kWire) return r.SkipField(tag);
  return C::Read(r, v);
}

template <typename C>
bool ReadOptional(Reader& r, uint32_t tag, std::optional<typename C::Type>* v) {
  if (TagWireType(tag) != C::kWire) return r.SkipField(tag);
  return C::Read(r, &v->emplace());
}

// A singular message or group field (codec Message<M> or Group<M, N>): a
// repeated occurrence merges into the value.
template <typename C>
bool ReadBox(Reader& r, uint32_t tag, Box<typename C::Type>* v) {
  if (TagWireType(tag) != C::kWire) return r.SkipField(tag);
  return C::Read(r, &v->mutable_value());
}

template <typename C>
size_t PackedPayloadSize(const std::vector<typename C::Type>& v) {
  if constexpr (C::kFixedSize != 0) {
    return v.size() * C::kFixedSize;
  } else {
    size_t n = 0;
    for (auto&& x : v) n += C::Size(x);
    return n;
  }
}

// Makes room for `extra` more elements, keeping geometric growth so that
// many small packed chunks stay linear.
template <typename V>
void GrowFor(V* v, size_t extra) {
  size_t need = v->size() + extra;
  if (need > v->capacity()) v->reserve(need > 2 * v->capacity() ? need : 2 * v->capacity());
}

// Accepts both packed and unpacked encodings of packable types.
template <typename C>
bool ReadRepeated(Reader& r, uint32_t tag, std::vector<typename C::Type>* v) {
  WireType type = TagWireType(tag);
  if (type == C::kWire) {
    if constexpr (std::is_same_v<typename C::Type, bool>) {  // vector<bool>
      bool x = false;
      if (!C::Read(r, &x)) return false;
      v->push_back(x);
      return true;
    } else {
      return C::Read(r, &v->emplace_back());
    }
  }
  if constexpr (C::kPackable) {
    if (type == kLengthDelimited) {
      std::string_view bytes;
      if (!r.ReadLengthDelimited(&bytes)) return false;
      if constexpr (C::kFixedSize != 0) {
        if (bytes.size() % C::kFixedSize != 0) return false;
        GrowFor(v, bytes.size() / C::kFixedSize);
      } else {
        // Each varint ends with exactly one byte below 0x80.
        size_t count = 0;
        for (char c : bytes) count += static_cast<uint8_t>(c) < 0x80;
        GrowFor(v, count);
      }
      Reader packed(bytes, r.depth_left());
      while (!packed.AtEnd()) {
        typename C::Type x{};
        if (!C::Read(packed, &x)) return false;
        v->push_back(x);
      }
      return true;
    }
  }
  return r.SkipField(tag);
}

template <typename C>
size_t PackedSize(size_t tag_size, const std::vector<typename C::Type>& v) {
  if (v.empty()) return 0;
  size_t payload = PackedPayloadSize<C>(v);
  return tag_size + VarintSize32(static_cast<uint32_t>(payload)) + payload;
}
template <typename C>
void WritePacked(Writer& w, uint32_t tag, const std::vector<typename C::Type>& v) {
  if (v.empty()) return;
  w.WriteTag(tag);
  w.WriteVarint32(static_cast<uint32_t>(PackedPayloadSize<C>(v)));
  for (auto&& x : v) C::Write(w, x);
}

template <typename C>
size_t UnpackedSize(size_t tag_size, const std::vector<typename C::Type>& v) {
  size_t n = tag_size * v.size();
  if constexpr (C::kFixedSize != 0) {
    n += C::kFixedSize * v.size();
  } else {
    for (auto&& x : v) n += C::Size(x);
  }
  return n;
}
template <typename C>
void WriteUnpacked(Writer& w, uint32_t tag, const std::vector<typename C::Type>& v) {
  for (auto&& x : v) {
    w.WriteTag(tag);
    C::Write(w, x);
  }
}

// Maps: each entry is a message with the key as field 1 and the value as
// field 2; both are always written (as libprotobuf does). A later entry with
// the same key replaces an earlier one.
template <typename KC, typename VC>
using MapOf = std::map<typename KC::Type, typename VC::Type>;

template <typename KC, typename VC>
size_t MapSize(size_t tag_size, const MapOf<KC, VC>& m) {
  size_t n = 0;
  for (const auto& [k, v] : m) {
    size_t entry = 2 + KC::Size(k) + VC::Size(v);
    n += tag_size + VarintSize32(static_cast<uint32_t>(entry)) + entry;
  }
  return n;
}
template <typename KC, typename VC>
void WriteMap(Writer& w, uint32_t tag, const MapOf<KC, VC>& m) {
  for (const auto& [k, v] : m) {
    size_t entry = 2 + KC::Size(k) + CachedSizeOf<VC>(v);
    w.WriteTag(tag);
    w.WriteVarint32(static_cast<uint32_t>(entry));
    w.WriteTag(MakeTag(1, KC::kWire));
    KC::Write(w, k);
    w.WriteTag(MakeTag(2, VC::kWire));
    VC::Write(w, v);
  }
}
template <typename KC, typename VC>
bool ReadMapEntry(Reader& r, uint32_t tag, MapOf<KC, VC>* m) {
  if (TagWireType(tag) != kLengthDelimited) return r.SkipField(tag);
  Reader sub;
  if (!r.ReadNested(&sub)) return false;
  if constexpr (VC::kIsMessage) {
    // Fast path for the usual entry layout (key, then value, nothing else):
    // parse the value in place instead of moving a whole message.
    Reader probe = sub;
    typename KC::Type key{};
    uint32_t t;
    Reader value;
    if (probe.ReadTag(&t) && t == MakeTag(1, KC::kWire) && KC::Read(probe, &key) &&
        probe.ReadTag(&t) && t == MakeTag(2, kLengthDelimited) &&
        probe.ReadNested(&value) && probe.AtEnd()) {
      auto [it, inserted] = m->try_emplace(std::move(key));
      if (!inserted) it->second.Clear();
      return it->second.MergeFromReader(value);
    }
  }
  typename KC::Type key{};
  typename VC::Type value{};
  while (!sub.AtEnd()) {
    uint32_t t;
    if (!sub.ReadTag(&t)) return false;
    bool ok;
    if (t == MakeTag(1, KC::kWire)) {
      ok = KC::Read(sub, &key);
    } else if (t == MakeTag(2, VC::kWire)) {
      ok = VC::Read(sub, &value);
    } else {
      ok = sub.SkipField(t);
    }
    if (!ok) return false;
  }
  m->insert_or_assign(std::move(key), std::move(value));
  return true;
}

// Oneof alternative I (1-based; 0 is std::monostate) of variant V. Message
// alternatives are Box<M>; reading one that is already set merges into it.
template <typename C, size_t I, typename V>
bool ReadOneof(Reader& r, uint32_t tag, V* v) {
  if (TagWireType(tag) != C::kWire) return r.SkipField(tag);
  if constexpr (C::kIsMessage) {
    if (v->index() != I) v->template emplace<I>();
    return C::Read(r, &std::get<I>(*v).mutable_value());
  } else {
    typename C::Type x{};
    if (!C::Read(r, &x)) return false;
    v->template emplace<I>(std::move(x));
    return true;
  }
}

}  // namespace parigot::wire::internal

#endif  // PARIGOT_WIRE_FIELDS_H_
