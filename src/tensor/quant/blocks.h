// Block layouts of the quantized types, bit-compatible with GGML (so GGUF tensors are
// used in place). Element order inside each block is documented on the struct.
#pragma once

#include <cstddef>
#include <cstdint>

namespace maas::tensor {

constexpr int kQK = 32;    // elements per block of the "_0" formats
constexpr int kQKK = 256;  // elements per super-block of the K formats

// Q8_0: x[i] = d * qs[i].
struct BlockQ8_0 {
  uint16_t d;  // fp16
  int8_t qs[kQK];
};
static_assert(sizeof(BlockQ8_0) == 34);

// Q4_0: x[i] = d * (q[i] - 8); qs[j] holds element j in its low nibble and element
// j + 16 in its high nibble.
struct BlockQ4_0 {
  uint16_t d;  // fp16
  uint8_t qs[kQK / 2];
};
static_assert(sizeof(BlockQ4_0) == 18);

// Q4_K: 8 sub-blocks of 32; x = d * sc[s] * q - dmin * m[s], sc/m 6-bit packed into
// `scales` (see unpack_q4_k_scales). qs[32c + l]: low nibble element 64c + l (sub-block
// 2c), high nibble element 64c + 32 + l (sub-block 2c + 1).
struct BlockQ4_K {
  uint16_t d;     // fp16 super-block scale of the scales
  uint16_t dmin;  // fp16 super-block scale of the mins
  uint8_t scales[12];
  uint8_t qs[kQKK / 2];
};
static_assert(sizeof(BlockQ4_K) == 144);

// Q6_K: 16 sub-blocks of 16; x[e] = d * scales[e / 16] * (q[e] - 32), q 6 bits: low 4
// in ql, high 2 in qh. For half n (128 elements), l < 32:
//   e = 128n + l      : ql[64n + l] & 15, (qh[32n + l] >> 0) & 3
//   e = 128n + l + 32 : ql[64n + l + 32] & 15, (qh[32n + l] >> 2) & 3
//   e = 128n + l + 64 : ql[64n + l] >> 4, (qh[32n + l] >> 4) & 3
//   e = 128n + l + 96 : ql[64n + l + 32] >> 4, (qh[32n + l] >> 6) & 3
struct BlockQ6_K {
  uint8_t ql[kQKK / 2];
  uint8_t qh[kQKK / 4];
  int8_t scales[kQKK / 16];
  uint16_t d;  // fp16
};
static_assert(sizeof(BlockQ6_K) == 210);

// Q8_K: activation format of the K-quant dot products. x[i] = d * qs[i];
// bsums[g] = sum of qs[16g .. 16g + 15].
struct BlockQ8_K {
  float d;
  int8_t qs[kQKK];
  int16_t bsums[kQKK / 16];
};
static_assert(sizeof(BlockQ8_K) == 292);

// 6-bit scale and min of sub-block j (0..7) of a Q4_K block.
inline void unpack_q4_k_scale(const uint8_t* q, int j, uint8_t* sc, uint8_t* m) {
  if (j < 4) {
    *sc = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *sc = uint8_t((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *m = uint8_t((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

}  // namespace maas::tensor
