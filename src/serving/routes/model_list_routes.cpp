#include "serving/routes/model_list_routes.h"

#include "serving/auth/auth_middleware.h"
#include "serving/http/handler.h"

namespace maas::serving {
namespace {

nlohmann::json model_object(const std::string& id, int64_t created_ms, const registry::VersionInfo& v) {
  return {{"id", id},
          {"object", "model"},
          {"created", created_ms / 1000},
          {"owned_by", "maas"},
          {"family", v.family},
          {"version", v.version},
          {"stage", registry::stage_name(v.stage)}};
}

}  // namespace

void add_model_list_routes(Router& router, ServingContext& ctx) {
  // A key with a model allow-list sees only those models.
  router.get("/v1/models", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(auto list, ctx.registry.list_models());
    nlohmann::json data = nlohmann::json::array();
    for (const auto& m : list) {
      if (!auth::request_allows_model(req, m.name)) continue;
      Result<registry::VersionInfo> v = ctx.registry.get_version(m.name);
      if (!v.is_ok()) continue;  // nothing servable (all retired or rejected)
      data.push_back(model_object(m.name, m.created_at_ms, *v));
    }
    return HttpResponse::json({{"object", "list"}, {"data", data}});
  }));

  router.get("/v1/models/{id}", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(registry::VersionInfo v, ctx.registry.get_version(req.param("id")));
    return HttpResponse::json(model_object(req.param("id"), v.created_at_ms, v));
  }));
}

}  // namespace maas::serving
