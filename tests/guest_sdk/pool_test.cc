// The guest SDK's pool (parigot/pool.h): freed blocks are reused by the next
// object of their size class, and the objects built on it behave.
#include "parigot/pool.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>

#include "parigot/future.h"

namespace parigot::internal {
namespace {

TEST(PoolTest, FreedBlockServesTheNextOfItsClass) {
  void* a = Pool::Allocate(40);
  Pool::Free(a, 40);
  // 33..48 bytes share a class: the block comes back.
  void* b = Pool::Allocate(33);
  EXPECT_EQ(a, b);
  // Another class does not take it.
  void* c = Pool::Allocate(64);
  EXPECT_NE(c, b);
  Pool::Free(b, 33);
  Pool::Free(c, 64);
}

TEST(PoolTest, LargeBlocksAreNotKept) {
  // Beyond the largest class the pool is operator new and delete; this only
  // checks that the sizes round-trip without touching the lists.
  void* big = Pool::Allocate(Pool::kLargest + 1);
  ASSERT_NE(big, nullptr);
  Pool::Free(big, Pool::kLargest + 1);
  void* small = Pool::Allocate(Pool::kLargest);
  Pool::Free(small, Pool::kLargest);
}

TEST(PoolTest, FutureStatesAreRecycled) {
  const void* first;
  {
    Promise<int, int> promise;
    Future<int, int> future = promise.future();
    promise.Complete(7);
    EXPECT_EQ(future.value(), 7);
    first = &future.value();
  }
  Promise<int, int> again;
  Future<int, int> future = again.future();
  again.Complete(8);
  // The new state took the freed one's block.
  EXPECT_EQ(&future.value(), first);
}

TEST(PoolTest, ContainersRunOnTheAllocator) {
  std::unordered_map<int, std::string, std::hash<int>, std::equal_to<int>,
                     PoolAllocator<std::pair<const int, std::string>>>
      map;
  for (int i = 0; i < 1000; ++i) map.emplace(i, std::to_string(i));
  for (int i = 0; i < 1000; i += 2) map.erase(i);
  EXPECT_EQ(map.size(), 500u);
  EXPECT_EQ(map.at(999), "999");
}

}  // namespace
}  // namespace parigot::internal
