// One of many small services for the scale test: exports scale.v1.S<N>
// (N is its first argument) with one method, Ping, that answers its request
// bytes unchanged. Built on the SDK's Service base directly, since its name
// is chosen at run time.
#include <string>
#include <string_view>

#include "parigot/parigot.h"

namespace {

constexpr std::string_view kMethods[] = {"Ping"};

class Named : public parigot::Service {
 public:
  explicit Named(const std::string& name)
      : parigot::Service("scale.v1", name, kMethods) {}

 private:
  void Dispatch(size_t method_index, std::string_view param,
                parigot::internal::Responder responder) override {
    if (method_index != 0) return parigot::internal::UnknownMethod(method_index, responder);
    responder.ReplyBytes(param);
  }
};

}  // namespace

int main(int argc, char** argv) {
  // Outlives the Service, which keeps a view of it.
  static std::string name = "S" + std::string(argc > 1 ? argv[1] : "0");
  Named service(name);
  parigot::Program app({}, {&service});
  app.launch();
  return parigot::run();
}
