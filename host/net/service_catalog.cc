#include "host/net/service_catalog.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <set>

#include "protosupport/v1/protosupport.pb.h"

namespace parigot::net {
namespace {

using google::protobuf::DescriptorPool;
using google::protobuf::FileDescriptorProto;
using google::protobuf::util::MessageDifferencer;

// Collects what DescriptorPool says about a file it rejects.
class Errors : public DescriptorPool::ErrorCollector {
 public:
  void AddError(const std::string& filename, const std::string& element_name,
                const google::protobuf::Message* descriptor, ErrorLocation location,
                const std::string& message) override {
    if (!text_.empty()) text_ += "; ";
    text_ += element_name.empty() ? message : element_name + ": " + message;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

Status Build(DescriptorPool& pool, const FileDescriptorProto& file,
             std::string_view origin) {
  Errors errors;
  if (pool.BuildFileCollectingErrors(file, &errors) == nullptr) {
    return InvalidArgumentError("descriptor of " + file.name() + " from " +
                                std::string(origin) + " rejected: " + errors.text());
  }
  return Status::Ok();
}

using FileMap = std::map<std::string, const FileDescriptorProto*, std::less<>>;

// Orders the files of `fresh` so that each comes after those of its imports
// that are in `fresh` too (depth first); imports already in `pool` need
// nothing, any other import is missing.
class ImportOrder {
 public:
  ImportOrder(const FileMap& fresh, const DescriptorPool& pool, std::string_view origin)
      : fresh_(fresh), pool_(pool), origin_(origin) {}

  Status Visit(const FileDescriptorProto& file) {
    if (done_.count(file.name()) != 0) return Status::Ok();
    if (!visiting_.insert(file.name()).second) {
      return InvalidArgumentError("import cycle through " + file.name() + " in " +
                                  std::string(origin_));
    }
    for (const std::string& import : file.dependency()) {
      if (auto it = fresh_.find(import); it != fresh_.end()) {
        PARIGOT_RETURN_IF_ERROR(Visit(*it->second));
      } else if (pool_.FindFileByName(import) == nullptr) {
        return InvalidArgumentError(file.name() + " from " + std::string(origin_) +
                                    " imports " + import +
                                    ", which no descriptor set added so far holds");
      }
    }
    visiting_.erase(file.name());
    done_.insert(file.name());
    order_.push_back(&file);
    return Status::Ok();
  }

  const std::vector<const FileDescriptorProto*>& order() const { return order_; }

 private:
  const FileMap& fresh_;
  const DescriptorPool& pool_;
  std::string_view origin_;
  std::set<std::string> visiting_;
  std::set<std::string> done_;
  std::vector<const FileDescriptorProto*> order_;
};

}  // namespace

Status ServiceCatalog::Add(std::span<const uint8_t> file_descriptor_set,
                           std::string_view origin) {
  google::protobuf::FileDescriptorSet set;
  if (file_descriptor_set.size() > static_cast<size_t>(INT32_MAX) ||
      !set.ParseFromArray(file_descriptor_set.data(),
                          static_cast<int>(file_descriptor_set.size()))) {
    return InvalidArgumentError(std::string(origin) +
                                ": not a serialized google.protobuf.FileDescriptorSet");
  }

  // The set's files that the catalog does not have yet; those it has must be
  // the same file.
  FileMap fresh;
  for (const FileDescriptorProto& file : set.file()) {
    if (file.name().empty()) {
      return InvalidArgumentError(std::string(origin) + " holds a file with no name");
    }
    if (auto it = files_.find(file.name()); it != files_.end()) {
      if (!MessageDifferencer::Equals(it->second.proto, file)) {
        return InvalidArgumentError(file.name() + " from " + std::string(origin) +
                                    " differs from the " + file.name() + " from " +
                                    it->second.origin);
      }
      continue;
    }
    auto [it, inserted] = fresh.emplace(file.name(), &file);
    if (!inserted && !MessageDifferencer::Equals(*it->second, file)) {
      return InvalidArgumentError(std::string(origin) + " holds two different files named " +
                                  file.name());
    }
  }

  ImportOrder imports(fresh, pool_, origin);
  for (const auto& [name, file] : fresh) PARIGOT_RETURN_IF_ERROR(imports.Visit(*file));

  // Checked first in a scratch pool holding the catalog's files too (a pool
  // layered on ours would not see clashes with our symbols), so that a
  // rejected file leaves the catalog as it was.
  {
    DescriptorPool scratch;
    for (const std::string& name : build_order_) {
      PARIGOT_RETURN_IF_ERROR(Build(scratch, files_.at(name).proto, files_.at(name).origin));
    }
    for (const FileDescriptorProto* file : imports.order()) {
      PARIGOT_RETURN_IF_ERROR(Build(scratch, *file, origin));
    }
  }
  for (const FileDescriptorProto* file : imports.order()) {
    Status built = Build(pool_, *file, origin);
    if (!built.ok()) return InternalError("accepted, then " + built.message());
    files_.emplace(file->name(), File{*file, std::string(origin)});
    build_order_.push_back(file->name());
  }
  return Status::Ok();
}

const google::protobuf::ServiceDescriptor* ServiceCatalog::FindService(
    std::string_view full_name) const {
  return pool_.FindServiceByName(std::string(full_name));
}

Result<std::vector<std::string>> ServiceCatalog::MethodNames(
    std::string_view full_name) const {
  const google::protobuf::ServiceDescriptor* service = FindService(full_name);
  if (service == nullptr) {
    return NotFoundError("no service " + std::string(full_name) + " in the catalog");
  }
  std::vector<std::string> names;
  names.reserve(service->method_count());
  for (int i = 0; i < service->method_count(); ++i) {
    names.push_back(service->method(i)->name());
  }
  return names;
}

std::string ServiceCatalog::ErrorName(std::string_view full_name, int32_t error) const {
  const google::protobuf::ServiceDescriptor* service = FindService(full_name);
  if (service == nullptr) return {};
  // Without the option the guest's generated code uses ServiceErr (codegen/
  // service_gen.h): its names are the host's own, whatever the guest's pool.
  const google::protobuf::EnumDescriptor* errors = protosupport::v1::ServiceErr_descriptor();
  if (service->options().HasExtension(protosupport::v1::error_id_name)) {
    const std::string& package = service->file()->package();
    const std::string& enum_name = service->options().GetExtension(protosupport::v1::error_id_name);
    errors = pool_.FindEnumTypeByName(package.empty() ? enum_name : package + "." + enum_name);
    if (errors == nullptr) return {};
  }
  const google::protobuf::EnumValueDescriptor* value = errors->FindValueByNumber(error);
  return value != nullptr ? value->name() : std::string();
}

std::vector<std::string> ServiceCatalog::ServiceNames() const {
  std::vector<std::string> names;
  for (const auto& [name, file] : files_) {
    const std::string& package = file.proto.package();
    for (const google::protobuf::ServiceDescriptorProto& service : file.proto.service()) {
      names.push_back(package.empty() ? service.name() : package + "." + service.name());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

const FileDescriptorProto* ServiceCatalog::FindFileProto(std::string_view name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second.proto;
}

}  // namespace parigot::net
