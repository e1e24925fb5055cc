#include "parigot/id.h"

#include <gtest/gtest.h>

#include <type_traits>
#include <unordered_set>

namespace parigot {
namespace {

// The one-line cost of a new id type.
using WidgetId = Id<'w', "wdg">;

TEST(IdTest, ZeroIsDefault) {
  ServiceId id;
  EXPECT_TRUE(id.IsZero());
  EXPECT_FALSE(id.IsEmpty());
  EXPECT_EQ(id, ServiceId::Zero());
  EXPECT_EQ(id.high(), 0u);
  EXPECT_EQ(id.low(), 0u);
}

TEST(IdTest, EmptyHasTypeByteOnly) {
  ServiceId id = ServiceId::Empty();
  EXPECT_TRUE(id.IsEmpty());
  EXPECT_FALSE(id.IsZero());
  EXPECT_EQ(id.high(), std::uint64_t{'s'} << 56);
  EXPECT_EQ(id.low(), 0u);
  EXPECT_NE(id, ServiceId::Zero());
}

TEST(IdTest, NewRandomLayout) {
  ServiceId id =
      ServiceId::NewRandom(0xffffffffffffffffULL, 0x0123456789ab3fa2ULL);
  EXPECT_EQ(id.high() >> 56, std::uint64_t{'s'});
  EXPECT_EQ(id.high() & ((std::uint64_t{1} << 56) - 1),
            0x00ffffffffffffffULL);
  EXPECT_EQ(id.low(), 0x0123456789ab3fa2ULL);
  EXPECT_FALSE(id.IsZero());
  EXPECT_FALSE(id.IsEmpty());
}

TEST(IdTest, NewRandomNeverEmpty) {
  // Only the type byte is taken from the caller's high bits: still empty
  // payload, so it is nudged.
  CallId id = CallId::NewRandom(0xff00000000000000ULL, 0);
  EXPECT_FALSE(id.IsEmpty());
  EXPECT_FALSE(id.IsZero());
  EXPECT_EQ(id.high() >> 56, std::uint64_t{'c'});
}

TEST(IdTest, ShortForm) {
  ServiceId id = ServiceId::NewRandom(1, 0xabcd3fa2);
  EXPECT_EQ(id.Short(), "[svc-3fa2]");
  EXPECT_EQ(GuestId::NewRandom(1, 0x7).Short(), "[gst-0007]");
  EXPECT_EQ(ServiceId::Zero().Short(), "[svc-zero]");
  EXPECT_EQ(MethodId::Empty().Short(), "[mth-empty]");
}

TEST(IdTest, StringFormRoundTrips) {
  HostId id = HostId::NewRandom(0x00123456789abcdeULL, 0xfedcba9876543210ULL);
  EXPECT_EQ(id.String(), "hst-68123456789abcdefedcba9876543210");
  std::optional<HostId> parsed = HostId::Parse(id.String());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, id);
  EXPECT_EQ(HostId::Parse("hst-68123456789ABCDEFEDCBA9876543210"), id);
  EXPECT_EQ(HostId::Parse(HostId::Zero().String()), HostId::Zero());
  EXPECT_EQ(HostId::Parse(HostId::Empty().String()), HostId::Empty());
}

TEST(IdTest, ParseRejectsBadText) {
  HostId id = HostId::NewRandom(5, 6);
  std::string text = id.String();
  EXPECT_FALSE(HostId::Parse("").has_value());
  EXPECT_FALSE(HostId::Parse(text.substr(1)).has_value());
  EXPECT_FALSE(HostId::Parse(text + "0").has_value());
  EXPECT_FALSE(HostId::Parse("hst-68zz3456789abcdefedcba9876543210"));
  EXPECT_FALSE(HostId::Parse("hst_68123456789abcdefedcba9876543210"));
  // Right prefix, wrong type byte (a service's bits).
  EXPECT_FALSE(HostId::Parse("hst-73123456789abcdefedcba9876543210"));
  // Another type's text.
  EXPECT_FALSE(ServiceId::Parse(text).has_value());
}

TEST(IdTest, FromRawValidatesTypeByte) {
  ServiceId id = ServiceId::NewRandom(99, 100);
  std::optional<ServiceId> same = ServiceId::FromRaw(id.high(), id.low());
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(*same, id);
  EXPECT_EQ(ServiceId::FromRaw(0, 0), ServiceId::Zero());
  EXPECT_FALSE(ServiceId::FromRaw(0, 5).has_value());
  EXPECT_FALSE(CallId::FromRaw(id.high(), id.low()).has_value());
}

TEST(IdTest, Ordering) {
  MethodId a = MethodId::NewRandom(1, 9);
  MethodId b = MethodId::NewRandom(2, 0);
  MethodId c = MethodId::NewRandom(2, 1);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(MethodId::Zero(), MethodId::Empty());
  EXPECT_NE(a, b);
  EXPECT_EQ(a, MethodId::NewRandom(1, 9));
}

TEST(IdTest, HashWorksInUnorderedSet) {
  std::unordered_set<CallId> ids;
  for (std::uint64_t i = 0; i < 100; ++i) ids.insert(CallId::NewRandom(i, i));
  ids.insert(CallId::NewRandom(0, 1));  // Same as the nudged (0, 0).
  ids.insert(CallId::Zero());
  ids.insert(CallId::Empty());
  EXPECT_TRUE(ids.contains(CallId::NewRandom(42, 42)));
  EXPECT_TRUE(ids.contains(CallId::Zero()));
  EXPECT_TRUE(ids.contains(CallId::Empty()));
  EXPECT_EQ(ids.size(), 102u);
  EXPECT_NE(std::hash<CallId>()(CallId::Zero()),
            std::hash<CallId>()(CallId::Empty()));
}

TEST(IdTest, TypesAreDistinct) {
  static_assert(!std::is_same_v<ServiceId, GuestId>);
  static_assert(!std::is_convertible_v<ServiceId, CallId>);
  static_assert(std::is_trivially_copyable_v<ServiceId>);
  static_assert(sizeof(ServiceId) == 16);
  EXPECT_EQ(WidgetId::NewRandom(1, 0xbeef).Short(), "[wdg-beef]");
  EXPECT_EQ(WidgetId::kTypeByte, 'w');
  EXPECT_EQ(WidgetId::kPrefixText, "wdg");
}

TEST(IdTest, ConstexprUsable) {
  constexpr ServiceId kId = ServiceId::NewRandom(1, 2);
  static_assert(kId.low() == 2);
  static_assert(!kId.IsZero());
  static_assert(ServiceId::Empty().IsEmpty());
  static_assert(ServiceId::FromRaw(0, 1) == std::nullopt);
  EXPECT_EQ(kId.high() & 0xff, 1u);
}

}  // namespace
}  // namespace parigot
