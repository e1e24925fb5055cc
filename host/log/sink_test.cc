#include "host/log/sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

namespace parigot::log {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::SizeIs;
using Json = nlohmann::json;

// A sink writing into a temporary file, and the lines it holds.
class SinkTest : public ::testing::Test {
 protected:
  void SetUp() override { file_ = std::tmpfile(); }
  void TearDown() override { std::fclose(file_); }

  std::vector<std::string> Lines() {
    std::fflush(file_);
    std::rewind(file_);
    std::string all;
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0;) all.append(buffer, n);
    std::vector<std::string> lines;
    std::istringstream in(all);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::FILE* file_ = nullptr;
};

TEST_F(SinkTest, WritesOnlyTheChosenLevelAndAbove) {
  Sink sink({.level = Level::kWarn, .out = file_});
  EXPECT_FALSE(sink.Enabled(Level::kInfo));
  EXPECT_TRUE(sink.Enabled(Level::kError));
  sink.Write(Level::kDebug, "svc", "debug line");
  sink.Write(Level::kInfo, "svc", "info line");
  sink.Write(Level::kWarn, "svc", "warn line");
  sink.Write(Level::kError, "svc", "error line");
  EXPECT_THAT(Lines(), ElementsAre(EndsWith(" warn  [svc] warn line"),
                                   EndsWith(" error [svc] error line")));
}

TEST_F(SinkTest, WriteUnfilteredWritesBelowTheLevelToo) {
  Sink sink({.level = Level::kError, .out = file_});
  sink.WriteUnfiltered(Level::kInfo, "parigot", "exited with code 0");
  EXPECT_THAT(Lines(), ElementsAre(EndsWith(" info  [parigot] exited with code 0")));
}

TEST_F(SinkTest, DebugLevelWritesEverything) {
  Sink sink({.level = Level::kDebug, .out = file_});
  for (Level level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    sink.Write(level, "svc", "x");
  }
  EXPECT_THAT(Lines(), SizeIs(4));
}

TEST_F(SinkTest, JsonLinesNameTheHostAndCarryTheFields) {
  Sink sink({.format = Format::kJson, .host = "front", .out = file_});
  const std::vector<Field> fields = {{"items", int64_t{3}}};
  sink.Write(Level::kInfo, "shop", "two\nlines", fields);
  sink.Write(Level::kDebug, "shop", "filtered");
  std::vector<std::string> lines = Lines();
  ASSERT_THAT(lines, SizeIs(1));
  Json parsed = Json::parse(lines[0]);
  EXPECT_EQ(parsed["host"], "front");
  EXPECT_EQ(parsed["source"], "shop");
  EXPECT_EQ(parsed["message"], "two\nlines");
  EXPECT_EQ(parsed["items"], 3);
}

TEST_F(SinkTest, TextFieldsFollowTheMessage) {
  Sink sink({.host = "back", .out = file_});
  const std::vector<Field> fields = {{"note", std::string("two words")}};
  sink.Write(Level::kInfo, "shop", "placed", fields);
  EXPECT_THAT(Lines(), ElementsAre(EndsWith(" info  [back/shop] placed note=\"two words\"")));
}

TEST_F(SinkTest, WriteLinePassesALineThroughAsItIs) {
  Sink sink({.format = Format::kJson, .out = file_});
  sink.WriteLine(R"({"already":"formatted"})");
  EXPECT_THAT(Lines(), ElementsAre(R"({"already":"formatted"})"));
}

TEST_F(SinkTest, LinesFromManyThreadsStayWhole) {
  Sink sink({.format = Format::kJson, .out = file_});
  constexpr int kThreads = 8;
  constexpr int kLines = 200;
  const std::string long_text(2000, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::vector<Field> fields = {{"thread", int64_t{t}}};
      for (int i = 0; i < kLines; ++i) sink.Write(Level::kInfo, "svc", long_text, fields);
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::vector<std::string> lines = Lines();
  ASSERT_THAT(lines, SizeIs(kThreads * kLines));
  for (const std::string& line : lines) {
    ASSERT_TRUE(Json::accept(line)) << line.substr(0, 200);
  }
}

}  // namespace
}  // namespace parigot::log
