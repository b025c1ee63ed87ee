#include "serving/openai/chat.h"

#include <cmath>

#include "core/clock.h"
#include "llm/family/json_picker.h"
#include "serving/http/handler.h"
#include "serving/openai/fields.h"
#include "serving/openai/generation.h"
#include "serving/openai/response_util.h"
#include "serving/openai/sampling_request.h"
#include "serving/openai/sse.h"

namespace maas::serving::openai {
namespace {

using nlohmann::json;

const std::set<std::string>& chat_fields() {
  static const std::set<std::string> names =
      request_field_names({"model", "messages", "logprobs", "top_logprobs", "response_format"});
  return names;
}

const std::set<std::string>& unsupported_chat_fields() {
  static const std::set<std::string> names = {"tools", "tool_choice", "functions", "function_call", "audio",
                                              "modalities", "prediction", "web_search_options", "parallel_tool_calls"};
  return names;
}

// content: a string, or an array of {"type":"text","text":...} parts (joined).
Result<std::vector<llm::ChatMessage>> parse_messages(const json& body) {
  if (!body.contains("messages")) return invalid_argument("'messages' is required").with_field("messages");
  const json& msgs = body["messages"];
  if (!msgs.is_array() || msgs.empty())
    return invalid_argument("'messages' must be a non-empty array").with_field("messages");
  std::vector<llm::ChatMessage> out;
  for (size_t i = 0; i < msgs.size(); ++i) {
    const std::string where = fmt::format("messages[{}]", i);
    const json& m = msgs[i];
    if (!m.is_object()) return invalid_argument("{} must be an object", where).with_field(where);
    if (!m.contains("role") || !m["role"].is_string())
      return invalid_argument("{}.role must be a string", where).with_field(where + ".role");
    llm::ChatMessage cm;
    cm.role = m["role"].get<std::string>();
    if (cm.role == "developer") cm.role = "system";  // OpenAI's newer name for system
    if (m.contains("content") && m["content"].is_string()) {
      cm.content = m["content"].get<std::string>();
    } else if (m.contains("content") && m["content"].is_array()) {
      std::string text;
      for (const auto& part : m["content"]) {
        if (!part.is_object() || part.value("type", "") != "text" || !part.contains("text") || !part["text"].is_string())
          return invalid_argument("{}.content: only text parts are supported", where).with_field(where + ".content");
        text += part["text"].get<std::string>();
      }
      cm.content = text;
    } else if (m.contains("content") && !m["content"].is_null()) {
      return invalid_argument("{}.content must be a string or an array of text parts", where)
          .with_field(where + ".content");
    }
    out.push_back(std::move(cm));
  }
  return out;
}

struct ChatCall {
  RoutedModel routed;
  llm::LlmModel* model = nullptr;
  std::vector<int32_t> prompt;
  SamplingRequest sampling;
  bool logprobs = false;
  int top_logprobs = 0;
  std::string id = new_id("chatcmpl");
  int64_t created = unix_seconds();
};

json bytes_json(const std::string& s) {
  json b = json::array();
  for (unsigned char c : s) b.push_back(c);
  return b;
}

json token_logprob_json(const llm::GeneratedToken& t, const llm::Tokenizer& tok) {
  const std::string& piece = tok.token_to_piece(t.token);
  json top = json::array();
  for (const auto& alt : t.top) {
    const std::string& p = tok.token_to_piece(alt.token);
    top.push_back({{"token", p}, {"logprob", alt.logprob}, {"bytes", bytes_json(p)}});
  }
  return {{"token", piece},
          {"logprob", std::isnan(t.logprob) ? json(nullptr) : json(t.logprob)},
          {"bytes", bytes_json(piece)},
          {"top_logprobs", top}};
}

json chunk(const ChatCall& c, int index, const json& delta, const json& logprobs, const json& finish) {
  json j = envelope(c.id, "chat.completion.chunk", c.created, c.routed.requested);
  j["choices"] = json::array({{{"index", index}, {"delta", delta}, {"logprobs", logprobs}, {"finish_reason", finish}}});
  return j;
}

// `client_alive` turning false (the client hung up) cancels the generation at its next step.
HttpResponse respond_once(ChatCall& c, Generation& gen, const std::function<bool()>& client_alive) {
  struct Choice {
    std::string text;
    json logprobs = json::array();
    std::string finish;
  };
  std::vector<Choice> choices(static_cast<size_t>(c.sampling.n));
  int64_t completion_tokens = 0;
  Status st = gen.drive(
      [&](const llm::JobEvent& e) {
        Choice& ch = choices[static_cast<size_t>(e.choice)];
        if (e.kind == llm::JobEvent::Kind::kToken) {
          ch.text += e.token.text;
          if (c.logprobs && e.token.token >= 0 && !e.token.text.empty())
            ch.logprobs.push_back(token_logprob_json(e.token, c.model->tokenizer()));
        } else if (e.kind == llm::JobEvent::Kind::kDone) {
          ch.finish = openai_finish_reason(e.finish);
          completion_tokens += e.completion_tokens;
        }
        return true;
      },
      client_alive);
  if (!st.is_ok()) return error_response(st);
  json out = json::array();
  for (size_t i = 0; i < choices.size(); ++i) {
    out.push_back({{"index", i},
                   {"message", {{"role", "assistant"}, {"content", choices[i].text}}},
                   {"logprobs", c.logprobs ? json{{"content", choices[i].logprobs}} : json(nullptr)},
                   {"finish_reason", choices[i].finish}});
  }
  json body = envelope(c.id, "chat.completion", c.created, c.routed.requested);
  body["choices"] = out;
  body["usage"] = usage_json(static_cast<int64_t>(c.prompt.size()), completion_tokens);
  HttpResponse res = HttpResponse::json(body);
  add_route_headers(res, c.routed);
  res.usage->prompt_tokens = static_cast<int64_t>(c.prompt.size());
  res.usage->completion_tokens = completion_tokens;
  res.usage->output_text = choices.empty() ? "" : choices[0].text;
  return res;
}

HttpResponse respond_stream(std::shared_ptr<ChatCall> c, std::shared_ptr<Generation> gen) {
  HttpResponse res = sse_response();
  add_route_headers(res, c->routed);
  res.stream = [c, gen, usage = res.usage](StreamWriter& w) {
    usage->prompt_tokens = static_cast<int64_t>(c->prompt.size());
    Stopwatch clock;
    for (int i = 0; i < c->sampling.n; ++i)
      if (!send_event(w, chunk(*c, i, {{"role", "assistant"}, {"content", ""}}, nullptr, nullptr))) return;
    int64_t& completion_tokens = usage->completion_tokens;
    Status st = gen->drive(
        [&](const llm::JobEvent& e) {
          if (e.kind == llm::JobEvent::Kind::kToken) {
            if (e.token.text.empty()) return true;
            if (usage->time_to_first_token_seconds < 0) usage->time_to_first_token_seconds = clock.seconds();
            if (e.choice == 0) usage->output_text += e.token.text;
            json lp = nullptr;
            if (c->logprobs && e.token.token >= 0)
              lp = {{"content", json::array({token_logprob_json(e.token, c->model->tokenizer())})}};
            return send_event(w, chunk(*c, e.choice, {{"content", e.token.text}}, lp, nullptr));
          }
          if (e.kind == llm::JobEvent::Kind::kDone) {
            completion_tokens += e.completion_tokens;
            return send_event(w, chunk(*c, e.choice, json::object(), nullptr, openai_finish_reason(e.finish)));
          }
          return true;
        },
        [&w] { return w.is_alive(); });
    end_stream(w, st, usage_chunk(c->sampling.include_usage, c->id, "chat.completion.chunk", c->created, c->routed.requested,
                                  usage->prompt_tokens, completion_tokens));
  };
  return res;
}

Result<bool> parse_json_mode(const Fields& f) {
  if (!f.has("response_format")) return false;
  const json& rf = f.raw("response_format");
  if (!rf.is_object() || !rf.contains("type") || !rf["type"].is_string())
    return invalid_argument("'response_format' must be an object with a 'type'").with_field("response_format");
  const std::string type = rf["type"].get<std::string>();
  if (type == "text") return false;
  if (type == "json_object") return true;
  return invalid_argument("response_format type '{}' is not supported by maas (supported: text, json_object)", type)
      .with_field("response_format");
}

Result<HttpResponse> handle_chat(ServingContext& ctx, const OpenAIOptions& options, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known(chat_fields(), unsupported_chat_fields()));
  auto call = std::make_shared<ChatCall>();
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(std::vector<llm::ChatMessage> messages, parse_messages(body));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> user, f.opt_string("user"));
  MAAS_ASSIGN_OR_RETURN(call->routed, route_model(ctx, req, model_name, llm::LlmModel::kName, user.value_or("")));
  MAAS_ASSIGN_OR_RETURN(call->model, capability_of<llm::LlmModel>(call->routed));
  llm::LlmModel& m = *call->model;
  const llm::Tokenizer& tok = m.tokenizer();
  const int max_n = static_cast<int>(m.scheduler().stats().kv.max_sequences);
  MAAS_ASSIGN_OR_RETURN(call->sampling, parse_sampling(f, static_cast<int64_t>(tok.vocab_size()), max_n, true));
  MAAS_ASSIGN_OR_RETURN(call->logprobs, f.boolean("logprobs", false));
  MAAS_ASSIGN_OR_RETURN(int64_t top, f.integer("top_logprobs", 0, 0, 20));
  if (top > 0 && !call->logprobs)
    return invalid_argument("'top_logprobs' needs 'logprobs' set to true").with_field("top_logprobs");
  call->top_logprobs = static_cast<int>(top);
  MAAS_ASSIGN_OR_RETURN(bool json_mode, parse_json_mode(f));

  MAAS_ASSIGN_OR_RETURN(std::string prompt_text,
                        llm::format_chat(m.chat_template().family, m.chat_info(), messages, true));
  call->prompt = tok.encode(prompt_text, tok.adds_bos(), /*parse_special=*/true);

  GenerationOptions go;
  go.params = call->sampling.params;
  const int64_t room = m.scheduler().context_length() - static_cast<int64_t>(call->prompt.size());
  go.params.max_tokens = static_cast<int32_t>(call->sampling.max_tokens.value_or(std::max<int64_t>(room, 0)));
  go.params.sampling.n_probs = call->top_logprobs;
  go.params.sampling.logprobs = call->logprobs;
  // Models whose tokenizer does not mark the end of a turn as end-of-generation.
  const std::string end_of_turn = llm::chat_end_of_turn(m.chat_template().family, m.chat_info());
  if (!end_of_turn.empty()) {
    const llm::TokenId id = tok.find_token(end_of_turn);
    if (id != llm::kNoToken && !tok.is_eog(id))
      go.params.stop_tokens.push_back(id);
    else if (id == llm::kNoToken)
      go.params.stop.push_back(end_of_turn);
  }
  go.n = call->sampling.n;
  if (json_mode) go.make_picker = [&tok] { return llm::make_json_object_picker(tok); };
  go.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.request_timeout_seconds);
  MAAS_ASSIGN_OR_RETURN(std::unique_ptr<Generation> gen, Generation::start(m, {call->prompt}, go));
  if (call->sampling.stream) return respond_stream(call, std::shared_ptr<Generation>(std::move(gen)));
  return respond_once(*call, *gen, req.is_connection_alive);
}

}  // namespace

void add_chat_route(Router& router, ServingContext& ctx, OpenAIOptions options) {
  router.post("/v1/chat/completions", wrap([&ctx, options](HttpRequest& req) { return handle_chat(ctx, options, req); }));
}

}  // namespace maas::serving::openai
