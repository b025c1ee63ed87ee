// The `seq2seq` model family: encoder-decoder translators trained by maas (trainer.h),
// stored as GGUF with general.architecture "seq2seq", evaluated by corpus BLEU and chrF
// against two baselines, serving Translator (/v1/translations) and Explainer (the
// attention alignment).
#pragma once

#include <memory>

#include "core/family.h"

namespace maas::seq2seq {

std::unique_ptr<ModelFamily> make_seq2seq_family();

}  // namespace maas::seq2seq
