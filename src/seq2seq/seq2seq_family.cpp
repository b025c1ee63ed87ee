#include "seq2seq/seq2seq_family.h"

#include "core/capability/explainer.h"
#include "core/capability/translator.h"
#include "llm/gguf/gguf.h"
#include "seq2seq/evaluate.h"
#include "seq2seq/model.h"
#include "seq2seq/trainer.h"
#include "tensor/thread_pool.h"

namespace maas::seq2seq {
namespace {

using nlohmann::json;

constexpr int kMaxBeam = 16;

class Seq2seqLoaded final : public LoadedModel, public Translator, public Explainer {
 public:
  Seq2seqLoaded(Seq2seqModel model, int threads) : model_(std::move(model)), pool_(threads) {}

  std::string family() const override { return kArchitecture; }
  uint64_t memory_bytes() const override { return model_.weights.size() * sizeof(float); }
  json stats() const override {
    return {{"weights", model_.weights.size()},
            {"source_vocabulary", model_.src_vocab.size()},
            {"target_vocabulary", model_.tgt_vocab.size()},
            {"max_source_tokens", model_.max_source_tokens}};
  }

  int max_beam() const override { return kMaxBeam; }

  Result<std::vector<TranslationResult>> translate(const TranslateRequest& r) override {
    if (r.beam < 1 || r.beam > kMaxBeam)
      return invalid_argument("'beam' must be between 1 and {}", kMaxBeam).with_field("beam");
    DecodeOptions o;
    o.beam = r.beam;
    o.length_penalty = r.length_penalty;
    o.attention = r.alignment;
    MAAS_ASSIGN_OR_RETURN(std::vector<Translation> ts, translate_texts(model_, r.inputs, o, &pool_));
    std::vector<TranslationResult> out;
    for (Translation& t : ts) {
      TranslationResult x;
      x.text = std::move(t.text);
      x.log_prob = t.log_prob;
      x.input_tokens = t.source_token_count;
      x.output_tokens = t.target_token_count;
      x.input_pieces = std::move(t.source_tokens);
      x.output_pieces = std::move(t.target_tokens);
      x.weights = std::move(t.alignment);
      out.push_back(std::move(x));
    }
    return out;
  }

  // {"input": "text", "beam"?: n, "length_penalty"?: a} -> the translation and its alignment.
  Result<json> explain(const json& request) override {
    if (!request.is_object()) return invalid_argument("the request must be a JSON object");
    TranslateRequest r;
    r.alignment = true;
    for (const auto& [k, v] : request.items()) {
      if (k == "input" && v.is_string()) {
        r.inputs.push_back(v.get<std::string>());
      } else if (k == "beam" && v.is_number_integer()) {
        r.beam = v.get<int>();
      } else if (k == "length_penalty" && v.is_number()) {
        r.length_penalty = v.get<double>();
      } else {
        return invalid_argument("'{}' is not a field of a seq2seq explanation (input: string, beam, length_penalty)", k)
            .with_field(k);
      }
    }
    if (r.inputs.empty()) return invalid_argument("'input' (a string) is required").with_field("input");
    MAAS_ASSIGN_OR_RETURN(std::vector<TranslationResult> t, translate(r));
    return json{{"translation", t[0].text},
                {"source_tokens", t[0].input_pieces},
                {"target_tokens", t[0].output_pieces},
                {"alignment", t[0].weights}};
  }

  const Seq2seqModel& model() const { return model_; }
  tensor::ThreadPool& pool() { return pool_; }

 protected:
  void* find_capability(const std::type_info& type) override { return offer<Translator, Explainer>(this, type); }

 private:
  const Seq2seqModel model_;
  tensor::ThreadPool pool_;
};

class Seq2seqFamily final : public ModelFamily {
 public:
  std::string name() const override { return kArchitecture; }
  std::vector<std::string> capabilities() const override { return {Translator::kName, Explainer::kName}; }

  std::optional<std::string> detect(const FileProbe& probe) const override {
    if (probe.gguf_architecture == kArchitecture) return std::string("gguf");
    return std::nullopt;
  }

  Status validate(const Artifact& artifact) const override {
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<llm::GgufFile> f, llm::GgufFile::open(artifact.path));
    MAAS_ASSIGN_OR_RETURN(uint64_t bytes, check_model_file(*f));
    (void)bytes;
    return Status::ok();
  }

  Result<uint64_t> estimate_memory(const Artifact& artifact, const LoadOptions&) const override {
    MAAS_ASSIGN_OR_RETURN(std::shared_ptr<llm::GgufFile> f, llm::GgufFile::open(artifact.path));
    MAAS_ASSIGN_OR_RETURN(uint64_t bytes, check_model_file(*f));
    return bytes + (uint64_t{16} << 20);  // plus decoding buffers
  }

  Result<std::shared_ptr<LoadedModel>> load(const Artifact& artifact, const LoadOptions& options) const override {
    MAAS_ASSIGN_OR_RETURN(Seq2seqModel m, load_model(artifact.path));
    return std::shared_ptr<LoadedModel>(std::make_shared<Seq2seqLoaded>(std::move(m), options.threads));
  }

  OptionSpecs eval_options() const override { return evaluation_options(); }

  Result<Metrics> evaluate(LoadedModel& loaded, const EvalSpec& spec) const override {
    auto* m = dynamic_cast<Seq2seqLoaded*>(&loaded);
    if (!m) return invalid_argument("not a seq2seq model");
    return evaluate_model(m->model(), spec, &m->pool());
  }

  OptionSpecs train_options() const override { return seq2seq::train_options(); }
  Result<TrainResult> train(const TrainSpec& spec) const override { return seq2seq::train(spec); }
};

}  // namespace

std::unique_ptr<ModelFamily> make_seq2seq_family() { return std::make_unique<Seq2seqFamily>(); }

}  // namespace maas::seq2seq
