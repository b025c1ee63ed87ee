// Shared by the textclf tests: the sentiment sentences of ../shared (imdb + amazon,
// 2,000 labelled texts) split into train.tsv and a seeded 20% held-back test.tsv.
#pragma once

#include <string>

#include "core/family.h"
#include "core/train.h"

namespace maas::text::testing {

struct SentimentSplit {
  std::string train_path;  // 80%
  std::string test_path;   // 20%, never seen in training
  size_t train_rows = 0, test_rows = 0;
};

// Writes the two files into `dir` (split by seed 12, the same every run).
SentimentSplit write_sentiment_split(const std::string& dir);

// Writes `contents` to dir/name and returns the path.
std::string write_text(const std::string& dir, const std::string& name, const std::string& contents);

// textclf_train_options() resolved over `given`.
nlohmann::json train_options(const nlohmann::json& given);

}  // namespace maas::text::testing
