// Malformed input never crashes the decoder: every truncation and bit flip of
// valid encodings, random garbage, and hand-made cases (truncated or
// over-long varints, lengths past the end, bad wire types, field number 0,
// stray or mismatched end-groups, nesting past the limit, invalid UTF-8).
// Also built with ASan/UBSan (codec_malformed_asan_test).
#include <gtest/gtest.h>

#include <chrono>

#include "random_ours.h"

namespace codec_test {
namespace {

using ours::codectest::v1::Everything;

// Parses `bytes`; if that succeeds the result must re-encode and re-parse to
// an equal message.
bool ParseChecked(std::string_view bytes) {
  Everything e;
  if (!e.ParseFromString(bytes)) {
    EXPECT_TRUE(e == Everything{});  // left default on failure
    return false;
  }
  Everything again;
  EXPECT_TRUE(again.ParseFromString(e.SerializeAsString()));
  return true;
}

TEST(MalformedTest, EveryTruncationAndBitFlip) {
  Rng rng(11);
  for (int i = 0; i < 60; ++i) {
    std::string bytes = RandomEverything(rng, 2).SerializeAsString();
    for (size_t n = 0; n < bytes.size(); ++n) ParseChecked(std::string_view(bytes).substr(0, n));
    for (int k = 0; k < 200 && !bytes.empty(); ++k) {
      std::string flipped = bytes;
      flipped[rng() % flipped.size()] ^= static_cast<char>(1u << (rng() % 8));
      ParseChecked(flipped);
    }
  }
}

TEST(MalformedTest, RandomGarbage) {
  Rng rng(12);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    ParseChecked(bytes);
  }
}

std::string S(const char* s, size_t n) { return std::string(s, n); }

TEST(MalformedTest, HandMadeCases) {
  EXPECT_FALSE(ParseChecked(S("\x08", 1)));                 // missing value
  EXPECT_FALSE(ParseChecked(S("\x08\x80", 2)));             // truncated varint
  EXPECT_FALSE(ParseChecked(S("\x72\x05" "ab", 4)));        // length past end
  EXPECT_FALSE(ParseChecked(S("\x72\xff\xff\xff\xff\x0f", 6)));
  EXPECT_FALSE(ParseChecked(S("\x0e\x00", 2)));             // wire type 6
  EXPECT_FALSE(ParseChecked(S("\x0f\x00", 2)));             // wire type 7
  EXPECT_FALSE(ParseChecked(S("\x00\x00", 2)));             // field 0
  EXPECT_FALSE(ParseChecked(S("\x02\x00", 2)));             // field 0, bytes
  EXPECT_FALSE(ParseChecked(S("\x80\x80\x80\x80\x80\x01", 6)));  // tag > 32 bits
  EXPECT_FALSE(ParseChecked("\x08" + std::string(10, '\xff') + "\x01"));  // 11-byte varint
  EXPECT_TRUE(ParseChecked("\x08" + std::string(9, '\xff') + "\x01"));    // 10 bytes: ok
  EXPECT_FALSE(ParseChecked(S("\x0c", 1)));                 // stray end group
  EXPECT_FALSE(ParseChecked(S("\xab\x06\xb4\x06", 4)));     // group 101 ended by 102
  EXPECT_FALSE(ParseChecked(S("\xab\x06\x08\x01", 4)));     // unterminated group
  EXPECT_TRUE(ParseChecked(S("\xab\x06\x08\x01\xac\x06", 6)));
  EXPECT_FALSE(ParseChecked(S("\x3d\x01\x02", 3)));         // truncated fixed32
  EXPECT_FALSE(ParseChecked(S("\x41\x01\x02\x03", 4)));     // truncated fixed64
  EXPECT_FALSE(ParseChecked(S("\xaa\x02\x03\x01\x02\x03", 6)));  // packed fixed32, 3 bytes
  EXPECT_FALSE(ParseChecked(S("\x72\x02\xc3\x28", 4)));     // invalid UTF-8 in string
  EXPECT_FALSE(ParseChecked(S("\x72\x03\xed\xa0\x80", 5))); // surrogate
  EXPECT_FALSE(ParseChecked(S("\x72\x02\xc0\x80", 4)));     // overlong
  EXPECT_TRUE(ParseChecked(S("\x7a\x02\xc3\x28", 4)));      // bytes may hold anything
  EXPECT_FALSE(ParseChecked(S("\x92\x01\x02\x08", 4)));     // bad nested message
  EXPECT_TRUE(ParseChecked(S("\x08\x05\x10\x06", 4)));
}

std::string Nest(int levels) {
  Everything e;
  e.f_int32 = 1;
  for (int i = 0; i < levels; ++i) {
    Everything outer;
    outer.recursive = std::move(e);
    e = std::move(outer);
  }
  return e.SerializeAsString();
}

TEST(MalformedTest, NestingLimit) {
  EXPECT_TRUE(ParseChecked(Nest(90)));
  EXPECT_FALSE(ParseChecked(Nest(150)));
  EXPECT_FALSE(ParseChecked(Nest(5000)));
  // Groups nested past the limit inside an unknown field.
  std::string groups;
  for (int i = 0; i < 150; ++i) groups += "\xab\x06";
  for (int i = 0; i < 150; ++i) groups += "\xac\x06";
  EXPECT_FALSE(ParseChecked(groups));
  std::string shallow;
  for (int i = 0; i < 20; ++i) shallow += "\xab\x06";
  for (int i = 0; i < 20; ++i) shallow += "\xac\x06";
  EXPECT_TRUE(ParseChecked(shallow));
}

TEST(MalformedTest, DecodingIsLinear) {
  // 200k repeated entries and a message re-sent 20k times: both must be fast.
  Everything big;
  for (int i = 0; i < 200000; ++i) big.r_int32.push_back(i);
  for (int i = 0; i < 20000; ++i) big.r_string.push_back("s");
  std::string bytes = big.SerializeAsString();
  std::string nested_repeats;
  for (int i = 0; i < 20000; ++i) nested_repeats += S("\x92\x01\x02\x08\x01", 5);
  std::string packed_chunks;  // r_int32 as 100k one-element packed chunks
  for (int i = 0; i < 100000; ++i) packed_chunks += S("\xfa\x01\x01\x05", 4);
  auto start = std::chrono::steady_clock::now();
  Everything e;
  ASSERT_TRUE(e.ParseFromString(bytes));
  EXPECT_EQ(e, big);
  ASSERT_TRUE(e.ParseFromString(nested_repeats));
  ASSERT_TRUE(e.ParseFromString(packed_chunks));
  EXPECT_EQ(e.r_int32.size(), 100000u);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(ms, 2000);
}

TEST(MalformedTest, BoxSemantics) {
  Everything a;
  a.recursive.emplace().f_string = "x";
  Everything b = a;  // deep copy
  b.recursive->f_string = "y";
  EXPECT_EQ(a.recursive->f_string, "x");
  EXPECT_NE(a, b);
  b.recursive.reset();
  EXPECT_FALSE(b.recursive.has_value());
  EXPECT_EQ(b.recursive.value_or_default().f_string, "");
  // Oneof alternatives with the same C++ type are told apart by index.
  a.choice.emplace<Everything::kCOtherString>("o");
  Everything c;
  ASSERT_TRUE(c.ParseFromString(a.SerializeAsString()));
  EXPECT_EQ(c.choice.index(), Everything::kCOtherString);
  EXPECT_EQ(std::get<Everything::kCOtherString>(c.choice), "o");
}

}  // namespace
}  // namespace codec_test

namespace codec_test {
namespace {

TEST(GeneratedApiTest, EnumNamesAndKeywords) {
  using ours::codectest::v1::Mood;
  static_assert(ours::codectest::v1::Mood_Name(Mood::GRUMPY) == "GRUMPY");
  EXPECT_EQ(ours::codectest::v1::Mood_Name(static_cast<Mood>(77)), "");
  EXPECT_EQ(static_cast<int32_t>(Mood::MIN_MOOD), INT32_MIN);
  Everything e{.f_int32 = 1, .class_ = 2, .namespace_ = "n"};
  Everything back;
  ASSERT_TRUE(back.ParseFromString(e.SerializeAsString()));
  EXPECT_EQ(back, e);
  EXPECT_EQ(Everything::Nested::Depth::DEEP, ours::codectest::v1::Everything_Nested_Depth::DEEP);
}

}  // namespace
}  // namespace codec_test
