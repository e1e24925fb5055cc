// The out-of-line part of parigot/timed.h: randomness for back-off
// jitter.
#include <cstdint>
#include <random>

#include "parigot/timed.h"

namespace parigot::internal {

double RandomFraction() {
  // Seeded once from the host's randomness (WASI random_get), so that
  // guests retrying at the same moment spread out differently.
  static std::minstd_rand generator(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace parigot::internal
