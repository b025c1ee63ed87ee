// A loaded recommender: the scorer over the trained model plus the live feedback log.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/capability/explainer.h"
#include "core/capability/recommender.h"
#include "core/family.h"
#include "recsys/feedback.h"
#include "recsys/scorer.h"

namespace maas::recsys {

class RecsysModel final : public LoadedModel, public Recommender, public Explainer {
 public:
  RecsysModel(RecModel model, std::unique_ptr<FeedbackLog> feedback, uint64_t file_bytes);

  std::string family() const override { return "recsys"; }
  uint64_t memory_bytes() const override { return memory_bytes_; }
  nlohmann::json stats() const override;

  int64_t max_k() const override { return 1000; }
  Result<Recommendations> recommend(const RecommendQuery& query) override;
  Result<std::vector<RecommendedItem>> similar_items(const std::string& item, int64_t k) override;
  Result<nlohmann::json> feedback(const FeedbackEvent& event) override;
  // {"user", "item"} -> the score, predicted rating and reasons.
  Result<nlohmann::json> explain(const nlohmann::json& request) override;

  const Scorer& scorer() const { return scorer_; }
  // The user's history: training interactions merged with their feedback.
  UserHistory history(const std::string& user) const;

 protected:
  void* find_capability(const std::type_info& type) override {
    return offer<Recommender, Explainer>(this, type);
  }

 private:
  RecommendedItem describe(const ItemScore& s) const;

  Scorer scorer_;
  std::unique_ptr<FeedbackLog> feedback_;
  std::vector<std::vector<std::string>> categories_lower_;  // per item, for filters
  uint64_t memory_bytes_ = 0;
};

}  // namespace maas::recsys
