// Router: which handler an HTTP request goes to, from the ingress's routes
// (descriptor `Route`, deploy::HttpRoute). A route matches a request when
// its host is empty or equal to the request's (compared without the port,
// case-insensitively) and its prefix is the path's at a segment boundary:
// "/api" matches "/api", "/api/" and "/api/x", never "/apix"; "/" matches
// every path. Of the routes that match, one naming the request's host wins
// over one for any host, then the longest prefix, then the first written.
//
// Thread safety: immutable after construction; Match may be called from
// any number of threads.
#ifndef PARIGOT_HOST_BUILTIN_HTTP_ROUTER_H_
#define PARIGOT_HOST_BUILTIN_HTTP_ROUTER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parigot::builtin::http {

struct Route {
  std::string host;    // lower case; empty: any
  std::string prefix;  // begins with '/'
  // What the route leads to, opaque to the router (an index into the
  // ingress's targets).
  size_t target = 0;
};

class Router {
 public:
  explicit Router(std::vector<Route> routes);

  // The route for `host` (a Host header, possibly with ":port") and `path`
  // (without the query), or nullopt (the ingress answers 404).
  std::optional<Route> Match(std::string_view host, std::string_view path) const;

  // `host` without its port, in lower case: "Example.com:8080" ->
  // "example.com", "[::1]:80" -> "[::1]".
  static std::string NormalHost(std::string_view host);

 private:
  std::vector<Route> routes_;  // in match order
};

}  // namespace parigot::builtin::http

#endif  // PARIGOT_HOST_BUILTIN_HTTP_ROUTER_H_
