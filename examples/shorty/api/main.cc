// shorty's API service: the handler behind the HTTP ingress.
//
//   POST /api/links            body: a URL    -> 201 {"code": "...", "url": "..."}
//   GET  /api/links                           -> 200 [{"code", "url"}, ...] (first 100)
//   GET  /api/links/CODE                      -> 200 {"code", "url", "clicks"} or 404
//   GET  /api/stats                           -> 200 {"links", "counted", "redelivered"}
//   POST /api/shutdown                        -> 200, then the application ends
//   GET  /CODE                                -> 302 to the URL (a visit), or 404
//
// Links are in the kv store ("links/CODE" -> URL); codes come from a
// counter in the store, taken with compare-and-swap so that two API
// instances never hand out the same one. A visit is a message on the
// "visits" queue; the worker counts it later, so counts lag by a moment.
#include <string>
#include <vector>

#include "parigot/http/v1/http.parigot.h"
#include "parigot/kv/v1/kv.parigot.h"
#include "parigot/parigot.h"
#include "parigot/queue/v1/queue.parigot.h"
#include "shorty/v1/shorty.parigot.h"

namespace {

namespace http = parigot::http::v1;
namespace kv = parigot::kv::v1;
namespace queue = parigot::queue::v1;
using shorty::v1::ShortyErr;
using Reply = parigot::Future<http::Response, ShortyErr>;

constexpr char kNamespace[] = "shorty";
constexpr char kVisits[] = "visits";
constexpr size_t kMaxUrl = 2048;

std::string Json(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// A short code for the n-th link: n in base 62.
std::string Code(uint64_t n) {
  static constexpr char kDigits[] =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  std::string code;
  do {
    code.insert(code.begin(), kDigits[n % 62]);
    n /= 62;
  } while (n != 0);
  return code;
}

bool IsCode(std::string_view text) {
  if (text.empty() || text.size() > 11) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

http::Response Answer(uint32_t status, std::string json) {
  return {.status = status,
          .headers = {{.name = "Content-Type", .value = "application/json"}},
          .body = std::move(json) + "\n"};
}

http::Response Error(uint32_t status, std::string_view message) {
  return Answer(status, "{\"error\": " + Json(message) + "}");
}

class Api : public shorty::v1::ApiServer {
 public:
  Reply Handle(const http::Request& request) override {
    const std::string& path = request.path;
    const std::string_view links = "/api/links/";
    if (path == "/api/links" && request.method == "POST") return Shorten(request.body);
    if (path == "/api/links" && request.method == "GET") return ListLinks();
    if (path.starts_with(links) && request.method == "GET") {
      return Describe(path.substr(links.size()));
    }
    if (path == "/api/stats" && request.method == "GET") return Stats();
    if (path == "/api/shutdown" && request.method == "POST") {
      parigot::log::info("shutdown requested");
      parigot::once(100, [] { parigot::exit_all(0); });
      return Reply::Ready(Answer(200, "{\"shutdown\": true}"));
    }
    if (path.starts_with("/api/")) {
      return Reply::Ready(Error(404, "no such API: " + request.method + " " + path));
    }
    if (request.method == "GET") return Visit(path.substr(1));
    return Reply::Ready(Error(405, "only GET follows a short link"));
  }

 private:
  kv::KV store() { return kv::KV::locate(); }

  Reply Shorten(std::string url) {
    if (!(url.starts_with("http://") || url.starts_with("https://")) || url.size() > kMaxUrl ||
        url.find_first_of(" \r\n\t") != std::string::npos) {
      co_return Error(400, "the body must be an http:// or https:// URL of at most 2048 bytes");
    }
    // Take the next number: read the counter, write it back one higher only
    // if nobody took it meanwhile; on a clash, read again.
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto next = co_await store().Get({.ns = kNamespace, .key = "meta/next"});
      if (!next) co_return Error(503, "the store failed");
      const uint64_t n = next->found ? std::stoull(next->value) : 1;
      auto taken = co_await store().Put({.ns = kNamespace, .key = "meta/next",
                                         .value = std::to_string(n + 1),
                                         .check_version = true,
                                         .expected_version = next->version});
      if (!taken && taken.error() == kv::KvErr::VersionMismatch) continue;
      if (!taken) co_return Error(503, "the store failed");
      const std::string code = Code(n);
      auto saved = co_await store().Put({.ns = kNamespace, .key = "links/" + code, .value = url,
                                         .check_version = true, .expected_version = 0});
      if (!saved) co_return Error(503, "the store failed");
      parigot::log::info("shortened", {{"code", code}, {"url", url}});
      http::Response response =
          Answer(201, "{\"code\": " + Json(code) + ", \"url\": " + Json(url) + "}");
      response.headers.push_back({.name = "Location", .value = "/" + code});
      co_return response;
    }
    co_return Error(503, "too busy to take a code");
  }

  Reply ListLinks() {
    auto page = co_await store().List({.ns = kNamespace, .prefix = "links/", .limit = 100});
    if (!page) co_return Error(503, "the store failed");
    std::string json = "[";
    for (const kv::Entry& entry : page->entries) {
      if (json.size() > 1) json += ", ";
      json += "{\"code\": " + Json(std::string_view(entry.key).substr(6)) +
              ", \"url\": " + Json(entry.value) + "}";
    }
    co_return Answer(200, json + "]");
  }

  Reply Describe(std::string code) {
    if (!IsCode(code)) co_return Error(404, "no such link");
    auto link = co_await store().Get({.ns = kNamespace, .key = "links/" + code});
    if (!link) co_return Error(503, "the store failed");
    if (!link->found) co_return Error(404, "no such link");
    auto clicks = co_await store().Get({.ns = kNamespace, .key = "clicks/" + code});
    if (!clicks) co_return Error(503, "the store failed");
    co_return Answer(200, "{\"code\": " + Json(code) + ", \"url\": " + Json(link->value) +
                              ", \"clicks\": " + (clicks->found ? clicks->value : "0") + "}");
  }

  Reply Stats() {
    auto links = co_await store().List(
        {.ns = kNamespace, .prefix = "links/", .limit = 1000, .keys_only = true});
    auto worker = co_await shorty::v1::Worker::locate().Status({});
    if (!links || !worker) co_return Error(503, "the store or the worker failed");
    co_return Answer(200, "{\"links\": " + std::to_string(links->entries.size()) +
                              ", \"counted\": " + std::to_string(worker->counted) +
                              ", \"redelivered\": " + std::to_string(worker->redelivered) + "}");
  }

  Reply Visit(std::string code) {
    if (!IsCode(code)) co_return Error(404, "no such link");
    auto link = co_await store().Get({.ns = kNamespace, .key = "links/" + code});
    if (!link) co_return Error(503, "the store failed");
    if (!link->found) co_return Error(404, "no such link");
    // The visit is counted later, by the worker; a visitor is sent on even
    // if the queue is unavailable (the count then misses it, and says so).
    auto sent = co_await queue::Queue::locate().Send({.queue = kVisits, .bodies = {code}});
    if (!sent) parigot::log::warn("a visit was not queued", {{"code", code}});
    co_return http::Response{.status = 302,
                             .headers = {{.name = "Location", .value = link->value}}};
  }
};

parigot::Future<void, parigot::KernelErr> Start(parigot::Program& app) {
  auto launched = co_await app.launch();
  if (!launched) co_await parigot::fail(launched.error());
  auto created = co_await queue::Queue::locate().Create({.name = kVisits});
  if (!created) {
    parigot::log::error("cannot create the visits queue");
    parigot::exit(1);
  }
}

}  // namespace

int main() {
  Api api;
  parigot::Program app({kv::KV::require, queue::Queue::require, shorty::v1::Worker::require},
                       {&api});
  auto started = Start(app);
  return parigot::run();
}
