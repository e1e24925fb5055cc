#include "host/builtin/http/answer.h"

#include <gtest/gtest.h>

#include "parigot/syscall/v1/syscall.pb.h"

namespace parigot::builtin::http {
namespace {

namespace pb = ::parigot::http::v1;
namespace sc = ::parigot::syscall::v1;

std::string Encode(uint32_t status, std::vector<std::pair<std::string, std::string>> headers,
                   std::string body) {
  pb::Response response;
  response.set_status(status);
  for (auto& [name, value] : headers) {
    pb::Header* header = response.add_headers();
    header->set_name(name);
    header->set_value(value);
  }
  response.set_body(body);
  return response.SerializeAsString();
}

TEST(AnswerTest, AResponseBecomesTheAnswer) {
  int dropped = 0;
  Answer answer = FromResponse(Encode(201, {{"Content-Type", "text/plain"}, {"X-A", "1\t2"}}, "made"),
                               "a.B.Handle", &dropped);
  EXPECT_EQ(answer.status, 201u);
  ASSERT_EQ(answer.headers.size(), 2u);
  EXPECT_EQ(answer.headers[0].first, "Content-Type");
  EXPECT_EQ(answer.headers[1].second, "1\t2");
  EXPECT_EQ(answer.body, "made");
  EXPECT_EQ(dropped, 0);
  EXPECT_EQ(FromResponse(Encode(0, {}, ""), "h").status, 200u);
}

TEST(AnswerTest, TheServersHeadersAreDropped) {
  int dropped = 0;
  Answer answer = FromResponse(
      Encode(200, {{"content-length", "999"}, {"Transfer-Encoding", "chunked"},
                   {"CONNECTION", "close"}, {"Keep-Alive", "x"}, {"X-Kept", "y"}},
             "body"),
      "h", &dropped);
  EXPECT_EQ(dropped, 4);
  ASSERT_EQ(answer.headers.size(), 1u);
  EXPECT_EQ(answer.headers[0].first, "X-Kept");
}

TEST(AnswerTest, ABadResponseIs502) {
  EXPECT_EQ(FromResponse("\xff\xff\xff", "h").status, 502u);
  EXPECT_EQ(FromResponse(Encode(99, {}, ""), "h").status, 502u);
  EXPECT_EQ(FromResponse(Encode(600, {}, ""), "h").status, 502u);
  // No header injection: CR/LF in a value, a space in a name.
  Answer injected = FromResponse(Encode(200, {{"X", "a\r\nSet-Cookie: b"}}, ""), "a.B.Handle");
  EXPECT_EQ(injected.status, 502u);
  EXPECT_NE(injected.body.find("a.B.Handle answered a header"), std::string::npos)
      << injected.body;
  EXPECT_EQ(FromResponse(Encode(200, {{"Bad Name", "v"}}, ""), "h").status, 502u);
  EXPECT_EQ(FromResponse(Encode(200, {{"", "v"}}, ""), "h").status, 502u);
  EXPECT_EQ(FromResponse(Encode(200, {{"X", std::string("a\0b", 3)}}, ""), "h").status, 502u);
}

TEST(AnswerTest, FailuresMapToGatewayStatuses) {
  EXPECT_EQ(FromCallFailure(sc::CallTimeout, 0, "h", false).status, 504u);
  EXPECT_EQ(FromCallFailure(sc::ServiceKilled, 0, "h", false).status, 504u);
  EXPECT_EQ(FromCallFailure(sc::Overloaded, 0, "h", true).status, 503u);
  EXPECT_EQ(FromCallFailure(sc::ServiceRestarting, 0, "h", false).status, 503u);
  EXPECT_EQ(FromCallFailure(sc::ServiceTrapped, 0, "h", false).status, 502u);
  EXPECT_EQ(FromCallFailure(sc::MessageTooLarge, 0, "h", true).status, 413u);
  EXPECT_EQ(FromCallFailure(sc::MessageTooLarge, 0, "h", false).status, 502u);
  Answer own = FromCallFailure(sc::NoError, 7, "a.B.Handle", false);
  EXPECT_EQ(own.status, 502u);
  EXPECT_EQ(own.body, "502 Bad Gateway: a.B.Handle failed with its error 7\n");
  EXPECT_EQ(FromCallFailure(sc::CallTimeout, 0, "a.B.Handle", false).body,
            "504 Gateway Timeout: a.B.Handle: CallTimeout\n");
}

}  // namespace
}  // namespace parigot::builtin::http
