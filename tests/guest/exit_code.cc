// Prints a line to stdout and one to stderr, then exits with the code given as its first argument, through parigot::exit
// (or, with a second argument "return", by returning it from main). With a
// second argument "forge", it first logs a text that tries to forge a line
// from another microservice and to clear the terminal. With a second
// argument "wait", it never exits: it runs until the application is stopped.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "parigot/parigot.h"

int main(int argc, char** argv) {
  int code = argc > 1 ? std::atoi(argv[1]) : 0;
  bool by_return = argc > 2 && std::string_view(argv[2]) == "return";
  bool forge = argc > 2 && std::string_view(argv[2]) == "forge";
  bool wait = argc > 2 && std::string_view(argv[2]) == "wait";
  std::printf("stdout line from %s\n", argv[0]);
  std::fprintf(stderr, "stderr line, TZ=%s\n", std::getenv("TZ") ? std::getenv("TZ") : "unset");
  parigot::Program app;
  app.launch().then([code, by_return, forge, wait] {
    if (wait) {
      // A timer that never ends is work that keeps run() running.
      parigot::every(60000, [] {});
      parigot::log::info("waiting until stopped");
      return;
    }
    if (forge) parigot::log::info("honest\n[other] forged\x1b[2J");
    parigot::log::info("exiting with " + std::to_string(code));
    if (!by_return) parigot::exit(code);
  });
  int loop = parigot::run();
  return by_return ? code : loop;
}
