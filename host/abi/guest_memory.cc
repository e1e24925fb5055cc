#include "host/abi/guest_memory.h"

#include <cstring>

namespace parigot::abi {

namespace {
template <typename T>
void StoreLe(uint8_t* out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i) out[i] = static_cast<uint8_t>(value >> (8 * i));
}
template <typename T>
T LoadLe(const uint8_t* in) {
  T value = 0;
  for (size_t i = 0; i < sizeof(T); ++i) value |= static_cast<T>(in[i]) << (8 * i);
  return value;
}
}  // namespace

std::optional<std::span<const uint8_t>> GuestMemory::Read(uint32_t ptr, uint32_t len) const {
  if (!InBounds(ptr, len)) return std::nullopt;
  return std::span<const uint8_t>(memory_.data() + ptr, len);
}

std::optional<std::string_view> GuestMemory::ReadString(uint32_t ptr, uint32_t len) const {
  if (!InBounds(ptr, len)) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(memory_.data()) + ptr, len);
}

std::optional<std::span<uint8_t>> GuestMemory::Span(uint32_t ptr, uint32_t len) {
  if (!InBounds(ptr, len)) return std::nullopt;
  return std::span<uint8_t>(memory_.data() + ptr, len);
}

std::optional<uint32_t> GuestMemory::ReadU32(uint32_t ptr) const {
  if (!InBounds(ptr, 4)) return std::nullopt;
  return LoadLe<uint32_t>(memory_.data() + ptr);
}

std::optional<uint64_t> GuestMemory::ReadU64(uint32_t ptr) const {
  if (!InBounds(ptr, 8)) return std::nullopt;
  return LoadLe<uint64_t>(memory_.data() + ptr);
}

bool GuestMemory::Write(uint32_t ptr, std::span<const uint8_t> bytes) {
  if (!InBounds(ptr, bytes.size())) return false;
  if (!bytes.empty()) std::memmove(memory_.data() + ptr, bytes.data(), bytes.size());
  return true;
}

bool GuestMemory::WriteU8(uint32_t ptr, uint8_t value) {
  if (!InBounds(ptr, 1)) return false;
  memory_[ptr] = value;
  return true;
}

bool GuestMemory::WriteU16(uint32_t ptr, uint16_t value) {
  if (!InBounds(ptr, 2)) return false;
  StoreLe(memory_.data() + ptr, value);
  return true;
}

bool GuestMemory::WriteU32(uint32_t ptr, uint32_t value) {
  if (!InBounds(ptr, 4)) return false;
  StoreLe(memory_.data() + ptr, value);
  return true;
}

bool GuestMemory::WriteU64(uint32_t ptr, uint64_t value) {
  if (!InBounds(ptr, 8)) return false;
  StoreLe(memory_.data() + ptr, value);
  return true;
}

}  // namespace parigot::abi
