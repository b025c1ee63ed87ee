// POST /v1/chat/completions, OpenAI-compatible: messages through the model's chat
// template, streaming deltas, logprobs, response_format json_object.
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"
#include "serving/openai/completions.h"

namespace maas::serving::openai {

void add_chat_route(Router& router, ServingContext& ctx, OpenAIOptions options);

}  // namespace maas::serving::openai
