// The RPC benchmark's server: answers every Ping with its request, at once.
// Its first argument picks the service it exports: "pong" (the default)
// exports bench.rpc.v1.Pong, "fan0" .. "fan7" export Fan0 .. Fan7, so that
// the fan-out benchmark's eight callees are eight guests of one binary.
#include <string>
#include <string_view>

#include "bench/rpc/v1/rpc.parigot.h"
#include "parigot/parigot.h"

namespace {

using bench::rpc::v1::Blob;
using bench::rpc::v1::RpcErr;

// Every service of rpc.proto has the one method Ping(Blob) returns (Blob).
template <typename ServerBase>
class Answer final : public ServerBase {
 public:
  parigot::Future<Blob, RpcErr> Ping(const Blob& request) override {
    return parigot::Future<Blob, RpcErr>::Ready(request);
  }
};

template <typename ServerBase>
int Serve() {
  Answer<ServerBase> service;
  parigot::Program app({}, {&service});
  app.launch();
  return parigot::run();
}

}  // namespace

int main(int argc, char** argv) {
  namespace v1 = bench::rpc::v1;
  const std::string_view which = argc > 1 ? argv[1] : "pong";
  if (which == "pong") return Serve<v1::PongServer>();
  if (which == "fan0") return Serve<v1::Fan0Server>();
  if (which == "fan1") return Serve<v1::Fan1Server>();
  if (which == "fan2") return Serve<v1::Fan2Server>();
  if (which == "fan3") return Serve<v1::Fan3Server>();
  if (which == "fan4") return Serve<v1::Fan4Server>();
  if (which == "fan5") return Serve<v1::Fan5Server>();
  if (which == "fan6") return Serve<v1::Fan6Server>();
  if (which == "fan7") return Serve<v1::Fan7Server>();
  parigot::log::error("unknown service " + std::string(which) +
                      " (want pong or fan0 .. fan7)");
  return 2;
}
