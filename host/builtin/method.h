// TypedMethod: a NativeMethod (native_service.h) written against the
// decoded request message instead of its bytes. Every built-in's methods
// decode, check, answer and encode the same way; this is that one way.
//
//   methods.push_back(TypedMethod<pb::GetRequest>(
//       "Get", [&](const pb::GetRequest& r) -> Result<pb::GetResponse> { ... },
//       [&](const Status& s) { return Reply::Error(MyErr(s)); }));
//
// `handle` takes the decoded Request and returns a Result-like value: ok(),
// status() and operator-> on success (parigot::Result<Response>, or a
// built-in's own result type carrying its error enum). `error` turns a
// failed result's status() into the Reply the caller gets. A request that
// does not decode answers UnmarshalFailed (2) without reaching `handle`; a
// response that does not encode answers MarshalFailed (3): the values every
// service's error enum begins with.
//
// Thread safety: the method is called as NativeService calls it, one call
// at a time; `handle` and `error` need be no safer than that.
#ifndef PARIGOT_HOST_BUILTIN_METHOD_H_
#define PARIGOT_HOST_BUILTIN_METHOD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "host/builtin/native_service.h"

namespace parigot::builtin {

// The error values every parigot service's error enum begins with.
inline constexpr int32_t kUnmarshalFailed = 2;
inline constexpr int32_t kMarshalFailed = 3;

template <typename Request, typename Handle, typename ErrorMap>
NativeMethod TypedMethod(std::string name, Handle handle, ErrorMap error) {
  return {std::move(name),
          [handle = std::move(handle), error = std::move(error)](std::string_view bytes) {
            Request request;
            // Messages are capped far below 2 GiB (MaxMessageSize); the
            // check keeps the cast to protobuf's int honest regardless.
            if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
                !request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
              return Reply::Error(kUnmarshalFailed);
            }
            auto response = handle(request);
            if (!response.ok()) return Reply(error(response.status()));
            Reply reply;
            if (!response->SerializeToString(&reply.response)) {
              return Reply::Error(kMarshalFailed);
            }
            return reply;
          }};
}

}  // namespace parigot::builtin

#endif  // PARIGOT_HOST_BUILTIN_METHOD_H_
