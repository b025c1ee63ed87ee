// `maas train recsys`: the options and the training run (data -> one algorithm -> GGUF).
#pragma once

#include "core/options.h"
#include "core/train.h"

namespace maas::recsys {

OptionSpecs train_option_specs();
Result<TrainResult> train_recsys(const TrainSpec& spec);

}  // namespace maas::recsys
