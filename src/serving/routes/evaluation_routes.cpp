#include "serving/routes/evaluation_routes.h"

#include <cstdlib>

#include "registry/gates.h"
#include "serving/http/handler.h"
#include "serving/lifecycle/evaluation.h"

namespace maas::serving {
namespace {

using nlohmann::json;

Result<int64_t> version_param(const HttpRequest& req) {
  const std::string& v = req.param("version");
  char* end = nullptr;
  const long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || n <= 0) return invalid_argument("version '{}' is not a positive integer", v);
  return static_cast<int64_t>(n);
}

Result<EvalSpec> read_spec(const json& body) {
  EvalSpec spec;
  for (const auto& [key, value] : body.items()) {
    if (key == "data") {
      if (!value.is_string() || value.get<std::string>().empty())
        return invalid_argument("'data' must be the path of a file on the server").with_field("data");
      spec.data_path = value.get<std::string>();
    } else if (key == "max_tokens" || key == "window") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0)
        return invalid_argument("'{}' must be a non-negative integer", key).with_field(key);
      if (value.get<int64_t>() > 0) spec.options[key] = value.get<int64_t>();
    } else {
      return invalid_argument("unknown field '{}' (fields: data, max_tokens, window)", key).with_field(key);
    }
  }
  if (spec.data_path.empty()) return invalid_argument("'data' is required").with_field("data");
  return spec;
}

HttpResponse thresholds_response(const std::string& name, const json& thresholds) {
  return HttpResponse::json(
      {{"model", name}, {"thresholds", thresholds.is_object() ? thresholds : json::object()}});
}

}  // namespace

void add_evaluation_routes(Router& router, ServingContext& ctx) {
  router.post("/admin/v1/models/{name}/versions/{version}/evaluate", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(int64_t version, version_param(req));
    MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
    MAAS_ASSIGN_OR_RETURN(EvalSpec spec, read_spec(body));
    MAAS_ASSIGN_OR_RETURN(EvaluationReport report,
                          evaluate_version(ctx.registry, ctx.families, req.param("name"), version, spec,
                                           req.header("X-Maas-Actor", "http")));
    return HttpResponse::json(to_json(report));
  })).admin = true;

  router.get("/admin/v1/models/{name}/thresholds", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(registry::ModelDetails details, ctx.registry.get_model(req.param("name")));
    return thresholds_response(details.name, details.thresholds);
  })).admin = true;

  router.put("/admin/v1/models/{name}/thresholds", wrap([&ctx](HttpRequest& req) -> Result<HttpResponse> {
    MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
    MAAS_RETURN_IF_ERROR(registry::parse_thresholds(body).status());
    registry::ModelMetadata metadata;
    metadata.thresholds = body;
    MAAS_RETURN_IF_ERROR(ctx.registry.set_model_metadata(req.param("name"), metadata, req.header("X-Maas-Actor", "http")));
    return thresholds_response(req.param("name"), body);
  })).admin = true;
}

}  // namespace maas::serving
