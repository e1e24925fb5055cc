// Test-only helpers for host/net's tests.
#ifndef PARIGOT_HOST_NET_TESTDATA_H_
#define PARIGOT_HOST_NET_TESTDATA_H_

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace parigot::net::testing {

// The bytes of a file the build wrote under PARIGOT_NET_TESTDATA (the
// descriptor sets of host/net/CMakeLists.txt); a missing file fails the test.
inline std::vector<uint8_t> ReadTestdata(const std::string& name) {
  const std::string path = std::string(PARIGOT_NET_TESTDATA) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace parigot::net::testing

#endif  // PARIGOT_HOST_NET_TESTDATA_H_
