#include "serving/usage/usage_routes.h"

#include "core/clock.h"
#include "registry/prices.h"
#include "serving/auth/auth_middleware.h"
#include "serving/http/handler.h"

namespace maas::serving::usage {
namespace {
using nlohmann::json;
}  // namespace

void add_usage_routes(Router& router, UsageRouteDeps d) {
  router.get("/admin/v1/usage", wrap([d](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(registry::UsageQuery q,
                          registry::make_usage_query(req.query_param("key"), req.query_param("model"), req.query_param("since"),
                                      req.query_param("until"), req.query_param("group_by")));
    d.recorder.flush();  // everything finished so far is in the report
    MAAS_ASSIGN_OR_RETURN(auto rows, d.store.report(q));
    registry::UsageQuery total_q = q;
    total_q.group_by = "";
    MAAS_ASSIGN_OR_RETURN(auto total, d.store.report(total_q));
    json data = json::array();
    for (const auto& r : rows) data.push_back(registry::to_json(r));
    json t = registry::to_json(total.front());
    t.erase("group");
    return HttpResponse::json({{"object", "list"}, {"group_by", q.group_by.empty() ? json(nullptr) : json(q.group_by)},
                               {"data", data}, {"total", t}});
  })).admin = true;

  router.get("/admin/v1/request-log", wrap([d](HttpRequest& req) -> Result<HttpResponse> {
    int limit = std::atoi(req.query_param("limit", "100").c_str());
    if (limit < 1 || limit > 10000) return invalid_argument("'limit' must be 1-10000").with_field("limit");
    d.recorder.flush();
    MAAS_ASSIGN_OR_RETURN(auto rows, d.store.request_log(req.query_param("key"), limit));
    json data = json::array();
    for (const auto& r : rows) {
      data.push_back({{"time", rfc3339_utc(r.time_ms / 1000)}, {"key", r.key_name}, {"request_id", r.request_id},
                      {"route", r.route}, {"status", r.status}, {"request_body", r.request_body},
                      {"response_body", r.response_body}});
    }
    return HttpResponse::json({{"object", "list"}, {"data", data}});
  })).admin = true;

  router.get("/admin/v1/models/{name}/prices", wrap([d](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(registry::ModelDetails m, d.registry.get_model(req.param("name")));
    MAAS_ASSIGN_OR_RETURN(registry::Prices p, registry::parse_prices(m.prices));
    json out = registry::to_json(p);
    out["model"] = m.name;
    return HttpResponse::json(out);
  })).admin = true;

  router.put("/admin/v1/models/{name}/prices", wrap([d](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, d.max_json_depth));
    MAAS_ASSIGN_OR_RETURN(registry::Prices p, registry::parse_prices(body));
    registry::ModelMetadata meta;
    meta.prices = registry::to_json(p);
    MAAS_RETURN_IF_ERROR(d.registry.set_model_metadata(req.param("name"), meta, req.header(auth::kActorHeader, "http")));
    d.prices.invalidate();
    json out = registry::to_json(p);
    out["model"] = req.param("name");
    return HttpResponse::json(out);
  })).admin = true;
}

}  // namespace maas::serving::usage
