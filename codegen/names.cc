#include "names.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <string_view>

namespace parigot::codegen {
namespace {

using FD = pb::FieldDescriptor;

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
      // Identifiers with special meaning, and GNU keywords clang accepts.
      "final", "override", "import", "module", "typeof", "asm", "restrict"};
  return *kWords;
}

// Macros of the standard library headers (codegen/std_macros.txt, turned
// into std_macros.inc by CMake).
const std::set<std::string>& StdMacros() {
  static const auto* kMacros = new std::set<std::string>{
#include "std_macros.inc"
  };
  return *kMacros;
}

// Names the standard library headers declare in the global namespace
// (codegen/std_globals.txt, turned into std_globals.inc by CMake).
const std::set<std::string>& StdGlobals() {
  static const auto* kGlobals = new std::set<std::string>{
#include "std_globals.inc"
  };
  return *kGlobals;
}

// What a message's struct declares besides its fields (message_gen.cc).
constexpr const char* kMessageMembers[] = {
    "SerializeAsString", "ByteSizeLong", "SerializeTo", "ParseFromString",
    "Clear", "CachedByteSize", "SerializeWithCachedSizes", "MergeFromReader",
    "_cached_size_"};
// What a client handle declares besides its methods (service_gen.cc).
constexpr const char* kClientMembers[] = {
    "kPackage", "kService", "kMethods", "require", "locate", "try_locate",
    "handle_"};
// What a server class declares or inherits from parigot::Service
// (guest/include/parigot/service.h) besides its methods.
constexpr const char* kServerMembers[] = {
    "Ready", "package_name", "service_name", "Dispatch", "package_",
    "service_", "methods_", "time_limits_ms_", "Service"};

std::string Replace(const std::string& s, char from, const std::string& to) {
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

// "Outer_Inner" for message pkg.Outer.Inner.
std::string Mangled(const std::string& full, const std::string& package) {
  std::string rel = package.empty() ? full : full.substr(package.size() + 1);
  return Replace(rel, '.', "_");
}

bool IsMapEntry(const pb::Descriptor* d) { return d->options().map_entry(); }

// Messages of the file depth-first in declaration order, map entries left out.
void ForEachMessage(const pb::Descriptor* d,
                    const std::function<void(const pb::Descriptor*)>& fn) {
  if (IsMapEntry(d)) return;
  fn(d);
  for (int i = 0; i < d->nested_type_count(); ++i) {
    ForEachMessage(d->nested_type(i), fn);
  }
}
void ForEachMessage(const pb::FileDescriptor* f,
                    const std::function<void(const pb::Descriptor*)>& fn) {
  for (int i = 0; i < f->message_type_count(); ++i) {
    ForEachMessage(f->message_type(i), fn);
  }
}
void ForEachEnum(const pb::Descriptor* d,
                 const std::function<void(const pb::EnumDescriptor*)>& fn) {
  for (int i = 0; i < d->enum_type_count(); ++i) fn(d->enum_type(i));
  for (int i = 0; i < d->nested_type_count(); ++i) ForEachEnum(d->nested_type(i), fn);
}
void ForEachEnum(const pb::FileDescriptor* f,
                 const std::function<void(const pb::EnumDescriptor*)>& fn) {
  for (int i = 0; i < f->enum_type_count(); ++i) fn(f->enum_type(i));
  for (int i = 0; i < f->message_type_count(); ++i) ForEachEnum(f->message_type(i), fn);
}

}  // namespace

namespace {
// parigot's own macros: the include guards of its headers and of generated
// headers (PARIGOT_..._H_), and the few macros its headers define. The corpus
// test's internal_names.proto fails to compile if one is missing here.
bool IsParigotMacro(const std::string& name) {
  static const std::set<std::string> kMacros = {"PARIGOT_RETURN_IF_ERROR",
                                                "PARIGOT_WIRE_VERSION"};
  constexpr std::string_view kPrefix = "PARIGOT_", kGuardSuffix = "_H_";
  if (name.rfind(kPrefix, 0) != 0) return false;
  return kMacros.count(name) > 0 ||
         (name.size() >= kPrefix.size() + kGuardSuffix.size() &&
          name.compare(name.size() - kGuardSuffix.size(), kGuardSuffix.size(),
                       kGuardSuffix) == 0);
}

bool IsKeywordOrMacro(const std::string& name) {
  return Keywords().count(name) > 0 || StdMacros().count(name) > 0 ||
         IsParigotMacro(name);
}
}  // namespace

bool IsUnsafeIdentifier(const std::string& name) {
  // Reserved to the implementation ([lex.name]); compilers predefine macros
  // there (__FILE__, __linux__), never with a trailing underscore.
  if (name.size() >= 2 && name[0] == '_' &&
      (name[1] == '_' || std::isupper(static_cast<unsigned char>(name[1])))) {
    return true;
  }
  return IsKeywordOrMacro(name);
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

std::string FileStem(const pb::FileDescriptor* file) {
  std::string name = file->name();
  if (name.size() > 6 && name.compare(name.size() - 6, 6, ".proto") == 0) {
    name.resize(name.size() - 6);
  }
  return name;
}

// The names of one C++ scope, and who owns each (for notes).
class Names::Scope {
 public:
  explicit Scope(std::string description) : description_(std::move(description)) {}

  void Reserve(const std::string& name, const std::string& owner) {
    owners_.emplace(name, owner);
  }
  void TakeAll(const Scope& other) { owners_.insert(other.owners_.begin(), other.owners_.end()); }

  // Pass 1: keeps `name` for `owner` when it is safe and free.
  bool TryKeep(const std::string& name, const std::string& owner) {
    if (IsUnsafeIdentifier(name) || owners_.count(name) > 0) return false;
    owners_.emplace(name, owner);
    return true;
  }

  // Pass 2: `base`, with `_` appended while it is unsafe or taken. A rename
  // forced by another name (not a mere escape) is added to *notes.
  std::string Allocate(const std::string& base, const std::string& owner,
                       std::vector<std::string>* notes) {
    std::string name = base;
    if (IsUnsafeIdentifier(name)) name += '_';
    std::string collided;
    while (IsKeywordOrMacro(name) || owners_.count(name) > 0) {
      if (collided.empty() && owners_.count(name) > 0) {
        collided = name + " is " + owners_[name];
      }
      name += '_';
    }
    owners_.emplace(name, owner);
    if (!collided.empty()) {
      notes->push_back(description_ + ": " + owner + " is named " + name +
                       " in C++ (" + collided + ")");
    }
    return name;
  }

 private:
  std::string description_;
  std::map<std::string, std::string> owners_;
};

Names::Names(Options opts) : opts_(std::move(opts)) {}
Names::~Names() = default;

void Names::Assign(Key key, std::string name) { names_[key] = std::move(name); }

std::string Names::Lookup(Key key, const std::string& what) {
  auto it = names_.find(key);
  if (it == names_.end()) {
    // A generator bug, never a user error: every emitted name is assigned
    // when its scope is named.
    std::fprintf(stderr, "protoc-gen-parigot: internal error: no C++ name for %s\n",
                 what.c_str());
    std::abort();
  }
  return it->second;
}

std::string Names::Namespace(const pb::FileDescriptor* file) {
  std::string ns;
  std::string part;
  auto flush = [&] {
    if (IsUnsafeIdentifier(part) || (ns.empty() && part == "std")) part += '_';
    ns += (ns.empty() ? "" : "::") + part;
    part.clear();
  };
  for (char c : file->package()) {
    if (c == '.') {
      flush();
    } else {
      part += c;
    }
  }
  if (!part.empty()) flush();
  if (opts_.ns_prefix.empty()) return ns;
  return ns.empty() ? opts_.ns_prefix : opts_.ns_prefix + "::" + ns;
}

Names::Scope& Names::PackageScope(const pb::FileDescriptor* file) {
  auto found = packages_.find(file);
  if (found != packages_.end()) return *found->second;
  std::string ns = Namespace(file);
  auto scope = std::make_unique<Scope>(ns.empty() ? "the global namespace" : "namespace " + ns);
  for (int i = 0; i < file->dependency_count(); ++i) {
    const pb::FileDescriptor* dep = file->dependency(i);
    if (dep->package() == file->package()) scope->TakeAll(PackageScope(dep));
  }
  if (ns.empty()) {
    // A file without a package declares its types next to the C library's
    // functions and types, which a struct of the same name cannot share
    // the global namespace with (`exit`, `time`, `div_t`).
    scope->Reserve("std", "namespace ::std");
    scope->Reserve("parigot", "namespace ::parigot");
    for (const std::string& name : StdGlobals()) {
      scope->Reserve(name, "a global name of the standard library headers");
    }
  }
  auto message_owner = [](const pb::Descriptor* d) { return "message " + d->full_name(); };
  auto enum_owner = [](const pb::EnumDescriptor* e) { return "enum " + e->full_name(); };
  // Pass 1: top-level names as spelled.
  for (int i = 0; i < file->message_type_count(); ++i) {
    const pb::Descriptor* d = file->message_type(i);
    if (scope->TryKeep(d->name(), message_owner(d))) Assign({d, Kind::kName}, d->name());
  }
  for (int i = 0; i < file->enum_type_count(); ++i) {
    const pb::EnumDescriptor* e = file->enum_type(i);
    if (scope->TryKeep(e->name(), enum_owner(e))) Assign({e, Kind::kName}, e->name());
  }
  for (int i = 0; i < file->service_count(); ++i) {
    const pb::ServiceDescriptor* s = file->service(i);
    if (scope->TryKeep(s->name(), "service " + s->full_name())) {
      Assign({s, Kind::kName}, s->name());
    }
  }
  // Pass 2: everything else, then the derived names.
  ForEachMessage(file, [&](const pb::Descriptor* d) {
    if (names_.count({d, Kind::kName}) > 0) return;
    Assign({d, Kind::kName}, scope->Allocate(Mangled(d->full_name(), file->package()),
                                             message_owner(d), &notes_));
  });
  ForEachEnum(file, [&](const pb::EnumDescriptor* e) {
    if (names_.count({e, Kind::kName}) > 0) return;
    Assign({e, Kind::kName}, scope->Allocate(Mangled(e->full_name(), file->package()),
                                             enum_owner(e), &notes_));
  });
  for (int i = 0; i < file->service_count(); ++i) {
    const pb::ServiceDescriptor* s = file->service(i);
    if (names_.count({s, Kind::kName}) > 0) continue;
    Assign({s, Kind::kName}, scope->Allocate(s->name(), "service " + s->full_name(), &notes_));
  }
  ForEachEnum(file, [&](const pb::EnumDescriptor* e) {
    Assign({e, Kind::kEnumNameFunction},
           scope->Allocate(names_[{e, Kind::kName}] + "_Name",
                           "the name function of " + enum_owner(e), &notes_));
  });
  for (int i = 0; i < file->service_count(); ++i) {
    const pb::ServiceDescriptor* s = file->service(i);
    Assign({s, Kind::kServer},
           scope->Allocate(names_[{s, Kind::kName}] + "Server",
                           "the server class of service " + s->full_name(), &notes_));
  }
  Scope& result = *scope;
  packages_.emplace(file, std::move(scope));
  return result;
}

void Names::NameMessageScope(const pb::Descriptor* d) {
  if (!named_scopes_.insert(d).second) return;
  std::string self = Type(d);
  Scope scope("message " + d->full_name());
  for (const char* member : kMessageMembers) scope.Reserve(member, "a generated member");
  scope.Reserve(self, "the struct's own name");
  // The proto names of the struct's members, in declaration order.
  struct Item {
    Key key;
    std::string name;
    std::string owner;
  };
  std::vector<Item> items;
  for (int i = 0; i < d->nested_type_count(); ++i) {
    const pb::Descriptor* n = d->nested_type(i);
    if (!IsMapEntry(n)) items.push_back({{n, Kind::kAlias}, n->name(), "nested message " + n->name()});
  }
  for (int i = 0; i < d->enum_type_count(); ++i) {
    const pb::EnumDescriptor* n = d->enum_type(i);
    items.push_back({{n, Kind::kAlias}, n->name(), "nested enum " + n->name()});
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (f->real_containing_oneof() == nullptr) {
      items.push_back({{f, Kind::kName}, f->name(), "field " + f->name()});
    }
  }
  for (int i = 0; i < d->real_oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    items.push_back({{o, Kind::kName}, o->name(), "oneof " + o->name()});
  }
  std::vector<bool> kept(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    kept[i] = scope.TryKeep(items[i].name, items[i].owner);
    if (kept[i]) Assign(items[i].key, items[i].name);
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (!kept[i]) Assign(items[i].key, scope.Allocate(items[i].name, items[i].owner, &notes_));
  }
  for (int i = 0; i < d->real_oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    std::string camel = CamelCase(o->name());
    Assign({o, Kind::kCaseEnum},
           scope.Allocate(camel + "Case", "the case enum of oneof " + o->name(), &notes_));
    Assign({o, Kind::kNotSetCase},
           scope.Allocate("k" + camel + "NotSet", "the unset case of oneof " + o->name(),
                          &notes_));
    for (int j = 0; j < o->field_count(); ++j) {
      const FD* f = o->field(j);
      Assign({f, Kind::kCase},
             scope.Allocate("k" + CamelCase(f->name()), "the case of field " + f->name(),
                            &notes_));
    }
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const FD* f = d->field(i);
    if (!HasDefaultConstant(f)) continue;
    Assign({f, Kind::kDefault},
           scope.Allocate("k" + CamelCase(f->name()) + "Default",
                          "the default of field " + f->name(), &notes_));
  }
}

void Names::NameEnumScope(const pb::EnumDescriptor* e) {
  if (!named_scopes_.insert(e).second) return;
  Scope scope("enum " + e->full_name());
  std::vector<bool> kept(static_cast<size_t>(e->value_count()));
  for (int i = 0; i < e->value_count(); ++i) {
    const pb::EnumValueDescriptor* v = e->value(i);
    kept[i] = scope.TryKeep(v->name(), "value " + v->name());
    if (kept[i]) Assign({v, Kind::kName}, v->name());
  }
  for (int i = 0; i < e->value_count(); ++i) {
    const pb::EnumValueDescriptor* v = e->value(i);
    if (!kept[i]) Assign({v, Kind::kName}, scope.Allocate(v->name(), "value " + v->name(), &notes_));
  }
}

void Names::NameServiceScope(const pb::ServiceDescriptor* s) {
  if (!named_scopes_.insert(s).second) return;
  Scope scope("service " + s->full_name());
  for (const char* member : kClientMembers) scope.Reserve(member, "a member of the client handle");
  for (const char* member : kServerMembers) scope.Reserve(member, "a member of the server class");
  scope.Reserve(Client(s), "the client class's name");
  scope.Reserve(Server(s), "the server class's name");
  std::vector<bool> kept(static_cast<size_t>(s->method_count()));
  for (int i = 0; i < s->method_count(); ++i) {
    const pb::MethodDescriptor* m = s->method(i);
    kept[i] = scope.TryKeep(m->name(), "method " + m->name());
    if (kept[i]) Assign({m, Kind::kName}, m->name());
  }
  for (int i = 0; i < s->method_count(); ++i) {
    const pb::MethodDescriptor* m = s->method(i);
    if (!kept[i]) {
      Assign({m, Kind::kName}, scope.Allocate(m->name(), "method " + m->name(), &notes_));
    }
  }
}

std::string Names::Type(const pb::Descriptor* d) {
  PackageScope(d->file());
  return Lookup({d, Kind::kName}, "message " + d->full_name());
}
std::string Names::Type(const pb::EnumDescriptor* e) {
  PackageScope(e->file());
  return Lookup({e, Kind::kName}, "enum " + e->full_name());
}
std::string Names::Qualified(const pb::Descriptor* d) {
  std::string ns = Namespace(d->file());
  return (ns.empty() ? "::" : "::" + ns + "::") + Type(d);
}
std::string Names::Qualified(const pb::EnumDescriptor* e) {
  std::string ns = Namespace(e->file());
  return (ns.empty() ? "::" : "::" + ns + "::") + Type(e);
}
std::string Names::EnumNameFunction(const pb::EnumDescriptor* e) {
  PackageScope(e->file());
  return Lookup({e, Kind::kEnumNameFunction}, "the name function of " + e->full_name());
}
std::string Names::Client(const pb::ServiceDescriptor* s) {
  PackageScope(s->file());
  return Lookup({s, Kind::kName}, "service " + s->full_name());
}
std::string Names::Server(const pb::ServiceDescriptor* s) {
  PackageScope(s->file());
  return Lookup({s, Kind::kServer}, "the server of " + s->full_name());
}

std::string Names::Member(const pb::FieldDescriptor* f) {
  NameMessageScope(f->containing_type());
  return Lookup({f, Kind::kName}, "field " + f->full_name());
}
std::string Names::Member(const pb::OneofDescriptor* o) {
  NameMessageScope(o->containing_type());
  return Lookup({o, Kind::kName}, "oneof " + o->full_name());
}
std::string Names::Alias(const pb::Descriptor* nested) {
  NameMessageScope(nested->containing_type());
  return Lookup({nested, Kind::kAlias}, "nested message " + nested->full_name());
}
std::string Names::Alias(const pb::EnumDescriptor* nested) {
  NameMessageScope(nested->containing_type());
  return Lookup({nested, Kind::kAlias}, "nested enum " + nested->full_name());
}
std::string Names::CaseEnum(const pb::OneofDescriptor* o) {
  NameMessageScope(o->containing_type());
  return Lookup({o, Kind::kCaseEnum}, "the case enum of " + o->full_name());
}
std::string Names::NotSetCase(const pb::OneofDescriptor* o) {
  NameMessageScope(o->containing_type());
  return Lookup({o, Kind::kNotSetCase}, "the unset case of " + o->full_name());
}
std::string Names::Case(const pb::FieldDescriptor* alternative) {
  NameMessageScope(alternative->containing_type());
  return Lookup({alternative, Kind::kCase}, "the case of " + alternative->full_name());
}
std::string Names::DefaultConstant(const pb::FieldDescriptor* f) {
  NameMessageScope(f->containing_type());
  return Lookup({f, Kind::kDefault}, "the default of " + f->full_name());
}
std::string Names::Value(const pb::EnumValueDescriptor* v) {
  NameEnumScope(v->type());
  return Lookup({v, Kind::kName}, "enum value " + v->full_name());
}
std::string Names::Method(const pb::MethodDescriptor* m) {
  NameServiceScope(m->service());
  return Lookup({m, Kind::kName}, "method " + m->full_name());
}

std::string Names::ValueType(const pb::FieldDescriptor* f) {
  switch (f->cpp_type()) {
    case FD::CPPTYPE_INT32: return "::std::int32_t";
    case FD::CPPTYPE_INT64: return "::std::int64_t";
    case FD::CPPTYPE_UINT32: return "::std::uint32_t";
    case FD::CPPTYPE_UINT64: return "::std::uint64_t";
    case FD::CPPTYPE_FLOAT: return "float";
    case FD::CPPTYPE_DOUBLE: return "double";
    case FD::CPPTYPE_BOOL: return "bool";
    case FD::CPPTYPE_STRING: return "::std::string";
    case FD::CPPTYPE_ENUM: return Qualified(f->enum_type());
    case FD::CPPTYPE_MESSAGE: return Qualified(f->message_type());
  }
  return "void";
}

std::string Names::MemberType(const pb::FieldDescriptor* f) {
  if (f->is_map()) {
    const pb::Descriptor* entry = f->message_type();
    return "::std::map<" + ValueType(entry->map_key()) + ", " +
           ValueType(entry->map_value()) + ">";
  }
  if (f->is_repeated()) return "::std::vector<" + ValueType(f) + ">";
  if (f->cpp_type() == FD::CPPTYPE_MESSAGE) {
    return "::parigot::wire::Box<" + ValueType(f) + ">";
  }
  if (IsOptionalScalar(f)) return "::std::optional<" + ValueType(f) + ">";
  return ValueType(f);
}

std::string Names::Codec(const pb::FieldDescriptor* f) {
  switch (f->type()) {
    case FD::TYPE_INT32: return "Int32";
    case FD::TYPE_INT64: return "Int64";
    case FD::TYPE_UINT32: return "UInt32";
    case FD::TYPE_UINT64: return "UInt64";
    case FD::TYPE_SINT32: return "SInt32";
    case FD::TYPE_SINT64: return "SInt64";
    case FD::TYPE_FIXED32: return "Fixed32";
    case FD::TYPE_FIXED64: return "Fixed64";
    case FD::TYPE_SFIXED32: return "SFixed32";
    case FD::TYPE_SFIXED64: return "SFixed64";
    case FD::TYPE_FLOAT: return "Float";
    case FD::TYPE_DOUBLE: return "Double";
    case FD::TYPE_BOOL: return "Bool";
    case FD::TYPE_STRING:
      return f->file()->syntax() == pb::FileDescriptor::SYNTAX_PROTO3 ? "String" : "Bytes";
    case FD::TYPE_BYTES: return "Bytes";
    case FD::TYPE_ENUM: return "Enum<" + ValueType(f) + ">";
    case FD::TYPE_MESSAGE: return "Message<" + ValueType(f) + ">";
    case FD::TYPE_GROUP:
      return "Group<" + ValueType(f) + ", " + std::to_string(f->number()) + ">";
  }
  return "void";
}

bool IsOptionalScalar(const pb::FieldDescriptor* f) {
  return !f->is_repeated() && f->has_presence() &&
         f->real_containing_oneof() == nullptr &&
         f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE;
}

bool HasDefaultConstant(const pb::FieldDescriptor* f) {
  if (!IsOptionalScalar(f)) return false;
  if (f->has_default_value()) return true;
  return f->cpp_type() == FD::CPPTYPE_ENUM && f->default_value_enum()->number() != 0;
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

uint32_t WireTypeOf(const pb::FieldDescriptor* f) {
  if (f->is_packed()) return 2;
  switch (f->type()) {
    case FD::TYPE_DOUBLE: case FD::TYPE_FIXED64: case FD::TYPE_SFIXED64:
      return 1;
    case FD::TYPE_FLOAT: case FD::TYPE_FIXED32: case FD::TYPE_SFIXED32:
      return 5;
    case FD::TYPE_STRING: case FD::TYPE_BYTES: case FD::TYPE_MESSAGE:
      return 2;
    case FD::TYPE_GROUP:
      return 3;
    default:
      return 0;
  }
}

}  // namespace parigot::codegen
