#include "serving/http/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace maas::serving {
namespace {

enum class Io { kWantRead, kWantWrite, kClosed };

int clamp_int(size_t n) { return static_cast<int>(std::min<size_t>(n, INT_MAX)); }

// Waits until `fd` is ready for `events` or `deadline` passes.
bool wait_for(int fd, short events, EdgeClock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - EdgeClock::now()).count();
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, static_cast<int>(std::clamp<long long>(left, 0, INT_MAX)));
    if (r > 0) return true;  // also on error or hang-up: the next read or write reports it
    if (r == 0 || errno != EINTR) return false;
  }
}

Io ssl_failure(SSL* ssl, int ret) {
  switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ: return Io::kWantRead;
    case SSL_ERROR_WANT_WRITE: return Io::kWantWrite;
    default: return Io::kClosed;
  }
}

Io errno_failure() {
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? Io::kWantRead : Io::kClosed;
}

// One non-blocking read: bytes read (> 0), or -1 with the reason in `why`.
ssize_t read_once(Connection& c, char* buf, size_t size, Io* why) {
  if (c.ssl) {
    ERR_clear_error();
    int n = SSL_read(c.ssl, buf, clamp_int(size));
    if (n > 0) return n;
    *why = ssl_failure(c.ssl, n);
    return -1;
  }
  ssize_t n = ::recv(c.fd, buf, size, MSG_DONTWAIT);
  if (n > 0) return n;
  *why = n == 0 ? Io::kClosed : errno_failure();
  return -1;
}

// One non-blocking write: bytes written (> 0), or -1 with the reason in `why`.
ssize_t write_once(Connection& c, const char* buf, size_t size, Io* why) {
  if (c.ssl) {
    ERR_clear_error();
    int n = SSL_write(c.ssl, buf, clamp_int(size));
    if (n > 0) return n;
    *why = ssl_failure(c.ssl, n);
    return -1;
  }
  ssize_t n = ::send(c.fd, buf, size, MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n > 0) return n;
  *why = n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? Io::kWantWrite : Io::kClosed;
  return -1;
}

short poll_events_for(Io why) { return why == Io::kWantWrite ? POLLOUT : POLLIN; }

void address_of(const sockaddr_storage& addr, std::string* ip, int* port) {
  char text[INET6_ADDRSTRLEN] = {0};
  if (addr.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
    inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
    *port = ntohs(a->sin_port);
  } else if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
    *port = ntohs(a->sin6_port);
  }
  *ip = text;
}

}  // namespace

Connection::~Connection() {
  if (ssl) {
    if (tls_ready) {
      ERR_clear_error();
      SSL_shutdown(ssl);  // one non-blocking attempt to send close_notify
    }
    SSL_free(ssl);
  }
  if (fd >= 0) ::close(fd);
}

ReadOutcome read_available(Connection& c, size_t cap) {
  c.tls_wants_write = false;
  if (c.ssl && !c.tls_ready) {
    ERR_clear_error();
    int r = SSL_do_handshake(c.ssl);
    if (r != 1) {
      Io why = ssl_failure(c.ssl, r);
      c.tls_wants_write = why == Io::kWantWrite;
      return why == Io::kClosed ? ReadOutcome::kClosed : ReadOutcome::kWouldBlock;
    }
    c.tls_ready = true;
  }
  char buf[16384];
  size_t got = 0;
  while (got < cap) {
    Io why = Io::kWantRead;
    ssize_t n = read_once(c, buf, std::min(sizeof buf, cap - got), &why);
    if (n < 0) {
      if (why == Io::kClosed) return ReadOutcome::kClosed;
      c.tls_wants_write = why == Io::kWantWrite;
      break;
    }
    c.in.append(buf, static_cast<size_t>(n));
    got += static_cast<size_t>(n);
  }
  return got > 0 ? ReadOutcome::kProgress : ReadOutcome::kWouldBlock;
}

void write_now(Connection& c, std::string_view bytes) {
  if (c.ssl && !c.tls_ready) return;
  while (!bytes.empty()) {
    Io why = Io::kClosed;
    ssize_t n = write_once(c, bytes.data(), bytes.size(), &why);
    if (n < 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

bool peer_has_gone(const Connection& c) {
  pollfd p{c.fd, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

void read_addresses(Connection& c) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(c.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, &c.peer_ip, &c.peer_port);
  len = sizeof addr;
  if (::getsockname(c.fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, &c.local_ip, &c.local_port);
}

ConnectionStream::~ConnectionStream() { c_.in.erase(0, pos_); }

bool ConnectionStream::is_readable() const {
  if (pos_ < c_.in.size() || (c_.ssl && SSL_pending(c_.ssl) > 0)) return true;
  return wait_for(c_.fd, POLLIN, read_deadline_);
}

bool ConnectionStream::is_writable() const {
  return !peer_has_gone(c_) && wait_for(c_.fd, POLLOUT, EdgeClock::now() + write_timeout_);
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (pos_ < c_.in.size()) {
    size_t n = std::min(size, c_.in.size() - pos_);
    std::memcpy(ptr, c_.in.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  for (;;) {
    Io why = Io::kClosed;
    ssize_t n = read_once(c_, ptr, size, &why);
    if (n > 0) return n;
    if (why == Io::kClosed || !wait_for(c_.fd, poll_events_for(why), read_deadline_)) return -1;
  }
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  for (;;) {
    Io why = Io::kClosed;
    ssize_t n = write_once(c_, ptr, size, &why);
    if (n > 0) return n;
    if (why == Io::kClosed || !wait_for(c_.fd, poll_events_for(why), EdgeClock::now() + write_timeout_)) return -1;
  }
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = c_.peer_ip;
  port = c_.peer_port;
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = c_.local_ip;
  port = c_.local_port;
}

}  // namespace maas::serving
