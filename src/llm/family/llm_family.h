// The `llm` model family: GGUF decoder-only language models, loaded with their
// tokenizer and a continuous-batching scheduler, evaluated by perplexity.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/capability/embedder.h"
#include "core/family.h"
#include "llm/chat/chat_template.h"
#include "llm/model/model.h"
#include "llm/scheduler/scheduler.h"
#include "llm/tokenizer/tokenizer.h"

namespace maas::llm {

// A loaded language model. It offers two capabilities: text generation (the model
// itself: its scheduler, tokenizer and chat template, used by the OpenAI routes) and
// Embedder (mean-pooled hidden states).
class LlmModel final : public LoadedModel, public Embedder {
 public:
  LlmModel(std::shared_ptr<Model> model, std::shared_ptr<const Tokenizer> tokenizer,
           std::unique_ptr<Scheduler> scheduler, ChatTemplateInfo chat_info);
  ~LlmModel() override;

  static constexpr const char* kName = "completions";  // the text-generation capability

  std::string family() const override { return "llm"; }
  uint64_t memory_bytes() const override;
  nlohmann::json stats() const override;
  std::vector<Gauge> gauges() const override;

  int64_t dimensions() const override;
  Result<EmbedResult> embed(const std::vector<EmbedInput>& inputs, const nlohmann::json& options) override;

  Model& model() { return *model_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  Scheduler& scheduler() { return *scheduler_; }
  const ChatTemplateInfo& chat_info() const { return chat_info_; }
  const DetectedChatTemplate& chat_template() const { return chat_template_; }
  std::string architecture() const { return std::string(model_->architecture()); }

  // The bytes of a token as generated text (control tokens render as nothing).
  std::string token_bytes(int32_t id) const;
  bool is_end(int32_t id) const { return tokenizer_->is_eog(id); }

 protected:
  void* find_capability(const std::type_info& type) override { return offer<LlmModel, Embedder>(this, type); }

 private:
  std::shared_ptr<Model> model_;
  std::shared_ptr<const Tokenizer> tokenizer_;
  std::unique_ptr<Scheduler> scheduler_;
  ChatTemplateInfo chat_info_;
  DetectedChatTemplate chat_template_;
};

std::unique_ptr<ModelFamily> make_llm_family();

}  // namespace maas::llm
