#include "serving/routes/similar_words_routes.h"

#include "core/capability/word_neighbours.h"
#include "serving/http/handler.h"
#include "serving/model_router.h"
#include "serving/openai/fields.h"
#include "serving/openai/response_util.h"

namespace maas::serving {
namespace {

using nlohmann::json;

Result<std::vector<std::string>> word_list(const json& body, const char* field) {
  std::vector<std::string> out;
  if (!body.contains(field) || body[field].is_null()) return out;
  const json& list = body[field];
  if (!list.is_array()) return invalid_argument("'{}' must be an array of words", field).with_field(field);
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string() || list[i].get<std::string>().empty())
      return invalid_argument("'{}[{}]' must be a non-empty string", field, i).with_field(fmt::format("{}[{}]", field, i));
    out.push_back(list[i].get<std::string>());
  }
  return out;
}

Result<NeighbourQuery> parse_query(const json& body) {
  openai::Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"model", "word", "positive", "negative", "k", "user"}));
  NeighbourQuery q;
  MAAS_ASSIGN_OR_RETURN(q.positive, word_list(body, "positive"));
  MAAS_ASSIGN_OR_RETURN(q.negative, word_list(body, "negative"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> word, f.opt_string("word"));
  if (word) {
    if (!q.positive.empty() || !q.negative.empty())
      return invalid_argument("give either 'word' or 'positive'/'negative', not both").with_field("word");
    if (word->empty()) return invalid_argument("'word' must not be empty").with_field("word");
    q.positive.push_back(*word);
  }
  if (q.positive.empty())
    return invalid_argument("'word' or a non-empty 'positive' list is required").with_field(word ? "word" : "positive");
  MAAS_ASSIGN_OR_RETURN(q.k, f.integer("k", 10, 1, 1000));
  return q;
}

Result<HttpResponse> handle_similar_words(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  openai::Fields f(body);
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> user, f.opt_string("user"));
  MAAS_ASSIGN_OR_RETURN(NeighbourQuery query, parse_query(body));
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed,
                        route_model(ctx, req, model_name, WordNeighbours::kName, user.value_or("")));
  MAAS_ASSIGN_OR_RETURN(WordNeighbours * m, capability_of<WordNeighbours>(routed));
  Result<std::vector<WordNeighbour>> found = m->similar_words(query);
  if (!found.is_ok() && body.contains("word") && found.status().field() == "positive[0]")
    return found.status().with_field("word");
  MAAS_RETURN_IF_ERROR(found.status());
  json data = json::array();
  for (const WordNeighbour& n : *found) data.push_back({{"word", n.word}, {"score", n.score}});
  HttpResponse res = HttpResponse::json({{"object", "list"}, {"model", model_name}, {"data", data}});
  openai::add_route_headers(res, routed);
  res.usage->items = 1;
  return res;
}

}  // namespace

void add_similar_words_route(Router& router, ServingContext& ctx) {
  router.post("/v1/similar-words", wrap([&ctx](HttpRequest& req) { return handle_similar_words(ctx, req); }));
}

}  // namespace maas::serving
