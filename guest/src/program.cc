#include "parigot/program.h"

#include <cstdlib>

#include "guest/src/runtime.h"
#include "guest/src/syscall.h"
#include "parigot/log.h"

namespace parigot {

Program::Program(std::initializer_list<ServiceName> requires_,
                 std::initializer_list<Service*> exports)
    : requires_(requires_), exports_(exports) {}

Program::Program(std::vector<ServiceName> requires_, std::vector<Service*> exports)
    : requires_(std::move(requires_)), exports_(std::move(exports)) {}

Future<void, KernelErr>& Program::launch() {
  launched_.emplace(internal::Runtime::Get().Launch(requires_, exports_));
  return *launched_;
}

int run() { return internal::Runtime::Get().Run(); }

namespace {
[[noreturn]] void Exit(int code, bool all) {
  // Calls made and answers given before exit still leave.
  internal::Runtime::Get().Flush();
  syscall::v1::ExitResponse response;
  internal::SysExit({.code = code, .all = all}, &response);
  // The host unwinds the guest inside the exit call; reaching here means
  // the call itself failed, so leave the WASI way.
  std::_Exit(code);
}
}  // namespace

void exit(int code) { Exit(code, /*all=*/false); }
void exit_all(int code) { Exit(code, /*all=*/true); }

}  // namespace parigot
