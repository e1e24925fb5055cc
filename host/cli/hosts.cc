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

// The programs that `mode` runs: Main ones, or Test ones.
deploy::MicroserviceKind ProgramKind(deploy::RunMode mode) {
  return mode == deploy::RunMode::kRun ? deploy::MicroserviceKind::kMain
                                       : deploy::MicroserviceKind::kTest;
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

Status CheckHasProgram(const deploy::DeploymentOptions& deployment,
                       deploy::RunMode mode, std::string_view command) {
  const deploy::MicroserviceKind wanted = ProgramKind(mode);
  const deploy::MicroserviceKind other = ProgramKind(
      mode == deploy::RunMode::kRun ? deploy::RunMode::kTest : deploy::RunMode::kRun);
  bool has_other = false;
  for (const deploy::MicroserviceOptions& ms : deployment.microservices) {
    if (ms.kind == wanted) return Status::Ok();
    // An HTTP ingress's requests drive the application, which ends when a
    // handler calls exit_all (or at SIGINT, SIGTERM).
    if (mode == deploy::RunMode::kRun && ms.builtin == "http") return Status::Ok();
    has_other = has_other || ms.kind == other;
  }
  const std::string kind(deploy::MicroserviceKindName(wanted));
  std::string message = Subject(deployment) + " has no " + kind +
                        " program (a microservice with " + kind + " = true): " +
                        std::string(command) + " would run its servers and never end";
  if (has_other) {
    message += mode == deploy::RunMode::kRun ? "; its Test programs run with parigot test"
                                             : "; its Main program runs with parigot run";
  }
  return InvalidArgumentError(message);
}

Result<UpPlan> PlanUp(const deploy::DeploymentOptions& deployment,
                      deploy::RunMode mode, const HostCommand& command) {
  if (deployment.hosts.empty()) {
    return InvalidArgumentError(Subject(deployment) +
                                " has no hosts: it runs as one process; use "
                                "parigot " + std::string(CommandName(mode)));
  }
  if (Status has_program = CheckHasProgram(
          deployment, mode, mode == deploy::RunMode::kRun ? "parigot up" : "parigot up --test");
      !has_program.ok()) {
    return has_program;
  }
  const deploy::MicroserviceKind program = ProgramKind(mode);
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
                 command.engine, "--log-format", command.log_format, "--log-level",
                 command.log_level},
        .executable = command.executable,
        .is_program = std::any_of(placed.begin(), placed.end(),
                                  [&](const deploy::MicroserviceOptions* ms) {
                                    return ms->kind == program;
                                  }),
    };
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
  // Every microservice is placed (deploy/validate.cc), so the host of the
  // program found above is among the children.
  return plan;
}

}  // namespace parigot::cli
