// Redaction of personal data and secrets in free text, for the opt-in request log:
// e-mail addresses, phone numbers, payment card numbers (Luhn-checked), API keys and
// tokens (maas-..., sk-..., AKIA..., GitHub and Slack tokens, `Bearer ...`, and values of
// password/secret/token/api_key fields). Each match becomes "[REDACTED:<kind>]" with kind
// one of: email, phone, card, api_key, bearer_token, secret.
// It errs on the side of redacting: a 10-digit number with separators reads as a phone.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace maas {

std::string redact(std::string_view text);

// Redacts every string (values and object keys' values; keys are kept) in a JSON value.
void redact_json(nlohmann::json& value);

// A request/response body for the log: JSON bodies are redacted string by string and
// re-serialised; anything else is redacted as text.
std::string redact_body(std::string_view body);

// The Luhn checksum over the digits of `digits` (other characters ignored).
bool luhn_valid(std::string_view digits);

}  // namespace maas
