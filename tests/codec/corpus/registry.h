// The corpus test's registry: proto full name -> what our generated type for
// that message does with a given encoding. Registration happens in the
// static initializers of the files protoc-gen-codec-registry writes.
#ifndef PARIGOT_TESTS_CODEC_CORPUS_REGISTRY_H_
#define PARIGOT_TESTS_CODEC_CORPUS_REGISTRY_H_

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

namespace codec_corpus {

// What one of our types made of some bytes.
struct Decoded {
  bool parsed = false;
  std::string reencoded;  // SerializeAsString() of the parsed message
  std::string problem;    // empty, or which of our own invariants broke
};

// Parses `bytes` into a T, re-encodes it, and checks T's own invariants:
// ByteSizeLong matches, its bytes parse back into a message with the same
// encoding, a copy has the same encoding, and Clear() gives a default
// message. (Encodings, not operator==: a NaN makes m != m.)
template <typename T>
Decoded DecodeWith(std::string_view bytes) {
  Decoded d;
  T m;
  if (!m.ParseFromString(bytes)) return d;
  d.parsed = true;
  d.reencoded = m.SerializeAsString();
  T back;
  if (m.ByteSizeLong() != d.reencoded.size()) {
    d.problem = "ByteSizeLong() differs from the encoded size";
  } else if (!back.ParseFromString(d.reencoded)) {
    d.problem = "our own encoding does not parse";
  } else if (back.SerializeAsString() != d.reencoded) {
    d.problem = "serialize(parse(serialize(m))) != serialize(m)";
  } else if (T copy = m; copy.SerializeAsString() != d.reencoded) {
    d.problem = "a copy encodes differently";
  } else if (copy.Clear(); !(copy == T{})) {
    d.problem = "Clear() does not give a default message";
  }
  return d;
}

using DecodeFn = Decoded (*)(std::string_view);

struct Entry {
  std::string_view full_name;
  DecodeFn decode;
  template <typename T>
  static Entry Of(std::string_view full_name) {
    return {full_name, &DecodeWith<T>};
  }
};

bool Register(std::initializer_list<Entry> entries);
const std::map<std::string, DecodeFn>& Registry();

}  // namespace codec_corpus

#endif  // PARIGOT_TESTS_CODEC_CORPUS_REGISTRY_H_
