#include "seq2seq/evaluate.h"

#include <algorithm>

#include "seq2seq/metrics.h"
#include "seq2seq/parallel_text.h"

namespace maas::seq2seq {

OptionSpecs evaluation_options() {
  return {
      {"src_col", OptionType::kString, nullptr, "source column (default: the one the model was trained on)"},
      {"tgt_col", OptionType::kString, nullptr, "reference column (default: the one the model was trained on)"},
      {"header", OptionType::kString, nullptr, "auto, yes or no (default: as in training)", {"auto", "yes", "no"}},
      {"beam", OptionType::kInt, 1, "beam size (1: greedy)", {}, false, 1, 16},
      {"length_penalty", OptionType::kFloat, 0.0, "GNMT length penalty alpha", {}, false, 0, 5},
      {"max_pairs", OptionType::kInt, 0, "score the first N pairs only (0: all)", {}, false, 0, 100000000},
  };
}

Result<Metrics> evaluate_model(const Seq2seqModel& model, const EvalSpec& spec, tensor::ThreadPool* pool) {
  const nlohmann::json& o = spec.options;
  auto text_or = [&](const char* name, const std::string& fallback) {
    return o.contains(name) && o[name].is_string() ? o[name].get<std::string>() : fallback;
  };
  Columns columns{text_or("src_col", model.columns.source), text_or("tgt_col", model.columns.target),
                  text_or("header", model.columns.header)};
  MAAS_ASSIGN_OR_RETURN(ParallelText text, read_parallel_text(spec.data_path, columns));
  const int64_t max_pairs = o.value("max_pairs", int64_t{0});
  if (max_pairs > 0 && static_cast<int64_t>(text.pairs.size()) > max_pairs) text.pairs.resize(static_cast<size_t>(max_pairs));

  DecodeOptions options;
  options.beam = static_cast<int>(o.value("beam", int64_t{1}));
  options.length_penalty = o.value("length_penalty", 0.0);
  std::vector<std::string> hyps, refs, copies, dict;
  int64_t truncated = 0;
  constexpr size_t kChunk = 64;
  for (size_t i = 0; i < text.pairs.size(); i += kChunk) {
    std::vector<std::vector<int32_t>> sources;
    for (size_t k = i; k < std::min(text.pairs.size(), i + kChunk); ++k) {
      std::vector<int32_t> ids = model.src_vocab.encode(text.pairs[k].first);
      if (model.max_source_tokens > 0 && static_cast<int64_t>(ids.size()) > model.max_source_tokens) {
        ids.resize(static_cast<size_t>(model.max_source_tokens));  // scored, not refused: counted below
        ++truncated;
      }
      sources.push_back(std::move(ids));
      refs.push_back(text.pairs[k].second);
      copies.push_back(text.pairs[k].first);
      dict.push_back(model.dictionary.translate(text.pairs[k].first));
    }
    for (const Hypothesis& h : translate_ids(model.layout, model.weights.data(), sources, options, pool))
      hyps.push_back(model.tgt_vocab.decode(h.tokens));
  }
  Metrics m;
  m.values = {{"bleu", corpus_bleu(hyps, refs).score},
              {"chrf", corpus_chrf(hyps, refs)},
              {"copy_bleu", corpus_bleu(copies, refs).score},
              {"copy_chrf", corpus_chrf(copies, refs)},
              {"dict_bleu", corpus_bleu(dict, refs).score},
              {"dict_chrf", corpus_chrf(dict, refs)},
              {"pairs", text.pairs.size()},
              {"truncated_sources", truncated}};
  m.higher_is_better = {{"bleu", true},      {"chrf", true},      {"copy_bleu", true},
                        {"copy_chrf", true}, {"dict_bleu", true}, {"dict_chrf", true}};
  return m;
}

}  // namespace maas::seq2seq
