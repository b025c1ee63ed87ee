#include "llm/runtime/text_stream.h"

#include <algorithm>

namespace maas::llm {
namespace {

// Bytes a UTF-8 sequence has given its first byte (1 for ASCII and for stray bytes).
size_t utf8_length(unsigned char lead) {
  if (lead >= 0xF0 && lead <= 0xF7) return 4;
  if (lead >= 0xE0) return lead <= 0xEF ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

}  // namespace

size_t utf8_complete_prefix(std::string_view s) {
  // Look back at most 3 bytes for the lead byte of the last character.
  for (size_t back = 1; back <= std::min<size_t>(4, s.size()); ++back) {
    const auto c = static_cast<unsigned char>(s[s.size() - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    return utf8_length(c) > back ? s.size() - back : s.size();
  }
  return s.size();
}

TextStream::TextStream(std::vector<std::string> stop_sequences) {
  for (auto& s : stop_sequences)
    if (!s.empty()) stops_.push_back(std::move(s));
}

// How many trailing bytes of pending_ could be the start of a stop sequence.
size_t TextStream::held_for_stop() const {
  size_t held = 0;
  for (const std::string& stop : stops_) {
    for (size_t n = std::min(stop.size() - 1, pending_.size()); n > held; --n) {
      if (std::string_view(pending_).substr(pending_.size() - n) == std::string_view(stop).substr(0, n)) {
        held = n;
        break;
      }
    }
  }
  return held;
}

std::string TextStream::push(std::string_view bytes) {
  if (stopped_) return {};
  pending_.append(bytes);
  size_t first_stop = std::string::npos;
  for (const std::string& stop : stops_) first_stop = std::min(first_stop, pending_.find(stop));
  if (first_stop != std::string::npos) {
    stopped_ = true;
    std::string out = pending_.substr(0, first_stop);
    pending_.clear();
    return out;
  }
  const size_t ready = utf8_complete_prefix(std::string_view(pending_).substr(0, pending_.size() - held_for_stop()));
  std::string out = pending_.substr(0, ready);
  pending_.erase(0, ready);
  return out;
}

std::string TextStream::finish() {
  std::string out = std::move(pending_);
  pending_.clear();
  const size_t complete = utf8_complete_prefix(out);
  if (complete < out.size()) out.replace(complete, std::string::npos, "\xEF\xBF\xBD");
  return out;
}

}  // namespace maas::llm
