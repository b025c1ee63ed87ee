#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/hash.h"
#include "core/status.h"

namespace maas {
namespace {

Result<int> half(int x) {
  if (x % 2) return invalid_argument("{} is odd", x);
  return x / 2;
}

Result<int> quarter(int x) {
  MAAS_ASSIGN_OR_RETURN(int h, half(x));
  return half(h);
}

TEST(Status, PropagatesErrorsWithMessages) {
  EXPECT_EQ(*quarter(8), 2);
  Result<int> r = quarter(6);
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "3 is odd");
  EXPECT_EQ(r.status().with_context("dividing").message(), "dividing: 3 is odd");
}

TEST(Hash, Sha256OfKnownString) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(random_hex(8).size(), 16u);
  EXPECT_NE(random_hex(8), random_hex(8));
}

TEST(Clock, ParsesAndFormatsUtcDates) {
  int64_t t = 0;
  ASSERT_TRUE(parse_utc_date("2026-01-02", &t));
  EXPECT_EQ(rfc3339_utc(t), "2026-01-02T00:00:00Z");
  ASSERT_TRUE(parse_utc_date("1994-11-06T08:49:37Z", &t));
  EXPECT_EQ(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_FALSE(parse_utc_date("2026-13-01", &t));
  EXPECT_FALSE(parse_utc_date("tomorrow", &t));
}

}  // namespace
}  // namespace maas
