// The host's side of the `exchange` system call: runs a guest's queued calls
// and answers, then hands it its next events (docs/abi.md; the byte layout
// is common/include/parigot/exchange.h).
//
// Thread safety: an Exchanger serves one guest, whose system calls never
// overlap; it must not be used from two threads at once.
#ifndef PARIGOT_HOST_ABI_EXCHANGE_H_
#define PARIGOT_HOST_ABI_EXCHANGE_H_

#include <string>
#include <string_view>
#include <vector>

#include "host/kernel/kernel.h"
#include "parigot/exchange.h"

namespace parigot::abi {

class Exchanger {
 public:
  // Serves `guest`; `kernel` must outlive the Exchanger.
  Exchanger(kernel::Kernel& kernel, GuestId guest) : kernel_(kernel), guest_(guest) {}
  Exchanger(const Exchanger&) = delete;
  Exchanger& operator=(const Exchanger&) = delete;

  // Runs the exchange `request` and writes its response into `*response`
  // (replacing what it held). A malformed request answers UnmarshalFailed
  // and runs nothing. Otherwise every op runs, in order, each with its own
  // result (its error is the kernel's answer to that dispatch or return);
  // then, unless max_events is 0, it waits up to timeout_ms (not at all if
  // an op failed: the guest has news to act on) for an event and takes
  // more without waiting (Kernel::ReadEvents): at most
  // max_events, at most one incoming call (the last), and no more once the
  // response's payloads reach `response_budget` bytes (the guest's buffer;
  // the last event may overshoot it, and the caller then answers
  // DataTooLarge). No event before the timeout is not an error: the answer
  // is NoError with no events.
  kernel::Err Run(std::string_view request, size_t response_budget,
                  std::string* response);

 private:
  uint32_t RunOp(const exchange::DispatchOp& op, exchange::WireId* call);
  uint32_t RunOp(const exchange::ReturnOp& op, exchange::WireId* call);
  // A string holding `bytes`, in a recycled buffer when there is one.
  std::string Payload(std::string_view bytes);
  // Keeps the buffer of a payload that has been delivered, for Payload.
  void Recycle(std::string&& payload);

  kernel::Kernel& kernel_;
  const GuestId guest_;
  // Kept between calls for their capacity.
  std::vector<exchange::Op> ops_;
  std::vector<kernel::Event> events_;
  // Payload buffers: the kernel hands a call's param and its result from
  // guest to guest as strings, which would cost an allocation each. The
  // buffers of the payloads this guest received (small ones, a bounded
  // number) are reused for those it sends, so in steady traffic they
  // circulate between the guests instead.
  std::vector<std::string> spare_payloads_;
};

}  // namespace parigot::abi

#endif  // PARIGOT_HOST_ABI_EXCHANGE_H_
