// Exports test.v1.CycleB and requires test.v1.CycleA (see cycle_a.cc).
#include "parigot/parigot.h"
#include "test/v1/test.parigot.h"

namespace {
class CycleBImpl : public test::v1::CycleBServer {
 public:
  parigot::Future<void, test::v1::TestErr> Ping() override {
    return parigot::Future<void, test::v1::TestErr>::Ready();
  }
};
}  // namespace

int main() {
  CycleBImpl impl;
  parigot::Program app({test::v1::CycleA::require}, {&impl});
  app.launch();
  return parigot::run();
}
