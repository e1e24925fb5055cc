// Fuzzes the exchange system call's layout (common/include/parigot/exchange.h)
// and its host side (host/abi/exchange.cc) against a real kernel.
//
// The input is a script of steps (common/steps.h). Each step's bytes are an
// exchange request from one of two guests (selector bit 0: the service
// "greet" or the program "main"; bits 4-7: a response budget of 16 * n
// bytes, 0: 1 MiB):
//   * ParseRequest either fails, and then Exchanger::Run must answer
//     UnmarshalFailed having run nothing, or succeeds, and then the request
//     re-encodes to exactly its bytes (the layout has no slack) and runs:
//     with its ids resolved (TwoGuests::Resolve, so calls can reach the real
//     service and answer real calls) and its wait forced to a poll, so no
//     input blocks;
//   * a request that ran must get a response that decodes whole, one result
//     per op;
// and the whole input is also read as a response, as a guest would.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>
#include <vector>

#include "common/require.h"
#include "common/steps.h"
#include "common/two_guests.h"
#include "host/abi/exchange.h"

namespace parigot::fuzz {
namespace {

namespace ex = exchange;
namespace sc = syscall::v1;

// PARIGOT_FUZZ_TRACE=1 prints what each step did (for writing seeds).
bool trace = false;

void RunStep(TwoGuests& world, abi::Exchanger& exchanger, uint8_t selector,
             std::string_view request) {
  size_t budget = (selector >> 4) != 0 ? 16u * (selector >> 4) : size_t{1} << 20;
  std::string response;
  ex::RequestHeader header;
  std::vector<ex::Op> ops;
  if (!ex::ParseRequest(request, &header, &ops)) {
    Require(exchanger.Run(request, budget, &response) == sc::UnmarshalFailed);
    if (trace) std::fprintf(stderr, "guest %d: malformed\n", selector & 1);
    return;
  }
  Require(EncodeRequest(header, ops) == request);

  kernel::Err err = exchanger.Run(world.Resolve(request), budget, &response);
  if (trace) std::fprintf(stderr, "guest %d: %zu ops: %s", selector & 1, ops.size(),
                          sc::KernelErr_Name(err).c_str());
  if (err != sc::NoError) return;
  ex::ResponseHeader answer;
  Require(DecodeResponse(response, &answer));
  if (trace) {
    ex::Reader reader(response);
    (void)reader.ReadResponseHeader(&answer);
    for (uint32_t i = 0; i < answer.op_count; ++i) {
      ex::OpResult result;
      (void)reader.ReadResult(&result);
      std::fprintf(stderr, " %s", sc::KernelErr_Name(static_cast<sc::KernelErr>(result.error)).c_str());
    }
    std::fprintf(stderr, "; %u events\n", answer.event_count);
  }
  Require(answer.op_count == header.op_count);
  Require(answer.event_count <= header.max_events);
  world.Learn(response);
}

}  // namespace

// One input, run.
void RunInput(const uint8_t* data, size_t size) {
  ex::ResponseHeader ignored;
  (void)DecodeResponse(std::string_view(reinterpret_cast<const char*>(data), size), &ignored);

  TwoGuests world(/*set_up=*/true);
  abi::Exchanger server(world.kernel, world.server);
  abi::Exchanger client(world.kernel, world.client);
  Steps steps(data, size);
  uint8_t selector = 0;
  std::string_view request;
  while (steps.Next(&selector, &request)) {
    RunStep(world, (selector & 1) != 0 ? server : client, selector, request);
  }
}

}  // namespace parigot::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  parigot::fuzz::trace = std::getenv("PARIGOT_FUZZ_TRACE") != nullptr;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  parigot::fuzz::RunInput(data, size);
  return 0;
}
