// Logging from a guest into the application's central log.
//
// Each message appears once in the host's log, named by the microservice's
// name from the deployment descriptor, at one of four levels, with
// optional key/value fields:
//
//   parigot::log::info("order placed", {{"order", id}, {"items", 3}});
//   parigot::log::warn("stock low", {{"sku", sku}, {"left", 2}, {"ratio", 0.1}});
//
// The host decides how it is written (`parigot run --log-format text|json`)
// and from which level (`--log-level`, default info):
//
//   text: 16:14:26.120 info  [shop] order placed order=A-17 items=3
//   json: {"time":"...","level":"info","source":"shop","message":"order placed",
//          "order":"A-17","items":3}
//
// Messages below the host's level are dropped here, before they are sent:
// a debug message costs a comparison when debug lines are not wanted (but
// its arguments are still built; test enabled(Level::kDebug) first to save
// that too). printf to stdout or stderr works as well and lands in the
// same log, line by line, at info (stdout) or warn (stderr), without fields.
//
// Docs: docs/guests.md, "Logs".
//
// Thread safety: loop-confined, like the rest of the SDK: call from the
// guest's own thread.
#ifndef PARIGOT_LOG_H_
#define PARIGOT_LOG_H_

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

namespace parigot::log {

// How much a message matters, least first.
enum class Level { kDebug, kInfo, kWarn, kError };

// One key/value pair of a message. The value is a string, an integer (any
// integral type but bool: signed ones as int64_t, unsigned as uint64_t), a
// floating-point number (as double) or a bool; the constructors are
// implicit so that a braced pair makes one: {"items", 3}. A Field owns
// copies of its key and value.
class Field {
 public:
  using Value = std::variant<std::string, int64_t, uint64_t, double, bool>;

  Field(std::string_view key, std::string_view value)
      : key_(key), value_(std::string(value)) {}
  // Not taken as a bool, as a pointer otherwise would be. Null: "".
  Field(std::string_view key, const char* value)
      : key_(key), value_(std::string(value != nullptr ? value : "")) {}
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  Field(std::string_view key, T value)
      : key_(key), value_(Integer(value)) {}
  Field(std::string_view key, double value) : key_(key), value_(value) {}
  Field(std::string_view key, bool value) : key_(key), value_(value) {}

  const std::string& key() const { return key_; }
  const Value& value() const { return value_; }

 private:
  template <typename T>
  static Value Integer(T value) {
    if constexpr (std::is_signed_v<T>) {
      return static_cast<int64_t>(value);
    } else {
      return static_cast<uint64_t>(value);
    }
  }

  std::string key_;
  Value value_;
};

// Whether a message at `level` would be written: the host's `--log-level`,
// learnt when the guest registered (its Program's launch()). Before that,
// true for every level (the host filters).
bool enabled(Level level);

// Sends `message` with `fields` at `level`, unless !enabled(level). The
// message may hold any bytes: the host escapes what it cannot print.
void write(Level level, std::string_view message, std::span<const Field> fields = {});

void debug(std::string_view message, std::initializer_list<Field> fields = {});
void info(std::string_view message, std::initializer_list<Field> fields = {});
void warn(std::string_view message, std::initializer_list<Field> fields = {});
void error(std::string_view message, std::initializer_list<Field> fields = {});

}  // namespace parigot::log

#endif  // PARIGOT_LOG_H_
