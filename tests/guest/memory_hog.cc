// Allocates (and touches) 1 MiB blocks until malloc fails, then says whether
// its linear memory stayed within the limit given as its first argument, in
// MiB (its descriptor's MemoryLimit): "memory limit held: ..." if memory.grow
// failed at or below the limit and the guest got at least half of it, else
// "memory limit broken: ...". Exits 0 either way.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "parigot/parigot.h"

int main(int argc, char** argv) {
  const size_t limit_kib = (argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 0) * 1024;
  constexpr size_t kBlock = size_t{1} << 20;
  size_t blocks = 0;
  // A limit far above the machine's would fill it: stop at 4 GiB, wasm32's end.
  while (blocks < 4096) {
    void* block = std::malloc(kBlock);
    if (block == nullptr) break;
    std::memset(block, 1, kBlock);
    // Escapes: without it clang may remove the malloc and the memset.
    __asm__ volatile("" : : "r"(block) : "memory");
    ++blocks;
  }
  const size_t memory_kib = __builtin_wasm_memory_size(0) * 64;
  const bool held = blocks < 4096 && memory_kib <= limit_kib && blocks * 1024 >= limit_kib / 2;
  parigot::Program app;
  app.launch().then([=] {
    parigot::log::info(std::string(held ? "memory limit held" : "memory limit broken") +
                       ": malloc failed after " + std::to_string(blocks) +
                       " MiB, with a memory of " + std::to_string(memory_kib) +
                       " KiB for a limit of " + std::to_string(limit_kib) + " KiB");
    parigot::exit(0);
  });
  return parigot::run();
}
