// Redaction of personal data and secrets for the opt-in request log.
#include "core/redact.h"

#include <gtest/gtest.h>

namespace maas {
namespace {

TEST(Luhn, KnownCardNumbersAndNear_misses) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));      // Visa test number
  EXPECT_TRUE(luhn_valid("5500 0000 0000 0004"));   // Mastercard test number, spaced
  EXPECT_TRUE(luhn_valid("3782-822463-10005"));     // Amex test number, dashed
  EXPECT_TRUE(luhn_valid("6011111111111117"));      // Discover
  EXPECT_FALSE(luhn_valid("4111111111111112"));     // last digit off by one
  EXPECT_FALSE(luhn_valid("1234567812345678"));
  EXPECT_FALSE(luhn_valid(""));
}

TEST(Redact, Emails) {
  EXPECT_EQ(redact("Please reply to john.doe+billing@example.co.uk by Friday."),
            "Please reply to [REDACTED:email] by Friday.");
  EXPECT_EQ(redact("From: Alice <alice_w@mail-server.example.org>"), "From: Alice <[REDACTED:email]>");
  EXPECT_EQ(redact("contact:bob@test.io, carol@test.io."), "contact:[REDACTED:email], [REDACTED:email].");
  // Not addresses: a handle, a decorator, a TLD of one letter.
  EXPECT_EQ(redact("ping @channel and use @Override"), "ping @channel and use @Override");
  EXPECT_EQ(redact("user@localhost"), "user@localhost");
  EXPECT_EQ(redact("a@b.c"), "a@b.c");
}

TEST(Redact, PhoneNumbers) {
  EXPECT_EQ(redact("Call me at (555) 123-4567 tonight"), "Call me at [REDACTED:phone] tonight");
  EXPECT_EQ(redact("US: 555-123-4567, UK: +44 20 7946 0958, DE: +49 30 1234567"),
            "US: [REDACTED:phone], UK: [REDACTED:phone], DE: [REDACTED:phone]");
  EXPECT_EQ(redact("my cell is 555.123.4567."), "my cell is [REDACTED:phone].");
  EXPECT_EQ(redact("text 5551234567 now"), "text [REDACTED:phone] now");
  EXPECT_EQ(redact("+14155552671"), "[REDACTED:phone]");
  // Not phone numbers: years, dates, times, versions, IPs, small counts, prices.
  EXPECT_EQ(redact("In 2024 we sold 1500 units"), "In 2024 we sold 1500 units");
  EXPECT_EQ(redact("on 2026-11-29 09:13 UTC"), "on 2026-11-29 09:13 UTC");
  EXPECT_EQ(redact("version 1.2.3 at 192.168.100.200"), "version 1.2.3 at 192.168.100.200");
  EXPECT_EQ(redact("it costs $1,299.99"), "it costs $1,299.99");
  EXPECT_EQ(redact("order #12345"), "order #12345");
}

TEST(Redact, CardNumbersAreLuhnChecked) {
  EXPECT_EQ(redact("card 4111 1111 1111 1111 exp 12/29"), "card [REDACTED:card] exp 12/29");
  EXPECT_EQ(redact("My Visa is 4111-1111-1111-1111."), "My Visa is [REDACTED:card].");
  EXPECT_EQ(redact("amex 378282246310005"), "amex [REDACTED:card]");
  // Sixteen digits that fail Luhn are not a card (and too long for a phone).
  EXPECT_EQ(redact("tracking 1234 5678 1234 5678"), "tracking 1234 5678 1234 5678");
  // Inside a longer digit run: not a card.
  EXPECT_EQ(redact("id 41111111111111110000"), "id 41111111111111110000");
}

TEST(Redact, ApiKeysAndTokens) {
  std::string maas_key = "maas-" + std::string(64, 'a');
  EXPECT_EQ(redact("export MAAS_KEY=" + maas_key), "export MAAS_KEY=[REDACTED:api_key]");
  EXPECT_EQ(redact("OPENAI_API_KEY=sk-proj-Abc123def456Ghi789jkl0 python app.py"),
            "OPENAI_API_KEY=[REDACTED:api_key] python app.py");
  EXPECT_EQ(redact("key AKIAIOSFODNN7EXAMPLE leaked"), "key [REDACTED:api_key] leaked");
  EXPECT_EQ(redact("token ghp_16C7e42F292c6912E7710c838347Ae178B4a in repo"), "token [REDACTED:api_key] in repo");
  EXPECT_EQ(redact("curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig' url"),
            "curl -H 'Authorization: Bearer [REDACTED:bearer_token]' url");
  EXPECT_EQ(redact("authorization: bearer " + maas_key), "authorization: bearer [REDACTED:bearer_token]");
  // Short or ordinary words with the same beginnings stay.
  EXPECT_EQ(redact("ask-me maas-data sk-short the bearer of news"), "ask-me maas-data sk-short the bearer of news");
}

TEST(Redact, SecretFields) {
  EXPECT_EQ(redact("login with password=hunter2&user=bob"), "login with password=[REDACTED:secret]&user=bob");
  EXPECT_EQ(redact("client_secret: 'abc.def' next"), "client_secret: '[REDACTED:secret]' next");
  EXPECT_EQ(redact(R"({"api_key": "xyz-123", "model": "m"})"), R"({"api_key": "[REDACTED:secret]", "model": "m"})");
  EXPECT_EQ(redact("the password is long"), "the password is long");
}

TEST(Redact, MixedRealisticPrompt) {
  std::string prompt =
      "Hi, I'm Jane (jane.roe@corp.example.com, +1 415 555 2671). Please charge my card "
      "5500 0000 0000 0004 and email the receipt. Our key is sk-live-0123456789abcdefXYZ. Thanks!";
  EXPECT_EQ(redact(prompt),
            "Hi, I'm Jane ([REDACTED:email], [REDACTED:phone]). Please charge my card "
            "[REDACTED:card] and email the receipt. Our key is [REDACTED:api_key]. Thanks!");
}

TEST(Redact, TextWithoutPersonalDataIsUnchanged) {
  std::string story = "Once upon a time, there was a little girl named Lily. She was 3 years old and loved 42 toys.";
  EXPECT_EQ(redact(story), story);
  EXPECT_EQ(redact(""), "");
  // Non-ASCII text passes through byte for byte.
  EXPECT_EQ(redact("Größe: 12 — café ☕"), "Größe: 12 — café ☕");
}

TEST(RedactBody, JsonStringsAreRedactedAndStructureKept) {
  std::string body = R"({"model":"m","messages":[{"role":"user","content":"mail me at x.y@z.com\ncall 555-123-4567"}],)"
                     R"("password":"p@ss","max_tokens":16,"card":4111111111111111})";
  nlohmann::json out = nlohmann::json::parse(redact_body(body));
  EXPECT_EQ(out["model"], "m");
  EXPECT_EQ(out["messages"][0]["content"], "mail me at [REDACTED:email]\ncall [REDACTED:phone]");
  EXPECT_EQ(out["password"], "[REDACTED:secret]");
  EXPECT_EQ(out["max_tokens"], 16);
  EXPECT_EQ(out["card"], "[REDACTED:card]");
}

TEST(RedactBody, NonJsonAndEscapedJsonText) {
  EXPECT_EQ(redact_body("not json: bob@example.com"), "not json: [REDACTED:email]");
  // SSE stream text carries JSON with escaped newlines; numbers after "\n" still count.
  EXPECT_EQ(redact(R"(data: {"text":"call\n555-123-4567"})"), R"(data: {"text":"call\n[REDACTED:phone]"})");
}

}  // namespace
}  // namespace maas
