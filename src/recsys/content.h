// Content-based filtering: each item is a TF-IDF vector over the words of its title and
// its categories (as terms "c:<category>"), L2-normalised,
//   w_it = tf_it * log(N / df_t),
// a user is the preference-weighted sum of the vectors of the items they liked, and an
// item's score is the cosine between the user's profile and the item.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "recsys/sparse.h"

namespace maas::recsys {

struct ContentIndex {
  std::vector<std::string> terms;  // "c:drama", "star", ...
  Csr items;                       // items x terms (TF-IDF, unit length)
  Csr postings;                    // terms x items
  bool empty() const { return terms.empty(); }
};

std::vector<std::string> title_words(const std::string& title);
ContentIndex build_content_index(const std::vector<std::string>& titles, const std::vector<std::string>& categories);

// The profile (dense over terms) of a user from (item, weight) preferences, unit length.
std::vector<float> user_profile(const ContentIndex& c, std::span<const std::pair<int32_t, float>> liked);
// Cosine of the profile with every item (dense over items).
std::vector<float> content_scores(const ContentIndex& c, const std::vector<float>& profile);
// Cosine of item `i` with every item.
std::vector<float> item_content_similarities(const ContentIndex& c, int32_t i);
// The terms that make item `i` match `profile`, strongest first (at most `max`):
// categories without their "c:" prefix in `categories`, title words in `words`.
void matching_terms(const ContentIndex& c, const std::vector<float>& profile, int32_t i, size_t max,
                    std::vector<std::string>& categories, std::vector<std::string>& words);

}  // namespace maas::recsys
