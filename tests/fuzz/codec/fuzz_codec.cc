// Fuzzes the codec that protoc-gen-parigot generates (codegen/ and the wire
// runtime, guest/wire) on arbitrary bytes, for a few rich message types:
//   Everything  every field kind, maps, oneofs, recursion (proto3)
//   Legacy      proto2: groups (nested, recursive), defaults, required
//   Team        hostile.proto's recursion through every field kind
//   Cases       hostile.proto's colliding oneof names
// chosen by the input's first byte; the rest is what is decoded.
//
// Properties, for every input:
//   * a failed parse leaves the message as default-constructed;
//   * a successful parse re-encodes to ByteSizeLong() bytes, which parse
//     again to an equal message (when it equals itself: NaN does not) that
//     re-encodes to the same bytes;
//   * for Everything and Legacy, libprotobuf (the oracle, tests/codec) parses
//     what we wrote; for Everything its deterministic encoding is byte for
//     byte ours. Not for Legacy: a closed enum keeps an unknown value in
//     the field in ours, where libprotobuf moves it to the unknown fields
//     and writes it last (a documented difference, codegen/README.md).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "codectest/v1/everything.parigot.h"
#include "codectest/v1/everything.pb.h"
#include "codectest/v1/legacy.parigot.h"
#include "codectest/v1/legacy.pb.h"
#include "common/require.h"
#include "hostile/v1/hostile.parigot.h"
#include "random_pb.h"

namespace parigot::fuzz {
namespace {

struct NoOracle {};
// What libprotobuf must do with what we wrote: read it, or also write the
// same bytes back.
enum class Oracle { kReads, kSameBytes };

template <typename Ours, typename Pb = NoOracle, Oracle oracle = Oracle::kSameBytes>
void RoundTrip(std::string_view bytes) {
  Ours message;
  if (!message.ParseFromString(bytes)) {
    Require(message == Ours{});
    return;
  }
  const size_t size = message.ByteSizeLong();
  const std::string once = message.SerializeAsString();
  Require(once.size() == size);
  Ours again;
  Require(again.ParseFromString(once));
  Require(again.SerializeAsString() == once);
  if (message == message) Require(again == message);
  if constexpr (!std::is_same_v<Pb, NoOracle>) {
    Pb pb;
    Require(pb.ParsePartialFromString(once));
    if (oracle == Oracle::kSameBytes) Require(codec_test::DeterministicBytes(pb) == once);
  }
}

void RunInput(const uint8_t* data, size_t size) {
  if (size == 0) return;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      RoundTrip<ours::codectest::v1::Everything, codectest::v1::Everything>(bytes);
      break;
    case 1:
      RoundTrip<ours::codectest::v1::Legacy, codectest::v1::Legacy, Oracle::kReads>(bytes);
      break;
    case 2: RoundTrip<ours::hostile::v1::Team>(bytes); break;
    case 3: RoundTrip<ours::hostile::v1::Cases>(bytes); break;
  }
}

}  // namespace
}  // namespace parigot::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  parigot::fuzz::RunInput(data, size);
  return 0;
}
