// POST /v1/completions (legacy text completions), OpenAI-compatible.
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving::openai {

struct OpenAIOptions {
  int request_timeout_seconds = 600;
};

void add_completions_route(Router& router, ServingContext& ctx, OpenAIOptions options);

}  // namespace maas::serving::openai
