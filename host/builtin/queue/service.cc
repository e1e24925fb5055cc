#include "host/builtin/queue/service.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "host/builtin/method.h"
#include "parigot/queue/v1/queue.pb.h"

namespace parigot::builtin::queue {
namespace {

namespace pb = ::parigot::queue::v1;

template <typename Repeated>
std::vector<std::string> ToVector(const Repeated& items) {
  return std::vector<std::string>(items.begin(), items.end());
}

template <typename Response>
Response ReceiptResponse(ReceiptResult&& result, void (Response::*set_done)(uint32_t)) {
  Response response;
  (response.*set_done)(static_cast<uint32_t>(result.done));
  for (uint32_t index : result.stale) response.add_stale(index);
  return response;
}

}  // namespace

std::unique_ptr<NativeService> MakeQueueService(std::shared_ptr<QueueStore> store,
                                                std::function<void(std::string_view)> log) {
  // Storage failures are logged; callers see StorageFailed.
  const AnswerError answer =
      ErrorsByCode({{StatusCode::kInvalidArgument, pb::InvalidArgument},
                    {StatusCode::kNotFound, pb::NotFound}},
                   pb::StorageFailed, std::move(log));
  std::vector<NativeMethod> methods;
  methods.push_back(Method<pb::CreateRequest>(
      "Create", answer, [store](const pb::CreateRequest& request) -> Result<pb::CreateResponse> {
        auto created = store->Create(request.name());
        if (!created.ok()) return created.status();
        pb::CreateResponse response;
        response.set_created(*created);
        return response;
      }));
  methods.push_back(Method<pb::DeleteRequest>(
      "Delete", answer, [store](const pb::DeleteRequest& request) -> Result<pb::DeleteResponse> {
        auto dropped = store->Delete(request.name());
        if (!dropped.ok()) return dropped.status();
        pb::DeleteResponse response;
        response.set_existed(*dropped >= 0);
        response.set_dropped(static_cast<uint64_t>(std::max<int64_t>(*dropped, 0)));
        return response;
      }));
  methods.push_back(Method<pb::SendRequest>(
      "Send", answer, [store](const pb::SendRequest& request) -> Result<pb::SendResponse> {
        auto ids = store->Send(request.queue(), ToVector(request.bodies()), request.delay_ms());
        if (!ids.ok()) return ids.status();
        pb::SendResponse response;
        for (int64_t id : *ids) response.add_ids(id);
        return response;
      }));
  methods.push_back(Method<pb::ReceiveRequest>(
      "Receive", answer,
      [store](const pb::ReceiveRequest& request) -> Result<pb::ReceiveResponse> {
        const size_t max = request.max_messages() == 0 ? 1 : request.max_messages();
        const int64_t timeout = request.visibility_timeout_ms() == 0
                                    ? kDefaultVisibilityMs
                                    : int64_t{request.visibility_timeout_ms()};
        auto messages = store->Receive(request.queue(), max, timeout);
        if (!messages.ok()) return messages.status();
        pb::ReceiveResponse response;
        for (Message& message : *messages) {
          pb::Message* out = response.add_messages();
          out->set_id(message.id);
          out->set_body(std::move(message.body));
          out->set_delivery_count(static_cast<uint32_t>(message.delivery_count));
          out->set_receipt(std::move(message.receipt));
          out->set_sent_unix_ms(message.sent_ms);
        }
        return response;
      }));
  methods.push_back(Method<pb::AckRequest>(
      "Ack", answer, [store](const pb::AckRequest& request) -> Result<pb::AckResponse> {
        auto result = store->Ack(request.queue(), ToVector(request.receipts()));
        if (!result.ok()) return result.status();
        return ReceiptResponse(std::move(*result), &pb::AckResponse::set_acked);
      }));
  methods.push_back(Method<pb::ChangeVisibilityRequest>(
      "ChangeVisibility", answer,
      [store](const pb::ChangeVisibilityRequest& request)
          -> Result<pb::ChangeVisibilityResponse> {
        auto result = store->ChangeVisibility(request.queue(), ToVector(request.receipts()),
                                              request.visibility_timeout_ms());
        if (!result.ok()) return result.status();
        return ReceiptResponse(std::move(*result), &pb::ChangeVisibilityResponse::set_changed);
      }));
  methods.push_back(Method<pb::LengthRequest>(
      "Length", answer, [store](const pb::LengthRequest& request) -> Result<pb::LengthResponse> {
        auto counts = store->Length(request.queue());
        if (!counts.ok()) return counts.status();
        pb::LengthResponse response;
        response.set_visible(static_cast<uint64_t>(counts->visible));
        response.set_in_flight(static_cast<uint64_t>(counts->in_flight));
        response.set_delayed(static_cast<uint64_t>(counts->delayed));
        return response;
      }));
  return std::make_unique<NativeService>(kernel::ServiceName{"parigot.queue.v1", "Queue"},
                                         std::move(methods));
}

}  // namespace parigot::builtin::queue
