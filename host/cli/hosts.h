// What the `parigot` command does with a deployment's hosts (network mode,
// docs/cli.md): it checks `run --host NAME`, and plans the processes that
// `parigot up` starts, one `parigot run --host H` per host.
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

// How `parigot up` runs each host: `<argv0> run|test <descriptor>
// -d <deployment> --host <H> --engine <engine> [-v]`, and in test mode
// `[--filter F] [--results-file FILE]`.
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
  // Children log debug lines too (-v).
  bool verbose = false;
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
// (it runs in one process: use `parigot run`); no host has anything to run.
Result<UpPlan> PlanUp(const deploy::DeploymentOptions& deployment,
                      deploy::RunMode mode, const HostCommand& command);

}  // namespace parigot::cli

#endif  // PARIGOT_HOST_CLI_HOSTS_H_
