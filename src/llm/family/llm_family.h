// The `llm` model family: GGUF decoder-only language models, loaded with their
// tokenizer and a continuous-batching scheduler, evaluated by perplexity.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/family.h"
#include "llm/chat/chat_template.h"
#include "llm/model/model.h"
#include "llm/scheduler/scheduler.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {

class LlmModel final : public LoadedModel {
 public:
  LlmModel(std::shared_ptr<Model> model, std::shared_ptr<const Tokenizer> tokenizer,
           std::unique_ptr<Scheduler> scheduler, ChatTemplateInfo chat_info);
  ~LlmModel() override;

  std::string family() const override { return "llm"; }
  uint64_t memory_bytes() const override;
  nlohmann::json stats() const override;

  Model& model() { return *model_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  Scheduler& scheduler() { return *scheduler_; }
  const ChatTemplateInfo& chat_info() const { return chat_info_; }
  const DetectedChatTemplate& chat_template() const { return chat_template_; }
  std::string architecture() const { return std::string(model_->architecture()); }

  // The bytes of a token as generated text (control tokens render as nothing).
  std::string token_bytes(int32_t id) const;
  bool is_end(int32_t id) const { return tokenizer_->is_eog(id); }

 private:
  std::shared_ptr<Model> model_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::unique_ptr<Scheduler> scheduler_;
  ChatTemplateInfo chat_info_;
  DetectedChatTemplate chat_template_;
};

std::unique_ptr<ModelFamily> make_llm_family();

}  // namespace maas::llm
