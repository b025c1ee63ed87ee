#include "llm/model/packed_weights.h"

#include <vector>

#include "llm/gguf/gguf.h"
#include "tensor/thread_pool.h"

namespace maas::llm {
namespace {

size_t aligned(size_t n) { return (n + 63) / 64 * 64; }

std::vector<tensor::Matrix*> matrices_of(ModelWeights& w) {
  std::vector<tensor::Matrix*> out{&w.output};
  for (LayerWeights& L : w.layers)
    for (tensor::Matrix* m : {&L.wq, &L.wk, &L.wv, &L.wo, &L.ffn_gate, &L.ffn_up, &L.ffn_down}) out.push_back(m);
  return out;
}

}  // namespace

PackedWeights PackedWeights::pack(ModelWeights& w, const GgufFile& file, tensor::ThreadPool& pool) {
  PackedWeights p;
  const std::vector<tensor::Matrix*> mats = matrices_of(w);
  for (const tensor::Matrix* m : mats) p.bytes_ += aligned(tensor::matmul_packed_bytes(*m));
  if (p.bytes_ == 0) return p;
  p.arena_ = tensor::AlignedBuffer(p.bytes_);
  if (p.arena_.empty()) {  // not fatal: matmul reads the file's layout
    p.bytes_ = 0;
    return p;
  }
  size_t offset = 0;
  for (tensor::Matrix* m : mats) {
    const size_t bytes = tensor::matmul_packed_bytes(*m);
    if (bytes == 0) continue;
    uint8_t* out = p.arena_.data() + offset;
    tensor::pack_matrix(*m, out, pool);
    m->packed = out;
    offset += aligned(bytes);
    // The token embeddings stay readable (row lookups, tied output): keep their pages.
    if (m->data != w.token_embd.data)
      file.release_pages(m->data, size_t(m->rows) * tensor::row_bytes(m->type, size_t(m->cols)));
  }
  return p;
}

}  // namespace maas::llm
