// Ingress: the HTTP ingress built-in (descriptor `Builtin = "http"`;
// docs/builtins.md). It is a guest of the kernel that requires the
// services its routes name and calls them, one call per HTTP request, as
// any guest calls another: handlers on this host or on others, with their
// deadlines, limits and restarts. Requests are answered independently of
// each other (each call has its own id; answers never cross), many at
// once, over keep-alive connections (host/builtin/http/server.h).
//
// At start it checks that each route's service has the route's method;
// one that has not ends the application with a message naming the route.
// An unknown route answers 404; a handler's failure 502, its deadline
// passing 504, the application overloaded 503 (host/builtin/http/answer.h).
//
// Thread safety: as Builtin. Its HTTP server runs on threads of its own,
// which make the calls; Serve's thread reads their answers.
#ifndef PARIGOT_HOST_BUILTIN_HTTP_INGRESS_H_
#define PARIGOT_HOST_BUILTIN_HTTP_INGRESS_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host/builtin/builtin.h"
#include "host/builtin/http/server.h"
#include "host/kernel/types.h"

namespace parigot::builtin::http {

// One route (deploy::HttpRoute, with the service's name split).
struct IngressRoute {
  std::string host;    // empty: any
  std::string prefix;  // begins with '/'
  kernel::ServiceName service;
  std::string method;
  // Where it was declared ("app.toml:14"), for messages.
  std::string origin;
};

struct IngressOptions {
  std::string listen;  // "address:port"
  std::vector<IngressRoute> routes;
  ServerLimits limits;
  int threads = 1;  // the HTTP server's
};

class Ingress : public Builtin {
 public:
  // `log` reports at error level what stops the ingress, at debug level
  // each request ("GET /x -> 200 in 0.4 ms") and each refused one.
  Ingress(IngressOptions options, std::function<void(kernel::LogLevel, std::string_view)> log)
      : options_(std::move(options)), log_(std::move(log)) {}

  int Serve(kernel::Kernel& kernel, GuestId guest) override;

 private:
  const IngressOptions options_;
  const std::function<void(kernel::LogLevel, std::string_view)> log_;
};

}  // namespace parigot::builtin::http

#endif  // PARIGOT_HOST_BUILTIN_HTTP_INGRESS_H_
