// protoc-gen-parigot's CodeGenerator: for foo/v1/foo.proto it writes
// foo/v1/foo.parigot.h and foo/v1/foo.parigot.cc (guest C++20, no exceptions,
// no RTTI). Parameter: `ns_prefix=NAME` wraps everything in namespace NAME.
//
// The header includes parigot/wire/wire.h (and checks PARIGOT_WIRE_VERSION),
// parigot/service.h only when the file has services, and the headers of the
// imported files whose types it uses (plus public imports). An import used
// only for options, such as protosupport.proto, is not included.
#ifndef PARIGOT_CODEGEN_GENERATOR_H_
#define PARIGOT_CODEGEN_GENERATOR_H_

#include <string>

#include <google/protobuf/compiler/code_generator.h>

namespace parigot::codegen {

// The runtime version the generated code is written against; must equal
// PARIGOT_WIRE_VERSION in guest/wire/include/parigot/wire/wire.h.
inline constexpr int kWireVersion = 3;

class Generator : public google::protobuf::compiler::CodeGenerator {
 public:
  bool Generate(const google::protobuf::FileDescriptor* file,
                const std::string& parameter,
                google::protobuf::compiler::GeneratorContext* context,
                std::string* error) const override;
  uint64_t GetSupportedFeatures() const override {
    return FEATURE_PROTO3_OPTIONAL;
  }
};

}  // namespace parigot::codegen

#endif  // PARIGOT_CODEGEN_GENERATOR_H_
