#include "serving/http/edge_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/log.h"
#include "serving/http/request_head.h"

namespace maas::serving {
namespace {

constexpr size_t kReadChunk = 64 << 10;           // read at most this per readiness event
constexpr size_t kLoopBodyBytes = 256 << 10;      // larger bodies are read by the worker
constexpr auto kSweepEvery = std::chrono::milliseconds(100);
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
constexpr auto kRefusalLogEvery = std::chrono::seconds(5);

long long seconds_of(std::chrono::milliseconds ms) { return (ms.count() + 999) / 1000; }

// Reads and drops what the client already sent, so closing sends FIN, not RST, and
// the client can read the refusal it was just sent.
void discard_readable(int fd) {
  char scratch[16384];
  for (int i = 0; i < 4 && ::recv(fd, scratch, sizeof scratch, MSG_DONTWAIT) > 0; ++i) {
  }
}

}  // namespace

EdgeLoop::EdgeLoop(int listen_fd, SSL_CTX* tls, EdgeOptions options, ServeOne serve, IsPriority priority,
                   RenderError render)
    : listen_fd_(listen_fd),
      tls_(tls),
      options_(options),
      serve_(std::move(serve)),
      priority_(std::move(priority)),
      render_(std::move(render)) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  for (int fd : {listen_fd_, wake_fd_}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  general_ = std::make_unique<WorkerPool>(options_.worker_threads, options_.queued_requests);
  reserve_ = std::make_unique<WorkerPool>(options_.reserve_threads, 64);
}

EdgeLoop::~EdgeLoop() {
  general_->shutdown();
  reserve_->shutdown();
  conns_.clear();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void EdgeLoop::run() {
  epoll_event events[256];
  last_sweep_ = EdgeClock::now();
  for (;;) {
    if (stop_requested_ && !stopping_) begin_stop();
    if (stopping_ && in_workers_ == 0) break;
    int n = ::epoll_wait(epoll_fd_, events, 256, 50);
    EdgeClock::time_point now = EdgeClock::now();
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_fd_) {
        uint64_t ignored;
        while (::read(wake_fd_, &ignored, sizeof ignored) > 0) {
        }
      } else if (fd == listen_fd_) {
        accept_all(now);
      } else if (auto it = conns_.find(fd); it != conns_.end() && it->second->phase != Connection::Phase::kInWorker) {
        on_readable(*it->second, now);
      }
    }
    take_returned(now);
    if (now - last_sweep_ >= kSweepEvery) sweep(now);
  }
  general_->shutdown();
  reserve_->shutdown();
}

void EdgeLoop::stop() {
  stop_requested_ = true;
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

EdgeStats EdgeLoop::stats() const {
  std::lock_guard<std::mutex> lock(stats_mu_);
  return stats_;
}

void EdgeLoop::count(int64_t EdgeStats::*field) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  ++(stats_.*field);
}

void EdgeLoop::accept_all(EdgeClock::time_point now) {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: stop accepting for a moment instead of spinning.
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        accept_paused_ = true;
        accept_resume_ = now + kAcceptPause;
        log_refusal("the process's open-file limit is reached");
      }
      return;
    }
    count(&EdgeStats::accepted);
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->serial = ++next_serial_;
    c->tls_ready = tls_ == nullptr;
    if (static_cast<int>(conns_.size()) >= options_.max_connections && !evict_longest_idle()) {
      count(&EdgeStats::refused_full);
      log_refusal("every connection slot is taken by a request in progress");
      write_now(*c, render_(503, "too many connections: all " + std::to_string(options_.max_connections) +
                                     " are in use; retry shortly",
                            "too_many_connections"));
      discard_readable(fd);
      continue;  // closed by ~Connection
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // SSE chunks are small
    if (tls_) {
      c->ssl = SSL_new(tls_);
      SSL_set_fd(c->ssl, fd);
      SSL_set_accept_state(c->ssl);
    }
    read_addresses(*c);
    c->phase = Connection::Phase::kIdle;
    c->deadline = now + options_.header_timeout;
    c->idle_since = now;
    Connection& ref = *c;
    conns_[fd] = std::move(c);
    watch(ref);
  }
}

void EdgeLoop::on_readable(Connection& c, EdgeClock::time_point now) {
  // A client may send its request and close (or half-close) at once: the request is
  // still answered (to nobody, if it closed), then the connection is closed.
  const bool eof = read_available(c, kReadChunk) == ReadOutcome::kClosed;
  if (eof) c.peer_closed = true;
  if (c.in.empty()) {
    if (eof) close(c);
    else update_watch(c);
    return;
  }
  if (!eof) update_watch(c);
  if (c.phase == Connection::Phase::kIdle) {
    c.phase = Connection::Phase::kReading;
    if (c.kept_alive) c.deadline = now + options_.header_timeout;  // a new connection's clock runs from accept
  }
  if (try_dispatch(c, now) && eof) close(c);  // the rest of the request will never come
}

bool EdgeLoop::try_dispatch(Connection& c, EdgeClock::time_point now) {
  RequestHead head = scan_request_head(c.in, options_.max_head_bytes, std::min(kLoopBodyBytes, options_.max_body_bytes));
  if (head.state == RequestHead::State::kTooLarge) {
    refuse_and_close(c, 431, "request head exceeds " + std::to_string(options_.max_head_bytes) + " bytes",
                     "request_header_fields_too_large");
    return false;
  }
  if (head.state == RequestHead::State::kIncomplete) return true;
  if (!request_is_buffered(head, c.in.size())) {
    if (!c.body_deadline_set) {
      c.body_deadline_set = true;
      c.deadline = now + options_.body_timeout;
    }
    return true;
  }
  dispatch(c, priority_(head.method, head.path));
  return false;
}

void EdgeLoop::dispatch(Connection& c, bool priority) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  c.phase = Connection::Phase::kInWorker;
  ++in_workers_;
  Connection* conn = &c;
  auto job = [this, conn] { serve_in_worker(*conn); };
  if ((priority && reserve_->try_submit(job)) || general_->try_submit(job)) return;
  --in_workers_;
  c.phase = Connection::Phase::kReading;
  count(&EdgeStats::refused_busy);
  log_refusal("every worker is busy and the request queue is full");
  refuse_and_close(c, 503,
                   "server busy: all " + std::to_string(options_.worker_threads) + " workers are taken and " +
                       std::to_string(options_.queued_requests) + " requests wait; retry shortly",
                   "server_busy");
}

void EdgeLoop::serve_in_worker(Connection& c) {
  const bool last = c.requests + 1 >= options_.max_requests_per_connection || stop_requested_ || c.peer_closed;
  bool keep = false;
  {
    ConnectionStream stream(c, EdgeClock::now() + options_.body_timeout, options_.write_timeout);
    keep = serve_(stream, last) && !last;
  }
  ++c.requests;
  {
    std::lock_guard<std::mutex> lock(returned_mu_);
    returned_.push_back({&c, keep});
  }
  uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void EdgeLoop::take_returned(EdgeClock::time_point now) {
  std::vector<Returned> items;
  {
    std::lock_guard<std::mutex> lock(returned_mu_);
    items.swap(returned_);
  }
  for (const Returned& r : items) {
    --in_workers_;
    Connection& c = *r.conn;
    if (!r.keep || stopping_ || c.peer_closed) {
      close(c);
      continue;
    }
    c.phase = Connection::Phase::kIdle;
    c.kept_alive = true;
    c.body_deadline_set = false;
    c.deadline = now + options_.idle_timeout;
    c.idle_since = now;
    watch(c);
    if (!c.in.empty()) {  // a pipelined request
      c.phase = Connection::Phase::kReading;
      c.deadline = now + options_.header_timeout;
      try_dispatch(c, now);
    } else if (c.ssl && SSL_pending(c.ssl) > 0) {
      on_readable(c, now);
    }
  }
}

void EdgeLoop::sweep(EdgeClock::time_point now) {
  last_sweep_ = now;
  if (accept_paused_ && now >= accept_resume_ && listen_fd_ >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = listen_fd_;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
    accept_paused_ = false;
  }
  std::vector<Connection*> expired;
  for (auto& [fd, c] : conns_)
    if (c->phase != Connection::Phase::kInWorker && now >= c->deadline) expired.push_back(c.get());
  for (Connection* c : expired) {
    count(&EdgeStats::timed_out);
    if (c->phase != Connection::Phase::kReading) {
      close(*c);  // idle: nothing to answer
    } else if (c->body_deadline_set) {
      refuse_and_close(*c, 408, "request body not received within " + std::to_string(seconds_of(options_.body_timeout)) + " s",
                       "request_timeout");
    } else {
      refuse_and_close(*c, 408,
                       "request head not received within " + std::to_string(seconds_of(options_.header_timeout)) + " s",
                       "request_timeout");
    }
  }
}

void EdgeLoop::begin_stop() {
  stopping_ = true;
  if (listen_fd_ >= 0) {
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    ::close(listen_fd_);
    listen_fd_ = -1;
  }
  std::vector<Connection*> waiting;
  for (auto& [fd, c] : conns_)
    if (c->phase != Connection::Phase::kInWorker) waiting.push_back(c.get());
  for (Connection* c : waiting) close(*c);
}

bool EdgeLoop::evict_longest_idle() {
  std::vector<Connection*> idle;
  for (auto& [fd, c] : conns_)
    if (c->phase == Connection::Phase::kIdle) idle.push_back(c.get());
  std::sort(idle.begin(), idle.end(), [](Connection* a, Connection* b) {
    return a->idle_since != b->idle_since ? a->idle_since < b->idle_since : a->serial < b->serial;
  });
  for (Connection* c : idle) {
    char byte;
    if (::recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0) continue;  // its request is arriving: not idle
    count(&EdgeStats::evicted_idle);
    close(*c);
    return true;
  }
  return false;
}

void EdgeLoop::refuse_and_close(Connection& c, int status, const std::string& message, const std::string& code) {
  write_now(c, render_(status, message, code));
  discard_readable(c.fd);
  close(c);
}

void EdgeLoop::close(Connection& c) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  conns_.erase(c.fd);  // ~Connection closes the socket
}

void EdgeLoop::watch(Connection& c) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (c.tls_wants_write ? EPOLLOUT : 0u);
  ev.data.fd = c.fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev);
  c.watching_out = c.tls_wants_write;
}

void EdgeLoop::update_watch(Connection& c) {
  if (c.watching_out == c.tls_wants_write) return;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (c.tls_wants_write ? EPOLLOUT : 0u);
  ev.data.fd = c.fd;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.watching_out = c.tls_wants_write;
}

void EdgeLoop::log_refusal(const char* what) {
  EdgeClock::time_point now = EdgeClock::now();
  if (now - last_refusal_log_ < kRefusalLogEvery) return;
  last_refusal_log_ = now;
  EdgeStats s = stats();
  log_event(LogLevel::kWarn, "connections_refused",
            {{"reason", what}, {"open_connections", conns_.size()}, {"max_connections", options_.max_connections},
             {"refused_full", s.refused_full}, {"refused_busy", s.refused_busy}, {"evicted_idle", s.evicted_idle}});
}

}  // namespace maas::serving
