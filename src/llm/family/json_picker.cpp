#include "llm/family/json_picker.h"

#include <cmath>
#include <limits>
#include <vector>

#include "llm/grammar/json_constraint.h"

namespace maas::llm {
namespace {

class JsonObjectPicker final : public TokenPicker {
 public:
  explicit JsonObjectPicker(const Tokenizer& tok) : tok_(tok), json_(JsonOptions{.require_object = true}) {
    for (TokenId id : tok.eog_ids())
      if (id != tok.eos()) other_ends_.push_back(id);
  }

  SampledToken pick(Sampler& sampler, std::span<const float> logits) override {
    std::vector<float> work(logits.begin(), logits.end());
    SampledToken chosen;
    auto bytes = [this](int32_t id) -> std::string_view {
      return tok_.token_type(id) == TokenType::kControl ? std::string_view() : tok_.token_to_piece(id);
    };
    const TokenId end = tok_.eos() != kNoToken ? tok_.eos() : (other_ends_.empty() ? 0 : other_ends_[0]);
    ConstrainedPickOptions options;
    options.other_end_ids = other_ends_;
    int32_t token = constrained_pick(work, bytes, end, json_, [&](std::span<const float> l) {
      chosen = sampler.sample(l);
      return chosen.token;
    }, options);
    if (token == kNoAllowedToken) token = end;  // nothing can continue: end the sequence
    if (chosen.token != token) {
      chosen.token = token;
      chosen.logprob = std::numeric_limits<float>::quiet_NaN();
      chosen.top.clear();
    }
    return chosen;
  }

  void accepted(int32_t) override {}  // constrained_pick already fed the bytes

 private:
  const Tokenizer& tok_;
  JsonConstraint json_;
  std::vector<int32_t> other_ends_;
};

}  // namespace

std::unique_ptr<TokenPicker> make_json_object_picker(const Tokenizer& tokenizer) {
  return std::make_unique<JsonObjectPicker>(tokenizer);
}

}  // namespace maas::llm
