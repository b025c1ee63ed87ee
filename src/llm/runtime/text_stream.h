// Turns the bytes of generated tokens into text that is safe to stream: never half a
// UTF-8 character, never the beginning of what may turn out to be a stop sequence.
// Once a stop sequence appears, the text before it is the last thing emitted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maas::llm {

class TextStream {
 public:
  explicit TextStream(std::vector<std::string> stop_sequences = {});

  // Adds a token's bytes; returns the text that can be emitted now (maybe empty).
  std::string push(std::string_view bytes);
  // At the end of generation: everything still held back (an unfinished UTF-8 character
  // at the very end becomes U+FFFD).
  std::string finish();
  bool stopped() const { return stopped_; }

 private:
  size_t held_for_stop() const;

  std::vector<std::string> stops_;
  std::string pending_;
  bool stopped_ = false;
};

// Length of the longest prefix of `s` that does not end inside a UTF-8 character.
size_t utf8_complete_prefix(std::string_view s);

}  // namespace maas::llm
