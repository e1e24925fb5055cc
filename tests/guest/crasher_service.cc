// test.v1.Crasher: traps (unreachable) when Crash is called.
#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {

class CrasherImpl : public test::v1::CrasherServer {
 public:
  parigot::Future<void, test::v1::TestErr> Crash() override {
    __builtin_trap();
  }
};

}  // namespace

int main() {
  CrasherImpl crasher;
  parigot::Program app({}, {&crasher});
  app.launch();
  return parigot::run();
}
