// What the connection loop needs to know about the bytes a client has sent so far:
// whether the request head (request line + headers) is complete, how long the body
// is, and the request's method and path, so a whole request is buffered before any
// worker thread is given to it. Parsing proper stays with cpp-httplib; this only
// finds the boundaries.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace maas::serving {

struct RequestHead {
  enum class State {
    kIncomplete,  // no blank line yet
    kComplete,    // head ends at head_bytes
    kTooLarge,    // more than the head limit without a blank line
  };
  State state = State::kIncomplete;
  size_t head_bytes = 0;   // through the blank line
  size_t body_bytes = 0;   // Content-Length; 0 without one
  // The worker reads the body from the socket itself (chunked, Expect: 100-continue,
  // a body above the limit that cpp-httplib answers with 413, a malformed length).
  bool body_in_worker = false;
  std::string method;
  std::string path;        // request target without the query string
};

// Scans `buffered`, the bytes received for the next request.
RequestHead scan_request_head(std::string_view buffered, size_t max_head_bytes, size_t max_body_bytes);

// Whether `buffered` holds the whole request `head` describes (head + body bytes).
bool request_is_buffered(const RequestHead& head, size_t buffered_bytes);

}  // namespace maas::serving
