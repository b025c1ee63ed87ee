#include "serving/openai/embeddings.h"

#include <cmath>

#include "core/capability/embedder.h"
#include "llm/family/llm_family.h"
#include "serving/http/handler.h"
#include "serving/openai/fields.h"
#include "serving/openai/response_util.h"

namespace maas::serving::openai {
namespace {

using nlohmann::json;

std::string base64(const void* data, size_t n) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += i + 1 < n ? kAlphabet[v >> 6 & 63] : '=';
    out += i + 2 < n ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// `input`: a string, an array of strings, token ids, or arrays of token ids.
Result<std::vector<EmbedInput>> parse_inputs(const json& input) {
  auto bad = [](const std::string& msg) { return invalid_argument("'input' {}", msg).with_field("input"); };
  std::vector<EmbedInput> out;
  auto add_ids = [&](const json& arr) -> Status {
    EmbedInput in;
    in.is_tokens = true;
    for (const auto& t : arr) {
      if (!t.is_number_integer()) return bad("token arrays must hold integers");
      in.tokens.push_back(t.get<int32_t>());
    }
    out.push_back(std::move(in));
    return Status::ok();
  };
  auto add_text = [&](const json& s) { out.push_back(EmbedInput{s.get<std::string>(), {}, false}); };
  if (input.is_string()) {
    add_text(input);
  } else if (input.is_array() && !input.empty() && input[0].is_number_integer()) {
    MAAS_RETURN_IF_ERROR(add_ids(input));
  } else if (input.is_array() && !input.empty()) {
    for (const auto& item : input) {
      if (item.is_string())
        add_text(item);
      else if (item.is_array())
        MAAS_RETURN_IF_ERROR(add_ids(item));
      else
        return bad("must be a string, an array of strings, or token ids");
    }
  } else {
    return bad("must be a non-empty string, an array of strings, or token ids");
  }
  for (const auto& in : out)
    if (in.is_tokens ? in.tokens.empty() : in.text.empty()) return bad("must not contain empty inputs");
  return out;
}

Result<HttpResponse> handle_embeddings(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> user, f.opt_string("user"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> format, f.opt_string("encoding_format"));
  if (format && *format != "float" && *format != "base64")
    return invalid_argument("'encoding_format' must be 'float' or 'base64'").with_field("encoding_format");
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, Embedder::kName, user.value_or("")));
  MAAS_ASSIGN_OR_RETURN(Embedder * m, capability_of<Embedder>(routed));
  const int64_t n_embd = m->dimensions();
  MAAS_ASSIGN_OR_RETURN(std::optional<int64_t> dims, f.opt_integer("dimensions", 1, 1 << 20));
  if (dims && *dims != n_embd)
    return invalid_argument("'dimensions' {} is not supported: model '{}' produces {}-dimensional embeddings only",
                            *dims, model_name, n_embd)
        .with_field("dimensions");
  if (!f.has("input")) return invalid_argument("'input' is required").with_field("input");
  MAAS_ASSIGN_OR_RETURN(std::vector<EmbedInput> inputs, parse_inputs(f.raw("input")));
  // Fields beyond OpenAI's go to the family, which refuses those it does not know.
  json options = json::object();
  for (const auto& [key, value] : body.items())
    if (key != "model" && key != "input" && key != "encoding_format" && key != "dimensions" && key != "user")
      options[key] = value;
  MAAS_ASSIGN_OR_RETURN(EmbedResult result, m->embed(inputs, options));
  json data = json::array();
  const int64_t tokens = result.tokens;
  for (size_t i = 0; i < result.vectors.size(); ++i) {
    const std::vector<float>& e = result.vectors[i];
    json item = {{"object", "embedding"}, {"index", i}};
    if (i < result.unknown.size() && !result.unknown[i].empty()) item["unknown_words"] = result.unknown[i];
    if (format && *format == "base64")
      item["embedding"] = base64(e.data(), e.size() * sizeof(float));
    else
      item["embedding"] = e;
    data.push_back(std::move(item));
  }
  HttpResponse res = HttpResponse::json({{"object", "list"},
                                         {"data", data},
                                         {"model", model_name},
                                         {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
  add_route_headers(res, routed);
  res.usage->prompt_tokens = tokens;
  res.usage->items = static_cast<int64_t>(inputs.size());
  return res;
}

Result<HttpResponse> handle_tokenize(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"model", "prompt", "content", "add_special", "add_special_tokens", "with_pieces"}));
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, llm::LlmModel::kName, ""));
  MAAS_ASSIGN_OR_RETURN(llm::LlmModel * m, capability_of<llm::LlmModel>(routed));
  const auto& tok = m->tokenizer();
  const char* field = f.has("prompt") ? "prompt" : "content";
  MAAS_ASSIGN_OR_RETURN(std::string text, f.string(field));
  MAAS_ASSIGN_OR_RETURN(bool add_special, f.boolean(f.has("add_special") ? "add_special" : "add_special_tokens", true));
  MAAS_ASSIGN_OR_RETURN(bool with_pieces, f.boolean("with_pieces", false));
  std::vector<int32_t> ids = tok.encode(text, add_special && tok.adds_bos(), true);
  json out = {{"tokens", ids},
              {"count", ids.size()},
              {"max_model_len", m->scheduler().context_length()}};
  if (with_pieces) {
    json pieces = json::array();
    for (int32_t id : ids) pieces.push_back({{"id", id}, {"piece", tok.token_to_piece(id)}});
    out["pieces"] = pieces;
  }
  return HttpResponse::json(out);
}

Result<HttpResponse> handle_detokenize(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"model", "tokens"}));
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, llm::LlmModel::kName, ""));
  MAAS_ASSIGN_OR_RETURN(llm::LlmModel * m, capability_of<llm::LlmModel>(routed));
  const auto& tok = m->tokenizer();
  if (!f.has("tokens") || !f.raw("tokens").is_array())
    return invalid_argument("'tokens' must be an array of token ids").with_field("tokens");
  std::vector<int32_t> ids;
  for (const auto& t : f.raw("tokens")) {
    if (!t.is_number_integer()) return invalid_argument("'tokens' must hold integers").with_field("tokens");
    ids.push_back(t.get<int32_t>());
  }
  if (Status st = tok.valid_ids(ids); !st.is_ok()) return Status(st.code(), st.message()).with_field("tokens");
  std::string text = tok.decode(ids, /*render_special=*/true);
  return HttpResponse::json({{"prompt", text}, {"content", text}});
}

}  // namespace

void add_embeddings_route(Router& router, ServingContext& ctx) {
  router.post("/v1/embeddings", wrap([&ctx](HttpRequest& req) { return handle_embeddings(ctx, req); }));
}

void add_tokenize_routes(Router& router, ServingContext& ctx) {
  router.post("/tokenize", wrap([&ctx](HttpRequest& req) { return handle_tokenize(ctx, req); }));
  router.post("/detokenize", wrap([&ctx](HttpRequest& req) { return handle_detokenize(ctx, req); }));
}

}  // namespace maas::serving::openai
