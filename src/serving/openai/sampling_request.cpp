#include "serving/openai/sampling_request.h"

namespace maas::serving::openai {

std::set<std::string> request_field_names(std::initializer_list<const char*> extra) {
  std::set<std::string> names = {
      "max_tokens", "max_completion_tokens", "n", "temperature", "top_p", "top_k", "min_p", "stop", "seed",
      "presence_penalty", "frequency_penalty", "repetition_penalty", "logit_bias", "stream", "stream_options",
      "user", "ignore_eos"};
  names.insert(extra.begin(), extra.end());
  return names;
}

namespace {

Status parse_logit_bias(const Fields& f, int64_t n_vocab, llm::SamplingParams& p) {
  if (!f.has("logit_bias")) return Status::ok();
  const auto& lb = f.raw("logit_bias");
  if (!lb.is_object()) return invalid_argument("'logit_bias' must be an object of token id -> bias").with_field("logit_bias");
  for (const auto& [key, value] : lb.items()) {
    char* end = nullptr;
    long id = std::strtol(key.c_str(), &end, 10);
    if (key.empty() || *end != '\0' || id < 0 || id >= n_vocab)
      return invalid_argument("'logit_bias' key '{}' is not a token id of this model (0..{})", key, n_vocab - 1)
          .with_field("logit_bias");
    if (!value.is_number() || value.get<double>() < -100 || value.get<double>() > 100)
      return invalid_argument("'logit_bias' value for token {} must be a number between -100 and 100", id)
          .with_field("logit_bias");
    p.logit_bias.emplace_back(static_cast<int32_t>(id), value.get<float>());
  }
  return Status::ok();
}

}  // namespace

Result<SamplingRequest> parse_sampling(const Fields& f, int64_t n_vocab, int max_n, bool chat) {
  SamplingRequest r;
  llm::SamplingParams& p = r.params.sampling;
  MAAS_ASSIGN_OR_RETURN(r.max_tokens, f.opt_integer("max_tokens", 0, 1 << 30));
  if (chat && f.has("max_completion_tokens")) {
    MAAS_ASSIGN_OR_RETURN(r.max_tokens, f.opt_integer("max_completion_tokens", 0, 1 << 30));
  }
  MAAS_ASSIGN_OR_RETURN(int64_t n, f.integer("n", 1, 1, max_n));
  r.n = static_cast<int>(n);
  MAAS_ASSIGN_OR_RETURN(double temperature, f.number("temperature", 1.0, 0.0, 2.0));
  MAAS_ASSIGN_OR_RETURN(double top_p, f.number("top_p", 1.0, 0.0, 1.0));
  if (top_p <= 0) return invalid_argument("'top_p' must be greater than 0").with_field("top_p");
  MAAS_ASSIGN_OR_RETURN(int64_t top_k, f.integer("top_k", 0, 0, n_vocab));
  MAAS_ASSIGN_OR_RETURN(double min_p, f.number("min_p", 0.0, 0.0, 1.0));
  MAAS_ASSIGN_OR_RETURN(double presence, f.number("presence_penalty", 0.0, -2.0, 2.0));
  MAAS_ASSIGN_OR_RETURN(double frequency, f.number("frequency_penalty", 0.0, -2.0, 2.0));
  MAAS_ASSIGN_OR_RETURN(double repetition, f.number("repetition_penalty", 1.0, 0.01, 10.0));
  MAAS_ASSIGN_OR_RETURN(std::optional<int64_t> seed, f.opt_integer("seed", INT64_MIN, INT64_MAX));
  MAAS_ASSIGN_OR_RETURN(r.params.stop, f.string_or_list("stop", 4));
  MAAS_ASSIGN_OR_RETURN(r.stream, f.boolean("stream", false));
  MAAS_ASSIGN_OR_RETURN(r.params.ignore_eos, f.boolean("ignore_eos", false));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> user, f.opt_string("user"));
  r.user = user.value_or("");
  if (f.has("stream_options")) {
    const auto& so = f.raw("stream_options");
    if (!so.is_object()) return invalid_argument("'stream_options' must be an object").with_field("stream_options");
    if (!r.stream)
      return invalid_argument("'stream_options' is only allowed when 'stream' is true").with_field("stream_options");
    for (const auto& [key, value] : so.items()) {
      if (key != "include_usage")
        return invalid_argument("unrecognized stream option '{}'", key).with_field("stream_options");
      if (!value.is_boolean())
        return invalid_argument("'stream_options.include_usage' must be a boolean").with_field("stream_options");
      r.include_usage = value.get<bool>();
    }
  }
  p.temperature = static_cast<float>(temperature);
  p.top_p = static_cast<float>(top_p);
  p.top_k = static_cast<int32_t>(top_k);
  p.min_p = static_cast<float>(min_p);
  p.presence_penalty = static_cast<float>(presence);
  p.frequency_penalty = static_cast<float>(frequency);
  p.repeat_penalty = static_cast<float>(repetition);
  p.penalty_last_n = -1;  // OpenAI penalties count the whole text so far
  if (seed) p.seed = static_cast<uint64_t>(*seed);
  MAAS_RETURN_IF_ERROR(parse_logit_bias(f, n_vocab, p));
  return r;
}

}  // namespace maas::serving::openai
