// Capability: the nearest words of a word, or of an analogy query (positive words added,
// negative words subtracted, 3CosAdd), by cosine similarity. Served at
// POST /v1/similar-words for every family that offers it (word2vec).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace maas {

struct NeighbourQuery {
  std::vector<std::string> positive;  // at least one word
  std::vector<std::string> negative;
  int64_t k = 10;
};

struct WordNeighbour {
  std::string word;
  double score = 0;  // cosine similarity with the query
};

class WordNeighbours {
 public:
  static constexpr const char* kName = "similar-words";
  virtual ~WordNeighbours() = default;
  // Best first, never a query word. A word the model does not know is a
  // kInvalidArgument whose field names it ("positive[1]").
  virtual Result<std::vector<WordNeighbour>> similar_words(const NeighbourQuery& query) = 0;
};

}  // namespace maas
