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
  if (std::isnan(v)) return "std::numeric_limits<" + type + ">::quiet_NaN()";
  if (std::isinf(v)) {
    return std::string(v < 0 ? "-" : "") + "std::numeric_limits<" + type +
           ">::infinity()";
  }
  char buf[64];
  std::snprintf(buf, sizeof(buf), is_float ? "%.9g" : "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return is_float ? s + "f" : s;
}

// The literal of a proto2 field's default, or "" when it has none worth a
// constant.
std::string DefaultLiteral(const FD* f, const Options& opts) {
  if (f->cpp_type() == FD::CPPTYPE_ENUM) {
    const pb::EnumValueDescriptor* v = f->default_value_enum();
    if (!f->has_default_value() && v->number() == 0) return "";
    return ValueType(f, opts) + "::" + EscapeKeyword(v->name());
  }
  if (!f->has_default_value()) return "";
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
      return "std::string_view(\"" + EscapeBytes(s) + "\", " +
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

bool CheckMessage(const pb::Descriptor* d, std::string* error) {
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->type() == FD::TYPE_GROUP) {
      *error = "field " + d->field(i)->full_name() +
               ": groups are not supported by protoc-gen-parigot";
      return false;
    }
  }
  for (int i = 0; i < d->nested_type_count(); ++i) {
    if (!CheckMessage(d->nested_type(i), error)) return false;
  }
  return true;
}

void EmitEnum(pb::io::Printer& p, const pb::EnumDescriptor* e,
              const Options& opts) {
  p.Print("// proto enum $full$\n", "full", e->full_name());
  p.Print("enum class $name$ : int32_t {\n", "name", ClassName(e));
  for (int i = 0; i < e->value_count(); ++i) {
    const pb::EnumValueDescriptor* v = e->value(i);
    std::string number = v->number() == std::numeric_limits<int32_t>::min()
                             ? "(-2147483647 - 1)"
                             : std::to_string(v->number());
    p.Print("  $v$ = $n$,\n", "v", EscapeKeyword(v->name()), "n", number);
  }
  p.Print("};\n");
  p.Print("// The proto name of `value`; empty for values $name$ does not declare.\n"
          "constexpr std::string_view $name$_Name($name$ value) {\n"
          "  switch (value) {\n",
          "name", ClassName(e));
  std::set<int> seen;
  for (int i = 0; i < e->value_count(); ++i) {
    const pb::EnumValueDescriptor* v = e->value(i);
    if (!seen.insert(v->number()).second) continue;  // allow_alias
    p.Print("    case $name$::$v$: return \"$proto$\";\n", "name", ClassName(e),
            "v", EscapeKeyword(v->name()), "proto", v->name());
  }
  p.Print("  }\n  return {};\n}\n\n");
}

void EmitMessageDecl(pb::io::Printer& p, const pb::Descriptor* d,
                     const Options& opts) {
  std::string name = ClassName(d);
  p.Print("// proto message $full$\n", "full", d->full_name());
  p.Print("struct $name$ {\n", "name", name);
  p.Indent();
  bool preamble = false;
  for (int i = 0; i < d->nested_type_count(); ++i) {
    const pb::Descriptor* n = d->nested_type(i);
    if (IsMapEntry(n)) continue;
    p.Print("using $short$ = $long$;\n", "short", n->name(), "long", ClassName(n));
    preamble = true;
  }
  for (int i = 0; i < d->enum_type_count(); ++i) {
    const pb::EnumDescriptor* n = d->enum_type(i);
    p.Print("using $short$ = $long$;\n", "short", n->name(), "long", ClassName(n));
    preamble = true;
  }
  for (int i = 0; i < d->real_oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    p.Print("// Alternative indices of `$o$` (std::get<$cls$::kX>($o$)).\n",
            "o", OneofName(o), "cls", name);
    p.Print("enum $Case$ : size_t {\n  k$Camel$NotSet = 0,\n", "Case",
            CamelCase(o->name()) + "Case", "Camel", CamelCase(o->name()));
    for (int j = 0; j < o->field_count(); ++j) {
      p.Print("  k$f$ = $i$,\n", "f", CamelCase(o->field(j)->name()), "i",
              std::to_string(j + 1));
    }
    p.Print("};\n");
    preamble = true;
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (!IsOptionalScalar(f)) continue;
    std::string lit = DefaultLiteral(f, opts);
    if (lit.empty()) continue;
    std::string type = f->cpp_type() == FD::CPPTYPE_STRING ? "std::string_view"
                                                           : ValueType(f, opts);
    p.Print("// [default = ...] of `$f$`: use $f$.value_or(k$F$Default).\n",
            "f", FieldName(f), "F", CamelCase(f->name()));
    p.Print("static constexpr $t$ k$F$Default = $lit$;\n", "t", type, "F",
            CamelCase(f->name()), "lit", lit);
    preamble = true;
  }
  if (preamble) p.Print("\n");
  std::set<const pb::OneofDescriptor*> done;
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    const pb::OneofDescriptor* o = f->real_containing_oneof();
    if (o == nullptr) {
      p.Print("$t$ $n${};\n", "t", MemberType(f, opts), "n", FieldName(f));
      continue;
    }
    if (!done.insert(o).second) continue;
    std::string type = "std::variant<std::monostate";
    for (int j = 0; j < o->field_count(); ++j) {
      const FD* of = o->field(j);
      type += ", ";
      type += of->cpp_type() == FD::CPPTYPE_MESSAGE
                  ? "::parigot::wire::Box<" + ValueType(of, opts) + ">"
                  : ValueType(of, opts);
    }
    p.Print("$t$> $n${};\n", "t", type, "n", OneofName(o));
  }
  p.Print(
      "\n"
      "// Encodes into a new string of ByteSizeLong() bytes.\n"
      "std::string SerializeAsString() const;\n"
      "// The encoded size. Also caches sizes of nested messages for the next\n"
      "// SerializeWithCachedSizes().\n"
      "size_t ByteSizeLong() const;\n"
      "// Writes exactly ByteSizeLong() bytes; `w` must have room for them.\n"
      "void SerializeTo(::parigot::wire::Writer& w) const;\n"
      "// Replaces *this with the decoded `bytes`. On malformed input returns\n"
      "// false and leaves *this default-constructed.\n"
      "[[nodiscard]] bool ParseFromString(std::string_view bytes);\n"
      "// Resets every field to its default, keeping container capacity.\n"
      "void Clear();\n"
      "bool operator==(const $name$&) const = default;\n"
      "\n"
      "// Internal, used by generated code and the wire runtime.\n"
      "size_t CachedByteSize() const { return _cached_size_.get(); }\n"
      "void SerializeWithCachedSizes(::parigot::wire::Writer& w) const;\n"
      "[[nodiscard]] bool MergeFromReader(::parigot::wire::Reader& r);\n"
      "::parigot::wire::CachedSize _cached_size_{};\n",
      "name", name);
  p.Outdent();
  p.Print("};\n\n");
}

}  // namespace parigot::codegen
