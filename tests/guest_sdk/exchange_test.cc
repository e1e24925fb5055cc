// The exchange layout (parigot/exchange.h): what one side writes the other
// reads back, and malformed bytes are refused without reading out of bounds.
#include "parigot/exchange.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parigot/id.h"

namespace parigot::exchange {
namespace {

const WireId kService = WireId::Of(ServiceId::NewRandom(1, 2));
const WireId kMethod = WireId::Of(MethodId::NewRandom(3, 4));
const WireId kCall = WireId::Of(CallId::NewRandom(5, 6));

std::string TwoOpRequest() {
  std::string request;
  BeginRequest(request);
  AppendOp(request, DispatchOp{kService, kMethod, 250, "param bytes"});
  AppendOp(request, ReturnOp{kCall, -7, std::string("\0result", 7)});
  FinishRequest(request, {.timeout_ms = -1, .max_events = 64, .op_count = 2});
  return request;
}

TEST(ExchangeTest, RequestRoundTrip) {
  std::string request = TwoOpRequest();
  // 16 header + (4 + 16 + 16 + 4 + 4 + 11) + (4 + 16 + 4 + 4 + 7).
  EXPECT_EQ(request.size(), 16u + 55u + 35u);
  RequestHeader header;
  std::vector<Op> ops;
  ASSERT_TRUE(ParseRequest(request, &header, &ops));
  EXPECT_EQ(header.timeout_ms, -1);
  EXPECT_EQ(header.max_events, 64u);
  ASSERT_EQ(ops.size(), 2u);
  const auto& dispatch = std::get<DispatchOp>(ops[0]);
  EXPECT_EQ(dispatch.service, kService);
  EXPECT_EQ(dispatch.method, kMethod);
  EXPECT_EQ(dispatch.timeout_ms, 250u);
  EXPECT_EQ(dispatch.param, "param bytes");
  const auto& ret = std::get<ReturnOp>(ops[1]);
  EXPECT_EQ(ret.call, kCall);
  EXPECT_EQ(ret.result_error, -7);
  EXPECT_EQ(ret.result, std::string_view("\0result", 7));
  EXPECT_EQ(ret.call.As<CallId>(), CallId::NewRandom(5, 6));
  // An id of another kind is not a call id.
  EXPECT_FALSE(kService.As<CallId>().has_value());
}

TEST(ExchangeTest, ResponseRoundTrip) {
  std::string response;
  BeginResponse(response);
  AppendResult(response, {.error = 0, .call = kCall});
  AppendResult(response, {.error = 36, .call = {}});
  AppendEvent(response, CallEvent{kCall, kService, kMethod, "in"});
  AppendEvent(response, ResolvedEvent{kCall, 4, 35, "out"});
  AppendEvent(response, LaunchEvent{11, "cycle"});
  AppendEvent(response, ExitEvent{-3});
  FinishResponse(response, {.op_count = 2, .event_count = 4});

  Reader reader(response);
  ResponseHeader header;
  ASSERT_TRUE(reader.ReadResponseHeader(&header));
  EXPECT_EQ(header.op_count, 2u);
  EXPECT_EQ(header.event_count, 4u);
  OpResult result;
  ASSERT_TRUE(reader.ReadResult(&result));
  EXPECT_EQ(result.error, 0u);
  EXPECT_EQ(result.call, kCall);
  ASSERT_TRUE(reader.ReadResult(&result));
  EXPECT_EQ(result.error, 36u);
  EXPECT_EQ(result.call, WireId{});

  Event event;
  ASSERT_TRUE(reader.ReadEvent(&event));
  const auto& call = std::get<CallEvent>(event);
  EXPECT_EQ(call.call, kCall);
  EXPECT_EQ(call.service, kService);
  EXPECT_EQ(call.method, kMethod);
  EXPECT_EQ(call.param, "in");
  ASSERT_TRUE(reader.ReadEvent(&event));
  const auto& resolved = std::get<ResolvedEvent>(event);
  EXPECT_EQ(resolved.call, kCall);
  EXPECT_EQ(resolved.result_error, 4);
  EXPECT_EQ(resolved.kernel_error, 35u);
  EXPECT_EQ(resolved.result, "out");
  ASSERT_TRUE(reader.ReadEvent(&event));
  EXPECT_EQ(std::get<LaunchEvent>(event).error, 11u);
  EXPECT_EQ(std::get<LaunchEvent>(event).detail, "cycle");
  ASSERT_TRUE(reader.ReadEvent(&event));
  EXPECT_EQ(std::get<ExitEvent>(event).code, -3);
  EXPECT_TRUE(reader.AtEnd());
}

TEST(ExchangeTest, EveryTruncationIsRefused) {
  std::string request = TwoOpRequest();
  RequestHeader header;
  std::vector<Op> ops;
  for (size_t size = 0; size < request.size(); ++size) {
    // A copy of exactly `size` bytes, so that reading past it is an error
    // the sanitizers and the heap checkers would see.
    std::string cut = request.substr(0, size);
    EXPECT_FALSE(ParseRequest(cut, &header, &ops)) << "size " << size;
  }
}

TEST(ExchangeTest, MalformedRequestsAreRefused) {
  RequestHeader header;
  std::vector<Op> ops;
  std::string request = TwoOpRequest();

  std::string trailing = request + "x";
  EXPECT_FALSE(ParseRequest(trailing, &header, &ops));

  std::string other_version = request;
  other_version[0] = 2;
  EXPECT_FALSE(ParseRequest(other_version, &header, &ops));

  std::string fewer_ops_than_said = request;
  FinishRequest(fewer_ops_than_said, {.op_count = 3});
  EXPECT_FALSE(ParseRequest(fewer_ops_than_said, &header, &ops));

  std::string more_ops_than_said = request;
  FinishRequest(more_ops_than_said, {.op_count = 1});
  EXPECT_FALSE(ParseRequest(more_ops_than_said, &header, &ops));

  // A count no request of this size could hold is refused before anything
  // is sized by it.
  std::string huge_count = request;
  FinishRequest(huge_count, {.op_count = 0xffffffffu});
  EXPECT_FALSE(ParseRequest(huge_count, &header, &ops));
  EXPECT_LT(ops.capacity(), 1000u);

  std::string unknown_kind = request;
  unknown_kind[kRequestHeaderSize] = 9;
  EXPECT_FALSE(ParseRequest(unknown_kind, &header, &ops));

  // A length that runs past the end.
  std::string long_param;
  BeginRequest(long_param);
  AppendOp(long_param, DispatchOp{kService, kMethod, 0, "abc"});
  FinishRequest(long_param, {.op_count = 1});
  long_param[kRequestHeaderSize + 40] = 4;  // the param's length: 4, not 3
  EXPECT_FALSE(ParseRequest(long_param, &header, &ops));

  std::string empty;
  BeginRequest(empty);
  FinishRequest(empty, {.timeout_ms = 0, .max_events = 0, .op_count = 0});
  EXPECT_TRUE(ParseRequest(empty, &header, &ops));
  EXPECT_TRUE(ops.empty());
}

TEST(ExchangeTest, MalformedEventsAreRefused) {
  std::string response;
  BeginResponse(response);
  AppendEvent(response, ResolvedEvent{kCall, 0, 0, "abc"});
  for (size_t size = kResponseHeaderSize; size < response.size(); ++size) {
    std::string cut = response.substr(0, size);
    Reader reader(cut);
    ResponseHeader header;
    Event event;
    ASSERT_TRUE(reader.ReadResponseHeader(&header));
    EXPECT_FALSE(reader.ReadEvent(&event)) << "size " << size;
  }
  std::string unknown = response;
  unknown[kResponseHeaderSize] = 0;
  Reader reader(unknown);
  ResponseHeader header;
  Event event;
  ASSERT_TRUE(reader.ReadResponseHeader(&header));
  EXPECT_FALSE(reader.ReadEvent(&event));
}

}  // namespace
}  // namespace parigot::exchange
