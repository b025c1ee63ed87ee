// Matmul kernels on the TinyLlama-1.1B shapes: GEMV (1 token) as a fraction of the read
// bandwidth measured in the same run, and GEMM (128 tokens) in GFLOP/s.
//   bench_matmul [--threads N] [--kernels scalar|avx2|avx512] [--types q4_0,q8_0,f16]
//                [--gemm-tokens 128] [--seconds 0.4] [--packed 0|1]
// GEMV weights rotate over copies totalling > 4x the last-level cache, so they come
// from memory as in a real forward pass. Each figure is the median of many calls, by
// wall clock and by CPU time per thread (robust when other processes share the cores).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tensor/bandwidth.h"
#include "tensor/buffer.h"
#include "tensor/dtype.h"
#include "tensor/kernels/kernels.h"
#include "tensor/ops.h"
#include "tensor/thread_pool.h"

using namespace maas::tensor;

namespace {

struct Shape {
  const char* name;
  int64_t rows, cols;
};
constexpr Shape kShapes[] = {
    {"attn q/o 2048x2048", 2048, 2048}, {"attn k/v 512x2048", 512, 2048},
    {"ffn gate/up 5632x2048", 5632, 2048}, {"ffn down 2048x5632", 2048, 5632},
    {"output 32000x2048", 32000, 2048},
};

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::vector<uint8_t> random_matrix(DType type, int64_t rows, int64_t cols, uint32_t seed) {
  const size_t rb = row_bytes(type, size_t(cols));
  std::vector<uint8_t> bytes(rb * size_t(rows));
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 0.02f);
  std::vector<float> row(static_cast<size_t>(cols));
  for (int64_t r = 0; r < rows; ++r) {
    for (auto& v : row) v = dist(rng);
    quantize_row(row.data(), type, cols, bytes.data() + size_t(r) * rb);
  }
  return bytes;
}

struct Timing {
  double wall;  // median seconds per call
  double cpu;   // median CPU seconds per call and thread
};

// fn called repeatedly for about `seconds`.
template <typename Fn>
Timing time_calls(Fn fn, double seconds, int threads) {
  fn(0);  // warm-up
  std::vector<double> wall, cpu;
  const double end = now() + seconds;
  for (int i = 1; now() < end || wall.size() < 5; ++i) {
    const double s = now(), c = process_cpu_seconds();
    fn(i);
    cpu.push_back((process_cpu_seconds() - c) / threads);
    wall.push_back(now() - s);
  }
  return {median(wall), median(cpu)};
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  int64_t gemm_tokens = 128;
  double seconds = 0.4;
  std::string types = "q4_0,q8_0,f16";
  bool packed = true;  // pack weights as a model load does (tensor/quant/packed.h)
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--threads") threads = std::atoi(v.c_str());
    else if (a == "--gemm-tokens") gemm_tokens = std::atoll(v.c_str());
    else if (a == "--seconds") seconds = std::atof(v.c_str());
    else if (a == "--types") types = v;
    else if (a == "--packed") packed = v != "0";
    else if (a == "--kernels") {
      Isa isa = v == "scalar" ? Isa::kScalar : v == "avx2" ? Isa::kAvx2 : Isa::kAvx512;
      if (!use_kernels(isa).is_ok()) {
        std::fprintf(stderr, "this CPU cannot run %s\n", v.c_str());
        return 1;
      }
    } else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  ThreadPool pool(threads);
  const ReadBandwidth bw = measure_read_bandwidth_detail(pool);
  std::printf("kernels: %s, threads: %d, read bandwidth: %.1f GB/s wall, %.1f GB/s per CPU-time "
              "(median of 5 passes over 512 MiB)\n\n",
              std::string(isa_name(kernels().isa)).c_str(), pool.size(), bw.wall / 1e9, bw.cpu_time / 1e9);
  std::printf("| type | shape | GEMV us | GEMV GB/s | / bandwidth | GEMV GB/s (CPU time) | / bandwidth (CPU time) "
              "| GEMM n=%lld GFLOP/s | GEMM GFLOP/s (CPU time) |\n", (long long)gemm_tokens);
  std::printf("|---|---|---|---|---|---|---|---|---|\n");

  std::vector<float> x(size_t(gemm_tokens) * 5632), y(size_t(gemm_tokens) * 32000);
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (auto& v : x) v = dist(rng);

  size_t pos = 0;
  while (pos < types.size()) {
    size_t comma = types.find(',', pos);
    if (comma == std::string::npos) comma = types.size();
    const auto type = dtype_from_name(types.substr(pos, comma - pos));
    pos = comma + 1;
    if (!type || !matmul_supports(*type)) {
      std::fprintf(stderr, "unsupported type\n");
      return 2;
    }
    for (const Shape& s : kShapes) {
      const size_t bytes = row_bytes(*type, size_t(s.cols)) * size_t(s.rows);
      const int copies = int(std::max<size_t>(1, (size_t(128) << 20) / bytes + 1));
      std::vector<std::vector<uint8_t>> mats;
      std::vector<Matrix> ms;
      std::vector<AlignedBuffer> packs;
      for (int c = 0; c < copies; ++c) {
        mats.push_back(random_matrix(*type, s.rows, s.cols, uint32_t(c)));
        ms.push_back(Matrix{mats.back().data(), *type, s.rows, s.cols});
        const size_t pb = packed ? matmul_packed_bytes(ms.back()) : 0;
        if (pb == 0) continue;
        packs.emplace_back(pb);
        pack_matrix(ms.back(), packs.back().data(), pool);
        ms.back().packed = packs.back().data();
      }
      auto matrix = [&](int i) { return ms[size_t(i % copies)]; };
      const Timing gemv = time_calls([&](int i) { matmul(matrix(i), x.data(), 1, y.data(), pool); },
                                     seconds, pool.size());
      const Timing gemm = time_calls([&](int) { matmul(matrix(0), x.data(), gemm_tokens, y.data(), pool); },
                                     seconds, pool.size());
      const double flops = 2.0 * double(s.rows) * double(s.cols) * double(gemm_tokens);
      std::printf("| %s | %s | %.0f | %.1f | %.2f | %.1f | %.2f | %.0f | %.0f |\n",
                  std::string(dtype_info(*type).name).c_str(), s.name, gemv.wall * 1e6,
                  double(bytes) / gemv.wall / 1e9, double(bytes) / gemv.wall / bw.wall,
                  double(bytes) / gemv.cpu / 1e9, double(bytes) / gemv.cpu / bw.cpu_time,
                  flops / gemm.wall / 1e9, flops / gemm.cpu / 1e9);
      std::fflush(stdout);
    }
  }
  return 0;
}
