// The network side of one process of an application: what host it is, who
// its peers are, which outside services its guests may call — from the
// deployment to a running net::Node.
#ifndef PARIGOT_HOST_RUNTIME_NETWORK_H_
#define PARIGOT_HOST_RUNTIME_NETWORK_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "host/kernel/kernel.h"
#include "host/net/node.h"
#include "host/net/service_catalog.h"
#include "parigot/deploy/options.h"
#include "parigot/status.h"

namespace parigot::runtime::internal {

// Starts the node of host `host` of `deployment` (empty `host`: the whole
// application in this process, which needs a node only to reach external
// services; returns null when there are none). `catalog` holds the
// descriptors of this process's guests: it names the methods of external
// services and feeds server reflection; it must outlive the node.
//
// An external service whose descriptor no guest here carries is skipped: no
// guest here can call it (a caller is built from the service's .proto).
//
// Errors: `host` is not a host of the deployment; the Listen address cannot
// be bound (naming the descriptor key).
Result<std::unique_ptr<net::Node>> StartNetwork(
    kernel::Kernel& kernel, const deploy::DeploymentOptions& deployment,
    const std::string& host, const net::ServiceCatalog& catalog,
    std::function<void(kernel::LogLevel, std::string_view)> log);

}  // namespace parigot::runtime::internal

#endif  // PARIGOT_HOST_RUNTIME_NETWORK_H_
