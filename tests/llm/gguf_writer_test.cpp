#include <gtest/gtest.h>

#include <random>

#include "helpers/gguf_test_files.h"
#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"

namespace maas::llm {
namespace {

using tensor::DType;

bool values_equal(const GgufValue& a, const GgufValue& b) {
  if (a.type != b.type || a.v.index() != b.v.index()) return false;
  if (const auto* x = std::get_if<std::shared_ptr<GgufArray>>(&a.v)) {
    const auto& y = std::get<std::shared_ptr<GgufArray>>(b.v);
    if ((*x)->elem_type != y->elem_type || (*x)->items.size() != y->items.size()) return false;
    for (size_t i = 0; i < y->items.size(); ++i)
      if (!values_equal((*x)->items[i], y->items[i])) return false;
    return true;
  }
  return a.v == b.v;
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// A writer with every metadata type and a few tensors of different types.
GgufWriter full_writer(uint64_t alignment = 32, uint32_t version = 3) {
  GgufWriter w(alignment, version);
  w.set_string("general.architecture", "llama");
  w.set_uint8("t.u8", 250);
  w.set_int8("t.i8", -120);
  w.set_uint16("t.u16", 65000);
  w.set_int16("t.i16", -32000);
  w.set_uint32("t.u32", 4000000000u);
  w.set_int32("t.i32", -2000000000);
  w.set_uint64("t.u64", 18000000000000000000ull);
  w.set_int64("t.i64", -9000000000000000000ll);
  w.set_float32("t.f32", 1.5f);
  w.set_float64("t.f64", -2.25e300);
  w.set_bool("t.true", true);
  w.set_bool("t.false", false);
  w.set_string("t.empty_string", "");
  w.set_string("t.utf8", "héllo \xF0\x9F\x91\x8D");
  w.set_string_array("t.strings", {"a", "", "<0x0A>", "\xE2\x96\x81the"});
  w.set_float32_array("t.floats", {0.0f, -1.0f, 3.25f});
  w.set_int32_array("t.ints", {1, -2, 3});
  w.set_int32_array("t.empty_ints", {});
  w.set_value("t.nested", gguf_value_array(GgufType::kArray,
                                           {gguf_value_array(GgufType::kUint32, {gguf_value_uint32(1), gguf_value_uint32(2)}),
                                            gguf_value_array(GgufType::kString, {gguf_value_string("x")})}));
  EXPECT_TRUE(w.add_tensor("f32", DType::kF32, {3, 2}, random_bytes(24, 1)).is_ok());
  EXPECT_TRUE(w.add_tensor("f16", DType::kF16, {5}, random_bytes(10, 2)).is_ok());
  EXPECT_TRUE(w.add_tensor("q4_0", DType::kQ4_0, {64, 3}, random_bytes(6 * 18, 3)).is_ok());
  EXPECT_TRUE(w.add_tensor("q6_k", DType::kQ6_K, {256, 1, 1, 2}, random_bytes(2 * 210, 4)).is_ok());
  EXPECT_TRUE(w.add_tensor("i8", DType::kI8, {7}, random_bytes(7, 5)).is_ok());
  return w;
}

// Writes `w` to `path`, reads it back and checks every value written by full_writer().
void expect_full_round_trip(const GgufWriter& w, const std::string& path, uint64_t alignment,
                            uint32_t version) {
  ASSERT_TRUE(w.write(path).is_ok());
  auto r = GgufFile::open(path);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  const GgufFile& f = **r;
  EXPECT_EQ(f.version(), version);
  EXPECT_EQ(f.alignment(), alignment);
  EXPECT_EQ(*f.get_string("general.architecture"), "llama");
  EXPECT_EQ(*f.get_uint("t.u8"), 250u);
  EXPECT_EQ(std::get<int64_t>(f.find("t.i8")->v), -120);
  EXPECT_EQ(*f.get_uint("t.u16"), 65000u);
  EXPECT_EQ(std::get<int64_t>(f.find("t.i16")->v), -32000);
  EXPECT_EQ(*f.get_uint("t.u32"), 4000000000u);
  EXPECT_EQ(std::get<int64_t>(f.find("t.i32")->v), -2000000000);
  EXPECT_EQ(*f.get_uint("t.u64"), 18000000000000000000ull);
  EXPECT_EQ(std::get<int64_t>(f.find("t.i64")->v), -9000000000000000000ll);
  EXPECT_EQ(f.find("t.i64")->type, GgufType::kInt64);
  EXPECT_EQ(f.find("t.u16")->type, GgufType::kUint16);
  EXPECT_EQ(*f.get_float("t.f32"), 1.5);
  EXPECT_EQ(f.find("t.f32")->type, GgufType::kFloat32);
  EXPECT_EQ(*f.get_float("t.f64"), -2.25e300);
  EXPECT_TRUE(*f.get_bool("t.true"));
  EXPECT_FALSE(*f.get_bool("t.false"));
  EXPECT_EQ(*f.get_string("t.empty_string"), "");
  EXPECT_EQ(*f.get_string("t.utf8"), "h\xC3\xA9llo \xF0\x9F\x91\x8D");
  EXPECT_EQ(*f.get_string_array("t.strings"),
            (std::vector<std::string>{"a", "", "<0x0A>", "\xE2\x96\x81the"}));
  EXPECT_EQ(*f.get_float_array("t.floats"), (std::vector<double>{0.0, -1.0, 3.25}));
  EXPECT_EQ(*f.get_int_array("t.ints"), (std::vector<int64_t>{1, -2, 3}));
  EXPECT_TRUE(f.get_int_array("t.empty_ints")->empty());
  const GgufValue* nested = f.find("t.nested");
  ASSERT_NE(nested, nullptr);
  EXPECT_TRUE(values_equal(*nested, gguf_value_array(GgufType::kArray,
      {gguf_value_array(GgufType::kUint32, {gguf_value_uint32(1), gguf_value_uint32(2)}),
       gguf_value_array(GgufType::kString, {gguf_value_string("x")})})));

  ASSERT_EQ(f.tensors().size(), 5u);
  const std::vector<std::string> names = {"f32", "f16", "q4_0", "q6_k", "i8"};
  const std::vector<size_t> sizes = {24, 10, 6 * 18, 2 * 210, 7};
  for (size_t i = 0; i < names.size(); ++i) {
    const GgufTensor* t = f.tensor(names[i]);
    ASSERT_NE(t, nullptr) << names[i];
    EXPECT_EQ(t->nbytes, sizes[i]);
    EXPECT_EQ(t->offset % alignment, 0u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t->data) % alignment, 0u) << "mapping is page aligned";
    const std::vector<uint8_t> want = random_bytes(sizes[i], static_cast<uint32_t>(i + 1));
    EXPECT_EQ(std::vector<uint8_t>(t->data, t->data + t->nbytes), want) << names[i];
  }
  EXPECT_EQ(f.tensor("q6_k")->dims, (std::vector<uint64_t>{256, 1, 1, 2}));
  EXPECT_EQ(f.tensor("q6_k")->type, DType::kQ6_K);
  EXPECT_EQ(f.tensor("q4_0")->n_elements(), 192u);
}

TEST(GgufWriter, RoundTripsEveryTypeV3) {
  testing::GgufTempDir dir;
  expect_full_round_trip(full_writer(), dir.file("a.gguf"), 32, 3);
  EXPECT_EQ(dir.entry_count(), 1u) << "no temp file left behind";
}

TEST(GgufWriter, RoundTripsWithCustomAlignmentAndV2) {
  testing::GgufTempDir dir;
  expect_full_round_trip(full_writer(64, 3), dir.file("a64.gguf"), 64, 3);
  expect_full_round_trip(full_writer(32, 2), dir.file("v2.gguf"), 32, 2);
}

TEST(GgufWriter, ToBytesMatchesTheFileAndIsDeterministic) {
  testing::GgufTempDir dir;
  GgufWriter w = full_writer();
  ASSERT_TRUE(w.write(dir.file("a.gguf")).is_ok());
  auto bytes = w.to_bytes();
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, testing::gguf_read_bytes(dir.file("a.gguf")));
  EXPECT_EQ(*full_writer().to_bytes(), *bytes);
  EXPECT_EQ(bytes->size() % 32, 0u);
}

TEST(GgufWriter, CopiesARealModelExactly) {
  auto src = GgufFile::open(std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf");
  ASSERT_TRUE(src.is_ok()) << src.status().message();
  GgufWriter w;
  w.copy_metadata_from(**src);
  for (const GgufTensor& t : (*src)->tensors())
    ASSERT_TRUE(w.add_tensor_view(t.name, t.type, t.dims, t.data, t.nbytes).is_ok());
  testing::GgufTempDir dir;
  ASSERT_TRUE(w.write(dir.file("copy.gguf")).is_ok());
  auto copy = GgufFile::open(dir.file("copy.gguf"));
  ASSERT_TRUE(copy.is_ok()) << copy.status().message();
  ASSERT_EQ((*copy)->metadata().size(), (*src)->metadata().size());
  for (const auto& [key, value] : (*src)->metadata()) {
    const GgufValue* v = (*copy)->find(key);
    ASSERT_NE(v, nullptr) << key;
    EXPECT_TRUE(values_equal(*v, value)) << key;
  }
  ASSERT_EQ((*copy)->tensors().size(), (*src)->tensors().size());
  for (size_t i = 0; i < (*src)->tensors().size(); ++i) {
    const GgufTensor& a = (*src)->tensors()[i];
    const GgufTensor& b = (*copy)->tensors()[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.dims, b.dims);
    EXPECT_EQ(a.type, b.type);
    ASSERT_EQ(a.nbytes, b.nbytes);
    EXPECT_EQ(std::memcmp(a.data, b.data, a.nbytes), 0) << a.name;
  }
}

TEST(GgufWriter, RejectsBadTensorsAndValues) {
  GgufWriter w;
  Status st = w.add_tensor("a", DType::kF32, {4}, std::vector<uint8_t>(15));
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("15 bytes given"), std::string::npos) << st.message();
  st = w.add_tensor("q", DType::kQ4_0, {33}, std::vector<uint8_t>(18));
  EXPECT_NE(st.message().find("not a multiple of the q4_0 block size 32"), std::string::npos) << st.message();
  EXPECT_FALSE(w.add_tensor(std::string(64, 'x'), DType::kF32, {1}, std::vector<uint8_t>(4)).is_ok());
  EXPECT_FALSE(w.add_tensor("five", DType::kF32, {1, 1, 1, 1, 1}, std::vector<uint8_t>(4)).is_ok());
  EXPECT_TRUE(w.add_tensor("ok", DType::kF32, {1}, std::vector<uint8_t>(4)).is_ok());
  EXPECT_FALSE(w.add_tensor("ok", DType::kF32, {1}, std::vector<uint8_t>(4)).is_ok()) << "duplicate";
  EXPECT_EQ(w.tensor_count(), 1u);

  GgufValue bad;
  bad.type = GgufType::kUint8;
  bad.v = uint64_t{300};
  w.set_value("bad", bad);
  testing::GgufTempDir dir;
  st = w.write(dir.file("bad.gguf"));
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("300 does not fit in uint8"), std::string::npos) << st.message();
  EXPECT_EQ(dir.entry_count(), 0u) << "a failed write leaves no file";
  EXPECT_TRUE(w.remove("bad"));
  EXPECT_TRUE(w.write(dir.file("good.gguf")).is_ok());
}

TEST(GgufWriter, SettingAKeyTwiceReplacesIt) {
  GgufWriter w;
  w.set_uint32("k", 1);
  w.set_string("k", "two");
  testing::GgufTempDir dir;
  ASSERT_TRUE(w.write(dir.file("k.gguf")).is_ok());
  auto f = GgufFile::open(dir.file("k.gguf"));
  ASSERT_TRUE(f.is_ok()) << f.status().message();
  EXPECT_EQ((*f)->metadata().size(), 1u);
  EXPECT_EQ(*(*f)->get_string("k"), "two");
  EXPECT_TRUE((*f)->tensors().empty());
}

}  // namespace
}  // namespace maas::llm
