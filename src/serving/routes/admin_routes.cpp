#include "serving/routes/admin_routes.h"

#include "registry/json.h"
#include "serving/http/handler.h"

namespace maas::serving {
namespace {

Result<std::string> string_field(const nlohmann::json& body, const char* name, bool required,
                                 const std::string& fallback = "") {
  if (!body.contains(name)) {
    if (required) return invalid_argument("'{}' is required", name).with_field(name);
    return fallback;
  }
  if (!body[name].is_string()) return invalid_argument("'{}' must be a string", name).with_field(name);
  return body[name].get<std::string>();
}

nlohmann::json loaded_json(const ModelManager& models) {
  nlohmann::json list = nlohmann::json::array();
  for (const LoadedInfo& m : models.loaded()) {
    nlohmann::json j = {{"model", m.key},          {"family", m.family},   {"state", load_state_name(m.state)},
                        {"memory_bytes", m.memory_bytes}, {"in_use", m.in_use}, {"pinned", m.pinned}};
    if (!m.error.empty()) j["error"] = m.error;
    if (!m.stats.empty()) j["stats"] = m.stats;
    list.push_back(std::move(j));
  }
  return {{"object", "list"}, {"data", list}, {"memory_bytes", models.memory_in_use()}};
}

}  // namespace

void add_admin_routes(Router& router, ServingContext& ctx) {
  router.post("/admin/v1/models", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(nlohmann::json body, parse_json_object(req.body, ctx.max_json_depth));
    registry::ImportRequest ir;
    MAAS_ASSIGN_OR_RETURN(ir.path, string_field(body, "path", true));
    MAAS_ASSIGN_OR_RETURN(ir.name, string_field(body, "name", true));
    MAAS_ASSIGN_OR_RETURN(std::string family, string_field(body, "family", false));
    MAAS_ASSIGN_OR_RETURN(ir.description, string_field(body, "description", false));
    ir.actor = req.header("X-Maas-Actor", "http");
    if (!family.empty() && !ctx.families.find(family))
      return invalid_argument("unknown model family '{}'", family).with_field("family");
    MAAS_ASSIGN_OR_RETURN(registry::ImportResult r, import_model_file(ctx.registry, ctx.families, ir, family));
    nlohmann::json out = registry::to_json(r.version);
    out["artifact_reused"] = r.artifact_reused;
    return HttpResponse::json(out, 201);
  })).admin = true;

  router.get("/admin/v1/models", wrap([&ctx](HttpRequest&) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(auto list, ctx.registry.list_models());
    nlohmann::json data = nlohmann::json::array();
    for (const auto& m : list) data.push_back(registry::to_json(m));
    return HttpResponse::json({{"object", "list"}, {"data", data}});
  })).admin = true;

  router.get("/admin/v1/models/{name}", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(auto details, ctx.registry.get_model(req.param("name")));
    return HttpResponse::json(registry::to_json(details));
  })).admin = true;

  router.get("/admin/v1/models/{name}/history", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(auto events, ctx.registry.history(req.param("name")));
    nlohmann::json data = nlohmann::json::array();
    for (const auto& e : events) data.push_back(registry::to_json(e));
    return HttpResponse::json({{"object", "list"}, {"data", data}});
  })).admin = true;

  router.get("/admin/v1/loaded", [&ctx](HttpRequest&) { return HttpResponse::json(loaded_json(ctx.models)); }).admin =
      true;
}

}  // namespace maas::serving
