#include "llm/model/model.h"

#include <set>

#include "llm/arch/architecture.h"
#include "llm/gguf/gguf.h"
#include "tensor/thread_pool.h"

namespace maas::llm {
namespace {

Result<int32_t> token_id(const GgufFile& f, const std::string& key, int64_t n_vocab) {
  if (!f.has(key)) return -1;
  MAAS_ASSIGN_OR_RETURN(uint64_t id, f.get_uint(key));
  if (id >= static_cast<uint64_t>(n_vocab))
    return invalid_argument("metadata '{}' = {} is not a token id (vocabulary of {})", key, id, n_vocab);
  return static_cast<int32_t>(id);
}

Result<ModelSpecialTokens> read_special_tokens(const GgufFile& f, int64_t n_vocab) {
  ModelSpecialTokens s;
  MAAS_ASSIGN_OR_RETURN(s.bos, token_id(f, "tokenizer.ggml.bos_token_id", n_vocab));
  MAAS_ASSIGN_OR_RETURN(s.eos, token_id(f, "tokenizer.ggml.eos_token_id", n_vocab));
  MAAS_ASSIGN_OR_RETURN(s.eot, token_id(f, "tokenizer.ggml.eot_token_id", n_vocab));
  MAAS_ASSIGN_OR_RETURN(s.add_bos, f.get_bool_or("tokenizer.ggml.add_bos_token", s.bos >= 0));
  return s;
}

int64_t matrix_bytes(const tensor::Matrix& m) {
  return m.rows * static_cast<int64_t>(tensor::row_bytes(m.type, static_cast<size_t>(m.cols)));
}

}  // namespace

Model::~Model() = default;

Result<std::shared_ptr<Model>> Model::load(const std::string& path, const ModelOptions& options) {
  MAAS_ASSIGN_OR_RETURN(std::shared_ptr<GgufFile> file, GgufFile::open(path));
  auto model = load(std::move(file), options);
  if (!model) return model.status().with_context("loading '" + path + "'");
  return model;
}

Result<std::shared_ptr<Model>> Model::load(std::shared_ptr<GgufFile> file, const ModelOptions& options) {
  MAAS_ASSIGN_OR_RETURN(std::string arch_name, file->get_string("general.architecture"));
  const Architecture* arch = find_architecture(arch_name);
  if (!arch) {
    std::string known;
    for (std::string_view n : architecture_names()) known += (known.empty() ? "" : ", ") + std::string(n);
    return Status(Code::kUnimplemented, "architecture '" + arch_name + "' is not supported (supported: " + known + ")");
  }
  std::shared_ptr<Model> m(new Model());
  m->file_ = std::move(file);
  m->arch_ = arch;
  MAAS_ASSIGN_OR_RETURN(m->hp_, arch->read_hparams(*m->file_));
  MAAS_ASSIGN_OR_RETURN(m->weights_, arch->load_weights(TensorLoader(*m->file_), &m->hp_));
  MAAS_ASSIGN_OR_RETURN(m->special_, read_special_tokens(*m->file_, m->hp_.n_vocab));
  if (options.threads < 0) return invalid_argument("threads {} must be >= 0", options.threads);
  m->pool_ = std::make_unique<tensor::ThreadPool>(options.threads);
  if (options.pack_weights) m->packed_ = PackedWeights::pack(m->weights_, *m->file_, *m->pool_);
  return m;
}

std::string_view Model::architecture() const { return arch_->name; }

int Model::threads() const { return pool_->size(); }

int64_t Model::weight_bytes() const {
  int64_t bytes = matrix_bytes(weights_.output);
  for (const LayerWeights& L : weights_.layers)
    for (const tensor::Matrix* m : {&L.wq, &L.wk, &L.wv, &L.wo, &L.ffn_gate, &L.ffn_up, &L.ffn_down})
      bytes += matrix_bytes(*m);
  return bytes;
}

Result<KvCache> Model::make_cache(KvCacheOptions options) const {
  if (options.max_tokens == 0) options.max_tokens = hp_.n_ctx_train;
  return KvCache::create(hp_.n_layer, hp_.kv_dim(), options);
}

Status Model::check_batch(const Batch& batch, const KvCache& cache) const {
  if (batch.seqs.empty()) return invalid_argument("empty batch");
  if (cache.n_layer() != hp_.n_layer || cache.kv_dim() != hp_.kv_dim())
    return invalid_argument("the KV cache was made for another model shape");
  std::set<SeqId> seen;
  for (const SequenceBatch& s : batch.seqs) {
    if (!seen.insert(s.seq).second) return invalid_argument("sequence {} appears twice in one batch", s.seq);
    if (s.tokens.empty()) return invalid_argument("sequence {} has no tokens", s.seq);
    MAAS_RETURN_IF_ERROR(cache.check_write(s.seq, s.start_pos, static_cast<int64_t>(s.tokens.size())));
    for (int32_t t : s.tokens)
      if (t < 0 || t >= hp_.n_vocab)
        return invalid_argument("token id {} is outside the vocabulary of {}", t, hp_.n_vocab);
  }
  return Status::ok();
}

Result<ForwardResult> Model::forward(const Batch& batch, KvCache& cache) {
  std::lock_guard<std::mutex> lock(forward_mu_);
  MAAS_RETURN_IF_ERROR(check_batch(batch, cache));
  ForwardResult result;
  ForwardStep step(hp_, weights_.rope_freqs, batch, cache, *pool_, &result);
  arch_->forward(hp_, weights_, step);
  return result;
}

}  // namespace maas::llm
