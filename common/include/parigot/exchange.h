// The `exchange` system call's byte layout, shared verbatim by the host and
// the guest SDK (docs/abi.md, "exchange").
//
// exchange is the system call on every call's path: in one guest->host
// transition it runs the calls and answers a guest has queued (dispatch and
// return operations, in order) and then waits for the guest's next events.
// A round trip between two guests therefore costs one exchange on each side.
// Its request and response are not protobuf messages, unlike every other
// system call's: they are flat little-endian records, so that neither side
// parses protobuf, allocates or copies more than the payloads themselves.
//
// Request:   u32 version (= kVersion)
//            i32 timeout_ms   wait for the first event: < 0 forever, 0 poll
//            u32 max_events   at most this many events; 0: do not wait
//            u32 op_count
//            op_count ops, each a u32 OpKind and then
//              kDispatch: id service, id method, u32 timeout_ms, bytes param
//              kReturn:   id call, i32 result_error, bytes result
// Response:  u32 op_count     as in the request
//            u32 event_count
//            op_count results, each u32 error (a KernelErr) and id call (the
//              new call's id for a dispatch that succeeded, else zero)
//            event_count events, each a u32 EventKind and then
//              kCall:     id call, id service, id method, bytes param
//              kResolved: id call, i32 result_error, u32 kernel_error,
//                         bytes result
//              kLaunch:   u32 error, bytes detail
//              kExit:     i32 code
// where an id is u64 high then u64 low (the words of protosupport.v1.IdRaw)
// and bytes is a u32 length followed by that many bytes. There is no padding
// and nothing needs alignment.
//
// Writing appends to a std::string and never fails. Reading never touches a
// byte outside the span it was given, and fails (returns false) on anything
// malformed: a short record, an unknown version or kind, a count that does
// not match the records, or bytes left over.
//
// Thread safety: plain functions and values. Builds for the host and for
// wasm32-wasi guests (no exceptions, no RTTI).
#ifndef PARIGOT_EXCHANGE_H_
#define PARIGOT_EXCHANGE_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace parigot::exchange {

static_assert(std::endian::native == std::endian::little,
              "the exchange layout is little-endian, like wasm");

// The import's name in module "parigot".
inline constexpr std::string_view kImportName = "exchange";
// The layout's version; a request with any other value fails to parse.
inline constexpr uint32_t kVersion = 1;

inline constexpr size_t kRequestHeaderSize = 16;
inline constexpr size_t kResponseHeaderSize = 8;
// The smallest op: a return with an empty result.
inline constexpr size_t kMinOpSize = 4 + 16 + 4 + 4;

// An id as its two words. Which kind of id it must be is each side's check.
struct WireId {
  uint64_t high = 0;
  uint64_t low = 0;

  template <typename IdType>
  static WireId Of(const IdType& id) {
    return {id.high(), id.low()};
  }
  // The id, or nullopt if the words are not an id of this type.
  template <typename IdType>
  std::optional<IdType> As() const {
    return IdType::FromRaw(high, low);
  }
  bool operator==(const WireId&) const = default;
};

enum class OpKind : uint32_t { kDispatch = 1, kReturn = 2 };
enum class EventKind : uint32_t { kCall = 1, kResolved = 2, kLaunch = 3, kExit = 4 };

struct RequestHeader {
  int32_t timeout_ms = -1;
  uint32_t max_events = 0;
  uint32_t op_count = 0;
};

// Starts a call (the dispatch system call's request).
struct DispatchOp {
  WireId service;
  WireId method;
  uint32_t timeout_ms = 0;  // 0: the callee's default deadline
  std::string_view param;
};
// Answers a call this guest received (the return_value system call's).
struct ReturnOp {
  WireId call;
  int32_t result_error = 0;
  std::string_view result;
};
using Op = std::variant<DispatchOp, ReturnOp>;

struct ResponseHeader {
  uint32_t op_count = 0;
  uint32_t event_count = 0;
};

struct OpResult {
  uint32_t error = 0;  // a KernelErr
  WireId call;         // a dispatch's new call; zero otherwise
};

// The events of read_one (syscall.proto's IncomingCall, CallResolved,
// LaunchCompleted, ExitRequested).
struct CallEvent {
  WireId call;
  WireId service;
  WireId method;
  std::string_view param;
};
struct ResolvedEvent {
  WireId call;
  int32_t result_error = 0;
  uint32_t kernel_error = 0;
  std::string_view result;
};
struct LaunchEvent {
  uint32_t error = 0;
  std::string_view detail;
};
struct ExitEvent {
  int32_t code = 0;
};
using Event = std::variant<CallEvent, ResolvedEvent, LaunchEvent, ExitEvent>;

// --- Writing ---------------------------------------------------------------

namespace internal {

// The fixed-size part of one record, gathered on the stack and appended in
// one go (then the record's bytes, if it has any).
class Fixed {
 public:
  Fixed& U32(uint32_t v) {
    std::memcpy(bytes_ + size_, &v, 4);
    size_ += 4;
    return *this;
  }
  Fixed& I32(int32_t v) { return U32(static_cast<uint32_t>(v)); }
  Fixed& Id(const WireId& id) {
    std::memcpy(bytes_ + size_, &id.high, 8);
    std::memcpy(bytes_ + size_ + 8, &id.low, 8);
    size_ += 16;
    return *this;
  }
  void AppendTo(std::string& out) const { out.append(bytes_, size_); }
  // With `bytes` last, as a length and the bytes.
  void AppendTo(std::string& out, std::string_view bytes) {
    U32(static_cast<uint32_t>(bytes.size()));
    out.append(bytes_, size_);
    out.append(bytes);
  }

 private:
  char bytes_[64];  // the largest fixed part, a call event's, is 56 bytes
  size_t size_ = 0;
};

inline void SetU32(char* at, uint32_t v) { std::memcpy(at, &v, 4); }

}  // namespace internal

// A request is built in place: reserve the header, append the ops, then
// fill the header in (the op count is known last).
inline void BeginRequest(std::string& out) {
  out.assign(kRequestHeaderSize, '\0');
}
// REQUIRES: `request` was begun with BeginRequest.
inline void FinishRequest(std::string& request, const RequestHeader& header) {
  internal::SetU32(request.data(), kVersion);
  internal::SetU32(request.data() + 4, static_cast<uint32_t>(header.timeout_ms));
  internal::SetU32(request.data() + 8, header.max_events);
  internal::SetU32(request.data() + 12, header.op_count);
}

namespace internal {
// An op's fixed part, without its bytes' length.
inline Fixed FixedPart(const DispatchOp& op) {
  Fixed fixed;
  fixed.U32(static_cast<uint32_t>(OpKind::kDispatch))
      .Id(op.service)
      .Id(op.method)
      .U32(op.timeout_ms);
  return fixed;
}
inline Fixed FixedPart(const ReturnOp& op) {
  Fixed fixed;
  fixed.U32(static_cast<uint32_t>(OpKind::kReturn)).Id(op.call).I32(op.result_error);
  return fixed;
}
inline char* AppendRoom(std::string& out, Fixed fixed, size_t size) {
  fixed.U32(static_cast<uint32_t>(size)).AppendTo(out);
  size_t at = out.size();
  out.resize(at + size);
  return out.data() + at;
}
}  // namespace internal

// Appends `op` with its bytes (a dispatch's param, a return's result).
inline void AppendOp(std::string& out, const DispatchOp& op) {
  internal::FixedPart(op).AppendTo(out, op.param);
}
inline void AppendOp(std::string& out, const ReturnOp& op) {
  internal::FixedPart(op).AppendTo(out, op.result);
}

// Appends `op` with room for `size` bytes in place of its bytes (which are
// ignored), and returns where that room starts: the caller writes the bytes
// there, before `out` changes again.
inline char* AppendOpWithRoom(std::string& out, const DispatchOp& op, size_t size) {
  return internal::AppendRoom(out, internal::FixedPart(op), size);
}
inline char* AppendOpWithRoom(std::string& out, const ReturnOp& op, size_t size) {
  return internal::AppendRoom(out, internal::FixedPart(op), size);
}

// The same for a response: results, then events.
inline void BeginResponse(std::string& out) {
  out.assign(kResponseHeaderSize, '\0');
}
inline void FinishResponse(std::string& response, const ResponseHeader& header) {
  internal::SetU32(response.data(), header.op_count);
  internal::SetU32(response.data() + 4, header.event_count);
}
inline void AppendResult(std::string& out, const OpResult& result) {
  internal::Fixed().U32(result.error).Id(result.call).AppendTo(out);
}
inline void AppendEvent(std::string& out, const CallEvent& e) {
  internal::Fixed()
      .U32(static_cast<uint32_t>(EventKind::kCall))
      .Id(e.call)
      .Id(e.service)
      .Id(e.method)
      .AppendTo(out, e.param);
}
inline void AppendEvent(std::string& out, const ResolvedEvent& e) {
  internal::Fixed()
      .U32(static_cast<uint32_t>(EventKind::kResolved))
      .Id(e.call)
      .I32(e.result_error)
      .U32(e.kernel_error)
      .AppendTo(out, e.result);
}
inline void AppendEvent(std::string& out, const LaunchEvent& e) {
  internal::Fixed()
      .U32(static_cast<uint32_t>(EventKind::kLaunch))
      .U32(e.error)
      .AppendTo(out, e.detail);
}
inline void AppendEvent(std::string& out, const ExitEvent& e) {
  internal::Fixed().U32(static_cast<uint32_t>(EventKind::kExit)).I32(e.code).AppendTo(out);
}

// --- Reading ---------------------------------------------------------------

// A cursor over bytes it does not own; every string_view it hands out points
// into them. Each Read* either reads a whole record and advances, or fails.
// After a failure the cursor's position is unspecified: stop reading.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}

  bool AtEnd() const { return rest_.empty(); }

  [[nodiscard]] bool ReadRequestHeader(RequestHeader* header) {
    uint32_t version = 0;
    uint32_t timeout = 0;
    if (!U32(&version) || version != kVersion || !U32(&timeout) ||
        !U32(&header->max_events) || !U32(&header->op_count)) {
      return false;
    }
    header->timeout_ms = static_cast<int32_t>(timeout);
    return true;
  }

  [[nodiscard]] bool ReadOp(Op* op) {
    uint32_t kind = 0;
    if (!U32(&kind)) return false;
    switch (static_cast<OpKind>(kind)) {
      case OpKind::kDispatch: {
        DispatchOp& d = op->emplace<DispatchOp>();
        return Id(&d.service) && Id(&d.method) && U32(&d.timeout_ms) && Bytes(&d.param);
      }
      case OpKind::kReturn: {
        ReturnOp& r = op->emplace<ReturnOp>();
        return Id(&r.call) && I32(&r.result_error) && Bytes(&r.result);
      }
    }
    return false;
  }

  [[nodiscard]] bool ReadResponseHeader(ResponseHeader* header) {
    return U32(&header->op_count) && U32(&header->event_count);
  }

  [[nodiscard]] bool ReadResult(OpResult* result) {
    return U32(&result->error) && Id(&result->call);
  }

  [[nodiscard]] bool ReadEvent(Event* event) {
    uint32_t kind = 0;
    if (!U32(&kind)) return false;
    switch (static_cast<EventKind>(kind)) {
      case EventKind::kCall: {
        CallEvent& e = event->emplace<CallEvent>();
        return Id(&e.call) && Id(&e.service) && Id(&e.method) && Bytes(&e.param);
      }
      case EventKind::kResolved: {
        ResolvedEvent& e = event->emplace<ResolvedEvent>();
        return Id(&e.call) && I32(&e.result_error) && U32(&e.kernel_error) &&
               Bytes(&e.result);
      }
      case EventKind::kLaunch: {
        LaunchEvent& e = event->emplace<LaunchEvent>();
        return U32(&e.error) && Bytes(&e.detail);
      }
      case EventKind::kExit:
        return I32(&event->emplace<ExitEvent>().code);
    }
    return false;
  }

 private:
  bool U32(uint32_t* v) {
    if (rest_.size() < 4) return false;
    std::memcpy(v, rest_.data(), 4);
    rest_.remove_prefix(4);
    return true;
  }
  bool I32(int32_t* v) {
    uint32_t u = 0;
    if (!U32(&u)) return false;
    *v = static_cast<int32_t>(u);
    return true;
  }
  bool Id(WireId* id) {
    if (rest_.size() < 16) return false;
    std::memcpy(&id->high, rest_.data(), 8);
    std::memcpy(&id->low, rest_.data() + 8, 8);
    rest_.remove_prefix(16);
    return true;
  }
  bool Bytes(std::string_view* bytes) {
    uint32_t size = 0;
    if (!U32(&size) || size > rest_.size()) return false;
    *bytes = rest_.substr(0, size);
    rest_.remove_prefix(size);
    return true;
  }

  std::string_view rest_;
};

// Reads a whole request: its header and exactly header->op_count ops into
// `ops` (replacing its contents; its capacity is reused), with nothing left
// over. The ops' bytes point into `request`.
[[nodiscard]] inline bool ParseRequest(std::string_view request, RequestHeader* header,
                                       std::vector<Op>* ops) {
  Reader reader(request);
  ops->clear();
  if (!reader.ReadRequestHeader(header)) return false;
  // Every op takes at least kMinOpSize bytes: a larger count is a lie, and
  // must not size the vector.
  if (header->op_count > request.size() / kMinOpSize) return false;
  ops->resize(header->op_count);
  for (Op& op : *ops) {
    if (!reader.ReadOp(&op)) return false;
  }
  return reader.AtEnd();
}

}  // namespace parigot::exchange

#endif  // PARIGOT_EXCHANGE_H_
