#include "host/runtime/network.h"

#include "host/net/wire.h"

namespace parigot::runtime::internal {

Result<std::unique_ptr<net::Node>> StartNetwork(
    kernel::Kernel& kernel, const deploy::DeploymentOptions& deployment,
    const std::string& host, const net::ServiceCatalog& catalog,
    std::function<void(kernel::LogLevel, std::string_view)> log) {
  net::NodeOptions options;
  options.log = std::move(log);
  if (!host.empty()) {
    const deploy::HostOptions* self = deploy::FindHost(deployment, host);
    if (self == nullptr) {
      std::string names = deploy::HostNames(deployment);
      return InvalidArgumentError(
          deployment.descriptor_path + ": deployment " + deployment.name +
          " has no host \"" + host + "\"" +
          (names.empty() ? " (it declares none)" : " (hosts: " + names + ")"));
    }
    options.host = self->name;
    options.catalog = &catalog;
    options.listen = self->listen;
    options.listen_origin = deploy::DescribeKey(*self, "Listen");
    for (const deploy::HostOptions& other : deployment.hosts) {
      if (other.name != self->name) {
        options.peers.push_back({other.name, deploy::DialAddress(other)});
      }
    }
  }
  for (const deploy::ExternalServiceOptions& external : deployment.externals) {
    std::optional<kernel::ServiceName> service =
        net::ParseServiceName(external.service);
    Result<std::vector<std::string>> methods =
        catalog.MethodNames(external.service);
    if (!service || !methods.ok()) {
      // A guest that calls a service is built from its .proto, whose
      // descriptor it carries: no guest here can call this one.
      options.log(kernel::LogLevel::kDebug,
                  deploy::DescribeKey(external, "Service") + ": no guest here uses " +
                      external.service);
      continue;
    }
    options.externals.push_back(
        {external.name, *service, external.address, std::move(*methods)});
  }
  if (options.host.empty() && options.externals.empty()) {
    return std::unique_ptr<net::Node>();
  }
  return net::Node::Start(kernel, std::move(options));
}

}  // namespace parigot::runtime::internal
