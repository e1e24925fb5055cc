#include "host/net/reflection.h"

#include <grpcpp/grpcpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "host/net/testdata.h"

namespace parigot::net {
namespace {

namespace reflection = ::grpc::reflection::v1alpha;
using google::protobuf::FileDescriptorProto;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using Request = reflection::ServerReflectionRequest;
using Response = reflection::ServerReflectionResponse;

constexpr int kErrorIdName = 543213;  // protosupport.v1.error_id_name

// The field numbers are the standard's: real clients send these bytes.
TEST(ReflectionProtoTest, WireFormatIsTheStandards) {
  Request request;
  request.set_list_services("");
  EXPECT_EQ(request.SerializeAsString(), std::string("\x3a\x00", 2));
  request.set_file_containing_symbol("x");
  EXPECT_EQ(request.SerializeAsString(), "\x22\x01x");
  request.set_file_by_filename("x");
  EXPECT_EQ(request.SerializeAsString(), "\x1a\x01x");
  request.set_all_extension_numbers_of_type("x");
  EXPECT_EQ(request.SerializeAsString(), "\x32\x01x");
  request.mutable_file_containing_extension()->set_containing_type("x");
  request.mutable_file_containing_extension()->set_extension_number(2);
  request.set_host("h");
  EXPECT_EQ(request.SerializeAsString(), "\x0a\x01h\x2a\x05\x0a\x01x\x10\x02");

  Response response;
  response.set_valid_host("h");
  response.mutable_original_request()->set_host("o");
  response.mutable_file_descriptor_response()->add_file_descriptor_proto("f");
  EXPECT_EQ(response.SerializeAsString(), "\x0a\x01h\x12\x03\x0a\x01o\x22\x03\x0a\x01" "f");
  response.Clear();
  response.mutable_all_extension_numbers_response()->set_base_type_name("t");
  response.mutable_all_extension_numbers_response()->add_extension_number(3);
  EXPECT_EQ(response.SerializeAsString(), "\x2a\x06\x0a\x01t\x12\x01\x03");
  response.Clear();
  response.mutable_list_services_response()->add_service()->set_name("s");
  EXPECT_EQ(response.SerializeAsString(), "\x32\x05\x0a\x03\x0a\x01s");
  response.Clear();
  response.mutable_error_response()->set_error_code(5);
  response.mutable_error_response()->set_error_message("m");
  EXPECT_EQ(response.SerializeAsString(), "\x3a\x05\x08\x05\x12\x01m");
}

class ReflectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(catalog_.Add(testing::ReadTestdata("greeting.descriptors.pb"), "greet.wasm"),
              Status::Ok());
    ASSERT_EQ(catalog_.Add(testing::ReadTestdata("test.descriptors.pb"), "test_echo.wasm"),
              Status::Ok());
    Result<std::vector<uint8_t>> own = ReflectionService::OwnDescriptorSet();
    ASSERT_TRUE(own.ok()) << own.status().ToString();
    ASSERT_EQ(catalog_.Add(*own, "host"), Status::Ok());
    service_ = std::make_unique<ReflectionService>(
        catalog_, std::vector<std::string>{"greeting.v1.Greeting", "test.v1.Echo",
                                           "grpc.health.v1.Health", "test.v1.Echo"});

    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    service_->RegisterWith(builder);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  // Sends `requests` on one v1alpha (or v1) stream and returns the answers.
  std::vector<Response> Exchange(const std::vector<Request>& requests, bool v1 = false) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    std::unique_ptr<grpc::ClientReaderWriter<Request, Response>> stream;
    auto v1_stub = ::grpc::reflection::v1::ServerReflection::NewStub(channel_);
    auto v1alpha_stub = reflection::ServerReflection::NewStub(channel_);
    stream = v1 ? v1_stub->ServerReflectionInfo(&context)
                : v1alpha_stub->ServerReflectionInfo(&context);
    std::vector<Response> responses;
    for (const Request& request : requests) {
      EXPECT_TRUE(stream->Write(request));
      Response response;
      EXPECT_TRUE(stream->Read(&response));  // one answer per request, in order
      responses.push_back(response);
    }
    EXPECT_TRUE(stream->WritesDone());
    Response extra;
    EXPECT_FALSE(stream->Read(&extra));
    grpc::Status status = stream->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return responses;
  }

  Response Ask(const Request& request) { return Exchange({request}).at(0); }

  static Request ByFile(std::string name) {
    Request request;
    request.set_file_by_filename(std::move(name));
    return request;
  }
  static Request BySymbol(std::string name) {
    Request request;
    request.set_file_containing_symbol(std::move(name));
    return request;
  }

  // The names of the files a response carries, in order.
  static std::vector<std::string> FileNames(const Response& response) {
    EXPECT_TRUE(response.has_file_descriptor_response()) << response.DebugString();
    std::vector<std::string> names;
    for (const std::string& bytes : response.file_descriptor_response().file_descriptor_proto()) {
      FileDescriptorProto file;
      EXPECT_TRUE(file.ParseFromString(bytes));
      names.push_back(file.name());
    }
    return names;
  }

  static void ExpectError(const Response& response, StatusCode code) {
    ASSERT_TRUE(response.has_error_response()) << response.DebugString();
    EXPECT_EQ(response.error_response().error_code(), static_cast<int>(code));
    EXPECT_FALSE(response.error_response().error_message().empty());
  }

  ServiceCatalog catalog_;
  std::unique_ptr<ReflectionService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ReflectionTest, ListServicesOnBothVersions) {
  Request request;
  request.set_host("somewhere");
  request.set_list_services("*");
  for (bool v1 : {false, true}) {
    Response response = Exchange({request}, v1).at(0);
    ASSERT_TRUE(response.has_list_services_response()) << response.DebugString();
    std::vector<std::string> names;
    for (const reflection::ServiceResponse& service :
         response.list_services_response().service()) {
      names.push_back(service.name());
    }
    EXPECT_THAT(names, ElementsAre("greeting.v1.Greeting", "test.v1.Echo",
                                   "grpc.health.v1.Health",
                                   "grpc.reflection.v1.ServerReflection",
                                   "grpc.reflection.v1alpha.ServerReflection"));
    EXPECT_EQ(response.valid_host(), "somewhere");
    EXPECT_EQ(response.original_request().SerializeAsString(), request.SerializeAsString());
  }
}

TEST_F(ReflectionTest, FileByFilenameSendsTheFileThenItsImportsOncePerStream) {
  std::vector<Response> responses =
      Exchange({ByFile("greeting/v1/greeting.proto"), ByFile("test/v1/test.proto"),
                ByFile("greeting/v1/greeting.proto")});
  EXPECT_THAT(FileNames(responses[0]),
              ElementsAre("greeting/v1/greeting.proto", "protosupport/v1/protosupport.proto",
                          "google/protobuf/descriptor.proto"));
  // The imports were sent already on this stream; the file asked for always is.
  EXPECT_THAT(FileNames(responses[1]), ElementsAre("test/v1/test.proto"));
  EXPECT_THAT(FileNames(responses[2]), ElementsAre("greeting/v1/greeting.proto"));
  // A new stream starts afresh.
  EXPECT_THAT(FileNames(Ask(ByFile("test/v1/test.proto"))),
              ElementsAre("test/v1/test.proto", "protosupport/v1/protosupport.proto",
                          "google/protobuf/descriptor.proto"));

  // The bytes are the guest's own descriptor, unchanged.
  FileDescriptorProto sent;
  ASSERT_TRUE(sent.ParseFromString(
      responses[0].file_descriptor_response().file_descriptor_proto(0)));
  EXPECT_EQ(sent.SerializeAsString(),
            catalog_.FindFileProto("greeting/v1/greeting.proto")->SerializeAsString());
}

TEST_F(ReflectionTest, FileContainingSymbolFindsEveryKindOfSymbol) {
  for (const char* symbol :
       {"greeting.v1.Greeting", "greeting.v1.Greeting.FetchGreeting",
        "greeting.v1.FetchGreetingRequest", "greeting.v1.FetchGreetingResponse.greeting",
        "greeting.v1.Tongue", "greeting.v1.French"}) {
    SCOPED_TRACE(symbol);
    std::vector<std::string> files = FileNames(Ask(BySymbol(symbol)));
    ASSERT_FALSE(files.empty());
    EXPECT_EQ(files[0], "greeting/v1/greeting.proto");
  }
  EXPECT_THAT(FileNames(Ask(BySymbol("test.v1.Echo.Reflect"))),
              ElementsAre("test/v1/test.proto", "protosupport/v1/protosupport.proto",
                          "google/protobuf/descriptor.proto"));
  EXPECT_THAT(FileNames(Ask(BySymbol("protosupport.v1.error_id_name"))),
              ElementsAre("protosupport/v1/protosupport.proto",
                          "google/protobuf/descriptor.proto"));
  // The reflection service describes itself, v1 with the v1alpha messages.
  EXPECT_THAT(FileNames(Ask(BySymbol("grpc.reflection.v1.ServerReflection"))),
              ElementsAre("grpc/reflection/v1/reflection.proto",
                          "grpc/reflection/v1alpha/reflection.proto"));
}

TEST_F(ReflectionTest, UnknownNamesAnswerNotFoundAndTheStreamGoesOn) {
  Request extension;
  extension.mutable_file_containing_extension()->set_containing_type(
      "google.protobuf.ServiceOptions");
  extension.mutable_file_containing_extension()->set_extension_number(1);
  Request unknown_type;
  unknown_type.mutable_file_containing_extension()->set_containing_type("no.Such");
  unknown_type.mutable_file_containing_extension()->set_extension_number(kErrorIdName);
  Request numbers_of_unknown;
  numbers_of_unknown.set_all_extension_numbers_of_type("no.Such");

  std::vector<Response> responses =
      Exchange({ByFile("no/such.proto"), BySymbol("greeting.v1.Nope"),
                BySymbol("greeting.v1"),  // a package is not a symbol a file declares
                extension, unknown_type, numbers_of_unknown, ByFile("test/v1/test.proto")});
  for (size_t i = 0; i + 1 < responses.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectError(responses[i], StatusCode::kNotFound);
  }
  EXPECT_EQ(responses[0].error_response().error_message(), "no file named no/such.proto");
  EXPECT_THAT(FileNames(responses.back()), ::testing::Contains("test/v1/test.proto"));
}

TEST_F(ReflectionTest, Extensions) {
  Request by_extension;
  by_extension.mutable_file_containing_extension()->set_containing_type(
      "google.protobuf.ServiceOptions");
  by_extension.mutable_file_containing_extension()->set_extension_number(kErrorIdName);
  EXPECT_THAT(FileNames(Ask(by_extension)),
              ElementsAre("protosupport/v1/protosupport.proto",
                          "google/protobuf/descriptor.proto"));

  Request numbers;
  numbers.set_all_extension_numbers_of_type("google.protobuf.ServiceOptions");
  Response response = Ask(numbers);
  ASSERT_TRUE(response.has_all_extension_numbers_response()) << response.DebugString();
  EXPECT_EQ(response.all_extension_numbers_response().base_type_name(),
            "google.protobuf.ServiceOptions");
  EXPECT_THAT(response.all_extension_numbers_response().extension_number(),
              UnorderedElementsAre(543213, 543214, 543215));

  // A proto3 message: nothing extends it.
  numbers.set_all_extension_numbers_of_type("greeting.v1.FetchGreetingRequest");
  response = Ask(numbers);
  ASSERT_TRUE(response.has_all_extension_numbers_response()) << response.DebugString();
  EXPECT_EQ(response.all_extension_numbers_response().base_type_name(),
            "greeting.v1.FetchGreetingRequest");
  EXPECT_THAT(response.all_extension_numbers_response().extension_number(), IsEmpty());
}

TEST_F(ReflectionTest, RequestOfUnknownKindAnswersUnimplemented) {
  Request empty;
  empty.set_host("h");
  ExpectError(Ask(empty), StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace parigot::net
