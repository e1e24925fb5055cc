#include "names.h"

#include <set>

namespace parigot::codegen {
namespace {

const std::set<std::string>& Keywords() {
  static const auto* kWords = new std::set<std::string>{
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor",
      "bool", "break", "case", "catch", "char", "char8_t", "char16_t",
      "char32_t", "class", "compl", "concept", "const", "consteval",
      "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do",
      "double", "dynamic_cast", "else", "enum", "explicit", "export",
      "extern", "false", "float", "for", "friend", "goto", "if", "inline",
      "int", "long", "mutable", "namespace", "new", "noexcept", "not",
      "not_eq", "nullptr", "operator", "or", "or_eq", "private", "protected",
      "public", "register", "reinterpret_cast", "requires", "return", "short",
      "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
      "switch", "template", "this", "thread_local", "throw", "true", "try",
      "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
      // Macros that commonly collide with enum values.
      "NULL", "EOF", "errno", "assert"};
  return *kWords;
}

std::string Replace(std::string s, char from, const std::string& to) {
  std::string out;
  for (char c : s) {
    if (c == from) {
      out += to;
    } else {
      out += c;
    }
  }
  return out;
}

std::string RelativeName(const std::string& full, const std::string& package) {
  std::string rel = package.empty() ? full : full.substr(package.size() + 1);
  return Replace(rel, '.', "_");
}

}  // namespace

std::string EscapeKeyword(const std::string& s) {
  return Keywords().count(s) ? s + "_" : s;
}

std::string Namespace(const pb::FileDescriptor* file, const Options& opts) {
  std::string ns = Replace(file->package(), '.', "::");
  if (opts.ns_prefix.empty()) return ns;
  return ns.empty() ? opts.ns_prefix : opts.ns_prefix + "::" + ns;
}

std::string ClassName(const pb::Descriptor* d) {
  return RelativeName(d->full_name(), d->file()->package());
}
std::string ClassName(const pb::EnumDescriptor* e) {
  return RelativeName(e->full_name(), e->file()->package());
}

std::string QualifiedName(const pb::Descriptor* d, const Options& opts) {
  std::string ns = Namespace(d->file(), opts);
  return (ns.empty() ? "::" : "::" + ns + "::") + ClassName(d);
}
std::string QualifiedName(const pb::EnumDescriptor* e, const Options& opts) {
  std::string ns = Namespace(e->file(), opts);
  return (ns.empty() ? "::" : "::" + ns + "::") + ClassName(e);
}

std::string FileStem(const pb::FileDescriptor* file) {
  std::string name = file->name();
  if (name.size() > 6 && name.compare(name.size() - 6, 6, ".proto") == 0) {
    name.resize(name.size() - 6);
  }
  return name;
}

std::string FieldName(const pb::FieldDescriptor* f) {
  return EscapeKeyword(f->name());
}
std::string OneofName(const pb::OneofDescriptor* o) {
  return EscapeKeyword(o->name());
}

std::string CamelCase(const std::string& snake) {
  std::string out;
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else if (upper) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      upper = false;
    } else {
      out += c;
    }
  }
  return out;
}

std::string ValueType(const pb::FieldDescriptor* f, const Options& opts) {
  using FD = pb::FieldDescriptor;
  switch (f->cpp_type()) {
    case FD::CPPTYPE_INT32: return "int32_t";
    case FD::CPPTYPE_INT64: return "int64_t";
    case FD::CPPTYPE_UINT32: return "uint32_t";
    case FD::CPPTYPE_UINT64: return "uint64_t";
    case FD::CPPTYPE_FLOAT: return "float";
    case FD::CPPTYPE_DOUBLE: return "double";
    case FD::CPPTYPE_BOOL: return "bool";
    case FD::CPPTYPE_STRING: return "std::string";
    case FD::CPPTYPE_ENUM: return QualifiedName(f->enum_type(), opts);
    case FD::CPPTYPE_MESSAGE: return QualifiedName(f->message_type(), opts);
  }
  return "void";
}

bool IsOptionalScalar(const pb::FieldDescriptor* f) {
  return !f->is_repeated() && f->has_presence() &&
         f->real_containing_oneof() == nullptr &&
         f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE;
}

std::string MemberType(const pb::FieldDescriptor* f, const Options& opts) {
  if (f->is_map()) {
    const pb::Descriptor* entry = f->message_type();
    return "std::map<" + ValueType(entry->map_key(), opts) + ", " +
           ValueType(entry->map_value(), opts) + ">";
  }
  if (f->is_repeated()) return "std::vector<" + ValueType(f, opts) + ">";
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    return "::parigot::wire::Box<" + ValueType(f, opts) + ">";
  }
  if (IsOptionalScalar(f)) return "std::optional<" + ValueType(f, opts) + ">";
  return ValueType(f, opts);
}

std::string Codec(const pb::FieldDescriptor* f, const Options& opts) {
  using FD = pb::FieldDescriptor;
  switch (f->type()) {
    case FD::TYPE_INT32: return "pwi::Int32";
    case FD::TYPE_INT64: return "pwi::Int64";
    case FD::TYPE_UINT32: return "pwi::UInt32";
    case FD::TYPE_UINT64: return "pwi::UInt64";
    case FD::TYPE_SINT32: return "pwi::SInt32";
    case FD::TYPE_SINT64: return "pwi::SInt64";
    case FD::TYPE_FIXED32: return "pwi::Fixed32";
    case FD::TYPE_FIXED64: return "pwi::Fixed64";
    case FD::TYPE_SFIXED32: return "pwi::SFixed32";
    case FD::TYPE_SFIXED64: return "pwi::SFixed64";
    case FD::TYPE_FLOAT: return "pwi::Float";
    case FD::TYPE_DOUBLE: return "pwi::Double";
    case FD::TYPE_BOOL: return "pwi::Bool";
    case FD::TYPE_STRING:
      return f->file()->syntax() == pb::FileDescriptor::SYNTAX_PROTO3
                 ? "pwi::String"
                 : "pwi::Bytes";
    case FD::TYPE_BYTES: return "pwi::Bytes";
    case FD::TYPE_ENUM: return "pwi::Enum<" + ValueType(f, opts) + ">";
    case FD::TYPE_MESSAGE:
    case FD::TYPE_GROUP:
      return "pwi::Message<" + ValueType(f, opts) + ">";
  }
  return "void";
}

size_t TagSize(const pb::FieldDescriptor* f) {
  uint32_t tag = static_cast<uint32_t>(f->number()) << 3;
  size_t n = 1;
  while (tag >= 0x80) {
    tag >>= 7;
    ++n;
  }
  return n;
}

}  // namespace parigot::codegen
