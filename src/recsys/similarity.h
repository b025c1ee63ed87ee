// Similarities between the rows ("entities": items for item-kNN, users for user-kNN) of
// a rating matrix, over the entries they share (co-rated support):
//   sim(a, b) = sum_o x_ao x_bo / sqrt(sum_o x_ao^2 * sum_o x_bo^2),  o rated by both,
// on values centred by the similarity's rule — cosine: raw values; pearson: minus the
// entity's own mean; adjusted cosine: minus the other side's mean (for items: the
// user's mean) — and shrunk towards 0 when the support n is small:
//   sim * (n - 1) / (n - 1 + shrinkage).
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "recsys/model.h"
#include "recsys/sparse.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::recsys {

struct SimilaritySpace {
  Similarity kind = Similarity::kPearson;
  float shrinkage = 0;
  Csr m;   // entity x other, centred
  Csr mt;  // other x entity, centred
  std::vector<float> other_mean;  // for centring a new query under adjusted cosine
};

SimilaritySpace make_space(const Csr& entity_by_other, Similarity kind, float shrinkage);

// A new entity's (sorted) raw values, centred as the space's entities are.
std::vector<float> centre_query(const SimilaritySpace& s, std::span<const int32_t> index,
                                std::span<const float> raw);

// Dense scratch for one thread (sized to the number of entities).
struct SimScratch {
  std::vector<double> xy, xx, yy;
  std::vector<int32_t> count, touched;
};

// Similarity of a (centred) query vector over `other` to every entity sharing support
// with it, as (entity, sim) pairs in no particular order.
void similarities(const SimilaritySpace& s, std::span<const int32_t> index, std::span<const float> centred,
                  SimScratch& scratch, std::vector<std::pair<int32_t, float>>& out);

// The `list_size` most similar entities of every entity (positive similarities only).
Neighbours top_neighbours(const SimilaritySpace& s, int32_t list_size, tensor::ThreadPool* pool);

}  // namespace maas::recsys
