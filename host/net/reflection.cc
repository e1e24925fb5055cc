#include "host/net/reflection.h"

#include <grpcpp/grpcpp.h>

#include <set>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace parigot::net {

// Both versions of the protocol use v1alpha's messages (see
// proto/grpc/reflection/v1/reflection.proto).
namespace reflection = ::grpc::reflection::v1alpha;
using ServiceLister = ReflectionService::ServiceLister;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;

// Answers one request; stateless but for the files already sent on the
// stream, which the caller keeps.
class ReflectionService::Answerer {
 public:
  Answerer(const ServiceCatalog& catalog, ServiceLister services)
      : catalog_(catalog), services_(std::move(services)) {}

  reflection::ServerReflectionResponse Answer(const reflection::ServerReflectionRequest& request,
                                              std::set<std::string>& sent) const {
    reflection::ServerReflectionResponse response;
    response.set_valid_host(request.host());
    *response.mutable_original_request() = request;
    const google::protobuf::DescriptorPool& pool = catalog_.pool();
    using Request = reflection::ServerReflectionRequest;
    switch (request.message_request_case()) {
      case Request::kListServices: {
        std::vector<std::string> names = services_();
        names.emplace_back(kV1ServiceName);
        names.emplace_back(kV1AlphaServiceName);
        std::set<std::string> seen;
        for (const std::string& name : names) {
          if (!seen.insert(name).second) continue;
          response.mutable_list_services_response()->add_service()->set_name(name);
        }
        break;
      }
      case Request::kFileByFilename:
        SendFile(pool.FindFileByName(request.file_by_filename()),
                 "no file named " + request.file_by_filename(), sent, response);
        break;
      case Request::kFileContainingSymbol: {
        const std::string& symbol = request.file_containing_symbol();
        const FileDescriptor* file = pool.FindFileContainingSymbol(symbol);
        // The pool also finds a file of a package by the package's name, but
        // a package is declared by no file in particular (and no symbol can
        // share a package's name).
        if (file != nullptr && file->package() == symbol) file = nullptr;
        SendFile(file, "no symbol named " + symbol, sent, response);
        break;
      }
      case Request::kFileContainingExtension: {
        const reflection::ExtensionRequest& wanted = request.file_containing_extension();
        const Descriptor* type = pool.FindMessageTypeByName(wanted.containing_type());
        const FieldDescriptor* extension =
            type == nullptr ? nullptr
                            : pool.FindExtensionByNumber(type, wanted.extension_number());
        SendFile(extension == nullptr ? nullptr : extension->file(),
                 "no extension " + std::to_string(wanted.extension_number()) + " of " +
                     wanted.containing_type(),
                 sent, response);
        break;
      }
      case Request::kAllExtensionNumbersOfType: {
        const std::string& name = request.all_extension_numbers_of_type();
        const Descriptor* type = pool.FindMessageTypeByName(name);
        if (type == nullptr) {
          SetError(StatusCode::kNotFound, "no message type named " + name, response);
          break;
        }
        std::vector<const FieldDescriptor*> extensions;
        pool.FindAllExtensions(type, &extensions);
        reflection::ExtensionNumberResponse* numbers =
            response.mutable_all_extension_numbers_response();
        numbers->set_base_type_name(type->full_name());
        for (const FieldDescriptor* extension : extensions) {
          numbers->add_extension_number(extension->number());
        }
        break;
      }
      case Request::MESSAGE_REQUEST_NOT_SET:
        SetError(StatusCode::kUnimplemented,
                 "request of a kind this server does not know (none of the "
                 "message_request fields it knows is set)",
                 response);
        break;
    }
    return response;
  }

 private:
  static void SetError(StatusCode code, std::string message,
                       reflection::ServerReflectionResponse& response) {
    reflection::ErrorResponse* error = response.mutable_error_response();
    error->set_error_code(static_cast<int>(code));
    error->set_error_message(std::move(message));
  }

  // Answers `file` and those of its transitive imports not in `sent`, or
  // NOT_FOUND with `not_found` if `file` is null.
  void SendFile(const FileDescriptor* file, std::string not_found, std::set<std::string>& sent,
                reflection::ServerReflectionResponse& response) const {
    if (file == nullptr) {
      SetError(StatusCode::kNotFound, std::move(not_found), response);
      return;
    }
    reflection::FileDescriptorResponse* files = response.mutable_file_descriptor_response();
    AppendFile(*file, *files);
    sent.insert(file->name());
    AppendImports(*file, sent, *files);
  }

  void AppendImports(const FileDescriptor& file, std::set<std::string>& sent,
                     reflection::FileDescriptorResponse& files) const {
    for (int i = 0; i < file.dependency_count(); ++i) {
      const FileDescriptor& import = *file.dependency(i);
      if (!sent.insert(import.name()).second) continue;
      AppendFile(import, files);
      AppendImports(import, sent, files);
    }
  }

  // Every file of the pool is in the catalog as it was added.
  void AppendFile(const FileDescriptor& file, reflection::FileDescriptorResponse& files) const {
    catalog_.FindFileProto(file.name())->SerializeToString(files.add_file_descriptor_proto());
  }

  const ServiceCatalog& catalog_;
  const ServiceLister services_;
};

// One ServerReflectionInfo stream: reads a request, writes its answer, and
// again until the client closes its side. One operation at a time, so the
// callbacks never overlap and need no lock.
class ReflectionService::Session
    : public grpc::ServerBidiReactor<reflection::ServerReflectionRequest,
                                     reflection::ServerReflectionResponse> {
 public:
  explicit Session(const Answerer& answerer) : answerer_(answerer) { StartRead(&request_); }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client is done sending, or the call is over
      Finish(grpc::Status::OK);
      return;
    }
    response_ = answerer_.Answer(request_, sent_);
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "reflection: write failed"));
      return;
    }
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  const Answerer& answerer_;
  reflection::ServerReflectionRequest request_;
  reflection::ServerReflectionResponse response_;
  std::set<std::string> sent_;  // files sent on this stream
};

// The generated service of one protocol version, answering with Sessions.
template <typename GeneratedService>
class ReflectionService::Endpoint : public GeneratedService::CallbackService {
 public:
  explicit Endpoint(const Answerer& answerer) : answerer_(answerer) {}

  grpc::ServerBidiReactor<reflection::ServerReflectionRequest,
                          reflection::ServerReflectionResponse>*
  ServerReflectionInfo(grpc::CallbackServerContext*) override {
    return new Session(answerer_);  // deletes itself in OnDone
  }

 private:
  const Answerer& answerer_;
};

namespace {

// Appends `file` to `set` after its imports, each file once.
void AppendWithImports(const FileDescriptor& file, std::set<std::string>& added,
                       google::protobuf::FileDescriptorSet& set) {
  if (!added.insert(file.name()).second) return;
  for (int i = 0; i < file.dependency_count(); ++i) {
    AppendWithImports(*file.dependency(i), added, set);
  }
  google::protobuf::FileDescriptorProto* proto = set.add_file();
  file.CopyTo(proto);
  file.CopyJsonNameTo(proto);
}

}  // namespace

Result<std::vector<uint8_t>> ReflectionService::OwnDescriptorSet() {
  // grpc/reflection/v1/reflection.pb.cc defines no message, so nothing would
  // pull it out of the static library, and without its static initializer
  // the v1 file is missing from the generated pool: naming its descriptor
  // table links it in.
  const void* volatile v1_table = &::descriptor_table_grpc_2freflection_2fv1_2freflection_2eproto;
  (void)v1_table;

  google::protobuf::FileDescriptorSet set;
  std::set<std::string> added;
  for (std::string_view service : {kV1AlphaServiceName, kV1ServiceName}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            std::string(service));
    if (descriptor == nullptr) {
      return InternalError("the descriptor of " + std::string(service) +
                           " is not linked into this program");
    }
    AppendWithImports(*descriptor->file(), added, set);
  }
  std::string bytes = set.SerializeAsString();
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

ReflectionService::ReflectionService(const ServiceCatalog& catalog,
                                     ServiceLister services)
    : answerer_(std::make_unique<const Answerer>(catalog, std::move(services))) {
  endpoints_.push_back(
      std::make_unique<Endpoint<::grpc::reflection::v1::ServerReflection>>(*answerer_));
  endpoints_.push_back(
      std::make_unique<Endpoint<::grpc::reflection::v1alpha::ServerReflection>>(*answerer_));
}

ReflectionService::ReflectionService(const ServiceCatalog& catalog,
                                     std::vector<std::string> services)
    : ReflectionService(catalog, [services = std::move(services)] { return services; }) {}

ReflectionService::~ReflectionService() = default;

void ReflectionService::RegisterWith(grpc::ServerBuilder& builder) {
  for (const std::unique_ptr<grpc::Service>& endpoint : endpoints_) {
    builder.RegisterService(endpoint.get());
  }
}

}  // namespace parigot::net
