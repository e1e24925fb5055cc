// Oracle tests: our generated codec against libprotobuf for the same .proto
// files, both directions, over thousands of fixed-seed random messages. Our
// encoding must equal libprotobuf's deterministic encoding byte for byte
// (fields in number order, map entries sorted by key), and each side must
// parse the other's bytes into an equal message.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include <google/protobuf/util/message_differencer.h>

#include "codectest/v1/everything.pb.h"
#include "codectest/v1/legacy.pb.h"
#include "random_ours.h"
#include "random_pb.h"

namespace codec_test {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr int kIterations = 3000;

// pb -> bytes -> ours -> bytes -> pb.
// Total bytes exercised, to check the random messages are not trivial.
size_t g_total_bytes = 0;

template <typename Ours, typename Pb>
void PbToOurs(const Pb& original) {
  std::string bytes = DeterministicBytes(original);
  g_total_bytes += bytes.size();
  Ours ours;
  ASSERT_TRUE(ours.ParseFromString(bytes)) << original.DebugString();
  EXPECT_EQ(ours.ByteSizeLong(), bytes.size());
  std::string ours_bytes = ours.SerializeAsString();
  EXPECT_EQ(ours_bytes, bytes) << original.DebugString();
  Pb back;
  ASSERT_TRUE(back.ParseFromString(ours_bytes));
  EXPECT_TRUE(MessageDifferencer::Equals(original, back))
      << original.DebugString() << "\nvs\n" << back.DebugString();
}

// ours -> bytes -> pb -> bytes -> ours.
template <typename Pb, typename Ours>
void OursToPb(const Ours& original) {
  std::string bytes = original.SerializeAsString();
  g_total_bytes += bytes.size();
  Pb pb;
  ASSERT_TRUE(pb.ParseFromString(bytes));
  std::string pb_bytes = DeterministicBytes(pb);
  EXPECT_EQ(pb_bytes, bytes) << pb.DebugString();
  Ours back;
  ASSERT_TRUE(back.ParseFromString(pb_bytes));
  EXPECT_TRUE(back == original) << pb.DebugString();
}

TEST(OracleTest, RandomEverythingFromLibprotobuf) {
  Rng rng(1);
  for (int i = 0; i < kIterations && !HasFailure(); ++i) {
    codectest::v1::Everything pb;
    RandomizePb(&pb, rng, 3);
    PbToOurs<ours::codectest::v1::Everything>(pb);
  }
  EXPECT_GT(g_total_bytes, size_t{kIterations} * 200);
}

TEST(OracleTest, RandomEverythingFromOurs) {
  Rng rng(2);
  for (int i = 0; i < kIterations && !HasFailure(); ++i) {
    OursToPb<codectest::v1::Everything>(RandomEverything(rng, 3));
  }
}

TEST(OracleTest, RandomLegacyBothWays) {
  Rng rng(3);
  for (int i = 0; i < kIterations && !HasFailure(); ++i) {
    codectest::v1::Legacy pb;
    RandomizePb(&pb, rng, 3);
    PbToOurs<ours::codectest::v1::Legacy>(pb);
    OursToPb<codectest::v1::Legacy>(RandomLegacy(rng, 3));
  }
}

TEST(OracleTest, EmptyAndDefaults) {
  PbToOurs<ours::codectest::v1::Everything>(codectest::v1::Everything());
  ours::codectest::v1::Everything e;
  EXPECT_EQ(e.SerializeAsString(), "");
  // Presence: explicitly set defaults are written.
  e.o_int32 = 0;
  e.choice = 0;
  e.f_nested.emplace();
  OursToPb<codectest::v1::Everything>(e);
  EXPECT_EQ(e.SerializeAsString().size(), 3u + 3u + 3u);
}

TEST(OracleTest, Proto2Defaults) {
  using ours::codectest::v1::Legacy;
  codectest::v1::Legacy pb;
  EXPECT_EQ(Legacy::kNameDefault, pb.name());
  EXPECT_EQ(Legacy::kBigDefault, pb.big());
  EXPECT_EQ(Legacy::kUDefault, pb.u());
  EXPECT_EQ(Legacy::kRatioDefault, pb.ratio());
  EXPECT_EQ(Legacy::kInfDefault, pb.inf());
  EXPECT_TRUE(std::isnan(Legacy::kNanDefault));
  EXPECT_EQ(Legacy::kFlagDefault, pb.flag());
  EXPECT_EQ(Legacy::kBlobDefault, pb.blob());
  EXPECT_EQ(static_cast<int>(Legacy::kClosedDefault), static_cast<int>(pb.closed()));
  EXPECT_EQ(static_cast<int>(Legacy::kClosedNoDefaultDefault),
            static_cast<int>(pb.closed_no_default()));
  EXPECT_EQ(Legacy::kNegDefaultDefault, pb.neg_default());
  EXPECT_EQ(Legacy::kBigUnsignedDefault, pb.big_unsigned());
  EXPECT_EQ(Legacy::kSmallFloatDefault, pb.small_float());
  Legacy l;
  EXPECT_EQ(l.closed.value_or(Legacy::kClosedDefault), ours::codectest::v1::Closed::CLOSED_TWO);
}

TEST(OracleTest, PackedAndUnpackedAreBothAccepted) {
  // libprotobuf writes r_int32 packed and u_int32 unpacked; feed each the
  // other's encoding by swapping field numbers 31 and 51.
  codectest::v1::Everything pb;
  for (int v : {1, -1, 300, 0}) {
    pb.add_r_int32(v);
    pb.add_u_int32(v);
  }
  std::string bytes = DeterministicBytes(pb);
  // r_int32 (31, packed): tag 0xfa 0x01; u_int32 (51, unpacked): tag 0x98 0x03.
  std::string swapped;
  codectest::v1::Everything as_unpacked;
  as_unpacked.mutable_u_int32()->CopyFrom(pb.r_int32());
  std::string unpacked_bytes = DeterministicBytes(as_unpacked);
  // Rewrite each u_int32 tag (51 << 3 | 0 = 408 = 0x98 0x03) to field 31.
  for (size_t i = 0; i < unpacked_bytes.size(); ++i) {
    if (static_cast<uint8_t>(unpacked_bytes[i]) == 0x98 && unpacked_bytes[i + 1] == 0x03) {
      swapped += "\xf8\x01";  // 31 << 3 | 0
      ++i;
    } else {
      swapped += unpacked_bytes[i];
    }
  }
  ours::codectest::v1::Everything ours;
  ASSERT_TRUE(ours.ParseFromString(swapped));
  EXPECT_EQ(ours.r_int32, (std::vector<int32_t>{1, -1, 300, 0}));
  // Packed data for an unpacked field: 51 << 3 | 2, length 2, values 5, 6.
  ASSERT_TRUE(ours.ParseFromString(std::string("\x9a\x03\x02\x05\x06", 5)));
  EXPECT_EQ(ours.u_int32, (std::vector<int32_t>{5, 6}));
  ASSERT_TRUE(ours.ParseFromString(bytes));
  EXPECT_EQ(ours.SerializeAsString(), bytes);
}

TEST(OracleTest, ExtensionsAndUnknownFieldsAreSkipped) {
  codectest::v1::Legacy pb;
  pb.set_id(4);
  pb.SetExtension(codectest::v1::ext_value, 99);
  ours::codectest::v1::Legacy ours;
  ASSERT_TRUE(ours.ParseFromString(pb.SerializeAsString()));
  EXPECT_EQ(ours.id, 4);
  // Unknown fields of every wire type, including a nested group.
  std::string unknown = std::string("\xa8\x06\x01", 3) +               // 101 varint
                        "\xa9\x06" + std::string(8, '\x01') +          // 101 fixed64
                        "\xaa\x06\x02hi" +                             // 101 bytes
                        "\xad\x06" + std::string(4, '\x02') +          // 101 fixed32
                        "\xab\x06\xb3\x06\x08\x01\xb4\x06\xac\x06";    // groups 101{102{}}
  ASSERT_TRUE(ours.ParseFromString(pb.SerializeAsString() + unknown));
  EXPECT_EQ(ours.id, 4);
  codectest::v1::Legacy pb2;
  ASSERT_TRUE(pb2.ParseFromString(pb.SerializeAsString() + unknown));  // oracle agrees
}

TEST(OracleTest, LastValueWinsAndMessagesMerge) {
  codectest::v1::Everything a, b;
  a.set_f_int32(1);
  a.mutable_f_nested()->set_a(5);
  b.set_f_int32(2);
  b.mutable_f_nested()->set_b("x");
  std::string both = a.SerializeAsString() + b.SerializeAsString();
  codectest::v1::Everything merged;
  ASSERT_TRUE(merged.ParseFromString(both));
  ours::codectest::v1::Everything ours;
  ASSERT_TRUE(ours.ParseFromString(both));
  EXPECT_EQ(ours.SerializeAsString(), DeterministicBytes(merged));
  EXPECT_EQ(ours.f_nested->a, 5);
  EXPECT_EQ(ours.f_nested->b, "x");
}

// A Legacy nested `rounds` deep through nest.inner (a group, then a
// message: two levels a round), with `bottom` appended to the innermost
// Legacy's encoding.
std::string NestedLegacy(int rounds, const std::string& bottom) {
  auto varint = [](size_t v) {
    std::string out;
    for (; v >= 0x80; v >>= 7) out += static_cast<char>(0x80 | (v & 0x7f));
    return out + static_cast<char>(v);
  };
  const std::string id = "\x08\x01";                           // id = 1
  const std::string start = "\x9b\x01", end = "\x9c\x01";     // group nest = 19
  const std::string inner_tag = "\xaa\x01";                    // inner = 21, bytes
  std::string legacy = id + bottom;
  for (int i = 0; i < rounds; ++i) {
    legacy = id + start + inner_tag + varint(legacy.size()) + legacy + end;
  }
  return legacy;
}

// Nesting: ours accepts exactly the depths libprotobuf accepts (100 levels;
// messages, known groups and skipped unknown groups count alike).
TEST(OracleTest, NestingLimitMatchesLibprotobuf) {
  int accepted = 0, rejected = 0;
  auto agree = [&](const std::string& bytes, const std::string& what) {
    codectest::v1::Legacy pb;
    bool pb_ok = pb.ParseFromString(bytes);
    ours::codectest::v1::Legacy ours;
    EXPECT_EQ(ours.ParseFromString(bytes), pb_ok) << what;
    (pb_ok ? accepted : rejected) += 1;
  };
  const std::string unknown_group = "\xab\x06\xac\x06";  // group 101 {}
  for (int rounds = 45; rounds <= 55; ++rounds) {
    agree(NestedLegacy(rounds, ""), "rounds " + std::to_string(rounds));
    agree(NestedLegacy(rounds, unknown_group),
          "rounds " + std::to_string(rounds) + " and an unknown group");
  }
  // Unknown groups only: field 101 nested n deep.
  for (int n = 95; n <= 105; ++n) {
    std::string bytes = "\x08\x01";
    for (int i = 0; i < n; ++i) bytes += "\xab\x06";
    for (int i = 0; i < n; ++i) bytes += "\xac\x06";
    agree(bytes, "unknown groups " + std::to_string(n));
  }
  // Both outcomes occurred, so the limit itself was compared.
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace codec_test

namespace codec_test {
namespace {

// Not a benchmark (bench/ owns those): prints ours vs libprotobuf per-message
// times for the same random messages, so regressions are visible in logs.
TEST(OracleTest, PerfSmoke) {
  Rng rng(99);
  std::vector<codectest::v1::Everything> pbs(200);
  std::vector<ours::codectest::v1::Everything> ours(pbs.size());
  std::vector<std::string> bytes;
  for (size_t i = 0; i < pbs.size(); ++i) {
    RandomizePb(&pbs[i], rng, 2);
    bytes.push_back(pbs[i].SerializeAsString());
    ASSERT_TRUE(ours[i].ParseFromString(bytes.back()));
  }
  auto time_ns = [&](auto fn) {
    auto start = std::chrono::steady_clock::now();
    constexpr int kRounds = 20;
    for (int r = 0; r < kRounds; ++r) fn();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - start).count();
    return ns / (kRounds * static_cast<int64_t>(pbs.size()));
  };
  size_t sink = 0;
  int64_t ours_ser = time_ns([&] { for (auto& m : ours) sink += m.SerializeAsString().size(); });
  int64_t pb_ser = time_ns([&] { for (auto& m : pbs) sink += m.SerializeAsString().size(); });
  int64_t ours_parse = time_ns([&] {
    ours::codectest::v1::Everything m;
    for (auto& b : bytes) sink += m.ParseFromString(b);
  });
  int64_t pb_parse = time_ns([&] {
    codectest::v1::Everything m;
    for (auto& b : bytes) sink += m.ParseFromString(b);
  });
  std::printf("serialize ns/msg: ours %lld, libprotobuf %lld\n"
              "parse     ns/msg: ours %lld, libprotobuf %lld (sink %zu)\n",
              static_cast<long long>(ours_ser), static_cast<long long>(pb_ser),
              static_cast<long long>(ours_parse), static_cast<long long>(pb_parse), sink);
}

}  // namespace
}  // namespace codec_test

namespace codec_test {
namespace {

// Both sides accept the same nesting depth (libprotobuf's default limit 100).
TEST(OracleTest, SameNestingLimitAsLibprotobuf) {
  for (int levels : {98, 99, 100, 101, 102}) {
    codectest::v1::Everything pb;
    codectest::v1::Everything* cur = &pb;
    for (int i = 0; i < levels; ++i) cur = cur->mutable_recursive();
    cur->set_f_int32(1);
    std::string bytes = pb.SerializeAsString();
    codectest::v1::Everything pb_parsed;
    ours::codectest::v1::Everything ours_parsed;
    EXPECT_EQ(ours_parsed.ParseFromString(bytes), pb_parsed.ParseFromString(bytes))
        << levels << " levels";
  }
}

}  // namespace
}  // namespace codec_test
