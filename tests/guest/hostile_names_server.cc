// hostile.v1.Outer (tests/codec/corpus/proto/hostile/v1/hostile.proto): a
// service whose methods are named like the members of the generated client
// and server classes, like the service itself and like the messages they
// carry, carrying messages whose fields are named like the generated code's
// locals. Each Tagged method answers "<method>:<name>:<tag>", ok when the
// tag is odd; Locals and Team send their request back.
#include <string>

#include "hostile/v1/hostile.parigot.h"
#include "parigot/parigot.h"

namespace {

using hostile::v1::Status;
using hostile::v1::Tagged;
using protosupport::v1::ServiceErr;
using Answer = parigot::Future<Status, ServiceErr>;

Answer Reply(std::string method, const Tagged& request) {
  return Answer::Ready(Status{.ok = request.tag % 2 == 1,
                              .detail = method + ":" + request.name + ":" +
                                        std::to_string(request.tag)});
}

// The server base is OuterServer_: the package has a message OuterServer.
class OuterImpl : public hostile::v1::OuterServer_ {
 public:
  Answer Outer_(const Tagged& request) override { return Reply("Outer", request); }
  Answer locate_(const Tagged& request) override { return Reply("locate", request); }
  Answer require_(const Tagged& request) override { return Reply("require", request); }
  Answer try_locate_(const Tagged& request) override { return Reply("try_locate", request); }
  Answer Ready_(const Tagged& request) override { return Reply("Ready", request); }
  Answer Dispatch_(const Tagged& request) override { return Reply("Dispatch", request); }
  Answer handle__(const Tagged& request) override { return Reply("handle_", request); }
  Answer kMethods_(const Tagged& request) override { return Reply("kMethods", request); }
  Answer delete_(const Tagged& request) override { return Reply("delete", request); }
  Answer OuterServer(const Tagged& request) override { return Reply("OuterServer", request); }
  Answer request(const Tagged& request) override { return Reply("request", request); }
  Answer options(const Tagged& request) override { return Reply("options", request); }
  Answer r(const Tagged& request) override { return Reply("r", request); }
  parigot::Future<hostile::v1::Locals, ServiceErr> Locals(
      const hostile::v1::Locals& request) override {
    return parigot::Future<hostile::v1::Locals, ServiceErr>::Ready(request);
  }
  parigot::Future<hostile::v1::Team, ServiceErr> Team(const hostile::v1::Team& request) override {
    return parigot::Future<hostile::v1::Team, ServiceErr>::Ready(request);
  }
};

}  // namespace

int main() {
  OuterImpl outer;
  parigot::Program app({}, {&outer});
  app.launch();
  return parigot::run();
}
