// The module validator (validate.h), and the promise it exists for: both
// engines refuse the same modules with the same message, and a malformed
// module costs memory in proportion to its size.
#include "host/engine/validate.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "host/engine/make_engine.h"

namespace parigot::engine {
namespace {

namespace fs = std::filesystem;

const std::vector<uint8_t> kHeader = {0, 'a', 's', 'm', 1, 0, 0, 0};

std::vector<uint8_t> Module(std::vector<uint8_t> sections) {
  std::vector<uint8_t> out = kHeader;
  out.insert(out.end(), sections.begin(), sections.end());
  return out;
}

std::string ErrorOf(const Result<ModuleFacts>& r) {
  return r.ok() ? "ok" : r.status().message();
}

// Peak RSS of this process, in bytes.
uint64_t PeakRss() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss) * 1024;
}

std::unique_ptr<Engine> NewTestEngine(std::string_view name) {
  // The aot engine compiles the corpus's valid modules into a cache in the
  // build tree.
  setenv("PARIGOT_CACHE_DIR", PARIGOT_ENGINE_TEST_CACHE, /*overwrite=*/1);
  auto engine = MakeEngine(name);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(*engine) : nullptr;
}

TEST(ModuleValidatorTest, ZerosAfterAValidHeaderAreRefusedAtOnceWithoutMemory) {
  std::vector<uint8_t> zeros = kHeader;
  zeros.resize(zeros.size() + (64u << 20));
  auto interp = NewTestEngine("interp");
  auto aot = NewTestEngine("aot");
  ASSERT_TRUE(interp && aot);
  const uint64_t before = PeakRss();
  auto facts = ValidateModule(zeros, "zeros.wasm");
  auto on_interp = interp->Load(zeros, "zeros.wasm");
  auto on_aot = aot->Load(zeros, "zeros.wasm");
  // Before: 8 MB of zeros cost 580 MB; 64 MB, 4.5 GB.
  EXPECT_LT(PeakRss() - before, uint64_t{16} << 20);
  const std::string want =
      "zeros.wasm: malformed wasm module: the custom section's name length at byte 10 is "
      "truncated";
  EXPECT_EQ(ErrorOf(facts), want);
  ASSERT_FALSE(on_interp.ok());
  EXPECT_EQ(on_interp.status().message(), want);
  ASSERT_FALSE(on_aot.ok());
  EXPECT_EQ(on_aot.status().message(), want);
}

TEST(ModuleValidatorTest, SectionsAreCountedCustomOnesIncluded) {
  std::vector<uint8_t> sections;
  for (size_t i = 0; i < kMaxSections; ++i) sections.insert(sections.end(), {0, 1, 0});
  EXPECT_EQ(ErrorOf(ValidateModule(Module(sections), "m.wasm")), "ok");
  sections.insert(sections.end(), {0, 1, 0});
  EXPECT_EQ(ErrorOf(ValidateModule(Module(sections), "m.wasm")),
            "m.wasm: malformed wasm module: the section at byte 3080 is one more than the "
            "1024 sections a module may have");
  // 8 MB of well-formed empty custom sections: refused at the 1025th.
  std::vector<uint8_t> many = kHeader;
  while (many.size() < (8u << 20)) many.insert(many.end(), {0, 1, 0});
  const uint64_t before = PeakRss();
  EXPECT_NE(ErrorOf(ValidateModule(many, "m.wasm")).find("one more than the 1024 sections"),
            std::string::npos);
  EXPECT_LT(PeakRss() - before, uint64_t{16} << 20);
}

TEST(ModuleValidatorTest, CountsMustFitTheirSection) {
  // A type section of 5 bytes claiming 2^32-1 types.
  EXPECT_EQ(ErrorOf(ValidateModule(Module({1, 5, 0xff, 0xff, 0xff, 0xff, 0x0f}), "m.wasm")),
            "m.wasm: malformed wasm module: the type section's count at byte 10 is "
            "4294967295, more entries than its 0 bytes can hold");
  // Two code bodies need at least 6 bytes.
  EXPECT_EQ(ErrorOf(ValidateModule(Module({10, 5, 2, 2, 0, 0x0b, 0}), "m.wasm")),
            "m.wasm: malformed wasm module: the code section's count at byte 10 is 2, more "
            "entries than its 4 bytes can hold");
  // A section running past the module's end.
  EXPECT_EQ(ErrorOf(ValidateModule(Module({1, 0x7f, 0}), "m.wasm")),
            "m.wasm: malformed wasm module: the section at byte 10 runs past the end (127 "
            "bytes, 1 left)");
}

TEST(ModuleValidatorTest, TablesAreLimitedAndMemoryIsRead) {
  // (table 4294967295 funcref)
  EXPECT_EQ(ErrorOf(ValidateModule(Module({4, 8, 1, 0x70, 0, 0xff, 0xff, 0xff, 0xff, 0x0f}),
                                   "m.wasm")),
            "m.wasm: malformed wasm module: the table at byte 11 has a minimum of 4294967295 "
            "elements; at most 10000000 are allowed");
  // (memory 3 7)
  auto facts = ValidateModule(Module({5, 4, 1, 1, 3, 7}), "m.wasm");
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_TRUE(facts->has_memory);
  EXPECT_EQ(facts->memory_min_pages, 3u);
  EXPECT_EQ(facts->memory_max_pages, 7u);
  // Full validation follows the pre-scan: (memory 65537) is not wasm32.
  EXPECT_EQ(ErrorOf(ValidateModule(Module({5, 5, 1, 0, 0x81, 0x80, 4}), "m.wasm")).rfind(
                "m.wasm: invalid wasm: ", 0),
            0u);
}

TEST(ModuleValidatorTest, MemoryLimitCheck) {
  ModuleFacts facts{.has_memory = true, .memory_min_pages = 17};
  EXPECT_TRUE(CheckMemoryLimit("g", facts, {.memory_limit = 17 * kWasmPageSize}).ok());
  Status refused = CheckMemoryLimit("g", facts, {.memory_limit = 17 * kWasmPageSize - 1});
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.message(),
            "g: its memory's minimum, 1088 KiB (17 pages), exceeds its memory limit of "
            "1 MiB");
  EXPECT_TRUE(CheckMemoryLimit("g", ModuleFacts{}, {.memory_limit = 0}).ok());
  EXPECT_EQ(MemoryLimitPages({.memory_limit = uint64_t{64} << 30}), 65536u);
  EXPECT_EQ(FormatBytes(uint64_t{1} << 30), "1 GiB");
  EXPECT_EQ(FormatBytes(1000), "1000 bytes");
}

// Every module of the fuzz corpus gets the same verdict, with the same
// message, from the validator and from both engines' Load.
TEST(ModuleValidatorTest, EnginesAgreeOnTheCorpus) {
  auto interp = NewTestEngine("interp");
  auto aot = NewTestEngine("aot");
  ASSERT_TRUE(interp && aot);
  size_t files = 0, refused = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(PARIGOT_MODULE_CORPUS)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> wasm((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    ++files;
    std::string verdict = ErrorOf(ValidateModule(wasm, name));
    auto on_interp = interp->Load(wasm, name);
    auto on_aot = aot->Load(wasm, name);
    EXPECT_EQ(on_interp.ok() ? "ok" : on_interp.status().message(), verdict);
    EXPECT_EQ(on_aot.ok() ? "ok" : on_aot.status().message(), verdict);
    if (verdict != "ok") ++refused;
  }
  EXPECT_GE(files, 20u);
  EXPECT_GE(refused, 15u);
}

}  // namespace
}  // namespace parigot::engine
