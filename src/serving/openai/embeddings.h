// POST /v1/embeddings for LLMs (mean-pooled final hidden state, L2-normalised), and the
// tokenizer endpoints POST /tokenize and POST /detokenize (as vLLM and llama.cpp serve them).
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving::openai {

void add_embeddings_route(Router& router, ServingContext& ctx);
void add_tokenize_routes(Router& router, ServingContext& ctx);

}  // namespace maas::serving::openai
