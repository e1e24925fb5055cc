#include "host/runtime/network.h"

#include "host/net/wire.h"

namespace parigot::runtime::internal {
namespace {

// "app.toml:5:10: config.net.host.front.Listen", as DescribeKey does for
// microservices.
template <typename Table>
std::string DescribeTableKey(const Table& table, std::string_view key) {
  std::string where;
  auto it = table.key_locations.find(key);
  const deploy::SourceLocation& location =
      it != table.key_locations.end() ? it->second : table.location;
  where = location.ToString();
  return (where.empty() ? "" : where + ": ") + table.key_path + "." +
         std::string(key);
}

}  // namespace

Result<std::unique_ptr<net::Node>> StartNetwork(
    kernel::Kernel& kernel, const deploy::DeploymentOptions& deployment,
    const std::string& host, const net::ServiceCatalog& catalog,
    std::function<void(kernel::LogLevel, std::string_view)> log) {
  net::NodeOptions options;
  options.log = std::move(log);
  if (!host.empty()) {
    const deploy::HostOptions* self = deploy::FindHost(deployment, host);
    if (self == nullptr) {
      std::string names;
      for (const auto& h : deployment.hosts) {
        names += (names.empty() ? "" : ", ") + h.name;
      }
      return InvalidArgumentError(
          deployment.descriptor_path + ": deployment " + deployment.name +
          " has no host \"" + host + "\"" +
          (names.empty() ? " (it declares none)" : " (hosts: " + names + ")"));
    }
    options.host = self->name;
    options.catalog = &catalog;
    options.listen = self->listen;
    options.listen_origin = DescribeTableKey(*self, "Listen");
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
                  DescribeTableKey(external, "Service") + ": no guest here uses " +
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
