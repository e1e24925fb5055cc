// The short names of the test API's checks (parigot/testing.h explains
// why there are two sets): EXPECT_EQ for PARIGOT_EXPECT_EQ, and so on. A
// name that is already defined (by GoogleTest, say) is left alone.
#ifndef PARIGOT_TESTING_SHORT_NAMES_H_
#define PARIGOT_TESTING_SHORT_NAMES_H_

#ifndef EXPECT_EQ
#define EXPECT_EQ(a, b) PARIGOT_EXPECT_EQ(a, b)
#endif
#ifndef EXPECT_NE
#define EXPECT_NE(a, b) PARIGOT_EXPECT_NE(a, b)
#endif
#ifndef EXPECT_LT
#define EXPECT_LT(a, b) PARIGOT_EXPECT_LT(a, b)
#endif
#ifndef EXPECT_LE
#define EXPECT_LE(a, b) PARIGOT_EXPECT_LE(a, b)
#endif
#ifndef EXPECT_GT
#define EXPECT_GT(a, b) PARIGOT_EXPECT_GT(a, b)
#endif
#ifndef EXPECT_GE
#define EXPECT_GE(a, b) PARIGOT_EXPECT_GE(a, b)
#endif
#ifndef EXPECT_TRUE
#define EXPECT_TRUE(c) PARIGOT_EXPECT_TRUE(c)
#endif
#ifndef EXPECT_FALSE
#define EXPECT_FALSE(c) PARIGOT_EXPECT_FALSE(c)
#endif
#ifndef EXPECT_OK
#define EXPECT_OK(f) PARIGOT_EXPECT_OK(f)
#endif
#ifndef EXPECT_ERR
#define EXPECT_ERR(f, e) PARIGOT_EXPECT_ERR(f, e)
#endif
#ifndef ASSERT_EQ
#define ASSERT_EQ(a, b) PARIGOT_ASSERT_EQ(a, b)
#endif
#ifndef ASSERT_NE
#define ASSERT_NE(a, b) PARIGOT_ASSERT_NE(a, b)
#endif
#ifndef ASSERT_LT
#define ASSERT_LT(a, b) PARIGOT_ASSERT_LT(a, b)
#endif
#ifndef ASSERT_LE
#define ASSERT_LE(a, b) PARIGOT_ASSERT_LE(a, b)
#endif
#ifndef ASSERT_GT
#define ASSERT_GT(a, b) PARIGOT_ASSERT_GT(a, b)
#endif
#ifndef ASSERT_GE
#define ASSERT_GE(a, b) PARIGOT_ASSERT_GE(a, b)
#endif
#ifndef ASSERT_TRUE
#define ASSERT_TRUE(c) PARIGOT_ASSERT_TRUE(c)
#endif
#ifndef ASSERT_FALSE
#define ASSERT_FALSE(c) PARIGOT_ASSERT_FALSE(c)
#endif
#ifndef ASSERT_OK
#define ASSERT_OK(f) PARIGOT_ASSERT_OK(f)
#endif
#ifndef ASSERT_ERR
#define ASSERT_ERR(f, e) PARIGOT_ASSERT_ERR(f, e)
#endif
#ifndef CO_ASSERT_EQ
#define CO_ASSERT_EQ(a, b) PARIGOT_CO_ASSERT_EQ(a, b)
#endif
#ifndef CO_ASSERT_NE
#define CO_ASSERT_NE(a, b) PARIGOT_CO_ASSERT_NE(a, b)
#endif
#ifndef CO_ASSERT_LT
#define CO_ASSERT_LT(a, b) PARIGOT_CO_ASSERT_LT(a, b)
#endif
#ifndef CO_ASSERT_LE
#define CO_ASSERT_LE(a, b) PARIGOT_CO_ASSERT_LE(a, b)
#endif
#ifndef CO_ASSERT_GT
#define CO_ASSERT_GT(a, b) PARIGOT_CO_ASSERT_GT(a, b)
#endif
#ifndef CO_ASSERT_GE
#define CO_ASSERT_GE(a, b) PARIGOT_CO_ASSERT_GE(a, b)
#endif
#ifndef CO_ASSERT_TRUE
#define CO_ASSERT_TRUE(c) PARIGOT_CO_ASSERT_TRUE(c)
#endif
#ifndef CO_ASSERT_FALSE
#define CO_ASSERT_FALSE(c) PARIGOT_CO_ASSERT_FALSE(c)
#endif
#ifndef CO_ASSERT_OK
#define CO_ASSERT_OK(f) PARIGOT_CO_ASSERT_OK(f)
#endif
#ifndef CO_ASSERT_ERR
#define CO_ASSERT_ERR(f, e) PARIGOT_CO_ASSERT_ERR(f, e)
#endif

#endif  // PARIGOT_TESTING_SHORT_NAMES_H_
