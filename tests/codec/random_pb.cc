#include "random_pb.h"

#include <limits>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace codec_test {
namespace {

namespace pb = ::google::protobuf;
using FD = pb::FieldDescriptor;

bool Chance(Rng& rng, int percent) { return rng() % 100 < static_cast<unsigned>(percent); }

int EnumValue(const FD* f, Rng& rng) {
  const pb::EnumDescriptor* e = f->enum_type();
  bool closed = f->file()->syntax() == pb::FileDescriptor::SYNTAX_PROTO2;
  if (!closed && Chance(rng, 15)) return static_cast<int32_t>(RandomInt(rng, 32, true));
  return e->value(static_cast<int>(rng() % e->value_count()))->number();
}

void SetOne(pb::Message* m, const FD* f, Rng& rng, int depth) {
  const pb::Reflection* r = m->GetReflection();
  bool rep = f->is_repeated();
  switch (f->cpp_type()) {
#define PARIGOT_CASE(CPPTYPE, Method, expr)        \
  case FD::CPPTYPE:                                \
    if (rep) r->Add##Method(m, f, expr);           \
    else r->Set##Method(m, f, expr);               \
    break;
    PARIGOT_CASE(CPPTYPE_INT32, Int32, static_cast<int32_t>(RandomInt(rng, 32, true)))
    PARIGOT_CASE(CPPTYPE_INT64, Int64, RandomInt(rng, 64, true))
    PARIGOT_CASE(CPPTYPE_UINT32, UInt32, static_cast<uint32_t>(RandomInt(rng, 32, false)))
    PARIGOT_CASE(CPPTYPE_UINT64, UInt64, static_cast<uint64_t>(RandomInt(rng, 64, false)))
    PARIGOT_CASE(CPPTYPE_FLOAT, Float, static_cast<float>(RandomDouble(rng)))
    PARIGOT_CASE(CPPTYPE_DOUBLE, Double, RandomDouble(rng))
    PARIGOT_CASE(CPPTYPE_BOOL, Bool, Chance(rng, 50))
    PARIGOT_CASE(CPPTYPE_ENUM, EnumValue, EnumValue(f, rng))
#undef PARIGOT_CASE
    case FD::CPPTYPE_STRING: {
      std::string s = f->type() == FD::TYPE_STRING ? RandomUtf8(rng) : RandomBytes(rng);
      if (rep) {
        r->AddString(m, f, s);
      } else {
        r->SetString(m, f, s);
      }
      break;
    }
    case FD::CPPTYPE_MESSAGE: {
      pb::Message* sub = rep ? r->AddMessage(m, f) : r->MutableMessage(m, f);
      RandomizePb(sub, rng, depth - 1);
      break;
    }
  }
}

// The key of map entry `entry`, as text, to find duplicates.
std::string MapKey(const pb::Message& entry) {
  const FD* key = entry.GetDescriptor()->map_key();
  const pb::Reflection* r = entry.GetReflection();
  switch (key->cpp_type()) {
    case FD::CPPTYPE_STRING: return r->GetString(entry, key);
    case FD::CPPTYPE_INT32: return std::to_string(r->GetInt32(entry, key));
    case FD::CPPTYPE_INT64: return std::to_string(r->GetInt64(entry, key));
    case FD::CPPTYPE_UINT32: return std::to_string(r->GetUInt32(entry, key));
    case FD::CPPTYPE_UINT64: return std::to_string(r->GetUInt64(entry, key));
    case FD::CPPTYPE_BOOL: return r->GetBool(entry, key) ? "true" : "false";
    default: return {};  // no other key types exist
  }
}

// Adds a random entry to map field `f` unless its key is already there: a
// map has one value per key, and reflection would otherwise keep both
// entries in the encoding while any parser keeps only the last.
void AddMapEntry(pb::Message* m, const FD* f, Rng& rng, int depth) {
  const pb::Reflection* r = m->GetReflection();
  SetOne(m, f, rng, depth);
  int last = r->FieldSize(*m, f) - 1;
  std::string key = MapKey(r->GetRepeatedMessage(*m, f, last));
  for (int k = 0; k < last; ++k) {
    if (MapKey(r->GetRepeatedMessage(*m, f, k)) == key) {
      r->RemoveLast(m, f);
      return;
    }
  }
}

}  // namespace

int64_t RandomInt(Rng& rng, int bits, bool is_signed) {
  uint64_t v;
  switch (rng() % 6) {
    case 0: v = 0; break;
    case 1: v = rng() % 200; break;
    case 2: v = is_signed ? static_cast<uint64_t>(-static_cast<int64_t>(rng() % 200)) : rng() % 100000; break;
    case 3: v = is_signed ? (uint64_t{1} << (bits - 1)) : ~uint64_t{0}; break;  // min / max
    case 4: v = is_signed ? (uint64_t{1} << (bits - 1)) - 1 : rng(); break;
    default: v = rng() >> (rng() % 64); break;
  }
  if (bits == 32) {
    return is_signed ? static_cast<int32_t>(static_cast<uint32_t>(v))
                     : static_cast<int64_t>(static_cast<uint32_t>(v));
  }
  return static_cast<int64_t>(v);
}

double RandomDouble(Rng& rng) {
  switch (rng() % 7) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return std::numeric_limits<double>::infinity();
    case 3: return std::numeric_limits<double>::denorm_min();
    case 4: return static_cast<double>(static_cast<int64_t>(rng() % 2001) - 1000) / 8;
    default: {
      double d = std::bit_cast<double>(rng());
      return std::isnan(d) ? 1.25 : d;
    }
  }
}

std::string RandomUtf8(Rng& rng) {
  static const char* const kPieces[] = {"a", "Z", "0", " ", "\"", "\\", "\n", "\x7f",
                                        "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                        "\xef\xbf\xbf", "hello", ""};
  std::string s;
  int n = static_cast<int>(rng() % 12);
  for (int i = 0; i < n; ++i) s += kPieces[rng() % (sizeof(kPieces) / sizeof(kPieces[0]))];
  if (Chance(rng, 3)) s += std::string(200 + rng() % 300, 'x');  // 2-byte lengths
  return s;
}

std::string RandomBytes(Rng& rng) {
  std::string s(rng() % 20, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

void RandomizePb(pb::Message* m, Rng& rng, int depth) {
  const pb::Descriptor* d = m->GetDescriptor();
  for (int i = 0; i < d->oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    if (o->is_synthetic() || Chance(rng, 30)) continue;
    const FD* f = o->field(static_cast<int>(rng() % o->field_count()));
    if (f->cpp_type() == FD::CPPTYPE_MESSAGE && depth <= 0) continue;
    SetOne(m, f, rng, depth);
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (f->real_containing_oneof() != nullptr) continue;
    if (f->cpp_type() == FD::CPPTYPE_MESSAGE && depth <= 0) continue;
    if (f->is_required()) {
      SetOne(m, f, rng, depth);
      continue;
    }
    if (Chance(rng, 40)) continue;
    if (f->is_repeated()) {
      int n = static_cast<int>(rng() % 5);
      for (int k = 0; k < n; ++k) {
        if (f->is_map()) {
          AddMapEntry(m, f, rng, depth);
        } else {
          SetOne(m, f, rng, depth);
        }
      }
    } else {
      SetOne(m, f, rng, depth);
    }
  }
}

std::string DeterministicBytes(const pb::Message& m) {
  std::string out;
  {
    pb::io::StringOutputStream stream(&out);
    pb::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializePartialToCodedStream(&coded);
  }
  return out;
}

}  // namespace codec_test
