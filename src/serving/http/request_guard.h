// Browser-facing checks of the HTTP edge, run before auth and every handler:
//  - Host: on a loopback bind only localhost, 127.x.x.x and [::1] (any port), plus the
//    names in --allowed-hosts, are accepted (421 otherwise), so a DNS-rebinding page
//    cannot reach the server under its own name. With --allowed-hosts set, the check
//    applies to every bind address.
//  - Cross-site writes: a POST/PUT/PATCH/DELETE that a browser marks as cross-site
//    (Sec-Fetch-Site: cross-site|same-site, or an Origin whose host is not the Host)
//    is refused with 403; maas sends no CORS headers, so no page of another origin
//    may change its state.
//  - Content type: a request body must be sent as application/json (415 otherwise),
//    and so must any request that declares a Content-Type; HTML forms can only send
//    form-encoded, multipart or text/plain bodies without a CORS preflight.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "serving/http/http_types.h"

namespace maas::serving {

struct RequestGuardOptions {
  bool loopback_bind = true;               // the server listens on a loopback address
  std::vector<std::string> allowed_hosts;  // extra Host names (no port), e.g. a proxy's
};

// "localhost", "127.0.0.1:8080", "[::1]:80" -> the name without port and brackets.
std::string host_without_port(const std::string& host_header);
// Whether `host` (a Host header value) names this machine's loopback interface.
bool is_loopback_host_header(const std::string& host);

// An error response when the request must be refused, else nothing.
std::optional<HttpResponse> guard_request(const HttpRequest& req, const RequestGuardOptions& options);

}  // namespace maas::serving
