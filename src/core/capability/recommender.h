// Capability: recommendations for a user (with a reason per item), items similar to an
// item, and live feedback that changes the user's next recommendations. Served at
// POST /v1/recommendations, GET /v1/items/{id}/similar and POST /v1/feedback.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas {

struct RecommendQuery {
  std::string user;
  int64_t k = 10;
  bool exclude_seen = true;
  std::string category;  // only items in this category ("": all)
};

struct RecommendedItem {
  std::string item;
  std::string title;
  std::vector<std::string> categories;
  double score = 0;
  std::string reason;
};

struct Recommendations {
  std::vector<RecommendedItem> items;
  std::string strategy;     // the algorithm that ranked them, "popularity" for a cold start
  bool cold_start = false;  // the model knows nothing about this user yet
};

struct FeedbackEvent {
  std::string user;
  std::string item;
  std::optional<double> rating;  // an explicit rating, or
  std::string event;             // an implicit event ("view", "click", "like", "dislike", ...)
};

class Recommender {
 public:
  static constexpr const char* kName = "recommendations";
  virtual ~Recommender() = default;
  virtual int64_t max_k() const = 0;
  // An unknown user is not an error: they get the cold-start answer.
  virtual Result<Recommendations> recommend(const RecommendQuery& query) = 0;
  // kNotFound for an item the model does not know.
  virtual Result<std::vector<RecommendedItem>> similar_items(const std::string& item, int64_t k) = 0;
  // Stores the event durably and applies it to the user's next answers; returns what
  // was recorded.
  virtual Result<nlohmann::json> feedback(const FeedbackEvent& event) = 0;
};

}  // namespace maas
