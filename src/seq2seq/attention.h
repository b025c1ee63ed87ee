// Luong "general" attention for one decoder step of a batch:
//   score[b][j] = h[b] . keys[b][j]        keys = encoder outputs W_a^T, precomputed
//   a[b]        = softmax over the source positions j < src_len[b]
//   context[b]  = sum_j a[b][j] values[b][j]   values = the encoder outputs
// Layouts are batch-major: keys [rows x S x H], values [rows x S x D].
#pragma once

#include <cstdint>

namespace maas::tensor {
class ThreadPool;
}

namespace maas::seq2seq {

struct AttentionShape {
  int64_t rows = 0;     // batch rows
  int64_t source = 0;   // S, padded source length
  int64_t hidden = 0;   // H, query and key width
  int64_t value = 0;    // D, value (context) width
};

// weights [rows x S] (zero past src_len), context [rows x D].
void attention_forward(const AttentionShape& s, const float* keys, const float* values, const int32_t* src_len,
                       const float* h, float* weights, float* context, tensor::ThreadPool* pool);

// From dcontext [rows x D]: dh [rows x H] +=, dkeys [rows x S x H] +=, dvalues [rows x S x D] +=.
void attention_backward(const AttentionShape& s, const float* keys, const float* values, const int32_t* src_len,
                        const float* h, const float* weights, const float* dcontext, float* dh, float* dkeys,
                        float* dvalues, tensor::ThreadPool* pool);

}  // namespace maas::seq2seq
