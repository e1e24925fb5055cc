// ReflectionService: gRPC server reflection for the services a host serves.
//
// Generic gRPC clients (grpcurl, Postman, the reflection clients of other
// languages) ask a server what it offers before calling it: which services,
// and the .proto files that define their methods and messages. parigot hosts
// answer from the ServiceCatalog built from their guests' descriptors (see
// service_catalog.h), implementing the standard protocol
// (proto/grpc/reflection/) under both names clients use: v1, which modern
// clients try first, and v1alpha, which they fall back to.
//
// Per request on a stream:
//   list_services                  the names the host gave, plus this
//                                  service's two names
//   file_by_filename               that file,
//   file_containing_symbol         the file declaring that fully-qualified
//                                  service, method, message, enum, enum
//                                  value, field or extension,
//   file_containing_extension      the file declaring that extension,
//                                  each followed by those of its transitive
//                                  imports not yet sent on this stream (the
//                                  requested file is always sent);
//   all_extension_numbers_of_type  the extension numbers of that message type
//                                  known to the catalog (none for a type no
//                                  file extends, as proto3 files cannot);
// an unknown name answers error_response NOT_FOUND, a request with no known
// field set answers error_response UNIMPLEMENTED; the stream goes on.
//
// Usage:
//
//   ServiceCatalog catalog;
//   ... catalog.Add(guest descriptors) ...
//   Result<std::vector<uint8_t>> own = ReflectionService::OwnDescriptorSet();
//   if (own.ok()) PARIGOT_RETURN_IF_ERROR(catalog.Add(*own, "host"));
//   ReflectionService reflection(catalog, {"greeting.v1.Greeting", "grpc.health.v1.Health"});
//   grpc::ServerBuilder builder;
//   reflection.RegisterWith(builder);
//
// Thread safety: after construction, any number of streams may run at once on
// gRPC's threads; each stream's state is its own, and the catalog is only
// read. Ownership: the catalog is not owned and must outlive this object,
// which must outlive every server it is registered with.
#ifndef PARIGOT_HOST_NET_REFLECTION_H_
#define PARIGOT_HOST_NET_REFLECTION_H_

#include <grpcpp/server_builder.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "host/net/service_catalog.h"

namespace parigot::net {

class ReflectionService {
 public:
  static constexpr std::string_view kV1ServiceName = "grpc.reflection.v1.ServerReflection";
  static constexpr std::string_view kV1AlphaServiceName =
      "grpc.reflection.v1alpha.ServerReflection";

  // The serialized google.protobuf.FileDescriptorSet of the reflection
  // protocol's own .proto files (compiled into the host). Adding it to the
  // catalog lets clients describe the reflection service itself. INTERNAL if
  // they are not linked in (a build bug).
  static Result<std::vector<uint8_t>> OwnDescriptorSet();

  // What list_services answers besides this service's own names: the
  // fully-qualified names of the services the host serves (and e.g.
  // "grpc.health.v1.Health"), in that order; duplicates are dropped. Called
  // for each list_services request, from gRPC's threads: what a host serves
  // changes as its guests start and end.
  using ServiceLister = std::function<std::vector<std::string>()>;

  ReflectionService(const ServiceCatalog& catalog, ServiceLister services);
  // A fixed list of services.
  ReflectionService(const ServiceCatalog& catalog, std::vector<std::string> services);
  ~ReflectionService();

  ReflectionService(const ReflectionService&) = delete;
  ReflectionService& operator=(const ReflectionService&) = delete;

  // Registers the v1 and v1alpha services with `builder`.
  void RegisterWith(grpc::ServerBuilder& builder);

 private:
  class Answerer;
  class Session;
  template <typename GeneratedService>
  class Endpoint;

  std::unique_ptr<const Answerer> answerer_;
  std::vector<std::unique_ptr<grpc::Service>> endpoints_;
};

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_REFLECTION_H_
