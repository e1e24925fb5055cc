// test.v1.Crasher: traps (unreachable) when Crash is called; Ping answers.
// Each instance logs when it is ready, so that tests see restarts.
#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {

class CrasherImpl : public test::v1::CrasherServer {
 public:
  parigot::Future<void, test::v1::TestErr> Crash() override {
    __builtin_trap();
  }
  parigot::Future<void, test::v1::TestErr> Ping() override {
    return parigot::Future<void, test::v1::TestErr>::Ready();
  }
  bool Ready() override {
    parigot::log::info("crasher ready");
    return true;
  }
};

}  // namespace

int main() {
  CrasherImpl crasher;
  parigot::Program app({}, {&crasher});
  app.launch();
  return parigot::run();
}
