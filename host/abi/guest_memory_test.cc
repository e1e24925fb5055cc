#include "host/abi/guest_memory.h"

#include <gtest/gtest.h>

#include <vector>

namespace parigot::abi {
namespace {

class GuestMemoryTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kSize = 64;
  std::vector<uint8_t> bytes_ = std::vector<uint8_t>(kSize, 0xAA);
  // Sentinels around the memory catch any write outside it.
  GuestMemory mem_{std::span<uint8_t>(bytes_).subspan(8, kSize - 16)};
  static constexpr uint32_t kMem = kSize - 16;  // 48 bytes

  void ExpectSentinelsIntact() {
    for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(bytes_[i], 0xAA) << i;
    for (uint32_t i = kSize - 8; i < kSize; ++i) EXPECT_EQ(bytes_[i], 0xAA) << i;
  }
};

TEST_F(GuestMemoryTest, ReadBounds) {
  EXPECT_EQ(mem_.size(), kMem);
  EXPECT_TRUE(mem_.Read(0, kMem));
  EXPECT_TRUE(mem_.Read(0, 0));
  EXPECT_TRUE(mem_.Read(kMem - 1, 1));
  EXPECT_TRUE(mem_.Read(kMem, 0));  // zero length at the end: fine
  EXPECT_FALSE(mem_.Read(kMem, 1));
  EXPECT_FALSE(mem_.Read(kMem + 1, 0));
  EXPECT_FALSE(mem_.Read(kMem - 1, 2));
  EXPECT_FALSE(mem_.Read(0, kMem + 1));
  // ptr + len wraps around 2^32: must not pass.
  EXPECT_FALSE(mem_.Read(0xFFFFFFFFu, 2));
  EXPECT_FALSE(mem_.Read(2, 0xFFFFFFFFu));
  EXPECT_FALSE(mem_.Read(0xFFFFFFFFu, 0xFFFFFFFFu));
  EXPECT_FALSE(mem_.ReadString(0xFFFFFFF0u, 0x20));
  EXPECT_EQ(mem_.Read(4, 3)->size(), 3u);
}

TEST_F(GuestMemoryTest, IntegerReadsAtEveryEdge) {
  EXPECT_TRUE(mem_.ReadU32(kMem - 4));
  EXPECT_FALSE(mem_.ReadU32(kMem - 3));
  EXPECT_FALSE(mem_.ReadU32(0xFFFFFFFEu));
  EXPECT_TRUE(mem_.ReadU64(kMem - 8));
  EXPECT_FALSE(mem_.ReadU64(kMem - 7));
  EXPECT_FALSE(mem_.ReadU64(0xFFFFFFFCu));
}

TEST_F(GuestMemoryTest, WritesAreLittleEndianAndUnaligned) {
  ASSERT_TRUE(mem_.WriteU32(1, 0x11223344));
  EXPECT_EQ(bytes_[8 + 1], 0x44);
  EXPECT_EQ(bytes_[8 + 4], 0x11);
  EXPECT_EQ(*mem_.ReadU32(1), 0x11223344u);
  ASSERT_TRUE(mem_.WriteU64(kMem - 8, 0x0102030405060708ull));
  EXPECT_EQ(*mem_.ReadU64(kMem - 8), 0x0102030405060708ull);
  EXPECT_EQ(bytes_[8 + kMem - 8], 0x08);
  ASSERT_TRUE(mem_.WriteU16(kMem - 2, 0xBEEF));
  EXPECT_EQ(bytes_[8 + kMem - 1], 0xBE);
  ASSERT_TRUE(mem_.WriteU8(kMem - 1, 7));
  ExpectSentinelsIntact();
}

TEST_F(GuestMemoryTest, OutOfBoundsWritesWriteNothing) {
  std::vector<uint8_t> two = {1, 2};
  EXPECT_FALSE(mem_.Write(kMem - 1, two));
  EXPECT_FALSE(mem_.Write(0xFFFFFFFFu, two));
  EXPECT_TRUE(mem_.Write(kMem, {}));
  EXPECT_FALSE(mem_.WriteU8(kMem, 1));
  EXPECT_FALSE(mem_.WriteU16(kMem - 1, 1));
  EXPECT_FALSE(mem_.WriteU32(kMem - 3, 1));
  EXPECT_FALSE(mem_.WriteU32(0xFFFFFFFDu, 1));
  EXPECT_FALSE(mem_.WriteU64(kMem - 7, 1));
  EXPECT_FALSE(mem_.WriteU64(0xFFFFFFF9u, 1));
  EXPECT_FALSE(mem_.Span(kMem - 1, 2));
  EXPECT_TRUE(mem_.Span(kMem, 0));
  for (uint32_t i = 8; i < kSize - 8; ++i) EXPECT_EQ(bytes_[i], 0xAA) << i;
  ExpectSentinelsIntact();
}

TEST(GuestMemoryEmptyTest, NoMemoryAllowsOnlyEmptyAtZero) {
  GuestMemory mem({});
  EXPECT_TRUE(mem.Read(0, 0));
  EXPECT_FALSE(mem.Read(0, 1));
  EXPECT_FALSE(mem.Read(1, 0));
  EXPECT_FALSE(mem.WriteU32(0, 1));
}

}  // namespace
}  // namespace parigot::abi
