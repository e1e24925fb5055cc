// Test helpers: each test runs in a fresh temporary directory (also the
// current directory, so messages name "app.toml"), with PARIGOT_DEPLOYMENT
// and PARIGOT_PATH unset.
#ifndef PARIGOT_HOST_DEPLOY_TEST_UTIL_H_
#define PARIGOT_HOST_DEPLOY_TEST_UTIL_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "parigot/deploy/descriptor.h"

namespace parigot::deploy::testing {

namespace fs = std::filesystem;

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_cwd_ = fs::current_path();
    std::string tmpl = (fs::temp_directory_path() / "deploy_test.XXXXXX");
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    fs::current_path(dir_);
    unsetenv(kDeploymentEnvVar);
    unsetenv(kWasmPathEnvVar);
  }
  void TearDown() override {
    fs::current_path(old_cwd_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
    unsetenv(kDeploymentEnvVar);
    unsetenv(kWasmPathEnvVar);
  }

  // Writes `content` to `relative` (under the temp dir), creating parents.
  fs::path Write(const fs::path& relative, std::string_view content) {
    fs::path p = dir_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
    return p;
  }
  // An (empty) wasm file.
  fs::path Touch(const fs::path& relative) { return Write(relative, ""); }

  // Writes app.toml and returns its relative name.
  fs::path Descriptor(std::string_view content) {
    Write("app.toml", content);
    return "app.toml";
  }

  fs::path dir_;

 private:
  fs::path old_cwd_;
};

// The message of a failed result ("" when it succeeded).
template <typename T>
std::string ErrorOf(const Result<T>& r) {
  return r.ok() ? "" : r.status().message();
}

}  // namespace parigot::deploy::testing

#endif  // PARIGOT_HOST_DEPLOY_TEST_UTIL_H_
