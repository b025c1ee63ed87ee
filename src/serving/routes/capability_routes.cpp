#include "serving/routes/capability_routes.h"

#include "core/capability/classifier.h"
#include "core/capability/explainer.h"
#include "serving/http/handler.h"
#include "serving/model_router.h"
#include "serving/openai/response_util.h"

namespace maas::serving {
namespace {

using nlohmann::json;

// The body's "model" (required) and "user" (optional) — the fields every model route reads.
struct ModelFields {
  std::string model, user;
};

Result<ModelFields> model_fields(const json& body) {
  ModelFields f;
  if (!body.contains("model") || !body["model"].is_string() || body["model"].get<std::string>().empty())
    return invalid_argument("'model' is required and must be a string").with_field("model");
  f.model = body["model"].get<std::string>();
  if (body.contains("user")) {
    if (!body["user"].is_string()) return invalid_argument("'user' must be a string").with_field("user");
    f.user = body["user"].get<std::string>();
  }
  return f;
}

HttpResponse routed_json(const json& out, const RoutedModel& routed, int64_t items) {
  HttpResponse res = HttpResponse::json(out);
  openai::add_route_headers(res, routed);
  res.usage->items = items;
  return res;
}

Result<HttpResponse> classify(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  for (const auto& [key, _] : body.items())
    if (key != "model" && key != "input" && key != "user")
      return invalid_argument("unknown field '{}' (fields: model, input, user)", key).with_field(key);
  MAAS_ASSIGN_OR_RETURN(ModelFields f, model_fields(body));
  if (!body.contains("input") || body["input"].is_null() || (body["input"].is_array() && body["input"].empty()))
    return invalid_argument("'input' is required: one input or a non-empty array of inputs").with_field("input");
  const json& input = body["input"];
  std::vector<json> inputs;
  if (input.is_array())
    inputs.assign(input.begin(), input.end());
  else
    inputs.push_back(input);
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, f.model, Classifier::kName, f.user));
  MAAS_ASSIGN_OR_RETURN(Classifier * classifier, capability_of<Classifier>(routed));
  Result<std::vector<Classification>> results = classifier->classify(inputs);
  if (!results.is_ok()) {
    Status st = results.status();
    return st.field().empty() ? st.with_field("input") : st;
  }
  json data = json::array();
  for (size_t i = 0; i < results->size(); ++i) {
    json probabilities = json::object();
    for (const auto& [label, p] : (*results)[i].probabilities) probabilities[label] = p;
    data.push_back({{"index", i}, {"label", (*results)[i].label}, {"probabilities", probabilities}});
  }
  return routed_json({{"object", "list"}, {"model", f.model}, {"data", data}}, routed,
                     static_cast<int64_t>(inputs.size()));
}

Result<HttpResponse> explain(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  MAAS_ASSIGN_OR_RETURN(ModelFields f, model_fields(body));
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, f.model, Explainer::kName, f.user));
  MAAS_ASSIGN_OR_RETURN(Explainer * explainer, capability_of<Explainer>(routed));
  // The body minus "model" (core/capability/explainer.h): "user" also keeps the caller
  // on one version of a split, and is the subject of a recommender's explanation.
  json request = body;
  request.erase("model");
  MAAS_ASSIGN_OR_RETURN(json data, explainer->explain(request));
  return routed_json({{"object", "explanation"}, {"model", f.model}, {"data", data}}, routed, 1);
}

}  // namespace

void add_capability_routes(Router& router, ServingContext& ctx) {
  router.post("/v1/classifications", wrap([&ctx](HttpRequest& req) { return classify(ctx, req); }));
  router.post("/v1/explanations", wrap([&ctx](HttpRequest& req) { return explain(ctx, req); }));
}

void add_family_routes(Router& router, ServingContext& ctx) {
  for (const ModelFamily* family : ctx.families.all()) {
    for (const FamilyRoute& route : family->routes()) {
      router.post(route.path, wrap([&ctx, family, route](HttpRequest& req) -> Result<HttpResponse> {
        MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
        MAAS_ASSIGN_OR_RETURN(ModelFields f, model_fields(body));
        MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, f.model, "", f.user));
        if (ctx.families.find(routed.version.family) != family)
          return invalid_argument("model '{}' is a '{}' model; {} serves '{}' models", f.model, routed.version.family,
                                  route.path, family->name())
              .with_field("model");
        MAAS_ASSIGN_OR_RETURN(json out, route.handle(*routed.model, body));
        return routed_json(out, routed, 1);
      }));
    }
  }
}

}  // namespace maas::serving
