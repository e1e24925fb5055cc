#include "random_ours.h"

#include <bit>
#include <cmath>
#include <limits>

namespace codec_test {
namespace {

using ours::codectest::other::v1::Color;
using ours::codectest::other::v1::Point;
using ours::codectest::v1::Closed;
using ours::codectest::v1::Everything;
using ours::codectest::v1::Legacy;
using ours::codectest::v1::Mood;

bool Chance(Rng& rng, int percent) { return rng() % 100 < static_cast<unsigned>(percent); }

int64_t Int(Rng& rng, int bits, bool is_signed) {
  uint64_t v;
  switch (rng() % 5) {
    case 0: v = 0; break;
    case 1: v = rng() % 300; break;
    case 2: v = is_signed ? static_cast<uint64_t>(-static_cast<int64_t>(rng() % 300)) : ~uint64_t{0}; break;
    case 3: v = uint64_t{1} << (bits - 1); break;
    default: v = rng() >> (rng() % 64); break;
  }
  if (bits == 32) {
    return is_signed ? static_cast<int32_t>(static_cast<uint32_t>(v))
                     : static_cast<int64_t>(static_cast<uint32_t>(v));
  }
  return static_cast<int64_t>(v);
}
int32_t I32(Rng& rng) { return static_cast<int32_t>(Int(rng, 32, true)); }
int64_t I64(Rng& rng) { return Int(rng, 64, true); }
uint32_t U32(Rng& rng) { return static_cast<uint32_t>(Int(rng, 32, false)); }
uint64_t U64(Rng& rng) { return static_cast<uint64_t>(Int(rng, 64, false)); }
double Dbl(Rng& rng) {
  switch (rng() % 4) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return -std::numeric_limits<double>::infinity();
    default: {
      double d = std::bit_cast<double>(rng());
      return std::isnan(d) ? 3.5 : d;
    }
  }
}
float Flt(Rng& rng) {
  float f = std::bit_cast<float>(static_cast<uint32_t>(rng()));
  return std::isnan(f) || Chance(rng, 30) ? 0.5f : f;
}
std::string Str(Rng& rng) {
  static const char* const kPieces[] = {"a", "b", "\xc3\xa9", "\xf0\x9f\x98\x80", "xyz", "\n"};
  std::string s;
  for (int n = static_cast<int>(rng() % 6); n > 0; --n) s += kPieces[rng() % 6];
  return s;
}
std::string Bytes(Rng& rng) {
  std::string s(rng() % 10, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}
Mood AMood(Rng& rng) {
  static const Mood kMoods[] = {Mood::MOOD_UNSPECIFIED, Mood::HAPPY, Mood::SAD,
                                Mood::GRUMPY, Mood::MIN_MOOD};
  return Chance(rng, 20) ? static_cast<Mood>(I32(rng)) : kMoods[rng() % 5];
}
Point APoint(Rng& rng) { return Point{.x = I32(rng), .y = I32(rng), .label = Str(rng)}; }

Everything::Nested ANested(Rng& rng, int depth) {
  Everything::Nested n{.a = I32(rng), .b = Str(rng)};
  if (depth > 0) {
    for (int k = static_cast<int>(rng() % 3); k > 0; --k) n.children.push_back(ANested(rng, depth - 1));
  }
  n.depth = static_cast<Everything::Nested::Depth>(rng() % 3);
  return n;
}

template <typename T, typename F>
std::vector<T> Vec(Rng& rng, F make) {
  std::vector<T> v;
  for (int n = static_cast<int>(rng() % 5); n > 0; --n) v.push_back(make());
  return v;
}

}  // namespace

Everything RandomEverything(Rng& rng, int depth) {
  Everything e;
  auto maybe = [&](auto& field, auto make) {
    if (Chance(rng, 60)) field = make();
  };
  maybe(e.f_int32, [&] { return I32(rng); });
  maybe(e.f_int64, [&] { return I64(rng); });
  maybe(e.f_uint32, [&] { return U32(rng); });
  maybe(e.f_uint64, [&] { return U64(rng); });
  maybe(e.f_sint32, [&] { return I32(rng); });
  maybe(e.f_sint64, [&] { return I64(rng); });
  maybe(e.f_fixed32, [&] { return U32(rng); });
  maybe(e.f_fixed64, [&] { return U64(rng); });
  maybe(e.f_sfixed32, [&] { return I32(rng); });
  maybe(e.f_sfixed64, [&] { return I64(rng); });
  maybe(e.f_float, [&] { return Flt(rng); });
  maybe(e.f_double, [&] { return Dbl(rng); });
  maybe(e.f_bool, [&] { return Chance(rng, 50); });
  maybe(e.f_string, [&] { return Str(rng); });
  maybe(e.f_bytes, [&] { return Bytes(rng); });
  maybe(e.f_mood, [&] { return AMood(rng); });
  maybe(e.f_color, [&] { return static_cast<Color>(I32(rng)); });
  if (Chance(rng, 50)) e.f_nested = ANested(rng, depth);
  if (Chance(rng, 50)) e.f_point = APoint(rng);
  maybe(e.f_depth, [&] { return Everything::Nested::Depth::DEEP; });
  e.r_int32 = Vec<int32_t>(rng, [&] { return I32(rng); });
  e.r_int64 = Vec<int64_t>(rng, [&] { return I64(rng); });
  e.r_uint32 = Vec<uint32_t>(rng, [&] { return U32(rng); });
  e.r_uint64 = Vec<uint64_t>(rng, [&] { return U64(rng); });
  e.r_sint32 = Vec<int32_t>(rng, [&] { return I32(rng); });
  e.r_sint64 = Vec<int64_t>(rng, [&] { return I64(rng); });
  e.r_fixed32 = Vec<uint32_t>(rng, [&] { return U32(rng); });
  e.r_fixed64 = Vec<uint64_t>(rng, [&] { return U64(rng); });
  e.r_sfixed32 = Vec<int32_t>(rng, [&] { return I32(rng); });
  e.r_sfixed64 = Vec<int64_t>(rng, [&] { return I64(rng); });
  e.r_float = Vec<float>(rng, [&] { return Flt(rng); });
  e.r_double = Vec<double>(rng, [&] { return Dbl(rng); });
  e.r_bool = Vec<bool>(rng, [&] { return Chance(rng, 50); });
  e.r_string = Vec<std::string>(rng, [&] { return Str(rng); });
  e.r_bytes = Vec<std::string>(rng, [&] { return Bytes(rng); });
  e.r_mood = Vec<Mood>(rng, [&] { return AMood(rng); });
  e.r_nested = Vec<Everything::Nested>(rng, [&] { return ANested(rng, depth - 1); });
  e.r_point = Vec<Point>(rng, [&] { return APoint(rng); });
  e.u_int32 = Vec<int32_t>(rng, [&] { return I32(rng); });
  e.u_sint64 = Vec<int64_t>(rng, [&] { return I64(rng); });
  e.u_fixed32 = Vec<uint32_t>(rng, [&] { return U32(rng); });
  e.u_double = Vec<double>(rng, [&] { return Dbl(rng); });
  e.u_bool = Vec<bool>(rng, [&] { return Chance(rng, 50); });
  e.u_mood = Vec<Mood>(rng, [&] { return AMood(rng); });
  for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
    e.m_string_string[Str(rng)] = Str(rng);
    e.m_int32_int64[I32(rng)] = I64(rng);
    e.m_uint64_nested[U64(rng)] = ANested(rng, depth - 1);
    e.m_sint32_mood[I32(rng)] = AMood(rng);
    e.m_bool_bytes[Chance(rng, 50)] = Bytes(rng);
    e.m_fixed64_double[U64(rng)] = Dbl(rng);
    e.m_sfixed32_point[I32(rng)] = APoint(rng);
    if (depth > 0 && Chance(rng, 30)) {
      e.m_string_everything[Str(rng)] = RandomEverything(rng, depth - 1);
    }
  }
  switch (rng() % 8) {
    case 1: e.choice = I32(rng); break;
    case 2: e.choice.emplace<Everything::kCString>(Str(rng)); break;
    case 3: e.choice = ANested(rng, depth - 1); break;
    case 4: e.choice.emplace<Everything::kCBytes>(Bytes(rng)); break;
    case 5: e.choice = AMood(rng); break;
    case 6: e.choice = Dbl(rng); break;
    case 7: e.choice.emplace<Everything::kCOtherString>(Str(rng)); break;
    default: break;
  }
  maybe(e.o_int32, [&] { return I32(rng); });
  maybe(e.o_string, [&] { return Str(rng); });
  maybe(e.o_mood, [&] { return AMood(rng); });
  maybe(e.o_double, [&] { return Dbl(rng); });
  maybe(e.o_bool, [&] { return Chance(rng, 50); });
  maybe(e.o_uint64, [&] { return U64(rng); });
  if (depth > 0 && Chance(rng, 40)) e.recursive = RandomEverything(rng, depth - 1);
  if (depth > 0 && Chance(rng, 20)) {
    e.r_recursive = Vec<Everything>(rng, [&] { return RandomEverything(rng, depth - 2); });
  }
  maybe(e.class_, [&] { return I32(rng); });
  maybe(e.namespace_, [&] { return Str(rng); });
  maybe(e.big_number, [&] { return I32(rng); });
  return e;
}

Legacy RandomLegacy(Rng& rng, int depth) {
  static const Closed kClosed[] = {Closed::CLOSED_ONE, Closed::CLOSED_TWO, Closed::CLOSED_NEG};
  Legacy l;
  l.id = I32(rng);
  if (Chance(rng, 50)) l.name = Bytes(rng);  // proto2 strings are not validated
  if (Chance(rng, 50)) l.big = I64(rng);
  if (Chance(rng, 50)) l.u = U32(rng);
  if (Chance(rng, 50)) l.ratio = Flt(rng);
  if (Chance(rng, 50)) l.inf = Dbl(rng);
  if (Chance(rng, 50)) l.flag = Chance(rng, 50);
  if (Chance(rng, 50)) l.blob = Bytes(rng);
  if (Chance(rng, 50)) l.closed = kClosed[rng() % 3];
  l.unpacked = Vec<int32_t>(rng, [&] { return I32(rng); });
  l.packed = Vec<int32_t>(rng, [&] { return I32(rng); });
  if (depth > 0 && Chance(rng, 50)) l.child = RandomLegacy(rng, depth - 1);
  l.closed_list = Vec<Closed>(rng, [&] { return kClosed[rng() % 3]; });
  if (Chance(rng, 50)) l.neg_default = I32(rng);
  if (Chance(rng, 50)) {
    auto& nest = l.nest.mutable_value();
    if (Chance(rng, 50)) nest.level = I32(rng);
    if (depth > 0 && Chance(rng, 50)) nest.inner = RandomLegacy(rng, depth - 1);
    nest.leaf.resize(rng() % 3);
    for (auto& leaf : nest.leaf) {
      if (Chance(rng, 70)) leaf.text = Bytes(rng);
    }
  }
  return l;
}

}  // namespace codec_test
