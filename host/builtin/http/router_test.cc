#include "host/builtin/http/router.h"

#include <gtest/gtest.h>

namespace parigot::builtin::http {
namespace {

size_t TargetOf(const Router& router, std::string_view host, std::string_view path) {
  std::optional<Route> route = router.Match(host, path);
  return route ? route->target : 999;
}

TEST(RouterTest, PrefixesMatchAtSegmentBoundaries) {
  Router router({{"", "/api", 1}, {"", "/", 0}, {"", "/static/", 2}});
  EXPECT_EQ(TargetOf(router, "x", "/api"), 1u);
  EXPECT_EQ(TargetOf(router, "x", "/api/"), 1u);
  EXPECT_EQ(TargetOf(router, "x", "/api/items/7"), 1u);
  EXPECT_EQ(TargetOf(router, "x", "/apix"), 0u);
  EXPECT_EQ(TargetOf(router, "x", "/static/a.css"), 2u);
  EXPECT_EQ(TargetOf(router, "x", "/static"), 0u);
  EXPECT_EQ(TargetOf(router, "x", "/"), 0u);
}

TEST(RouterTest, NoRouteIsNullopt) {
  Router router({{"", "/api", 0}, {"shop.example", "/", 1}});
  EXPECT_FALSE(router.Match("other.example", "/").has_value());
  EXPECT_FALSE(router.Match("", "/apix").has_value());
}

TEST(RouterTest, ANamedHostWinsThenTheLongestPrefixThenTheFirstWritten) {
  Router router({{"", "/api/v1", 0},
                 {"Shop.Example", "/", 1},
                 {"shop.example", "/api", 2},
                 {"", "/api/v1", 3}});
  EXPECT_EQ(TargetOf(router, "shop.example:8080", "/api/v1/x"), 2u);
  EXPECT_EQ(TargetOf(router, "SHOP.example", "/other"), 1u);
  EXPECT_EQ(TargetOf(router, "elsewhere", "/api/v1/x"), 0u);
}

TEST(RouterTest, NormalHostDropsThePortAndCase) {
  EXPECT_EQ(Router::NormalHost("Example.COM:8080"), "example.com");
  EXPECT_EQ(Router::NormalHost("example.com"), "example.com");
  EXPECT_EQ(Router::NormalHost("[::1]:80"), "[::1]");
  EXPECT_EQ(Router::NormalHost("[::1]"), "[::1]");
  EXPECT_EQ(Router::NormalHost(""), "");
}

}  // namespace
}  // namespace parigot::builtin::http
