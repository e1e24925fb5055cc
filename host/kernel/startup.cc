#include "host/kernel/startup.h"

#include <algorithm>
#include <functional>

namespace parigot::kernel {

namespace {

// Tarjan's strongly connected components over the not-running guests.
class CycleFinder {
 public:
  explicit CycleFinder(const std::vector<StartupNode>& nodes)
      : nodes_(nodes),
        index_(nodes.size(), kUnvisited),
        low_(nodes.size(), 0),
        on_stack_(nodes.size(), false) {}

  std::vector<std::vector<size_t>> Run() {
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!nodes_[i].running && index_[i] == kUnvisited) Visit(i);
    }
    return std::move(cycles_);
  }

 private:
  static constexpr size_t kUnvisited = static_cast<size_t>(-1);

  void Visit(size_t v) {
    index_[v] = low_[v] = next_index_++;
    stack_.push_back(v);
    on_stack_[v] = true;
    for (size_t w : nodes_[v].depends_on) {
      if (nodes_[w].running) continue;
      if (index_[w] == kUnvisited) {
        Visit(w);
        low_[v] = std::min(low_[v], low_[w]);
      } else if (on_stack_[w]) {
        low_[v] = std::min(low_[v], index_[w]);
      }
    }
    if (low_[v] != index_[v]) return;
    std::vector<size_t> component;
    size_t w;
    do {
      w = stack_.back();
      stack_.pop_back();
      on_stack_[w] = false;
      component.push_back(w);
    } while (w != v);
    MaybeRecord(std::move(component));
  }

  void MaybeRecord(std::vector<size_t> component) {
    const StartupNode& first = nodes_[component.front()];
    bool self_loop =
        component.size() == 1 &&
        std::find(first.depends_on.begin(), first.depends_on.end(),
                  component.front()) != first.depends_on.end();
    if (component.size() == 1 && !self_loop) return;
    bool all_launched = std::all_of(component.begin(), component.end(),
                                    [&](size_t i) { return nodes_[i].launched; });
    if (!all_launched) return;
    cycles_.push_back(OrderAlongEdges(component));
  }

  // Walks the cycle from its smallest member so the report reads in
  // dependency order and is deterministic.
  std::vector<size_t> OrderAlongEdges(const std::vector<size_t>& component) {
    std::vector<bool> in_component(nodes_.size(), false);
    for (size_t i : component) in_component[i] = true;
    size_t start = *std::min_element(component.begin(), component.end());
    std::vector<size_t> order{start};
    std::vector<bool> seen(nodes_.size(), false);
    seen[start] = true;
    // Depth-first search for a path through every member back to start;
    // components are small, and the members found in order suffice when a
    // Hamiltonian path does not exist.
    std::function<bool(size_t)> extend = [&](size_t v) -> bool {
      if (order.size() == component.size()) {
        const auto& deps = nodes_[v].depends_on;
        return std::find(deps.begin(), deps.end(), start) != deps.end();
      }
      for (size_t w : nodes_[v].depends_on) {
        if (!in_component[w] || seen[w]) continue;
        seen[w] = true;
        order.push_back(w);
        if (extend(w)) return true;
        order.pop_back();
        seen[w] = false;
      }
      return false;
    };
    if (!extend(start)) {
      order = component;
      std::sort(order.begin(), order.end());
    }
    return order;
  }

  const std::vector<StartupNode>& nodes_;
  std::vector<size_t> index_;
  std::vector<size_t> low_;
  std::vector<bool> on_stack_;
  std::vector<size_t> stack_;
  size_t next_index_ = 0;
  std::vector<std::vector<size_t>> cycles_;
};

}  // namespace

std::vector<std::vector<size_t>> FindDependencyCycles(
    const std::vector<StartupNode>& nodes) {
  return CycleFinder(nodes).Run();
}

std::string DescribeCycle(const std::vector<StartupNode>& nodes,
                          const std::vector<size_t>& cycle) {
  std::string out;
  for (size_t i : cycle) {
    out += nodes[i].name;
    out += " -> ";
  }
  out += nodes[cycle.front()].name;
  std::string services;
  for (size_t k = 0; k < cycle.size(); ++k) {
    const StartupNode& node = nodes[cycle[k]];
    size_t next = cycle[(k + 1) % cycle.size()];
    for (size_t d = 0; d < node.depends_on.size(); ++d) {
      if (node.depends_on[d] != next || d >= node.depends_on_service.size()) continue;
      services += (services.empty() ? "" : "; ") + node.name + " requires " +
                  node.depends_on_service[d] + " from " + nodes[next].name;
      break;
    }
  }
  if (!services.empty()) out += " (" + services + ")";
  return out;
}

}  // namespace parigot::kernel
