#include "host/scaffold/scaffold.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace parigot::scaffold {
namespace {

namespace fs = std::filesystem;

class ScaffoldTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("scaffold-test-" + std::to_string(getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string Read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  fs::path root_;
};

TEST_F(ScaffoldTest, WritesACompleteApplication) {
  auto written = Scaffold({.dir = root_ / "shop", .service = "Cart", .package = "shop.store.v1"});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  std::vector<fs::path> expected = {"CMakeLists.txt", "CMakePresets.json",
                                    "proto/shop/store/v1/cart.proto", "cart/main.cc",
                                    "main/main.cc", "test/main.cc", "shop.toml",
                                    "shop-net.toml", "README.md"};
  EXPECT_EQ(written->files, expected);
  EXPECT_EQ(written->descriptor, fs::path("shop.toml"));
  for (const fs::path& p : expected) {
    std::string text = Read(root_ / "shop" / p);
    EXPECT_FALSE(text.empty()) << p;
    EXPECT_EQ(text.find('@'), std::string::npos) << p << " keeps a placeholder";
  }
  EXPECT_NE(Read(root_ / "shop/proto/shop/store/v1/cart.proto").find("package shop.store.v1;"),
            std::string::npos);
  EXPECT_NE(Read(root_ / "shop/cart/main.cc").find("shop::store::v1::CartServer"),
            std::string::npos);
  EXPECT_NE(Read(root_ / "shop/CMakeLists.txt").find("project(shop "), std::string::npos);
}

TEST_F(ScaffoldTest, NamesDefaultFromTheDirectory) {
  auto written = Scaffold({.dir = root_ / "my-app"});
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_TRUE(fs::exists(root_ / "my-app/proto/my_app/v1/greeter.proto"));
  EXPECT_TRUE(fs::exists(root_ / "my-app/my-app.toml"));
}

TEST_F(ScaffoldTest, NeverOverwrites) {
  fs::create_directories(root_ / "app");
  std::ofstream(root_ / "app/README.md") << "mine\n";
  auto written = Scaffold({.dir = root_ / "app"});
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(written.status().message().find("README.md"), std::string::npos);
  EXPECT_EQ(Read(root_ / "app/README.md"), "mine\n");
  EXPECT_FALSE(fs::exists(root_ / "app/CMakeLists.txt"));  // nothing written
}

TEST_F(ScaffoldTest, RefusesBadNames) {
  struct Case {
    ScaffoldOptions options;
    std::string says;
  };
  std::vector<Case> cases = {
      {{.dir = root_ / "a", .app = "1app"}, "application name"},
      {{.dir = root_ / "a", .service = "greeter"}, "service name"},
      {{.dir = root_ / "a", .service = "Greet-er"}, "service name"},
      {{.dir = root_ / "a", .package = "Shop.v1"}, "package"},
      {{.dir = root_ / "a", .package = "shop..v1"}, "package"},
      {{.dir = root_ / "a", .package = "shop.v1."}, "package"},
  };
  for (const Case& c : cases) {
    auto written = Scaffold(c.options);
    ASSERT_FALSE(written.ok());
    EXPECT_EQ(written.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(written.status().message().find(c.says), std::string::npos)
        << written.status().message();
  }
  EXPECT_FALSE(fs::exists(root_ / "a"));
}

}  // namespace
}  // namespace parigot::scaffold
