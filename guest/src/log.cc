#include "parigot/log.h"

#include <string>

#include "guest/src/syscall.h"

namespace parigot::log {
namespace {
void Write(syscall::v1::LogLevel level, std::string_view message) {
  syscall::v1::LogResponse response;
  // A log line that cannot be delivered has nowhere else to go.
  (void)internal::SysLog({.level = level, .message = std::string(message)},
                         &response);
}
}  // namespace

void debug(std::string_view message) {
  Write(syscall::v1::LogLevel::LOG_LEVEL_DEBUG, message);
}
void info(std::string_view message) {
  Write(syscall::v1::LogLevel::LOG_LEVEL_INFO, message);
}
void warn(std::string_view message) {
  Write(syscall::v1::LogLevel::LOG_LEVEL_WARN, message);
}
void error(std::string_view message) {
  Write(syscall::v1::LogLevel::LOG_LEVEL_ERROR, message);
}

}  // namespace parigot::log
