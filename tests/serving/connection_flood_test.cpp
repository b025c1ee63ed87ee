// Connection floods and slow clients against a real `maas serve` on loopback: idle
// sockets, slowloris header trickles, workers held by slow requests, and the bounds
// (connections, header / idle timeouts, the worker queue) that keep /healthz answering.
// Counts and times are small so each test takes a few seconds; the latency bounds are
// generous because the test machine is shared (docs/RELIABILITY.md has the figures).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>

#include <gtest/gtest.h>

#include "serving/ops_test_util.h"

namespace maas::testing {
namespace {

using namespace ops;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// A raw loopback connection (closed by the destructor).
class Socket {
 public:
  explicit Socket(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(Socket&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  bool ok() const { return fd_ >= 0; }
  bool send(const std::string& s) { return ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()); }
  // Everything the server sends until it closes the connection or `timeout_ms` passes.
  std::string read_until_closed(int timeout_ms, bool* closed) {
    std::string out;
    *closed = false;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        *closed = true;
        break;
      }
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_ = -1;
};

// `n` connections, each sending `first` (if any) as soon as it is open.
std::vector<Socket> open_sockets(int port, int n, const std::string& first = "") {
  std::vector<Socket> out;
  for (int i = 0; i < n; ++i) {
    Socket s(port);
    if (!s.ok() || (!first.empty() && !s.send(first))) break;
    out.push_back(std::move(s));
  }
  return out;
}

// Sends a request head one byte per `every` to each socket until stopped (slowloris).
class Trickle {
 public:
  Trickle(std::vector<Socket>& sockets, std::chrono::milliseconds every) {
    thread_ = std::thread([&sockets, every, this] {
      const std::string head = "GET /v1/models HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(4096, 'a');
      for (size_t i = 0; i < head.size() && !stop_; ++i) {
        for (auto& s : sockets) s.send(head.substr(i, 1));
        std::this_thread::sleep_for(every);
      }
    });
  }
  ~Trickle() {
    stop_ = true;
    thread_.join();
  }

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Milliseconds a fresh client takes for GET `path` (-1 on failure or another status).
double timed_get(int port, const std::string& path, int want_status = 200) {
  httplib::Client cli("127.0.0.1", port);
  cli.set_connection_timeout(10);
  cli.set_read_timeout(10);
  auto start = Clock::now();
  auto r = cli.Get(path);
  if (!r || r->status != want_status) return -1;
  return ms_since(start);
}

TEST(ConnectionFlood, IdleAndSlowlorisConnectionsLeaveHealthAndCompletionsResponsive) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--model", stories_flag()});
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(wait_ready(server.port()));
  std::vector<Socket> idle = open_sockets(server.port(), 300);
  std::vector<Socket> slow = open_sockets(server.port(), 50);
  ASSERT_EQ(idle.size(), 300u);
  ASSERT_EQ(slow.size(), 50u);
  Trickle trickle(slow, std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // every socket accepted and trickling

  double worst = 0;
  for (int i = 0; i < 5; ++i) {
    double ms = timed_get(server.port(), "/healthz");
    ASSERT_GE(ms, 0) << "healthz failed with 350 connections open";
    worst = std::max(worst, ms);
  }
  EXPECT_LT(worst, 2000) << "healthz took " << worst << " ms";
  std::cout << "[ figures ] healthz worst of 5 with 300 idle + 50 slowloris sockets: " << worst << " ms\n";

  httplib::Client cli("127.0.0.1", server.port());
  cli.set_read_timeout(10);
  auto start = Clock::now();
  auto r = cli.Post("/v1/completions", R"({"model":"stories260K","prompt":"Once upon a time","max_tokens":8})",
                    "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_LT(ms_since(start), 5000);
}

TEST(ConnectionFlood, HeaderTimeoutEndsATrickleWith408AndIdleTimeoutClosesKeptAliveConnections) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--header-timeout", "1", "--idle-timeout", "1"});
  ASSERT_TRUE(server.started());

  std::vector<Socket> slow = open_sockets(server.port(), 1);
  ASSERT_EQ(slow.size(), 1u);
  auto start = Clock::now();
  std::string answer;
  bool closed = false;
  {
    Trickle trickle(slow, std::chrono::milliseconds(100));  // a byte every 100 ms never completes the head
    answer = slow[0].read_until_closed(5000, &closed);
  }
  double took = ms_since(start);
  EXPECT_TRUE(closed);
  EXPECT_NE(answer.find("HTTP/1.1 408"), std::string::npos) << answer;
  EXPECT_NE(answer.find("request_timeout"), std::string::npos) << answer;
  EXPECT_GE(took, 900);
  EXPECT_LT(took, 3000);

  // A connection that never sends a byte is closed at the header timeout too.
  Socket silent(server.port());
  start = Clock::now();
  silent.read_until_closed(5000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_LT(ms_since(start), 3000);

  // A kept-alive connection idle for longer than --idle-timeout is closed.
  Socket kept(server.port());
  ASSERT_TRUE(kept.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  start = Clock::now();
  std::string reply = kept.read_until_closed(5000, &closed);
  EXPECT_NE(reply.find("HTTP/1.1 200"), std::string::npos) << reply;
  EXPECT_NE(reply.find("Keep-Alive: timeout=1"), std::string::npos) << reply;
  EXPECT_TRUE(closed);
  EXPECT_LT(ms_since(start), 3000);
}

TEST(ConnectionFlood, ConnectionsAreBoundedExcessIsRefusedFastAndIdleOnesMakeRoom) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--max-connections", "20", "--header-timeout", "30"});
  ASSERT_TRUE(server.started());

  // Twenty idle connections: a new client still gets in (the longest-idle one is closed).
  std::vector<Socket> idle = open_sockets(server.port(), 20);
  ASSERT_EQ(idle.size(), 20u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_GE(timed_get(server.port(), "/healthz"), 0);
  bool closed = false;
  idle[0].read_until_closed(1000, &closed);
  EXPECT_TRUE(closed) << "the longest-idle connection makes room";
  idle.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  // Twenty connections each part-way through a request head: no room, and a new client
  // is told so at once instead of waiting in a queue.
  std::vector<Socket> slow = open_sockets(server.port(), 20, "GET /v1/models HTTP/1.1\r\nHost: localhost\r\n");
  ASSERT_EQ(slow.size(), 20u);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Socket refused(server.port());
  auto start = Clock::now();
  ASSERT_TRUE(refused.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"));
  std::string answer = refused.read_until_closed(5000, &closed);
  EXPECT_TRUE(closed);
  EXPECT_LT(ms_since(start), 1000);
  EXPECT_NE(answer.find("HTTP/1.1 503"), std::string::npos) << answer;
  EXPECT_NE(answer.find("too_many_connections"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Retry-After: 1"), std::string::npos) << answer;

  // Once the slow ones finish their heads, the server is reachable again.
  for (auto& s : slow) s.send("\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  slow.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_GE(timed_get(server.port(), "/healthz"), 0);
  EXPECT_NE(server.log().find("connections_refused"), std::string::npos);
}

TEST(ConnectionFlood, BusyWorkersLeaveHealthOnReservedThreadsAndAFullQueueIs503AtOnce) {
  TempDir dir;
  ServerProcess server(dir.path(), {"--http-threads", "4", "--enable-debug-routes"});
  ASSERT_TRUE(server.started());
  // Four requests hold the four workers for 1.5 s and four more wait in the queue
  // (--http-threads 4 queues as many), sent whole before anything else.
  std::vector<Socket> held =
      open_sockets(server.port(), 8, "GET /admin/v1/debug/sleep?ms=1500 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(held.size(), 8u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  double health = timed_get(server.port(), "/healthz");
  EXPECT_GE(health, 0);
  EXPECT_LT(health, 1000) << "/healthz waited behind busy workers";
  EXPECT_GE(timed_get(server.port(), "/metrics"), 0);

  httplib::Client extra("127.0.0.1", server.port());
  auto start = Clock::now();
  auto busy = extra.Get("/v1/models");
  ASSERT_TRUE(busy);
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(error_code(busy), "server_busy");
  EXPECT_LT(ms_since(start), 1000);

  for (auto& s : held) {
    bool closed = false;
    std::string reply = s.read_until_closed(3500, &closed);
    EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
  }
  EXPECT_GE(timed_get(server.port(), "/v1/models"), 0);
}

}  // namespace
}  // namespace maas::testing
