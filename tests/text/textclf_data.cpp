#include "text/textclf_data.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "text/textclf/softmax_regression.h"
#include "text/textclf/train.h"

namespace maas::text::testing {

std::string write_text(const std::string& dir, const std::string& name, const std::string& contents) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

SentimentSplit write_sentiment_split(const std::string& dir) {
  std::vector<std::string> rows;
  for (const char* name : {"imdb.tsv", "amazon.tsv"}) {
    std::ifstream in(std::string(MAAS_SHARED_DIR) + "/data/sentiment/" + name);
    EXPECT_TRUE(in) << name;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line))
      if (!line.empty()) rows.push_back(line);
  }
  const std::vector<size_t> order = seeded_permutation(rows.size(), 12);
  const size_t n_test = rows.size() / 5;
  std::string train = "text\tlabel\n", test = "text\tlabel\n";
  for (size_t r = 0; r < order.size(); ++r) (r < n_test ? test : train) += rows[order[r]] + "\n";
  return {write_text(dir, "train.tsv", train), write_text(dir, "test.tsv", test), rows.size() - n_test, n_test};
}

nlohmann::json train_options(const nlohmann::json& given) {
  auto resolved = resolve_options(textclf_train_options(), given);
  EXPECT_TRUE(resolved.is_ok()) << resolved.status().to_string();
  return resolved.is_ok() ? resolved.value() : nlohmann::json::object();
}

}  // namespace maas::text::testing
