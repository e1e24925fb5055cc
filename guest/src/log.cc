#include "parigot/log.h"

#include <string>
#include <utility>
#include <vector>

#include "guest/src/log_internal.h"
#include "guest/src/syscall.h"

namespace parigot::log {
namespace {

namespace sc = syscall::v1;

// Every level until the host says otherwise.
Level host_level = Level::kDebug;

sc::LogLevel ToProto(Level level) {
  switch (level) {
    case Level::kDebug: return sc::LogLevel::LOG_LEVEL_DEBUG;
    case Level::kInfo: return sc::LogLevel::LOG_LEVEL_INFO;
    case Level::kWarn: return sc::LogLevel::LOG_LEVEL_WARN;
    case Level::kError: return sc::LogLevel::LOG_LEVEL_ERROR;
  }
  return sc::LogLevel::LOG_LEVEL_INFO;
}

sc::LogField ToProto(const Field& field) {
  sc::LogField out{.key = field.key()};
  struct {
    sc::LogField* out;
    void operator()(const std::string& s) const { out->value = s; }
    void operator()(int64_t n) const { out->value = n; }
    void operator()(uint64_t n) const { out->value.emplace<uint64_t>(n); }
    void operator()(double d) const { out->value = d; }
    void operator()(bool b) const { out->value = b; }
  } visitor{&out};
  std::visit(visitor, field.value());
  return out;
}

void Send(Level level, std::string_view message, std::span<const Field> fields) {
  if (!enabled(level)) return;
  sc::LogRequest request{.level = ToProto(level), .message = std::string(message)};
  request.field.reserve(fields.size());
  for (const Field& field : fields) request.field.push_back(ToProto(field));
  sc::LogResponse response;
  // A message that cannot be delivered has nowhere else to go.
  (void)internal::SysLog(request, &response);
}

}  // namespace

bool enabled(Level level) { return level >= host_level; }

void write(Level level, std::string_view message, std::span<const Field> fields) {
  Send(level, message, fields);
}

void debug(std::string_view message, std::initializer_list<Field> fields) {
  Send(Level::kDebug, message, {fields.begin(), fields.size()});
}
void info(std::string_view message, std::initializer_list<Field> fields) {
  Send(Level::kInfo, message, {fields.begin(), fields.size()});
}
void warn(std::string_view message, std::initializer_list<Field> fields) {
  Send(Level::kWarn, message, {fields.begin(), fields.size()});
}
void error(std::string_view message, std::initializer_list<Field> fields) {
  Send(Level::kError, message, {fields.begin(), fields.size()});
}

}  // namespace parigot::log

namespace parigot::internal {

void SetHostLogLevel(syscall::v1::LogLevel level) {
  using log::Level;
  using sc = syscall::v1::LogLevel;
  switch (level) {
    case sc::LOG_LEVEL_DEBUG: log::host_level = Level::kDebug; break;
    case sc::LOG_LEVEL_INFO: log::host_level = Level::kInfo; break;
    case sc::LOG_LEVEL_WARN: log::host_level = Level::kWarn; break;
    case sc::LOG_LEVEL_ERROR: log::host_level = Level::kError; break;
    default: log::host_level = Level::kDebug; break;  // unknown: send everything
  }
}

}  // namespace parigot::internal
