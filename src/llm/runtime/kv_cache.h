// Keys and values of past tokens, one slot per live sequence. The scheduler sees only
// the allocator side (KvAllocator): take a slot, give it back, ask how full the cache
// is. The forward pass stores and reads rows through the rest of KvCache.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"
#include "llm/runtime/batch.h"
#include "tensor/dtype.h"

namespace maas::llm {

struct KvUsage {
  int64_t sequences = 0;       // slots in use
  int64_t max_sequences = 0;
  int64_t tokens = 0;          // cached tokens over all live sequences
  int64_t tokens_per_sequence = 0;
  int64_t bytes_reserved = 0;  // memory held by slots (used now or before)
  int64_t bytes_per_token = 0;
};

class KvAllocator {
 public:
  virtual ~KvAllocator() = default;
  // A free slot, empty (length 0); ResourceExhausted when all are taken.
  virtual Result<SeqId> allocate() = 0;
  // Gives the slot back; its contents are forgotten. Unknown or free ids are ignored.
  virtual void release(SeqId seq) = 0;
  virtual KvUsage usage() const = 0;
};

struct KvCacheOptions {
  int64_t max_sequences = 1;
  int64_t max_tokens = 0;  // per sequence; 0 = the model's training context
  tensor::DType type = tensor::DType::kF32;  // kF32 or kF16
};

class KvCache : public KvAllocator {
 public:
  // Use Model::make_cache, which fills in the model's shape.
  static Result<KvCache> create(int64_t n_layer, int64_t kv_dim, const KvCacheOptions& options);

  Result<SeqId> allocate() override;
  void release(SeqId seq) override;
  KvUsage usage() const override;

  int64_t capacity() const { return max_tokens_; }  // tokens per sequence
  int64_t n_layer() const { return n_layer_; }
  int64_t kv_dim() const { return kv_dim_; }
  int64_t length(SeqId seq) const;                  // tokens cached for a live sequence
  bool live(SeqId seq) const;

  // --- used by the forward pass ---
  // Checks that `seq` is live and that positions [start_pos, start_pos + n) fit.
  Status check_write(SeqId seq, int64_t start_pos, int64_t n) const;
  void set_length(SeqId seq, int64_t n);
  // Copies positions [0, n) of every layer from live sequence `from` into live sequence
  // `to` (n <= length(from)) and sets to's length to n: n choices of one prompt
  // compute the shared prefix once.
  Status copy_prefix(SeqId from, SeqId to, int64_t n);
  // Stores one position's key and value rows (kv_dim floats each) for a layer.
  void store(int layer, SeqId seq, int64_t pos, const float* k, const float* v);
  // Keys / values of positions [0, n) for a layer as floats, n x kv_dim. For an F32
  // cache this points into the cache; for F16 it converts into `scratch`.
  const float* keys(int layer, SeqId seq, int64_t n, std::vector<float>& scratch) const;
  const float* values(int layer, SeqId seq, int64_t n, std::vector<float>& scratch) const;

 private:
  struct Slot {
    bool live = false;
    int64_t length = 0;
    // n_layer x max_tokens x row bytes each, allocated on first use and kept; not
    // zeroed, so pages are only touched as positions are written.
    std::unique_ptr<uint8_t[]> k, v;
  };
  KvCache() = default;
  size_t row_offset(int layer, int64_t pos) const;
  size_t slot_bytes() const;
  const float* rows(const uint8_t* buf, int layer, int64_t n, std::vector<float>& scratch) const;

  int64_t n_layer_ = 0;
  int64_t kv_dim_ = 0;
  int64_t max_tokens_ = 0;
  tensor::DType type_ = tensor::DType::kF32;
  size_t row_bytes_ = 0;
  std::vector<Slot> slots_;
};

}  // namespace maas::llm
