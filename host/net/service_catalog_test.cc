#include "host/net/service_catalog.h"

#include <google/protobuf/text_format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "host/net/testdata.h"

namespace parigot::net {
namespace {

using google::protobuf::FileDescriptorProto;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A serialized FileDescriptorSet of the files written in text format.
std::vector<uint8_t> SetOf(std::initializer_list<std::string_view> files) {
  google::protobuf::FileDescriptorSet set;
  for (std::string_view text : files) {
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text),
                                                              set.add_file()))
        << text;
  }
  std::string bytes = set.SerializeAsString();
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

constexpr std::string_view kBase = R"pb(
  name: "a/base.proto" package: "a" syntax: "proto3"
  message_type { name: "Base" field { name: "x" number: 1 type: TYPE_INT32 label: LABEL_OPTIONAL } }
)pb";
constexpr std::string_view kBaseChanged = R"pb(
  name: "a/base.proto" package: "a" syntax: "proto3"
  message_type { name: "Base" field { name: "x" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL } }
)pb";
constexpr std::string_view kUser = R"pb(
  name: "b/user.proto" package: "b" syntax: "proto3" dependency: "a/base.proto"
  service { name: "User" method { name: "Get" input_type: ".a.Base" output_type: ".a.Base" }
                         method { name: "Put" input_type: ".a.Base" output_type: ".a.Base" } }
)pb";
// Defines a.Base again, in another file.
constexpr std::string_view kClash = R"pb(
  name: "c/clash.proto" package: "a" syntax: "proto3"
  message_type { name: "Base" }
)pb";
constexpr std::string_view kFresh = R"pb(
  name: "d/fresh.proto" package: "d" syntax: "proto3"
  service { name: "Fresh" }
)pb";

TEST(ServiceCatalogTest, GuestDescriptorSetGivesServicesMethodsAndTypes) {
  ServiceCatalog catalog;
  ASSERT_EQ(catalog.Add(testing::ReadTestdata("greeting.descriptors.pb"), "greet.wasm"),
            Status::Ok());

  const google::protobuf::ServiceDescriptor* greeting =
      catalog.FindService("greeting.v1.Greeting");
  ASSERT_NE(greeting, nullptr);
  EXPECT_EQ(greeting->file()->name(), "greeting/v1/greeting.proto");
  Result<std::vector<std::string>> methods = catalog.MethodNames("greeting.v1.Greeting");
  ASSERT_TRUE(methods.ok()) << methods.status().ToString();
  EXPECT_THAT(*methods, ElementsAre("FetchGreeting"));
  EXPECT_THAT(catalog.ServiceNames(), ElementsAre("greeting.v1.Greeting"));
  EXPECT_NE(catalog.pool().FindMessageTypeByName("greeting.v1.FetchGreetingRequest"),
            nullptr);
  // The imports came along.
  EXPECT_NE(catalog.FindFileProto("protosupport/v1/protosupport.proto"), nullptr);
  EXPECT_NE(catalog.FindFileProto("google/protobuf/descriptor.proto"), nullptr);
}

TEST(ServiceCatalogTest, SharedImportsFromSeveralGuestsMerge) {
  ServiceCatalog catalog;
  ASSERT_EQ(catalog.Add(testing::ReadTestdata("greeting.descriptors.pb"), "greet.wasm"),
            Status::Ok());
  ASSERT_EQ(catalog.Add(testing::ReadTestdata("test.descriptors.pb"), "test_echo.wasm"),
            Status::Ok());
  // The same guest twice is fine too.
  ASSERT_EQ(catalog.Add(testing::ReadTestdata("test.descriptors.pb"), "test_relay.wasm"),
            Status::Ok());
  EXPECT_THAT(catalog.ServiceNames(),
              ElementsAre("greeting.v1.Greeting", "test.v1.Crasher", "test.v1.CycleA",
                          "test.v1.CycleB", "test.v1.Echo", "test.v1.Relay"));
  Result<std::vector<std::string>> methods = catalog.MethodNames("test.v1.Echo");
  ASSERT_TRUE(methods.ok());
  EXPECT_THAT(*methods, ElementsAre("Reflect", "ExitAll", "Stall", "Busy", "Linger", "Crunch"));
}

TEST(ServiceCatalogTest, FilesMayComeInAnyOrder) {
  ServiceCatalog catalog;
  ASSERT_EQ(catalog.Add(SetOf({kUser, kBase}), "one"), Status::Ok());
  EXPECT_NE(catalog.FindService("b.User"), nullptr);
  // Imports from an earlier set count.
  ASSERT_EQ(catalog.Add(SetOf({kFresh}), "two"), Status::Ok());
  ServiceCatalog later;
  ASSERT_EQ(later.Add(SetOf({kBase}), "one"), Status::Ok());
  ASSERT_EQ(later.Add(SetOf({kUser}), "two"), Status::Ok());
}

TEST(ServiceCatalogTest, SameFileNameWithOtherContentIsAnErrorNamingBoth) {
  ServiceCatalog catalog;
  ASSERT_EQ(catalog.Add(SetOf({kBase}), "first.wasm"), Status::Ok());
  Status status = catalog.Add(SetOf({kBaseChanged, kFresh}), "second.wasm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("a/base.proto from second.wasm differs from "
                                          "the a/base.proto from first.wasm"));
  EXPECT_EQ(catalog.FindService("d.Fresh"), nullptr) << "nothing of a rejected set";

  status = catalog.Add(SetOf({kBase, kBaseChanged}), "self.wasm");
  EXPECT_THAT(status.message(), HasSubstr("first.wasm"));
  ServiceCatalog fresh;
  status = fresh.Add(SetOf({kBase, kBaseChanged}), "self.wasm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("self.wasm holds two different files named "
                                          "a/base.proto"));
}

TEST(ServiceCatalogTest, RejectedFileLeavesTheCatalogUnchanged) {
  ServiceCatalog catalog;
  ASSERT_EQ(catalog.Add(SetOf({kBase}), "first.wasm"), Status::Ok());
  // d/fresh.proto is fine, c/clash.proto redefines a.Base: neither is added.
  Status status = catalog.Add(SetOf({kFresh, kClash}), "clash.wasm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("c/clash.proto from clash.wasm rejected"));
  EXPECT_THAT(status.message(), HasSubstr("a.Base"));
  EXPECT_EQ(catalog.FindService("d.Fresh"), nullptr);
  EXPECT_EQ(catalog.FindFileProto("d/fresh.proto"), nullptr);
  EXPECT_EQ(catalog.pool().FindFileByName("d/fresh.proto"), nullptr);
  // And still takes good sets.
  ASSERT_EQ(catalog.Add(SetOf({kFresh}), "fresh.wasm"), Status::Ok());
  EXPECT_NE(catalog.FindService("d.Fresh"), nullptr);
}

TEST(ServiceCatalogTest, MissingImportIsAnError) {
  ServiceCatalog catalog;
  Status status = catalog.Add(SetOf({kUser}), "user.wasm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("b/user.proto from user.wasm imports "
                                          "a/base.proto, which no descriptor set"));
}

TEST(ServiceCatalogTest, ImportCycleIsAnError) {
  ServiceCatalog catalog;
  Status status = catalog.Add(
      SetOf({R"pb(name: "x.proto" dependency: "y.proto")pb",
             R"pb(name: "y.proto" dependency: "x.proto")pb"}),
      "cycle.wasm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("import cycle"));
}

TEST(ServiceCatalogTest, NotADescriptorSetIsAnError) {
  ServiceCatalog catalog;
  std::vector<uint8_t> garbage = {0x0a, 0xff, 0xff, 0x01};  // length past the end
  Status status = catalog.Add(garbage, "junk.wasm");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("junk.wasm: not a serialized"));
  status = catalog.Add(SetOf({R"pb(package: "nameless")pb"}), "nameless.wasm");
  EXPECT_THAT(status.message(), HasSubstr("nameless.wasm holds a file with no name"));
}

TEST(ServiceCatalogTest, UnknownNames) {
  ServiceCatalog catalog;
  ASSERT_EQ(catalog.Add(SetOf({kBase, kUser}), "x"), Status::Ok());
  EXPECT_EQ(catalog.FindService("b.Nope"), nullptr);
  EXPECT_EQ(catalog.FindService("a.Base"), nullptr) << "a message, not a service";
  Result<std::vector<std::string>> methods = catalog.MethodNames("b.Nope");
  EXPECT_EQ(methods.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(catalog.FindFileProto("nope.proto"), nullptr);
  EXPECT_TRUE(ServiceCatalog().ServiceNames().empty());
}

TEST(ServiceCatalogTest, ErrorNameComesFromTheServicesErrorEnum) {
  ServiceCatalog catalog;
  ASSERT_EQ(catalog.Add(testing::ReadTestdata("greeting.descriptors.pb"), "greet.wasm"),
            Status::Ok());
  EXPECT_EQ(catalog.ErrorName("greeting.v1.Greeting", 4), "UnknownLang");
  EXPECT_EQ(catalog.ErrorName("greeting.v1.Greeting", 1), "DispatchError");
  EXPECT_EQ(catalog.ErrorName("greeting.v1.Greeting", 999), "") << "no such value";
  EXPECT_EQ(catalog.ErrorName("greeting.v1.Nope", 4), "") << "no such service";
}

// Generated code gives a service without the option protosupport.v1.ServiceErr
// as its error enum (not the kernel's KernelErr, whose 1 is LocateError and
// 3 IdDispatch), so the trailer names ServiceErr's values.
TEST(ServiceCatalogTest, ErrorNameWithoutTheOptionComesFromServiceErr) {
  ServiceCatalog catalog;
  ASSERT_EQ(catalog.Add(SetOf({kBase, kUser}), "x"), Status::Ok());
  EXPECT_EQ(catalog.ErrorName("b.User", 1), "DispatchError");
  EXPECT_EQ(catalog.ErrorName("b.User", 2), "UnmarshalFailed");
  EXPECT_EQ(catalog.ErrorName("b.User", 3), "MarshalFailed");
  EXPECT_EQ(catalog.ErrorName("b.User", 4), "") << "ServiceErr has no value 4";
}

}  // namespace
}  // namespace parigot::net
