// Emits the client handle and server base class for each proto service,
// against the guest SDK's names in "parigot/service.h" (parigot::Future,
// parigot::Result, parigot::CallOptions, parigot::Service,
// parigot::ServiceName and parigot::internal::{ServiceHandle, Locate,
// LocateOrDie, Call, Serve, RawFuture, UnknownMethod, kTimeLimitsMs}).
//
// A method whose request message has no fields takes no request argument; one
// whose response has no fields yields Future<void, Err>. The error enum is the
// one named by the service option (protosupport.v1.error_id_name), looked up
// in the service's package, or the kernel's KernelErr without the option.
// The methods' own time limits (method option protosupport.v1.time_limit_ms)
// go to the server base's constructor, as parigot::internal::kTimeLimitsMs<...>;
// a service none of whose methods has one passes nothing.
#ifndef PARIGOT_CODEGEN_SERVICE_GEN_H_
#define PARIGOT_CODEGEN_SERVICE_GEN_H_

#include <string>

#include <google/protobuf/io/printer.h>

#include "names.h"

namespace parigot::codegen {

// Field numbers of the options in proto/protosupport/v1/protosupport.proto.
inline constexpr int kParigotErrorOption = 543211;
inline constexpr int kErrorIdNameOption = 543213;
inline constexpr int kTimeLimitMsOption = 543216;

// The error enum of services without the option: proto/parigot/syscall/v1/
// syscall.proto. When the .proto imports it (or the older syscall.v1
// location), the enum is taken from the pool and its file's header included.
inline constexpr char kDefaultErrorPackage[] = "parigot.syscall.v1";
inline constexpr char kDefaultErrorHeader[] = "parigot/syscall/v1/syscall.parigot.h";

// The error enum of `s`: *found is the enum, or nullptr for the default
// KernelErr when it is not in the pool. Fails with a message naming the
// service and enum (protoc prefixes the file name) if the named enum is
// missing or is not a valid parigot error enum, or if a method streams.
bool ResolveService(const pb::ServiceDescriptor* s,
                    const pb::EnumDescriptor** found, std::string* error);

void EmitService(pb::io::Printer& p, const pb::ServiceDescriptor* s,
                 const pb::EnumDescriptor* error_enum, Names& names);

}  // namespace parigot::codegen

#endif  // PARIGOT_CODEGEN_SERVICE_GEN_H_
