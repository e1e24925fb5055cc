// A guest's life: declare what it serves and needs, launch, run, exit.
//
//   int main() {
//     parigot::Program app({greeting::v1::Greeting::require});
//     app.launch().then([] {
//       auto greet = greeting::v1::Greeting::locate();
//       greet.FetchGreeting({.tongue = greeting::v1::Tongue::French})
//           .then([](const auto& r) {
//             parigot::log::info(r.greeting + " world");
//             parigot::exit(0);
//           })
//           .or_else([](greeting::v1::GreetErr) { parigot::exit(1); });
//     });
//     return parigot::run();
//   }
//
// A service passes its implementations as exports:
//
//   GreetingImpl impl;   // derives from greeting::v1::GreetingServer
//   parigot::Program app({}, {&impl});
//   app.launch();
//   return parigot::run();
//
// Everything here is loop-confined: a guest is single-threaded and never
// blocks; callbacks run inside parigot::run().
#ifndef PARIGOT_PROGRAM_H_
#define PARIGOT_PROGRAM_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "parigot/future.h"
#include "parigot/syscall/v1/syscall.parigot.h"

namespace parigot {

class Service;

// A protobuf service's name. Generated client classes provide one as
// `Client::require`.
struct ServiceName {
  std::string_view package;  // "greeting.v1"
  std::string_view service;  // "Greeting"
};

// The error type of parigot's own calls (launch, locate).
using KernelErr = syscall::v1::KernelErr;

class Program {
 public:
  // `requires_`: the services this guest will call (locate fails with
  // NotRequired for any other). `exports`: the service implementations this
  // guest serves; not owned, they must live until the guest exits.
  explicit Program(std::initializer_list<ServiceName> requires_ = {},
                   std::initializer_list<Service*> exports = {});
  // The same, for lists built at run time.
  Program(std::vector<ServiceName> requires_, std::vector<Service*> exports);
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  // Registers with the kernel, exports, requires, and launches. The future
  // completes once every required service runs (each exported service's
  // Ready() is called right after); it fails if start-up is impossible (a
  // dependency cycle, a service nobody exports, the start-up timeout), in
  // which case the application is already shutting down (the failure is
  // logged; a service need not look at the future at all). Call once.
  Future<void, KernelErr>& launch();

 private:
  std::vector<ServiceName> requires_;
  std::vector<Service*> exports_;
  std::optional<Future<void, KernelErr>> launched_;
};

// Runs the guest's event loop: serves incoming calls, completes futures of
// calls made, until the guest exits. Returns the exit code when nothing is
// left that could ever complete (no call pending, no service exported); a
// guest normally ends by calling exit() instead.
int run();

// Ends this guest with `code`. For a Main program that is the application's
// exit code. Does not return.
[[noreturn]] void exit(int code);

// Ends the whole application, every guest, with `code`. Does not return.
[[noreturn]] void exit_all(int code);

}  // namespace parigot

#endif  // PARIGOT_PROGRAM_H_
