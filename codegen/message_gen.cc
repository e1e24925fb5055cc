#include "message_gen.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <set>

namespace parigot::codegen {
namespace {

using FD = pb::FieldDescriptor;

bool IsMapEntry(const pb::Descriptor* d) { return d->options().map_entry(); }

void CollectMessages(const pb::Descriptor* d,
                     std::vector<const pb::Descriptor*>* out) {
  if (IsMapEntry(d)) return;
  out->push_back(d);
  for (int i = 0; i < d->nested_type_count(); ++i) {
    CollectMessages(d->nested_type(i), out);
  }
}

void CollectEnums(const pb::Descriptor* d,
                  std::vector<const pb::EnumDescriptor*>* out) {
  for (int i = 0; i < d->enum_type_count(); ++i) out->push_back(d->enum_type(i));
  for (int i = 0; i < d->nested_type_count(); ++i) {
    CollectEnums(d->nested_type(i), out);
  }
}

std::string EscapeBytes(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f && c != '?') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\%03o", c);
      out += buf;
    }
  }
  return out;
}

std::string FloatLiteral(double v, bool is_float) {
  std::string type = is_float ? "float" : "double";
  if (std::isnan(v)) return "::std::numeric_limits<" + type + ">::quiet_NaN()";
  if (std::isinf(v)) {
    return std::string(v < 0 ? "-" : "") + "::std::numeric_limits<" + type +
           ">::infinity()";
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), is_float ? "%.9g" : "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return is_float ? s + "f" : s;
}

// The literal of a field's kFooDefault constant (HasDefaultConstant).
std::string DefaultLiteral(const FD* f, Names& names) {
  if (f->cpp_type() == FD::CPPTYPE_ENUM) {
    return names.ValueType(f) + "::" + names.Value(f->default_value_enum());
  }
  switch (f->cpp_type()) {
    case FD::CPPTYPE_INT32: {
      int32_t v = f->default_value_int32();
      if (v == std::numeric_limits<int32_t>::min()) return "(-2147483647 - 1)";
      return std::to_string(v);
    }
    case FD::CPPTYPE_INT64: {
      int64_t v = f->default_value_int64();
      if (v == std::numeric_limits<int64_t>::min()) {
        return "(-9223372036854775807LL - 1)";
      }
      return std::to_string(v) + "LL";
    }
    case FD::CPPTYPE_UINT32: return std::to_string(f->default_value_uint32()) + "u";
    case FD::CPPTYPE_UINT64:
      return std::to_string(f->default_value_uint64()) + "ull";
    case FD::CPPTYPE_FLOAT: return FloatLiteral(f->default_value_float(), true);
    case FD::CPPTYPE_DOUBLE:
      return FloatLiteral(f->default_value_double(), false);
    case FD::CPPTYPE_BOOL: return f->default_value_bool() ? "true" : "false";
    case FD::CPPTYPE_STRING: {
      const std::string& s = f->default_value_string();
      return "::std::string_view(\"" + EscapeBytes(s) + "\", " +
             std::to_string(s.size()) + ")";
    }
    default: return "";
  }
}

}  // namespace

std::vector<const pb::Descriptor*> OrderedMessages(const pb::FileDescriptor* f) {
  std::vector<const pb::Descriptor*> all;
  for (int i = 0; i < f->message_type_count(); ++i) {
    CollectMessages(f->message_type(i), &all);
  }
  std::vector<const pb::Descriptor*> out;
  std::set<const pb::Descriptor*> visited;
  std::function<void(const pb::Descriptor*)> visit =
      [&](const pb::Descriptor* d) {
        if (!visited.insert(d).second) return;
        for (int i = 0; i < d->field_count(); ++i) {
          const FD* fd = d->field(i);
          const pb::Descriptor* dep = nullptr;
          if (fd->is_map()) {
            const FD* v = fd->message_type()->map_value();
            if (v->cpp_type() == FD::CPPTYPE_MESSAGE) dep = v->message_type();
          } else if (fd->is_repeated() &&
                     fd->cpp_type() == FD::CPPTYPE_MESSAGE) {
            dep = fd->message_type();
          }
          if (dep != nullptr && dep->file() == f) visit(dep);
        }
        out.push_back(d);
      };
  for (const pb::Descriptor* d : all) visit(d);
  return out;
}

std::vector<const pb::EnumDescriptor*> AllEnums(const pb::FileDescriptor* f) {
  std::vector<const pb::EnumDescriptor*> out;
  for (int i = 0; i < f->enum_type_count(); ++i) out.push_back(f->enum_type(i));
  for (int i = 0; i < f->message_type_count(); ++i) {
    CollectEnums(f->message_type(i), &out);
  }
  return out;
}

void EmitEnum(pb::io::Printer& p, const pb::EnumDescriptor* e, Names& names) {
  std::string name = names.Type(e);
  p.Print("// proto enum $full$\n", "full", e->full_name());
  p.Print("enum class $name$ : ::std::int32_t {\n", "name", name);
  for (int i = 0; i < e->value_count(); ++i) {
    const pb::EnumValueDescriptor* v = e->value(i);
    std::string number = v->number() == std::numeric_limits<int32_t>::min()
                             ? "(-2147483647 - 1)"
                             : std::to_string(v->number());
    p.Print("  $v$ = $n$,\n", "v", names.Value(v), "n", number);
  }
  p.Print("};\n");
  p.Print("// The proto name of `value`; empty for values $name$ does not declare.\n"
          "constexpr ::std::string_view $fn$($name$ value) {\n"
          "  switch (value) {\n",
          "name", name, "fn", names.EnumNameFunction(e));
  std::set<int> seen;
  for (int i = 0; i < e->value_count(); ++i) {
    const pb::EnumValueDescriptor* v = e->value(i);
    if (!seen.insert(v->number()).second) continue;  // allow_alias
    p.Print("    case $name$::$v$: return \"$proto$\";\n", "name", name, "v",
            names.Value(v), "proto", v->name());
  }
  p.Print("  }\n  return {};\n}\n\n");
}

void EmitMessageDecl(pb::io::Printer& p, const pb::Descriptor* d, Names& names,
                     const std::set<const pb::Descriptor*>& complete) {
  std::string name = names.Type(d);
  p.Print("// proto message $full$\n", "full", d->full_name());
  p.Print("struct $name$ {\n", "name", name);
  p.Indent();
  bool preamble = false;
  for (int i = 0; i < d->nested_type_count(); ++i) {
    const pb::Descriptor* n = d->nested_type(i);
    if (IsMapEntry(n)) continue;
    p.Print("using $short$ = $long$;\n", "short", names.Alias(n), "long", names.Qualified(n));
    preamble = true;
  }
  for (int i = 0; i < d->enum_type_count(); ++i) {
    const pb::EnumDescriptor* n = d->enum_type(i);
    p.Print("using $short$ = $long$;\n", "short", names.Alias(n), "long", names.Qualified(n));
    preamble = true;
  }
  for (int i = 0; i < d->real_oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    p.Print("// Alternative indices of `$o$` (std::get<$cls$::kX>($o$)).\n",
            "o", names.Member(o), "cls", name);
    p.Print("enum $Case$ : ::std::size_t {\n  $none$ = 0,\n", "Case", names.CaseEnum(o),
            "none", names.NotSetCase(o));
    for (int j = 0; j < o->field_count(); ++j) {
      p.Print("  $f$ = $i$,\n", "f", names.Case(o->field(j)), "i", std::to_string(j + 1));
    }
    p.Print("};\n");
    preamble = true;
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (!HasDefaultConstant(f)) continue;
    std::string type = f->cpp_type() == FD::CPPTYPE_STRING ? "::std::string_view"
                                                           : names.ValueType(f);
    p.Print("// [default = ...] of `$f$`: use $f$.value_or($k$).\n", "f", names.Member(f),
            "k", names.DefaultConstant(f));
    p.Print("static constexpr $t$ $k$ = $lit$;\n", "t", type, "k", names.DefaultConstant(f),
            "lit", DefaultLiteral(f, names));
    preamble = true;
  }
  if (preamble) p.Print("\n");
  std::set<const pb::OneofDescriptor*> done;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    const pb::OneofDescriptor* o = f->real_containing_oneof();
    if (o == nullptr) {
      // A vector of a message that is still incomplete at the end of this
      // struct (mutual recursion) cannot have a default member initializer:
      // libstdc++ instantiates its destructor there. It is default-
      // constructed all the same.
      bool incomplete = f->is_repeated() && !f->is_map() &&
                        f->cpp_type() == FD::CPPTYPE_MESSAGE &&
                        f->message_type() != d && f->message_type()->file() == d->file() &&
                        complete.count(f->message_type()) == 0;
      p.Print("$t$ $n$$init$;\n", "t", names.MemberType(f), "n", names.Member(f), "init",
              incomplete ? "" : "{}");
      continue;
    }
    if (!done.insert(o).second) continue;
    std::string type = "::std::variant<::std::monostate";
    for (int j = 0; j < o->field_count(); ++j) {
      const FD* of = o->field(j);
      type += ", ";
      type += of->cpp_type() == FD::CPPTYPE_MESSAGE
                  ? "::parigot::wire::Box<" + names.ValueType(of) + ">"
                  : names.ValueType(of);
    }
    p.Print("$t$> $n${};\n", "t", type, "n", names.Member(o));
  }
  p.Print(
      "\n"
      "// Encodes into a new string of ByteSizeLong() bytes.\n"
      "::std::string SerializeAsString() const;\n"
      "// The encoded size. Also caches sizes of nested messages for the next\n"
      "// SerializeWithCachedSizes().\n"
      "::std::size_t ByteSizeLong() const;\n"
      "// Writes exactly ByteSizeLong() bytes; `w` must have room for them.\n"
      "void SerializeTo(::parigot::wire::Writer& w) const;\n"
      "// Replaces *this with the decoded `bytes`. On malformed input returns\n"
      "// false and leaves *this default-constructed.\n"
      "[[nodiscard]] bool ParseFromString(::std::string_view bytes);\n"
      "// Resets every field to its default, keeping container capacity.\n"
      "void Clear();\n"
      "// Field by field (defined in the .cc, where every message is complete).\n"
      "bool operator==(const $qualified$&) const;\n"
      "\n"
      "// Internal, used by generated code and the wire runtime.\n"
      "::std::size_t CachedByteSize() const { return this->_cached_size_.get(); }\n"
      "void SerializeWithCachedSizes(::parigot::wire::Writer& w) const;\n"
      "[[nodiscard]] bool MergeFromReader(::parigot::wire::Reader& r);\n",
      "qualified", names.Qualified(d));
  if (IsGroupType(d)) {
    p.Print("// Reads fields up to the group's end tag `end` (this type is a group).\n"
            "[[nodiscard]] bool MergeFromReader(::parigot::wire::Reader& r, ::std::uint32_t end);\n");
  }
  p.Print("::parigot::wire::CachedSize _cached_size_{};\n");
  p.Outdent();
  p.Print("};\n\n");
}

bool IsGroupType(const pb::Descriptor* d) {
  const pb::Descriptor* parent = d->containing_type();
  if (parent == nullptr) return false;
  for (int i = 0; i < parent->field_count(); ++i) {
    const FD* f = parent->field(i);
    if (f->type() == FD::TYPE_GROUP && f->message_type() == d) return true;
  }
  return false;
}

}  // namespace parigot::codegen
