#include <gtest/gtest.h>

#include "registry/model_ref.h"

namespace maas::registry {
namespace {

TEST(ModelRef, ParsesNameVersionAndAlias) {
  Result<ModelRef> plain = parse_model_ref("stories");
  ASSERT_TRUE(plain.is_ok());
  EXPECT_EQ(plain->name, "stories");
  EXPECT_FALSE(plain->version);
  EXPECT_FALSE(plain->alias);

  Result<ModelRef> numbered = parse_model_ref("stories-260k.q8:12");
  ASSERT_TRUE(numbered.is_ok());
  EXPECT_EQ(numbered->name, "stories-260k.q8");
  EXPECT_EQ(numbered->version, 12);

  Result<ModelRef> aliased = parse_model_ref("stories@production");
  ASSERT_TRUE(aliased.is_ok());
  EXPECT_EQ(aliased->name, "stories");
  EXPECT_EQ(aliased->alias, "production");
}

TEST(ModelRef, RejectsMalformedReferences) {
  for (const char* bad : {"", ":3", "m:", "m:0", "m:-1", "m:3x", "m@", "m@a:1", "a b", "-m", "m/x", "m:99999999999999999999"}) {
    Result<ModelRef> r = parse_model_ref(bad);
    EXPECT_FALSE(r.is_ok()) << bad;
    if (!r.is_ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
    }
  }
  EXPECT_EQ(parse_model_ref("m:x").status().message(), "model reference 'm:x': version 'x' is not a positive integer");
  EXPECT_EQ(parse_model_ref("my model").status().message(),
            "model name 'my model' may contain only letters, digits, '.', '_' and '-'");
}

}  // namespace
}  // namespace maas::registry
