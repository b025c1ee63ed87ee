// Quantize -> dequantize round trips of every type, with a stated error bound, and the
// GGML bit layouts checked on hand-built blocks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "tensor/fp16.h"
#include "tensor/quant/blocks.h"
#include "tensor/quant/traits.h"
#include "tensor_test_util.h"

namespace maas::tensor {
namespace {

using testing::random_floats;

// RMS error of the round trip relative to the RMS of the data.
double relative_rms_error(DType type, const std::vector<float>& x) {
  const QuantTraits* t = quant_traits(type);
  std::vector<uint8_t> q(row_bytes(type, x.size()));
  std::vector<float> back(x.size());
  t->from_float(x.data(), q.data(), int64_t(x.size()));
  t->to_float(q.data(), back.data(), int64_t(x.size()));
  double err = 0, ref = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    err += (double(back[i]) - x[i]) * (double(back[i]) - x[i]);
    ref += double(x[i]) * x[i];
  }
  return std::sqrt(err / ref);
}

struct Bound {
  DType type;
  double max_relative_rms;  // for Gaussian data
};

class RoundTrip : public ::testing::TestWithParam<Bound> {};

TEST_P(RoundTrip, ErrorWithinBound) {
  const auto x = random_floats(4096, 7);
  EXPECT_LT(relative_rms_error(GetParam().type, x), GetParam().max_relative_rms)
      << dtype_info(GetParam().type).name;
}

// Bounds: 8-bit ~1/127 of the block max, 4-bit ~1/15, 6-bit ~1/63 (Gaussian data, RMS).
INSTANTIATE_TEST_SUITE_P(AllTypes, RoundTrip,
                         ::testing::Values(Bound{DType::kF32, 1e-9}, Bound{DType::kF16, 1e-3},
                                           Bound{DType::kBF16, 5e-3}, Bound{DType::kQ8_0, 0.01},
                                           Bound{DType::kQ8_K, 0.015}, Bound{DType::kQ4_0, 0.12},
                                           Bound{DType::kQ4_K, 0.12}, Bound{DType::kQ6_K, 0.035}),
                         [](const auto& info) { return std::string(dtype_info(info.param.type).name); });

TEST(TraitsTable, MatchesDTypeInfo) {
  for (DType t : {DType::kF32, DType::kF16, DType::kBF16, DType::kQ8_0, DType::kQ4_0, DType::kQ4_K,
                  DType::kQ6_K, DType::kQ8_K}) {
    const QuantTraits* q = quant_traits(t);
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(size_t(q->block_size), dtype_info(t).block_size) << dtype_info(t).name;
    EXPECT_EQ(q->type_size, dtype_info(t).type_size) << dtype_info(t).name;
  }
  EXPECT_EQ(quant_traits(DType::kQ5_1), nullptr);
}

TEST(Fp16, ConvertsExactly) {
  EXPECT_EQ(fp32_to_fp16(1.0f), 0x3c00);
  EXPECT_EQ(fp32_to_fp16(-2.0f), 0xc000);
  EXPECT_EQ(fp32_to_fp16(65504.0f), 0x7bff);
  EXPECT_EQ(fp32_to_fp16(1e6f), 0x7c00);
  EXPECT_EQ(fp32_to_fp16(5.9604645e-8f), 0x0001);  // smallest subnormal
  EXPECT_EQ(fp16_to_fp32(0x0001), 5.9604645e-8f);
  EXPECT_EQ(fp16_to_fp32(0x3555), 0.333251953125f);
  EXPECT_EQ(fp32_to_fp16(1.0f + 1.0f / 2048), 0x3c00);  // tie -> even
  EXPECT_EQ(fp32_to_fp16(1.0f + 3.0f / 2048), 0x3c02);  // tie -> even (up)
  EXPECT_TRUE(std::isnan(fp16_to_fp32(fp32_to_fp16(NAN))));
  for (uint32_t h = 0; h < 0x7c00; ++h) EXPECT_EQ(fp32_to_fp16(fp16_to_fp32(uint16_t(h))), h);
  EXPECT_EQ(bf16_to_fp32(fp32_to_bf16(3.0f)), 3.0f);
}

TEST(Layout, Q4_0NibbleOrderMatchesGgml) {
  BlockQ4_0 b{};
  b.d = fp32_to_fp16(0.5f);
  for (int j = 0; j < 16; ++j) b.qs[j] = uint8_t(j | ((15 - j) << 4));
  float y[32];
  dequantize(&b, DType::kQ4_0, 32, y);
  for (int j = 0; j < 16; ++j) {
    EXPECT_EQ(y[j], 0.5f * (j - 8));
    EXPECT_EQ(y[j + 16], 0.5f * (15 - j - 8));
  }
}

TEST(Layout, Q4_KScalesAndNibblesMatchGgml) {
  BlockQ4_K b{};
  b.d = fp32_to_fp16(1.0f);
  b.dmin = fp32_to_fp16(0.25f);
  // Sub-block j: scale j + 1 (j < 4) or 40 + j, min 2j (low 4) / 33 + j (high 4).
  const uint8_t sc[8] = {1, 2, 3, 4, 44, 45, 46, 47};
  const uint8_t mn[8] = {0, 2, 4, 6, 37, 38, 39, 40};
  for (int j = 0; j < 4; ++j) {
    b.scales[j] = uint8_t(sc[j] | ((sc[j + 4] >> 4) << 6));
    b.scales[j + 4] = uint8_t(mn[j] | ((mn[j + 4] >> 4) << 6));
    b.scales[j + 8] = uint8_t((sc[j + 4] & 15) | ((mn[j + 4] & 15) << 4));
  }
  for (int i = 0; i < 128; ++i) b.qs[i] = uint8_t((i % 16) | ((15 - i % 16) << 4));
  float y[256];
  dequantize(&b, DType::kQ4_K, 256, y);
  for (int c = 0; c < 4; ++c)
    for (int l = 0; l < 32; ++l) {
      const int q = (32 * c + l) % 16;
      EXPECT_EQ(y[64 * c + l], float(sc[2 * c] * q) - 0.25f * mn[2 * c]);
      EXPECT_EQ(y[64 * c + 32 + l], float(sc[2 * c + 1] * (15 - q)) - 0.25f * mn[2 * c + 1]);
    }
}

TEST(Layout, Q6_KMatchesGgml) {
  BlockQ6_K b{};
  b.d = fp32_to_fp16(1.0f);
  for (int s = 0; s < 16; ++s) b.scales[s] = int8_t(s - 8);
  for (int i = 0; i < 128; ++i) b.ql[i] = uint8_t(i * 37);
  for (int i = 0; i < 64; ++i) b.qh[i] = uint8_t(i * 91 + 5);
  float y[256];
  dequantize(&b, DType::kQ6_K, 256, y);
  for (int n = 0; n < 2; ++n)
    for (int l = 0; l < 32; ++l) {
      const uint8_t ql0 = b.ql[64 * n + l], ql1 = b.ql[64 * n + l + 32], qh = b.qh[32 * n + l];
      const int q[4] = {(ql0 & 15) | ((qh & 3) << 4), (ql1 & 15) | (((qh >> 2) & 3) << 4),
                        (ql0 >> 4) | (((qh >> 4) & 3) << 4), (ql1 >> 4) | (((qh >> 6) & 3) << 4)};
      for (int k = 0; k < 4; ++k) {
        const int e = 128 * n + 32 * k + l;
        EXPECT_EQ(y[e], float(b.scales[e / 16] * (q[k] - 32))) << e;
      }
    }
}

}  // namespace
}  // namespace maas::tensor
