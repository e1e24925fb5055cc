// The KV service through a real Kernel: what a guest sends, encoded, and
// what it gets back, including garbage and out-of-limit requests.
#include "host/builtin/kv/service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "host/kernel/testing/kernel_fixture.h"
#include "parigot/kv/v1/kv.pb.h"

namespace parigot::builtin::kv {
namespace {

namespace pb = ::parigot::kv::v1;
using kernel::CallResolved;
using kernel::GuestKind;
using kernel::Kernel;
namespace sc = syscall::v1;

class KvServiceTest : public kernel::testing::KernelFixture {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("kv_service_test_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = KvStore::Open(dir_ / "kv.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    kernel_ = std::make_unique<Kernel>(Options());
    service_ = MakeKvService(store_, [this](std::string_view line) {
      storage_log_ += std::string(line) + "\n";
    });
    GuestId native = kernel_->AddGuest("kv", GuestKind::kService, "app.toml:1");
    server_ = std::thread([this, native] { service_->Serve(*kernel_, native); });
    main_ = Start(*kernel_, "main", GuestKind::kMain, {}, {kKv});
    ASSERT_TRUE(std::holds_alternative<kernel::LaunchCompleted>(Read(*kernel_, main_)));
    std::vector<std::pair<std::string, MethodId>> methods;
    ASSERT_EQ(kernel_->Locate(main_, kKv, &service_id_, &methods), sc::NoError);
    for (const auto& [name, id] : methods) methods_[name] = id;
  }
  void TearDown() override {
    kernel_->Exit(main_, 0, /*all=*/true);
    server_.join();
    std::filesystem::remove_all(dir_);
  }

  CallResolved Call(const std::string& method, const std::string& request) {
    CallId call;
    EXPECT_EQ(kernel_->Dispatch(main_, service_id_, methods_.at(method), request,
                                std::chrono::milliseconds(0), &call),
              sc::NoError);
    kernel::Event event = Read(*kernel_, main_);
    EXPECT_TRUE(std::holds_alternative<CallResolved>(event));
    return std::get<CallResolved>(event);
  }
  template <typename Response, typename Request>
  Response Ok(const std::string& method, const Request& request) {
    CallResolved resolved = Call(method, request.SerializeAsString());
    EXPECT_EQ(resolved.result_error, 0) << method;
    Response response;
    EXPECT_TRUE(response.ParseFromString(resolved.result));
    return response;
  }

  static inline const kernel::ServiceName kKv{"parigot.kv.v1", "KV"};
  std::filesystem::path dir_;
  std::shared_ptr<KvStore> store_;
  std::unique_ptr<Kernel> kernel_;
  std::unique_ptr<NativeService> service_;
  std::thread server_;
  GuestId main_;
  ServiceId service_id_;
  std::map<std::string, MethodId> methods_;
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
