#include "host/builtin/http/answer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "parigot/syscall/v1/syscall.pb.h"

namespace parigot::builtin::http {
namespace {

namespace sc = ::parigot::syscall::v1;

// RFC 9110's token characters.
bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c >= '0' && c <= '9') continue;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) {
      continue;
    }
    return false;
  }
  return true;
}

bool IsFieldValue(std::string_view value) {
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

constexpr std::array<std::string_view, 4> kServerHeaders = {
    "content-length", "transfer-encoding", "connection", "keep-alive"};

bool IsServerHeader(std::string_view name) {
  for (std::string_view own : kServerHeaders) {
    if (name.size() == own.size() &&
        std::equal(name.begin(), name.end(), own.begin(),
                   [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      return true;
    }
  }
  return false;
}

}  // namespace

Answer FromResponse(std::string_view response, std::string_view handler, int* dropped) {
  ::parigot::http::v1::Response decoded;
  if (!decoded.ParseFromArray(response.data(), static_cast<int>(response.size()))) {
    return Answer::Text(502, std::string(handler) + " answered an undecodable Response");
  }
  Answer answer;
  answer.status = decoded.status() == 0 ? 200 : decoded.status();
  if (answer.status < 100 || answer.status > 599) {
    return Answer::Text(502, std::string(handler) + " answered status " +
                                 std::to_string(decoded.status()) + " (not 100..599)");
  }
  for (const auto& header : decoded.headers()) {
    if (!IsToken(header.name()) || !IsFieldValue(header.value())) {
      return Answer::Text(502, std::string(handler) +
                                   " answered a header that is not a valid HTTP field");
    }
    if (IsServerHeader(header.name())) {
      if (dropped != nullptr) ++*dropped;
      continue;
    }
    answer.headers.emplace_back(header.name(), header.value());
  }
  answer.body = std::move(*decoded.mutable_body());
  return answer;
}

Answer FromCallFailure(kernel::Err kernel_error, int32_t result_error, std::string_view handler,
                       bool request_refused) {
  const std::string who(handler);
  if (kernel_error == sc::NoError) {
    return Answer::Text(502, who + " failed with its error " + std::to_string(result_error));
  }
  const std::string why = who + ": " + sc::KernelErr_Name(kernel_error);
  switch (kernel_error) {
    case sc::CallTimeout:
    case sc::ServiceKilled: return Answer::Text(504, why);
    case sc::Overloaded:
    case sc::ServiceRestarting:
    case sc::ServiceDied: return Answer::Text(503, why);
    case sc::MessageTooLarge:
      return Answer::Text(request_refused ? 413 : 502,
                          request_refused ? who + ": the request is over the message limit"
                                          : who + ": its answer is over the message limit");
    default: return Answer::Text(502, why);
  }
}

}  // namespace parigot::builtin::http
