#include "host/cli/hosts.h"

#include <algorithm>

namespace parigot::cli {
namespace {

// "app.toml: deployment \"net\"", the subject of every message here.
std::string Subject(const deploy::DeploymentOptions& deployment) {
  return deployment.descriptor_path + ": deployment \"" + deployment.name + "\"";
}

std::string_view CommandName(deploy::RunMode mode) {
  return mode == deploy::RunMode::kRun ? "run" : "test";
}

}  // namespace

Status CheckHostFlag(const deploy::DeploymentOptions& deployment,
                     std::string_view host) {
  if (host.empty()) return Status::Ok();
  if (deployment.hosts.empty()) {
    return InvalidArgumentError(
        Subject(deployment) + " has no hosts (it runs as one process): remove --host " +
        std::string(host));
  }
  if (deploy::FindHost(deployment, host) != nullptr) return Status::Ok();
  return InvalidArgumentError(Subject(deployment) + " has no host \"" +
                              std::string(host) + "\"; its hosts: " +
                              deploy::HostNames(deployment));
}

Result<UpPlan> PlanUp(const deploy::DeploymentOptions& deployment,
                      deploy::RunMode mode, const HostCommand& command) {
  if (deployment.hosts.empty()) {
    return InvalidArgumentError(Subject(deployment) +
                                " has no hosts: it runs as one process; use "
                                "parigot " + std::string(CommandName(mode)));
  }
  deploy::MicroserviceKind program = mode == deploy::RunMode::kRun
                                         ? deploy::MicroserviceKind::kMain
                                         : deploy::MicroserviceKind::kTest;
  UpPlan plan;
  for (const deploy::HostOptions& host : deployment.hosts) {
    std::vector<const deploy::MicroserviceOptions*> placed =
        deploy::MicroservicesOnHost(deployment, mode, host.name);
    if (placed.empty()) {
      plan.idle_hosts.push_back(host.name);
      continue;
    }
    ChildSpec child{
        .name = "host " + host.name,
        .argv = {command.argv0, std::string(CommandName(mode)), command.descriptor,
                 "-d", deployment.name, "--host", host.name, "--engine",
                 command.engine},
        .executable = command.executable,
        .is_program = std::any_of(placed.begin(), placed.end(),
                                  [&](const deploy::MicroserviceOptions* ms) {
                                    return ms->kind == program;
                                  }),
    };
    if (command.verbose) child.argv.push_back("-v");
    if (mode == deploy::RunMode::kTest && command.filter) {
      child.argv.insert(child.argv.end(), {"--filter", *command.filter});
    }
    if (mode == deploy::RunMode::kTest && child.is_program && !command.results_dir.empty()) {
      std::string path = command.results_dir + "/" + host.name + ".results";
      child.argv.insert(child.argv.end(), {"--results-file", path});
      plan.results_paths.push_back(std::move(path));
    }
    plan.children.push_back(std::move(child));
  }
  if (plan.children.empty()) {
    return InvalidArgumentError(Subject(deployment) +
                                ": no host has anything to run under parigot " +
                                std::string(CommandName(mode)));
  }
  return plan;
}

}  // namespace parigot::cli
