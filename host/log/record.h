// The vocabulary of parigot's one log: the level of a message and the
// key/value fields a guest may attach to it (docs/guests.md, "Logs").
//
// Every part that writes to the log speaks it (the kernel, the ABI, the
// command); only the command turns it into text or JSON (host/log/format.h).
//
// Thread safety: plain values.
#ifndef PARIGOT_HOST_LOG_RECORD_H_
#define PARIGOT_HOST_LOG_RECORD_H_

#include <cstdint>
#include <string>
#include <variant>

namespace parigot::log {

// How much a message matters, least first: `--log-level L` prints L and
// the levels after it.
enum class Level { kDebug, kInfo, kWarn, kError };

// One key/value pair of a message: `order=A-17`, `items=3`. Keys and string
// values are whatever bytes a guest sent (not necessarily UTF-8); the
// formats make them printable.
struct Field {
  // Which alternative a value holds decides how it is written: a string
  // quoted where it must be, the numbers as numbers, a bool as true/false.
  using Value = std::variant<std::string, int64_t, uint64_t, double, bool>;

  std::string key;
  Value value;

  bool operator==(const Field&) const = default;
};

}  // namespace parigot::log

#endif  // PARIGOT_HOST_LOG_RECORD_H_
