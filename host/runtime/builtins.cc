#include "host/runtime/builtins.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "host/builtin/kv/service.h"
#include "host/builtin/kv/store.h"
#include "parigot/kv/v1/kv.pb.h"

namespace parigot::runtime {
namespace {

// Adds `file` and, first, everything it imports.
void AddFile(const google::protobuf::FileDescriptor* file, std::set<std::string>& added,
             google::protobuf::FileDescriptorSet& set) {
  if (!added.insert(file->name()).second) return;
  for (int i = 0; i < file->dependency_count(); ++i) AddFile(file->dependency(i), added, set);
  google::protobuf::FileDescriptorProto* proto = set.add_file();
  file->CopyTo(proto);
  // As protoc writes it into the guests' descriptor sets: the same file
  // must read the same from both, or the catalog takes them for a clash.
  file->CopyJsonNameTo(proto);
}

}  // namespace

Result<std::unique_ptr<RunningBuiltin>> RunningBuiltin::Make(
    const deploy::MicroserviceOptions& ms, const deploy::DeploymentOptions& deployment,
    kernel::Kernel& kernel, kernel::GuestOptions options, const kernel::LogFn& log) {
  std::unique_ptr<RunningBuiltin> running(new RunningBuiltin());
  // ms.builtin is "kv" (kBuiltinNames, checked by the descriptor's loader).
  const std::filesystem::path dir = deployment.DataDir();
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return InternalError("cannot make the data directory " + dir.string() + ": " +
                         error.message());
  }
  const std::filesystem::path file = dir / (ms.name + ".kv.db");
  Result<std::unique_ptr<builtin::kv::KvStore>> store = builtin::kv::KvStore::Open(file);
  if (!store.ok()) return store.status();
  running->store_ = std::move(*store);
  running->service_ = builtin::kv::MakeKvService(
      *running->store_, [log, name = ms.name](std::string_view line) {
        log(name, kernel::LogLevel::kError, line, {});
      });
  if (!ms.time_limit) options.time_limit = kBuiltinTimeLimit;
  running->kernel_ = &kernel;
  running->id_ = kernel.AddGuest(ms.name, kernel::GuestKind::kService,
                                 deploy::DescribeKey(ms, ""), options);
  log(ms.name, kernel::LogLevel::kDebug,
      "built-in " + ms.builtin + " service, data in " + file.string(),
      {});
  return running;
}

RunningBuiltin::~RunningBuiltin() { Join(); }

void RunningBuiltin::Start() {
  thread_ = std::thread([this] {
    for (;;) {
      int exit_code = service_->Serve(*kernel_, id_);
      if (!kernel_->GuestEnded(id_, exit_code, std::nullopt)) return;
      if (!kernel_->WaitToRestart(id_)) return;
    }
  });
}

void RunningBuiltin::Join() {
  if (thread_.joinable()) thread_.join();
}

Result<std::vector<uint8_t>> RunningBuiltin::DescriptorSet() {
  google::protobuf::FileDescriptorSet set;
  std::set<std::string> added;
  AddFile(::parigot::kv::v1::GetRequest::descriptor()->file(), added, set);
  std::string bytes = set.SerializeAsString();
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace parigot::runtime
