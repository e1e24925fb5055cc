// Require(property): a property of the code under test that an input broke
// aborts the process, which libFuzzer reports as a crash and saves the input
// of (assert() would vanish under NDEBUG; fuzz targets want it always).
#ifndef PARIGOT_TESTS_FUZZ_COMMON_REQUIRE_H_
#define PARIGOT_TESTS_FUZZ_COMMON_REQUIRE_H_

#include <cstdlib>

namespace parigot::fuzz {

inline void Require(bool property) {
  if (!property) std::abort();
}

}  // namespace parigot::fuzz

#endif  // PARIGOT_TESTS_FUZZ_COMMON_REQUIRE_H_
