// The queue built-in's service (proto/parigot/queue/v1/queue.proto):
// parigot.queue.v1.Queue served from a QueueStore through a NativeService.
//
// Every request is decoded and checked before it reaches the store; a
// request that does not decode answers UnmarshalFailed, one out of the
// limits InvalidArgument, one naming a queue that does not exist NotFound,
// and a failure of the store's file StorageFailed (logged through `log`).
// Nothing a caller sends can harm the store. The proto's defaults
// (max_messages 0 -> 1, visibility_timeout_ms 0 -> 30 s in Receive) are
// applied here, before the store sees the request.
//
// Thread safety: as NativeService (the handlers run on its thread).
#ifndef PARIGOT_HOST_BUILTIN_QUEUE_SERVICE_H_
#define PARIGOT_HOST_BUILTIN_QUEUE_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "host/builtin/native_service.h"
#include "host/builtin/queue/store.h"

namespace parigot::builtin::queue {

// Receive's visibility timeout when the request gives none.
inline constexpr int64_t kDefaultVisibilityMs = 30'000;

// The service over `store`, which it keeps open. `log` reports storage
// failures (the callers see StorageFailed).
std::unique_ptr<NativeService> MakeQueueService(std::shared_ptr<QueueStore> store,
                                                std::function<void(std::string_view)> log);

}  // namespace parigot::builtin::queue

#endif  // PARIGOT_HOST_BUILTIN_QUEUE_SERVICE_H_
