// The HTTP edge's own request/response types, so routes never include httplib.h.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace maas::serving {

// Case-insensitive header map (HTTP header names are case-insensitive).
struct HeaderLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, HeaderLess>;

struct HttpRequest {
  std::string method;
  std::string path;                              // without the query string
  std::map<std::string, std::string> path_params;  // from {name} segments
  std::multimap<std::string, std::string> query;
  Headers headers;
  std::string body;
  std::string request_id;
  std::string remote_addr;
  // Set by handlers once the model version is chosen, so observers can attribute
  // errors (which carry no usage) to it.
  std::string routed_model;
  int64_t routed_version = 0;
  // True while the client is still connected (checked by long-running handlers).
  std::function<bool()> is_connection_alive = [] { return true; };

  std::string header(const std::string& name, const std::string& fallback = "") const;
  std::string query_param(const std::string& name, const std::string& fallback = "") const;
  const std::string& param(const std::string& name) const { return path_params.at(name); }
};

// Writes a streamed body (server-sent events). write() returns false once the client
// has gone away; the producer should then stop.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  virtual bool write(std::string_view chunk) = 0;
  virtual bool is_alive() const = 0;
};

// What a request consumed, filled in by the handler (for streams: when the stream ends)
// and read by request observers (usage metering, metrics). Never sent to the client.
struct RequestUsage {
  std::string model;          // registry model name
  int64_t version = 0;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t items = 0;          // non-LLM families: predictions / items returned
  double time_to_first_token_seconds = -1;  // streams: when the first token went out
  std::vector<int64_t> shadow_versions;  // versions that get a copy of this request
  std::string output_text;               // first choice's text (for shadow comparison)
};

struct HttpResponse {
  int status = 200;
  Headers headers;
  std::string content_type = "application/json";
  std::string body;
  // When set, the body is produced by this function as a chunked stream instead.
  std::function<void(StreamWriter&)> stream;
  // Shared with the stream function so it can fill it in as it goes.
  std::shared_ptr<RequestUsage> usage;

  static HttpResponse json(const nlohmann::json& value, int status = 200);
  static HttpResponse text(std::string body, std::string content_type = "text/plain; charset=utf-8", int status = 200);
  void set_header(const std::string& name, const std::string& value);
};

}  // namespace maas::serving
