#include "host/cli/test_filter.h"

#include <gtest/gtest.h>

namespace parigot::cli {
namespace {

TEST(GlobMatchTest, StarAndQuestionMark) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "Greeting.Bonjour"));
  EXPECT_TRUE(GlobMatch("Greeting.*", "Greeting.Bonjour"));
  EXPECT_FALSE(GlobMatch("Greeting.*", "Greetings.Bonjour"));
  EXPECT_TRUE(GlobMatch("*Bon*", "Greeting.Bonjour"));
  EXPECT_TRUE(GlobMatch("G?eeting.B*r", "Greeting.Bonjour"));
  EXPECT_FALSE(GlobMatch("G?eeting.B*x", "Greeting.Bonjour"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYbc"));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("", ""));
}

TEST(GlobMatchTest, ManyStarsStayFast) {
  std::string text(10000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*a*b", text));
}

TEST(TestFilterTest, NoFilterRunsEverything) {
  TestFilter filter;
  EXPECT_TRUE(filter.all());
  EXPECT_TRUE(filter.Matches("A", "B"));
  Result<TestFilter> star = TestFilter::Parse("*");
  ASSERT_TRUE(star.ok());
  EXPECT_TRUE(star->all());
}

TEST(TestFilterTest, PositivePatterns) {
  Result<TestFilter> filter = TestFilter::Parse("Greeting.*:*Slow");
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE(filter->Matches("Greeting", "Bonjour"));
  EXPECT_TRUE(filter->Matches("Other", "VerySlow"));
  EXPECT_FALSE(filter->Matches("Other", "Fast"));
}

TEST(TestFilterTest, NegativePatterns) {
  Result<TestFilter> filter = TestFilter::Parse("-Slow.*:*Flaky");
  ASSERT_TRUE(filter.ok());
  EXPECT_TRUE(filter->Matches("Fast", "One"));
  EXPECT_FALSE(filter->Matches("Slow", "One"));
  EXPECT_FALSE(filter->Matches("Fast", "OneFlaky"));
  Result<TestFilter> both = TestFilter::Parse("Greeting.*-*German");
  ASSERT_TRUE(both.ok());
  EXPECT_TRUE(both->Matches("Greeting", "French"));
  EXPECT_FALSE(both->Matches("Greeting", "German"));
  EXPECT_FALSE(both->Matches("Other", "French"));
}

TEST(TestFilterTest, BadPatterns) {
  EXPECT_FALSE(TestFilter::Parse("a-b-c").ok());
  EXPECT_FALSE(TestFilter::Parse("a\nb").ok());
}

}  // namespace
}  // namespace parigot::cli
