#include "host/abi/syscalls.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "host/abi/exchange.h"
#include "host/abi/guest_memory.h"
#include "parigot/syscall/v1/syscall.pb.h"

namespace parigot::abi {
namespace {

namespace sc = syscall::v1;
using engine::HostOutcome;
using kernel::Err;

// What one guest's system calls share: who it is, and the response kept
// back by a DataTooLarge answer until the guest retries.
struct GuestState {
  kernel::Kernel* kernel;
  GuestId guest;
  // Set by the exit call: unwind the guest with this code.
  std::optional<int> exit_code;
  // The last response that did not fit, and the call that produced it.
  std::string held_import;
  std::string held_request;
  std::string held_response;
  // Where a Test program's test_begin/test_report go; null for other
  // guests, and outside `parigot test`.
  TestSink* tests = nullptr;
  // This instance's tests begun and not yet reported (suite, name).
  std::set<std::pair<std::string, std::string>> tests_running;
};

template <typename IdType>
std::optional<IdType> IdFromProto(const protosupport::v1::IdRaw& raw) {
  return IdType::FromRaw(raw.high(), raw.low());
}

template <typename IdType>
void IdToProto(const IdType& id, protosupport::v1::IdRaw* raw) {
  raw->set_high(id.high());
  raw->set_low(id.low());
}

std::vector<kernel::ServiceName> NamesFromProto(
    const google::protobuf::RepeatedPtrField<sc::FullyQualifiedService>& in) {
  std::vector<kernel::ServiceName> names;
  names.reserve(in.size());
  for (const auto& fqs : in) names.push_back({fqs.package_path(), fqs.service()});
  return names;
}

// --- One handler per system call ------------------------------------------

sc::LogLevel LevelToProto(kernel::LogLevel level) {
  switch (level) {
    case kernel::LogLevel::kDebug: return sc::LOG_LEVEL_DEBUG;
    case kernel::LogLevel::kInfo: return sc::LOG_LEVEL_INFO;
    case kernel::LogLevel::kWarn: return sc::LOG_LEVEL_WARN;
    case kernel::LogLevel::kError: return sc::LOG_LEVEL_ERROR;
  }
  return sc::LOG_LEVEL_DEBUG;
}

Err HandleRegister(GuestState& s, const sc::RegisterRequest&,
                   sc::RegisterResponse* resp) {
  std::string name;
  Err err = s.kernel->Register(s.guest, &name);
  if (err != sc::NoError) return err;
  IdToProto(s.guest, resp->mutable_guest_id());
  resp->set_name(name);
  resp->set_log_level(LevelToProto(s.kernel->log_level()));
  return sc::NoError;
}

Err HandleExport(GuestState& s, const sc::ExportRequest& req,
                 sc::ExportResponse* resp) {
  std::vector<ServiceId> ids;
  Err err = s.kernel->Export(s.guest, NamesFromProto(req.service()), &ids);
  if (err != sc::NoError) return err;
  for (const ServiceId& id : ids) IdToProto(id, resp->add_service_id());
  return sc::NoError;
}

Err HandleBindMethod(GuestState& s, const sc::BindMethodRequest& req,
                     sc::BindMethodResponse* resp) {
  auto service = IdFromProto<ServiceId>(req.service_id());
  if (!service) return sc::BadId;
  MethodId method;
  Err err = s.kernel->BindMethod(s.guest, *service, req.method_name(), &method,
                                 std::chrono::milliseconds(req.time_limit_ms()));
  if (err != sc::NoError) return err;
  IdToProto(method, resp->mutable_method_id());
  return sc::NoError;
}

Err HandleRequire(GuestState& s, const sc::RequireRequest& req,
                  sc::RequireResponse*) {
  return s.kernel->Require(s.guest, NamesFromProto(req.dest()));
}

Err HandleLaunch(GuestState& s, const sc::LaunchRequest&, sc::LaunchResponse*) {
  return s.kernel->Launch(s.guest);
}

Err HandleLocate(GuestState& s, const sc::LocateRequest& req,
                 sc::LocateResponse* resp) {
  ServiceId service;
  std::vector<std::pair<std::string, MethodId>> methods;
  Err err = s.kernel->Locate(s.guest, {req.package_name(), req.service_name()},
                             &service, &methods);
  if (err != sc::NoError) return err;
  IdToProto(service, resp->mutable_service_id());
  for (const auto& [name, id] : methods) {
    sc::MethodBinding* binding = resp->add_binding();
    binding->set_method_name(name);
    IdToProto(id, binding->mutable_method_id());
  }
  return sc::NoError;
}

Err HandleExit(GuestState& s, const sc::ExitRequest& req, sc::ExitResponse*) {
  s.kernel->Exit(s.guest, req.code(), req.all());
  s.exit_code = req.code();
  return sc::NoError;
}

kernel::LogField FieldFromProto(const sc::LogField& in) {
  kernel::LogField field{.key = in.key(), .value = std::string()};
  switch (in.value_case()) {
    case sc::LogField::kStringValue: field.value = in.string_value(); break;
    case sc::LogField::kIntValue: field.value = int64_t{in.int_value()}; break;
    case sc::LogField::kUintValue: field.value = uint64_t{in.uint_value()}; break;
    case sc::LogField::kDoubleValue: field.value = in.double_value(); break;
    case sc::LogField::kBoolValue: field.value = in.bool_value(); break;
    case sc::LogField::VALUE_NOT_SET: break;
  }
  return field;
}

Err HandleLog(GuestState& s, const sc::LogRequest& req, sc::LogResponse*) {
  kernel::LogLevel level;
  switch (req.level()) {
    case sc::LOG_LEVEL_DEBUG: level = kernel::LogLevel::kDebug; break;
    case sc::LOG_LEVEL_WARN: level = kernel::LogLevel::kWarn; break;
    case sc::LOG_LEVEL_ERROR: level = kernel::LogLevel::kError; break;
    default: level = kernel::LogLevel::kInfo; break;
  }
  // Not written: not worth converting (a guest of another SDK may not
  // filter by itself).
  if (level < s.kernel->log_level()) return sc::NoError;
  if (req.field().empty()) {
    s.kernel->Log(s.guest, level, req.message());
    return sc::NoError;
  }
  std::vector<kernel::LogField> fields;
  fields.reserve(req.field().size());
  for (const sc::LogField& field : req.field()) fields.push_back(FieldFromProto(field));
  s.kernel->Log(s.guest, level, req.message(), fields);
  return sc::NoError;
}

Err HandleTestBegin(GuestState& s, const sc::TestBeginRequest& req,
                    sc::TestBeginResponse* resp) {
  if (s.tests == nullptr) return sc::BadState;
  std::pair<std::string, std::string> key{req.suite(), req.name()};
  if (s.tests_running.count(key) > 0) return sc::BadState;
  bool run = s.tests->Begin(s.kernel->GuestName(s.guest), req.suite(), req.name(),
                            req.file(), req.line());
  if (run) s.tests_running.insert(std::move(key));
  resp->set_run(run);
  return sc::NoError;
}

Err HandleTestReport(GuestState& s, const sc::TestReportRequest& req,
                     sc::TestReportResponse*) {
  if (s.tests == nullptr) return sc::BadState;
  TestResult result;
  switch (req.outcome()) {
    case sc::TEST_OUTCOME_PASSED: result.outcome = TestOutcome::kPassed; break;
    case sc::TEST_OUTCOME_FAILED: result.outcome = TestOutcome::kFailed; break;
    case sc::TEST_OUTCOME_SKIPPED: result.outcome = TestOutcome::kSkipped; break;
    default: return sc::UnmarshalFailed;
  }
  auto running = s.tests_running.find({req.suite(), req.name()});
  if (running == s.tests_running.end()) return sc::BadState;
  s.tests_running.erase(running);
  result.program = s.kernel->GuestName(s.guest);
  result.suite = req.suite();
  result.name = req.name();
  result.duration = std::chrono::microseconds(req.duration_us());
  for (const sc::TestFailure& failure : req.failure()) {
    result.failures.push_back({failure.file(), failure.line(), failure.message()});
  }
  result.skip_reason = req.skip_reason();
  s.tests->Report(std::move(result));
  return sc::NoError;
}

// --- The calling convention, once for every system call -------------------

const engine::Signature& SyscallSignature() {
  using engine::ValueType;
  static const engine::Signature kSignature{
      {ValueType::kI32, ValueType::kI32, ValueType::kI32, ValueType::kI32,
       ValueType::kI32},
      {ValueType::kI32}};
  return kSignature;
}

// Writes `response` for the guest, or holds it back (taking it) with
// DataTooLarge.
Err Deliver(GuestState& s, GuestMemory& memory, std::string_view import,
            std::string_view request, std::string& response, uint32_t resp_ptr,
            uint32_t resp_cap, uint32_t resp_len_ptr) {
  if (!memory.WriteU32(resp_len_ptr, static_cast<uint32_t>(response.size()))) {
    return sc::GuestWriteFailed;
  }
  if (response.size() > resp_cap) {
    s.held_import = import;
    s.held_request = request;
    s.held_response = std::move(response);
    return sc::DataTooLarge;
  }
  if (!memory.Write(resp_ptr,
                    std::span(reinterpret_cast<const uint8_t*>(response.data()),
                              response.size()))) {
    return sc::GuestWriteFailed;
  }
  return sc::NoError;
}

// One import: the calling convention, once for every system call. `handle`
// is `Err(std::string_view request, uint32_t resp_cap, std::string* response)`:
// it runs the call and fills the response, which is then written to the
// guest (or held back with DataTooLarge).
template <typename Handle>
engine::HostFunction MakeImport(std::string_view import,
                                std::shared_ptr<GuestState> state, Handle handle) {
  engine::HostFunction function;
  function.module = kParigotModule;
  function.name = import;
  function.signature = SyscallSignature();
  // Kept between calls for its capacity. One guest's system calls never
  // overlap (an instance runs on one fiber), so one per guest and import is
  // enough.
  auto encoded = std::make_shared<std::string>();
  function.callback = [import = std::string(import), state, handle = std::move(handle),
                       encoded](engine::CallContext& ctx, std::span<const uint64_t> args,
                                std::span<uint64_t> results) -> HostOutcome {
    GuestState& s = *state;
    GuestMemory memory(ctx.Memory());
    auto arg = [&](int i) { return static_cast<uint32_t>(args[i]); };
    auto answer = [&](Err err) {
      results[0] = static_cast<uint32_t>(err);
      if (s.exit_code) return HostOutcome::Exit(*s.exit_code);
      return HostOutcome::Ok();
    };

    std::optional<std::string_view> request = memory.ReadString(arg(0), arg(1));
    if (!request) return answer(sc::GuestReadFailed);

    // A retry after DataTooLarge: hand over the held response, do not run
    // the call a second time.
    if (!s.held_response.empty() && s.held_import == import &&
        s.held_request == *request) {
      std::string held = std::move(s.held_response);
      s.held_response.clear();
      return answer(Deliver(s, memory, import, *request, held, arg(2), arg(3), arg(4)));
    }
    s.held_response.clear();

    Err err = handle(*request, arg(3), encoded.get());
    if (err != sc::NoError) return answer(err);
    return answer(Deliver(s, memory, import, *request, *encoded, arg(2), arg(3), arg(4)));
  };
  return function;
}

// A system call whose request and response are the protobuf messages
// syscall.v1.<Message>Request and <Message>Response.
template <typename Request, typename Response>
engine::HostFunction MakeSyscall(
    std::string_view import, std::shared_ptr<GuestState> state,
    Err (*handler)(GuestState&, const Request&, Response*)) {
  // Kept between calls, so that a steady stream of calls reuses the
  // messages' allocations.
  struct Scratch {
    Request request;
    Response response;
  };
  auto scratch = std::make_shared<Scratch>();
  GuestState* s = state.get();
  return MakeImport(import, std::move(state),
                    [s, handler, scratch](std::string_view request, uint32_t,
                                          std::string* encoded) -> Err {
                      Request& parsed = scratch->request;
                      if (!parsed.ParseFromArray(request.data(),
                                                 static_cast<int>(request.size()))) {
                        return sc::UnmarshalFailed;
                      }
                      Response& response = scratch->response;
                      response.Clear();
                      Err err = handler(*s, parsed, &response);
                      if (err != sc::NoError) return err;
                      encoded->clear();
                      if (!response.SerializeToString(encoded)) return sc::MarshalFailed;
                      return sc::NoError;
                    });
}

// exchange: its own byte layout (parigot/exchange.h), run by an Exchanger.
engine::HostFunction MakeExchange(std::shared_ptr<GuestState> state) {
  auto exchanger = std::make_shared<Exchanger>(*state->kernel, state->guest);
  return MakeImport(exchange::kImportName, std::move(state),
                    [exchanger](std::string_view request, uint32_t resp_cap,
                                std::string* response) {
                      return exchanger->Run(request, resp_cap, response);
                    });
}

}  // namespace

std::vector<engine::HostFunction> MakeSyscallImports(kernel::Kernel& kernel,
                                                     GuestId guest, TestSink* tests) {
  auto state = std::make_shared<GuestState>();
  state->kernel = &kernel;
  state->guest = guest;
  state->tests = tests;
  std::vector<engine::HostFunction> imports;
#define PARIGOT_SYSCALL(import_name, Message)                            \
  imports.push_back(MakeSyscall<sc::Message##Request, sc::Message##Response>( \
      #import_name, state, &Handle##Message));
#include "parigot/syscalls.def"
#undef PARIGOT_SYSCALL
  imports.push_back(MakeExchange(state));
  return imports;
}

}  // namespace parigot::abi
