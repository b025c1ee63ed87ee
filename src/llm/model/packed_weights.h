// The packed copies of a model's matrices (tensor/quant/packed.h): made once at load
// for every matrix the active kernels read faster packed, in one 64-byte aligned arena.
// The file pages they were copied from are released, so the model's memory stays one
// copy of its weights.
#pragma once

#include <cstddef>
#include <cstdint>

#include "llm/model/weights.h"
#include "tensor/buffer.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::llm {

class GgufFile;

class PackedWeights {
 public:
  PackedWeights() = default;
  // Packs the matrices of `w` that have a packed layout and points their `packed` at
  // the copies (which live as long as this object).
  static PackedWeights pack(ModelWeights& w, const GgufFile& file, tensor::ThreadPool& pool);
  size_t bytes() const { return bytes_; }

 private:
  tensor::AlignedBuffer arena_;
  size_t bytes_ = 0;
};

}  // namespace maas::llm
