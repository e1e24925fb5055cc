// The whole chain from a guest's .proto files to the host's catalog: the
// guest build embeds the descriptors in the .wasm (cmake/ParigotGuest.cmake),
// the host finds them (host/engine/custom_sections.h) and merges them
// (service_catalog.h). Reads the guests the build put in PARIGOT_WASM_DIR.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "host/engine/custom_sections.h"
#include "host/net/service_catalog.h"

namespace parigot::net {
namespace {

std::vector<uint8_t> ReadGuest(const std::string& name) {
  const std::string path = std::string(PARIGOT_WASM_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(GuestDescriptorsTest, GuestsWithProtosCarryTheirServices) {
  ServiceCatalog catalog;
  for (const char* guest : {"greet.wasm", "hello.wasm", "test_echo.wasm"}) {
    SCOPED_TRACE(guest);
    std::vector<uint8_t> wasm = ReadGuest(guest);
    Result<std::vector<std::span<const uint8_t>>> sections =
        engine::FindCustomSections(wasm, engine::kDescriptorsSection);
    ASSERT_TRUE(sections.ok()) << sections.status().ToString();
    ASSERT_EQ(sections->size(), 1u);
    ASSERT_EQ(catalog.Add(sections->front(), guest), Status::Ok());
  }
  EXPECT_NE(catalog.FindService("greeting.v1.Greeting"), nullptr);
  EXPECT_NE(catalog.FindService("test.v1.Echo"), nullptr);
  EXPECT_NE(catalog.FindFileProto("protosupport/v1/protosupport.proto"), nullptr);
}

TEST(GuestDescriptorsTest, GuestsWithoutProtosCarryNone) {
  std::vector<uint8_t> wasm = ReadGuest("test_exit_code.wasm");
  Result<std::vector<std::span<const uint8_t>>> sections =
      engine::FindCustomSections(wasm, engine::kDescriptorsSection);
  ASSERT_TRUE(sections.ok()) << sections.status().ToString();
  EXPECT_TRUE(sections->empty());
}

// The build section says how each guest's own code was compiled (its time
// limits are scaled by it).
TEST(GuestDescriptorsTest, GuestsSayWhetherTheyWereOptimized) {
  EXPECT_EQ(engine::BuildOf(ReadGuest("test_echo.wasm")), engine::GuestBuild::kOptimized);
  EXPECT_EQ(engine::BuildOf(ReadGuest("test_exit_code.wasm")), engine::GuestBuild::kOptimized);
  EXPECT_EQ(engine::BuildOf(ReadGuest("test_echo_unoptimized.wasm")),
            engine::GuestBuild::kUnoptimized);
}

}  // namespace
}  // namespace parigot::net
