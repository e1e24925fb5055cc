// ServiceCatalog: the protobuf descriptors of the services a host serves.
//
// In network mode a host serves its guests' services as real gRPC services
// (and answers server reflection about them), yet it has no C++ code for the
// guests' .proto files: those were compiled to wasm by protoc-gen-parigot.
// Each guest carries instead a serialized google.protobuf.FileDescriptorSet of
// its .proto files and their imports (the wasm custom section
// `parigot.descriptors`, see host/engine/custom_sections.h). The catalog merges
// those sets, one per guest, into one DescriptorPool.
//
// The same file may arrive from several guests (two guests that import
// greeting/v1/greeting.proto, or google/protobuf/descriptor.proto): identical
// copies are merged; a file whose content differs from an earlier copy of the
// same name is an error that names the file and both origins, since the two
// guests would disagree about the wire format.
//
// Typical use:
//
//   ServiceCatalog catalog;
//   for (const Guest& g : guests) {
//     PARIGOT_RETURN_IF_ERROR(catalog.Add(g.descriptors, g.wasm_path));
//   }
//   const auto* greeting = catalog.FindService("greeting.v1.Greeting");
//
// Thread safety: build once, then share. Add must not run concurrently with
// anything else on the same catalog; once every Add is done, the const
// methods (and the const DescriptorPool and descriptors they return) may be
// used from any number of threads at once without locking.
#ifndef PARIGOT_HOST_NET_SERVICE_CATALOG_H_
#define PARIGOT_HOST_NET_SERVICE_CATALOG_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/status.h"

namespace parigot::net {

class ServiceCatalog {
 public:
  ServiceCatalog() = default;
  ServiceCatalog(const ServiceCatalog&) = delete;
  ServiceCatalog& operator=(const ServiceCatalog&) = delete;

  // Adds the files of `file_descriptor_set`, a serialized
  // google.protobuf.FileDescriptorSet; `origin` says where it came from (a
  // guest's wasm path, say) and appears in error messages. A set must hold
  // every file its files import, unless an earlier Add brought it; the files
  // may come in any order.
  //
  // All or nothing: on error the catalog is unchanged. Errors:
  // INVALID_ARGUMENT for bytes that are not a FileDescriptorSet, a file that
  // differs from an earlier file of the same name, a missing import, an
  // import cycle, or a file protobuf rejects (e.g. a symbol already defined
  // by another file); the message names the file and the origins.
  Status Add(std::span<const uint8_t> file_descriptor_set, std::string_view origin);

  // The service with this fully-qualified name ("greeting.v1.Greeting"), or
  // null. The descriptor lives as long as the catalog.
  const google::protobuf::ServiceDescriptor* FindService(std::string_view full_name) const;

  // The names of the methods of service `full_name` ("FetchGreeting"), in
  // declaration order; NOT_FOUND if the catalog has no such service.
  Result<std::vector<std::string>> MethodNames(std::string_view full_name) const;

  // The name of value `error` of the error enum of service `full_name` (the
  // enum its option protosupport.v1.error_id_name names, in its package, or
  // protosupport.v1.ServiceErr without the option): "UnknownLang",
  // "DispatchError". Empty if the catalog lacks the service, the enum the
  // option names, or the value.
  std::string ErrorName(std::string_view full_name, int32_t error) const;

  // The fully-qualified names of every service of every file, sorted.
  std::vector<std::string> ServiceNames() const;

  // The file named `name` ("greeting/v1/greeting.proto") exactly as it was
  // added (nothing dropped, unlike FileDescriptor::CopyTo), or null. Lives as
  // long as the catalog.
  const google::protobuf::FileDescriptorProto* FindFileProto(std::string_view name) const;

  // Every descriptor of the catalog, for server reflection and dynamic
  // messages. It holds exactly the files that were added.
  const google::protobuf::DescriptorPool& pool() const { return pool_; }

 private:
  struct File {
    google::protobuf::FileDescriptorProto proto;
    std::string origin;
  };

  // Files by name; every one of them is built into pool_.
  std::map<std::string, File, std::less<>> files_;
  // The names of files_ in the order they were built (imports first).
  std::vector<std::string> build_order_;
  google::protobuf::DescriptorPool pool_;
};

}  // namespace parigot::net

#endif  // PARIGOT_HOST_NET_SERVICE_CATALOG_H_
