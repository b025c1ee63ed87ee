// POST /v1/similar-words {"model", "word" | "positive": [..], "negative": [..], "k"}:
// the k nearest words by cosine (for models offering WordNeighbours).
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_similar_words_route(Router& router, ServingContext& ctx);

}  // namespace maas::serving
