// Naming rules of protoc-gen-parigot: how proto packages, messages, enums and
// fields map to C++ names and types. Everything here is a pure function of
// descriptors, so the generated API is decided in one place.
//
//   package a.b            -> namespace [prefix::]a::b
//   message Outer.Inner    -> struct Outer_Inner (+ `using Inner` in Outer)
//   field names            -> unchanged; C++ keywords get a trailing `_`
//   int32/sint32/sfixed32  -> int32_t (similarly 64-bit, unsigned, float...)
//   string, bytes          -> std::string
//   enum E                 -> enum class E : int32_t
//   repeated T             -> std::vector<T>;   map<K, V> -> std::map<K, V>
//   singular message       -> ::parigot::wire::Box<M>
//   field with presence    -> std::optional<T> (proto2, proto3 `optional`)
//   oneof o { ... }        -> std::variant<std::monostate, T1, T2, ...> o
#ifndef PARIGOT_CODEGEN_NAMES_H_
#define PARIGOT_CODEGEN_NAMES_H_

#include <string>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

namespace parigot::codegen {

namespace pb = ::google::protobuf;

struct Options {
  std::string ns_prefix;  // extra outer namespace, e.g. "ours"; may be empty
};

// `s` with a trailing `_` if it is a C++ keyword.
std::string EscapeKeyword(const std::string& s);
// "greeting.v1" -> "greeting::v1", with the prefix in front when set.
std::string Namespace(const pb::FileDescriptor* file, const Options& opts);
// "Outer_Inner": the type's name at namespace scope.
std::string ClassName(const pb::Descriptor* d);
std::string ClassName(const pb::EnumDescriptor* e);
// "::ns::Outer_Inner".
std::string QualifiedName(const pb::Descriptor* d, const Options& opts);
std::string QualifiedName(const pb::EnumDescriptor* e, const Options& opts);
// "foo/v1/foo.proto" -> "foo/v1/foo" (the stem of the generated files).
std::string FileStem(const pb::FileDescriptor* file);
// The member name of a field or oneof.
std::string FieldName(const pb::FieldDescriptor* f);
std::string OneofName(const pb::OneofDescriptor* o);
// "kFooBar" for field foo_bar (oneof case constants); "FooBar" for CamelCase.
std::string CamelCase(const std::string& snake);

// The C++ type of one value of the field (ignores repeated/optional).
std::string ValueType(const pb::FieldDescriptor* f, const Options& opts);
// The full C++ type of the member that stores the field (not for oneofs).
std::string MemberType(const pb::FieldDescriptor* f, const Options& opts);
// The runtime codec for one value, e.g. "pwi::SInt32" or "pwi::Message<::a::M>".
std::string Codec(const pb::FieldDescriptor* f, const Options& opts);
// True when the field is stored as std::optional<T> (explicit presence and
// not a message, not in a real oneof).
bool IsOptionalScalar(const pb::FieldDescriptor* f);
// The tag bytes' encoded length.
size_t TagSize(const pb::FieldDescriptor* f);

}  // namespace parigot::codegen

#endif  // PARIGOT_CODEGEN_NAMES_H_
