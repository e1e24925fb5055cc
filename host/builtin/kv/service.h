// The key-value built-in's service (proto/parigot/kv/v1/kv.proto):
// parigot.kv.v1.KV served from a KvStore through a NativeService.
//
// Every request is decoded and checked before it reaches the store; a
// request that does not decode answers UnmarshalFailed, one out of the
// limits InvalidArgument, a compare-and-swap that does not match
// VersionMismatch, and a failure of the store's file StorageFailed (logged
// through `log`). Nothing a caller sends can harm the store.
//
// Thread safety: as NativeService (the handlers run on its thread).
#ifndef PARIGOT_HOST_BUILTIN_KV_SERVICE_H_
#define PARIGOT_HOST_BUILTIN_KV_SERVICE_H_

#include <functional>
#include <memory>
#include <string_view>

#include "host/builtin/kv/store.h"
#include "host/builtin/native_service.h"

namespace parigot::builtin::kv {

// The service over `store`, which it keeps open. `log` reports storage
// failures (the callers see StorageFailed).
std::unique_ptr<NativeService> MakeKvService(std::shared_ptr<KvStore> store,
                                             std::function<void(std::string_view)> log);

}  // namespace parigot::builtin::kv

#endif  // PARIGOT_HOST_BUILTIN_KV_SERVICE_H_
