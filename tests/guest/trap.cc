// Traps in the way named by its first argument: "unreachable" (default),
// "oob" (a load far outside linear memory) or "divzero"; or, with "spin",
// loops forever in main before it ever reaches run() (only the kernel's turn
// limit ends it).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parigot/parigot.h"

namespace {
volatile int zero = 0;
}

int main(int argc, char** argv) {
  std::string_view how = argc > 1 ? argv[1] : "unreachable";
  if (how == "spin") {
    parigot::log::info("spinning in main");
    volatile uint64_t spins = 0;
    while (true) spins = spins + 1;
  }
  parigot::Program app;
  app.launch().then([how] {
    parigot::log::info("about to trap: " + std::string(how));
    if (how == "oob") {
      volatile uint8_t* far = reinterpret_cast<uint8_t*>(uintptr_t{0xfffffff0});
      parigot::log::info(std::to_string(*far));
    } else if (how == "divzero") {
      parigot::log::info(std::to_string(10 / zero));
    }
    __builtin_trap();
  });
  return parigot::run();
}
