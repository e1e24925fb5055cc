// A fuzz input read as a script of steps, so that one input can drive a
// conversation (a call, then its answer) rather than one request:
//
//   step := u8 selector, u16 length (little-endian), `length` bytes
//
// A step cut short by the end of the input keeps what there is. Seed files
// are written in this form (tests/fuzz/make_seeds.py).
//
// Thread safety: a Steps is confined to one thread.
#ifndef PARIGOT_TESTS_FUZZ_COMMON_STEPS_H_
#define PARIGOT_TESTS_FUZZ_COMMON_STEPS_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace parigot::fuzz {

class Steps {
 public:
  // At most kMaxSteps steps are read from one input: enough for any
  // conversation worth having, and a bound on an input's run time.
  static constexpr int kMaxSteps = 32;

  Steps(const uint8_t* data, size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next step, or false at the end.
  bool Next(uint8_t* selector, std::string_view* bytes) {
    if (rest_.empty() || taken_ == kMaxSteps) return false;
    ++taken_;
    *selector = static_cast<uint8_t>(rest_[0]);
    size_t length = 0;
    if (rest_.size() >= 3) {
      length = static_cast<uint8_t>(rest_[1]) | static_cast<size_t>(static_cast<uint8_t>(rest_[2])) << 8;
    }
    rest_.remove_prefix(std::min<size_t>(3, rest_.size()));
    *bytes = rest_.substr(0, length);
    rest_.remove_prefix(bytes->size());
    return true;
  }

 private:
  std::string_view rest_;
  int taken_ = 0;
};

}  // namespace parigot::fuzz

#endif  // PARIGOT_TESTS_FUZZ_COMMON_STEPS_H_
