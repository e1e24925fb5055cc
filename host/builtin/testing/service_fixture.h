// ScratchDir, and a gtest fixture for a built-in's service (kv, queue,
// file) through a real Kernel: the service serving on a thread of its own,
// as the runtime serves it, and a Main guest (played by the test) that
// requires it and calls its methods with encoded requests, as a guest's
// generated client would.
//
//   class KvServiceTest : public ServiceFixture {
//     void SetUp() override {
//       MakeScratchDir("kv_service_test_");
//       StartService(MakeKvService(store, StorageLog()), {"parigot.kv.v1", "KV"});
//     }
//   };
//   EXPECT_EQ(Ok<pb::PutResponse>("Put", put).version(), 1);
//   EXPECT_EQ(ErrorOf("Put", bad_put), pb::InvalidArgument);
//
// A service the test owns itself is served with StartServing(service,
// name), and may be stopped and served again (as after a restart).
//
// Thread safety: the test's thread drives the fixture; the service answers
// on server_, which TearDown joins.
#ifndef PARIGOT_HOST_BUILTIN_TESTING_SERVICE_FIXTURE_H_
#define PARIGOT_HOST_BUILTIN_TESTING_SERVICE_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "host/builtin/builtin.h"
#include "host/builtin/native_service.h"
#include "host/kernel/testing/kernel_fixture.h"

namespace parigot::builtin::testing {

// An empty directory for the running test alone: the temporary directory's
// `prefix`TESTNAME, emptied if it was there.
inline std::filesystem::path ScratchDir(const std::string& prefix) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      (prefix + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

class ServiceFixture : public kernel::testing::KernelFixture {
 protected:
  // Makes dir_ (ScratchDir), removed again by TearDown.
  void MakeScratchDir(const std::string& prefix) { dir_ = ScratchDir(prefix); }

  // What the service logs about storage failures goes to storage_log_.
  std::function<void(std::string_view)> StorageLog() {
    return [this](std::string_view line) { storage_log_ += std::string(line) + "\n"; };
  }

  // Serves `service` (which exports `name`), kept by the fixture.
  void StartService(std::unique_ptr<NativeService> service, kernel::ServiceName name) {
    service_ = std::move(service);
    StartServing(*service_, name);
  }

  // A new kernel in which `service` serves `name` and a Main program that
  // requires it has launched: the service's first instance, or its next
  // one after StopServing (as after a restart). `service` must outlive
  // StopServing.
  void StartServing(Builtin& service, const kernel::ServiceName& name) {
    // Calls that move megabytes and wait for the disk need more than the
    // fixture's default deadline.
    kernel_ = std::make_unique<kernel::Kernel>(
        Options(std::chrono::milliseconds(2000), std::chrono::milliseconds(10000)));
    GuestId native = kernel_->AddGuest("builtin", kernel::GuestKind::kService, "app.toml:1");
    server_ = std::thread([this, &service, native] { service.Serve(*kernel_, native); });
    main_ = Start(*kernel_, "main", kernel::GuestKind::kMain, {}, {name});
    ASSERT_TRUE(std::holds_alternative<kernel::LaunchCompleted>(Read(*kernel_, main_)));
    std::vector<std::pair<std::string, MethodId>> methods;
    ASSERT_EQ(kernel_->Locate(main_, name, &service_id_, &methods), syscall::v1::NoError);
    methods_.clear();
    for (const auto& [method, id] : methods) methods_[method] = id;
  }

  // Ends the application; the service's Serve returns.
  void StopServing() {
    kernel_->Exit(main_, 0, /*all=*/true);
    server_.join();
  }

  void TearDown() override {
    if (server_.joinable()) StopServing();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Calls `method` with the encoded `request` and waits for its answer.
  kernel::CallResolved Call(const std::string& method, const std::string& request) {
    CallId call;
    EXPECT_EQ(kernel_->Dispatch(main_, service_id_, methods_.at(method), request,
                                std::chrono::milliseconds(0), &call),
              syscall::v1::NoError);
    kernel::Event event = Read(*kernel_, main_, 10000);
    EXPECT_TRUE(std::holds_alternative<kernel::CallResolved>(event)) << method;
    return std::get<kernel::CallResolved>(event);
  }

  // Calls `method`, expects no error, and decodes the response.
  template <typename Response, typename Request>
  Response Ok(const std::string& method, const Request& request) {
    kernel::CallResolved resolved = Call(method, request.SerializeAsString());
    EXPECT_EQ(resolved.result_error, 0) << method;
    Response response;
    EXPECT_TRUE(response.ParseFromString(resolved.result)) << method;
    return response;
  }

  // The error a call with `request` answers (0 for none).
  template <typename Request>
  int32_t ErrorOf(const std::string& method, const Request& request) {
    return Call(method, request.SerializeAsString()).result_error;
  }

  std::filesystem::path dir_;
  std::string storage_log_;
  std::unique_ptr<kernel::Kernel> kernel_;
  std::unique_ptr<NativeService> service_;
  std::thread server_;
  GuestId main_;
  ServiceId service_id_;
  std::map<std::string, MethodId> methods_;
};

}  // namespace parigot::builtin::testing

#endif  // PARIGOT_HOST_BUILTIN_TESTING_SERVICE_FIXTURE_H_
