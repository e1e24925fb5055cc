// Exits with the code given as its first argument, through parigot::exit
// (or, with a second argument "return", by returning it from main).
#include <cstdlib>
#include <string_view>

#include "parigot/parigot.h"

int main(int argc, char** argv) {
  int code = argc > 1 ? std::atoi(argv[1]) : 0;
  bool by_return = argc > 2 && std::string_view(argv[2]) == "return";
  parigot::Program app;
  app.launch().then([code, by_return] {
    parigot::log::info("exiting with " + std::to_string(code));
    if (!by_return) parigot::exit(code);
  });
  int loop = parigot::run();
  return by_return ? code : loop;
}
