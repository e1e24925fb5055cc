#include "host/kernel/startup.h"

#include <gtest/gtest.h>

namespace parigot::kernel {
namespace {

StartupNode Node(std::string name, bool launched, std::vector<size_t> deps,
                 bool running = false) {
  StartupNode node;
  node.name = std::move(name);
  node.launched = launched;
  node.running = running;
  node.depends_on = std::move(deps);
  return node;
}

TEST(FindDependencyCyclesTest, TwoCycleNamedInOrder) {
  std::vector<StartupNode> nodes = {Node("a", true, {1}), Node("b", true, {0}),
                                    Node("c", true, {})};
  auto cycles = FindDependencyCycles(nodes);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(DescribeCycle(nodes, cycles[0]), "a -> b -> a");
}

TEST(FindDependencyCyclesTest, ThreeCycleFollowsEdges) {
  // a -> c -> b -> a
  std::vector<StartupNode> nodes = {Node("a", true, {2}), Node("b", true, {0}),
                                    Node("c", true, {1})};
  auto cycles = FindDependencyCycles(nodes);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(DescribeCycle(nodes, cycles[0]), "a -> c -> b -> a");
}

TEST(FindDependencyCyclesTest, DescriptionNamesTheServices) {
  std::vector<StartupNode> nodes = {Node("a", true, {1}), Node("b", true, {0})};
  nodes[0].depends_on_service = {"x.v1.X"};
  nodes[1].depends_on_service = {"y.v1.Y"};
  auto cycles = FindDependencyCycles(nodes);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(DescribeCycle(nodes, cycles[0]),
            "a -> b -> a (a requires x.v1.X from b; b requires y.v1.Y from a)");
}

TEST(FindDependencyCyclesTest, SelfRequirementIsACycle) {
  std::vector<StartupNode> nodes = {Node("a", true, {0})};
  auto cycles = FindDependencyCycles(nodes);
  ASSERT_EQ(cycles.size(), 1u);
  EXPECT_EQ(DescribeCycle(nodes, cycles[0]), "a -> a");
}

TEST(FindDependencyCyclesTest, NotReportedUntilAllMembersLaunched) {
  std::vector<StartupNode> nodes = {Node("a", true, {1}),
                                    Node("b", false, {0})};
  EXPECT_TRUE(FindDependencyCycles(nodes).empty());
}

TEST(FindDependencyCyclesTest, NoCycleInADiamond) {
  std::vector<StartupNode> nodes = {Node("a", true, {1, 2}),
                                    Node("b", true, {3}), Node("c", true, {3}),
                                    Node("d", true, {})};
  EXPECT_TRUE(FindDependencyCycles(nodes).empty());
}

TEST(FindDependencyCyclesTest, TwoSeparateCycles) {
  std::vector<StartupNode> nodes = {Node("a", true, {1}), Node("b", true, {0}),
                                    Node("c", true, {3}), Node("d", true, {2})};
  EXPECT_EQ(FindDependencyCycles(nodes).size(), 2u);
}

}  // namespace
}  // namespace parigot::kernel
