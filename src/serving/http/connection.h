// One client connection of the HTTP edge, plain or TLS, on a non-blocking socket.
// The connection loop reads requests into `in` without a thread; a worker then reads
// and writes through ConnectionStream, cpp-httplib's Stream interface, which bounds
// every wait by a deadline (reads) or a timeout (each write).
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <string>
#include <string_view>

#include <httplib.h>

namespace maas::serving {

using EdgeClock = std::chrono::steady_clock;

struct Connection {
  enum class Phase {
    kIdle,      // waiting for the first byte of a request (fresh or kept alive)
    kReading,   // part of a request received
    kInWorker,  // a worker owns it; the loop does not touch it
  };
  int fd = -1;
  SSL* ssl = nullptr;        // TLS only
  bool tls_ready = false;    // handshake done (always true without TLS)
  bool tls_wants_write = false;  // the handshake waits until the socket is writable
  bool watching_out = false;     // the loop's epoll registration includes EPOLLOUT
  std::string in;            // received, not yet consumed by a request
  std::string peer_ip, local_ip;
  int peer_port = 0, local_port = 0;
  int requests = 0;          // answered on this connection
  bool kept_alive = false;   // has answered a request and waits for the next
  bool body_deadline_set = false;
  bool peer_closed = false;  // the client sent FIN: answer what is buffered, then close
  Phase phase = Phase::kIdle;
  EdgeClock::time_point deadline;    // the loop closes it then (header / idle / body timeout)
  EdgeClock::time_point idle_since;  // eviction order when connections run out
  uint64_t serial = 0;               // accept order (breaks ties of idle_since)

  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();  // frees TLS state and closes the socket
};

enum class ReadOutcome { kProgress, kWouldBlock, kClosed };

// Without blocking: advances the TLS handshake, then appends up to `cap` readable
// bytes to `c.in`.
ReadOutcome read_available(Connection& c, size_t cap);
// Without blocking, best effort: a short response before the connection is closed.
void write_now(Connection& c, std::string_view bytes);
// Whether the client has closed or half-closed its side (or the socket failed).
bool peer_has_gone(const Connection& c);
// Fills the peer and local addresses from the socket.
void read_addresses(Connection& c);

class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(Connection& c, EdgeClock::time_point read_deadline, std::chrono::milliseconds write_timeout)
      : c_(c), read_deadline_(read_deadline), write_timeout_(write_timeout) {}
  ~ConnectionStream() override;  // drops the consumed bytes from c.in

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return c_.fd; }
  // False once the client has closed or half-closed the connection.
  bool peer_connected() const { return !peer_has_gone(c_); }

 private:
  Connection& c_;
  size_t pos_ = 0;  // consumed prefix of c_.in
  EdgeClock::time_point read_deadline_;
  std::chrono::milliseconds write_timeout_;
};

}  // namespace maas::serving
