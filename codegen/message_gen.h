// Emits the C++ for proto enums and messages: declarations for the
// .parigot.h and method definitions for the .parigot.cc. The generated API is
// documented in codegen/README.md and guest/wire/include/parigot/wire/wire.h.
#ifndef PARIGOT_CODEGEN_MESSAGE_GEN_H_
#define PARIGOT_CODEGEN_MESSAGE_GEN_H_

#include <string>
#include <vector>

#include <google/protobuf/io/printer.h>

#include "names.h"

namespace parigot::codegen {

// Every message of the file (nested ones included, map entries excluded),
// ordered so that a message comes after those it holds by value in a vector
// or map where possible (cycles are allowed: vector and map accept incomplete
// element types).
std::vector<const pb::Descriptor*> OrderedMessages(const pb::FileDescriptor* f);
// Every enum of the file, nested ones included, in declaration order.
std::vector<const pb::EnumDescriptor*> AllEnums(const pb::FileDescriptor* f);

// Returns false and sets *error for what the generator does not support
// (groups).
bool CheckMessage(const pb::Descriptor* d, std::string* error);

void EmitEnum(pb::io::Printer& p, const pb::EnumDescriptor* e,
              const Options& opts);
void EmitMessageDecl(pb::io::Printer& p, const pb::Descriptor* d,
                     const Options& opts);
void EmitMessageImpl(pb::io::Printer& p, const pb::Descriptor* d,
                     const Options& opts);

}  // namespace parigot::codegen

#endif  // PARIGOT_CODEGEN_MESSAGE_GEN_H_
