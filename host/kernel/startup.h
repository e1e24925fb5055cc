// Start-up ordering: which launched guests never will run, and why.
//
// Pure functions over a snapshot of the dependency graph, so the rules are
// unit-tested without threads (the kernel releases guests incrementally,
// Kernel::ReleaseLaunchedLocked, and builds this graph only to explain a
// cycle). A guest depends on guest H when it requires a
// service that H exports. A launched guest runs once every guest it depends
// on runs; guests that depend on each other in a cycle never run, and that
// is certain once every member of the cycle has launched (before launch a
// guest may still declare requirements).
#ifndef PARIGOT_HOST_KERNEL_STARTUP_H_
#define PARIGOT_HOST_KERNEL_STARTUP_H_

#include <cstddef>
#include <string>
#include <vector>

namespace parigot::kernel {

struct StartupNode {
  std::string name;
  bool launched = false;
  bool running = false;
  // Indices of the guests exporting what this one requires.
  std::vector<size_t> depends_on;
  // Optional, parallel to depends_on: the service behind each dependency
  // ("pkg.Service"), for messages.
  std::vector<std::string> depends_on_service;
  // Required services that nobody exports (yet), as "pkg.Service".
  std::vector<std::string> unexported;
};

// Every dependency cycle among guests that are not running and have all
// launched, each as the list of its members in dependency order
// (a -> b -> ... -> a). A guest that requires its own service is a cycle of
// one.
std::vector<std::vector<size_t>> FindDependencyCycles(
    const std::vector<StartupNode>& nodes);

// "a -> b -> c -> a" for a cycle found above, followed, when the nodes name
// their services, by "(a requires x.v1.X from b; b requires ...)".
std::string DescribeCycle(const std::vector<StartupNode>& nodes,
                          const std::vector<size_t>& cycle);

}  // namespace parigot::kernel

#endif  // PARIGOT_HOST_KERNEL_STARTUP_H_
