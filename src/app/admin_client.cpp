#include "app/admin_client.h"

#include <httplib.h>

#include <cstdlib>

namespace maas::app {
namespace {

std::string from_env(const std::string& flag, const char* env, const std::string& fallback) {
  if (!flag.empty()) return flag;
  if (const char* v = std::getenv(env); v && *v) return v;
  return fallback;
}

}  // namespace

void add_server_options(CLI::App* command, ServerAddress* address) {
  command->add_option("--url", address->url, "Server URL (default $MAAS_URL or http://127.0.0.1:8080)");
  command->add_option("--api-key", address->api_key, "Admin API key when keys are required (default $MAAS_API_KEY)");
}

Result<nlohmann::json> server_get(const ServerAddress& address, const std::string& path) {
  const std::string url = from_env(address.url, "MAAS_URL", "http://127.0.0.1:8080");
  const std::string key = from_env(address.api_key, "MAAS_API_KEY", "");
  const size_t scheme_end = url.find("://");
  if (scheme_end != std::string::npos && url.compare(0, scheme_end, "http") != 0 && url.compare(0, scheme_end, "https") != 0)
    return invalid_argument("--url '{}' is not an http:// or https:// URL", url);
  httplib::Client client(url);
  if (!client.is_valid()) return invalid_argument("--url '{}' is not an http:// or https:// URL", url);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
  httplib::Result res = client.Get(path, headers);
  if (!res) {
    const std::string why = res.error() == httplib::Error::Connection ? "could not connect"
                                                                      : httplib::to_string(res.error());
    return error(Code::kUnavailable, "cannot reach maas at {}: {} (is `maas serve` running there? --url)", url, why);
  }
  nlohmann::json body = nlohmann::json::parse(res->body, nullptr, false);
  if (res->status < 200 || res->status >= 300) {
    std::string message = body.is_object() && body.contains("error") && body["error"].contains("message")
                              ? body["error"]["message"].get<std::string>()
                              : res->body;
    return error(Code::kFailedPrecondition, "{} answered {} on {}: {}", url, res->status, path, message);
  }
  if (body.is_discarded()) return error(Code::kInternal, "{}{} answered with a body that is not JSON", url, path);
  return body;
}

}  // namespace maas::app
