// The corpus test: every message of every .proto in the corpus (all of
// libprotobuf-dev's .proto files, hostile.proto and legacy_names.proto, and
// internal_names.proto, which is made at build time from the identifiers of
// the generated code and the wire runtime) round-trips against libprotobuf.
//
// libprotobuf's side is a DynamicMessage built from the corpus' descriptor
// set (so no libprotobuf C++ is generated, and names that libprotobuf's own
// generator cannot compile are fine). For each message type, random messages
// filled through reflection are encoded deterministically by libprotobuf,
// decoded and re-encoded by our generated type, and must come back
// byte-identical and equal. Then mutated encodings must never crash our
// decoder, and whatever it accepts must re-encode to bytes libprotobuf reads.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>

#include "random_pb.h"
#include "registry.h"

namespace codec_corpus {

namespace {
// Filled by the registry files' static initializers, hence built on first use.
std::map<std::string, DecodeFn>& MutableRegistry() {
  static auto* registry = new std::map<std::string, DecodeFn>();
  return *registry;
}
}  // namespace

bool Register(std::initializer_list<Entry> entries) {
  for (const Entry& e : entries) MutableRegistry().emplace(std::string(e.full_name), e.decode);
  return true;
}

const std::map<std::string, DecodeFn>& Registry() { return MutableRegistry(); }

namespace {

namespace pb = ::google::protobuf;
using codec_test::DeterministicBytes;
using codec_test::RandomizePb;
using codec_test::Rng;

// Per message type: up to kMessagesPerType random messages, fewer for types
// whose messages are large (internal_names' recursive chunks).
constexpr int kMessagesPerType = 150;
constexpr size_t kBytesPerType = 64 << 10;
constexpr int kMutationsPerType = 60;

// The corpus' descriptors (CORPUS_DESCRIPTORS: protoc --include_imports).
struct Corpus {
  pb::DescriptorPool pool;
  mutable pb::DynamicMessageFactory factory{&pool};  // GetPrototype() caches
  std::vector<std::string> files;  // the corpus' own files, not imports
};

const Corpus& TheCorpus() {
  static Corpus* corpus = [] {
    auto* c = new Corpus;
    std::ifstream in(CORPUS_DESCRIPTORS, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    pb::FileDescriptorSet set;
    if (!set.ParseFromString(bytes.str())) {
      ADD_FAILURE() << "cannot read " << CORPUS_DESCRIPTORS;
      return c;
    }
    // legacy_names.proto's enum values EOF and EOF_ draw a warning, on
    // purpose.
    pb::LogSilencer quiet;
    for (const pb::FileDescriptorProto& file : set.file()) {
      if (c->pool.BuildFile(file) == nullptr) ADD_FAILURE() << "cannot build " << file.name();
      c->files.push_back(file.name());
    }
    return c;
  }();
  return *corpus;
}

std::vector<std::string> CorpusFiles() { return TheCorpus().files; }

void CollectMessages(const pb::Descriptor* d, std::vector<const pb::Descriptor*>* out) {
  if (d->options().map_entry()) return;
  out->push_back(d);
  for (int i = 0; i < d->nested_type_count(); ++i) CollectMessages(d->nested_type(i), out);
}

class CorpusTest : public testing::TestWithParam<std::string> {};

TEST_P(CorpusTest, EveryMessageRoundTripsAgainstLibprotobuf) {
  const Corpus& corpus = TheCorpus();
  const pb::FileDescriptor* file = corpus.pool.FindFileByName(GetParam());
  ASSERT_NE(file, nullptr);
  std::vector<const pb::Descriptor*> messages;
  for (int i = 0; i < file->message_type_count(); ++i) CollectMessages(file->message_type(i), &messages);
  Rng rng(std::hash<std::string>()(GetParam()));
  size_t total_bytes = 0;
  for (const pb::Descriptor* d : messages) {
    SCOPED_TRACE(d->full_name());
    auto it = Registry().find(d->full_name());
    ASSERT_NE(it, Registry().end()) << "no generated type registered";
    DecodeFn decode = it->second;
    const pb::Message* prototype = corpus.factory.GetPrototype(d);
    std::vector<std::string> encodings;
    size_t type_bytes = 0;
    for (int i = 0; i < kMessagesPerType && type_bytes < kBytesPerType && !HasFailure(); ++i) {
      std::unique_ptr<pb::Message> original(prototype->New());
      RandomizePb(original.get(), rng, 3);
      std::string bytes = DeterministicBytes(*original);
      total_bytes += bytes.size();
      type_bytes += bytes.size();
      Decoded ours = decode(bytes);
      ASSERT_TRUE(ours.parsed) << original->DebugString();
      EXPECT_EQ(ours.problem, "") << original->DebugString();
      EXPECT_EQ(ours.reencoded, bytes) << original->DebugString();
      std::unique_ptr<pb::Message> back(prototype->New());
      ASSERT_TRUE(back->ParsePartialFromString(ours.reencoded));
      EXPECT_TRUE(pb::util::MessageDifferencer::Equals(*original, *back))
          << original->DebugString() << "\nvs\n" << back->DebugString();
      encodings.push_back(std::move(bytes));
    }
    // Malformed input: truncations and bit flips of real encodings.
    // (libprotobuf logs each invalid UTF-8 string it accepts in proto2.)
    pb::LogSilencer quiet;
    for (int i = 0; i < kMutationsPerType && !encodings.empty() && !HasFailure(); ++i) {
      std::string bytes = encodings[rng() % encodings.size()];
      if (bytes.empty()) continue;
      if (i % 2 == 0) {
        bytes.resize(rng() % bytes.size());
      } else {
        bytes[rng() % bytes.size()] ^= static_cast<char>(1u << (rng() % 8));
      }
      Decoded ours = decode(bytes);
      if (!ours.parsed) continue;
      EXPECT_EQ(ours.problem, "");
      std::unique_ptr<pb::Message> back(prototype->New());
      EXPECT_TRUE(back->ParsePartialFromString(ours.reencoded))
          << "libprotobuf rejects our re-encoding of a mutated " << d->full_name();
    }
  }
  RecordProperty("bytes", static_cast<int>(total_bytes));
}

INSTANTIATE_TEST_SUITE_P(Files, CorpusTest, testing::ValuesIn(CorpusFiles()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name;
                           for (char c : info.param) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return name;
                         });

// Every registered type belongs to a corpus message (the registry is not
// stale), and the corpus is not trivially small.
TEST(CorpusRegistryTest, CoversTheCorpus) {
  const Corpus& corpus = TheCorpus();
  for (const auto& [name, decode] : Registry()) {
    EXPECT_NE(corpus.pool.FindMessageTypeByName(name), nullptr) << name;
  }
  EXPECT_GT(Registry().size(), 300u);
}

}  // namespace
}  // namespace codec_corpus
