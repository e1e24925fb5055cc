// The simple service, as the original parigot's httpsimple had it: a GET
// is answered 200 with a page naming the path; any other method 401; a
// path ending in /exit is answered and then ends the application.
#include "parigot/http/v1/http.parigot.h"
#include "parigot/parigot.h"
#include "simple/v1/simple.parigot.h"

namespace {

namespace http = parigot::http::v1;

class Simple : public simple::v1::SimpleServer {
 public:
  parigot::Future<http::Response, protosupport::v1::ServiceErr> Handle(
      const http::Request& request) override {
    using Reply = parigot::Future<http::Response, protosupport::v1::ServiceErr>;
    if (request.method != "GET") {
      return Reply::Ready({.status = 401,
                           .headers = {{.name = "Content-Type", .value = "text/plain"}},
                           .body = "401 only GET is allowed here, not " + request.method + "\n"});
    }
    if (request.path.ends_with("/exit")) {
      parigot::log::info("exit requested", {{"path", request.path}});
      // After the answer has gone: it is sent when this method returns.
      parigot::once(100, [] { parigot::exit_all(0); });
      return Reply::Ready({.status = 200, .body = "bye\n"});
    }
    ++served_;
    return Reply::Ready(
        {.status = 200,
         .headers = {{.name = "Content-Type", .value = "text/plain"}},
         .body = "hello from simple: " + request.method + " " + request.path +
                 (request.query.empty() ? "" : "?" + request.query) + " (request " +
                 std::to_string(served_) + ")\n"});
  }

 private:
  int served_ = 0;
};

}  // namespace

int main() {
  Simple simple;
  parigot::Program app({}, {&simple});
  app.launch();
  return parigot::run();
}
