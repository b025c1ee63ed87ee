// Training a translator from parallel text: vocabularies and the baseline dictionary
// from the training pairs, then mini-batch Adam on the network with dropout, teacher
// forcing and gradient clipping; validation loss and BLEU after every epoch, keeping
// the weights with the best validation loss; stops after `epochs` or `max_minutes`.
#pragma once

#include "core/options.h"
#include "core/train.h"

namespace maas::seq2seq {

OptionSpecs train_options();
Result<TrainResult> train(const TrainSpec& spec);

}  // namespace maas::seq2seq
