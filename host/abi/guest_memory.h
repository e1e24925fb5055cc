// GuestMemory: the one place that bounds-checks guest pointers.
//
// A guest hands the host (pointer, length) pairs into its linear memory; any
// of them may be garbage. Every access goes through this class, which checks
// the whole range [ptr, ptr + len) against the memory's size in 64-bit
// arithmetic (so ptr + len never wraps) and refuses, without touching host
// memory, when it does not fit. A zero-length range is valid anywhere up to
// and including the end of memory (ptr == size).
//
// Multi-byte values are little-endian, as in WebAssembly, and need no
// alignment.
//
// Ownership and lifetime: a view, not an owner. memory.grow may move the
// guest's memory, so build a GuestMemory from CallContext::Memory() at the
// start of each host call and drop it at the end.
//
// Thread safety: none needed; it is only used inside one host call, on the
// guest's thread.
#ifndef PARIGOT_HOST_ABI_GUEST_MEMORY_H_
#define PARIGOT_HOST_ABI_GUEST_MEMORY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace parigot::abi {

class GuestMemory {
 public:
  explicit GuestMemory(std::span<uint8_t> memory) : memory_(memory) {}

  size_t size() const { return memory_.size(); }

  // True if [ptr, ptr + len) lies inside memory.
  bool InBounds(uint32_t ptr, uint64_t len) const {
    return static_cast<uint64_t>(ptr) + len <= memory_.size();
  }

  // The bytes [ptr, ptr + len), or nullopt if out of bounds. The span aliases
  // guest memory: the guest may change it, so copy before validating.
  std::optional<std::span<const uint8_t>> Read(uint32_t ptr, uint32_t len) const;
  // Same as Read, as text (no UTF-8 check).
  std::optional<std::string_view> ReadString(uint32_t ptr, uint32_t len) const;
  // Writable view of [ptr, ptr + len), or nullopt if out of bounds.
  std::optional<std::span<uint8_t>> Span(uint32_t ptr, uint32_t len);

  std::optional<uint32_t> ReadU32(uint32_t ptr) const;
  std::optional<uint64_t> ReadU64(uint32_t ptr) const;

  // Each returns false, writing nothing, if the range is out of bounds.
  [[nodiscard]] bool Write(uint32_t ptr, std::span<const uint8_t> bytes);
  [[nodiscard]] bool WriteU8(uint32_t ptr, uint8_t value);
  [[nodiscard]] bool WriteU16(uint32_t ptr, uint16_t value);
  [[nodiscard]] bool WriteU32(uint32_t ptr, uint32_t value);
  [[nodiscard]] bool WriteU64(uint32_t ptr, uint64_t value);

 private:
  std::span<uint8_t> memory_;
};

}  // namespace parigot::abi

#endif  // PARIGOT_HOST_ABI_GUEST_MEMORY_H_
