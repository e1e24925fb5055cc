// Fuzzes every system call's decoding (host/abi/syscalls.cc) through the
// very imports an engine calls (MakeSyscallImports), against a real kernel
// and a fake guest memory: the calling convention (pointers and lengths into
// guest memory, DataTooLarge and its retry), each protobuf request, and
// exchange.
//
// The input is one byte of options (bit 0: the guests start set up, see
// TwoGuests), then a script of steps (common/steps.h). A step's selector
// picks, in bits 0-3, the system call (syscalls.def's order, then exchange;
// modulo their number, so each is reachable), in bit 4 the guest (0: the
// program "main", 1: the service "greet"), and in bits 5-7 how the pointers
// are laid out (Layout); its bytes are the request. Ids in requests are
// resolved as in TwoGuests::Resolve (exchange ops, BindMethod's service), and
// exchange never waits.
//
// Properties: the answer is a KernelErr; NoError means a response that fits
// the buffer and decodes as the call's response (exchange: whole, in its
// layout); DataTooLarge states the size needed, and the same request retried
// with that much room then answers NoError with exactly that many bytes; a
// request out of bounds answers GuestReadFailed. After exit, the guest ends
// (Kernel::GuestEnded) and makes no more calls, as under the runtime.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <type_traits>
#include <utility>
#include <string>
#include <vector>

#include "common/require.h"
#include "common/steps.h"
#include "common/two_guests.h"
#include "host/abi/guest_memory.h"
#include "host/abi/syscalls.h"
#include "parigot/syscall/v1/syscall.pb.h"

namespace parigot::fuzz {
namespace {

namespace ex = exchange;
namespace sc = syscall::v1;
using engine::HostOutcome;

template <typename Response>
bool Decodes(std::string_view bytes) {
  Response response;
  return response.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

bool DecodesExchange(std::string_view bytes) {
  ex::ResponseHeader header;
  return DecodeResponse(bytes, &header);
}

struct Syscall {
  std::string_view name;
  bool (*decodes)(std::string_view response);
};
constexpr Syscall kSyscalls[] = {
#define PARIGOT_SYSCALL(import_name, Message) {#import_name, &Decodes<sc::Message##Response>},
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL
    {ex::kImportName, &DecodesExchange},
};
constexpr size_t kSyscallCount = std::size(kSyscalls);

class FakeGuest : public engine::CallContext {
 public:
  static constexpr uint32_t kMemorySize = 64 * 1024;
  std::span<uint8_t> Memory() override { return memory; }
  void* user_data() const override { return nullptr; }
  std::string_view debug_name() const override { return "fuzz"; }

  std::vector<uint8_t> memory = std::vector<uint8_t>(kMemorySize);
  // The imports bound to this guest, in kSyscalls' order.
  std::vector<engine::HostFunction> imports;
  bool ended = false;
};

// Where a call's request, response and response length go (selector bits
// 5-7). kNormal keeps them apart and in bounds; the others are what a buggy
// or hostile guest might pass.
enum Layout : uint8_t {
  kNormal,
  kSmallBuffer,      // an 8-byte response buffer: DataTooLarge, then the retry
  kBadRequestPtr,    // the request runs past the end of memory
  kBadLengthPtr,     // the response length cannot be written
  kBadResponsePtr,   // 4 bytes of room before the end, with a large capacity
  kHugeLength,       // request length 0xffffffff
  kAtEnd,            // the request ends memory; the response has no room
  kOverlap,          // the response buffer is the request's
};

struct Args {
  uint32_t req_ptr = 1024, req_len = 0, resp_ptr = 32 * 1024, resp_cap = 32 * 1024,
           len_ptr = 16;
};

Args Place(FakeGuest& guest, Layout layout, std::string_view request) {
  constexpr uint32_t kMaxRequest = 31 * 1024;
  request = request.substr(0, kMaxRequest);
  Args a;
  a.req_len = static_cast<uint32_t>(request.size());
  const uint32_t end = FakeGuest::kMemorySize;
  switch (layout) {
    case kNormal: break;
    case kSmallBuffer: a.resp_cap = 8; break;
    case kBadRequestPtr: a.req_ptr = end - a.req_len / 2 + 1; break;
    case kBadLengthPtr: a.len_ptr = end - 2; break;
    case kBadResponsePtr: a.resp_ptr = end - 4; break;
    case kHugeLength: break;
    case kAtEnd: a.req_ptr = end - a.req_len; a.resp_ptr = end; a.resp_cap = 0; break;
    case kOverlap: a.resp_ptr = a.req_ptr; break;
  }
  if (a.req_ptr + a.req_len <= end) {
    std::memcpy(guest.memory.data() + a.req_ptr, request.data(), request.size());
  }
  if (layout == kHugeLength) a.req_len = 0xffffffffu;
  return a;
}

// BindMethod's service id, resolved like an exchange's ids.
std::string ResolveBindMethod(const TwoGuests& world, std::string_view request) {
  sc::BindMethodRequest bind;
  if (!bind.ParseFromArray(request.data(), static_cast<int>(request.size()))) {
    return std::string(request);
  }
  ex::WireId id =
      world.Resolve(ex::WireId{bind.service_id().high(), bind.service_id().low()});
  bind.mutable_service_id()->set_high(id.high);
  bind.mutable_service_id()->set_low(id.low);
  return bind.SerializeAsString();
}

// Takes the ids a response revealed, for later requests to name.
void Learn(TwoGuests& world, std::string_view name, std::string_view response) {
  auto take = [](const protosupport::v1::IdRaw& raw, auto* id) {
    if (auto parsed = std::remove_pointer_t<decltype(id)>::FromRaw(raw.high(), raw.low())) {
      *id = *parsed;
    }
  };
  if (name == ex::kImportName) {
    world.Learn(response);
  } else if (sc::ExportResponse r; name == "export_service" && r.ParseFromArray(
      response.data(), static_cast<int>(response.size())) && r.service_id_size() > 0) {
    take(r.service_id(0), &world.service);
  } else if (sc::BindMethodResponse b; name == "bind_method" &&
             b.ParseFromArray(response.data(), static_cast<int>(response.size()))) {
    take(b.method_id(), &world.method);
  } else if (sc::LocateResponse l; name == "locate" &&
             l.ParseFromArray(response.data(), static_cast<int>(response.size()))) {
    take(l.service_id(), &world.service);
    if (l.binding_size() > 0) take(l.binding(0).method_id(), &world.method);
  }
}

// One call: its answer; *exit_code is set if it asked to unwind the guest.
uint32_t Call(FakeGuest& guest, size_t index, const Args& a, std::optional<int>* exit_code) {
  uint64_t args[5] = {a.req_ptr, a.req_len, a.resp_ptr, a.resp_cap, a.len_ptr};
  uint64_t results[1] = {0};
  HostOutcome outcome = guest.imports[index].callback(guest, args, results);
  Require(outcome.kind() != HostOutcome::Kind::kTrap);
  if (outcome.kind() == HostOutcome::Kind::kExit) *exit_code = outcome.exit_code();
  Require(results[0] <= 0xffffffffu && sc::KernelErr_IsValid(static_cast<int>(results[0])));
  return static_cast<uint32_t>(results[0]);
}

// PARIGOT_FUZZ_TRACE=1 prints each call and its answer (for writing seeds).
bool trace = false;

void RunStep(TwoGuests& world, FakeGuest& guest, GuestId id, uint8_t selector,
             std::string_view bytes) {
  if (guest.ended) return;
  const size_t index = (selector & 0x0f) % kSyscallCount;
  const Syscall& syscall = kSyscalls[index];
  std::string request(bytes);
  if (syscall.name == ex::kImportName) request = world.Resolve(request);
  if (syscall.name == "bind_method") request = ResolveBindMethod(world, request);
  const Args a = Place(guest, static_cast<Layout>(selector >> 5), request);

  std::optional<int> exit_code;
  uint32_t err = Call(guest, index, a, &exit_code);
  if (trace) {
    std::fprintf(stderr, "%s %s (layout %d): %s\n", id == world.server ? "greet" : "main",
                 std::string(syscall.name).c_str(), selector >> 5,
                 sc::KernelErr_Name(static_cast<sc::KernelErr>(err)).c_str());
  }
  abi::GuestMemory memory(guest.memory);
  if (!memory.InBounds(a.req_ptr, a.req_len)) Require(err == sc::GuestReadFailed);
  if (err == sc::DataTooLarge) {
    // The size needed; the identical request with that much room gets the
    // response kept back, without running the call again.
    std::optional<uint32_t> needed = memory.ReadU32(a.len_ptr);
    Require(needed.has_value() && *needed > a.resp_cap);
    Args retry = a;
    retry.resp_ptr = 32 * 1024;
    retry.resp_cap = *needed;
    err = Call(guest, index, retry, &exit_code);
    if (retry.resp_ptr + static_cast<uint64_t>(*needed) > FakeGuest::kMemorySize) {
      Require(err == sc::GuestWriteFailed);
    } else {
      Require(err == sc::NoError && memory.ReadU32(retry.len_ptr) == needed);
      Require(syscall.decodes(*memory.ReadString(retry.resp_ptr, *needed)));
    }
  } else if (err == sc::NoError) {
    std::optional<uint32_t> length = memory.ReadU32(a.len_ptr);
    Require(length.has_value() && *length <= a.resp_cap);
    std::optional<std::string_view> response = memory.ReadString(a.resp_ptr, *length);
    Require(response.has_value() && syscall.decodes(*response));
    Learn(world, syscall.name, *response);
  }
  if (exit_code) {
    guest.ended = true;
    world.kernel.GuestEnded(id, *exit_code, std::nullopt);
  }
}

}  // namespace

// One input, run.
void RunInput(const uint8_t* data, size_t size) {
  if (size == 0) return;
  TwoGuests world(/*set_up=*/(data[0] & 1) != 0);
  FakeGuest client, server;
  for (auto [guest, id] : {std::pair{&client, world.client}, std::pair{&server, world.server}}) {
    std::vector<engine::HostFunction> imports =
        abi::MakeSyscallImports(world.kernel, id);
    Require(imports.size() == kSyscallCount);  // every system call is fuzzed
    for (const Syscall& syscall : kSyscalls) {
      auto it = std::find_if(imports.begin(), imports.end(),
                             [&](const auto& f) { return f.name == syscall.name; });
      Require(it != imports.end());
      guest->imports.push_back(std::move(*it));
    }
  }
  Steps steps(data + 1, size - 1);
  uint8_t selector = 0;
  std::string_view request;
  while (steps.Next(&selector, &request)) {
    bool to_server = (selector & 0x10) != 0;
    RunStep(world, to_server ? server : client, to_server ? world.server : world.client,
            selector, request);
  }
}

}  // namespace parigot::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  parigot::fuzz::trace = std::getenv("PARIGOT_FUZZ_TRACE") != nullptr;
  // Strings that are not UTF-8 fail to parse, as they must; libprotobuf
  // would also log each one.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  parigot::fuzz::RunInput(data, size);
  return 0;
}
