#include "host/builtin/kv/service.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

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

template <typename Message>
std::optional<Message> Decode(std::string_view bytes) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return std::nullopt;
  return message;
}

template <typename Message>
Reply Encode(const Message& message) {
  return Reply{.response = message.SerializeAsString()};
}

std::optional<int64_t> Expected(bool check, int64_t version) {
  return check ? std::optional<int64_t>(version) : std::nullopt;
}

}  // namespace

std::unique_ptr<NativeService> MakeKvService(KvStore& store,
                                             std::function<void(std::string_view)> log) {
  const Reply kUnmarshalFailed = Reply::Error(pb::UnmarshalFailed);
  std::vector<NativeMethod> methods;
  methods.push_back({"Get", [&store, log, kUnmarshalFailed](std::string_view bytes) {
                       auto request = Decode<pb::GetRequest>(bytes);
                       if (!request) return kUnmarshalFailed;
                       auto got = store.Get(request->ns(), request->key());
                       if (!got.ok()) return ErrorReply(got.status(), log);
                       pb::GetResponse response;
                       if (got->has_value()) {
                         response.set_found(true);
                         response.set_value(std::move((*got)->value));
                         response.set_version((*got)->version);
                       }
                       return Encode(response);
                     }});
  methods.push_back({"Put", [&store, log, kUnmarshalFailed](std::string_view bytes) {
                       auto request = Decode<pb::PutRequest>(bytes);
                       if (!request) return kUnmarshalFailed;
                       auto version =
                           store.Put(request->ns(), request->key(), request->value(),
                                     Expected(request->check_version(),
                                              request->expected_version()));
                       if (!version.ok()) return ErrorReply(version.status(), log);
                       pb::PutResponse response;
                       response.set_version(*version);
                       return Encode(response);
                     }});
  methods.push_back({"Delete", [&store, log, kUnmarshalFailed](std::string_view bytes) {
                       auto request = Decode<pb::DeleteRequest>(bytes);
                       if (!request) return kUnmarshalFailed;
                       auto existed = store.Delete(request->ns(), request->key(),
                                                   Expected(request->check_version(),
                                                            request->expected_version()));
                       if (!existed.ok()) return ErrorReply(existed.status(), log);
                       pb::DeleteResponse response;
                       response.set_existed(*existed);
                       return Encode(response);
                     }});
  methods.push_back({"List", [&store, log, kUnmarshalFailed](std::string_view bytes) {
                       auto request = Decode<pb::ListRequest>(bytes);
                       if (!request) return kUnmarshalFailed;
                       auto page = store.List(request->ns(), request->prefix(),
                                              request->start_after(), request->limit(),
                                              !request->keys_only());
                       if (!page.ok()) return ErrorReply(page.status(), log);
                       pb::ListResponse response;
                       for (Entry& entry : page->entries) {
                         pb::Entry* out = response.add_entries();
                         out->set_key(std::move(entry.key));
                         out->set_value(std::move(entry.value));
                         out->set_version(entry.version);
                       }
                       response.set_next_after(std::move(page->next_after));
                       return Encode(response);
                     }});
  methods.push_back({"Batch", [&store, log, kUnmarshalFailed](std::string_view bytes) {
                       auto request = Decode<pb::BatchRequest>(bytes);
                       if (!request) return kUnmarshalFailed;
                       std::vector<Write> writes;
                       writes.reserve(request->writes_size());
                       for (const pb::Write& w : request->writes()) {
                         writes.push_back(Write{
                             w.remove() ? Write::Kind::kDelete : Write::Kind::kPut, w.key(),
                             w.value(), Expected(w.check_version(), w.expected_version())});
                       }
                       auto versions = store.Apply(request->ns(), writes);
                       if (!versions.ok()) return ErrorReply(versions.status(), log);
                       pb::BatchResponse response;
                       for (int64_t v : *versions) response.add_versions(v);
                       return Encode(response);
                     }});
  return std::make_unique<NativeService>(kernel::ServiceName{"parigot.kv.v1", "KV"},
                                         std::move(methods));
}

}  // namespace parigot::builtin::kv
