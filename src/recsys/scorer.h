// Serving a trained recommender: a user's history (training interactions merged with
// live feedback, last wins), top-k recommendations with a reason each, rating
// predictions, similar items and explanations. Immutable after construction and safe
// to share between request threads; a user with feedback is re-scored from their
// merged history (fold-in for MF/ALS, neighbour scoring for kNN, a new profile for
// content), so feedback shows in the very next answer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "recsys/content.h"
#include "recsys/model.h"
#include "recsys/similarity.h"

namespace maas::recsys {

struct UserHistory {
  int32_t user = -1;  // training index; -1: a user the model did not train on
  std::vector<std::pair<int32_t, float>> ratings;  // (item, value), by item
  bool changed = false;                            // feedback since training
  std::vector<std::pair<int32_t, float>> liked;    // Scorer::preferences of `ratings`
};

struct ItemScore {
  int32_t item = 0;
  float score = 0;
  std::string reason;
};

struct RankRequest {
  int32_t k = 10;
  bool exclude_seen = true;
  std::function<bool(int32_t)> allow;  // item filter (null: all)
};

struct RankResult {
  std::vector<ItemScore> items;
  std::string strategy;  // the algorithm, or "popularity" for a cold start
  bool cold_start = false;
};

class Scorer {
 public:
  explicit Scorer(RecModel model);
  const RecModel& model() const { return m_; }

  // `feedback`: (item, value) in arrival order; later ones replace earlier ones.
  UserHistory history(int32_t user, std::span<const std::pair<int32_t, float>> feedback) const;
  RankResult recommend(const UserHistory& h, const RankRequest& request) const;
  // A rating prediction, for the algorithms that predict ratings (bias, kNN, MF, hybrid).
  std::optional<float> predict(const UserHistory& h, int32_t item, SimScratch* scratch = nullptr) const;
  bool predicts_ratings() const;
  std::vector<ItemScore> similar_items(int32_t item, int32_t k) const;
  nlohmann::json explain(const UserHistory& h, int32_t item) const;

  // (item, weight >= 0): how much the history says the user likes each item — the
  // value itself for implicit data, r - mean(r_u) + 0.5 clipped at 0 for ratings.
  std::vector<std::pair<int32_t, float>> preferences(const UserHistory& h) const;

 private:
  struct Scores {
    std::vector<float> score;     // per item; NaN: not scored
    std::vector<int32_t> because;  // per item: the entity behind its best contribution (-1)
    std::vector<float> because_value;
    std::vector<float> profile;  // content: the user's term profile
    std::string strategy;
  };
  Scores score_items(const UserHistory& h) const;
  std::string reason(const UserHistory& h, const Scores& s, int32_t item) const;

  Scores popularity_scores() const;
  Scores bias_scores(const UserHistory& h) const;
  Scores itemknn_scores(const UserHistory& h) const;
  Scores userknn_scores(const UserHistory& h) const;
  Scores factor_scores(const UserHistory& h) const;
  Scores content_scores_for(const UserHistory& h) const;
  Scores hybrid_scores(const UserHistory& h) const;

  float user_bias(const UserHistory& h) const;
  std::vector<float> user_vector(const UserHistory& h) const;  // MF p_u or ALS x_u
  std::vector<std::pair<int32_t, float>> user_neighbours(const UserHistory& h) const;
  std::vector<std::pair<int32_t, float>> item_similarity_row(int32_t item, SimScratch& scratch) const;
  int32_t most_similar_liked(const UserHistory& h, int32_t item, float* cosine) const;
  float item_mean(int32_t i) const { return item_mean_[i]; }
  std::string title(int32_t i) const;

  RecModel m_;
  SimilaritySpace item_space_, user_space_;
  ContentIndex content_;
  std::vector<float> yty_;         // ALS: Y^T Y
  std::vector<float> item_norm_;   // |q_i| for factor cosines
  std::vector<float> item_mean_, user_mean_;
};

}  // namespace maas::recsys
