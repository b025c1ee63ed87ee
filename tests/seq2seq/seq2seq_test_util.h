// Shared pieces of the seq2seq tests: synthetic parallel data and a small training run.
#pragma once

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "core/options.h"
#include "core/train.h"
#include "seq2seq/trainer.h"

namespace maas::seq2seq::testing {

// Random strings of 3 to 6 letters a..h, and their reversal (or copy).
inline std::vector<std::pair<std::string, std::string>> synthetic_pairs(size_t n, uint32_t seed, bool reverse) {
  std::mt19937 rng(seed);
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < n; ++i) {
    const int len = 3 + static_cast<int>(rng() % 4);
    std::vector<std::string> w;
    for (int k = 0; k < len; ++k) w.push_back(std::string(1, static_cast<char>('a' + rng() % 8)));
    std::string src, tgt;
    for (int k = 0; k < len; ++k) {
      src += w[k];
      tgt += w[reverse ? len - 1 - k : k];
    }
    out.emplace_back(src, tgt);
  }
  return out;
}

inline void write_tsv(const std::string& path, const std::vector<std::pair<std::string, std::string>>& pairs,
                      const std::string& header = "") {
  std::ofstream f(path);
  if (!header.empty()) f << header << "\n";
  for (const auto& [s, t] : pairs) f << s << "\t" << t << "\n";
}

// Trains with `given` options (JSON) over the defaults; fails the test on an error.
inline TrainResult train_ok(const std::string& data, const std::string& out, nlohmann::json given,
                            TrainMonitor* monitor = nullptr) {
  Result<nlohmann::json> options = resolve_options(train_options(), given);
  EXPECT_TRUE(options.is_ok()) << options.status().message();
  NullTrainMonitor null;
  Result<TrainResult> r = train({data, *options, out, monitor ? monitor : &null});
  EXPECT_TRUE(r.is_ok()) << r.status().message();
  return r.is_ok() ? *r : TrainResult{};
}

// Options for a small, fast model on the synthetic task.
inline nlohmann::json small_options() {
  return {{"src_col", "1"}, {"tgt_col", "2"},   {"vocab_type", "char"}, {"hidden", 32},
          {"dim", 16},      {"epochs", 12},     {"batch", 16},          {"lr", 0.01},
          {"dropout", 0.0}, {"validation", 0.1}, {"threads", 1},        {"bleu_samples", 50}};
}

}  // namespace maas::seq2seq::testing

namespace maas::seq2seq::testing {

// A toy "translation": each of eight English number words becomes its French word,
// 3 to 6 words per sentence. The word-by-word baseline is exact on it.
inline std::vector<std::pair<std::string, std::string>> number_pairs(size_t n, uint32_t seed) {
  static const char* kEn[] = {"one", "two", "three", "four", "five", "six", "seven", "eight"};
  static const char* kFr[] = {"un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit"};
  std::mt19937 rng(seed);
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < n; ++i) {
    const int len = 3 + static_cast<int>(rng() % 4);
    std::string src, tgt;
    for (int k = 0; k < len; ++k) {
      const int w = static_cast<int>(rng() % 8);
      src += std::string(k ? " " : "") + kEn[w];
      tgt += std::string(k ? " " : "") + kFr[w];
    }
    out.emplace_back(src, tgt);
  }
  return out;
}

inline nlohmann::json number_options() {
  return {{"src_col", "english"}, {"tgt_col", "french"}, {"vocab", 48},   {"hidden", 32},
          {"dim", 16},            {"epochs", 20},         {"batch", 16},   {"lr", 0.01},
          {"dropout", 0.0},       {"validation", 0.1},    {"threads", 1},  {"bleu_samples", 40},
          {"max_tokens", 40}};
}

}  // namespace maas::seq2seq::testing
