// A loaded decoder-only model: its GGUF file (weights stay memory-mapped, quantized),
// hyper-parameters, checked tensors, architecture and a thread pool, plus forward(),
// which runs one step for a batch of sequences against a KV cache. The tokenizer comes
// from the same file: Tokenizer::from_gguf(model->file()).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "llm/model/hparams.h"
#include "llm/model/packed_weights.h"
#include "llm/model/weights.h"
#include "llm/runtime/batch.h"
#include "llm/runtime/kv_cache.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::llm {

class GgufFile;
struct Architecture;

struct ModelOptions {
  int threads = 0;  // 0 = one per available core
  // Copy the matrices into the layout the kernels read fastest (tensor/quant/packed.h)
  // once at load; false keeps computing from the file's layout.
  bool pack_weights = true;
};

// Token ids from tokenizer.ggml.* metadata; -1 when absent.
struct ModelSpecialTokens {
  int32_t bos = -1;
  int32_t eos = -1;
  int32_t eot = -1;  // end of turn (chat models)
  bool add_bos = true;
};

class Model {
 public:
  // Opens, validates and maps `path`. Errors name the missing / misshapen / unsupported
  // tensor or metadata key.
  static Result<std::shared_ptr<Model>> load(const std::string& path, const ModelOptions& options = {});
  static Result<std::shared_ptr<Model>> load(std::shared_ptr<GgufFile> file, const ModelOptions& options = {});
  ~Model();

  const Hparams& hparams() const { return hp_; }
  const ModelWeights& weights() const { return weights_; }
  const GgufFile& file() const { return *file_; }
  std::string_view architecture() const;
  const ModelSpecialTokens& special_tokens() const { return special_; }
  int threads() const;
  // Bytes of the packed weight copies made at load (0 if none; see ModelOptions).
  int64_t packed_bytes() const { return static_cast<int64_t>(packed_.bytes()); }
  // Bytes of weight matrices one forward step reads (all layers and the output matrix).
  int64_t weight_bytes() const;

  // A cache shaped for this model; options.max_tokens = 0 means the training context.
  Result<KvCache> make_cache(KvCacheOptions options = {}) const;

  // Runs one step: every sequence's tokens are appended to its cache at start_pos and
  // the rows the batch asks for come back. Checks the batch first (live slots, start
  // positions, context length, token ids) and changes nothing if it is bad. Calls are
  // serialised; the scheduler is expected to be the only caller.
  Result<ForwardResult> forward(const Batch& batch, KvCache& cache);

 private:
  Model() = default;
  Status check_batch(const Batch& batch, const KvCache& cache) const;

  std::shared_ptr<GgufFile> file_;
  const Architecture* arch_ = nullptr;
  Hparams hp_;
  ModelWeights weights_;
  ModelSpecialTokens special_;
  std::unique_ptr<tensor::ThreadPool> pool_;
  PackedWeights packed_;
  std::mutex forward_mu_;
};

}  // namespace maas::llm
