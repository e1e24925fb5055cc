#include "host/builtin/kv/service.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/builtin/method.h"
#include "parigot/kv/v1/kv.pb.h"

namespace parigot::builtin::kv {
namespace {

namespace pb = ::parigot::kv::v1;

// What a failed store call answers, by its status.
Reply ErrorReply(const Status& status, const std::function<void(std::string_view)>& log) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument: return Reply::Error(pb::InvalidArgument);
    case StatusCode::kFailedPrecondition: return Reply::Error(pb::VersionMismatch);
    default:
      log(status.message());
      return Reply::Error(pb::StorageFailed);
  }
}

std::optional<int64_t> Expected(bool check, int64_t version) {
  return check ? std::optional<int64_t>(version) : std::nullopt;
}

// A method whose `handle` takes the decoded Request and gives a Response or
// the store's failure.
template <typename Request, typename Handle>
NativeMethod Method(std::string name, const std::function<void(std::string_view)>& log,
                    Handle handle) {
  return TypedMethod<Request>(std::move(name), std::move(handle),
                              [log](const Status& status) { return ErrorReply(status, log); });
}

}  // namespace

std::unique_ptr<NativeService> MakeKvService(std::shared_ptr<KvStore> store,
                                             std::function<void(std::string_view)> log) {
  std::vector<NativeMethod> methods;
  methods.push_back(Method<pb::GetRequest>(
      "Get", log, [store](const pb::GetRequest& request) -> Result<pb::GetResponse> {
        auto got = store->Get(request.ns(), request.key());
        if (!got.ok()) return got.status();
        pb::GetResponse response;
        if (got->has_value()) {
          response.set_found(true);
          response.set_value(std::move((*got)->value));
          response.set_version((*got)->version);
        }
        return response;
      }));
  methods.push_back(Method<pb::PutRequest>(
      "Put", log, [store](const pb::PutRequest& request) -> Result<pb::PutResponse> {
        auto version = store->Put(request.ns(), request.key(), request.value(),
                                 Expected(request.check_version(), request.expected_version()));
        if (!version.ok()) return version.status();
        pb::PutResponse response;
        response.set_version(*version);
        return response;
      }));
  methods.push_back(Method<pb::DeleteRequest>(
      "Delete", log, [store](const pb::DeleteRequest& request) -> Result<pb::DeleteResponse> {
        auto existed =
            store->Delete(request.ns(), request.key(),
                         Expected(request.check_version(), request.expected_version()));
        if (!existed.ok()) return existed.status();
        pb::DeleteResponse response;
        response.set_existed(*existed);
        return response;
      }));
  methods.push_back(Method<pb::ListRequest>(
      "List", log, [store](const pb::ListRequest& request) -> Result<pb::ListResponse> {
        auto page = store->List(request.ns(), request.prefix(), request.start_after(),
                               request.limit(), !request.keys_only());
        if (!page.ok()) return page.status();
        pb::ListResponse response;
        for (Entry& entry : page->entries) {
          pb::Entry* out = response.add_entries();
          out->set_key(std::move(entry.key));
          out->set_value(std::move(entry.value));
          out->set_version(entry.version);
        }
        response.set_next_after(std::move(page->next_after));
        return response;
      }));
  methods.push_back(Method<pb::BatchRequest>(
      "Batch", log, [store](const pb::BatchRequest& request) -> Result<pb::BatchResponse> {
        std::vector<Write> writes;
        writes.reserve(request.writes_size());
        for (const pb::Write& w : request.writes()) {
          writes.push_back(Write{w.remove() ? Write::Kind::kDelete : Write::Kind::kPut, w.key(),
                                 w.value(), Expected(w.check_version(), w.expected_version())});
        }
        auto versions = store->Apply(request.ns(), writes);
        if (!versions.ok()) return versions.status();
        pb::BatchResponse response;
        for (int64_t v : *versions) response.add_versions(v);
        return response;
      }));
  return std::make_unique<NativeService>(kernel::ServiceName{"parigot.kv.v1", "KV"},
                                         std::move(methods));
}

}  // namespace parigot::builtin::kv
