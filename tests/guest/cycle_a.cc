// Exports test.v1.CycleA and requires test.v1.CycleB (see cycle_b.cc).
#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {
class CycleAImpl : public test::v1::CycleAServer {
 public:
  parigot::Future<void, test::v1::TestErr> Ping() override {
    return parigot::Future<void, test::v1::TestErr>::Ready();
  }
};
}  // namespace

int main() {
  CycleAImpl impl;
  parigot::Program app({test::v1::CycleB::require}, {&impl});
  app.launch();
  return parigot::run();
}
