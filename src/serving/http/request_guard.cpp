#include "serving/http/request_guard.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

#include "serving/http/errors.h"

namespace maas::serving {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool is_safe_method(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

bool is_dotted_ipv4(const std::string& s) {
  int parts = 0, digits = 0;
  for (char c : s) {
    if (c == '.') {
      if (digits == 0) return false;
      ++parts;
      digits = 0;
    } else if (std::isdigit(static_cast<unsigned char>(c)) && ++digits <= 3) {
      continue;
    } else {
      return false;
    }
  }
  return parts == 3 && digits > 0;
}

bool host_allowed(const std::string& host_header, const RequestGuardOptions& options) {
  if (options.loopback_bind && is_loopback_host_header(host_header)) return true;
  std::string name = host_without_port(host_header);
  return std::any_of(options.allowed_hosts.begin(), options.allowed_hosts.end(),
                     [&](const std::string& allowed) { return ::strcasecmp(allowed.c_str(), name.c_str()) == 0; });
}

// "http://host:port" -> "host:port"; "" when the origin is opaque ("null") or odd.
std::string origin_authority(const std::string& origin) {
  size_t scheme_end = origin.find("://");
  if (scheme_end == std::string::npos) return "";
  std::string rest = origin.substr(scheme_end + 3);
  return rest.substr(0, rest.find('/'));
}

// Whether a browser says this write comes from a page of another origin.
bool is_cross_origin_write(const HttpRequest& req) {
  if (is_safe_method(req.method)) return false;
  std::string site = lower(trim(req.header("Sec-Fetch-Site")));
  if (!site.empty()) return site != "same-origin" && site != "none";
  auto origin = req.headers.find("Origin");
  if (origin == req.headers.end()) return false;  // not a browser, or a same-origin GET-like request
  return lower(origin_authority(trim(origin->second))) != lower(trim(req.header("Host")));
}

bool is_json_media_type(const std::string& content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';')))) == "application/json";
}

}  // namespace

std::string host_without_port(const std::string& host_header) {
  std::string h = trim(host_header);
  if (!h.empty() && h.front() == '[') {
    size_t close = h.find(']');
    return close == std::string::npos ? h : h.substr(1, close - 1);
  }
  size_t colon = h.find(':');
  if (colon != h.rfind(':')) return h;  // a bare IPv6 address ("::1"), as in --host
  return colon == std::string::npos ? h : h.substr(0, colon);
}

bool is_loopback_host_header(const std::string& host) {
  std::string name = lower(host_without_port(host));
  if (!name.empty() && name.back() == '.') name.pop_back();  // "localhost." is the same name
  return name == "localhost" || name == "::1" || (name.rfind("127.", 0) == 0 && is_dotted_ipv4(name));
}

std::optional<HttpResponse> guard_request(const HttpRequest& req, const RequestGuardOptions& options) {
  const bool check_host = options.loopback_bind || !options.allowed_hosts.empty();
  if (check_host && req.headers.count("Host") && !host_allowed(req.header("Host"), options)) {
    return error_response(421,
                          "Host '" + req.header("Host") +
                              "' is not served here: use localhost, 127.0.0.1 or [::1], or add the name to "
                              "--allowed-hosts",
                          "", "host_not_allowed");
  }
  if (is_cross_origin_write(req)) {
    return error_response(403, "cross-origin " + req.method + " refused: maas does not accept writes from web pages "
                               "of another origin", "", "cross_origin_request");
  }
  if (!is_safe_method(req.method)) {
    auto ct = req.headers.find("Content-Type");
    bool declared = ct != req.headers.end();
    if ((declared && !is_json_media_type(ct->second)) || (!declared && !req.body.empty())) {
      return error_response(415,
                            "request body must be JSON sent with 'Content-Type: application/json'" +
                                std::string(declared ? ", not '" + ct->second + "'" : " (no Content-Type was sent)"),
                            "", "unsupported_media_type");
    }
  }
  return std::nullopt;
}

}  // namespace maas::serving
