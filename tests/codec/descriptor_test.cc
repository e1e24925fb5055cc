// descriptor.proto (proto2: presence, defaults, closed enums, extension
// ranges) through our generated code: the real FileDescriptorProtos of
// descriptor.proto and of the test protos, and random ones.
#include <gtest/gtest.h>

#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/util/message_differencer.h>

#include "codectest/v1/everything.pb.h"
#include "codectest/v1/legacy.pb.h"
#include "google/protobuf/descriptor.parigot.h"
#include "random_pb.h"

namespace codec_test {
namespace {

namespace gpb = ::google::protobuf;
using gpb::util::MessageDifferencer;

template <typename Ours, typename Pb>
void RoundTrip(const Pb& original) {
  std::string bytes = DeterministicBytes(original);
  Ours ours;
  ASSERT_TRUE(ours.ParseFromString(bytes));
  std::string ours_bytes = ours.SerializeAsString();
  EXPECT_EQ(ours_bytes, bytes);
  Pb back;
  ASSERT_TRUE(back.ParseFromString(ours_bytes));
  EXPECT_TRUE(MessageDifferencer::Equals(original, back));
}

TEST(DescriptorTest, RealFileDescriptors) {
  gpb::FileDescriptorSet set;
  for (const gpb::FileDescriptor* f :
       {gpb::FileDescriptorProto::descriptor()->file(),
        codectest::v1::Everything::descriptor()->file(),
        codectest::v1::Legacy::descriptor()->file()}) {
    gpb::FileDescriptorProto proto;
    f->CopyTo(&proto);
    f->CopyJsonNameTo(&proto);
    f->CopySourceCodeInfoTo(&proto);
    RoundTrip<ours::google::protobuf::FileDescriptorProto>(proto);
    *set.add_file() = proto;
  }
  RoundTrip<ours::google::protobuf::FileDescriptorSet>(set);

  ours::google::protobuf::FileDescriptorSet ours;
  ASSERT_TRUE(ours.ParseFromString(set.SerializeAsString()));
  ASSERT_EQ(ours.file.size(), 3u);
  EXPECT_EQ(ours.file[0].name, "google/protobuf/descriptor.proto");
  EXPECT_EQ(ours.file[0].package, "google.protobuf");
  bool found = false;
  for (const auto& m : ours.file[0].message_type) {
    if (m.name == std::optional<std::string>("FieldDescriptorProto")) {
      found = !m.enum_type.empty() && m.field.size() > 5;
    }
  }
  EXPECT_TRUE(found);
}

TEST(DescriptorTest, RandomDescriptorMessages) {
  Rng rng(7);
  for (int i = 0; i < 1500 && !HasFailure(); ++i) {
    gpb::FileDescriptorProto fdp;
    RandomizePb(&fdp, rng, 4);
    RoundTrip<ours::google::protobuf::FileDescriptorProto>(fdp);
    gpb::FieldOptions opts;
    RandomizePb(&opts, rng, 3);
    RoundTrip<ours::google::protobuf::FieldOptions>(opts);
  }
}

TEST(DescriptorTest, ClosedEnumsKeepUnknownValues) {
  // FieldDescriptorProto.type = 99 is not a Type value. libprotobuf moves it
  // to unknown fields; we keep it in the field, and re-encode it.
  std::string bytes("\x28\x63", 2);  // field 5 (type) = 99
  ours::google::protobuf::FieldDescriptorProto ours;
  ASSERT_TRUE(ours.ParseFromString(bytes));
  ASSERT_TRUE(ours.type.has_value());
  EXPECT_EQ(static_cast<int>(*ours.type), 99);
  EXPECT_EQ(ours.SerializeAsString(), bytes);
  gpb::FieldDescriptorProto pb;
  ASSERT_TRUE(pb.ParseFromString(ours.SerializeAsString()));
  EXPECT_FALSE(pb.has_type());
}

}  // namespace
}  // namespace codec_test
