// Random libprotobuf messages for the oracle tests, filled through
// reflection so any message type works (test protos and descriptor.proto).
// Deterministic for a given RNG state. Floats are never NaN (NaN != NaN would
// defeat equality checks); strings are valid UTF-8.
#ifndef PARIGOT_TESTS_CODEC_RANDOM_PB_H_
#define PARIGOT_TESTS_CODEC_RANDOM_PB_H_

#include <random>
#include <string>

#include <google/protobuf/message.h>

namespace codec_test {

using Rng = std::mt19937_64;

// Sets a random subset of the fields of `m` (which should be empty);
// submessages nest at most `depth` levels.
void RandomizePb(google::protobuf::Message* m, Rng& rng, int depth);

// Building blocks shared with random_ours.cc.
int64_t RandomInt(Rng& rng, int bits, bool is_signed);
double RandomDouble(Rng& rng);
std::string RandomUtf8(Rng& rng);
std::string RandomBytes(Rng& rng);

// Deterministic (sorted map) libprotobuf serialization. Partial: missing
// required fields are left out, not an error (the corpus' messages may have
// them; RandomizePb always sets them).
std::string DeterministicBytes(const google::protobuf::Message& m);

}  // namespace codec_test

#endif  // PARIGOT_TESTS_CODEC_RANDOM_PB_H_
