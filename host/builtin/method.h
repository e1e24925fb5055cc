// Method<Request>: a NativeMethod built from a handler that takes the
// decoded request message and gives the response message or a failure, so
// every method of every built-in decodes, answers errors and encodes the
// same way:
//
//   Method<pb::GetRequest>("Get", answer_error,
//       [&](const pb::GetRequest& request) -> Result<pb::GetResponse> { ... });
//
// `handle` returns a Result-like value: ok(), status() and operator-> on
// success (parigot::Result<Response>, or a built-in's own result type
// carrying its error enum, as the file service's). `answer_error` turns a
// failed result's status() into the Reply its caller gets (ErrorsByCode
// below makes one for a parigot::Status). A request that does not decode
// answers kUnmarshalFailed without reaching `handle`; a response that does
// not encode answers kMarshalFailed: the values every service's error enum
// gives UnmarshalFailed and MarshalFailed.
//
// Thread safety: the method runs where NativeService runs its handlers;
// `answer_error` and `handle` are copied into it.
#ifndef PARIGOT_HOST_BUILTIN_METHOD_H_
#define PARIGOT_HOST_BUILTIN_METHOD_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/builtin/native_service.h"
#include "parigot/status.h"

namespace parigot::builtin {

// The usual third and fourth values of a service's error enum (after
// NoError 0 and DispatchError 1).
inline constexpr int32_t kUnmarshalFailed = 2;
inline constexpr int32_t kMarshalFailed = 3;

// Maps a failed Status to the service's error reply (and logs what its
// callers cannot see, such as a storage failure).
using AnswerError = std::function<Reply(const Status&)>;

// Answers each failed Status whose code `codes` lists with the error given
// there, and any other (a failure of the built-in's storage, which its
// callers cannot see into) with `otherwise`, after logging it with `log`.
inline AnswerError ErrorsByCode(std::vector<std::pair<StatusCode, int32_t>> codes,
                                int32_t otherwise, std::function<void(std::string_view)> log) {
  return [codes = std::move(codes), otherwise, log = std::move(log)](const Status& status) {
    for (const auto& [code, error] : codes) {
      if (status.code() == code) return Reply::Error(error);
    }
    log(status.message());
    return Reply::Error(otherwise);
  };
}

template <typename Request, typename AnswerErrorFn, typename Handle>
NativeMethod Method(std::string name, AnswerErrorFn answer_error, Handle handle) {
  return {std::move(name), [answer_error = std::move(answer_error),
                            handle = std::move(handle)](std::string_view bytes) {
            Request request;
            // Messages are capped far below 2 GiB (MaxMessageSize); the
            // check keeps the cast to protobuf's int honest regardless.
            if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
                !request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
              return Reply::Error(kUnmarshalFailed);
            }
            auto response = handle(request);
            if (!response.ok()) return Reply(answer_error(response.status()));
            std::string encoded;
            if (!response->SerializeToString(&encoded)) return Reply::Error(kMarshalFailed);
            return Reply{.response = std::move(encoded)};
          }};
}

}  // namespace parigot::builtin

#endif  // PARIGOT_HOST_BUILTIN_METHOD_H_
