#include "serving/routes/recommendations_routes.h"

#include <cstdlib>

#include "core/capability/recommender.h"
#include "serving/http/handler.h"
#include "serving/model_router.h"
#include "serving/openai/fields.h"
#include "serving/openai/response_util.h"

namespace maas::serving {
namespace {

using nlohmann::json;
using openai::Fields;

json render(const std::vector<RecommendedItem>& items) {
  json out = json::array();
  for (const RecommendedItem& r : items)
    out.push_back({{"item", r.item}, {"title", r.title}, {"categories", r.categories}, {"score", r.score},
                   {"reason", r.reason}});
  return out;
}

// An id from the request: a JSON string, or an integer (MovieLens-style numeric ids).
Result<std::string> id_field(const Fields& f, const json& body, const char* name) {
  if (f.has(name) && body[name].is_number_integer()) return std::to_string(body[name].get<int64_t>());
  MAAS_ASSIGN_OR_RETURN(std::string id, f.string(name));
  if (id.empty()) return invalid_argument("'{}' must not be empty", name).with_field(name);
  return id;
}

Result<HttpResponse> handle_recommendations(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"model", "user", "k", "exclude_seen", "filter"}));
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(std::string user, id_field(f, body, "user"));
  RecommendQuery q;
  q.user = user;
  MAAS_ASSIGN_OR_RETURN(q.k, f.integer("k", 10, 1, 1000));
  MAAS_ASSIGN_OR_RETURN(q.exclude_seen, f.boolean("exclude_seen", true));
  if (f.has("filter")) {
    const json& filter = f.raw("filter");
    if (!filter.is_object()) return invalid_argument("'filter' must be an object").with_field("filter");
    Fields ff(filter);
    if (Status st = ff.check_known({"category"}); !st.is_ok()) return Status(st.code(), st.message()).with_field("filter");
    MAAS_ASSIGN_OR_RETURN(std::optional<std::string> category, ff.opt_string("category"));
    q.category = category.value_or("");
  }
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, Recommender::kName, user));
  MAAS_ASSIGN_OR_RETURN(Recommender * rec, capability_of<Recommender>(routed));
  MAAS_ASSIGN_OR_RETURN(Recommendations r, rec->recommend(q));
  HttpResponse res = HttpResponse::json({{"object", "list"},
                                         {"model", model_name},
                                         {"user", user},
                                         {"strategy", r.strategy},
                                         {"cold_start", r.cold_start},
                                         {"data", render(r.items)}});
  openai::add_route_headers(res, routed);
  res.usage->items = static_cast<int64_t>(r.items.size());
  return res;
}

Result<HttpResponse> handle_similar(ServingContext& ctx, HttpRequest& req) {
  const std::string model_name = req.query_param("model");
  if (model_name.empty()) return invalid_argument("query parameter 'model' is required").with_field("model");
  const std::string k_text = req.query_param("k", "10");
  char* end = nullptr;
  const long long k = std::strtoll(k_text.c_str(), &end, 10);
  if (k_text.empty() || *end != '\0' || k < 1 || k > 1000)
    return invalid_argument("'k' must be an integer between 1 and 1000").with_field("k");
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, Recommender::kName, ""));
  MAAS_ASSIGN_OR_RETURN(Recommender * rec, capability_of<Recommender>(routed));
  const std::string& item = req.param("id");
  MAAS_ASSIGN_OR_RETURN(std::vector<RecommendedItem> items, rec->similar_items(item, k));
  HttpResponse res = HttpResponse::json({{"object", "list"}, {"model", model_name}, {"item", item}, {"data", render(items)}});
  openai::add_route_headers(res, routed);
  res.usage->items = static_cast<int64_t>(items.size());
  return res;
}

Result<HttpResponse> handle_feedback(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"model", "user", "item", "rating", "event"}));
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  FeedbackEvent e;
  MAAS_ASSIGN_OR_RETURN(e.user, id_field(f, body, "user"));
  MAAS_ASSIGN_OR_RETURN(e.item, id_field(f, body, "item"));
  if (f.has("rating")) {
    if (!f.raw("rating").is_number()) return invalid_argument("'rating' must be a number").with_field("rating");
    e.rating = f.raw("rating").get<double>();
  }
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> event, f.opt_string("event"));
  e.event = event.value_or("");
  if (!e.rating && e.event.empty()) return invalid_argument("give 'rating' or 'event'").with_field("rating");
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, Recommender::kName, e.user));
  MAAS_ASSIGN_OR_RETURN(Recommender * rec, capability_of<Recommender>(routed));
  MAAS_ASSIGN_OR_RETURN(json recorded, rec->feedback(e));
  recorded["object"] = "feedback";
  recorded["model"] = model_name;
  HttpResponse res = HttpResponse::json(recorded);
  openai::add_route_headers(res, routed);
  res.usage->items = 1;
  return res;
}

}  // namespace

void add_recommendations_routes(Router& router, ServingContext& ctx) {
  router.post("/v1/recommendations", wrap([&ctx](HttpRequest& req) { return handle_recommendations(ctx, req); }));
  router.get("/v1/items/{id}/similar", wrap([&ctx](HttpRequest& req) { return handle_similar(ctx, req); }));
  router.post("/v1/feedback", wrap([&ctx](HttpRequest& req) { return handle_feedback(ctx, req); }));
}

}  // namespace maas::serving
