#include "host/log/format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <time.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace parigot::log {
namespace {

using ::testing::ElementsAre;
using Json = nlohmann::ordered_json;

// 2025-06-01 14:14:26.120 UTC.
constexpr auto kTime = std::chrono::system_clock::time_point(
    std::chrono::milliseconds(1748787266120));

class FormatTest : public ::testing::Test {
 protected:
  // Text times are local: make local UTC for exact lines.
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }

  static Record Message(std::string_view message, std::span<const Field> fields = {},
                        Level level = Level::kInfo) {
    return {.time = kTime, .level = level, .source = "shop", .message = message,
            .fields = fields};
  }
};

// Every kind of value a field may hold.
const std::vector<Field> kEveryKind = {
    {"order", std::string("A-17")},
    {"items", int64_t{3}},
    {"delta", int64_t{-2}},
    {"id", std::numeric_limits<uint64_t>::max()},
    {"ratio", 0.5},
    {"paid", true},
    {"gift", false},
};

TEST_F(FormatTest, TextWritesTimeLevelSourceMessageAndFields) {
  EXPECT_THAT(FormatText(Message("order placed", kEveryKind)),
              ElementsAre("14:14:26.120 info  [shop] order placed order=A-17 items=3 "
                          "delta=-2 id=18446744073709551615 ratio=0.5 paid=true gift=false"));
  EXPECT_THAT(FormatText(Message("plain", {}, Level::kWarn)),
              ElementsAre("14:14:26.120 warn  [shop] plain"));
  EXPECT_THAT(FormatText(Message("x", {}, Level::kDebug)),
              ElementsAre("14:14:26.120 debug [shop] x"));
  Record on_host = Message("x", {}, Level::kError);
  on_host.host = "front";
  EXPECT_THAT(FormatText(on_host), ElementsAre("14:14:26.120 error [front/shop] x"));
}

TEST_F(FormatTest, TextQuotesWhatWouldBeAmbiguousAndEscapesControls) {
  const std::vector<Field> fields = {
      {"note", std::string("two words")},
      {"empty", std::string("")},
      {"quote", std::string("say \"hi\"")},
      {"back", std::string("a\\b")},
      {"eq", std::string("a=b")},
      {"lines", std::string("one\ntwo\x1b[2J")},
      {"two words", std::string("k")},
      {"utf8", std::string("été")},
  };
  EXPECT_EQ(FormatFieldsText(fields),
            " note=\"two words\" empty=\"\" quote=\"say \\\"hi\\\"\" back=\"a\\\\b\""
            " eq=\"a=b\" lines=\"one\\ntwo\\x1b[2J\" \"two words\"=k utf8=été");
}

TEST_F(FormatTest, TextWritesDoublesShortestAndNonFiniteByName) {
  const std::vector<Field> fields = {
      {"a", 0.1}, {"b", 1e100}, {"c", -0.0}, {"d", 3.0},
      {"nan", std::nan("")}, {"inf", std::numeric_limits<double>::infinity()},
  };
  EXPECT_EQ(FormatFieldsText(fields), " a=0.1 b=1e+100 c=-0 d=3 nan=nan inf=inf");
}

TEST_F(FormatTest, TextMessageOfSeveralLinesGivesALineEachWithFieldsOnTheLast) {
  const std::vector<Field> fields = {{"k", int64_t{1}}};
  EXPECT_THAT(FormatText(Message("first\n[other] forged\x1b[2J\n", fields)),
              ElementsAre("14:14:26.120 info  [shop] first",
                          "14:14:26.120 info  [shop] [other] forged\\x1b[2J k=1"));
  Record hostile = Message("x");
  hostile.source = "a\nb";
  EXPECT_THAT(FormatText(hostile), ElementsAre("14:14:26.120 info  [a\\nb] x"));
}

TEST_F(FormatTest, TextColoursTheLevelOnlyWhenAsked) {
  EXPECT_THAT(FormatText(Message("x", {}, Level::kError), /*color=*/true),
              ElementsAre("14:14:26.120 \033[31m\033[1merror\033[m [shop] x"));
}

TEST_F(FormatTest, JsonHasTheMembersInOrderWithTypedFields) {
  Record record = Message("order placed", kEveryKind);
  record.host = "front";
  const std::string line = FormatJson(record);
  EXPECT_EQ(line,
            R"({"time":"2025-06-01T14:14:26.120Z","level":"info","host":"front",)"
            R"("source":"shop","message":"order placed","order":"A-17","items":3,)"
            R"("delta":-2,"id":18446744073709551615,"ratio":0.5,"paid":true,"gift":false})");
  Json parsed = Json::parse(line);
  EXPECT_TRUE(parsed["items"].is_number_integer());
  EXPECT_TRUE(parsed["id"].is_number_unsigned());
  EXPECT_EQ(parsed["id"].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
  EXPECT_TRUE(parsed["ratio"].is_number_float());
  EXPECT_TRUE(parsed["paid"].is_boolean());
  // Without a host, no "host" member.
  EXPECT_FALSE(Json::parse(FormatJson(Message("x"))).contains("host"));
}

TEST_F(FormatTest, JsonNamesEachLevelAsTheFlagDoes) {
  for (Level level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    Json parsed = Json::parse(FormatJson(Message("x", {}, level)));
    EXPECT_EQ(ParseLevel(parsed["level"].get<std::string>()), level);
  }
}

TEST_F(FormatTest, JsonWritesNonFiniteDoublesAsStrings) {
  const std::vector<Field> fields = {
      {"nan", std::nan("")},
      {"up", std::numeric_limits<double>::infinity()},
      {"down", -std::numeric_limits<double>::infinity()},
      {"tiny", 5e-324},
  };
  Json parsed = Json::parse(FormatJson(Message("x", fields)));
  EXPECT_EQ(parsed["nan"], "NaN");
  EXPECT_EQ(parsed["up"], "Infinity");
  EXPECT_EQ(parsed["down"], "-Infinity");
  EXPECT_EQ(parsed["tiny"].get<double>(), 5e-324);
}

TEST_F(FormatTest, JsonIsValidWhateverBytesAGuestSends) {
  const std::string invalid = "bad \xff\xfe utf8 \xc0\xaf";
  const std::string controls = std::string("nul") + '\0' + " esc\x1b[2J\nnew \"line\" \\";
  const std::vector<Field> fields = {
      {invalid, invalid},
      {controls, controls},
  };
  const std::string message = invalid + controls;
  Record record = Message(message, fields);
  record.source = "src\xff";
  const std::string line = FormatJson(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_TRUE(IsJsonObject(line)) << line;
  Json parsed = Json::parse(line);  // strict: throws on invalid UTF-8
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(parsed["message"], "bad " + r + r + " utf8 " + r + r + controls);
  EXPECT_EQ(parsed["source"], "src" + r);
  EXPECT_EQ(parsed["bad " + r + r + " utf8 " + r + r], "bad " + r + r + " utf8 " + r + r);
  EXPECT_EQ(parsed[controls], controls);
}

TEST_F(FormatTest, JsonFieldsCannotReplaceTheFixedMembersOrEachOther) {
  const std::vector<Field> fields = {
      {"level", std::string("fake")},  {"message", std::string("forged")},
      {"time", int64_t{0}},            {"source", std::string("other")},
      {"a", int64_t{1}},               {"a", int64_t{2}},
      {"_a", int64_t{3}},              {"\xff", int64_t{4}},
      {"\xfe", int64_t{5}},
  };
  Json parsed = Json::parse(FormatJson(Message("real", fields)));
  EXPECT_EQ(parsed["level"], "info");
  EXPECT_EQ(parsed["message"], "real");
  EXPECT_EQ(parsed["source"], "shop");
  EXPECT_EQ(parsed["time"], "2025-06-01T14:14:26.120Z");
  EXPECT_EQ(parsed["_level"], "fake");
  EXPECT_EQ(parsed["_message"], "forged");
  EXPECT_EQ(parsed["_time"], 0);
  EXPECT_EQ(parsed["_source"], "other");
  EXPECT_EQ(parsed["a"], 1);
  EXPECT_EQ(parsed["_a"], 2);
  EXPECT_EQ(parsed["__a"], 3);
  EXPECT_EQ(parsed["\xef\xbf\xbd"], 4);
  EXPECT_EQ(parsed["_\xef\xbf\xbd"], 5);
  EXPECT_EQ(parsed.size(), 4u + fields.size());  // time, level, source, message
}

TEST_F(FormatTest, JsonTimesBeforeTheEpochStillHaveMilliseconds) {
  Record record = Message("x");
  record.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(-1));
  EXPECT_EQ(Json::parse(FormatJson(record))["time"], "1969-12-31T23:59:59.999Z");
}

TEST(FormatNamesTest, LevelsAndFormatsParseByTheirNamesOnly) {
  EXPECT_EQ(ParseLevel("debug"), Level::kDebug);
  EXPECT_EQ(ParseLevel("info"), Level::kInfo);
  EXPECT_EQ(ParseLevel("warn"), Level::kWarn);
  EXPECT_EQ(ParseLevel("error"), Level::kError);
  EXPECT_EQ(ParseLevel("warning"), std::nullopt);
  EXPECT_EQ(ParseLevel("INFO"), std::nullopt);
  EXPECT_EQ(ParseLevel(""), std::nullopt);
  EXPECT_EQ(LevelName(Level::kWarn), "warn");
  EXPECT_EQ(ParseFormat("text"), Format::kText);
  EXPECT_EQ(ParseFormat("json"), Format::kJson);
  EXPECT_EQ(ParseFormat("JSON"), std::nullopt);
  EXPECT_EQ(ParseFormat("logfmt"), std::nullopt);
}

TEST(FormatNamesTest, IsJsonObjectTakesOneObjectOnly) {
  EXPECT_TRUE(IsJsonObject(R"({"a":1})"));
  EXPECT_FALSE(IsJsonObject(""));
  EXPECT_FALSE(IsJsonObject("[1]"));
  EXPECT_FALSE(IsJsonObject(R"({"a":1} {"b":2})"));
  EXPECT_FALSE(IsJsonObject(R"({"a":1)"));
  EXPECT_FALSE(IsJsonObject("parigot: host back: address in use"));
}

}  // namespace
}  // namespace parigot::log
