#include "serving/routes/lifecycle_routes.h"

#include "core/clock.h"
#include "registry/json.h"
#include "serving/http/handler.h"

namespace maas::serving {
namespace {

using nlohmann::json;

struct Call {
  std::string model;
  int64_t version = 0;
  std::string actor;
  std::string reason;
  json body = json::object();
};

Result<Call> read_call(ServingContext& ctx, HttpRequest& req, bool has_version) {
  Call c;
  c.model = req.param("name");
  if (has_version) {
    const std::string& v = req.param("version");
    char* end = nullptr;
    c.version = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || c.version <= 0) return invalid_argument("version '{}' is not a positive integer", v);
  }
  if (!req.body.empty()) {
    MAAS_ASSIGN_OR_RETURN(c.body, parse_json_object(req.body, ctx.max_json_depth));
  }
  c.actor = req.header("X-Maas-Actor", "http");
  if (c.body.contains("reason")) {
    if (!c.body["reason"].is_string()) return invalid_argument("'reason' must be a string").with_field("reason");
    c.reason = c.body["reason"].get<std::string>();
  }
  return c;
}

HttpResponse version_response(ServingContext& ctx, const registry::VersionInfo& v) {
  ctx.traffic.invalidate(v.model);
  return HttpResponse::json(registry::to_json(v));
}

Result<registry::Deprecation> read_deprecation(const json& body) {
  registry::Deprecation d;
  if (body.contains("sunset")) {
    int64_t t = 0;
    if (!body["sunset"].is_string() || !parse_utc_date(body["sunset"].get<std::string>(), &t))
      return invalid_argument("'sunset' must be a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)").with_field("sunset");
    d.sunset_at_ms = t * 1000;
  }
  if (body.contains("successor")) {
    if (!body["successor"].is_number_integer())
      return invalid_argument("'successor' must be a version number").with_field("successor");
    d.successor = body["successor"].get<int64_t>();
  }
  return d;
}

Result<std::vector<registry::TrafficEntry>> read_traffic(const json& body) {
  if (!body.contains("traffic") || !body["traffic"].is_array())
    return invalid_argument("'traffic' must be an array of {{version, weight, shadow}}").with_field("traffic");
  std::vector<registry::TrafficEntry> out;
  for (const auto& e : body["traffic"]) {
    if (!e.is_object() || !e.contains("version") || !e["version"].is_number_integer())
      return invalid_argument("each traffic entry needs an integer 'version'").with_field("traffic");
    registry::TrafficEntry t;
    t.version = e["version"].get<int64_t>();
    if (e.contains("weight") && !e["weight"].is_number())
      return invalid_argument("traffic entry 'weight' must be a number").with_field("traffic");
    if (e.contains("shadow") && !e["shadow"].is_boolean())
      return invalid_argument("traffic entry 'shadow' must be true or false").with_field("traffic");
    t.weight = e.contains("weight") ? e["weight"].get<double>() : 0.0;
    t.shadow = e.contains("shadow") && e["shadow"].get<bool>();
    out.push_back(t);
  }
  return out;
}

}  // namespace

void add_lifecycle_routes(Router& router, ServingContext& ctx) {
  const std::string version_path = "/admin/v1/models/{name}/versions/{version}";

  router.post(version_path + "/transition", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(Call c, read_call(ctx, req, true));
    if (!c.body.contains("to") || !c.body["to"].is_string())
      return invalid_argument("'to' (the target stage) is required").with_field("to");
    MAAS_ASSIGN_OR_RETURN(registry::Stage to, registry::parse_stage(c.body["to"].get<std::string>()));
    MAAS_ASSIGN_OR_RETURN(auto v, ctx.registry.transition(c.model, c.version, to, c.actor, c.reason));
    return version_response(ctx, v);
  })).admin = true;

  router.post(version_path + "/promote", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(Call c, read_call(ctx, req, true));
    MAAS_ASSIGN_OR_RETURN(auto v, ctx.registry.transition(c.model, c.version, registry::Stage::kProduction, c.actor,
                                                          c.reason.empty() ? "promoted" : c.reason));
    return version_response(ctx, v);
  })).admin = true;

  router.post(version_path + "/deprecate", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(Call c, read_call(ctx, req, true));
    MAAS_ASSIGN_OR_RETURN(registry::Deprecation d, read_deprecation(c.body));
    MAAS_ASSIGN_OR_RETURN(auto v, ctx.registry.deprecate(c.model, c.version, d, c.actor, c.reason));
    return version_response(ctx, v);
  })).admin = true;

  router.post(version_path + "/retire", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(Call c, read_call(ctx, req, true));
    MAAS_ASSIGN_OR_RETURN(auto v, ctx.registry.transition(c.model, c.version, registry::Stage::kRetired, c.actor,
                                                          c.reason.empty() ? "retired" : c.reason));
    return version_response(ctx, v);
  })).admin = true;

  router.post("/admin/v1/models/{name}/rollback", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(Call c, read_call(ctx, req, false));
    MAAS_ASSIGN_OR_RETURN(registry::RollbackPlan plan,
                          ctx.registry.rollback(c.model, c.actor, c.reason.empty() ? "rollback" : c.reason));
    ctx.traffic.invalidate(c.model);
    return HttpResponse::json({{"model", c.model}, {"from_version", plan.from_version}, {"to_version", plan.to_version}});
  })).admin = true;

  router.get("/admin/v1/models/{name}/traffic", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(registry::ModelDetails d, ctx.registry.get_model(req.param("name")));
    json t = json::array();
    for (const auto& e : d.traffic) t.push_back(registry::to_json(e));
    return HttpResponse::json({{"model", d.name}, {"traffic", t}});
  })).admin = true;

  router.put("/admin/v1/models/{name}/traffic", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(Call c, read_call(ctx, req, false));
    MAAS_ASSIGN_OR_RETURN(std::vector<registry::TrafficEntry> entries, read_traffic(c.body));
    MAAS_RETURN_IF_ERROR(ctx.registry.set_traffic(c.model, entries, c.actor, c.reason.empty() ? "rollout" : c.reason));
    ctx.traffic.invalidate(c.model);
    // Load every version the table names before requests reach it.
    for (const auto& e : entries) {
      Result<registry::VersionInfo> v = ctx.registry.get_version(c.model + ":" + std::to_string(e.version));
      if (v.is_ok()) ctx.models.want(load_target(*v), true);
    }
    json t = json::array();
    for (const auto& e : entries) t.push_back(registry::to_json(e));
    return HttpResponse::json({{"model", c.model}, {"traffic", t}});
  })).admin = true;
}

}  // namespace maas::serving
