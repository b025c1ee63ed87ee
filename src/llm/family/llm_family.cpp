#include "llm/family/llm_family.h"

#include <filesystem>

#include "core/files.h"
#include "llm/arch/architecture.h"
#include "llm/eval/perplexity.h"
#include "llm/runtime/embed.h"
#include "llm/gguf/gguf.h"

namespace maas::llm {

LlmModel::LlmModel(std::shared_ptr<Model> model, std::shared_ptr<const Tokenizer> tokenizer,
                   std::unique_ptr<Scheduler> scheduler, ChatTemplateInfo chat_info)
    : model_(std::move(model)),
      tokenizer_(std::move(tokenizer)),
      scheduler_(std::move(scheduler)),
      chat_info_(std::move(chat_info)),
      chat_template_(detect_chat_template(chat_info_)) {}

// The scheduler goes first: it stops its thread before the model it drives.
LlmModel::~LlmModel() { scheduler_.reset(); }

uint64_t LlmModel::memory_bytes() const {
  const SchedulerStats st = scheduler_->stats();
  const uint64_t kv_max = static_cast<uint64_t>(st.kv.max_sequences * st.kv.tokens_per_sequence * st.kv.bytes_per_token);
  return static_cast<uint64_t>(model_->file().file_size()) + kv_max;
}

nlohmann::json LlmModel::stats() const {
  const SchedulerStats st = scheduler_->stats();
  return {{"queued_requests", st.queued},
          {"active_sequences", st.active_sequences},
          {"max_sequences", st.kv.max_sequences},
          {"packed_weight_bytes", model_->packed_bytes()},
          {"steps", st.steps},
          {"step_seconds", st.step_seconds},
          {"forward_seconds", st.forward_seconds},
          {"prompt_tokens", st.prompt_tokens},
          {"generated_tokens", st.tokens_generated},
          {"kv_cache_tokens", st.kv.tokens},
          {"kv_cache_bytes", st.kv.bytes_reserved},
          {"context_length", scheduler_->context_length()},
          {"chat_template", chat_template_.describe()}};
}

std::vector<LoadedModel::Gauge> LlmModel::gauges() const {
  const SchedulerStats st = scheduler_->stats();
  return {{"maas_scheduler_queue_depth", "Requests waiting for a sequence slot.", static_cast<double>(st.queued)},
          {"maas_active_sequences", "Sequences being generated.", static_cast<double>(st.active_sequences)},
          {"maas_kv_cache_bytes", "KV-cache bytes reserved.", static_cast<double>(st.kv.bytes_reserved)},
          {"maas_kv_cache_tokens", "Tokens held in the KV cache.", static_cast<double>(st.kv.tokens)}};
}

int64_t LlmModel::dimensions() const { return model_->hparams().n_embd; }

// Token ids or texts (tokenized with the model's own BOS rule); one forward step for all.
Result<EmbedResult> LlmModel::embed(const std::vector<EmbedInput>& inputs, const nlohmann::json& options) {
  if (options.is_object() && !options.empty())
    return invalid_argument("unknown field '{}' for an llm embedding", options.begin().key()).with_field(options.begin().key());
  std::vector<std::vector<int32_t>> ids;
  EmbedResult out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    ids.push_back(inputs[i].is_tokens ? inputs[i].tokens
                                      : tokenizer_->encode(inputs[i].text, tokenizer_->adds_bos(), false));
    if (ids.back().empty()) return invalid_argument("'input' must not contain empty inputs").with_field("input");
    if (Status st = tokenizer_->valid_ids(ids.back()); !st.is_ok())
      return invalid_argument("'input' {}", st.message()).with_field("input");
    if (static_cast<int64_t>(ids.back().size()) > model_->hparams().n_ctx_train)
      return invalid_argument("input of {} tokens exceeds the model's context of {}", ids.back().size(),
                              model_->hparams().n_ctx_train)
          .with_field("input");
    out.tokens += static_cast<int64_t>(ids.back().size());
  }
  MAAS_ASSIGN_OR_RETURN(out.vectors, mean_pooled_embeddings(*model_, ids, /*normalize=*/true));
  out.unknown.resize(inputs.size());
  return out;
}

std::string LlmModel::token_bytes(int32_t id) const {
  if (tokenizer_->token_type(id) == TokenType::kControl) return {};
  return tokenizer_->token_to_piece(id);
}

namespace {

// Checks the tensor table against the hyper-parameters without packing the weights
// (validate and estimate_memory read metadata; only load does the work).
ModelOptions metadata_only() {
  ModelOptions o;
  o.threads = 1;
  o.pack_weights = false;
  return o;
}

class LlmFamily final : public ModelFamily {
 public:
  std::string name() const override { return "llm"; }
  std::vector<std::string> capabilities() const override { return {LlmModel::kName, Embedder::kName}; }

  // A GGUF file of an architecture the engine implements.
  std::optional<std::string> detect(const FileProbe& probe) const override {
    if (probe.gguf_architecture.empty() || !find_architecture(probe.gguf_architecture)) return std::nullopt;
    return std::string("gguf");
  }

  // Maps the file and checks header, metadata, tensors and tokenizer: everything a load
  // needs, so an import never registers a file that cannot be served.
  Status validate(const Artifact& artifact) const override {
    MAAS_RETURN_IF_ERROR(gguf_check_header(artifact.path));
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> file, GgufFile::open(artifact.path));
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::load(file, metadata_only()));
    MAAS_ASSIGN_OR_RETURN(auto tokenizer, Tokenizer::from_gguf(*file));
    if (static_cast<int64_t>(tokenizer->vocab_size()) != model->hparams().n_vocab)
      return invalid_argument("tokenizer has {} tokens but token_embd has {} rows", tokenizer->vocab_size(),
                              model->hparams().n_vocab);
    return Status::ok();
  }

  Result<uint64_t> estimate_memory(const Artifact& artifact, const LoadOptions& options) const override {
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> file, GgufFile::open(artifact.path));
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::load(file, metadata_only()));
    const Hparams& hp = model->hparams();
    const int64_t ctx = options.context_length > 0 ? std::min<int64_t>(options.context_length, hp.n_ctx_train)
                                                   : hp.n_ctx_train;
    const uint64_t kv = static_cast<uint64_t>(2 * hp.n_layer * hp.kv_dim() * ctx * options.max_sequences) *
                        (options.kv_cache_f16 ? 2 : 4);
    return static_cast<uint64_t>(file->file_size()) + kv;
  }

  Result<std::shared_ptr<LoadedModel>> load(const Artifact& artifact, const LoadOptions& options) const override {
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> file, GgufFile::open(artifact.path));
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<Model> model, Model::load(file, ModelOptions{options.threads}));
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<const Tokenizer> tokenizer, Tokenizer::from_gguf(*file));
    MAAS_ASSIGN_OR_RETURN(ChatTemplateInfo chat_info, chat_template_info_from_gguf(*file));
    SchedulerOptions so;
    so.max_sequences = options.max_sequences;
    so.max_queue = options.max_queue;
    so.step_token_budget = std::max(options.step_token_budget, options.max_sequences);
    so.context_length = options.context_length;
    so.cache_type = options.kv_cache_f16 ? tensor::DType::kF16 : tensor::DType::kF32;
    const Tokenizer* tok = tokenizer.get();
    MAAS_ASSIGN_OR_RETURN(
        std::unique_ptr<Scheduler> scheduler,
        Scheduler::create(
            model, so,
            [tok](int32_t id) {
              return tok->token_type(id) == TokenType::kControl ? std::string() : tok->token_to_piece(id);
            },
            [tok](int32_t id) { return tok->is_eog(id); }));
    return std::shared_ptr<LoadedModel>(
        std::make_shared<LlmModel>(std::move(model), std::move(tokenizer), std::move(scheduler), std::move(chat_info)));
  }

  OptionSpecs eval_options() const override {
    return {{"max_tokens", OptionType::kInt, 0, "score at most this many tokens (0: all)", {}, false, 0},
            {"window", OptionType::kInt, 0, "context window per chunk (0: the model's)", {}, false, 0}};
  }

  // Perplexity on a UTF-8 text file (options: "max_tokens" to cap, "window").
  Result<Metrics> evaluate(LoadedModel& loaded, const EvalSpec& spec) const override {
    auto* m = dynamic_cast<LlmModel*>(&loaded);
    if (!m) return invalid_argument("not an llm model");
    MAAS_ASSIGN_OR_RETURN(std::string text, read_file(spec.data_path));
    std::vector<int32_t> ids = m->tokenizer().encode(text, /*add_bos=*/true, /*parse_special=*/false);
    const int64_t max_tokens = spec.options.value("max_tokens", int64_t{0});
    const int64_t window = spec.options.value("window", int64_t{0});
    MAAS_ASSIGN_OR_RETURN(PerplexityResult r, perplexity(m->model(), ids, window, max_tokens));
    Metrics metrics;
    metrics.values = {{"perplexity", r.perplexity}, {"mean_nll", r.mean_nll}, {"tokens", r.tokens_scored}};
    metrics.higher_is_better = {{"perplexity", false}, {"mean_nll", false}};
    return metrics;
  }
};

}  // namespace

std::unique_ptr<ModelFamily> make_llm_family() { return std::make_unique<LlmFamily>(); }

}  // namespace maas::llm
