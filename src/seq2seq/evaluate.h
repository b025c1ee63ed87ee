// Scoring a translator on a held-out file: corpus BLEU and chrF of its translations,
// and of two baselines on the same pairs: copying the source ("copy_*") and
// word-by-word translation with the dictionary learnt at training time ("dict_*").
#pragma once

#include "core/family.h"
#include "seq2seq/model.h"

namespace maas::tensor {
class ThreadPool;
}

namespace maas::seq2seq {

OptionSpecs evaluation_options();
Result<Metrics> evaluate_model(const Seq2seqModel& model, const EvalSpec& spec, tensor::ThreadPool* pool);

}  // namespace maas::seq2seq
