// test.v1.Web: HTTP handlers that answer, fail, trap, spin, inject a
// header, answer late or end the application, for tests/e2e/http_check.py.
#include <charconv>
#include <cstdlib>
#include <string>

#include "parigot/http/v1/http.parigot.h"
#include "parigot/parigot.h"
#include "test/v1/web.parigot.h"

namespace {

namespace http = parigot::http::v1;
using test::v1::WebErr;
using Reply = parigot::Future<http::Response, WebErr>;

// The value of `key` in a query "a=1&b=2"; empty when absent.
std::string QueryValue(const std::string& query, std::string_view key) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string_view pair(query.data() + start, end - start);
    if (pair.starts_with(key) && pair.size() > key.size() && pair[key.size()] == '=') {
      return std::string(pair.substr(key.size() + 1));
    }
    start = end + 1;
  }
  return {};
}

class Web : public test::v1::WebServer {
 public:
  Reply Echo(const http::Request& request) override {
    http::Response response{.status = 200};
    std::string status = QueryValue(request.query, "status");
    if (!status.empty()) response.status = static_cast<uint32_t>(std::atoi(status.c_str()));
    std::string header = QueryValue(request.query, "header");
    if (size_t colon = header.find(':'); colon != std::string::npos) {
      response.headers.push_back({.name = header.substr(0, colon), .value = header.substr(colon + 1)});
    }
    std::string text = request.method + " " + request.path + " query=" + request.query +
                       " host=" + request.host + " prefix=" + request.route_prefix + " " +
                       request.version + " body=" + std::to_string(request.body.size());
    for (const http::Header& h : request.headers) {
      if (h.name.starts_with("x-test")) text += " " + h.name + "=" + h.value;
    }
    response.body = text + "\n";
    return Reply::Ready(std::move(response));
  }
  Reply Fail(const http::Request&) override { return Reply::Failed(WebErr::Refused); }
  Reply Trap(const http::Request&) override { __builtin_trap(); }
  Reply Spin(const http::Request&) override {
    volatile uint64_t spins = 0;
    for (;;) spins = spins + 1;
  }
  Reply Inject(const http::Request&) override {
    return Reply::Ready({.status = 200, .headers = {{.name = "X-A", .value = "1\r\nSet-Cookie: x"}}});
  }
  Reply Slow(const http::Request& request) override {
    int ms = std::atoi(request.query.c_str());
    parigot::Promise<http::Response, WebErr> promise;
    Reply reply = promise.future();
    std::string path = request.path;
    parigot::once(ms, [promise, path]() mutable {
      promise.Complete(http::Response{.status = 200, .body = "slow " + path + "\n"});
    });
    return reply;
  }
  Reply Exit(const http::Request&) override {
    parigot::once(100, [] { parigot::exit_all(0); });
    return Reply::Ready({.status = 200, .body = "bye\n"});
  }
};

}  // namespace

int main() {
  Web web;
  parigot::Program app({}, {&web});
  app.launch();
  return parigot::run();
}
