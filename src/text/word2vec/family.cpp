#include "text/word2vec/family.h"

#include <cmath>
#include <thread>

#include "core/capability/embedder.h"
#include "core/capability/word_neighbours.h"
#include "text/word2vec/corpus.h"
#include "text/word2vec/evaluate.h"
#include "text/word2vec/formats.h"
#include "text/word2vec/trainer.h"
#include "text/word2vec/w2v_model.h"

namespace maas::text::word2vec {
namespace {

using nlohmann::json;

Result<VectorFormat> format_of(const Artifact& a) {
  if (std::optional<VectorFormat> f = parse_format_name(a.format)) return *f;
  return invalid_argument("'{}' is not a word2vec format (word2vec-text, glove-text, word2vec-binary, gguf)", a.format);
}

TrainConfig config_from(const json& o) {
  TrainConfig c;
  c.cbow = o.at("mode").get<std::string>() == "cbow";
  c.dim = o.at("dim").get<int64_t>();
  c.window = o.at("window").get<int64_t>();
  c.negative = o.at("negative").get<int64_t>();
  c.epochs = o.at("epochs").get<int64_t>();
  c.sample = o.at("sample").get<double>();
  c.lr = o.at("lr").get<double>();
  const int64_t threads = o.at("threads").get<int64_t>();
  c.threads = threads > 0 ? threads : std::max<int64_t>(1, std::thread::hardware_concurrency());
  c.seed = static_cast<uint64_t>(o.at("seed").get<int64_t>());
  return c;
}

class Word2vecFamily final : public ModelFamily {
 public:
  std::string name() const override { return kArchitecture; }
  std::vector<std::string> capabilities() const override { return {Embedder::kName, WordNeighbours::kName}; }

  std::optional<std::string> detect(const FileProbe& probe) const override {
    std::optional<VectorFormat> f = sniff_format(probe.head, probe.gguf_architecture);
    if (!f) return std::nullopt;
    return std::string(format_name(*f));
  }

  // Reads the whole file: every line or vector is checked, so an import never
  // registers a file that cannot be served.
  Status validate(const Artifact& artifact) const override {
    MAAS_ASSIGN_OR_RETURN(VectorFormat format, format_of(artifact));
    return read_vector_model(artifact.path, format).status();
  }

  Result<uint64_t> estimate_memory(const Artifact& artifact, const LoadOptions&) const override {
    MAAS_ASSIGN_OR_RETURN(VectorFormat format, format_of(artifact));
    MAAS_ASSIGN_OR_RETURN(VectorShape s, read_vector_shape(artifact.path, format));
    // Vectors and their unit-length copies, plus the words and their index.
    return static_cast<uint64_t>(2 * s.words * row_stride(s.dim) * 4 + s.words * 96);
  }

  Result<std::shared_ptr<LoadedModel>> load(const Artifact& artifact, const LoadOptions&) const override {
    MAAS_ASSIGN_OR_RETURN(VectorFormat format, format_of(artifact));
    MAAS_ASSIGN_OR_RETURN(VectorModel model, read_vector_model(artifact.path, format));
    return std::shared_ptr<LoadedModel>(std::make_shared<Word2vecModel>(std::move(model)));
  }

  Result<Metrics> evaluate(LoadedModel& loaded, const EvalSpec& spec) const override {
    auto* m = dynamic_cast<Word2vecModel*>(&loaded);
    if (!m) return invalid_argument("not a word2vec model");
    return evaluate_file(m->unit_vectors(), spec.data_path);
  }

  OptionSpecs train_options() const override {
    return {
        {"mode", OptionType::kString, "skipgram", "skipgram (the word predicts its context) or cbow (the context predicts the word)", {"skipgram", "cbow"}},
        {"dim", OptionType::kInt, 100, "dimensions of the word vectors", {}, false, 1, 4096},
        {"window", OptionType::kInt, 5, "context words on each side (a random 1..window per word)", {}, false, 1, 100},
        {"negative", OptionType::kInt, 5, "negative samples per target", {}, false, 1, 100},
        {"epochs", OptionType::kInt, 5, "passes over the corpus", {}, false, 1, 1000},
        {"min_count", OptionType::kInt, 5, "ignore words seen fewer times", {}, false, 1, 1e12},
        {"sample", OptionType::kFloat, 1e-3, "subsampling threshold of frequent words (0: none)", {}, false, 0, 1},
        {"lr", OptionType::kFloat, 0.05, "initial learning rate, decaying linearly to 0", {}, false, 1e-6, 10},
        {"threads", OptionType::kInt, 0, "training threads, Hogwild (0: all cores; 1 with a seed: deterministic)", {}, false, 0, 256},
        {"seed", OptionType::kInt, 1, "random seed", {}, false, 0, 9.0e15},
        {"split", OptionType::kString, "letters", "letters: words are runs of letters; whitespace: split on whitespace only", {"letters", "whitespace"}},
        {"lowercase", OptionType::kBool, true, "lower-case the text (ASCII letters)"},
    };
  }

  Result<TrainResult> train(const TrainSpec& spec) const override {
    NullTrainMonitor null_monitor;
    TrainMonitor& monitor = spec.monitor ? *spec.monitor : null_monitor;
    const json& o = spec.options;
    const TrainConfig config = config_from(o);
    TokenizeRules rules;
    rules.letters_only = o.at("split").get<std::string>() == "letters";
    rules.lowercase = o.at("lowercase").get<bool>();

    TrainProgress load;
    load.phase = "load";
    monitor.progress(load);
    MAAS_ASSIGN_OR_RETURN(Corpus corpus, read_corpus(spec.data_path, rules, o.at("min_count").get<int64_t>()));
    monitor.log(fmt::format("corpus: {} words, vocabulary of {} words seen at least {} times, {} lines",
                            corpus.words_read, corpus.words.size(), o.at("min_count").get<int64_t>(), corpus.lines()));
    if (monitor.cancelled()) return Status(Code::kCancelled, "training cancelled");

    TrainStats stats;
    MAAS_ASSIGN_OR_RETURN(WordVectors vectors, train_vectors(corpus, config, monitor, &stats));

    TrainProgress save;
    save.phase = "save";
    monitor.progress(save);
    VectorModel model{std::move(vectors), rules, json::object()};
    json params = o;
    params["lr"] = config.lr;
    params["threads"] = config.threads;
    params["vocabulary"] = corpus.words.size();
    params["corpus_words"] = corpus.words_read;
    model.params = params;
    MAAS_RETURN_IF_ERROR(write_gguf_vectors(model, spec.output_path));

    TrainResult r;
    r.format = format_name(VectorFormat::kGguf);
    r.metrics = {{"words_per_second_per_thread", stats.words_per_second_per_thread}, {"train_seconds", stats.seconds}};
    r.higher_is_better = {{"words_per_second_per_thread", true}, {"train_seconds", false}};
    if (std::isfinite(stats.final_loss)) {
      r.metrics["loss"] = stats.final_loss;
      r.higher_is_better["loss"] = false;
    }
    r.params = params;
    return r;
  }
};

}  // namespace

std::unique_ptr<ModelFamily> make_word2vec_family() { return std::make_unique<Word2vecFamily>(); }

}  // namespace maas::text::word2vec
