#include "serving/http/request_head.h"

#include <strings.h>

#include <cctype>
#include <cstring>

namespace maas::serving {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool name_is(std::string_view name, const char* expected) {
  return name.size() == std::strlen(expected) && ::strncasecmp(name.data(), expected, name.size()) == 0;
}

// The end of the head: just past "\r\n\r\n" (or a bare "\n\n"), or npos.
size_t find_head_end(std::string_view s) {
  for (size_t i = s.find('\n'); i != std::string_view::npos; i = s.find('\n', i + 1)) {
    if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
    if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

// Content-Length digits; false when not a plain decimal number that fits.
bool parse_length(std::string_view v, size_t* out) {
  if (v.empty() || v.size() > 18) return false;
  size_t n = 0;
  for (char c : v) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  *out = n;
  return true;
}

void read_request_line(std::string_view line, RequestHead* head) {
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return;
  head->method = std::string(line.substr(0, sp1));
  std::string_view target = line.substr(sp1 + 1);
  target = target.substr(0, target.find(' '));
  head->path = std::string(target.substr(0, target.find('?')));
}

}  // namespace

RequestHead scan_request_head(std::string_view buffered, size_t max_head_bytes, size_t max_body_bytes) {
  RequestHead head;
  // Blank lines before a request line are tolerated (RFC 9112 §2.2).
  size_t start = 0;
  while (start < buffered.size() && (buffered[start] == '\r' || buffered[start] == '\n')) ++start;
  size_t end = find_head_end(buffered.substr(start));
  if (end == std::string_view::npos) {
    head.state = buffered.size() > max_head_bytes ? RequestHead::State::kTooLarge : RequestHead::State::kIncomplete;
    return head;
  }
  if (start + end > max_head_bytes) {
    head.state = RequestHead::State::kTooLarge;
    return head;
  }
  head.state = RequestHead::State::kComplete;
  head.head_bytes = start + end;
  std::string_view text = buffered.substr(start, end);
  size_t line_end = text.find('\n');
  read_request_line(trim(text.substr(0, line_end)), &head);

  int lengths = 0;
  for (size_t pos = line_end + 1; pos < text.size();) {
    size_t eol = text.find('\n', pos);
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (name_is(name, "Content-Length")) {
      ++lengths;
      if (!parse_length(value, &head.body_bytes)) head.body_in_worker = true;
    } else if (name_is(name, "Transfer-Encoding") || name_is(name, "Expect")) {
      head.body_in_worker = true;
    }
  }
  if (lengths > 1 || head.body_bytes > max_body_bytes) head.body_in_worker = true;
  return head;
}

bool request_is_buffered(const RequestHead& head, size_t buffered_bytes) {
  if (head.state != RequestHead::State::kComplete) return false;
  return head.body_in_worker || buffered_bytes >= head.head_bytes + head.body_bytes;
}

}  // namespace maas::serving
