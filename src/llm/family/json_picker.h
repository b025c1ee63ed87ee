// response_format {"type":"json_object"}: a TokenPicker that only lets a sequence write
// one valid JSON object and then end.
#pragma once

#include <memory>

#include "llm/scheduler/job.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {

// `tokenizer` must outlive the picker (the loaded model owns both).
std::unique_ptr<TokenPicker> make_json_object_picker(const Tokenizer& tokenizer);

}  // namespace maas::llm
