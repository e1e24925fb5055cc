// What the SDK tells its log (parigot/log.h) about the host.
#ifndef PARIGOT_GUEST_SRC_LOG_INTERNAL_H_
#define PARIGOT_GUEST_SRC_LOG_INTERNAL_H_

#include "parigot/syscall/v1/syscall.parigot.h"

namespace parigot::internal {

// The host's log writes `level` and above (RegisterResponse.log_level):
// log::enabled() answers from now on. LOG_LEVEL_UNSPECIFIED (a host that
// does not say) keeps every level enabled.
void SetHostLogLevel(syscall::v1::LogLevel level);

}  // namespace parigot::internal

#endif  // PARIGOT_GUEST_SRC_LOG_INTERNAL_H_
