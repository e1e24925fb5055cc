// Running an application in one process: every microservice of a deployment
// as a guest on its own thread, wired to one kernel.
//
// This is where the parts meet (DESIGN.md section 3): the deployment model
// (deploy/) says what to run, an engine (engine/) runs each guest, the ABI
// (abi/) connects each guest to the kernel (kernel/).
#ifndef PARIGOT_HOST_RUNTIME_APPLICATION_H_
#define PARIGOT_HOST_RUNTIME_APPLICATION_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "host/abi/test_sink.h"
#include "host/kernel/types.h"
#include "parigot/deploy/options.h"
#include "parigot/status.h"

namespace parigot::runtime {

struct ApplicationOptions {
  // Which microservices run: Main programs (`parigot run`) or Test programs
  // (`parigot test`), with the servers. Default: kRun.
  deploy::RunMode mode = deploy::RunMode::kRun;
  // Engine for microservices whose descriptor entry names none.
  // Default: "interp".
  std::string default_engine = "interp";
  // The central log: every guest's log calls (with their fields) and
  // stdout/stderr lines, and the kernel's reports. REQUIRES: set. Called
  // from many threads.
  kernel::LogFn log;
  // The least level `log` writes; guests skip sending messages below it.
  // Default: kDebug (they send everything).
  kernel::LogLevel log_level = kernel::LogLevel::kDebug;
  // After the application's exit code is fixed, how long guests get to end
  // before they are abandoned. Default: 2 s.
  std::chrono::milliseconds exit_grace{2000};
  // Stop the application (exit code 130) on SIGINT and SIGTERM.
  // Default: true.
  bool handle_signals = true;
  // Worker threads running the guests' fibers. Default: 0, one per core.
  int workers = 0;
  // In a networked deployment (one with hosts), the host to run: only the
  // microservices placed on it run here, and calls to services on other
  // hosts go over gRPC. Empty: every microservice runs here, placement
  // ignored (external services are still reached over gRPC). A name that is
  // not a host of the deployment is an error. Default: empty.
  std::string host;
  // Where the Test programs' test results go (mode kTest; parigot/testing.h
  // in the guest, abi/test_sink.h). Not owned; must outlive the call and
  // any guest it abandons. Null: their test_begin/test_report calls answer
  // BadState. Default: null.
  abi::TestSink* tests = nullptr;
};

struct ApplicationResult {
  // The application's exit code: the Main program's, or the code given to
  // exit-all, or kernel::kExitProgramTrapped / kExitStartupFailed.
  int exit_code = 0;
  // Why it ended, to complete "exited with code N (...)": "Main program
  // hello ended", "interrupted by SIGINT" (Kernel::exit_reason).
  std::string exit_reason;
  // Guests that did not end within exit_grace (still running on their
  // threads). If non-zero the process must end without destroying them,
  // e.g. with std::_Exit.
  int abandoned_guests = 0;
};

// Loads, instantiates and runs every microservice of `deployment` for
// `options.mode`, and waits for the application to end. Errors (nothing ran):
// a wasm that cannot be read, decoded or instantiated, an unknown engine.
Result<ApplicationResult> RunApplication(
    const deploy::DeploymentOptions& deployment,
    const ApplicationOptions& options);

}  // namespace parigot::runtime

#endif  // PARIGOT_HOST_RUNTIME_APPLICATION_H_
