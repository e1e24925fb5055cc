// Emits the C++ for proto enums and messages: declarations for the
// .parigot.h and method definitions for the .parigot.cc. The generated API is
// documented in codegen/README.md and guest/wire/include/parigot/wire/wire.h.
#ifndef PARIGOT_CODEGEN_MESSAGE_GEN_H_
#define PARIGOT_CODEGEN_MESSAGE_GEN_H_

#include <set>
#include <string>
#include <vector>

#include <google/protobuf/io/printer.h>

#include "names.h"

namespace parigot::codegen {

// Every message of the file (nested ones included, map entries excluded),
// ordered so that a message comes after those it holds by value in a vector
// or map where possible. In a cycle, a vector member of a message declared
// later gets no default member initializer (EmitMessageDecl).
std::vector<const pb::Descriptor*> OrderedMessages(const pb::FileDescriptor* f);
// Every enum of the file, nested ones included, in declaration order.
std::vector<const pb::EnumDescriptor*> AllEnums(const pb::FileDescriptor* f);

// True when `d` is the type of a proto2 group field (it then also gets a
// MergeFromReader that stops at the group's end tag).
bool IsGroupType(const pb::Descriptor* d);

void EmitEnum(pb::io::Printer& p, const pb::EnumDescriptor* e, Names& names);
// `complete` holds the messages of the file already declared (OrderedMessages
// order).
void EmitMessageDecl(pb::io::Printer& p, const pb::Descriptor* d, Names& names,
                     const std::set<const pb::Descriptor*>& complete);
void EmitMessageImpl(pb::io::Printer& p, const pb::Descriptor* d, Names& names);

}  // namespace parigot::codegen

#endif  // PARIGOT_CODEGEN_MESSAGE_GEN_H_
