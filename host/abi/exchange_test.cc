// The exchange system call's host side, driven against a real kernel: ops
// run in order with a result each, events come back in batches, and a
// malformed request runs nothing.
#include "host/abi/exchange.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace parigot::abi {
namespace {

using std::chrono::milliseconds;
namespace sc = syscall::v1;
namespace ex = exchange;

class ExchangeTest : public ::testing::Test {
 protected:
  ExchangeTest() : kernel_(Options()) {
    server_ = Start("greet", kernel::GuestKind::kService, true);
    client_ = Start("main", kernel::GuestKind::kMain, false);
    server_exchanger_ = std::make_unique<Exchanger>(kernel_, server_);
    client_exchanger_ = std::make_unique<Exchanger>(kernel_, client_);
    std::vector<std::pair<std::string, MethodId>> methods;
    EXPECT_EQ(kernel_.Locate(client_, kGreeting, &service_, &methods), sc::NoError);
    method_ = methods.at(0).second;
    // Each side's launch event.
    EXPECT_EQ(Exchange(server_, {}, 1).events.size(), 1u);
    EXPECT_EQ(Exchange(client_, {}, 1).events.size(), 1u);
  }

  static kernel::KernelOptions Options() {
    kernel::KernelOptions options;
    options.log = [](std::string_view, kernel::LogLevel, std::string_view,
                     std::span<const kernel::LogField>) {};
    return options;
  }

  GuestId Start(const std::string& name, kernel::GuestKind kind, bool exports) {
    GuestId guest = kernel_.AddGuest(name, kind, name + ".toml:1");
    kernel_.StartGuests();
    std::string registered;
    EXPECT_EQ(kernel_.Register(guest, &registered), sc::NoError);
    if (exports) {
      std::vector<ServiceId> ids;
      EXPECT_EQ(kernel_.Export(guest, {kGreeting}, &ids), sc::NoError);
      MethodId method;
      EXPECT_EQ(kernel_.BindMethod(guest, ids.at(0), "Fetch", &method), sc::NoError);
    } else {
      EXPECT_EQ(kernel_.Require(guest, {kGreeting}), sc::NoError);
    }
    EXPECT_EQ(kernel_.Launch(guest), sc::NoError);
    return guest;
  }

  static std::string Request(const std::vector<ex::Op>& ops, uint32_t max_events,
                             int32_t timeout_ms = 1000) {
    std::string request;
    ex::BeginRequest(request);
    for (const ex::Op& op : ops) std::visit([&](const auto& o) { ex::AppendOp(request, o); }, op);
    ex::FinishRequest(request, {.timeout_ms = timeout_ms,
                                .max_events = max_events,
                                .op_count = static_cast<uint32_t>(ops.size())});
    return request;
  }

  // A decoded response; its views point into `bytes`.
  struct Response {
    kernel::Err err = sc::NoError;
    std::string bytes;
    std::vector<ex::OpResult> results;
    std::vector<ex::Event> events;
  };

  Response Exchange(GuestId guest, const std::vector<ex::Op>& ops, uint32_t max_events,
                    int32_t timeout_ms = 1000, size_t budget = 1 << 20) {
    return Run(guest, Request(ops, max_events, timeout_ms), budget);
  }

  Response Run(GuestId guest, const std::string& request, size_t budget = 1 << 20) {
    Exchanger& exchanger = guest == server_ ? *server_exchanger_ : *client_exchanger_;
    Response response;
    response.err = exchanger.Run(request, budget, &response.bytes);
    if (response.err != sc::NoError) return response;
    ex::Reader reader(response.bytes);
    ex::ResponseHeader header;
    EXPECT_TRUE(reader.ReadResponseHeader(&header));
    response.results.resize(header.op_count);
    for (ex::OpResult& result : response.results) EXPECT_TRUE(reader.ReadResult(&result));
    response.events.resize(header.event_count);
    for (ex::Event& event : response.events) EXPECT_TRUE(reader.ReadEvent(&event));
    EXPECT_TRUE(reader.AtEnd());
    return response;
  }

  ex::DispatchOp Dispatch(std::string_view param) const {
    return {ex::WireId::Of(service_), ex::WireId::Of(method_), 0, param};
  }

  const kernel::ServiceName kGreeting{"greeting.v1", "Greeting"};
  kernel::Kernel kernel_;
  GuestId server_, client_;
  ServiceId service_;
  MethodId method_;
  std::unique_ptr<Exchanger> server_exchanger_, client_exchanger_;
};

TEST_F(ExchangeTest, RoundTripIsOneExchangeEachSide) {
  // The client sends its call and would wait; here it only sends.
  Response sent = Exchange(client_, {Dispatch("ping")}, 0);
  ASSERT_EQ(sent.err, sc::NoError);
  ASSERT_EQ(sent.results.size(), 1u);
  EXPECT_EQ(sent.results[0].error, static_cast<uint32_t>(sc::NoError));
  std::optional<CallId> call = sent.results[0].call.As<CallId>();
  ASSERT_TRUE(call.has_value());
  EXPECT_FALSE(call->IsZero());
  EXPECT_TRUE(sent.events.empty());

  Response taken = Exchange(server_, {}, 8);
  ASSERT_EQ(taken.events.size(), 1u);
  const auto& incoming = std::get<ex::CallEvent>(taken.events[0]);
  EXPECT_EQ(incoming.call.As<CallId>(), call);
  EXPECT_EQ(incoming.service.As<ServiceId>(), service_);
  EXPECT_EQ(incoming.method.As<MethodId>(), method_);
  EXPECT_EQ(incoming.param, "ping");

  // The server answers and would wait for its next call (none comes).
  Response answered =
      Exchange(server_, {ex::ReturnOp{incoming.call, 4, "pong"}}, 8, /*timeout_ms=*/0);
  ASSERT_EQ(answered.results.size(), 1u);
  EXPECT_EQ(answered.results[0].error, static_cast<uint32_t>(sc::NoError));
  EXPECT_TRUE(answered.events.empty());

  Response resolved = Exchange(client_, {}, 8);
  ASSERT_EQ(resolved.events.size(), 1u);
  const auto& result = std::get<ex::ResolvedEvent>(resolved.events[0]);
  EXPECT_EQ(result.call.As<CallId>(), call);
  EXPECT_EQ(result.result, "pong");
  EXPECT_EQ(result.result_error, 4);
  EXPECT_EQ(result.kernel_error, static_cast<uint32_t>(sc::NoError));
}

TEST_F(ExchangeTest, EachOpHasItsOwnResult) {
  ex::DispatchOp bad_id = Dispatch("x");
  bad_id.service = ex::WireId::Of(method_);  // not a service id
  ex::ReturnOp unknown_call{ex::WireId::Of(CallId::NewRandom(7, 8)), 0, ""};
  Response sent =
      Exchange(client_, {Dispatch("a"), bad_id, unknown_call, Dispatch("b")}, 0);
  ASSERT_EQ(sent.results.size(), 4u);
  EXPECT_EQ(sent.results[0].error, static_cast<uint32_t>(sc::NoError));
  EXPECT_EQ(sent.results[1].error, static_cast<uint32_t>(sc::BadId));
  EXPECT_EQ(sent.results[1].call, ex::WireId{});
  EXPECT_EQ(sent.results[2].error, static_cast<uint32_t>(sc::CallerUnavailable));
  EXPECT_EQ(sent.results[3].error, static_cast<uint32_t>(sc::NoError));
  // Both good calls arrived, in order, one per exchange.
  for (std::string_view param : {"a", "b"}) {
    Response taken = Exchange(server_, {}, 8);
    ASSERT_EQ(taken.events.size(), 1u);
    EXPECT_EQ(std::get<ex::CallEvent>(taken.events[0]).param, param);
  }
}

TEST_F(ExchangeTest, FailedOpDoesNotWait) {
  ex::DispatchOp bad_id = Dispatch("x");
  bad_id.method = ex::WireId{};
  // Would wait forever for an event; the failed dispatch answers at once.
  Response sent = Exchange(client_, {bad_id}, 8, /*timeout_ms=*/-1);
  ASSERT_EQ(sent.results.size(), 1u);
  EXPECT_EQ(sent.results[0].error, static_cast<uint32_t>(sc::BadId));
  EXPECT_TRUE(sent.events.empty());
}

TEST_F(ExchangeTest, AnswersComeInBatches) {
  std::vector<ex::Op> calls(5, Dispatch("p"));
  Response sent = Exchange(client_, calls, 0);
  std::vector<ex::Op> answers;
  for (int i = 0; i < 5; ++i) {
    Response taken = Exchange(server_, {}, 8);
    ASSERT_EQ(taken.events.size(), 1u);
    answers.push_back(ex::ReturnOp{std::get<ex::CallEvent>(taken.events[0]).call, 0,
                                   "0123456789"});
  }
  Exchange(server_, answers, 0);
  // At most max_events...
  EXPECT_EQ(Exchange(client_, {}, 2).events.size(), 2u);
  // ...and no more once the payloads fill the budget.
  EXPECT_EQ(Exchange(client_, {}, 8, 1000, /*budget=*/20).events.size(), 2u);
  EXPECT_EQ(Exchange(client_, {}, 8).events.size(), 1u);
  // Nothing left: no event by the timeout is no error.
  Response none = Exchange(client_, {}, 8, /*timeout_ms=*/10);
  EXPECT_EQ(none.err, sc::NoError);
  EXPECT_TRUE(none.events.empty());
}

TEST_F(ExchangeTest, MalformedRequestRunsNothing) {
  std::string request = Request({Dispatch("a"), Dispatch("b")}, 0);
  request.pop_back();  // the second op's param is cut short
  Response refused = Run(client_, request);
  EXPECT_EQ(refused.err, sc::UnmarshalFailed);
  // The first, well-formed op did not run either.
  EXPECT_TRUE(Exchange(server_, {}, 8, /*timeout_ms=*/10).events.empty());
}

}  // namespace
}  // namespace parigot::abi
