// Naming rules of protoc-gen-parigot: how proto packages, messages, enums,
// fields, services and methods map to C++ names and types. Every rule lives
// here, so the generated API is decided in one place.
//
//   package a.b            -> namespace [prefix::]a::b
//   message Outer.Inner    -> struct Outer_Inner (+ `using Inner` in Outer)
//   int32/sint32/sfixed32  -> int32_t (similarly 64-bit, unsigned, float...)
//   string, bytes          -> std::string
//   enum E                 -> enum class E : int32_t
//   repeated T             -> std::vector<T>;   map<K, V> -> std::map<K, V>
//   singular message/group -> ::parigot::wire::Box<M>
//   field with presence    -> std::optional<T> (proto2, proto3 `optional`)
//   oneof o { ... }        -> std::variant<std::monostate, T1, T2, ...> o
//
// Collisions. Generated code never depends on a user's name meaning nothing
// else: it refers to members through `this->`, to types and functions by
// fully qualified names (`::std::size_t`, `::parigot::wire::Reader`), and its
// locals cannot be reached by user names. What remains is that a user's name
// may be unusable in C++ or may meet another name in the same C++ scope.
// Each scope (a namespace, a message, an enum, a service's two classes) hands
// out names in two passes:
//   1. a proto name keeps its spelling when that spelling is safe (not a C++
//      keyword, not a macro of the standard library headers in
//      std_macros.txt or of parigot (PARIGOT_..._H_ include guards,
//      PARIGOT_WIRE_VERSION), not a reserved identifier beginning with `__`
//      or `_` and a capital) and not one of the names the generated code
//      reserves in that scope (a message's methods, a service's SDK members,
//      the class's own name);
//   2. every other name, in declaration order (escaped proto names first,
//      then names the generator derives: Outer_Inner, E_Name, SServer,
//      kFooDefault, FooCase, kFoo), gets `_` appended until it is safe and
//      unused in its scope.
// So `class` becomes `class_`, a field named `Clear` becomes `Clear_`, and of
// proto2 fields `foo_bar` and `fooBar` the second one's default constant is
// `kFooBarDefault_`. The global namespace (files without a package) also
// reserves std, parigot and the standard headers' global names in
// std_globals.txt (a message `exit` becomes `exit_`). Names taken by same-package files that a file imports
// are taken before the file's own. Renames made because of a collision (not
// mere escapes) are reported by Notes().
#ifndef PARIGOT_CODEGEN_NAMES_H_
#define PARIGOT_CODEGEN_NAMES_H_

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

namespace parigot::codegen {

namespace pb = ::google::protobuf;

struct Options {
  std::string ns_prefix;  // extra outer namespace, e.g. "ours"; may be empty
};

// True when `name` cannot be used as a C++ identifier as it is: a keyword, a
// standard library macro, or a reserved identifier.
bool IsUnsafeIdentifier(const std::string& name);
// "FooBar" for foo_bar (oneof case constants and defaults use it).
std::string CamelCase(const std::string& snake);
// "foo/v1/foo.proto" -> "foo/v1/foo" (the stem of the generated files).
std::string FileStem(const pb::FileDescriptor* file);

// The C++ names of everything a generator run emits or refers to. Names are
// computed per scope on first use and cached, so every caller sees the same
// answer. Not thread-safe (protoc runs a plugin on one thread).
class Names {
 public:
  explicit Names(Options opts);
  ~Names();
  Names(const Names&) = delete;
  Names& operator=(const Names&) = delete;

  const Options& options() const { return opts_; }

  // "a::b" for package a.b (with the prefix in front when set); may be empty.
  std::string Namespace(const pb::FileDescriptor* file);
  // Names at namespace scope: "Outer_Inner", and "::a::b::Outer_Inner".
  std::string Type(const pb::Descriptor* d);
  std::string Type(const pb::EnumDescriptor* e);
  std::string Qualified(const pb::Descriptor* d);
  std::string Qualified(const pb::EnumDescriptor* e);
  // "E_Name", the function giving an enum value's proto name.
  std::string EnumNameFunction(const pb::EnumDescriptor* e);
  // The client handle "S" and server base "SServer" of a service.
  std::string Client(const pb::ServiceDescriptor* s);
  std::string Server(const pb::ServiceDescriptor* s);

  // Names inside a message's struct.
  std::string Member(const pb::FieldDescriptor* f);  // not oneof alternatives
  std::string Member(const pb::OneofDescriptor* o);
  // `using Inner = ...` of a nested message or enum in its parent.
  std::string Alias(const pb::Descriptor* nested);
  std::string Alias(const pb::EnumDescriptor* nested);
  // Of oneof `foo`: enum FooCase { kFooNotSet = 0, kAlt = 1, ... }.
  std::string CaseEnum(const pb::OneofDescriptor* o);
  std::string NotSetCase(const pb::OneofDescriptor* o);
  std::string Case(const pb::FieldDescriptor* alternative);
  // kFooDefault, the proto2 default of field foo.
  std::string DefaultConstant(const pb::FieldDescriptor* f);

  // An enumerator of an enum class.
  std::string Value(const pb::EnumValueDescriptor* v);
  // A method of a service (the same in its client and server classes).
  std::string Method(const pb::MethodDescriptor* m);

  // Renames caused by collisions, one readable line each, for the plugin
  // to report.
  const std::vector<std::string>& Notes() const { return notes_; }

  // Types.
  // The C++ type of one value of the field (ignores repeated/optional).
  std::string ValueType(const pb::FieldDescriptor* f);
  // The full C++ type of the member that stores the field (not for oneofs).
  std::string MemberType(const pb::FieldDescriptor* f);
  // The runtime codec for one value, e.g. "SInt32" or "Message<::a::M>",
  // relative to ::parigot::wire::internal.
  std::string Codec(const pb::FieldDescriptor* f);

 private:
  class Scope;
  Scope& PackageScope(const pb::FileDescriptor* file);
  void NameMessageScope(const pb::Descriptor* d);
  void NameEnumScope(const pb::EnumDescriptor* e);
  void NameServiceScope(const pb::ServiceDescriptor* s);

  // What a name names: a descriptor's own C++ name, or one derived from it.
  enum class Kind {
    kName, kAlias, kEnumNameFunction, kServer, kCaseEnum, kNotSetCase,
    kCase, kDefault,
  };
  using Key = std::pair<const void*, Kind>;
  void Assign(Key key, std::string name);
  std::string Lookup(Key key, const std::string& what);

  Options opts_;
  std::map<Key, std::string> names_;
  // Package scopes by file: the names a file's header declares at namespace
  // scope, plus those of the same-package files it imports.
  std::map<const pb::FileDescriptor*, std::unique_ptr<Scope>> packages_;
  // Messages, enums and services whose inner names are assigned.
  std::set<const void*> named_scopes_;
  std::vector<std::string> notes_;
};

// True when the field is stored as std::optional<T> (explicit presence and
// not a message, not in a real oneof).
bool IsOptionalScalar(const pb::FieldDescriptor* f);
// True when the message declares a kFooDefault constant for the field: an
// optional scalar with a proto2 [default = ...], or a closed enum whose first
// value is not 0.
bool HasDefaultConstant(const pb::FieldDescriptor* f);
// The tag bytes' encoded length.
size_t TagSize(const pb::FieldDescriptor* f);
// The wire type of one value of the field as it is written (2 for packed).
uint32_t WireTypeOf(const pb::FieldDescriptor* f);

}  // namespace parigot::codegen

#endif  // PARIGOT_CODEGEN_NAMES_H_
