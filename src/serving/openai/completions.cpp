#include "serving/openai/completions.h"

#include <cmath>

#include "core/clock.h"
#include "serving/http/handler.h"
#include "serving/openai/fields.h"
#include "serving/openai/generation.h"
#include "serving/openai/response_util.h"
#include "serving/openai/sampling_request.h"
#include "serving/openai/sse.h"

namespace maas::serving::openai {
namespace {

using nlohmann::json;

const std::set<std::string>& completion_fields() {
  static const std::set<std::string> names = request_field_names({"model", "prompt", "logprobs", "echo", "best_of"});
  return names;
}

// `prompt`: a string, an array of strings, an array of token ids, or an array of arrays.
Result<std::vector<std::vector<int32_t>>> tokenize_prompts(const json& prompt, const llm::Tokenizer& tok) {
  auto bad = [](const std::string& msg) { return invalid_argument("'prompt' {}", msg).with_field("prompt"); };
  auto ids_of = [&](const json& arr) -> Result<std::vector<int32_t>> {
    std::vector<int32_t> ids;
    for (const auto& t : arr) {
      if (!t.is_number_integer()) return bad("token arrays must hold integers");
      ids.push_back(t.get<int32_t>());
    }
    return ids;
  };
  std::vector<std::vector<int32_t>> out;
  if (prompt.is_string()) {
    out.push_back(tok.encode(prompt.get<std::string>(), tok.adds_bos(), true));
  } else if (prompt.is_array() && !prompt.empty() && prompt[0].is_number_integer()) {
    MAAS_ASSIGN_OR_RETURN(auto ids, ids_of(prompt));
    out.push_back(std::move(ids));
  } else if (prompt.is_array() && !prompt.empty()) {
    for (const auto& p : prompt) {
      if (p.is_string()) {
        out.push_back(tok.encode(p.get<std::string>(), tok.adds_bos(), true));
      } else if (p.is_array()) {
        MAAS_ASSIGN_OR_RETURN(auto ids, ids_of(p));
        out.push_back(std::move(ids));
      } else {
        return bad("must be a string, an array of strings, or token ids");
      }
    }
  } else {
    return bad("must be a non-empty string, an array of strings, or token ids");
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty()) return bad(out.size() > 1 ? fmt::format("{} is empty", i) : "is empty");
    if (Status st = tok.valid_ids(out[i]); !st.is_ok()) return bad(st.message());
  }
  return out;
}

struct ChoiceState {
  std::string text;
  std::vector<llm::GeneratedToken> prompt_tokens;  // echo + logprobs
  std::vector<llm::GeneratedToken> tokens;
  std::string finish_reason;
};

json logprobs_json(const std::vector<const llm::GeneratedToken*>& toks, const llm::Tokenizer& tok, size_t offset0) {
  json tokens = json::array(), lps = json::array(), tops = json::array(), offsets = json::array();
  size_t offset = offset0;
  for (const llm::GeneratedToken* t : toks) {
    const std::string& piece = tok.token_to_piece(t->token);
    tokens.push_back(piece);
    offsets.push_back(offset);
    offset += piece.size();
    if (std::isnan(t->logprob)) {
      lps.push_back(nullptr);
      tops.push_back(nullptr);
      continue;
    }
    lps.push_back(t->logprob);
    json top = json::object();
    for (const auto& alt : t->top) top[tok.token_to_piece(alt.token)] = alt.logprob;
    tops.push_back(top);
  }
  return {{"tokens", tokens}, {"token_logprobs", lps}, {"top_logprobs", tops}, {"text_offset", offsets}};
}

struct CompletionCall {
  RoutedModel routed;
  llm::LlmModel* model = nullptr;
  std::vector<std::vector<int32_t>> prompts;
  std::vector<std::string> prompt_texts;  // for echo
  SamplingRequest sampling;
  std::optional<int64_t> logprobs;
  bool echo = false;
  std::string id = new_id("cmpl");
  int64_t created = unix_seconds();
};

json chunk_json(const CompletionCall& c, size_t index, const std::string& text, const json& logprobs,
                const json& finish) {
  json j = envelope(c.id, "text_completion", c.created, c.routed.requested);
  j["choices"] = json::array({{{"index", index}, {"text", text}, {"logprobs", logprobs}, {"finish_reason", finish}}});
  return j;
}

// `client_alive` turning false (the client hung up) cancels the generation at its next step.
HttpResponse respond_once(CompletionCall& c, Generation& gen, const std::function<bool()>& client_alive) {
  const size_t n = static_cast<size_t>(c.sampling.n);
  std::vector<ChoiceState> choices(c.prompts.size() * n);
  int64_t completion_tokens = 0;
  Status st = gen.drive(
      [&](const llm::JobEvent& e) {
        ChoiceState& ch = choices[static_cast<size_t>(e.job_tag) * n + static_cast<size_t>(e.choice)];
        switch (e.kind) {
          case llm::JobEvent::Kind::kPromptLogprobs:
            ch.prompt_tokens.insert(ch.prompt_tokens.end(), e.prompt_tokens.begin(), e.prompt_tokens.end());
            break;
          case llm::JobEvent::Kind::kToken:
            ch.text += e.token.text;
            if (e.token.token >= 0) ch.tokens.push_back(e.token);
            break;
          case llm::JobEvent::Kind::kDone:
            ch.finish_reason = openai_finish_reason(e.finish);
            completion_tokens += e.completion_tokens;
            break;
          case llm::JobEvent::Kind::kError: break;
        }
        return true;
      },
      client_alive);
  if (!st.is_ok()) return error_response(st);
  int64_t prompt_tokens = 0;
  for (const auto& p : c.prompts) prompt_tokens += static_cast<int64_t>(p.size());
  json out_choices = json::array();
  for (size_t i = 0; i < choices.size(); ++i) {
    ChoiceState& ch = choices[i];
    const std::string& prompt_text = c.prompt_texts[i / n];
    json lp = nullptr;
    if (c.logprobs) {
      std::vector<const llm::GeneratedToken*> toks;
      if (c.echo)
        for (const auto& t : ch.prompt_tokens) toks.push_back(&t);
      for (const auto& t : ch.tokens) toks.push_back(&t);
      lp = logprobs_json(toks, c.model->tokenizer(), 0);
    }
    out_choices.push_back({{"index", i},
                           {"text", c.echo ? prompt_text + ch.text : ch.text},
                           {"logprobs", lp},
                           {"finish_reason", ch.finish_reason}});
  }
  json body = envelope(c.id, "text_completion", c.created, c.routed.requested);
  body["choices"] = out_choices;
  body["usage"] = usage_json(prompt_tokens, completion_tokens);
  HttpResponse res = HttpResponse::json(body);
  add_route_headers(res, c.routed);
  res.usage->prompt_tokens = prompt_tokens;
  res.usage->completion_tokens = completion_tokens;
  res.usage->output_text = choices.empty() ? "" : choices[0].text;
  return res;
}

HttpResponse respond_stream(std::shared_ptr<CompletionCall> c, std::shared_ptr<Generation> gen) {
  HttpResponse res = sse_response();
  add_route_headers(res, c->routed);
  res.stream = [c, gen, usage = res.usage](StreamWriter& w) {
    const size_t n = static_cast<size_t>(c->sampling.n);
    int64_t& completion_tokens = usage->completion_tokens;
    for (const auto& p : c->prompts) usage->prompt_tokens += static_cast<int64_t>(p.size());
    Stopwatch clock;
    if (c->echo) {
      for (size_t i = 0; i < c->prompts.size() * n; ++i)
        if (!send_event(w, chunk_json(*c, i, c->prompt_texts[i / n], nullptr, nullptr))) return;
    }
    Status st = gen->drive(
        [&](const llm::JobEvent& e) {
          const size_t index = static_cast<size_t>(e.job_tag) * n + static_cast<size_t>(e.choice);
          if (e.kind == llm::JobEvent::Kind::kToken) {
            json lp = nullptr;
            if (c->logprobs && e.token.token >= 0) lp = logprobs_json({&e.token}, c->model->tokenizer(), 0);
            if (e.token.text.empty() && lp.is_null()) return true;
            if (usage->time_to_first_token_seconds < 0) usage->time_to_first_token_seconds = clock.seconds();
            if (index == 0) usage->output_text += e.token.text;
            return send_event(w, chunk_json(*c, index, e.token.text, lp, nullptr));
          }
          if (e.kind == llm::JobEvent::Kind::kDone) {
            completion_tokens += e.completion_tokens;
            return send_event(w, chunk_json(*c, index, "", nullptr, openai_finish_reason(e.finish)));
          }
          return true;
        },
        [&w] { return w.is_alive(); });
    end_stream(w, st, usage_chunk(c->sampling.include_usage, c->id, "text_completion", c->created, c->routed.requested,
                                  usage->prompt_tokens, completion_tokens));
  };
  return res;
}

Result<HttpResponse> handle_completion(ServingContext& ctx, const OpenAIOptions& options, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known(completion_fields(), {"suffix"}));
  auto call = std::make_shared<CompletionCall>();
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> user, f.opt_string("user"));
  MAAS_ASSIGN_OR_RETURN(call->routed, route_model(ctx, req, model_name, llm::LlmModel::kName, user.value_or("")));
  MAAS_ASSIGN_OR_RETURN(call->model, capability_of<llm::LlmModel>(call->routed));
  const llm::Tokenizer& tok = call->model->tokenizer();
  const int max_n = static_cast<int>(call->model->scheduler().stats().kv.max_sequences);
  MAAS_ASSIGN_OR_RETURN(call->sampling, parse_sampling(f, static_cast<int64_t>(tok.vocab_size()), max_n, false));
  MAAS_ASSIGN_OR_RETURN(call->logprobs, f.opt_integer("logprobs", 0, 20));
  MAAS_ASSIGN_OR_RETURN(call->echo, f.boolean("echo", false));
  MAAS_ASSIGN_OR_RETURN(std::optional<int64_t> best_of, f.opt_integer("best_of", 1, 64));
  if (best_of && *best_of != call->sampling.n)
    return invalid_argument("'best_of' other than n is not supported by maas").with_field("best_of");
  if (!f.has("prompt")) return invalid_argument("'prompt' is required").with_field("prompt");
  MAAS_ASSIGN_OR_RETURN(call->prompts, tokenize_prompts(f.raw("prompt"), tok));
  // Echo gives back the prompt as sent; token-id prompts as their text.
  const json& prompt = f.raw("prompt");
  for (size_t i = 0; i < call->prompts.size(); ++i) {
    const json& item = prompt.is_array() && !prompt[0].is_number_integer() ? prompt[i] : prompt;
    call->prompt_texts.push_back(item.is_string() ? item.get<std::string>()
                                                  : tok.decode(call->prompts[i], /*render_special=*/false));
  }

  GenerationOptions go;
  go.params = call->sampling.params;
  go.params.max_tokens = static_cast<int32_t>(call->sampling.max_tokens.value_or(16));
  go.params.sampling.n_probs = static_cast<int32_t>(call->logprobs.value_or(0));
  go.params.sampling.logprobs = call->logprobs.has_value();
  go.n = call->sampling.n;
  go.prompt_logprobs = call->echo && call->logprobs.has_value();
  go.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.request_timeout_seconds);
  MAAS_ASSIGN_OR_RETURN(std::unique_ptr<Generation> gen, Generation::start(*call->model, call->prompts, go));
  if (call->sampling.stream) return respond_stream(call, std::shared_ptr<Generation>(std::move(gen)));
  return respond_once(*call, *gen, req.is_connection_alive);
}

}  // namespace

void add_completions_route(Router& router, ServingContext& ctx, OpenAIOptions options) {
  router.post("/v1/completions",
              wrap([&ctx, options](HttpRequest& req) { return handle_completion(ctx, options, req); }));
}

}  // namespace maas::serving::openai
