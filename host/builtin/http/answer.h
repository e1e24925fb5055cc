// What the ingress answers for a handler's outcome: a handler's Response
// checked and turned into an Answer, or the HTTP status of a call that
// failed (docs/builtins.md, "http": 502, 503, 504, 413).
//
// Thread safety: pure functions.
#ifndef PARIGOT_HOST_BUILTIN_HTTP_ANSWER_H_
#define PARIGOT_HOST_BUILTIN_HTTP_ANSWER_H_

#include <cstdint>
#include <string_view>

#include "host/builtin/http/server.h"
#include "host/kernel/types.h"
#include "parigot/http/v1/http.pb.h"

namespace parigot::builtin::http {

// The answer for `response`, the encoded parigot.http.v1.Response from
// `handler` ("shop.v1.Api.Handle", for messages): 502 when it does not
// decode, its status is not 0 or 100..599, or a header's name is not an
// HTTP token or its value holds a control character other than tab. The
// headers the server owns (Content-Length, Transfer-Encoding, Connection,
// Keep-Alive) are dropped; `dropped` (when given) counts them.
Answer FromResponse(std::string_view response, std::string_view handler, int* dropped = nullptr);

// The answer for a call to `handler` that failed: `kernel_error` from the
// kernel (CallTimeout, ServiceKilled: 504; Overloaded, ServiceRestarting,
// ServiceDied: 503; MessageTooLarge of a request: 413; anything else 502)
// or, when that is NoError, the handler's own error `result_error` (502).
// `request_refused` says the kernel refused to start the call (Dispatch),
// where MessageTooLarge means the request was too large.
Answer FromCallFailure(kernel::Err kernel_error, int32_t result_error, std::string_view handler,
                       bool request_refused);

}  // namespace parigot::builtin::http

#endif  // PARIGOT_HOST_BUILTIN_HTTP_ANSWER_H_
