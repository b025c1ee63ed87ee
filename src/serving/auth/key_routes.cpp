#include "serving/auth/key_routes.h"

#include <set>

#include "core/clock.h"
#include "serving/auth/auth_middleware.h"
#include "serving/http/handler.h"

namespace maas::serving::auth {
namespace {

using nlohmann::json;

json issued_json(const registry::IssuedKey& k) {
  json j = registry::to_json(k.key, unix_millis());
  j["secret"] = k.secret;
  return j;
}

Result<int64_t> limit_field(const json& body, const char* name) {
  if (!body.contains(name)) return int64_t{0};
  if (!body[name].is_number_integer() || body[name].get<int64_t>() < 0)
    return invalid_argument("'{}' must be an integer >= 0 (0: unlimited)", name).with_field(name);
  return body[name].get<int64_t>();
}

}  // namespace

Result<registry::NewKey> parse_new_key(const json& body) {
  static const std::set<std::string> known = {"name", "role", "models", "rpm", "tpm", "budget_usd", "expires_at",
                                              "log_requests"};
  for (const auto& [k, v] : body.items())
    if (!known.count(k)) return invalid_argument("unknown field '{}'", k).with_field(k);
  registry::NewKey nk;
  if (!body.contains("name") || !body["name"].is_string())
    return invalid_argument("'name' is required and must be a string").with_field("name");
  nk.name = body["name"].get<std::string>();
  if (body.contains("role")) {
    if (!body["role"].is_string()) return invalid_argument("'role' must be \"admin\" or \"user\"").with_field("role");
    nk.role = body["role"].get<std::string>();
  }
  if (body.contains("models")) {
    if (!body["models"].is_array()) return invalid_argument("'models' must be an array of model names").with_field("models");
    for (const auto& m : body["models"]) {
      if (!m.is_string() || m.get<std::string>().empty())
        return invalid_argument("'models' must be an array of model names").with_field("models");
      nk.models.push_back(m.get<std::string>());
    }
  }
  MAAS_ASSIGN_OR_RETURN(nk.rpm, limit_field(body, "rpm"));
  MAAS_ASSIGN_OR_RETURN(nk.tpm, limit_field(body, "tpm"));
  if (body.contains("budget_usd") && !body["budget_usd"].is_null()) {
    if (!body["budget_usd"].is_number() || body["budget_usd"].get<double>() < 0)
      return invalid_argument("'budget_usd' must be a number >= 0").with_field("budget_usd");
    nk.budget_usd = body["budget_usd"].get<double>();
  }
  if (body.contains("expires_at") && !body["expires_at"].is_null()) {
    int64_t secs = 0;
    if (!body["expires_at"].is_string() || !parse_utc_date(body["expires_at"].get<std::string>(), &secs))
      return invalid_argument("'expires_at' must be a date: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ").with_field("expires_at");
    nk.expires_at_ms = secs * 1000;
  }
  if (body.contains("log_requests")) {
    if (!body["log_requests"].is_boolean()) return invalid_argument("'log_requests' must be a boolean").with_field("log_requests");
    nk.log_requests = body["log_requests"].get<bool>();
  }
  return nk;
}

void add_key_routes(Router& router, registry::KeyStore& store, KeyCache& cache, int max_json_depth) {
  router.post("/admin/v1/keys", wrap([&store, &cache, max_json_depth](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, max_json_depth));
    MAAS_ASSIGN_OR_RETURN(registry::NewKey nk, parse_new_key(body));
    nk.actor = req.header(kActorHeader, "http");
    MAAS_ASSIGN_OR_RETURN(registry::IssuedKey k, store.create(nk));
    cache.invalidate();  // auth "auto" turns on with the first key
    return HttpResponse::json(issued_json(k), 201);
  })).admin = true;

  router.get("/admin/v1/keys", wrap([&store](HttpRequest&) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(auto keys, store.list());
    json data = json::array();
    int64_t now = unix_millis();
    for (const auto& k : keys) data.push_back(registry::to_json(k, now));
    return HttpResponse::json({{"object", "list"}, {"data", data}});
  })).admin = true;

  router.get("/admin/v1/keys/{name}", wrap([&store](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(registry::ApiKey k, store.get(req.param("name")));
    return HttpResponse::json(registry::to_json(k, unix_millis()));
  })).admin = true;

  router.post("/admin/v1/keys/{name}/revoke", wrap([&store, &cache](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(registry::ApiKey k, store.revoke(req.param("name"), req.header(kActorHeader, "http")));
    cache.invalidate();
    return HttpResponse::json(registry::to_json(k, unix_millis()));
  })).admin = true;

  router.post("/admin/v1/keys/{name}/rotate", wrap([&store, &cache](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(registry::IssuedKey k, store.rotate(req.param("name"), req.header(kActorHeader, "http")));
    cache.invalidate();
    return HttpResponse::json(issued_json(k));
  })).admin = true;
}

}  // namespace maas::serving::auth
