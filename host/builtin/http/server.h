// Server: the HTTP/1.1 side of the ingress, on Boost.Beast. It accepts
// connections on one address, reads each request (keep-alive: many per
// connection, one at a time), hands it to a Handle function as a
// parigot.http.v1.Request and writes the Answer that function gives, in
// the order of the requests. It never parses HTTP itself (Beast does) and
// knows nothing of the kernel.
//
// Limits, each answered and logged, never a crash or a hang: a header
// block over max_header_size answers 431, a body over max_body_size 413
// (also at once, before the body is sent, when Content-Length or
// "Expect: 100-continue" says so), a request Beast cannot parse 400; each
// of these closes the connection. A connection that sends nothing for
// idle_timeout, or takes longer than read_timeout to send one request, is
// closed; beyond max_connections, new connections are closed at once. The
// bodies being received at once hold at most max_buffered_bodies bytes
// (each counts its Content-Length, or max_body_size when chunked): past
// it a request is answered 503, so many slow large uploads cannot take the
// host's memory.
//
// Thread safety: Start, Stop and the destructor from one thread. Handle is
// called on the server's thread; the Respond it gets may be called once,
// from any thread, also after Stop (the answer is then dropped).
#ifndef PARIGOT_HOST_BUILTIN_HTTP_SERVER_H_
#define PARIGOT_HOST_BUILTIN_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parigot/http/v1/http.pb.h"
#include "parigot/status.h"

namespace parigot::builtin::http {

struct ServerLimits {
  size_t max_header_size = 16 << 10;
  size_t max_body_size = 4 << 20;
  std::chrono::milliseconds idle_timeout{30000};
  std::chrono::milliseconds read_timeout{30000};
  size_t max_connections = 4096;
  size_t max_buffered_bodies = size_t{256} << 20;
};

// What answers a request. Content-Length and the connection's headers are
// the server's; `headers` must hold neither (the ingress checks).
struct Answer {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // A plain-text answer: "504 Gateway Timeout: <detail>\n".
  static Answer Text(unsigned status, std::string_view detail);
};

using Respond = std::function<void(Answer answer)>;
using Handle = std::function<void(::parigot::http::v1::Request request, Respond respond)>;
// Reports a line (a failure to accept, a refused request) at debug or
// error level.
using ServerLog = std::function<void(bool error, std::string_view line)>;

class Server {
 public:
  // Listens on `listen` ("address:port"; port 0 picks one) and serves on
  // `threads` threads of its own. Fails when the address does not resolve
  // or cannot be bound.
  static Result<std::unique_ptr<Server>> Start(std::string_view listen, ServerLimits limits,
                                               Handle handle, ServerLog log, int threads = 1);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Closes the listener and every connection, and joins the threads.
  void Stop();

  // The port it listens on.
  uint16_t port() const;

  struct State;

 private:
  explicit Server(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace parigot::builtin::http

#endif  // PARIGOT_HOST_BUILTIN_HTTP_SERVER_H_
