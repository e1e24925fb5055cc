// What the `parigot` command checks in a deployment before it runs it
// (docs/cli.md): that it has a program to run, and with hosts (network
// mode) `run --host NAME`; and how it plans the processes that `parigot up`
// starts, one `parigot run --host H` per host.
//
// Thread safety: functions of their arguments only.
#ifndef PARIGOT_HOST_CLI_HOSTS_H_
#define PARIGOT_HOST_CLI_HOSTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/cli/supervisor.h"
#include "parigot/deploy/options.h"
#include "parigot/status.h"

namespace parigot::cli {

// Checks `parigot run|test --host NAME` (`host` empty: no --host, always
// fine; the deployment then runs in one process whatever its placement).
// Errors (kInvalidArgument), naming the descriptor: `host` is not a host of
// the deployment (the message lists its hosts); the deployment has no hosts.
Status CheckHostFlag(const deploy::DeploymentOptions& deployment,
                     std::string_view host);

// Checks that `deployment` has a program for `mode`: a Main program or an
// HTTP ingress (Builtin = "http") for `parigot run` (and `up`), a Test
// program for `parigot test` (and `up --test`), wherever it is placed. Without one, the servers would start
// and serve for ever, waiting for a program that never comes. Error
// (kInvalidArgument), naming the descriptor and `command` ("parigot run"):
// "app.toml: deployment \"dev\" has no Main program (a microservice with
// Main = true): parigot run would run its servers and never end", and
// where the other command would run something, which it is.
Status CheckHasProgram(const deploy::DeploymentOptions& deployment,
                       deploy::RunMode mode, std::string_view command);

// How `parigot up` runs each host: `<argv0> run|test <descriptor>
// -d <deployment> --host <H> --engine <engine> --log-format <format>
// --log-level <level>`, and in test mode `[--filter F] [--results-file
// FILE]`.
struct HostCommand {
  // The file to run: the parigot binary itself. REQUIRES: non-empty.
  std::string executable;
  // argv[0] of each child, as `ps` shows it. REQUIRES: non-empty.
  std::string argv0;
  // The descriptor's path as the user gave it (children start in the same
  // working directory). REQUIRES: non-empty.
  std::string descriptor;
  // Engine for microservices whose descriptor entry names none.
  std::string engine = "aot";
  // How the children write their logs (`--log-format`, `--log-level`): as
  // `up` writes its own, so that the merged log is of one kind.
  std::string log_format = "text";
  std::string log_level = "info";
  // Test mode: passed on to each child as `--filter` (test_filter.h).
  std::optional<std::string> filter;
  // Test mode, if not empty: a directory where each program child appends
  // its test results (`--results-file <dir>/<host>.results`, test_report.h).
  std::string results_dir;
};

struct UpPlan {
  // One child per host that has microservices to run in the mode, in the
  // order the hosts are declared; named "host <H>" for reports. A host
  // holding a Main program (Test program in test mode) is a program child.
  std::vector<ChildSpec> children;
  // The hosts that have nothing to run in the mode (not started).
  std::vector<std::string> idle_hosts;
  // The results files given to the children (HostCommand::results_dir).
  std::vector<std::string> results_paths;
};

// Plans `parigot up` (with `mode` kTest: `parigot up --test`) for
// `deployment`, whose name every child is given with -d. Errors
// (kInvalidArgument), naming the descriptor: the deployment has no hosts
// (it runs in one process: use `parigot run`); it has no program for the
// mode (CheckHasProgram).
Result<UpPlan> PlanUp(const deploy::DeploymentOptions& deployment,
                      deploy::RunMode mode, const HostCommand& command);

}  // namespace parigot::cli

#endif  // PARIGOT_HOST_CLI_HOSTS_H_
