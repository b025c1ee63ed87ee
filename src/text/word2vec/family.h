// The `word2vec` model family: word vectors read from word2vec text/binary, GloVe and
// fastText .vec files or trained here (skip-gram / CBOW with negative sampling, saved
// as GGUF); evaluated on analogies or word-pair similarities; serves Embedder and
// WordNeighbours.
#pragma once

#include <memory>

#include "core/family.h"

namespace maas::text::word2vec {

std::unique_ptr<ModelFamily> make_word2vec_family();

}  // namespace maas::text::word2vec
