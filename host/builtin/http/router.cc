#include "host/builtin/http/router.h"

#include <algorithm>
#include <cctype>
#include <utility>

namespace parigot::builtin::http {
namespace {

bool PrefixMatches(std::string_view prefix, std::string_view path) {
  if (!path.starts_with(prefix)) return false;
  // "/" and "/api/" end at a boundary already; "/api" needs one next.
  return prefix.ends_with('/') || path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (Route& route : routes_) route.host = NormalHost(route.host);
  // Match takes the first that matches, so the order is the precedence:
  // a named host first, then the longer prefix, then the order written.
  std::vector<size_t> written(routes_.size());
  for (size_t i = 0; i < written.size(); ++i) written[i] = i;
  std::sort(written.begin(), written.end(), [this](size_t a, size_t b) {
    const Route& x = routes_[a];
    const Route& y = routes_[b];
    if (x.host.empty() != y.host.empty()) return !x.host.empty();
    if (x.prefix.size() != y.prefix.size()) return x.prefix.size() > y.prefix.size();
    return a < b;
  });
  std::vector<Route> ordered;
  ordered.reserve(routes_.size());
  for (size_t i : written) ordered.push_back(std::move(routes_[i]));
  routes_ = std::move(ordered);
}

std::optional<Route> Router::Match(std::string_view host, std::string_view path) const {
  const std::string normal = NormalHost(host);
  for (const Route& route : routes_) {
    if (!route.host.empty() && route.host != normal) continue;
    if (PrefixMatches(route.prefix, path)) return route;
  }
  return std::nullopt;
}

std::string Router::NormalHost(std::string_view host) {
  size_t end = host.size();
  if (host.starts_with('[')) {
    // An IPv6 literal: the port, if any, follows the ']'.
    size_t close = host.find(']');
    if (close != std::string_view::npos) end = close + 1;
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    end = colon;
  }
  std::string out(host.substr(0, end));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace parigot::builtin::http
