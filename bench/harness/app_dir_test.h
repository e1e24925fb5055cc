// For the benchmarks' tests: a gtest fixture with a temporary directory
// holding empty guest files, in which a generated descriptor is written and
// loaded by parigot's own loader, as `parigot run` would load it.
//
//   class MyTest : public AppDirTest {
//    protected:
//     MyTest() : AppDirTest({"a.wasm"}) {}
//   };
//   auto d = Load(Descriptor(wasm_dir()));
//
// Threads: one test at a time, as gtest runs them.
#ifndef PARIGOT_BENCH_HARNESS_APP_DIR_TEST_H_
#define PARIGOT_BENCH_HARNESS_APP_DIR_TEST_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "parigot/deploy/descriptor.h"

namespace parigot::bench {

class AppDirTest : public ::testing::Test {
 protected:
  explicit AppDirTest(std::vector<std::string> guests) : guests_(std::move(guests)) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bench_app_test_" + std::to_string(getpid()) + "_" +
            std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_ / "wasm");
    for (const std::string& guest : guests_) std::ofstream(dir_ / "wasm" / guest) << "";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string wasm_dir() const { return (dir_ / "wasm").string(); }

  // Writes `toml` and loads its only deployment.
  Result<deploy::DeploymentOptions> LoadToml(const std::string& toml) {
    const std::filesystem::path path = dir_ / "app.toml";
    std::ofstream(path) << toml;
    return deploy::LoadDeployment(path, "");
  }

  // The names of `services`, in order.
  static std::vector<std::string> Names(
      const std::vector<const deploy::MicroserviceOptions*>& services) {
    std::vector<std::string> names;
    for (const deploy::MicroserviceOptions* s : services) names.push_back(s->name);
    return names;
  }

  std::filesystem::path dir_;

 private:
  std::vector<std::string> guests_;
};

}  // namespace parigot::bench

#endif  // PARIGOT_BENCH_HARNESS_APP_DIR_TEST_H_
