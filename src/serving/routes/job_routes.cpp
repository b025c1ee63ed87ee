#include "serving/routes/job_routes.h"

#include "serving/http/handler.h"
#include "serving/http/json_body.h"
#include "serving/training/jobs.h"
#include "serving/training/train_runner.h"

namespace maas::serving {
namespace {

using nlohmann::json;

Result<TrainRequest> read_train_request(const json& body, const std::string& actor) {
  TrainRequest r;
  r.actor = actor;
  for (const auto& [key, value] : body.items()) {
    if (key == "family" || key == "name" || key == "data" || key == "description") {
      if (!value.is_string()) return invalid_argument("'{}' must be a string", key).with_field(key);
      std::string s = value.get<std::string>();
      (key == "family" ? r.family : key == "name" ? r.name : key == "data" ? r.data_path : r.description) = s;
    } else if (key == "options") {
      if (!value.is_object()) return invalid_argument("'options' must be an object").with_field("options");
      r.options = value;
    } else {
      return invalid_argument("unknown field '{}' (fields: family, name, data, options, description)", key)
          .with_field(key);
    }
  }
  for (const char* required : {"family", "name", "data"})
    if (!body.contains(required)) return invalid_argument("'{}' is required", required).with_field(required);
  return r;
}

}  // namespace

void add_job_routes(Router& router, ServingContext& ctx) {
  router.post("/admin/v1/train", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
    MAAS_ASSIGN_OR_RETURN(TrainRequest request, read_train_request(body, req.header("X-Maas-Actor", "http")));
    // Everything checkable is checked now: a bad request is a 400, not a failed job.
    MAAS_RETURN_IF_ERROR(check_train_request(ctx.registry, ctx.families, request).status());
    MAAS_ASSIGN_OR_RETURN(json job, ctx.jobs->submit("train", body, [&ctx, request](TrainMonitor& monitor) -> Result<json> {
      MAAS_ASSIGN_OR_RETURN(TrainOutcome outcome, train_and_register(ctx.registry, ctx.families, request, monitor));
      return to_json(outcome);
    }));
    return HttpResponse::json(job, 202);
  })).admin = true;

  router.get("/admin/v1/jobs", [&ctx](HttpRequest&) {
    return HttpResponse::json({{"object", "list"}, {"data", ctx.jobs->list()}});
  }).admin = true;

  router.get("/admin/v1/jobs/{id}", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(json job, ctx.jobs->get(req.param("id")));
    return HttpResponse::json(job);
  })).admin = true;

  router.post("/admin/v1/jobs/{id}/cancel", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(json job, ctx.jobs->cancel(req.param("id")));
    return HttpResponse::json(job, 202);
  })).admin = true;
}

}  // namespace maas::serving
