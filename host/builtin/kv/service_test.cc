// The KV service through a real Kernel: what a guest sends, encoded, and
// what it gets back, including garbage and out-of-limit requests.
#include "host/builtin/kv/service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "host/builtin/testing/service_fixture.h"
#include "parigot/kv/v1/kv.pb.h"

namespace parigot::builtin::kv {
namespace {

namespace pb = ::parigot::kv::v1;

class KvServiceTest : public builtin::testing::ServiceFixture {
 protected:
  void SetUp() override {
    dir_ = builtin::testing::ScratchDir("kv_service_test");
    auto store = KvStore::Open(dir_ / "kv.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    service_ = MakeKvService(store_, [this](std::string_view line) {
      storage_log_ += std::string(line) + "\n";
    });
    StartServing(*service_, {"parigot.kv.v1", "KV"});
  }
  void TearDown() override {
    ServiceFixture::TearDown();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::shared_ptr<KvStore> store_;
  std::unique_ptr<NativeService> service_;
  std::string storage_log_;
};

TEST_F(KvServiceTest, PutGetListBatch) {
  pb::PutRequest put;
  put.set_ns("users");
  put.set_key("u/1");
  put.set_value("ada");
  EXPECT_EQ(Ok<pb::PutResponse>("Put", put).version(), 1);
  pb::GetRequest get;
  get.set_ns("users");
  get.set_key("u/1");
  pb::GetResponse got = Ok<pb::GetResponse>("Get", get);
  EXPECT_TRUE(got.found());
  EXPECT_EQ(got.value(), "ada");

  pb::BatchRequest batch;
  batch.set_ns("users");
  for (const char* key : {"u/2", "u/3"}) {
    pb::Write* w = batch.add_writes();
    w->set_key(key);
    w->set_value(std::string("v") + key);
  }
  pb::Write* remove = batch.add_writes();
  remove->set_key("u/1");
  remove->set_remove(true);
  pb::BatchResponse versions = Ok<pb::BatchResponse>("Batch", batch);
  EXPECT_EQ(versions.versions_size(), 3);

  pb::ListRequest list;
  list.set_ns("users");
  list.set_prefix("u/");
  list.set_limit(10);
  pb::ListResponse listed = Ok<pb::ListResponse>("List", list);
  ASSERT_EQ(listed.entries_size(), 2);
  EXPECT_EQ(listed.entries(0).key(), "u/2");
  EXPECT_EQ(listed.entries(1).value(), "vu/3");
  EXPECT_TRUE(listed.next_after().empty());
}

TEST_F(KvServiceTest, BadRequestsGetTheirErrorsAndHarmNothing) {
  EXPECT_EQ(Call("Put", "\xff\xff\xff garbage").result_error, pb::UnmarshalFailed);
  pb::PutRequest empty_key;
  EXPECT_EQ(Call("Put", empty_key.SerializeAsString()).result_error, pb::InvalidArgument);
  pb::PutRequest cas;
  cas.set_key("k");
  cas.set_check_version(true);
  cas.set_expected_version(3);
  EXPECT_EQ(Call("Put", cas.SerializeAsString()).result_error, pb::VersionMismatch);
  pb::ListRequest no_limit;
  EXPECT_EQ(Call("List", no_limit.SerializeAsString()).result_error, pb::InvalidArgument);
  // The store still works.
  cas.set_expected_version(0);
  EXPECT_EQ(Ok<pb::PutResponse>("Put", cas).version(), 1);
  EXPECT_TRUE(storage_log_.empty()) << storage_log_;
}

}  // namespace
}  // namespace parigot::builtin::kv
