// Emits the client handle and server base class for each proto service,
// against the guest SDK's names in "parigot/service.h" (parigot::Future,
// parigot::Result, parigot::CallOptions, parigot::Service,
// parigot::ServiceName and parigot::internal::{ServiceHandle, Locate,
// LocateOrDie, Call, Serve, RawFuture, UnknownMethod, kTimeLimitsMs}).
//
// A method whose request message has no fields takes no request argument; one
// whose response has no fields yields Future<void, Err>. The error enum is the
// one named by the service option (protosupport.v1.error_id_name), looked up
// in the service's package, or protosupport.v1.ServiceErr without the option
// (never the kernel's KernelErr: its values 1 and 3 mean other things than
// the DispatchError and MarshalFailed with which the SDK fails calls).
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

// The error enum of services without the option: ServiceErr of proto/
// protosupport/v1/protosupport.proto. When the .proto imports that file, the
// enum is taken from the pool (and its file's header included like any
// other); otherwise the generated code names it and includes its header
// (which the guest SDK always builds) itself.
inline constexpr char kDefaultErrorPackage[] = "protosupport.v1";
inline constexpr char kDefaultErrorEnum[] = "ServiceErr";
inline constexpr char kDefaultErrorHeader[] = "protosupport/v1/protosupport.parigot.h";

// The error enum of `s`: *found is the enum, or nullptr for the default
// ServiceErr when it is not in the pool. Fails with a message naming the
// service and enum (protoc prefixes the file name) if the named enum is
// missing or is not a valid parigot error enum, or if a method streams.
bool ResolveService(const pb::ServiceDescriptor* s,
                    const pb::EnumDescriptor** found, std::string* error);

void EmitService(pb::io::Printer& p, const pb::ServiceDescriptor* s,
                 const pb::EnumDescriptor* error_enum, Names& names);

}  // namespace parigot::codegen

#endif  // PARIGOT_CODEGEN_SERVICE_GEN_H_
