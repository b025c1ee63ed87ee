#include "recsys/recsys_model.h"

#include <algorithm>
#include <cctype>
#include <chrono>


namespace maas::recsys {

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

RecsysModel::RecsysModel(RecModel model, std::unique_ptr<FeedbackLog> feedback, uint64_t file_bytes)
    : scorer_(std::move(model)), feedback_(std::move(feedback)) {
  const RecModel& m = scorer_.model();
  for (int32_t i = 0; i < m.items.size(); ++i) {
    std::vector<std::string> cats = item_categories(m, i);
    for (auto& c : cats) c = lower(c);
    categories_lower_.push_back(std::move(cats));
  }
  // The file's tensors plus the derived indexes (transposes, similarity spaces, content).
  memory_bytes_ = 4 * file_bytes + (16u << 20);
}

nlohmann::json RecsysModel::stats() const {
  const RecModel& m = scorer_.model();
  return {{"algo", algo_name(m.algo)},
          {"users", m.users.size()},
          {"items", m.items.size()},
          {"interactions", m.seen.nnz()},
          {"feedback_events", feedback_->size()},
          {"feedback_file", feedback_->path()}};
}

UserHistory RecsysModel::history(const std::string& user) const {
  const RecModel& m = scorer_.model();
  std::vector<std::pair<int32_t, float>> fb;
  for (const auto& [item, value] : feedback_->for_user(user)) {
    const int32_t i = m.items.find(item);
    if (i >= 0) fb.emplace_back(i, value);  // items new to the model wait for retraining
  }
  return scorer_.history(m.users.find(user), fb);
}

RecommendedItem RecsysModel::describe(const ItemScore& s) const {
  const RecModel& m = scorer_.model();
  return {m.items.ids[s.item], m.titles[s.item], item_categories(m, s.item), s.score, s.reason};
}

Result<Recommendations> RecsysModel::recommend(const RecommendQuery& q) {
  if (q.k < 1 || q.k > max_k()) return invalid_argument("'k' must be between 1 and {}", max_k()).with_field("k");
  if (q.user.empty()) return invalid_argument("'user' must not be empty").with_field("user");
  RankRequest req;
  req.k = static_cast<int32_t>(q.k);
  req.exclude_seen = q.exclude_seen;
  if (!q.category.empty()) {
    const std::string want = lower(q.category);
    req.allow = [this, want](int32_t i) {
      const auto& c = categories_lower_[i];
      return std::find(c.begin(), c.end(), want) != c.end();
    };
  }
  RankResult r = scorer_.recommend(history(q.user), req);
  Recommendations out;
  out.strategy = r.strategy;
  out.cold_start = r.cold_start;
  for (const ItemScore& s : r.items) out.items.push_back(describe(s));
  return out;
}

Result<std::vector<RecommendedItem>> RecsysModel::similar_items(const std::string& item, int64_t k) {
  if (k < 1 || k > max_k()) return invalid_argument("'k' must be between 1 and {}", max_k()).with_field("k");
  const int32_t i = scorer_.model().items.find(item);
  if (i < 0) return not_found("item '{}' is not known to this model", item);
  std::vector<RecommendedItem> out;
  for (const ItemScore& s : scorer_.similar_items(i, static_cast<int32_t>(k))) out.push_back(describe(s));
  return out;
}

Result<nlohmann::json> RecsysModel::feedback(const FeedbackEvent& e) {
  const RecModel& m = scorer_.model();
  if (e.user.empty()) return invalid_argument("'user' must not be empty").with_field("user");
  if (e.item.empty()) return invalid_argument("'item' must not be empty").with_field("item");
  if (e.rating.has_value() == !e.event.empty())
    return invalid_argument("give exactly one of 'rating' and 'event'").with_field(e.rating ? "event" : "rating");
  float value = 1;
  if (e.rating) {
    const double lo = m.implicit ? 0.0 : m.rating_min, hi = m.implicit ? 1e9 : m.rating_max;
    if (!(*e.rating >= lo && *e.rating <= hi))
      return invalid_argument("'rating' must be between {:g} and {:g}", lo, hi).with_field("rating");
    value = static_cast<float>(*e.rating);
  } else {
    const bool dislike = e.event == "dislike";
    value = m.implicit ? (dislike ? 0.0f : 1.0f) : (dislike ? m.rating_min : m.rating_max);
  }
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  MAAS_RETURN_IF_ERROR(feedback_->append(e.user, e.item, value, now));
  return nlohmann::json{{"user", e.user},
                        {"item", e.item},
                        {"value", value},
                        {"known_item", m.items.find(e.item) >= 0},
                        {"known_user", m.users.find(e.user) >= 0},
                        {"user_interactions", history(e.user).ratings.size()}};
}

Result<nlohmann::json> RecsysModel::explain(const nlohmann::json& request) {
  if (!request.is_object()) return invalid_argument("the request must be a JSON object");
  for (const auto& [key, value] : request.items())
    if (key != "user" && key != "item")
      return invalid_argument("unknown field '{}' (a recsys explanation takes 'user' and 'item')", key).with_field(key);
  for (const char* name : {"user", "item"})
    if (!request.contains(name) || !request[name].is_string() || request[name].get<std::string>().empty())
      return invalid_argument("'{}' must be a non-empty string", name).with_field(name);
  const std::string user = request["user"], item = request["item"];
  const int32_t i = scorer_.model().items.find(item);
  if (i < 0) return not_found("item '{}' is not known to this model", item).with_field("item");
  nlohmann::json out = scorer_.explain(history(user), i);
  out["user"] = user;
  return out;
}

}  // namespace maas::recsys
