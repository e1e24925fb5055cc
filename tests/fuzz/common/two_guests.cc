#include "two_guests.h"

#include <chrono>
#include <cstdlib>
#include <string>

#include "common/require.h"
#include "host/log/format.h"

namespace parigot::fuzz {
namespace {

namespace sc = syscall::v1;
const kernel::ServiceName kGreeting{"greeting.v1", "Greeting"};

kernel::KernelOptions Options() {
  kernel::KernelOptions options;
  // Whatever a guest logs, both formats stay whole: text lines without
  // controls, and one valid JSON object.
  options.log = [](std::string_view source, kernel::LogLevel level, std::string_view text,
                   std::span<const kernel::LogField> fields) {
    log::Record record{.time = std::chrono::system_clock::now(),
                       .level = level,
                       .source = source,
                       .message = text,
                       .fields = fields};
    for (const std::string& line : log::FormatText(record)) {
      for (char c : line) Require(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
    }
    Require(log::IsJsonObject(log::FormatJson(record)));
  };
  return options;
}

void Check(kernel::Err err) { Require(err == sc::NoError); }

}  // namespace

TwoGuests::TwoGuests(bool set_up) : kernel(Options()) {
  server = kernel.AddGuest("greet", kernel::GuestKind::kService, "fuzz.toml:1");
  client = kernel.AddGuest("main", kernel::GuestKind::kMain, "fuzz.toml:2");
  kernel.StartGuests();
  if (!set_up) return;
  std::string name;
  Check(kernel.Register(server, &name));
  Check(kernel.Register(client, &name));
  std::vector<ServiceId> ids;
  Check(kernel.Export(server, {kGreeting}, &ids));
  service = ids.at(0);
  Check(kernel.BindMethod(server, service, "Fetch", &method));
  Check(kernel.Require(client, {kGreeting}));
  Check(kernel.Launch(server));
  Check(kernel.Launch(client));
  for (GuestId guest : {server, client}) {
    std::vector<kernel::Event> events;
    Check(kernel.ReadEvents(guest, std::chrono::milliseconds(1000), 1, SIZE_MAX, &events));
  }
}

exchange::WireId TwoGuests::Resolve(const exchange::WireId& id) const {
  if (id.high != 0) return id;
  switch (id.low) {
    case kService: return exchange::WireId::Of(service);
    case kMethod: return exchange::WireId::Of(method);
    case kLastCall: return last_call;
    case kLastIncoming: return last_incoming;
    case kClientGuest: return exchange::WireId::Of(client);
    default: return id;
  }
}

void TwoGuests::Resolve(std::vector<exchange::Op>& ops) const {
  for (exchange::Op& op : ops) {
    if (auto* dispatch = std::get_if<exchange::DispatchOp>(&op)) {
      dispatch->service = Resolve(dispatch->service);
      dispatch->method = Resolve(dispatch->method);
    } else {
      auto& answer = std::get<exchange::ReturnOp>(op);
      answer.call = Resolve(answer.call);
    }
  }
}

std::string TwoGuests::Resolve(std::string_view request) const {
  exchange::RequestHeader header;
  std::vector<exchange::Op> ops;
  if (!exchange::ParseRequest(request, &header, &ops)) return std::string(request);
  Resolve(ops);
  header.timeout_ms = 0;
  return EncodeRequest(header, ops);
}

std::string EncodeRequest(const exchange::RequestHeader& header,
                          const std::vector<exchange::Op>& ops) {
  std::string out;
  exchange::BeginRequest(out);
  for (const exchange::Op& op : ops) {
    std::visit([&](const auto& o) { exchange::AppendOp(out, o); }, op);
  }
  exchange::FinishRequest(out, header);
  return out;
}

bool DecodeResponse(std::string_view bytes, exchange::ResponseHeader* header) {
  exchange::Reader reader(bytes);
  if (!reader.ReadResponseHeader(header)) return false;
  // Each result takes 20 bytes and each event at least 8: a count beyond
  // that is malformed (and must not make us loop for long).
  if (header->op_count > bytes.size() / 20 || header->event_count > bytes.size() / 8) {
    return false;
  }
  for (uint32_t i = 0; i < header->op_count; ++i) {
    exchange::OpResult result;
    if (!reader.ReadResult(&result)) return false;
  }
  for (uint32_t i = 0; i < header->event_count; ++i) {
    exchange::Event event;
    if (!reader.ReadEvent(&event)) return false;
  }
  return reader.AtEnd();
}

void TwoGuests::Learn(std::string_view response) {
  exchange::Reader reader(response);
  exchange::ResponseHeader header;
  if (!reader.ReadResponseHeader(&header)) return;
  for (uint32_t i = 0; i < header.op_count; ++i) {
    exchange::OpResult result;
    if (!reader.ReadResult(&result)) return;
    if (result.call != exchange::WireId{}) last_call = result.call;
  }
  for (uint32_t i = 0; i < header.event_count; ++i) {
    exchange::Event event;
    if (!reader.ReadEvent(&event)) return;
    if (const auto* call = std::get_if<exchange::CallEvent>(&event)) last_incoming = call->call;
  }
}

}  // namespace parigot::fuzz
