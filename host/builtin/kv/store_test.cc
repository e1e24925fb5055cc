#include "host/builtin/kv/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace parigot::builtin::kv {
namespace {

class KvStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kv_store_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<KvStore> Open() {
    auto store = KvStore::Open(dir_ / "store.db");
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::filesystem::path dir_;
};

TEST_F(KvStoreTest, PutGetAndVersions) {
  auto store = Open();
  EXPECT_EQ(*store->Put("ns", "a", "one"), 1);
  EXPECT_EQ(*store->Put("ns", "a", "two"), 2);
  auto got = store->Get("ns", "a");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, "two");
  EXPECT_EQ((*got)->version, 2);
  EXPECT_FALSE(store->Get("other", "a")->has_value()) << "namespaces are apart";
  EXPECT_FALSE(store->Get("ns", "b")->has_value());
}

TEST_F(KvStoreTest, CompareAndSwapOnTheVersion) {
  auto store = Open();
  EXPECT_EQ(*store->Put("", "k", "v", /*expected_version=*/0), 1) << "0: must not exist";
  auto again = store->Put("", "k", "w", 0);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(*store->Put("", "k", "w", 1), 2);
  EXPECT_EQ(store->Put("", "k", "x", 1).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ((*store->Get("", "k"))->value, "w") << "a failed swap changes nothing";
  EXPECT_EQ(store->Delete("", "k", 1).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(*store->Delete("", "k", 2));
  EXPECT_FALSE(*store->Delete("", "k")) << "absent";
}

TEST_F(KvStoreTest, ABatchIsAllOrNothing) {
  auto store = Open();
  ASSERT_TRUE(store->Put("ns", "b", "old").ok());
  std::vector<Write> writes = {
      {Write::Kind::kPut, "a", "1", std::nullopt},
      {Write::Kind::kDelete, "b", "", std::nullopt},
      {Write::Kind::kPut, "c", "3", /*expected_version=*/5},  // fails
  };
  auto failed = store->Apply("ns", writes);
  EXPECT_EQ(failed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(failed.status().message().find("write 2"), std::string::npos);
  EXPECT_FALSE(store->Get("ns", "a")->has_value());
  EXPECT_EQ((*store->Get("ns", "b"))->value, "old");
  writes[2].expected_version = 0;
  auto applied = store->Apply("ns", writes);
  ASSERT_TRUE(applied.ok()) << applied.status().message();
  EXPECT_EQ(*applied, (std::vector<int64_t>{1, 0, 1}));
  EXPECT_FALSE(store->Get("ns", "b")->has_value());
}

TEST_F(KvStoreTest, ListsByPrefixInPages) {
  auto store = Open();
  const std::vector<std::string> keys = {"user/1", "user/2", "user/3", "users", "user0", "zzz",
                                         std::string("user/\xff", 6), std::string("\xff\xff", 2)};
  for (const std::string& key : keys) {
    ASSERT_TRUE(store->Put("ns", key, "v:" + key).ok());
  }
  auto first = store->List("ns", "user/", "", 2, /*with_values=*/true);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->entries.size(), 2u);
  EXPECT_EQ(first->entries[0].key, "user/1");
  EXPECT_EQ(first->entries[1].value, "v:user/2");
  EXPECT_EQ(first->next_after, "user/2");
  auto second = store->List("ns", "user/", first->next_after, 2, false);
  ASSERT_EQ(second->entries.size(), 2u);
  EXPECT_EQ(second->entries[0].key, "user/3");
  EXPECT_EQ(second->entries[1].key, std::string("user/\xff", 6));
  EXPECT_EQ(second->entries[1].value, "") << "without values";
  EXPECT_EQ(second->next_after, "") << "the last page";
  auto all_ff = store->List("ns", std::string("\xff", 1), "", 10, false);
  ASSERT_EQ(all_ff->entries.size(), 1u) << "a prefix of 0xff bytes has no end";
  EXPECT_EQ(store->List("ns", "", "", 100, false)->entries.size(), 8u);
  EXPECT_EQ(store->List("ns", "", "", 0, false).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KvStoreTest, LimitsOnKeysAndValues) {
  auto store = Open();
  EXPECT_EQ(store->Put("ns", "", "v").status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(store->Put("ns", std::string(kMaxKeySize, 'k'), "v").ok());
  EXPECT_EQ(store->Put("ns", std::string(kMaxKeySize + 1, 'k'), "v").status().code(),
            StatusCode::kInvalidArgument);
  std::string big(kMaxValueSize, 'v');
  big[12345] = 'x';
  ASSERT_TRUE(store->Put("ns", "big", big).ok());
  EXPECT_EQ((*store->Get("ns", "big"))->value, big);
  big.push_back('!');
  EXPECT_EQ(store->Put("ns", "big2", big).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(KvStoreTest, WritesOutliveTheStore) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Put("ns", std::string("bin\0ary", 7), std::string("\0\1\2", 3)).ok());
  }
  auto store = Open();
  auto got = store->Get("ns", std::string("bin\0ary", 7));
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->value, std::string("\0\1\2", 3));
  EXPECT_EQ((*got)->version, 1);
}

TEST_F(KvStoreTest, AFileThatIsNotADatabaseIsAnError) {
  {
    std::ofstream(dir_ / "store.db") << "this is not sqlite, not at all, but long enough";
  }
  auto store = KvStore::Open(dir_ / "store.db");
  EXPECT_FALSE(store.ok());
}

}  // namespace
}  // namespace parigot::builtin::kv
