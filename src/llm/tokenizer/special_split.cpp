#include "llm/tokenizer/special_split.h"

namespace maas::llm {

std::vector<Fragment> split_special_tokens(const Vocab& vocab, std::string_view text, bool parse_special) {
  std::vector<Fragment> fragments;
  if (text.empty()) return fragments;
  fragments.push_back({kNoToken, text});
  for (TokenId special : vocab.split_specials) {
    if (!parse_special && vocab.is_control_like(special)) continue;
    const std::string& needle = vocab.texts[static_cast<size_t>(special)];
    if (needle.empty()) continue;
    std::vector<Fragment> next;
    next.reserve(fragments.size());
    for (const Fragment& f : fragments) {
      if (f.token != kNoToken || f.text.find(needle) == std::string_view::npos) {
        next.push_back(f);
        continue;
      }
      std::string_view rest = f.text;
      for (size_t at = rest.find(needle); at != std::string_view::npos; at = rest.find(needle)) {
        if (at > 0) next.push_back({kNoToken, rest.substr(0, at)});
        next.push_back({special, {}});
        rest.remove_prefix(at + needle.size());
      }
      if (!rest.empty()) next.push_back({kNoToken, rest});
    }
    fragments = std::move(next);
  }
  return fragments;
}

}  // namespace maas::llm
