#include "host/builtin/http/server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace parigot::builtin::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
namespace pb = ::parigot::http::v1;

// Answers on a thread of its own, as the ingress does (the kernel's
// answers arrive on another thread): the path and method echoed.
class Echo {
 public:
  Echo() : thread_([this] { Run(); }) {}
  ~Echo() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Handle handle() {
    return [this](pb::Request request, Respond respond) {
      std::lock_guard lock(mu_);
      queue_.emplace_back(std::move(request), std::move(respond));
      cv_.notify_all();
    };
  }
  std::atomic<int> handled{0};

 private:
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return done_ || !queue_.empty(); });
      if (queue_.empty()) return;
      auto [request, respond] = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      Answer answer;
      answer.headers.emplace_back("X-Method", request.method());
      answer.body = request.path() + "?" + request.query() + " host=" + request.host() +
                    " body=" + std::to_string(request.body().size());
      ++handled;
      respond(std::move(answer));
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::deque<std::pair<pb::Request, Respond>> queue_;
  std::thread thread_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerLimits limits = {}) {
    auto server = Server::Start("127.0.0.1:0", limits, echo_.handle(),
                                [](bool, std::string_view) {});
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
  }
  tcp::socket Connect() {
    tcp::socket socket(io_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }
  static bhttp::response<bhttp::string_body> Get(tcp::socket& socket, std::string target,
                                                 std::string body = "") {
    bhttp::request<bhttp::string_body> request(body.empty() ? bhttp::verb::get : bhttp::verb::post,
                                               target, 11);
    request.set(bhttp::field::host, "Shop.Example:80");
    request.body() = std::move(body);
    request.prepare_payload();
    bhttp::write(socket, request);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket, buffer, response);
    return response;
  }
  // Sends `raw` and reads one response (status 0 when the server closed
  // without one).
  unsigned SendRaw(const std::string& raw, std::string* body = nullptr) {
    tcp::socket socket = Connect();
    asio::write(socket, asio::buffer(raw));
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> response;
    beast::error_code ec;
    bhttp::read(socket, buffer, response, ec);
    if (ec) return 0;
    if (body != nullptr) *body = response.body();
    return response.result_int();
  }

  asio::io_context io_;
  Echo echo_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  tcp::socket socket = Connect();
  for (int i = 0; i < 5; ++i) {
    auto response = Get(socket, "/items/" + std::to_string(i) + "?a=b");
    EXPECT_EQ(response.result_int(), 200u);
    EXPECT_EQ(response.body(), "/items/" + std::to_string(i) + "?a=b host=shop.example body=0");
    EXPECT_EQ(response[bhttp::field::content_length], std::to_string(response.body().size()));
    EXPECT_TRUE(response.keep_alive());
  }
  auto posted = Get(socket, "/p", std::string(1000, 'x'));
  EXPECT_EQ(posted["X-Method"], "POST");
  EXPECT_EQ(posted.body(), "/p? host=shop.example body=1000");
}

TEST_F(ServerTest, ConcurrentRequestsGetTheirOwnAnswers) {
  StartServer();
  constexpr int kClients = 16;
  constexpr int kRequests = 50;
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      tcp::socket socket = Connect();
      for (int r = 0; r < kRequests; ++r) {
        std::string path = "/c" + std::to_string(c) + "/r" + std::to_string(r);
        if (Get(socket, path).body() != path + "? host=shop.example body=0") ++wrong;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(echo_.handled.load(), kClients * kRequests);
}

TEST_F(ServerTest, OversizedHeadersAre431AndBodies413) {
  StartServer({.max_header_size = 2048, .max_body_size = 100});
  std::string body;
  EXPECT_EQ(SendRaw("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(4000, 'h') + "\r\n\r\n",
                    &body),
            431u);
  EXPECT_NE(body.find("over 2048 bytes"), std::string::npos) << body;
  // Declared too large: refused before the body.
  EXPECT_EQ(SendRaw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n"), 413u);
  EXPECT_EQ(SendRaw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\nExpect: "
                    "100-continue\r\n\r\n"),
            413u);
  // Chunked, found too large while reading.
  std::string chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "40\r\n" + std::string(64, 'c') + "\r\n";
  EXPECT_EQ(SendRaw(chunked + "0\r\n\r\n"), 413u);
  // At the limit: served.
  EXPECT_EQ(SendRaw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" +
                        std::string(100, 'b'),
                    &body),
            200u);
  EXPECT_EQ(body, "/? host=a body=100");
  EXPECT_EQ(echo_.handled.load(), 1);
}

TEST_F(ServerTest, BodiesBeingReceivedShareABudget) {
  StartServer({.max_body_size = 100, .max_buffered_bodies = 100});
  // A holds 80 bytes of the budget while it sends its body slowly.
  tcp::socket a = Connect();
  asio::write(a, asio::buffer(std::string("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 80\r\n\r\n")));
  std::string body;
  // B's 30 do not fit beside them (A's header may take a moment to arrive).
  unsigned refused = 0;
  for (int i = 0; i < 100 && refused != 503; ++i) {
    refused = SendRaw("POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 30\r\n\r\n" +
                          std::string(30, 'b'),
                      &body);
    if (refused != 503) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(refused, 503u);
  EXPECT_NE(body.find("too many request bodies"), std::string::npos) << body;
  // Once A's body has arrived and its request is answered, B fits.
  asio::write(a, asio::buffer(std::string(80, 'a')));
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(a, buffer, response);
  EXPECT_EQ(response.body(), "/a? host=h body=80");
  EXPECT_EQ(SendRaw("POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 30\r\n\r\n" +
                        std::string(30, 'b'),
                    &body),
            200u);
}

TEST_F(ServerTest, ExpectContinueGetsTheBody) {
  StartServer();
  tcp::socket socket = Connect();
  asio::write(socket, asio::buffer(std::string(
                          "PUT /up HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")));
  beast::flat_buffer buffer;
  bhttp::response<bhttp::empty_body> go_on;
  bhttp::read(socket, buffer, go_on);
  EXPECT_EQ(go_on.result_int(), 100u);
  asio::write(socket, asio::buffer(std::string("abc")));
  bhttp::response<bhttp::string_body> response;
  bhttp::read(socket, buffer, response);
  EXPECT_EQ(response.body(), "/up? host=a body=3");
}

TEST_F(ServerTest, GarbageIs400AndHarmsNothing) {
  StartServer();
  EXPECT_EQ(SendRaw("NOT HTTP AT ALL\r\n\r\n"), 400u);
  EXPECT_EQ(SendRaw("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n"), 400u);
  EXPECT_EQ(SendRaw(std::string("GET /\0 HTTP/1.1\r\n\r\n", 20)), 400u);
  // A client that goes away mid-request leaves nothing behind.
  { tcp::socket socket = Connect(); asio::write(socket, asio::buffer(std::string("GET / HT"))); }
  tcp::socket socket = Connect();
  EXPECT_EQ(Get(socket, "/after").result_int(), 200u);
}

TEST_F(ServerTest, ConnectionsOverTheLimitAreClosed) {
  StartServer({.max_connections = 2});
  tcp::socket a = Connect();
  tcp::socket b = Connect();
  EXPECT_EQ(Get(a, "/a").result_int(), 200u);
  EXPECT_EQ(Get(b, "/b").result_int(), 200u);
  EXPECT_EQ(SendRaw("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 0u);
  a.close();
  // The freed place is taken again (the server notices the close first).
  for (int i = 0; i < 100; ++i) {
    if (SendRaw("GET / HTTP/1.1\r\nHost: a\r\n\r\n") == 200u) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "a closed connection's place was never freed";
}

TEST_F(ServerTest, AnAnswerAfterStopIsDropped) {
  Respond kept;
  std::mutex mu;
  std::condition_variable cv;
  auto server = Server::Start(
      "127.0.0.1:0", {},
      [&](pb::Request, Respond respond) {
        std::lock_guard lock(mu);
        kept = std::move(respond);
        cv.notify_all();
      },
      [](bool, std::string_view) {});
  ASSERT_TRUE(server.ok());
  tcp::socket socket(io_);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), (*server)->port()));
  asio::write(socket, asio::buffer(std::string("GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return kept != nullptr; });
  }
  (*server)->Stop();
  kept(Answer::Text(200, "late"));
  kept = nullptr;
  server->reset();
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  beast::error_code ec;
  bhttp::read(socket, buffer, response, ec);
  EXPECT_TRUE(ec) << "an answer came after Stop";
}

TEST(ServerStartTest, ABadAddressIsAnError) {
  auto handle = [](pb::Request, Respond) {};
  auto log = [](bool, std::string_view) {};
  EXPECT_FALSE(Server::Start("no-port", {}, handle, log).ok());
  auto first = Server::Start("127.0.0.1:0", {}, handle, log);
  ASSERT_TRUE(first.ok());
  auto taken = Server::Start("127.0.0.1:" + std::to_string((*first)->port()), {}, handle, log);
  ASSERT_FALSE(taken.ok());
  EXPECT_NE(taken.status().message().find("cannot listen on 127.0.0.1:"), std::string::npos)
      << taken.status().message();
}

}  // namespace
}  // namespace parigot::builtin::http
