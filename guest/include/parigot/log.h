// Logging from a guest into the application's central log.
//
// Each line appears once in the host's log, prefixed with the microservice's
// name from the deployment descriptor. (printf to stdout or stderr works too
// and lands in the same log, line by line.)
//
// Thread safety: guests are single-threaded; call from the guest's thread.
#ifndef PARIGOT_LOG_H_
#define PARIGOT_LOG_H_

#include <string_view>

namespace parigot::log {

void debug(std::string_view message);
void info(std::string_view message);
void warn(std::string_view message);
void error(std::string_view message);

}  // namespace parigot::log

#endif  // PARIGOT_LOG_H_
