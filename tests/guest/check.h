// What the e2e check programs (timers.cc, coroutines.cc) share: a clock in
// milliseconds and a failure that ends the program.
#ifndef PARIGOT_TESTS_GUEST_CHECK_H_
#define PARIGOT_TESTS_GUEST_CHECK_H_

#include <time.h>

#include <cstdint>
#include <string>

#include "parigot/parigot.h"

namespace parigot::check {

// The monotonic clock, in milliseconds.
inline int64_t NowMs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1000 + now.tv_nsec / 1'000'000;
}

// Logs "FAIL: what" (the e2e tests look for it) and exits with 1.
[[noreturn]] inline void Fail(const std::string& what) {
  parigot::log::error("FAIL: " + what);
  parigot::exit(1);
}

}  // namespace parigot::check

#endif  // PARIGOT_TESTS_GUEST_CHECK_H_
