// Random messages of our generated types (namespace ours::) for the reverse
// oracle direction and the malformed-input tests. No NaNs; valid UTF-8.
#ifndef PARIGOT_TESTS_CODEC_RANDOM_OURS_H_
#define PARIGOT_TESTS_CODEC_RANDOM_OURS_H_

#include <random>

#include "codectest/v1/everything.parigot.h"
#include "codectest/v1/legacy.parigot.h"

namespace codec_test {

using Rng = std::mt19937_64;

ours::codectest::v1::Everything RandomEverything(Rng& rng, int depth);
ours::codectest::v1::Legacy RandomLegacy(Rng& rng, int depth);

}  // namespace codec_test

#endif  // PARIGOT_TESTS_CODEC_RANDOM_OURS_H_
