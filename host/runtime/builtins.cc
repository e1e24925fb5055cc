#include "host/runtime/builtins.h"

#include <sys/resource.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include "host/builtin/file/open_files.h"
#include "host/builtin/file/sandbox.h"
#include "host/builtin/file/service.h"
#include "host/builtin/http/ingress.h"
#include "host/builtin/kv/service.h"
#include "host/builtin/kv/store.h"
#include "host/builtin/queue/service.h"
#include "host/builtin/queue/store.h"
#include "parigot/file/v1/file.pb.h"
#include "parigot/http/v1/http.pb.h"
#include "parigot/kv/v1/kv.pb.h"
#include "parigot/queue/v1/queue.pb.h"

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

// What a built-in is opened from.
struct OpenContext {
  const deploy::MicroserviceOptions& ms;
  const deploy::DeploymentOptions& deployment;
  // The data directory, made; a built-in keeps its files here unless its
  // options place them elsewhere.
  const std::filesystem::path& data_dir;
  // Logs a line as the built-in, at error level (failures its callers see
  // only as an error code) or debug.
  std::function<void(kernel::LogLevel, std::string_view)> log;
};

// One kind of built-in: its Builtin name, what opens it, and a message of
// each .proto file it serves or takes (for the catalog).
struct BuiltinKind {
  std::string_view name;
  Result<std::unique_ptr<builtin::Builtin>> (*open)(const OpenContext& context);
  const google::protobuf::Descriptor* (*message)();
};

// Opens a built-in that keeps its data in one SQLite file of
// `data_dir`, named SERVICE.BUILTIN.db (store.kv.db, jobs.queue.db), and
// serves it with what `make_service` makes of it.
template <typename Store, typename MakeService>
Result<std::unique_ptr<builtin::Builtin>> OpenStore(const OpenContext& context,
                                                     MakeService make_service) {
  const std::filesystem::path file =
      context.data_dir / (context.ms.name + "." + context.ms.builtin + ".db");
  Result<std::unique_ptr<Store>> store = Store::Open(file);
  if (!store.ok()) return store.status();
  context.log(kernel::LogLevel::kDebug,
              "built-in " + context.ms.builtin + " service, data in " + file.string());
  std::unique_ptr<builtin::Builtin> service = make_service(
      std::shared_ptr<Store>(std::move(*store)),
      [log = context.log](std::string_view line) { log(kernel::LogLevel::kError, line); });
  return service;
}

Result<std::unique_ptr<builtin::Builtin>> OpenHttp(const OpenContext& context) {
  const deploy::MicroserviceOptions& ms = context.ms;
  builtin::http::IngressOptions options;
  options.listen = ms.listen;
  for (size_t i = 0; i < ms.routes.size(); ++i) {
    const deploy::HttpRoute& route = ms.routes[i];
    const size_t dot = route.service.rfind('.');  // there is one (validated)
    options.routes.push_back(builtin::http::IngressRoute{
        .host = route.host,
        .prefix = route.prefix,
        .service = {route.service.substr(0, dot), route.service.substr(dot + 1)},
        .method = route.method,
        .origin = context.deployment.descriptor_path + ":" +
                  std::to_string(route.location.line) + ": " + ms.key_path + ".Route[" +
                  std::to_string(i) + "]"});
  }
  if (ms.max_header_size) options.limits.max_header_size = *ms.max_header_size;
  if (ms.max_body_size) options.limits.max_body_size = *ms.max_body_size;
  // Bodies being received are calls about to be made: the same budget.
  options.limits.max_buffered_bodies = context.deployment.MaxInFlight();
  std::unique_ptr<builtin::Builtin> ingress =
      std::make_unique<builtin::http::Ingress>(std::move(options), context.log);
  return ingress;
}

Result<std::unique_ptr<builtin::Builtin>> OpenKv(const OpenContext& context) {
  return OpenStore<builtin::kv::KvStore>(context, &builtin::kv::MakeKvService);
}

Result<std::unique_ptr<builtin::Builtin>> OpenQueue(const OpenContext& context) {
  return OpenStore<builtin::queue::QueueStore>(context, &builtin::queue::MakeQueueService);
}

// Room for the descriptors a file service may hold open: Debian's soft limit
// of 1024 would let a guest's open files starve the process of sockets.
// Raised towards the hard limit, never past it; a limit that leaves too
// little room is a warning.
void MakeRoomForOpenFiles(const OpenContext& context) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  // The service's files, and as many again for the rest of the process.
  const rlim_t wanted = 2 * builtin::file::kMaxOpenFiles;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const bool room = limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted;
  context.log(room ? kernel::LogLevel::kDebug : kernel::LogLevel::kWarn,
              "the process may open " + std::to_string(limit.rlim_cur) + " files" +
                  (room ? "" : ", and the file service up to 1024 of them: "
                               "raise the hard limit (ulimit -Hn)"));
}

Result<std::unique_ptr<builtin::Builtin>> OpenFile(const OpenContext& context) {
  MakeRoomForOpenFiles(context);
  const std::filesystem::path dir = context.ms.SandboxDir(context.deployment);
  Result<std::unique_ptr<builtin::file::Sandbox>> sandbox = builtin::file::Sandbox::Open(dir);
  if (!sandbox.ok()) return sandbox.status();
  context.log(kernel::LogLevel::kDebug, "built-in file service, sandbox " + dir.string());
  std::unique_ptr<builtin::Builtin> service = std::make_unique<builtin::file::FileService>(
      std::move(*sandbox),
      [log = context.log](std::string_view line) { log(kernel::LogLevel::kError, line); });
  return service;
}

// Every kind of built-in; deploy::kBuiltinNames lists the same names.
constexpr BuiltinKind kKinds[] = {
    {"kv", &OpenKv, [] { return ::parigot::kv::v1::GetRequest::descriptor(); }},
    {"http", &OpenHttp, [] { return ::parigot::http::v1::Request::descriptor(); }},
    {"queue", &OpenQueue, [] { return ::parigot::queue::v1::SendRequest::descriptor(); }},
    {"file", &OpenFile, [] { return ::parigot::file::v1::OpenRequest::descriptor(); }},
};

}  // namespace

Result<std::unique_ptr<RunningBuiltin>> RunningBuiltin::Make(
    const deploy::MicroserviceOptions& ms, const deploy::DeploymentOptions& deployment,
    kernel::Kernel& kernel, kernel::GuestOptions options, const kernel::LogFn& log) {
  const BuiltinKind* kind = nullptr;
  for (const BuiltinKind& k : kKinds) {
    if (k.name == ms.builtin) kind = &k;
  }
  if (kind == nullptr) {
    return UnimplementedError("the built-in service \"" + ms.builtin +
                              "\" is not implemented in this version of parigot");
  }
  const std::filesystem::path dir = deployment.DataDir();
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return InternalError("cannot make the data directory " + dir.string() + ": " +
                         error.message());
  }
  const OpenContext context{
      .ms = ms,
      .deployment = deployment,
      .data_dir = dir,
      .log = [log, name = ms.name](kernel::LogLevel level, std::string_view line) {
        log(name, level, line, {});
      }};
  Result<std::unique_ptr<builtin::Builtin>> builtin = kind->open(context);
  if (!builtin.ok()) return builtin.status();
  std::unique_ptr<RunningBuiltin> running(new RunningBuiltin());
  running->builtin_ = std::move(*builtin);
  if (!ms.time_limit) options.time_limit = kBuiltinTimeLimit;
  running->kernel_ = &kernel;
  running->id_ = kernel.AddGuest(ms.name, kernel::GuestKind::kService,
                                 deploy::DescribeKey(ms, ""), options);
  return running;
}

RunningBuiltin::~RunningBuiltin() { Join(); }

void RunningBuiltin::Start() {
  thread_ = std::thread([this] {
    for (;;) {
      int exit_code = builtin_->Serve(*kernel_, id_);
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
  for (const BuiltinKind& kind : kKinds) AddFile(kind.message()->file(), added, set);
  std::string bytes = set.SerializeAsString();
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

}  // namespace parigot::runtime
