#include "host/builtin/http/server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace parigot::builtin::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
namespace pb = ::parigot::http::v1;

// After an answer that ends a connection whose request was not read to
// its end (413, 431, 400), the rest is read and dropped for up to this
// long, or this many bytes, before the socket closes: closing with unread
// data resets the connection, and the client may lose the answer.
constexpr std::chrono::milliseconds kDrainTime{2000};
constexpr size_t kDrainBytes = size_t{64} << 20;

// Beast's (Boost's) string_view as the standard one.
std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

bool IsParseError(const beast::error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_method).category();
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Answer Answer::Text(unsigned status, std::string_view detail) {
  Answer answer;
  answer.status = status;
  answer.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  std::string_view reason = View(bhttp::obsolete_reason(static_cast<bhttp::status>(status)));
  answer.body = std::to_string(status) + " " + std::string(reason);
  if (!detail.empty()) answer.body += ": " + std::string(detail);
  answer.body += "\n";
  return answer;
}

class Session;

struct Server::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  ServerLimits limits;
  Handle handle;
  ServerLog log;
  std::vector<std::thread> threads;

  std::mutex mu;
  bool stopped = false;              // guarded by mu
  std::set<Session*> sessions;       // guarded by mu
  size_t buffered = 0;               // guarded by mu: bodies' reserved bytes

  void Accept(const std::shared_ptr<State>& self);
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Server::State> state, tcp::socket socket)
      : state_(std::move(state)), stream_(std::move(socket)) {
    beast::error_code ec;
    tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
    if (!ec) {
      remote_ = remote.address().is_v6() ? "[" + remote.address().to_string() + "]"
                                         : remote.address().to_string();
      remote_ += ":" + std::to_string(remote.port());
    }
  }
  ~Session() {
    std::lock_guard lock(state_->mu);
    state_->sessions.erase(this);
    state_->buffered -= reserved_;
  }

  // Registers with the server (false: over its limit, or stopping) and
  // reads the first request.
  bool Start() {
    {
      std::lock_guard lock(state_->mu);
      if (state_->stopped || state_->sessions.size() >= state_->limits.max_connections) {
        return false;
      }
      state_->sessions.insert(this);
    }
    ReadHeader();
    return true;
  }

  // Ends the connection from any thread.
  void Close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->Shut(); });
  }

 private:
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(state_->limits.max_header_size));
    parser_->body_limit(state_->limits.max_body_size);
    stream_.expires_after(state_->limits.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return OnReadError(ec);
    const auto& request = parser_->get();
    if (auto length = parser_->content_length();
        length && *length > state_->limits.max_body_size) {
      return Fail(413, "the body is over " + std::to_string(state_->limits.max_body_size) +
                           " bytes");
    }
    // The body's room, taken from the server's budget before it is read.
    const size_t needed = parser_->content_length() ? static_cast<size_t>(*parser_->content_length())
                          : parser_->chunked()      ? state_->limits.max_body_size
                                                    : 0;
    if (!Reserve(needed)) {
      return Fail(503, "too many request bodies are being received at once; try again");
    }
    if (beast::iequals(request[bhttp::field::expect], "100-continue")) {
      auto go_on = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                        request.version());
      bhttp::async_write(stream_, *go_on,
                         [self = shared_from_this(), go_on](beast::error_code ec, size_t) {
                           if (ec) return self->Shut();
                           self->ReadBody();
                         });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnRequest();
    stream_.expires_after(state_->limits.read_timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->OnRequest();
                      });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return Fail(431, "the header block is over " +
                           std::to_string(state_->limits.max_header_size) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      return Fail(413, "the body is over " + std::to_string(state_->limits.max_body_size) +
                           " bytes");
    }
    // The client closed (end_of_stream, partial_message), went quiet
    // (timeout) or reset: nothing to answer.
    if (IsParseError(ec) && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return Fail(400, ec.message());
    }
    Shut();
  }

  void OnRequest() {
    stream_.expires_never();
    bhttp::request<bhttp::string_body> request = parser_->release();
    // From here the body is the call's, counted by the kernel's MaxInFlight.
    Reserve(0);
    keep_alive_ = request.keep_alive();
    version_ = request.version();
    pb::Request out;
    out.set_method(std::string(View(request.method_string())));
    std::string_view target = View(request.target());
    size_t question = target.find('?');
    out.set_path(std::string(target.substr(0, question)));
    if (question != std::string_view::npos) out.set_query(std::string(target.substr(question + 1)));
    for (const auto& field : request) {
      pb::Header* header = out.add_headers();
      header->set_name(Lower(View(field.name_string())));
      header->set_value(std::string(View(field.value())));
    }
    out.set_host(Lower(View(request[bhttp::field::host])));
    out.set_remote_address(remote_);
    out.set_version(version_ == 10 ? "HTTP/1.0" : "HTTP/1.1");
    out.set_body(std::move(request.body()));
    // The host part only: the router and the handler compare names.
    if (size_t colon = out.host().rfind(':');
        colon != std::string::npos && out.host().find(']', colon) == std::string::npos) {
      out.mutable_host()->resize(colon);
    }
    std::shared_ptr<Server::State> state = state_;
    state->handle(std::move(out), [state, self = shared_from_this()](Answer answer) {
      std::lock_guard lock(state->mu);
      if (state->stopped) return;  // the session goes with this function
      asio::post(self->stream_.get_executor(), [self, answer = std::move(answer)]() mutable {
        self->Write(std::move(answer));
      });
    });
  }

  void Write(Answer answer) {
    auto response = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(answer.status), version_);
    for (auto& [name, value] : answer.headers) response->insert(name, value);
    response->body() = std::move(answer.body);
    response->keep_alive(keep_alive_);
    response->prepare_payload();
    stream_.expires_after(state_->limits.read_timeout);
    bhttp::async_write(stream_, *response,
                       [self = shared_from_this(), response](beast::error_code ec, size_t) {
                         if (ec) return self->Shut();
                         if (!self->keep_alive_) return self->Drain();
                         self->ReadHeader();
                       });
  }

  // Holds `bytes` of the server's body budget for this session's request
  // (0: gives back what it held). False, holding nothing, when the budget
  // has no room.
  bool Reserve(size_t bytes) {
    std::lock_guard lock(state_->mu);
    state_->buffered -= reserved_;
    reserved_ = 0;
    if (bytes > state_->limits.max_buffered_bodies - state_->buffered) return false;
    state_->buffered += bytes;
    reserved_ = bytes;
    return true;
  }

  // Answers `status` and ends the connection.
  void Fail(unsigned status, std::string detail) {
    state_->log(false, "refused a request from " + remote_ + ": " + std::to_string(status) +
                           " (" + detail + ")");
    keep_alive_ = false;
    if (parser_ && parser_->get().version() == 10) version_ = 10;
    Write(Answer::Text(status, detail));
  }

  // Stops sending, then reads what the client still sends until it closes
  // (or kDrainTime / kDrainBytes), so that it reads the answer.
  void Drain() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return Shut();
    stream_.expires_after(kDrainTime);
    DrainSome();
  }
  void DrainSome() {
    drain_buffer_.resize(64 << 10);
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kDrainBytes) return self->Shut();
                              self->DrainSome();
                            });
  }

  void Shut() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  const std::shared_ptr<Server::State> state_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string remote_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::string drain_buffer_;
  size_t drained_ = 0;
  size_t reserved_ = 0;  // of State::buffered
};

void Server::State::Accept(const std::shared_ptr<State>& self) {
  acceptor.async_accept(asio::make_strand(io), [self](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;  // stopping
    if (ec) {
      self->log(true, "accept failed: " + ec.message());
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      auto session = std::make_shared<Session>(self, std::move(socket));
      if (!session->Start()) {
        self->log(true, "refused a connection: " + std::to_string(self->limits.max_connections) +
                            " are open");
      }
    }
    self->Accept(self);
  });
}

Result<std::unique_ptr<Server>> Server::Start(std::string_view listen, ServerLimits limits,
                                              Handle handle, ServerLog log, int threads) {
  auto state = std::make_shared<State>();
  state->limits = limits;
  state->handle = std::move(handle);
  state->log = std::move(log);
  const size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) {
    return InvalidArgumentError("\"" + std::string(listen) + "\" is not \"address:port\"");
  }
  std::string address(listen.substr(0, colon));
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  beast::error_code ec;
  tcp::resolver resolver(state->io);
  auto endpoints = resolver.resolve(address, std::string(listen.substr(colon + 1)),
                                    tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return InvalidArgumentError("cannot resolve " + std::string(listen) + ": " + ec.message());
  }
  const tcp::endpoint endpoint = *endpoints.begin();
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError("cannot listen on " + std::string(listen) + ": " + ec.message());
  }
  state->Accept(state);
  for (int i = 0; i < std::max(threads, 1); ++i) {
    state->threads.emplace_back([io = &state->io] { io->run(); });
  }
  return std::unique_ptr<Server>(new Server(std::move(state)));
}

Server::~Server() { Stop(); }

void Server::Stop() {
  std::vector<std::shared_ptr<Session>> open;
  {
    std::lock_guard lock(state_->mu);
    if (state_->stopped) return;
    state_->stopped = true;
    for (Session* session : state_->sessions) {
      // A session being destroyed (its count is zero) closes itself.
      if (auto alive = session->weak_from_this().lock()) open.push_back(std::move(alive));
    }
  }
  // The connections first: until the listener closes, its pending accept
  // keeps run() going, so each Close posted before is run.
  for (auto& session : open) session->Close();
  open.clear();
  asio::post(state_->io, [state = state_.get()] {
    beast::error_code ec;
    state->acceptor.close(ec);
  });
  // With the listener and every connection closed, run() runs out of work.
  for (std::thread& thread : state_->threads) thread.join();
  state_->threads.clear();
}

uint16_t Server::port() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec).port();
}

}  // namespace parigot::builtin::http
