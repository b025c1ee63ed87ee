// The connection loop of the HTTP edge: one thread, epoll, every open connection.
// It accepts, completes TLS handshakes, and reads each request (head and
// Content-Length body) into the connection's buffer without a thread; only a whole
// request is handed to a worker, and a kept-alive connection comes back to the loop
// between requests. So idle connections and slow senders cost a socket and a buffer,
// not a thread, and:
//  - connections are bounded (max_connections): at the bound the longest-idle
//    connection is closed to make room, and with none idle the new one gets 503;
//  - a request head must arrive within header_timeout of the connection's first byte
//    (of its accept for a new connection), its body within body_timeout after the
//    head: 408 and close otherwise, however slowly the bytes trickle;
//  - a kept-alive connection idle for idle_timeout is closed;
//  - requests for `priority` routes (health, readiness, metrics) run on reserved
//    threads, so they answer while every general worker is busy with long streams;
//  - a request that finds every worker busy and the wait queue full gets 503 at once.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "serving/http/connection.h"
#include "serving/http/worker_pool.h"

namespace maas::serving {

struct EdgeOptions {
  int max_connections = 1024;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds idle_timeout{5000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  size_t max_head_bytes = 64 << 10;
  size_t max_body_bytes = 8 << 20;
  int max_requests_per_connection = 1000;
  int worker_threads = 256;
  int queued_requests = 256;  // whole requests waiting for a worker before 503
  int reserve_threads = 2;    // for priority routes
};

// Counts since start, for logs and tests.
struct EdgeStats {
  int64_t accepted = 0;
  int64_t refused_full = 0;   // 503: no connection slot
  int64_t evicted_idle = 0;   // closed to make room
  int64_t timed_out = 0;      // header, body or idle timeout
  int64_t refused_busy = 0;   // 503: no worker and the queue full
};

class EdgeLoop {
 public:
  // Answers the one request buffered on `stream` (cpp-httplib parses and routes it);
  // `last` asks for "Connection: close". Returns whether the connection may be kept.
  using ServeOne = std::function<bool(ConnectionStream& stream, bool last)>;
  using IsPriority = std::function<bool(const std::string& method, const std::string& path)>;
  // The bytes of a complete HTTP response with an OpenAI error body.
  using RenderError = std::function<std::string(int status, const std::string& message, const std::string& code)>;

  // Takes ownership of `listen_fd`; `tls` (may be null) stays the caller's.
  EdgeLoop(int listen_fd, SSL_CTX* tls, EdgeOptions options, ServeOne serve, IsPriority priority,
           RenderError render);
  ~EdgeLoop();

  // Serves until stop(), then lets the requests in workers finish and returns.
  void run();
  // Stops accepting and closes idle connections; safe from any thread, also before run().
  void stop();
  EdgeStats stats() const;
  const EdgeOptions& options() const { return options_; }

 private:
  struct Returned {
    Connection* conn;
    bool keep;
  };
  void accept_all(EdgeClock::time_point now);
  void on_readable(Connection& c, EdgeClock::time_point now);
  // False once `c` has left the loop's hands (dispatched to a worker, or closed).
  bool try_dispatch(Connection& c, EdgeClock::time_point now);
  void dispatch(Connection& c, bool priority);
  void serve_in_worker(Connection& c);
  void take_returned(EdgeClock::time_point now);
  void sweep(EdgeClock::time_point now);
  void begin_stop();
  bool evict_longest_idle();
  void refuse_and_close(Connection& c, int status, const std::string& message, const std::string& code);
  void close(Connection& c);
  void watch(Connection& c);
  void update_watch(Connection& c);
  void log_refusal(const char* what);
  void count(int64_t EdgeStats::*field);

  int listen_fd_;
  SSL_CTX* tls_;
  EdgeOptions options_;
  ServeOne serve_;
  IsPriority priority_;
  RenderError render_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::map<int, std::unique_ptr<Connection>> conns_;  // by socket; owned by the loop thread
  int in_workers_ = 0;
  uint64_t next_serial_ = 0;
  bool stopping_ = false;
  bool accept_paused_ = false;
  EdgeClock::time_point accept_resume_;
  EdgeClock::time_point last_sweep_;
  EdgeClock::time_point last_refusal_log_;
  std::atomic<bool> stop_requested_{false};
  std::mutex returned_mu_;
  std::vector<Returned> returned_;
  mutable std::mutex stats_mu_;
  EdgeStats stats_;
  std::unique_ptr<WorkerPool> general_;
  std::unique_ptr<WorkerPool> reserve_;
};

}  // namespace maas::serving
