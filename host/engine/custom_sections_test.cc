#include "host/engine/custom_sections.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "host/engine/testing/wat.h"

namespace parigot::engine {
namespace {

using Bytes = std::vector<uint8_t>;
using ::testing::HasSubstr;

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};

void AppendU32(Bytes& out, uint32_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    if (value != 0) byte |= 0x80;
    out.push_back(byte);
  } while (value != 0);
}

// Appends a custom section `name` holding `payload`.
void AppendCustom(Bytes& module, std::string_view name, std::string_view payload) {
  Bytes body;
  AppendU32(body, name.size());
  body.insert(body.end(), name.begin(), name.end());
  body.insert(body.end(), payload.begin(), payload.end());
  module.push_back(0);
  AppendU32(module, body.size());
  module.insert(module.end(), body.begin(), body.end());
}

std::vector<std::string> Strings(const std::vector<std::span<const uint8_t>>& spans) {
  std::vector<std::string> out;
  for (std::span<const uint8_t> s : spans) out.emplace_back(s.begin(), s.end());
  return out;
}

Bytes RealModule() {
  Result<Bytes> wasm = testing::WatToWasm(R"(
    (module
      (memory (export "memory") 1)
      (data (i32.const 16) "hello")
      (func (export "add") (param i32 i32) (result i32)
        local.get 0 local.get 1 i32.add))
  )");
  EXPECT_TRUE(wasm.ok()) << wasm.status().ToString();
  return *wasm;
}

TEST(CustomSectionsTest, FindsEveryMatchingSectionInOrderAmongOthers) {
  Bytes module = RealModule();
  AppendCustom(module, "other", "x");
  AppendCustom(module, kDescriptorsSection, std::string("first\0one", 9));
  AppendCustom(module, "parigot.descriptors.v2", "not me");
  AppendCustom(module, "parigot.descriptor", "nor me");
  AppendCustom(module, kDescriptorsSection, "second");

  Result<std::vector<std::span<const uint8_t>>> found =
      FindCustomSections(module, kDescriptorsSection);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_THAT(Strings(*found),
              ::testing::ElementsAre(std::string("first\0one", 9), "second"));
  // The payloads are views into the module, not copies.
  EXPECT_GE((*found)[0].data(), module.data());
  EXPECT_LE((*found)[1].data() + (*found)[1].size(), module.data() + module.size());
}

TEST(CustomSectionsTest, SectionsBeforeTheCodeAndEmptyPayloadsCount) {
  Bytes module = kHeader;
  AppendCustom(module, "meta", "");
  Bytes real = RealModule();
  module.insert(module.end(), real.begin() + kHeader.size(), real.end());

  Result<std::vector<std::span<const uint8_t>>> found = FindCustomSections(module, "meta");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_THAT(Strings(*found), ::testing::ElementsAre(""));
}

TEST(CustomSectionsTest, NoSuchSectionIsAnEmptyList) {
  Result<std::vector<std::span<const uint8_t>>> found =
      FindCustomSections(RealModule(), kDescriptorsSection);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(found->empty());

  found = FindCustomSections(kHeader, kDescriptorsSection);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_TRUE(found->empty());
}

TEST(CustomSectionsTest, PaddedLeb128IsAccepted) {
  // A section size of 5 written in 5 bytes (the binary format allows it).
  Bytes module = kHeader;
  Bytes padded = {0x00, 0x85, 0x80, 0x80, 0x80, 0x00, 0x01, 'n', 'a', 'b', 'c'};
  module.insert(module.end(), padded.begin(), padded.end());
  Result<std::vector<std::span<const uint8_t>>> found = FindCustomSections(module, "n");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_THAT(Strings(*found), ::testing::ElementsAre("abc"));
}

TEST(CustomSectionsTest, BuildOfReadsTheBuildSection) {
  for (auto [payload, build] : {std::pair{"optimized", GuestBuild::kOptimized},
                                {"unoptimized", GuestBuild::kUnoptimized},
                                {"Optimized", GuestBuild::kUnknown},
                                {"", GuestBuild::kUnknown}}) {
    Bytes module = kHeader;
    AppendCustom(module, "other", "x");
    AppendCustom(module, kBuildSection, payload);
    EXPECT_EQ(BuildOf(module), build) << payload;
  }
  EXPECT_EQ(BuildOf(kHeader), GuestBuild::kUnknown) << "no section";
  Bytes twice = kHeader;
  AppendCustom(twice, kBuildSection, "optimized");
  AppendCustom(twice, kBuildSection, "optimized");
  EXPECT_EQ(BuildOf(twice), GuestBuild::kUnknown);
  EXPECT_EQ(BuildOf(Bytes{1, 2, 3}), GuestBuild::kUnknown) << "not a module";
}

TEST(CustomSectionsTest, NotAWasmModule) {
  for (const Bytes& bytes : {Bytes{}, Bytes{0x00, 0x61, 0x73}, Bytes{'E', 'L', 'F', 0x7f, 1, 0, 0, 0},
                             Bytes{0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00},
                             Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00}}) {
    Result<std::vector<std::span<const uint8_t>>> found = FindCustomSections(bytes, "x");
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(found.status().message(), HasSubstr("not a wasm module"));
  }
}

Status ErrorOf(const Bytes& sections) {
  Bytes module = kHeader;
  module.insert(module.end(), sections.begin(), sections.end());
  return FindCustomSections(module, "x").status();
}

TEST(CustomSectionsTest, MalformedFramingIsAnErrorNamingTheOffset) {
  // Size LEB128 cut short after the section id.
  EXPECT_THAT(ErrorOf({0x01, 0x80}).message(), HasSubstr("section size at byte 9 is truncated"));
  // Six bytes of LEB128.
  EXPECT_THAT(ErrorOf({0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}).message(),
              HasSubstr("longer than 5 bytes"));
  // 2^32 does not fit a u32.
  EXPECT_THAT(ErrorOf({0x01, 0x80, 0x80, 0x80, 0x80, 0x10}).message(),
              HasSubstr("above 2^32-1"));
  // A section bigger than the rest of the module.
  EXPECT_THAT(ErrorOf({0x01, 0x05, 0xaa}).message(),
              HasSubstr("section at byte 10 runs past the end (5 bytes, 1 left)"));
  // The largest u32 as a size: no overflow, just too big.
  EXPECT_THAT(ErrorOf({0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f}).message(),
              HasSubstr("runs past the end (4294967295 bytes"));
  // A custom section whose name is longer than the section.
  EXPECT_THAT(ErrorOf({0x00, 0x02, 0x05, 'x'}).message(),
              HasSubstr("custom section's name at byte 11 runs past the end"));
  // A custom section too short to hold its name's length.
  EXPECT_THAT(ErrorOf({0x00, 0x00}).message(),
              HasSubstr("custom section's name length at byte 10 is truncated"));
  // A name length LEB128 that would run into the next section.
  EXPECT_THAT(ErrorOf({0x00, 0x01, 0x80, 0x01, 0x00}).message(),
              HasSubstr("name length at byte 10 is truncated"));
  EXPECT_EQ(ErrorOf({0x01, 0x80}).code(), StatusCode::kInvalidArgument);
}

TEST(CustomSectionsTest, EveryTruncationIsOkAtASectionBoundaryAndAnErrorElsewhere) {
  Bytes module = RealModule();
  AppendCustom(module, kDescriptorsSection, std::string(300, 'd'));  // 2-byte size
  AppendCustom(module, kDescriptorsSection, "tail");

  // Section boundaries, found by walking the module independently.
  std::vector<size_t> boundaries = {kHeader.size()};
  for (size_t at = kHeader.size(); at < module.size();) {
    size_t size = 0;
    int shift = 0;
    ++at;  // id
    for (uint8_t byte = 0x80; byte & 0x80; shift += 7) {
      byte = module[at++];
      size |= size_t{byte & 0x7fu} << shift;
    }
    at += size;
    boundaries.push_back(at);
  }
  ASSERT_EQ(boundaries.back(), module.size());

  for (size_t length = 0; length < module.size(); ++length) {
    std::span<const uint8_t> prefix(module.data(), length);
    Result<std::vector<std::span<const uint8_t>>> found =
        FindCustomSections(prefix, kDescriptorsSection);
    const bool at_boundary =
        std::find(boundaries.begin(), boundaries.end(), length) != boundaries.end();
    EXPECT_EQ(found.ok(), at_boundary) << "prefix of " << length << " bytes: "
                                       << found.status().ToString();
  }
}

TEST(CustomSectionsTest, GarbageAfterTheHeaderNeverCrashes) {
  std::mt19937 random(20240611);  // fixed seed: the same bytes every run
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  for (int round = 0; round < 20000; ++round) {
    Bytes module = kHeader;
    for (int i = length(random); i > 0; --i) module.push_back(byte(random));
    Result<std::vector<std::span<const uint8_t>>> found = FindCustomSections(module, "x");
    if (found.ok()) {
      for (std::span<const uint8_t> payload : *found) {
        EXPECT_GE(payload.data(), module.data());
        EXPECT_LE(payload.data() + payload.size(), module.data() + module.size());
      }
    } else {
      EXPECT_EQ(found.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace parigot::engine
