// Typed 128-bit ids, shared verbatim by the guest SDK and the host.
//
// An id is two 64-bit words. The top byte of the high word is the type
// letter ('s' for services, ...); the other 56 bits of the high word and all
// 64 bits of the low word are random. Two values are special:
//  * Zero():  all 128 bits zero, the default: "not set yet";
//  * Empty(): the type byte with a zero payload: explicitly "none".
// A random id is never Zero() or Empty() (see NewRandom).
//
// Each id kind is its own type, so a ServiceId cannot be passed where a
// CallId is expected. A new kind costs one line:
//
//   using ServiceId = Id<'s', "svc">;
//
// Printable forms:
//  * Short():  "[svc-3fa2]", the prefix and the last 4 hex digits of the low
//              word, for logs; "[svc-zero]" and "[svc-empty]" for the two
//              special values. Not unique.
//  * String(): "svc-" followed by all 32 hex digits (high word, then low),
//              unique; Parse() reads it back.
//
// Ids take their randomness from the caller (guests ask the host through
// WASI random_get, the host reads its own source), so this header has no
// random number generator and no global state.
//
// Thread safety: plain values; const methods may be called concurrently.
// Builds for the host and for wasm32-wasi guests (no exceptions, no RTTI).
#ifndef PARIGOT_ID_H_
#define PARIGOT_ID_H_

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace parigot {

// A string literal usable as a template argument: Id<'s', "svc">.
template <std::size_t N>
struct FixedString {
  // NOLINTNEXTLINE(google-explicit-constructor): used by literal conversion.
  constexpr FixedString(const char (&text)[N]) {
    for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
  }
  constexpr std::string_view view() const { return {chars, N - 1}; }

  char chars[N] = {};
};

template <char kType, FixedString kPrefix>
class Id {
  static_assert(kType != 0, "the type byte must be non-zero");
  static_assert(kPrefix.view().size() > 0, "the prefix must not be empty");

 public:
  static constexpr std::uint8_t kTypeByte = static_cast<std::uint8_t>(kType);
  static constexpr std::string_view kPrefixText = kPrefix.view();

  // Zero(): the unset id.
  constexpr Id() = default;

  static constexpr Id Zero() { return Id(); }
  static constexpr Id Empty() { return Id(kTypeHigh, 0); }

  // A fresh id whose payload is the low 56 bits of `random_high` and all of
  // `random_low`. The caller supplies uniformly random words. Should both be
  // zero in the payload bits (probability 2^-120), the payload becomes 1, so
  // that a random id is never Empty().
  static constexpr Id NewRandom(std::uint64_t random_high,
                                std::uint64_t random_low) {
    std::uint64_t high = kTypeHigh | (random_high & kPayloadMask);
    if (high == kTypeHigh && random_low == 0) random_low = 1;
    return Id(high, random_low);
  }

  // The id with these words, if they form one of this type: Zero() (both
  // zero) or a high word whose top byte is kTypeByte. nullopt otherwise.
  static constexpr std::optional<Id> FromRaw(std::uint64_t high,
                                             std::uint64_t low) {
    if (high == 0 && low == 0) return Id();
    if ((high >> 56) != kTypeByte) return std::nullopt;
    return Id(high, low);
  }

  // Reads String()'s form back: kPrefixText, '-', 32 hex digits (either
  // case). nullopt for anything else, including another type's id.
  static std::optional<Id> Parse(std::string_view text) {
    if (text.size() != kPrefixText.size() + 1 + 32 ||
        text.substr(0, kPrefixText.size()) != kPrefixText ||
        text[kPrefixText.size()] != '-') {
      return std::nullopt;
    }
    std::string_view hex = text.substr(kPrefixText.size() + 1);
    std::optional<std::uint64_t> high = ParseHex(hex.substr(0, 16));
    std::optional<std::uint64_t> low = ParseHex(hex.substr(16));
    if (!high || !low) return std::nullopt;
    return FromRaw(*high, *low);
  }

  constexpr std::uint64_t high() const { return high_; }
  constexpr std::uint64_t low() const { return low_; }

  constexpr bool IsZero() const { return high_ == 0 && low_ == 0; }
  constexpr bool IsEmpty() const { return high_ == kTypeHigh && low_ == 0; }

  // "[svc-3fa2]"; "[svc-zero]" and "[svc-empty]" for the special values.
  std::string Short() const {
    std::string out = "[";
    out.append(kPrefixText);
    out += '-';
    if (IsZero()) {
      out += "zero";
    } else if (IsEmpty()) {
      out += "empty";
    } else {
      AppendHex(out, low_ & 0xffff, 4);
    }
    out += ']';
    return out;
  }

  // "svc-73..." with all 32 hex digits (lower case).
  std::string String() const {
    std::string out(kPrefixText);
    out += '-';
    AppendHex(out, high_, 16);
    AppendHex(out, low_, 16);
    return out;
  }

  // Orders by high word, then low word; equal iff both words are.
  friend constexpr auto operator<=>(const Id&, const Id&) = default;

 private:
  static constexpr std::uint64_t kTypeHigh = std::uint64_t{kTypeByte} << 56;
  static constexpr std::uint64_t kPayloadMask = (std::uint64_t{1} << 56) - 1;

  constexpr Id(std::uint64_t high, std::uint64_t low)
      : high_(high), low_(low) {}

  static void AppendHex(std::string& out, std::uint64_t value, int digits) {
    constexpr char kDigits[] = "0123456789abcdef";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out += kDigits[(value >> shift) & 0xf];
    }
  }

  static std::optional<std::uint64_t> ParseHex(std::string_view hex) {
    std::uint64_t value = 0;
    for (char c : hex) {
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return std::nullopt;
      }
      value = (value << 4) | static_cast<std::uint64_t>(digit);
    }
    return value;
  }

  std::uint64_t high_ = 0;
  std::uint64_t low_ = 0;
};

// The ids parigot uses.
using GuestId = Id<'g', "gst">;    // a running guest instance
using ServiceId = Id<'s', "svc">;  // an exported service
using MethodId = Id<'m', "mth">;   // a method of a service
using CallId = Id<'c', "cal">;     // one call in flight
using HostId = Id<'h', "hst">;     // a host process (network mode)

}  // namespace parigot

template <char kType, parigot::FixedString kPrefix>
struct std::hash<parigot::Id<kType, kPrefix>> {
  std::size_t operator()(const parigot::Id<kType, kPrefix>& id) const noexcept {
    // The payload is random; folding both words keeps Empty()/Zero() and
    // ids differing in either word apart.
    std::uint64_t mixed = id.low() ^ (id.high() * 0x9e3779b97f4a7c15ULL);
    return static_cast<std::size_t>(mixed ^ (mixed >> 32));
  }
};

#endif  // PARIGOT_ID_H_
