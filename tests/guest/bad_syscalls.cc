// Calls every parigot system call (the list in syscalls.def, and exchange)
// with pointers outside linear memory and with bytes that are not a request,
// and checks that each answers the right error code (the host must be
// unharmed). Logs a summary and exits 0 when every check passed, 1
// otherwise.
#include <cstdint>
#include <string>

#include "parigot/exchange.h"
#include "parigot/parigot.h"

extern "C" {
#define PARIGOT_SYSCALL(name, Message)                                 \
  __attribute__((import_module("parigot"), import_name(#name))) int32_t \
      raw_##name(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL
__attribute__((import_module("parigot"), import_name("exchange"))) int32_t raw_exchange(
    uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);
}

namespace {

constexpr int32_t kUnmarshalFailed = 2;
constexpr int32_t kGuestReadFailed = 24;
constexpr int32_t kGuestWriteFailed = 25;
constexpr uint32_t kFar = 0xfffffff0u;  // beyond any guest memory

int checks = 0;
int failures = 0;

void Expect(const char* name, const char* what, int32_t got, int32_t want) {
  ++checks;
  if (got == want) return;
  ++failures;
  parigot::log::error(std::string(name) + " with " + what + ": got " +
                      std::to_string(got) + ", want " + std::to_string(want));
}

using Raw = int32_t (*)(uint32_t, uint32_t, uint32_t, uint32_t, uint32_t);

void Check(const char* name, Raw call) {
  static char response[256];
  static uint32_t length;
  // Not a protobuf message: field 1 with the invalid wire type 7, then an
  // over-long varint.
  static const char garbage[] = "\x0f\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
  auto ptr = [](const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); };

  Expect(name, "request pointer out of range",
         call(kFar, 64, ptr(response), sizeof response, ptr(&length)),
         kGuestReadFailed);
  Expect(name, "request length wrapping around",
         call(ptr(garbage), 0xffffffffu, ptr(response), sizeof response, ptr(&length)),
         kGuestReadFailed);
  Expect(name, "garbage request bytes",
         call(ptr(garbage), sizeof garbage - 1, ptr(response), sizeof response,
              ptr(&length)),
         kUnmarshalFailed);
}

}  // namespace

// Checks specific to exchange, whose request has its own layout.
void CheckExchange() {
  auto ptr = [](const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); };
  static char response[256];
  static uint32_t length;
  auto call = [&](const std::string& request, uint32_t resp_len_ptr) {
    return raw_exchange(ptr(request.data()), static_cast<uint32_t>(request.size()),
                        ptr(response), sizeof response, resp_len_ptr);
  };
  namespace ex = parigot::exchange;
  std::string request;
  ex::BeginRequest(request);
  ex::FinishRequest(request, {.timeout_ms = 0, .max_events = 0, .op_count = 0});
  Expect("exchange", "an empty request", call(request, ptr(&length)), 0);
  Expect("exchange", "response length pointer out of range", call(request, kFar),
         kGuestWriteFailed);

  std::string other_version = request;
  other_version[0] = 9;
  Expect("exchange", "another layout version", call(other_version, ptr(&length)),
         kUnmarshalFailed);

  // A dispatch whose param claims more bytes than the request holds.
  std::string overlong = request;
  ex::AppendOp(overlong, ex::DispatchOp{.param = "abc"});
  ex::FinishRequest(overlong, {.op_count = 1});
  overlong[ex::kRequestHeaderSize + 40] = 100;
  Expect("exchange", "a length past the end", call(overlong, ptr(&length)),
         kUnmarshalFailed);
}

int main() {
#define PARIGOT_SYSCALL(import_name, Message) Check(#import_name, &raw_##import_name);
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL
  Check("exchange", &raw_exchange);
  CheckExchange();

  // A well-formed request (an empty log line) whose response length pointer
  // is out of range: the write back must fail cleanly.
  static char response[16];
  Expect("log", "response length pointer out of range",
         raw_log(0, 0, static_cast<uint32_t>(reinterpret_cast<uintptr_t>(response)),
                 sizeof response, kFar),
         kGuestWriteFailed);

  parigot::log::info(std::to_string(checks) + " checks, " +
                     std::to_string(failures) + " failures");
  // The guest is still sound: it can launch and exit normally.
  parigot::Program app;
  app.launch().then([] { parigot::exit(failures == 0 ? 0 : 1); });
  return parigot::run();
}
