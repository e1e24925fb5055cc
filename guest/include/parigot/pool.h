// Recycled memory for the small objects a guest makes and drops on every
// call: future states, their callbacks, call receivers, pending-call records.
// Not for hand-written code.
//
// Allocate/Free keep one free list per size class (16, 32, ..., 256 bytes);
// larger sizes go to operator new and delete. A freed block is kept for the
// next object of its class and never handed back to malloc, so the pool holds
// as many blocks of a class as were ever live at once: for a guest, whose
// calls come and go, that is what it needs anyway, and reusing a block costs
// a few instructions where malloc and free cost tens.
//
// Thread safety: the lists are thread_local. A guest has one thread; native
// tests may use futures on several, and a block freed on another thread than
// the one that allocated it just joins that thread's list.
#ifndef PARIGOT_POOL_H_
#define PARIGOT_POOL_H_

#include <cstddef>
#include <new>

namespace parigot::internal {

class Pool {
 public:
  static constexpr std::size_t kGranule = 16;
  static constexpr std::size_t kLargest = 256;

  static void* Allocate(std::size_t size) {
    if (size == 0 || size > kLargest) return ::operator new(size);
    Block*& head = heads_[Class(size)];
    if (head == nullptr) return ::operator new(Rounded(size));
    Block* block = head;
    head = block->next;
    return block;
  }

  // REQUIRES: `p` came from Allocate(size).
  static void Free(void* p, std::size_t size) {
    if (p == nullptr) return;
    if (size == 0 || size > kLargest) return ::operator delete(p);
    Block*& head = heads_[Class(size)];
    auto* block = static_cast<Block*>(p);
    block->next = head;
    head = block;
  }

 private:
  struct Block {
    Block* next;
  };
  static constexpr std::size_t Class(std::size_t size) { return (size - 1) / kGranule; }
  static constexpr std::size_t Rounded(std::size_t size) {
    return (Class(size) + 1) * kGranule;
  }

  static inline thread_local Block* heads_[kLargest / kGranule] = {};
};

// Gives a class (and every class derived from it) pooled storage. For a
// class with a virtual destructor, delete through a base pointer frees the
// derived object's size, as the language passes it.
struct Pooled {
  static void* operator new(std::size_t size) { return Pool::Allocate(size); }
  static void operator delete(void* p, std::size_t size) { Pool::Free(p, size); }
};

// A standard allocator over the pool, for node-based containers.
template <typename T>
struct PoolAllocator {
  using value_type = T;

  PoolAllocator() = default;
  template <typename U>
  PoolAllocator(const PoolAllocator<U>&) {}  // NOLINT: converting, as allocators must

  T* allocate(std::size_t n) { return static_cast<T*>(Pool::Allocate(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) { Pool::Free(p, n * sizeof(T)); }

  template <typename U>
  bool operator==(const PoolAllocator<U>&) const {
    return true;
  }
};

}  // namespace parigot::internal

#endif  // PARIGOT_POOL_H_
