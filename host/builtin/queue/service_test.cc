// The Queue service through a real Kernel: what a guest sends, encoded,
// and what it gets back, including garbage and out-of-limit requests.
#include "host/builtin/queue/service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <random>
#include <string>
#include <vector>

#include "host/builtin/testing/service_fixture.h"
#include "parigot/queue/v1/queue.pb.h"

namespace parigot::builtin::queue {
namespace {

namespace pb = ::parigot::queue::v1;

const char* const kMethods[] = {"Create", "Delete", "Send",  "Receive",
                                "Ack",    "ChangeVisibility", "Length"};

class QueueServiceTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    MakeScratchDir("queue_service_test_");
    auto store = QueueStore::Open(dir_ / "queue.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    StartService(MakeQueueService(std::move(*store), StorageLog()),
                 {"parigot.queue.v1", "Queue"});
  }
  void CreateJobs() {
    pb::CreateRequest create;
    create.set_name("jobs");
    EXPECT_TRUE(Ok<pb::CreateResponse>("Create", create).created());
  }
};

TEST_F(QueueServiceTest, SendReceiveAckLength) {
  CreateJobs();
  pb::SendRequest send;
  send.set_queue("jobs");
  send.add_bodies("one");
  send.add_bodies("two");
  pb::SendResponse sent = Ok<pb::SendResponse>("Send", send);
  ASSERT_EQ(sent.ids_size(), 2);
  EXPECT_NE(sent.ids(0), sent.ids(1));

  pb::ReceiveRequest receive;
  receive.set_queue("jobs");
  pb::ReceiveResponse got = Ok<pb::ReceiveResponse>("Receive", receive);
  ASSERT_EQ(got.messages_size(), 1) << "max_messages 0 means 1";
  EXPECT_EQ(got.messages(0).body(), "one");
  EXPECT_EQ(got.messages(0).id(), sent.ids(0));
  EXPECT_EQ(got.messages(0).delivery_count(), 1u);

  pb::LengthRequest length;
  length.set_queue("jobs");
  pb::LengthResponse counts = Ok<pb::LengthResponse>("Length", length);
  EXPECT_EQ(counts.visible(), 1u);
  EXPECT_EQ(counts.in_flight(), 1u) << "hidden for the default 30 s";

  pb::AckRequest ack;
  ack.set_queue("jobs");
  ack.add_receipts(got.messages(0).receipt());
  ack.add_receipts(got.messages(0).receipt());
  pb::AckResponse acked = Ok<pb::AckResponse>("Ack", ack);
  EXPECT_EQ(acked.acked(), 1u);
  ASSERT_EQ(acked.stale_size(), 1);
  EXPECT_EQ(acked.stale(0), 1u) << "the second time, nothing is left to ack";

  receive.set_max_messages(10);
  got = Ok<pb::ReceiveResponse>("Receive", receive);
  ASSERT_EQ(got.messages_size(), 1);
  EXPECT_EQ(got.messages(0).body(), "two");
  pb::ChangeVisibilityRequest nack;
  nack.set_queue("jobs");
  nack.add_receipts(got.messages(0).receipt());
  EXPECT_EQ(Ok<pb::ChangeVisibilityResponse>("ChangeVisibility", nack).changed(), 1u);
  EXPECT_EQ(Ok<pb::LengthResponse>("Length", length).visible(), 1u);

  pb::DeleteRequest drop;
  drop.set_name("jobs");
  pb::DeleteResponse dropped = Ok<pb::DeleteResponse>("Delete", drop);
  EXPECT_TRUE(dropped.existed());
  EXPECT_EQ(dropped.dropped(), 1u);
  EXPECT_FALSE(Ok<pb::DeleteResponse>("Delete", drop).existed());
}

TEST_F(QueueServiceTest, AnEmptyQueueAnswersAnEmptyList) {
  CreateJobs();
  pb::ReceiveRequest receive;
  receive.set_queue("jobs");
  receive.set_max_messages(5);
  EXPECT_EQ(Ok<pb::ReceiveResponse>("Receive", receive).messages_size(), 0);
}

TEST_F(QueueServiceTest, EachBadFieldGetsItsErrorCode) {
  pb::CreateRequest bad_name;
  bad_name.set_name("no spaces");
  EXPECT_EQ(ErrorOf("Create", bad_name), pb::InvalidArgument);
  pb::SendRequest missing;
  missing.set_queue("missing");
  missing.add_bodies("x");
  EXPECT_EQ(ErrorOf("Send", missing), pb::NotFound);
  CreateJobs();
  pb::SendRequest no_body;
  no_body.set_queue("jobs");
  EXPECT_EQ(ErrorOf("Send", no_body), pb::InvalidArgument);
  pb::SendRequest delayed;
  delayed.set_queue("jobs");
  delayed.add_bodies("x");
  delayed.set_delay_ms(static_cast<uint32_t>(kMaxTimeoutMs + 1));
  EXPECT_EQ(ErrorOf("Send", delayed), pb::InvalidArgument);
  pb::ReceiveRequest too_many;
  too_many.set_queue("jobs");
  too_many.set_max_messages(kMaxReceiveMessages + 1);
  EXPECT_EQ(ErrorOf("Receive", too_many), pb::InvalidArgument);
  pb::ReceiveRequest too_long;
  too_long.set_queue("jobs");
  too_long.set_visibility_timeout_ms(static_cast<uint32_t>(kMaxTimeoutMs + 1));
  EXPECT_EQ(ErrorOf("Receive", too_long), pb::InvalidArgument);
  pb::AckRequest forged;
  forged.set_queue("jobs");
  forged.add_receipts("42");
  EXPECT_EQ(ErrorOf("Ack", forged), pb::InvalidArgument);
  pb::LengthRequest unnamed;
  EXPECT_EQ(ErrorOf("Length", unnamed), pb::InvalidArgument);
  EXPECT_TRUE(storage_log_.empty()) << storage_log_;
}

TEST_F(QueueServiceTest, GarbageToEveryMethodHarmsNothing) {
  CreateJobs();
  pb::SendRequest send;
  send.set_queue("jobs");
  send.add_bodies("survivor");
  ASSERT_EQ(Ok<pb::SendResponse>("Send", send).ids_size(), 1);

  std::mt19937 random(12);
  std::vector<std::string> garbage = {"\xff\xff\xff garbage", std::string("\x0a\x05jo", 4),
                                      std::string("\x12\xff\xff\xff\xff\x0f", 6),
                                      std::string(64, '\xff'), std::string("\x0a\x02\xc3\x28", 4)};
  for (int i = 0; i < 50; ++i) {
    std::string bytes(random() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    garbage.push_back(bytes);
  }
  for (const char* method : kMethods) {
    for (const std::string& bytes : garbage) {
      int32_t error = Call(method, bytes).result_error;
      // Random bytes may decode as a message; whatever they say, the
      // answer is a request error, never a failure of the store.
      EXPECT_TRUE(error == pb::NoError || error == pb::UnmarshalFailed ||
                  error == pb::InvalidArgument || error == pb::NotFound)
          << method << " answered " << error;
    }
  }
  EXPECT_EQ(Call("Send", "\xff\xff\xff garbage").result_error, pb::UnmarshalFailed);
  EXPECT_TRUE(storage_log_.empty()) << storage_log_;

  // The queue and its message are still there.
  pb::ReceiveRequest receive;
  receive.set_queue("jobs");
  receive.set_max_messages(kMaxReceiveMessages);
  pb::ReceiveResponse got = Ok<pb::ReceiveResponse>("Receive", receive);
  bool found = false;
  for (const pb::Message& m : got.messages()) found = found || m.body() == "survivor";
  EXPECT_TRUE(found);
}

TEST_F(QueueServiceTest, AFailingStoreAnswersStorageFailedAndIsLogged) {
  CreateJobs();
  // Another hand breaks the file under the service: its table is gone.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "queue.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE messages", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  pb::SendRequest send;
  send.set_queue("jobs");
  send.add_bodies("x");
  EXPECT_EQ(ErrorOf("Send", send), pb::StorageFailed);
  EXPECT_NE(storage_log_.find("queue: "), std::string::npos) << storage_log_;
  // The service goes on answering what does not need the lost table.
  pb::CreateRequest create;
  create.set_name("more");
  EXPECT_TRUE(Ok<pb::CreateResponse>("Create", create).created());
}

}  // namespace
}  // namespace parigot::builtin::queue
