#include "core/redact.h"

#include <array>
#include <cctype>
#include <vector>

namespace maas {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_local_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
bool is_domain_char(char c) { return is_alnum(c) || c == '-' || c == '.'; }
bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_bearer_char(char c) {
  return is_alnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
}
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool starts_with_nocase(std::string_view text, size_t i, std::string_view word) {
  if (text.size() - i < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (lower(text[i + k]) != word[k]) return false;
  return true;
}

// A word starts at i: the previous character is not part of a word. "\n" and "\t"
// escapes (text that is itself JSON) count as separators.
bool word_start(std::string_view text, size_t i) {
  if (i == 0) return true;
  char p = text[i - 1];
  if (i >= 2 && text[i - 2] == '\\' && (p == 'n' || p == 't' || p == 'r')) return true;
  return !is_alnum(p) && p != '_';
}

struct Match {
  size_t length = 0;          // characters replaced, starting at i
  std::string replacement;
};

// prefix + at least `min_body` characters accepted by `body_char`.
template <typename Pred>
size_t prefixed_token(std::string_view text, size_t i, std::string_view prefix, size_t min_body, Pred body_char) {
  if (text.compare(i, prefix.size(), prefix) != 0) return 0;
  size_t j = i + prefix.size();
  while (j < text.size() && body_char(text[j])) ++j;
  return j - i - prefix.size() >= min_body ? j - i : 0;
}

Match api_key_at(std::string_view text, size_t i) {
  if (!word_start(text, i)) return {};
  size_t n = 0;
  if (!n) n = prefixed_token(text, i, "maas-", 16, is_token_char);
  if (!n) n = prefixed_token(text, i, "sk-", 16, is_token_char);
  if (!n) n = prefixed_token(text, i, "AKIA", 16, [](char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); });
  for (std::string_view p : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"})
    if (!n) n = prefixed_token(text, i, p, 20, is_token_char);
  for (std::string_view p : {"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"})
    if (!n) n = prefixed_token(text, i, p, 10, is_token_char);
  if (!n) return {};
  return {n, "[REDACTED:api_key]"};
}

Match bearer_at(std::string_view text, size_t i) {
  if (!word_start(text, i) || !starts_with_nocase(text, i, "bearer")) return {};
  size_t j = i + 6;
  size_t spaces = 0;
  while (j < text.size() && text[j] == ' ') ++j, ++spaces;
  if (spaces == 0) return {};
  size_t start = j;
  while (j < text.size() && is_bearer_char(text[j])) ++j;
  if (j - start < 8) return {};
  return {j - i, std::string(text.substr(i, 6)) + " [REDACTED:bearer_token]"};
}

// Field names whose value is a secret, in "name: value" / "name=value" / "name": "value".
constexpr std::array<std::string_view, 10> kSecretNames = {
    "password", "passwd", "client_secret", "secret", "api_key", "apikey", "api-key", "access_token", "auth_token",
    "private_key"};

bool is_secret_name(std::string_view name) {
  std::string l;
  for (char c : name) l += lower(c);
  for (std::string_view s : kSecretNames)
    if (l == s) return true;
  return false;
}

Match secret_field_at(std::string_view text, size_t i) {
  if (!word_start(text, i) || !is_alpha(text[i])) return {};
  for (std::string_view name : kSecretNames) {
    if (!starts_with_nocase(text, i, name)) continue;
    size_t j = i + name.size();
    if (j < text.size() && (is_alnum(text[j]) || text[j] == '_')) continue;
    if (j < text.size() && (text[j] == '"' || text[j] == '\'')) ++j;
    if (j + 1 < text.size() && text[j] == '\\' && text[j + 1] == '"') j += 2;
    while (j < text.size() && text[j] == ' ') ++j;
    if (j >= text.size() || (text[j] != ':' && text[j] != '=')) continue;
    ++j;
    while (j < text.size() && text[j] == ' ') ++j;
    if (j + 1 < text.size() && text[j] == '\\' && text[j + 1] == '"') j += 2;
    else if (j < text.size() && (text[j] == '"' || text[j] == '\'')) ++j;
    size_t value_start = j;
    while (j < text.size() && text[j] != '"' && text[j] != '\'' && text[j] != '\\' && text[j] != ' ' &&
           text[j] != ',' && text[j] != ';' && text[j] != '&' && text[j] != '}' && text[j] != '\n')
      ++j;
    if (j == value_start) continue;
    return {j - i, std::string(text.substr(i, value_start - i)) + "[REDACTED:secret]"};
  }
  return {};
}

Match email_at(std::string_view text, size_t i) {
  if (!is_local_char(text[i]) || (i > 0 && is_local_char(text[i - 1]))) return {};
  size_t j = i;
  while (j < text.size() && is_local_char(text[j])) ++j;
  if (j == i || j >= text.size() || text[j] != '@') return {};
  size_t domain_start = ++j;
  while (j < text.size() && is_domain_char(text[j])) ++j;
  while (j > domain_start && (text[j - 1] == '.' || text[j - 1] == '-')) --j;  // sentence punctuation
  std::string_view domain = text.substr(domain_start, j - domain_start);
  size_t last_dot = domain.rfind('.');
  if (last_dot == std::string_view::npos || last_dot == 0) return {};
  std::string_view tld = domain.substr(last_dot + 1);
  if (tld.size() < 2) return {};
  for (char c : tld)
    if (!is_alpha(c)) return {};
  if (domain.find("..") != std::string_view::npos) return {};
  return {j - i, "[REDACTED:email]"};
}

// Digits in groups separated by single characters from `seps`; returns the end (after
// the last digit) and fills the group sizes and the separators seen.
size_t digit_groups(std::string_view text, size_t i, std::string_view seps, std::vector<size_t>* groups,
                    std::string* separators, size_t max_digits) {
  size_t j = i, end = i, digits = 0;
  while (j < text.size()) {
    size_t g = j;
    while (j < text.size() && is_digit(text[j])) ++j;
    if (j == g) break;
    digits += j - g;
    groups->push_back(j - g);
    end = j;
    if (digits > max_digits) break;
    // Up to two separator characters between groups: "-", " ", ") ".
    size_t s = j;
    while (j < text.size() && j - s < 2 && seps.find(text[j]) != std::string_view::npos) ++j;
    if (j == s || j >= text.size() || !is_digit(text[j])) break;
    *separators += text.substr(s, j - s);
  }
  return end;
}

bool number_end(std::string_view text, size_t end) {
  return end >= text.size() || (!is_alnum(text[end]) && text[end] != '_');
}

Match card_at(std::string_view text, size_t i) {
  if (!is_digit(text[i]) || !word_start(text, i)) return {};
  std::vector<size_t> groups;
  std::string seps;
  size_t end = digit_groups(text, i, " -", &groups, &seps, 19);
  for (char c : seps)
    if (c != ' ' && c != '-') return {};
  if (seps.size() > groups.size()) return {};  // single separators only
  size_t digits = 0;
  for (size_t g : groups) digits += g;
  if (digits < 13 || digits > 19 || !number_end(text, end)) return {};
  if (!luhn_valid(text.substr(i, end - i))) return {};
  return {end - i, "[REDACTED:card]"};
}

Match phone_at(std::string_view text, size_t i) {
  size_t j = i;
  bool plus = text[j] == '+';
  bool paren = text[j] == '(';
  if (plus || paren) ++j;
  if (j >= text.size() || !is_digit(text[j])) return {};
  if (!word_start(text, i) || (i > 0 && (text[i - 1] == '+' || is_digit(text[i - 1])))) return {};
  std::vector<size_t> groups;
  std::string seps;
  size_t end = digit_groups(text, j, " -.()", &groups, &seps, 15);
  size_t digits = 0;
  for (size_t g : groups) digits += g;
  if (digits > 15 || !number_end(text, end)) return {};
  bool dotted_quad = groups.size() == 4 && seps == "..." && groups[0] <= 3 && groups[1] <= 3 && groups[2] <= 3 &&
                     groups[3] <= 3;
  if (dotted_quad) return {};  // an IPv4 address
  if (groups.size() >= 3 && groups[0] == 4 && groups[1] == 2 && groups[2] <= 2) {
    int year = std::atoi(std::string(text.substr(j, 4)).c_str());
    if (year >= 1900 && year <= 2100) return {};  // a date
  }
  if (plus) {
    if (digits < 8) return {};
  } else if (groups.size() == 1) {
    // A bare run: 10 digits, or 11 with a trunk/country prefix (0 or 1).
    if (!(digits == 10 || (digits == 11 && (text[j] == '0' || text[j] == '1')))) return {};
  } else if (digits < 10) {
    return {};
  }
  if (paren && (end >= text.size() || seps.find(')') == std::string::npos)) return {};
  return {end - i, "[REDACTED:phone]"};
}

Match match_at(std::string_view text, size_t i) {
  for (auto* fn : {secret_field_at, bearer_at, api_key_at, email_at, card_at, phone_at}) {
    Match m = fn(text, i);
    if (m.length) return m;
  }
  return {};
}

}  // namespace

bool luhn_valid(std::string_view digits) {
  int sum = 0, count = 0;
  bool twice = false;
  for (size_t k = digits.size(); k-- > 0;) {
    char c = digits[k];
    if (!is_digit(c)) continue;
    int d = c - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
    ++count;
  }
  return count > 0 && sum % 10 == 0;
}

std::string redact(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    Match m = match_at(text, i);
    if (m.length) {
      out += m.replacement;
      i += m.length;
    } else if (is_digit(text[i])) {
      // A number that is neither card nor phone is kept whole, so that its tail
      // ("5678 1234 5678" of a longer run) is not matched on its own.
      std::vector<size_t> groups;
      std::string seps;
      size_t end = digit_groups(text, i, " -.", &groups, &seps, std::string_view::npos);
      out += text.substr(i, end - i);
      i = end;
    } else {
      out += text[i++];
    }
  }
  return out;
}

void redact_json(nlohmann::json& value) {
  if (value.is_string()) {
    value = redact(value.get_ref<const std::string&>());
  } else if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (is_secret_name(it.key()) && it.value().is_string()) {
        it.value() = "[REDACTED:secret]";
      } else {
        redact_json(it.value());
      }
    }
  } else if (value.is_array()) {
    for (auto& v : value) redact_json(v);
  } else if (value.is_number_integer()) {
    // A card number sent as a JSON number. (Not phone numbers: bare 10-digit integers
    // in JSON are mostly timestamps.)
    std::string digits = value.dump();
    if (digits.size() >= 13 && digits.size() <= 19 && luhn_valid(digits)) value = "[REDACTED:card]";
  }
}

std::string redact_body(std::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return redact(body);
  redact_json(parsed);
  return parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace maas
