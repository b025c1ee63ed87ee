// A trained recommender: what every algorithm learned, in one struct, saved as GGUF
// (general.architecture "recsys"). Ids and item metadata are string arrays; biases,
// factors and neighbour lists are tensors; the training interactions ("seen") are a
// CSR of three tensors, so serving can exclude them and score from them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "recsys/data.h"
#include "recsys/sparse.h"

namespace maas::recsys {

enum class Algo { kPopularity, kBias, kItemKnn, kUserKnn, kMf, kAls, kContent, kHybrid };
const char* algo_name(Algo a);
Result<Algo> parse_algo(const std::string& name);

enum class Similarity { kCosine, kPearson, kAdjustedCosine };
const char* similarity_name(Similarity s);
Result<Similarity> parse_similarity(const std::string& name);

// Top neighbours of each row entity (items for item-kNN, users for user-kNN), by
// decreasing similarity.
struct Neighbours {
  std::vector<int32_t> offsets{0};
  std::vector<int32_t> index;
  std::vector<float> sim;
  int32_t size() const { return static_cast<int32_t>(offsets.size()) - 1; }
};

struct KnnParams {
  int32_t k = 40;               // neighbours used for a prediction
  Similarity similarity = Similarity::kAdjustedCosine;
  float shrinkage = 100;        // sim * (n - 1) / (n - 1 + shrinkage), n = co-ratings
  bool baseline_corrected = true;  // else mean-centred prediction
};

struct RecModel {
  Algo algo = Algo::kPopularity;
  bool implicit = false;
  Columns columns;               // column names of the training data (feedback export)
  IdMap users, items;
  std::vector<std::string> titles;      // per item ("" when none)
  std::vector<std::string> categories;  // per item, '|'-joined
  Csr seen;                      // users x items, training values
  float global_mean = 0, rating_min = 0, rating_max = 0;

  std::vector<float> popularity;          // per item: training interactions
  std::vector<float> user_bias, item_bias;
  int32_t factors = 0;
  std::vector<float> user_factors, item_factors;  // row-major n x factors
  float reg = 0, alpha = 0;                       // for fold-in (MF: reg, ALS: reg + alpha)
  KnnParams knn;
  Neighbours item_neighbours, user_neighbours;
  float hybrid_beta = 10;  // CF weight n_u / (n_u + beta)

  // Built at load, not saved.
  Csr seen_by_item;
};

Status save_model(const RecModel& m, const std::string& path);
Result<RecModel> load_model(const std::string& path);

// The categories of item `i` (split of categories[i]).
std::vector<std::string> item_categories(const RecModel& m, int32_t i);

}  // namespace maas::recsys
