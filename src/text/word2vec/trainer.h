// Training word vectors with negative sampling (Mikolov et al. 2013): skip-gram (the
// centre word predicts each context word) or CBOW (the mean of the context predicts
// the centre), negatives drawn from the unigram distribution raised to 0.75,
// frequent words subsampled, a learning rate decaying linearly to zero, and Hogwild
// threads over shards of the corpus (deterministic with one thread and a seed).
#pragma once

#include <cstdint>

#include "core/status.h"
#include "core/train.h"
#include "text/word2vec/corpus.h"
#include "text/word2vec/word_vectors.h"

namespace maas::text::word2vec {

struct TrainConfig {
  bool cbow = false;
  int64_t dim = 100;
  int64_t window = 5;
  int64_t negative = 5;
  int64_t epochs = 5;
  double sample = 1e-3;
  double lr = 0.05;  // fastText's default for both modes; on sotu skip-gram 0.05 beats 0.025 (docs/PERFORMANCE.md)
  int64_t threads = 1;
  uint64_t seed = 1;
};

struct TrainStats {
  double seconds = 0;
  double words_per_second_per_thread = 0;  // corpus words (before subsampling) per thread
  double final_loss = 0;                   // mean loss per target over the last part of the run
  int64_t words_trained = 0;               // corpus words over all epochs
};

// Trains input vectors for the corpus' vocabulary (counts set). Reports progress to
// `monitor` about twice a second from the calling thread; stops with kCancelled when
// the monitor says so.
Result<WordVectors> train_vectors(const Corpus& corpus, const TrainConfig& config, TrainMonitor& monitor,
                                  TrainStats* stats);

}  // namespace maas::text::word2vec
