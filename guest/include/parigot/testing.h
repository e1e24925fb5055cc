// Tests written inside a Test program, run and reported by `parigot test`
// (docs/guests.md, "Testing").
//
//   #include "parigot/testing.h"
//
//   PARIGOT_TEST(Math, Adds) {
//     EXPECT_EQ(1 + 1, 2);
//   }
//
//   // An asynchronous test returns a future; the test ends when it
//   // completes (failing if it fails), or fails when it times out.
//   PARIGOT_ASYNC_TEST(Greeting, SaysBonjour) {
//     auto greet = greeting::v1::Greeting::locate();
//     return greet.FetchGreeting({.tongue = greeting::v1::Tongue::French})
//         .then([](const greeting::v1::FetchGreetingResponse& r) {
//           EXPECT_EQ(r.greeting, "bonjour");
//         });
//   }
//
//   int main() {
//     return parigot::testing::RunAll({greeting::v1::Greeting::require});
//   }
//
// Registration. PARIGOT_TEST(Suite, Name) and PARIGOT_ASYNC_TEST(Suite,
// Name[, FutureType]) register a test when the program starts (static
// registration: tests are found without being listed). Suite and Name are
// C++ identifiers; Suite.Name must be unique in the program. RunAll runs the
// tests one after another, each once the previous one has ended, ordered by
// source file name and then by line: a file's tests run in the order they
// are written, and the order never depends on the linker.
//
// Asynchronous tests. The body of PARIGOT_ASYNC_TEST returns a future: by
// default `parigot::testing::Async` (a Future<void, Failure>); with a third
// argument, that future type, any `parigot::Future<T, E>`:
//
//   PARIGOT_ASYNC_TEST(Greeting, Unknown, parigot::Future<void, GreetErr>) {...}
//
// The test ends when the future completes; a failed future fails the test
// with its error's value (and name, for generated enums) and its
// CallCause. Because the return type is written out, the body may be a
// coroutine (parigot/coroutine.h): `co_await` a call or a sleep to get its
// Outcome, check it, and end with the body or `co_return;`:
//
//   PARIGOT_ASYNC_TEST(Greeting, SaysBonjourAfterAWhile) {
//     auto greet = greeting::v1::Greeting::locate();
//     auto reply = co_await greet.FetchGreeting({.tongue = Tongue::French});
//     CO_ASSERT_OK(reply);                 // ends the test if it failed
//     EXPECT_EQ(reply->greeting, "bonjour");
//     co_await parigot::sleep(10);
//   }
//
// In a coroutine, ASSERT_* cannot return: use CO_ASSERT_*, which co_return.
// They need a body whose future is a Future<void, E> (testing::Async is),
// as co_return without a value does. To fail the test with an error of
// your own, `co_await parigot::fail(error);` (a Future<void, E> body) or
// `co_return parigot::fail(error);` (a Future<T, E> body).
//
// Checks. EXPECT_* records a failure and the test goes on; ASSERT_* records
// it and ends the test at once: it returns from the function it is written
// in (the test body, or the then() callback it is in: a callback cannot end
// its test otherwise) and RunAll moves on. CO_ASSERT_* does the same with
// co_return, for coroutine bodies returning a Future<void, E>. Each takes
// `<< extra` for context: `EXPECT_EQ(a, b) << "for key " << key;`.
//
//   EQ NE LT LE GT GE   (a, b)      a == b, ...; both values are printed
//   TRUE FALSE          (condition)
//   OK                  (future)    completed and succeeded
//   ERR                 (future, e) completed and failed with the error e
// OK and ERR also take the Outcome that co_await gives (always completed).
//
// A failure names file:line, the expression and the values, e.g.
//   greet_test.cc:20: expected r.greeting == "hallo", but r.greeting is "bonjour"
// (a value whose expression is the literal it prints is not repeated).
// Values print through parigot::testing::Printer<T>: integers, floating
// point, bool, strings, char, nullptr, pointers, enums (the integer, and
// the proto name for generated enums), std::optional, std::vector, and
// "<message>" for generated messages; specialize Printer<T> for your own
// types (a `static std::string Print(const T&)`).
//
// Why two sets of names. The checks are defined as PARIGOT_EXPECT_EQ,
// PARIGOT_ASSERT_EQ, PARIGOT_CO_ASSERT_EQ, ...; the short names
// (EXPECT_EQ, ...) are aliases, as in GoogleTest, because they are what a
// test reader expects. A file that also includes GoogleTest (native code
// only; guests cannot link it) defines PARIGOT_TESTING_NO_SHORT_NAMES
// before including this header and uses the long names; a short name that
// is already defined is never redefined.
//
// Time limits. Each test must end within its timeout, 5000 ms unless
// set_timeout(ms) is called in its body: past it, it fails with "timed
// out after N ms" and the next test starts (a synchronous body that never
// returns cannot be stopped: the Test program's time limit applies).
//
// Fakes. A test may serve a service of its own instead of the real one:
//   FakeGreeting& fake = parigot::testing::install_fake<FakeGreeting>();
// where FakeGreeting derives from the generated greeting::v1::GreetingServer.
// Until the test ends, calls this program makes through greeting::v1::
// Greeting go to the fake, inside this guest, never to the kernel: the
// request is encoded, decoded and dispatched to the fake on a later turn of
// the event loop, and the answer delivered on a turn after that, as a real
// call is (a call naming a deadline in CallOptions fails past it). The
// service need not be required by RunAll, nor exported by anyone.
//
// Thread safety: loop-confined, like the rest of the SDK.
#ifndef PARIGOT_TESTING_H_
#define PARIGOT_TESTING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parigot/coroutine.h"
#include "parigot/future.h"
#include "parigot/program.h"
#include "parigot/service.h"
#include "parigot/testing_print.h"

namespace parigot::testing {

// Why an asynchronous test's future failed, already printed.
struct Failure {
  std::string message;
};

// The default future of PARIGOT_ASYNC_TEST.
using Async = Future<void, Failure>;

// Runs every registered test (unless `parigot test --filter` leaves it
// out) in a Program with `requires_` and `exports` (see Program: exports
// are fakes served through the kernel, for the application's services to
// call), reports each to `parigot test`, and ends the program: exit code
// 0 if none failed, 1 otherwise (also if launch fails). Call it from main:
// `int main() { return parigot::testing::RunAll({...}); }`. It returns
// only if it could not run at all (called twice: returns 1).
// Run outside `parigot test` (as a Main program, say), the results are
// logged instead of reported.
int RunAll(std::initializer_list<ServiceName> requires_ = {},
           std::initializer_list<Service*> exports = {});
int RunAll(std::vector<ServiceName> requires_, std::vector<Service*> exports);

// The running test's timeout in milliseconds, counted from its start.
// Call it in the body; REQUIRES: a test is running.
void set_timeout(uint32_t ms);

// The default timeout of a test (set_timeout).
inline constexpr uint32_t kDefaultTimeoutMs = 5000;

// Installs `fake` for the running test (see the header comment); it is
// removed when the test ends. Not owned: it must outlive the test.
// REQUIRES: a test is running.
void install_fake(Service& fake);

// The same with a fake made here, owned by the test and destroyed when it
// ends; returns it, to configure or inspect.
template <typename Fake, typename... Args>
Fake& install_fake(Args&&... args);

// Whether the running test has recorded a failure so far.
bool has_failure();

namespace internal {

// What a check found: ok, or the failure's text.
struct CheckResult {
  bool ok = true;
  std::string message;
};

// Extra text streamed after a check (`EXPECT_EQ(a, b) << "why"`).
class Message {
 public:
  template <typename T>
  Message& operator<<(const T& value) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>) {
      text_ += std::string_view(value);
    } else {
      text_ += Printer<T>::Print(value);
    }
    return *this;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// Records a failed check (the check's text, then `message`'s) when
// assigned a Message; `fatal` also ends the running test. operator=
// returns void, so that ASSERT_* can `return` it and CO_ASSERT_*
// `co_return` it.
class Reporter {
 public:
  Reporter(const char* file, int line, std::string text, bool fatal)
      : file_(file), line_(line), text_(std::move(text)), fatal_(fatal) {}
  void operator=(const Message& message);

 private:
  const char* file_;
  int line_;
  std::string text_;
  bool fatal_;
};

void Skip(std::string reason);

// Registers a test; returns true (for a static initializer).
// `start` runs the body: for a synchronous test the test ends when it
// returns; an asynchronous one calls AwaitBody.
bool Register(const char* suite, const char* name, const char* file, int line,
              void (*start)(), bool async);

// The running test ends when `future` completes; its failure fails it.
template <typename T, typename E>
void AwaitBody(Future<T, E> future);

// Ends the running asynchronous test started with `generation`: failed with
// `failure` if not empty.
void EndAsync(uint64_t generation, std::string failure);
uint64_t CurrentGeneration();

void OwnFake(std::unique_ptr<Service> fake);

// The checks. `a_text`, `b_text`: the expressions as written.
template <typename A, typename B, typename Op>
CheckResult Compare(const char* op, const char* a_text, const char* b_text, const A& a,
                    const B& b, Op holds) {
  if (holds(a, b)) return {};
  return {false, "expected " + std::string(a_text) + " " + op + " " + b_text + ", but " +
                     Values(a_text, Printer<A>::Print(a), b_text, Printer<B>::Print(b))};
}

CheckResult Truth(const char* text, bool value, bool expected);

template <typename T, typename E>
CheckResult Succeeded(const char* text, const Outcome<T, E>& outcome) {
  if (outcome.ok()) return {};
  return {false, "expected " + std::string(text) + " to have succeeded, but it failed with " +
                     Printer<E>::Print(outcome.error()) + CauseText(outcome.cause())};
}

template <typename T, typename E>
CheckResult Succeeded(const char* text, const Future<T, E>& future) {
  if (!future.is_completed()) return {false, "expected " + std::string(text) +
                                                 " to have succeeded, but it is still pending"};
  return Succeeded(text, Outcome<T, E>(future));
}

template <typename T, typename E, typename Want>
CheckResult FailedWith(const char* text, const char* want_text, const Outcome<T, E>& outcome,
                       const Want& want) {
  std::string expected = "expected " + std::string(text) + " to have failed with " + want_text;
  if (outcome.ok()) return {false, expected + ", but it succeeded"};
  if (outcome.error() == want) return {};
  return {false, expected + " (" + Printer<Want>::Print(want) + "), but it failed with " +
                     Printer<E>::Print(outcome.error()) + CauseText(outcome.cause())};
}

template <typename T, typename E, typename Want>
CheckResult FailedWith(const char* text, const char* want_text, const Future<T, E>& future,
                       const Want& want) {
  if (!future.is_completed()) {
    return {false, "expected " + std::string(text) + " to have failed with " + want_text +
                       ", but it is still pending"};
  }
  return FailedWith(text, want_text, Outcome<T, E>(future), want);
}

}  // namespace internal

// ---------------------------------------------------------------------------
// Implementation.

template <typename Fake, typename... Args>
Fake& install_fake(Args&&... args) {
  auto fake = std::make_unique<Fake>(std::forward<Args>(args)...);
  Fake& result = *fake;
  install_fake(result);
  internal::OwnFake(std::move(fake));
  return result;
}

template <typename T, typename E>
void internal::AwaitBody(Future<T, E> future) {
  uint64_t generation = CurrentGeneration();
  future.on_complete([future, generation] {
    if (!future.is_failure()) return EndAsync(generation, {});
    if constexpr (std::is_same_v<E, Failure>) {
      EndAsync(generation, future.error().message);
    } else {
      EndAsync(generation, "the test's future failed with " + Printer<E>::Print(future.error()) +
                               CauseText(future.cause()));
    }
  });
}

}  // namespace parigot::testing

// --- Registration -----------------------------------------------------------

#define PARIGOT_INTERNAL_TEST_FN(Suite, Name) ParigotTest_##Suite##_##Name
// The body's future type: the optional argument, else testing::Async.
#define PARIGOT_INTERNAL_ASYNC_TYPE_ ::parigot::testing::Async
#define PARIGOT_INTERNAL_ASYNC_TYPE_GIVEN
#define PARIGOT_INTERNAL_FUTURE_TYPE(...) \
  __VA_ARGS__ PARIGOT_INTERNAL_ASYNC_TYPE_##__VA_OPT__(GIVEN)

#define PARIGOT_TEST(Suite, Name)                                                   \
  static void PARIGOT_INTERNAL_TEST_FN(Suite, Name)();                              \
  [[maybe_unused]] static const bool ParigotRegistered_##Suite##_##Name =           \
      ::parigot::testing::internal::Register(#Suite, #Name, __FILE__, __LINE__,     \
                                             &PARIGOT_INTERNAL_TEST_FN(Suite, Name), \
                                             false);                                \
  static void PARIGOT_INTERNAL_TEST_FN(Suite, Name)()

#define PARIGOT_ASYNC_TEST(Suite, Name, ...)                                                \
  static PARIGOT_INTERNAL_FUTURE_TYPE(__VA_ARGS__) PARIGOT_INTERNAL_TEST_FN(Suite, Name)(); \
  [[maybe_unused]] static const bool ParigotRegistered_##Suite##_##Name =                   \
      ::parigot::testing::internal::Register(                                               \
          #Suite, #Name, __FILE__, __LINE__,                                                \
          [] {                                                                              \
            ::parigot::testing::internal::AwaitBody(PARIGOT_INTERNAL_TEST_FN(Suite, Name)()); \
          },                                                                                \
          true);                                                                            \
  static PARIGOT_INTERNAL_FUTURE_TYPE(__VA_ARGS__) PARIGOT_INTERNAL_TEST_FN(Suite, Name)()

// --- Checks -------------------------------------------------------------------

// `switch` guards against a dangling else in `if (x) EXPECT_TRUE(y); else ...`.
#define PARIGOT_INTERNAL_CHECK(check, fatal, ending)                                     \
  switch (0)                                                                             \
  case 0:                                                                                \
  default:                                                                               \
    if (::parigot::testing::internal::CheckResult parigot_check_ = (check); parigot_check_.ok) \
      ;                                                                                  \
    else                                                                                 \
      ending ::parigot::testing::internal::Reporter(__FILE__, __LINE__,                  \
                                                    std::move(parigot_check_.message), fatal) = \
          ::parigot::testing::internal::Message()

#define PARIGOT_INTERNAL_CMP(op, fn, a, b)                                       \
  ::parigot::testing::internal::Compare(#op, #a, #b, (a), (b),                   \
                                        [](const auto& x, const auto& y) -> bool { \
                                          return x op y;                         \
                                        })

#define PARIGOT_INTERNAL_EXPECT(check) PARIGOT_INTERNAL_CHECK(check, false, )
#define PARIGOT_INTERNAL_ASSERT(check) PARIGOT_INTERNAL_CHECK(check, true, return)
#define PARIGOT_INTERNAL_CO_ASSERT(check) PARIGOT_INTERNAL_CHECK(check, true, co_return)

#define PARIGOT_INTERNAL_EQ(a, b) PARIGOT_INTERNAL_CMP(==, eq, a, b)
#define PARIGOT_INTERNAL_NE(a, b) PARIGOT_INTERNAL_CMP(!=, ne, a, b)
#define PARIGOT_INTERNAL_LT(a, b) PARIGOT_INTERNAL_CMP(<, lt, a, b)
#define PARIGOT_INTERNAL_LE(a, b) PARIGOT_INTERNAL_CMP(<=, le, a, b)
#define PARIGOT_INTERNAL_GT(a, b) PARIGOT_INTERNAL_CMP(>, gt, a, b)
#define PARIGOT_INTERNAL_GE(a, b) PARIGOT_INTERNAL_CMP(>=, ge, a, b)
#define PARIGOT_INTERNAL_TRUE(c) \
  ::parigot::testing::internal::Truth(#c, static_cast<bool>(c), true)
#define PARIGOT_INTERNAL_FALSE(c) \
  ::parigot::testing::internal::Truth(#c, static_cast<bool>(c), false)
#define PARIGOT_INTERNAL_OK(f) ::parigot::testing::internal::Succeeded(#f, (f))
#define PARIGOT_INTERNAL_ERR(f, e) ::parigot::testing::internal::FailedWith(#f, #e, (f), (e))

#define PARIGOT_EXPECT_EQ(a, b) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_EQ(a, b))
#define PARIGOT_EXPECT_NE(a, b) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_NE(a, b))
#define PARIGOT_EXPECT_LT(a, b) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_LT(a, b))
#define PARIGOT_EXPECT_LE(a, b) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_LE(a, b))
#define PARIGOT_EXPECT_GT(a, b) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_GT(a, b))
#define PARIGOT_EXPECT_GE(a, b) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_GE(a, b))
#define PARIGOT_EXPECT_TRUE(c) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_TRUE(c))
#define PARIGOT_EXPECT_FALSE(c) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_FALSE(c))
#define PARIGOT_EXPECT_OK(f) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_OK(f))
#define PARIGOT_EXPECT_ERR(f, e) PARIGOT_INTERNAL_EXPECT(PARIGOT_INTERNAL_ERR(f, e))

#define PARIGOT_ASSERT_EQ(a, b) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_EQ(a, b))
#define PARIGOT_ASSERT_NE(a, b) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_NE(a, b))
#define PARIGOT_ASSERT_LT(a, b) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_LT(a, b))
#define PARIGOT_ASSERT_LE(a, b) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_LE(a, b))
#define PARIGOT_ASSERT_GT(a, b) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_GT(a, b))
#define PARIGOT_ASSERT_GE(a, b) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_GE(a, b))
#define PARIGOT_ASSERT_TRUE(c) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_TRUE(c))
#define PARIGOT_ASSERT_FALSE(c) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_FALSE(c))
#define PARIGOT_ASSERT_OK(f) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_OK(f))
#define PARIGOT_ASSERT_ERR(f, e) PARIGOT_INTERNAL_ASSERT(PARIGOT_INTERNAL_ERR(f, e))

#define PARIGOT_CO_ASSERT_EQ(a, b) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_EQ(a, b))
#define PARIGOT_CO_ASSERT_NE(a, b) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_NE(a, b))
#define PARIGOT_CO_ASSERT_LT(a, b) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_LT(a, b))
#define PARIGOT_CO_ASSERT_LE(a, b) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_LE(a, b))
#define PARIGOT_CO_ASSERT_GT(a, b) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_GT(a, b))
#define PARIGOT_CO_ASSERT_GE(a, b) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_GE(a, b))
#define PARIGOT_CO_ASSERT_TRUE(c) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_TRUE(c))
#define PARIGOT_CO_ASSERT_FALSE(c) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_FALSE(c))
#define PARIGOT_CO_ASSERT_OK(f) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_OK(f))
#define PARIGOT_CO_ASSERT_ERR(f, e) PARIGOT_INTERNAL_CO_ASSERT(PARIGOT_INTERNAL_ERR(f, e))

// Ends the running test as skipped (`return` / `co_return`), with a reason.
#define PARIGOT_SKIP(reason) return ::parigot::testing::internal::Skip(reason)
#define PARIGOT_CO_SKIP(reason) co_return ::parigot::testing::internal::Skip(reason)

#if !defined(PARIGOT_TESTING_NO_SHORT_NAMES)
#include "parigot/testing_short_names.h"
#endif

#endif  // PARIGOT_TESTING_H_
