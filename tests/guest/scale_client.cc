// The scale test's program: requires scale.v1.S0 .. S<N-1> (N is its first
// argument), calls Ping on each once, all at the same time, and exits 0 when
// every answer came back intact.
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "parigot/parigot.h"

namespace {

constexpr std::string_view kMethods[] = {"Ping"};

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::atoi(argv[1]) : 1;
  static std::vector<std::string> names;
  for (int i = 0; i < count; ++i) names.push_back("S" + std::to_string(i));
  std::vector<parigot::ServiceName> requires_;
  for (const std::string& name : names) requires_.push_back({"scale.v1", name});

  parigot::Program app(requires_, {});
  app.launch().then([count] {
    std::vector<parigot::Future<std::string, int32_t>> calls;
    for (int i = 0; i < count; ++i) {
      auto handle = parigot::internal::LocateOrDie("scale.v1", names[i], kMethods);
      calls.push_back(parigot::internal::CallRaw(handle, 0, names[i], {}));
    }
    parigot::AllOf(std::move(calls))
        .then([count](const std::vector<std::string>& replies) {
          int intact = 0;
          for (int i = 0; i < count; ++i) intact += replies[i] == names[i];
          parigot::log::info(std::to_string(intact) + " of " + std::to_string(count) +
                             " services answered");
          parigot::exit(intact == count ? 0 : 1);
        })
        .or_else([](int32_t error) {
          parigot::log::error("a call failed: " + std::to_string(error));
          parigot::exit(1);
        });
  });
  return parigot::run();
}
