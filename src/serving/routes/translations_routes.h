// POST /v1/translations for every model that offers Translator (core/capability/translator.h):
//   {"model", "input": "text" | ["text", ...], "beam"?: 1..16, "length_penalty"?: >= 0,
//    "alignment"?: bool, "user"?: string}
// -> {"object": "list", "model", "data": [{"object": "translation", "index", "translation",
//     "log_prob", "alignment"?: {"source_tokens", "target_tokens", "weights"}}], "usage"}
#pragma once

#include "serving/context.h"
#include "serving/http/router.h"

namespace maas::serving {

void add_translations_route(Router& router, ServingContext& ctx);

}  // namespace maas::serving
