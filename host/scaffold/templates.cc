#include "host/scaffold/templates.h"

#include <array>

namespace parigot::scaffold {
namespace {

constexpr std::string_view kCMakeLists = R"TEMPLATE(# @APP@: built against the installed parigot SDK.
cmake_minimum_required(VERSION 3.25)
# Before project(): parigot's package sets the wasm32-wasi toolchain that
# guests are built with. CMake finds it when `parigot` is on PATH.
find_package(Parigot @SDK_VERSION@ REQUIRED)
project(@APP@ LANGUAGES C CXX)

set(protos proto/@PACKAGE_DIR@/@SERVICE_DIR@.proto)
# The service, the Main program and the Test program: one guest each.
parigot_add_guest(@SERVICE_DIR@ SOURCES @SERVICE_DIR@/main.cc PROTOS ${protos})
parigot_add_guest(main SOURCES main/main.cc PROTOS ${protos})
parigot_add_guest(main_test SOURCES test/main.cc PROTOS ${protos})

# `ctest --preset default` runs the Test program with parigot.
enable_testing()
add_test(NAME @APP@_test
  COMMAND ${PARIGOT_EXECUTABLE} test ${CMAKE_CURRENT_SOURCE_DIR}/@APP@.toml)
)TEMPLATE";

constexpr std::string_view kPresets = R"TEMPLATE({
  "version": 6,
  "configurePresets": [
    {
      "name": "default",
      "displayName": "guests for parigot (wasm32-wasi)",
      "generator": "Ninja",
      "binaryDir": "${sourceDir}/build",
      "cacheVariables": { "CMAKE_BUILD_TYPE": "Release" }
    }
  ],
  "buildPresets": [ { "name": "default", "configurePreset": "default" } ],
  "testPresets": [
    { "name": "default", "configurePreset": "default", "output": { "outputOnFailure": true } }
  ],
  "workflowPresets": [
    {
      "name": "default",
      "steps": [
        { "type": "configure", "name": "default" },
        { "type": "build", "name": "default" }
      ]
    }
  ]
}
)TEMPLATE";

constexpr std::string_view kProto = R"TEMPLATE(// The @SERVICE@ service of @APP@.
syntax = "proto3";
package @PACKAGE@;

import "protosupport/v1/protosupport.proto";

service @SERVICE@ {
  // Calls fail with a @SERVICE@Err.
  option (protosupport.v1.error_id_name) = "@SERVICE@Err";
  // Greet answers with a greeting for `name`.
  rpc Greet(GreetRequest) returns (GreetResponse);
}

message GreetRequest {
  string name = 1;
}

message GreetResponse {
  string greeting = 1;
}

// The first four values of any parigot error enum are parigot's own.
enum @SERVICE@Err {
  option (protosupport.v1.parigot_error) = true;
  NoError = 0;
  DispatchError = 1;
  UnmarshalFailed = 2;
  MarshalFailed = 3;
  // Greet was given no name.
  EmptyName = 4;
}
)TEMPLATE";

constexpr std::string_view kService = R"TEMPLATE(// The @SERVICE@ service: implements @PACKAGE@.@SERVICE@.
#include "@PACKAGE_DIR@/@SERVICE_DIR@.parigot.h"
#include "parigot/parigot.h"

namespace {

using @NS@::GreetRequest;
using @NS@::GreetResponse;
using @NS@::@SERVICE@Err;

class @SERVICE@Impl : public @NS@::@SERVICE@Server {
 public:
  parigot::Future<GreetResponse, @SERVICE@Err> Greet(const GreetRequest& request) override {
    using Reply = parigot::Future<GreetResponse, @SERVICE@Err>;
    if (request.name.empty()) return Reply::Failed(@SERVICE@Err::EmptyName);
    return Reply::Ready({.greeting = "hello, " + request.name});
  }
};

}  // namespace

int main() {
  @SERVICE@Impl service;
  parigot::Program app({}, {&service});
  app.launch();
  return parigot::run();
}
)TEMPLATE";

constexpr std::string_view kMain = R"TEMPLATE(// The Main program of @APP@: asks @SERVICE@ for a greeting, logs it, and
// exits with code 0 (1 if the call fails).
#include <string>

#include "@PACKAGE_DIR@/@SERVICE_DIR@.parigot.h"
#include "parigot/parigot.h"

int main() {
  parigot::Program app({@NS@::@SERVICE@::require});
  app.launch().then([] {
    @NS@::@SERVICE@::locate()
        .Greet({.name = "world"})
        .then([](const @NS@::GreetResponse& response) {
          parigot::log::info(response.greeting);
          parigot::exit(0);
        })
        .or_else([](@NS@::@SERVICE@Err error, parigot::CallCause cause) {
          // cause says why a call failed by itself (deadline, callee
          // killed, not found, ...); kNone when Greet answered with error.
          parigot::log::error("Greet failed: error " + std::to_string(static_cast<int>(error)) +
                              " (" + std::string(parigot::CallCauseName(cause)) + ")");
          parigot::exit(1);
        });
  });
  return parigot::run();
}
)TEMPLATE";

constexpr std::string_view kTest = R"TEMPLATE(// The Test program of @APP@ (`parigot test @APP@.toml`): tests of the
// @SERVICE@ service, written with parigot's test API (parigot/testing.h;
// docs/guests.md in parigot, "Testing"). `parigot test` prints each
// test's result and a summary; `--filter 'Greet.*'` runs some of them.
#include "@PACKAGE_DIR@/@SERVICE_DIR@.parigot.h"
#include "parigot/parigot.h"
#include "parigot/testing.h"

namespace {

using @NS@::GreetResponse;
using @NS@::@SERVICE@Err;

// A test that calls a service returns the call's future: the test ends
// when it completes, and fails if it fails.
PARIGOT_ASYNC_TEST(Greet, AnswersByName, parigot::Future<GreetResponse, @SERVICE@Err>) {
  return @NS@::@SERVICE@::locate().Greet({.name = "world"}).then([](const GreetResponse& r) {
    EXPECT_EQ(r.greeting, "hello, world");
  });
}

// A test may also be a coroutine: co_await gives the call's outcome, and
// the test ends when the body does.
PARIGOT_ASYNC_TEST(Greet, RefusesAnEmptyName) {
  auto reply = co_await @NS@::@SERVICE@::locate().Greet({.name = ""});
  EXPECT_ERR(reply, @SERVICE@Err::EmptyName);
}

}  // namespace

int main() { return parigot::testing::RunAll({@NS@::@SERVICE@::require}); }
)TEMPLATE";

constexpr std::string_view kDescriptor = R"TEMPLATE(# @APP@ in one process: `parigot run @APP@.toml` runs the Main program,
# `parigot test @APP@.toml` the Test program, each with the service.
# WasmPaths are found in build/wasm, where the build puts the guests.
[config.dev]
SearchDir = ["build/wasm"]

[config.dev.microservice.@SERVICE_DIR@]
WasmPath = "@SERVICE_DIR@.wasm"

[config.dev.microservice.main]
WasmPath = "main.wasm"
Main = true

[config.dev.microservice.test]
WasmPath = "main_test.wasm"
Test = true
)TEMPLATE";

constexpr std::string_view kNetDescriptor = R"TEMPLATE(# @APP@ on two hosts talking gRPC: `front` runs the programs, `back` the
# service. `parigot up @APP@-net.toml` starts both on this machine; on two
# machines, set the addresses and run `parigot run @APP@-net.toml --host
# back` on one and `--host front` on the other.
[config.dev]
SearchDir = ["build/wasm"]

[config.dev.host.front]
Listen = "127.0.0.1:7601"

[config.dev.host.back]
Listen = "127.0.0.1:7602"

[config.dev.microservice.@SERVICE_DIR@]
WasmPath = "@SERVICE_DIR@.wasm"
Host = "back"

[config.dev.microservice.main]
WasmPath = "main.wasm"
Main = true
Host = "front"

[config.dev.microservice.test]
WasmPath = "main_test.wasm"
Test = true
Host = "front"
)TEMPLATE";

constexpr std::string_view kReadme = R"TEMPLATE(# @APP@

A parigot application: the service @PACKAGE@.@SERVICE@
(`proto/@PACKAGE_DIR@/@SERVICE_DIR@.proto`, implemented in
`@SERVICE_DIR@/main.cc`), a Main program that calls it (`main/main.cc`) and a
Test program (`test/main.cc`). Every one is a WebAssembly guest.

Build, then run:

    cmake --workflow --preset default
    parigot run @APP@.toml

Test:

    parigot test @APP@.toml        # or: ctest --preset default

The same application on two hosts (two processes, gRPC between them):

    parigot up @APP@-net.toml

After an edit, `cmake --build build` rebuilds what changed, including the
guests' native code. The build needs parigot's SDK on PATH (`parigot`,
from `make install` or the .deb); see parigot's docs/guests.md for the
API and docs/descriptor.md for the descriptors.
)TEMPLATE";

constexpr std::array kTemplates = {
    Template{"CMakeLists.txt", kCMakeLists},
    Template{"CMakePresets.json", kPresets},
    Template{"proto/@PACKAGE_DIR@/@SERVICE_DIR@.proto", kProto},
    Template{"@SERVICE_DIR@/main.cc", kService},
    Template{"main/main.cc", kMain},
    Template{"test/main.cc", kTest},
    Template{"@APP@.toml", kDescriptor},
    Template{"@APP@-net.toml", kNetDescriptor},
    Template{"README.md", kReadme},
};

}  // namespace

std::span<const Template> Templates() { return kTemplates; }

}  // namespace parigot::scaffold
