#include "serving/routes/translations_routes.h"

#include "core/capability/translator.h"
#include "serving/http/handler.h"
#include "serving/openai/fields.h"
#include "serving/openai/response_util.h"

namespace maas::serving {
namespace {

using nlohmann::json;
using openai::Fields;

constexpr size_t kMaxInputs = 256;

Result<std::vector<std::string>> parse_inputs(const Fields& f) {
  if (!f.has("input")) return invalid_argument("'input' is required").with_field("input");
  const json& input = f.raw("input");
  std::vector<std::string> out;
  if (input.is_string()) {
    out.push_back(input.get<std::string>());
  } else if (input.is_array() && !input.empty() && input.size() <= kMaxInputs) {
    for (size_t i = 0; i < input.size(); ++i) {
      if (!input[i].is_string())
        return invalid_argument("'input[{}]' must be a string", i).with_field("input");
      out.push_back(input[i].get<std::string>());
    }
  } else {
    return invalid_argument("'input' must be a string or an array of 1 to {} strings", kMaxInputs).with_field("input");
  }
  return out;
}

Result<HttpResponse> handle_translations(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"model", "input", "beam", "length_penalty", "alignment", "user"}));
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> user, f.opt_string("user"));
  TranslateRequest tr;
  MAAS_ASSIGN_OR_RETURN(tr.inputs, parse_inputs(f));
  MAAS_ASSIGN_OR_RETURN(int64_t beam, f.integer("beam", 1, 1, 64));
  tr.beam = static_cast<int>(beam);
  MAAS_ASSIGN_OR_RETURN(tr.length_penalty, f.number("length_penalty", 0.0, 0.0, 5.0));
  MAAS_ASSIGN_OR_RETURN(tr.alignment, f.boolean("alignment", false));
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, Translator::kName, user.value_or("")));
  MAAS_ASSIGN_OR_RETURN(Translator * translator, capability_of<Translator>(routed));
  if (tr.beam > translator->max_beam())
    return invalid_argument("'beam' {} is more than this model's maximum of {}", tr.beam, translator->max_beam())
        .with_field("beam");
  MAAS_ASSIGN_OR_RETURN(std::vector<TranslationResult> results, translator->translate(tr));
  json data = json::array();
  int64_t input_tokens = 0, output_tokens = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const TranslationResult& r = results[i];
    json item = {{"object", "translation"}, {"index", i}, {"translation", r.text}, {"log_prob", r.log_prob}};
    if (tr.alignment)
      item["alignment"] = {{"source_tokens", r.input_pieces}, {"target_tokens", r.output_pieces}, {"weights", r.weights}};
    data.push_back(std::move(item));
    input_tokens += r.input_tokens;
    output_tokens += r.output_tokens;
  }
  HttpResponse res = HttpResponse::json({{"object", "list"},
                                         {"model", model_name},
                                         {"data", data},
                                         {"usage", openai::usage_json(input_tokens, output_tokens)}});
  openai::add_route_headers(res, routed);
  res.usage->prompt_tokens = input_tokens;
  res.usage->completion_tokens = output_tokens;
  res.usage->items = static_cast<int64_t>(results.size());
  return res;
}

}  // namespace

void add_translations_route(Router& router, ServingContext& ctx) {
  router.post("/v1/translations", wrap([&ctx](HttpRequest& req) { return handle_translations(ctx, req); }));
}

}  // namespace maas::serving
