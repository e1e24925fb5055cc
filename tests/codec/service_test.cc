// Generated service code (client handles, server bases, elided empty
// messages, the default error enum ServiceErr) compiles against a fake SDK
// and routes calls by method index with the expected request bytes.
#include <gtest/gtest.h>

#include <type_traits>

#include "codectest/v1/bare.parigot.h"
#include "codectest/v1/svc.parigot.h"
#include "greeting/v1/greeting.parigot.h"

namespace {

using greeting::v1::FetchGreetingRequest;
using greeting::v1::FetchGreetingResponse;
using greeting::v1::GreetErr;
using greeting::v1::Tongue;

class Greeter : public greeting::v1::GreetingServer {
 public:
  parigot::Future<FetchGreetingResponse, GreetErr> FetchGreeting(
      const FetchGreetingRequest& request) override {
    parigot::Future<FetchGreetingResponse, GreetErr> f;
    if (request.tongue == Tongue::French) {
      f.value = FetchGreetingResponse{.greeting = "bonjour"};
    } else {
      f.error = GreetErr::UnknownLang;
    }
    return f;
  }
};

TEST(ServiceTest, ClientSendsSerializedRequest) {
  static_assert(greeting::v1::Greeting::kMethods.size() == 1);
  static_assert(greeting::v1::Greeting::require.package == "greeting.v1");
  auto greet = greeting::v1::Greeting::locate();
  greet.FetchGreeting({.tongue = Tongue::French});
  EXPECT_EQ(parigot::internal::TEST_LastCall().method, 0u);
  FetchGreetingRequest sent;
  ASSERT_TRUE(sent.ParseFromString(parigot::internal::TEST_LastCall().bytes));
  EXPECT_EQ(sent.tongue, Tongue::French);
  EXPECT_TRUE(greeting::v1::Greeting::try_locate().ok());
}

TEST(ServiceTest, ServerDispatchesByIndex) {
  Greeter g;
  auto ok = g.TEST_Dispatch(0, FetchGreetingRequest{.tongue = Tongue::French}.SerializeAsString());
  FetchGreetingResponse resp;
  ASSERT_TRUE(resp.ParseFromString(ok.response));
  EXPECT_EQ(resp.greeting, "bonjour");
  EXPECT_EQ(g.TEST_Dispatch(0, "").error, static_cast<int>(GreetErr::UnknownLang));
  EXPECT_EQ(g.TEST_Dispatch(0, "\xff").error, 2);  // unmarshal failure
  EXPECT_EQ(g.TEST_Dispatch(9, "").error, 1);      // unknown method
  // No method has its own time limit: none are passed.
  EXPECT_TRUE(g.time_limits_ms().empty());
}

using ServiceErr = protosupport::v1::ServiceErr;
using codectest::v1::Everything;

class Kitchen : public codectest::v1::KitchenServer {
 public:
  parigot::Future<void, ServiceErr> Ping() override { return {}; }
  parigot::Future<Everything, ServiceErr> Fetch() override {
    parigot::Future<Everything, ServiceErr> f;
    f.value = Everything{.f_int32 = 5};
    return f;
  }
  parigot::Future<void, ServiceErr> Store(const Everything& e) override {
    stored = e;
    return {};
  }
  parigot::Future<Everything, ServiceErr> Echo(const Everything& e) override {
    parigot::Future<Everything, ServiceErr> f;
    f.value = e;
    return f;
  }
  Everything stored;
};

TEST(ServiceTest, EmptyMessagesAreElided) {
  codectest::v1::Kitchen k(parigot::internal::ServiceHandle{1});
  parigot::Future<void, ServiceErr> ping = k.Ping();
  (void)ping;
  EXPECT_EQ(parigot::internal::TEST_LastCall().method, 0u);
  EXPECT_EQ(parigot::internal::TEST_LastCall().bytes, "");
  k.Store(Everything{.f_string = "x"}, parigot::CallOptions{.deadline_ms = 5});
  EXPECT_EQ(parigot::internal::TEST_LastCall().method, 2u);

  Kitchen server;
  EXPECT_EQ(server.methods().size(), 4u);
  // Option protosupport.v1.time_limit_ms, per method in rpc order.
  EXPECT_EQ(server.time_limits_ms(), (std::vector<unsigned>{0, 0, 500, 4294967295u}));
  EXPECT_EQ(server.TEST_Dispatch(0, "").error, 0);
  Everything fetched;
  ASSERT_TRUE(fetched.ParseFromString(server.TEST_Dispatch(1, "").response));
  EXPECT_EQ(fetched.f_int32, 5);
  server.TEST_Dispatch(2, Everything{.f_string = "y"}.SerializeAsString());
  EXPECT_EQ(server.stored.f_string, "y");
}

// A service without the option error_id_name fails with ServiceErr, whose
// values are the ones the SDK fails calls with (1: DispatchError), whether
// its file imports protosupport.proto (Kitchen: the enum from the pool) or
// not (Bare: named by the generator). The kernel's KernelErr, once used here,
// would read 1 as LocateError.
static_assert(std::is_same_v<decltype(std::declval<codectest::v1::Kitchen>().Ping()),
                             parigot::Future<void, ServiceErr>>);
static_assert(std::is_same_v<decltype(std::declval<codectest::v1::Bare>().Ping()),
                             parigot::Future<void, ServiceErr>>);
static_assert(std::is_same_v<decltype(std::declval<codectest::v1::BareServer>().Echo(
                                 std::declval<const Everything&>())),
                             parigot::Future<Everything, ServiceErr>>);

class Bare : public codectest::v1::BareServer {
 public:
  parigot::Future<void, ServiceErr> Ping() override { return {}; }
  parigot::Future<Everything, ServiceErr> Echo(const Everything& e) override {
    parigot::Future<Everything, ServiceErr> f;
    f.value = e;
    return f;
  }
};

TEST(ServiceTest, WithoutAnErrorEnumTheSdksFailuresReadAsServiceErr) {
  Bare server;
  auto name = [](int error) {
    return parigot::wire::EnumNames<ServiceErr>::Name(static_cast<ServiceErr>(error));
  };
  EXPECT_EQ(name(server.TEST_Dispatch(9, "").error), "DispatchError");  // unknown method
  EXPECT_EQ(name(server.TEST_Dispatch(1, "\xff").error), "UnmarshalFailed");
  EXPECT_EQ(name(3), "MarshalFailed");
  EXPECT_EQ(server.TEST_Dispatch(0, "").error, 0);
}

}  // namespace
