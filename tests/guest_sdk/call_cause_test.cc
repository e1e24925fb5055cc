#include "parigot/call_cause.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string_view>

#include "parigot/syscall/v1/syscall.pb.h"

namespace parigot {
namespace {

namespace sc = syscall::v1;

// Shaped like the guest's generated enum: scoped, the same names.
enum class GuestKernelErr : int32_t {
  NoError = 0, LocateError = 1, IdDispatch = 3, NotFound = 5, NetworkFailed = 12,
  AbortRequest = 20, NotRequired = 28, CallTimeout = 35, ServiceDied = 36,
  CallCancelled = 39, ServiceKilled = 40, ServiceTrapped = 41, ServiceRestarting = 42,
  MessageTooLarge = 43, Overloaded = 44, BadState = 37,
};

TEST(CallCauseTest, BothSpellingsOfKernelErrMapAlike) {
  EXPECT_EQ(CallCauseOf(sc::CallTimeout), CallCause::kDeadlineExceeded);
  EXPECT_EQ(CallCauseOf(GuestKernelErr::CallTimeout), CallCause::kDeadlineExceeded);
  EXPECT_EQ(CallCauseOf(sc::ServiceKilled), CallCause::kCalleeKilled);
  EXPECT_EQ(CallCauseOf(GuestKernelErr::ServiceKilled), CallCause::kCalleeKilled);
  EXPECT_EQ(CallCauseOf(GuestKernelErr::BadState), CallCause::kInternal);
  // The numbers the guest's enum is written with are the proto's.
  EXPECT_EQ(static_cast<int>(GuestKernelErr::MessageTooLarge), sc::MessageTooLarge);
  EXPECT_EQ(static_cast<int>(GuestKernelErr::ServiceRestarting), sc::ServiceRestarting);
}

TEST(CallCauseTest, EachCallFailureHasItsOwnCauseAndStatus) {
  struct Row {
    sc::KernelErr error;
    CallCause cause;
    StatusCode code;
  };
  for (Row row : {Row{sc::CallTimeout, CallCause::kDeadlineExceeded, StatusCode::kDeadlineExceeded},
                  Row{sc::CallCancelled, CallCause::kCancelled, StatusCode::kCancelled},
                  Row{sc::ServiceKilled, CallCause::kCalleeKilled, StatusCode::kInternal},
                  Row{sc::ServiceTrapped, CallCause::kCalleeTrapped, StatusCode::kInternal},
                  Row{sc::ServiceDied, CallCause::kCalleeEnded, StatusCode::kUnavailable},
                  Row{sc::ServiceRestarting, CallCause::kCalleeRestarting,
                      StatusCode::kUnavailable},
                  Row{sc::NotFound, CallCause::kNotFound, StatusCode::kUnimplemented},
                  Row{sc::IdDispatch, CallCause::kNotFound, StatusCode::kUnimplemented},
                  Row{sc::NetworkFailed, CallCause::kNetworkFailed, StatusCode::kUnavailable},
                  Row{sc::MessageTooLarge, CallCause::kMessageTooLarge,
                      StatusCode::kResourceExhausted},
                  Row{sc::Overloaded, CallCause::kOverloaded, StatusCode::kResourceExhausted},
                  Row{sc::AbortRequest, CallCause::kShuttingDown, StatusCode::kUnavailable},
                  Row{sc::GuestReadFailed, CallCause::kInternal, StatusCode::kInternal}}) {
    SCOPED_TRACE(sc::KernelErr_Name(row.error));
    EXPECT_EQ(CallCauseOf(row.error), row.cause);
    EXPECT_EQ(StatusCodeFor(row.cause), row.code);
  }
  EXPECT_EQ(CallCauseOf(sc::NoError), CallCause::kNone);
  EXPECT_EQ(StatusCodeFor(CallCause::kNone), StatusCode::kOk);
}

TEST(CallCauseTest, EveryCauseHasADistinctName) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(CallCause::kInternal); ++i) {
    names.insert(CallCauseName(static_cast<CallCause>(i)));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(CallCause::kInternal) + 1);
  EXPECT_EQ(CallCauseName(CallCause::kCalleeKilled), "callee killed");
}

}  // namespace
}  // namespace parigot
