#include "llm/runtime/kv_cache.h"

#include <cstring>

#include "tensor/ops.h"

namespace maas::llm {

Result<KvCache> KvCache::create(int64_t n_layer, int64_t kv_dim, const KvCacheOptions& o) {
  if (o.type != tensor::DType::kF32 && o.type != tensor::DType::kF16)
    return invalid_argument("KV cache type must be f32 or f16, not {}", tensor::dtype_info(o.type).name);
  if (o.max_sequences < 1 || o.max_sequences > 4096)
    return invalid_argument("KV cache max_sequences {} must be in 1..4096", o.max_sequences);
  if (o.max_tokens < 1) return invalid_argument("KV cache max_tokens {} must be positive", o.max_tokens);
  KvCache c;
  c.n_layer_ = n_layer;
  c.kv_dim_ = kv_dim;
  c.max_tokens_ = o.max_tokens;
  c.type_ = o.type;
  c.row_bytes_ = tensor::row_bytes(o.type, static_cast<size_t>(kv_dim));
  c.slots_.resize(static_cast<size_t>(o.max_sequences));
  return c;
}

size_t KvCache::slot_bytes() const { return static_cast<size_t>(n_layer_ * max_tokens_) * row_bytes_; }

Result<SeqId> KvCache::allocate() {
  for (size_t i = 0; i < slots_.size(); ++i) {
    Slot& s = slots_[i];
    if (s.live) continue;
    if (!s.k) {
      s.k.reset(new uint8_t[slot_bytes()]);
      s.v.reset(new uint8_t[slot_bytes()]);
    }
    s.live = true;
    s.length = 0;
    return static_cast<SeqId>(i);
  }
  return Status(Code::kResourceExhausted, "all " + std::to_string(slots_.size()) + " KV cache slots are in use");
}

void KvCache::release(SeqId seq) {
  if (live(seq)) {
    slots_[static_cast<size_t>(seq)].live = false;
    slots_[static_cast<size_t>(seq)].length = 0;
  }
}

KvUsage KvCache::usage() const {
  KvUsage u;
  u.max_sequences = static_cast<int64_t>(slots_.size());
  u.tokens_per_sequence = max_tokens_;
  u.bytes_per_token = static_cast<int64_t>(2 * n_layer_ * row_bytes_);
  for (const Slot& s : slots_) {
    if (s.k) u.bytes_reserved += static_cast<int64_t>(2 * slot_bytes());
    if (!s.live) continue;
    u.sequences += 1;
    u.tokens += s.length;
  }
  return u;
}

bool KvCache::live(SeqId seq) const {
  return seq >= 0 && static_cast<size_t>(seq) < slots_.size() && slots_[static_cast<size_t>(seq)].live;
}

int64_t KvCache::length(SeqId seq) const { return live(seq) ? slots_[static_cast<size_t>(seq)].length : 0; }

Status KvCache::check_write(SeqId seq, int64_t start_pos, int64_t n) const {
  if (!live(seq)) return invalid_argument("sequence {} has no KV cache slot", seq);
  if (start_pos < 0 || start_pos > length(seq))
    return invalid_argument("sequence {}: start position {} is past its {} cached tokens", seq, start_pos,
                            length(seq));
  if (start_pos + n > max_tokens_)
    return Status(Code::kResourceExhausted, "sequence " + std::to_string(seq) + ": " +
                                                std::to_string(start_pos + n) + " tokens exceed the context of " +
                                                std::to_string(max_tokens_));
  return Status::ok();
}

void KvCache::set_length(SeqId seq, int64_t n) { slots_[static_cast<size_t>(seq)].length = n; }

size_t KvCache::row_offset(int layer, int64_t pos) const {
  return (static_cast<size_t>(layer) * static_cast<size_t>(max_tokens_) + static_cast<size_t>(pos)) * row_bytes_;
}

Status KvCache::copy_prefix(SeqId from, SeqId to, int64_t n) {
  if (!live(from) || !live(to) || from == to) return invalid_argument("copy_prefix needs two distinct live sequences");
  if (n < 0 || n > length(from)) return invalid_argument("copy_prefix of {} positions from a sequence of {}", n, length(from));
  const Slot& src = slots_[static_cast<size_t>(from)];
  Slot& dst = slots_[static_cast<size_t>(to)];
  for (int layer = 0; layer < n_layer_; ++layer) {  // a layer's positions are contiguous
    std::memcpy(dst.k.get() + row_offset(layer, 0), src.k.get() + row_offset(layer, 0), static_cast<size_t>(n) * row_bytes_);
    std::memcpy(dst.v.get() + row_offset(layer, 0), src.v.get() + row_offset(layer, 0), static_cast<size_t>(n) * row_bytes_);
  }
  dst.length = n;
  return Status::ok();
}

void KvCache::store(int layer, SeqId seq, int64_t pos, const float* k, const float* v) {
  Slot& s = slots_[static_cast<size_t>(seq)];
  uint8_t* kd = s.k.get() + row_offset(layer, pos);
  uint8_t* vd = s.v.get() + row_offset(layer, pos);
  if (type_ == tensor::DType::kF32) {
    std::memcpy(kd, k, row_bytes_);
    std::memcpy(vd, v, row_bytes_);
  } else {
    tensor::quantize_row(k, type_, kv_dim_, kd);
    tensor::quantize_row(v, type_, kv_dim_, vd);
  }
}

const float* KvCache::rows(const uint8_t* buf, int layer, int64_t n, std::vector<float>& scratch) const {
  const uint8_t* src = buf + row_offset(layer, 0);
  if (type_ == tensor::DType::kF32) return reinterpret_cast<const float*>(src);
  scratch.resize(static_cast<size_t>(n * kv_dim_));
  tensor::dequantize(src, type_, n * kv_dim_, scratch.data());
  return scratch.data();
}

const float* KvCache::keys(int layer, SeqId seq, int64_t n, std::vector<float>& scratch) const {
  return rows(slots_[static_cast<size_t>(seq)].k.get(), layer, n, scratch);
}

const float* KvCache::values(int layer, SeqId seq, int64_t n, std::vector<float>& scratch) const {
  return rows(slots_[static_cast<size_t>(seq)].v.get(), layer, n, scratch);
}

}  // namespace maas::llm
