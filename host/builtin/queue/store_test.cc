// QueueStore on a real SQLite file, with a clock the tests move by hand.
#include "host/builtin/queue/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace parigot::builtin::queue {
namespace {

class QueueStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("queue_store_test_" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = Open();
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(*store_->Create("jobs"));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<QueueStore> Open() {
    auto store = QueueStore::Open(dir_ / "queue.db", [this] { return now_; });
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::vector<int64_t> Send(std::vector<std::string> bodies, int64_t delay_ms = 0) {
    auto ids = store_->Send("jobs", bodies, delay_ms);
    EXPECT_TRUE(ids.ok()) << ids.status().message();
    return ids.ok() ? *ids : std::vector<int64_t>{};
  }
  std::vector<Message> Receive(size_t max, int64_t visibility_ms = 1000) {
    auto got = store_->Receive("jobs", max, visibility_ms);
    EXPECT_TRUE(got.ok()) << got.status().message();
    return got.ok() ? *got : std::vector<Message>{};
  }
  Counts Length() { return *store_->Length("jobs"); }

  std::filesystem::path dir_;
  int64_t now_ = 1'700'000'000'000;
  std::unique_ptr<QueueStore> store_;
};

TEST_F(QueueStoreTest, EveryMessageKeepsItsOwnIdAndBodyInOrder) {
  // The original parigot copied the first row's id onto every message.
  std::vector<int64_t> ids = Send({"a", "b", "c"});
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
  std::vector<int64_t> more = Send({"d"});
  std::vector<Message> got = Receive(10);
  ASSERT_EQ(got.size(), 4u);
  const char* bodies[] = {"a", "b", "c", "d"};
  std::set<int64_t> seen;
  std::set<std::string> receipts;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].body, bodies[i]) << "first in, first out";
    EXPECT_EQ(got[i].id, i < 3 ? ids[i] : more[0]);
    EXPECT_EQ(got[i].delivery_count, 1);
    EXPECT_EQ(got[i].sent_ms, now_);
    seen.insert(got[i].id);
    receipts.insert(got[i].receipt);
  }
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(receipts.size(), 4u);
}

TEST_F(QueueStoreTest, AnEmptyQueueAnswersNoMessageNotAnError) {
  EXPECT_TRUE(Receive(5).empty());
  Send({"x"});
  ASSERT_EQ(Receive(5).size(), 1u);
  EXPECT_TRUE(Receive(5).empty()) << "the only message is in flight";
  Counts counts = Length();
  EXPECT_EQ(counts.visible, 0);
  EXPECT_EQ(counts.in_flight, 1);
  EXPECT_EQ(counts.delayed, 0);
}

TEST_F(QueueStoreTest, AMessageNotAckedInTimeIsDeliveredAgain) {
  Send({"job"});
  std::vector<Message> first = Receive(1, /*visibility_ms=*/1000);
  ASSERT_EQ(first.size(), 1u);
  now_ += 999;
  EXPECT_TRUE(Receive(1).empty()) << "hidden until its timeout";
  now_ += 1;
  std::vector<Message> second = Receive(1, 5000);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, first[0].id);
  EXPECT_EQ(second[0].body, "job");
  EXPECT_EQ(second[0].delivery_count, 2);
  EXPECT_NE(second[0].receipt, first[0].receipt);

  // The first receiver's late Ack is stale: it must not delete the message
  // that the second receiver now holds.
  auto stale = store_->Ack("jobs", {first[0].receipt});
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->done, 0u);
  EXPECT_EQ(stale->stale, std::vector<uint32_t>{0});
  EXPECT_EQ(Length().in_flight, 1);

  auto acked = store_->Ack("jobs", {second[0].receipt});
  ASSERT_TRUE(acked.ok());
  EXPECT_EQ(acked->done, 1u);
  EXPECT_TRUE(acked->stale.empty());
  now_ += 10'000;
  EXPECT_TRUE(Receive(1).empty()) << "an acknowledged message never comes back";
  EXPECT_EQ(store_->Ack("jobs", {second[0].receipt})->stale, std::vector<uint32_t>{0})
      << "acked twice";
}

TEST_F(QueueStoreTest, ALateAckStillDeletesWhenNobodyReceivedItAgain) {
  Send({"job"});
  std::vector<Message> got = Receive(1, 1000);
  now_ += 5000;
  EXPECT_EQ(Length().visible, 1);
  EXPECT_EQ(store_->Ack("jobs", {got[0].receipt})->done, 1u);
  EXPECT_EQ(Length().visible, 0);
}

TEST_F(QueueStoreTest, RedeliveredMessagesKeepTheirPlace) {
  Send({"first", "second"});
  std::vector<Message> got = Receive(1, 1000);
  ASSERT_EQ(got[0].body, "first");
  now_ += 1000;
  got = Receive(2, 1000);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].body, "first");
  EXPECT_EQ(got[0].delivery_count, 2);
  EXPECT_EQ(got[1].body, "second");
  EXPECT_EQ(got[1].delivery_count, 1);
}

TEST_F(QueueStoreTest, ChangeVisibilityNacksOrExtends) {
  Send({"a", "b"});
  std::vector<Message> got = Receive(2, 1000);
  ASSERT_EQ(got.size(), 2u);
  // A nack: "a" back at once. An extension: "b" hidden for 10 s more.
  EXPECT_EQ(store_->ChangeVisibility("jobs", {got[0].receipt}, 0)->done, 1u);
  EXPECT_EQ(store_->ChangeVisibility("jobs", {got[1].receipt}, 10'000)->done, 1u);
  now_ += 5000;
  std::vector<Message> again = Receive(5, 1000);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].body, "a");
  EXPECT_EQ(again[0].delivery_count, 2);
  auto stale = store_->ChangeVisibility("jobs", {got[0].receipt, got[1].receipt}, 0);
  ASSERT_TRUE(stale.ok());
  EXPECT_EQ(stale->done, 1u);
  EXPECT_EQ(stale->stale, std::vector<uint32_t>{0}) << "a was delivered again";
}

TEST_F(QueueStoreTest, DelayedMessagesAndLength) {
  Send({"now"});
  Send({"later"}, /*delay_ms=*/2000);
  Counts counts = Length();
  EXPECT_EQ(counts.visible, 1);
  EXPECT_EQ(counts.delayed, 1);
  std::vector<Message> got = Receive(5, 60'000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "now");
  now_ += 2000;
  got = Receive(5, 60'000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].body, "later");
  counts = Length();
  EXPECT_EQ(counts.visible, 0);
  EXPECT_EQ(counts.in_flight, 2);
  EXPECT_EQ(counts.delayed, 0);
}

TEST_F(QueueStoreTest, ReceiveTakesAtMostWhatItIsAsked) {
  Send({"1", "2", "3"});
  EXPECT_EQ(Receive(2).size(), 2u);
  EXPECT_EQ(Receive(2).size(), 1u);
}

TEST_F(QueueStoreTest, QueuesAreApartAndDeleteDropsMessages) {
  ASSERT_TRUE(*store_->Create("other"));
  EXPECT_FALSE(*store_->Create("other")) << "creating again is no error";
  Send({"a", "b"});
  ASSERT_TRUE(store_->Send("other", {"c"}).ok());
  EXPECT_EQ(store_->Length("other")->visible, 1);
  std::vector<Message> got = Receive(1);
  EXPECT_EQ(*store_->Delete("jobs"), 2);
  EXPECT_EQ(*store_->Delete("jobs"), -1);
  EXPECT_EQ(store_->Send("jobs", {"x"}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Receive("jobs", 1, 1000).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Length("jobs").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Ack("jobs", {got[0].receipt}).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(*store_->Create("jobs"));
  EXPECT_EQ(store_->Ack("jobs", {got[0].receipt})->stale, std::vector<uint32_t>{0})
      << "a receipt from before the delete acks nothing in the new queue";
  std::vector<int64_t> ids = Send({"new"});
  EXPECT_GT(ids[0], got[0].id) << "ids are never reused";
  EXPECT_EQ(store_->Length("other")->visible, 1) << "the other queue is untouched";
}

TEST_F(QueueStoreTest, EverythingSurvivesReopening) {
  Send({"acked", "in flight", "waiting"});
  std::vector<Message> got = Receive(2, 1000);
  ASSERT_TRUE(store_->Ack("jobs", {got[0].receipt}).ok());
  store_ = Open();
  Counts counts = Length();
  EXPECT_EQ(counts.visible, 1);
  EXPECT_EQ(counts.in_flight, 1) << "the visibility deadline is stored";
  now_ += 1000;
  std::vector<Message> after = Receive(10);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0].body, "in flight");
  EXPECT_EQ(after[0].delivery_count, 2);
  EXPECT_EQ(after[1].body, "waiting");
  EXPECT_EQ(store_->Ack("jobs", {got[1].receipt})->stale.size(), 1u);
}

TEST_F(QueueStoreTest, LimitsAreRefusedAndChangeNothing) {
  auto code = [](const auto& result) { return result.status().code(); };
  const StatusCode kInvalid = StatusCode::kInvalidArgument;
  EXPECT_EQ(code(store_->Create("")), kInvalid);
  EXPECT_EQ(code(store_->Create(std::string(kMaxNameSize + 1, 'q'))), kInvalid);
  EXPECT_TRUE(store_->Create(std::string(kMaxNameSize, 'q')).ok());
  EXPECT_EQ(code(store_->Create("a b")), kInvalid);
  EXPECT_EQ(code(store_->Create("a/../b")), kInvalid);
  EXPECT_EQ(code(store_->Create(std::string("a\0b", 3))), kInvalid);
  EXPECT_EQ(code(store_->Send("jobs", {})), kInvalid);
  EXPECT_EQ(code(store_->Send("jobs", std::vector<std::string>(kMaxSendBodies + 1, "x"))),
            kInvalid);
  EXPECT_EQ(code(store_->Send("jobs", {std::string(kMaxBodySize + 1, 'x')})), kInvalid);
  EXPECT_EQ(code(store_->Send("jobs", std::vector<std::string>(5, std::string(kMaxBodySize, 'x')))),
            kInvalid)
      << "over kMaxSendBytes in all";
  EXPECT_EQ(code(store_->Send("jobs", {"x"}, kMaxTimeoutMs + 1)), kInvalid);
  EXPECT_EQ(code(store_->Send("jobs", {"x"}, -1)), kInvalid);
  EXPECT_EQ(code(store_->Receive("jobs", 0, 1000)), kInvalid);
  EXPECT_EQ(code(store_->Receive("jobs", kMaxReceiveMessages + 1, 1000)), kInvalid);
  EXPECT_EQ(code(store_->Receive("jobs", 1, 0)), kInvalid);
  EXPECT_EQ(code(store_->Receive("jobs", 1, kMaxTimeoutMs + 1)), kInvalid);
  EXPECT_EQ(code(store_->Ack("jobs", {})), kInvalid);
  EXPECT_EQ(code(store_->Ack("jobs", std::vector<std::string>(kMaxReceipts + 1, "x"))), kInvalid);
  for (const char* bad : {"", "12", "-0123456789abcdef0123456789abcdef",
                          "12-0123456789abcdef0123456789abcde",
                          "12-0123456789abcdef0123456789abcdeg",
                          "1x-0123456789abcdef0123456789abcdef",
                          "1234567890123456789-0123456789abcdef0123456789abcdef"}) {
    EXPECT_EQ(code(store_->Ack("jobs", {bad})), kInvalid) << bad;
  }
  EXPECT_EQ(code(store_->ChangeVisibility("jobs", {"1-0123456789abcdef0123456789abcdef"},
                                          kMaxTimeoutMs + 1)),
            kInvalid);
  // A well-formed receipt of no message is stale, not invalid.
  EXPECT_EQ(store_->Ack("jobs", {"1-0123456789abcdef0123456789abcdef"})->stale.size(), 1u);
  Counts counts = Length();
  EXPECT_EQ(counts.visible + counts.in_flight + counts.delayed, 0) << "nothing was sent";
  EXPECT_EQ(Send({""}).size(), 1u) << "an empty body is a message";
}

TEST_F(QueueStoreTest, ConcurrentReceiversNeverShareAMessage) {
  // Two connections to one file, on two threads, as two processes on one
  // data directory would be: Receive selects and hides in one write
  // transaction, so no message is handed out twice inside its timeout.
  constexpr int kMessages = 200;
  std::vector<std::string> bodies;
  for (int i = 0; i < kMessages; ++i) bodies.push_back(std::to_string(i));
  Send(bodies);
  std::unique_ptr<QueueStore> other = Open();
  std::vector<int64_t> got[2];
  std::string errors[2];
  auto drain = [&](QueueStore* store, int who) {
    for (;;) {
      auto taken = store->Receive("jobs", 3, 60'000);
      if (!taken.ok()) {
        errors[who] = taken.status().message();
        return;
      }
      if (taken->empty()) return;
      for (const Message& m : *taken) got[who].push_back(m.id);
    }
  };
  std::thread a(drain, store_.get(), 0);
  std::thread b(drain, other.get(), 1);
  a.join();
  b.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  std::set<int64_t> all(got[0].begin(), got[0].end());
  all.insert(got[1].begin(), got[1].end());
  EXPECT_EQ(got[0].size() + got[1].size(), static_cast<size_t>(kMessages)) << "none twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kMessages)) << "none lost";
}

TEST_F(QueueStoreTest, ASendIsAllOrNothing) {
  EXPECT_FALSE(store_->Send("jobs", {"fine", std::string(kMaxBodySize + 1, 'x')}).ok());
  EXPECT_EQ(Length().visible, 0);
}

}  // namespace
}  // namespace parigot::builtin::queue
