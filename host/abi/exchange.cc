#include "host/abi/exchange.h"

#include <chrono>
#include <variant>

namespace parigot::abi {
namespace {

namespace sc = syscall::v1;
using exchange::WireId;

void AppendEvent(const kernel::Event& event, std::string* out) {
  if (const auto* call = std::get_if<kernel::IncomingCall>(&event)) {
    exchange::AppendEvent(*out, exchange::CallEvent{WireId::Of(call->call),
                                                    WireId::Of(call->service),
                                                    WireId::Of(call->method),
                                                    call->param});
  } else if (const auto* resolved = std::get_if<kernel::CallResolved>(&event)) {
    exchange::AppendEvent(
        *out, exchange::ResolvedEvent{WireId::Of(resolved->call), resolved->result_error,
                                      static_cast<uint32_t>(resolved->kernel_error),
                                      resolved->result});
  } else if (const auto* launch = std::get_if<kernel::LaunchCompleted>(&event)) {
    exchange::AppendEvent(
        *out, exchange::LaunchEvent{static_cast<uint32_t>(launch->error), launch->detail});
  } else if (const auto* exit = std::get_if<kernel::ExitRequested>(&event)) {
    exchange::AppendEvent(*out, exchange::ExitEvent{exit->code});
  }
}

// At most this many spare payload buffers, each of at most this capacity
// (so at most 256 KiB per guest): enough for a window of pipelined calls,
// without hoarding big buffers.
constexpr size_t kMaxSparePayloads = 128;
constexpr size_t kMaxSparePayloadCapacity = 2048;

// The payload of an event, whose buffer can be recycled once delivered.
std::string* PayloadOf(kernel::Event& event) {
  if (auto* call = std::get_if<kernel::IncomingCall>(&event)) return &call->param;
  if (auto* resolved = std::get_if<kernel::CallResolved>(&event)) return &resolved->result;
  return nullptr;
}

}  // namespace

std::string Exchanger::Payload(std::string_view bytes) {
  if (spare_payloads_.empty()) return std::string(bytes);
  std::string payload = std::move(spare_payloads_.back());
  spare_payloads_.pop_back();
  payload.assign(bytes);
  return payload;
}

void Exchanger::Recycle(std::string&& payload) {
  if (spare_payloads_.size() < kMaxSparePayloads &&
      payload.capacity() <= kMaxSparePayloadCapacity) {
    spare_payloads_.push_back(std::move(payload));
  }
}

uint32_t Exchanger::RunOp(const exchange::DispatchOp& op, WireId* call) {
  std::optional<ServiceId> service = op.service.As<ServiceId>();
  std::optional<MethodId> method = op.method.As<MethodId>();
  if (!service || !method) return sc::BadId;
  // Refused before the host copies it.
  if (op.param.size() > kernel_.max_message_size()) return sc::MessageTooLarge;
  CallId id;
  kernel::Err err = kernel_.Dispatch(guest_, *service, *method, Payload(op.param),
                                     std::chrono::milliseconds(op.timeout_ms), &id);
  if (err == sc::NoError) *call = WireId::Of(id);
  return static_cast<uint32_t>(err);
}

uint32_t Exchanger::RunOp(const exchange::ReturnOp& op, WireId*) {
  std::optional<CallId> call = op.call.As<CallId>();
  if (!call) return sc::BadId;
  if (op.result.size() > kernel_.max_message_size()) {
    return static_cast<uint32_t>(kernel_.FailReturn(guest_, *call, sc::MessageTooLarge));
  }
  return static_cast<uint32_t>(
      kernel_.ReturnValue(guest_, *call, Payload(op.result), op.result_error));
}

kernel::Err Exchanger::Run(std::string_view request, size_t response_budget,
                           std::string* response) {
  exchange::RequestHeader header;
  if (!exchange::ParseRequest(request, &header, &ops_)) return sc::UnmarshalFailed;

  exchange::BeginResponse(*response);
  bool failed = false;
  for (const exchange::Op& op : ops_) {
    exchange::OpResult result;
    result.error = std::visit([&](const auto& o) { return RunOp(o, &result.call); }, op);
    failed |= result.error != sc::NoError;
    exchange::AppendResult(*response, result);
  }

  events_.clear();
  if (header.max_events > 0) {
    // A failed op is news the guest must act on (a call that did not
    // start): give it at once, with only the events already there.
    std::chrono::milliseconds timeout(failed ? 0 : header.timeout_ms);
    // The payloads, roughly what is left of the guest's buffer: the last
    // event may still overshoot it (see Run's contract).
    size_t room = response_budget > response->size() ? response_budget - response->size() : 0;
    kernel::Err err =
        kernel_.ReadEvents(guest_, timeout, header.max_events, room, &events_);
    if (err != sc::NoError && err != sc::ReadOneTimeout) return err;
    for (kernel::Event& event : events_) {
      AppendEvent(event, response);
      if (std::string* payload = PayloadOf(event)) Recycle(std::move(*payload));
    }
  }
  exchange::FinishResponse(*response, {.op_count = header.op_count,
                                      .event_count = static_cast<uint32_t>(events_.size())});
  return sc::NoError;
}

}  // namespace parigot::abi
