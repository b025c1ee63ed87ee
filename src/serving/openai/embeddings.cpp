#include "serving/openai/embeddings.h"

#include <cmath>

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
Result<std::vector<std::vector<int32_t>>> tokenize_inputs(const json& input, const llm::Tokenizer& tok) {
  auto bad = [](const std::string& msg) { return invalid_argument("'input' {}", msg).with_field("input"); };
  std::vector<std::vector<int32_t>> out;
  auto add_ids = [&](const json& arr) -> Status {
    std::vector<int32_t> ids;
    for (const auto& t : arr) {
      if (!t.is_number_integer()) return bad("token arrays must hold integers");
      ids.push_back(t.get<int32_t>());
    }
    out.push_back(std::move(ids));
    return Status::ok();
  };
  if (input.is_string()) {
    out.push_back(tok.encode(input.get<std::string>(), tok.adds_bos(), false));
  } else if (input.is_array() && !input.empty() && input[0].is_number_integer()) {
    MAAS_RETURN_IF_ERROR(add_ids(input));
  } else if (input.is_array() && !input.empty()) {
    for (const auto& item : input) {
      if (item.is_string())
        out.push_back(tok.encode(item.get<std::string>(), tok.adds_bos(), false));
      else if (item.is_array())
        MAAS_RETURN_IF_ERROR(add_ids(item));
      else
        return bad("must be a string, an array of strings, or token ids");
    }
  } else {
    return bad("must be a non-empty string, an array of strings, or token ids");
  }
  for (const auto& ids : out) {
    if (ids.empty()) return bad("must not contain empty inputs");
    if (Status st = tok.valid_ids(ids); !st.is_ok()) return bad(st.message());
  }
  return out;
}

// Mean of the final hidden states over the input's tokens, L2-normalised.
Result<std::vector<float>> embed(llm::LlmModel& m, const std::vector<int32_t>& ids) {
  llm::Model& model = m.model();
  if (static_cast<int64_t>(ids.size()) > model.hparams().n_ctx_train)
    return invalid_argument("input of {} tokens exceeds the model's context of {}", ids.size(),
                            model.hparams().n_ctx_train)
        .with_field("input");
  MAAS_ASSIGN_OR_RETURN(llm::KvCache cache, model.make_cache({1, static_cast<int64_t>(ids.size())}));
  MAAS_ASSIGN_OR_RETURN(llm::SeqId seq, cache.allocate());
  llm::Batch batch;
  batch.seqs.push_back({seq, ids, 0, false});
  batch.want_logits = false;
  batch.want_hidden = true;
  MAAS_ASSIGN_OR_RETURN(llm::ForwardResult out, model.forward(batch, cache));
  std::vector<double> sum(static_cast<size_t>(out.n_embd), 0.0);
  for (int64_t j = 0; j < static_cast<int64_t>(ids.size()); ++j) {
    auto h = out.hidden_state(0, j);
    for (size_t d = 0; d < sum.size(); ++d) sum[d] += h[d];
  }
  double norm = 0;
  for (double& v : sum) {
    v /= static_cast<double>(ids.size());
    norm += v * v;
  }
  norm = std::sqrt(norm);
  std::vector<float> e(sum.size());
  for (size_t d = 0; d < e.size(); ++d) e[d] = static_cast<float>(norm > 0 ? sum[d] / norm : 0.0);
  return e;
}

Result<HttpResponse> handle_embeddings(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"model", "input", "encoding_format", "dimensions", "user"}));
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> user, f.opt_string("user"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> format, f.opt_string("encoding_format"));
  if (format && *format != "float" && *format != "base64")
    return invalid_argument("'encoding_format' must be 'float' or 'base64'").with_field("encoding_format");
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, "llm", user.value_or("")));
  auto* m = static_cast<llm::LlmModel*>(routed.model.get());
  const int64_t n_embd = m->model().hparams().n_embd;
  MAAS_ASSIGN_OR_RETURN(std::optional<int64_t> dims, f.opt_integer("dimensions", 1, 1 << 20));
  if (dims && *dims != n_embd)
    return invalid_argument("'dimensions' {} is not supported: model '{}' produces {}-dimensional embeddings only",
                            *dims, model_name, n_embd)
        .with_field("dimensions");
  if (!f.has("input")) return invalid_argument("'input' is required").with_field("input");
  MAAS_ASSIGN_OR_RETURN(auto inputs, tokenize_inputs(f.raw("input"), m->tokenizer()));
  json data = json::array();
  int64_t tokens = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    MAAS_ASSIGN_OR_RETURN(std::vector<float> e, embed(*m, inputs[i]));
    tokens += static_cast<int64_t>(inputs[i].size());
    json item = {{"object", "embedding"}, {"index", i}};
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
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, "llm", ""));
  const auto& tok = static_cast<llm::LlmModel*>(routed.model.get())->tokenizer();
  const char* field = f.has("prompt") ? "prompt" : "content";
  MAAS_ASSIGN_OR_RETURN(std::string text, f.string(field));
  MAAS_ASSIGN_OR_RETURN(bool add_special, f.boolean(f.has("add_special") ? "add_special" : "add_special_tokens", true));
  MAAS_ASSIGN_OR_RETURN(bool with_pieces, f.boolean("with_pieces", false));
  std::vector<int32_t> ids = tok.encode(text, add_special && tok.adds_bos(), true);
  json out = {{"tokens", ids},
              {"count", ids.size()},
              {"max_model_len", static_cast<llm::LlmModel*>(routed.model.get())->scheduler().context_length()}};
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
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, "llm", ""));
  const auto& tok = static_cast<llm::LlmModel*>(routed.model.get())->tokenizer();
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
