// Damaged GGUF files: each gives a clear error naming what is wrong, never a crash.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <random>

#include "helpers/gguf_test_files.h"
#include "llm/gguf/gguf.h"
#include "llm/gguf/gguf_writer.h"

namespace maas::llm {
namespace {

using tensor::DType;
using testing::gguf_patch;

const std::string kStories = std::string(MAAS_SHARED_DIR) + "/models/stories260K.gguf";
const std::string kQwen = std::string(MAAS_SHARED_DIR) + "/models/tokenizers/qwen3-vocab-tiny-random.gguf";

// Opens `bytes` written to a file; returns the error message ("" if it opened).
std::string open_error(const testing::GgufTempDir& dir, const std::string& bytes) {
  const std::string path = dir.file("damaged.gguf");
  testing::gguf_write_bytes(path, bytes);
  auto f = GgufFile::open(path);
  if (f.is_ok()) return "";
  EXPECT_FALSE(f.status().message().empty());
  EXPECT_NE(f.status().message().find(path), std::string::npos) << "error names the file";
  return f.status().message();
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Offset just past the last tensor's data: every byte before it is needed.
uint64_t end_of_data(const GgufFile& f) {
  uint64_t end = f.data_offset();
  for (const auto& t : f.tensors()) end = std::max(end, f.data_offset() + t.offset + t.nbytes);
  return end;
}

// A small file with two tensors written by our writer.
std::string small_file() {
  GgufWriter w;
  w.set_string("general.architecture", "llama");
  w.set_string_array("tokenizer.ggml.tokens", {"a", "b", "c"});
  w.set_uint32("llama.block_count", 1);
  EXPECT_TRUE(w.add_tensor("first", DType::kF32, {4, 2}, std::vector<uint8_t>(32, 1)).is_ok());
  EXPECT_TRUE(w.add_tensor("second", DType::kQ4_0, {32, 2}, std::vector<uint8_t>(36, 2)).is_ok());
  return *w.to_bytes();
}

// Truncates `original` at `offsets`; below `needed` every cut must fail with a message.
void expect_truncations_fail(const std::string& original, uint64_t needed, const std::vector<size_t>& offsets) {
  testing::GgufTempDir dir;
  const std::string path = dir.file("cut.gguf");
  testing::gguf_write_bytes(path, original);
  size_t failures = 0;
  // Cut from the longest to the shortest so one file is truncated in place.
  std::vector<size_t> cuts = offsets;
  std::sort(cuts.rbegin(), cuts.rend());
  for (size_t cut : cuts) {
    ASSERT_EQ(::truncate(path.c_str(), static_cast<off_t>(cut)), 0);
    auto f = GgufFile::open(path);
    if (cut < needed) {
      ASSERT_FALSE(f.is_ok()) << "cut at " << cut << " opened";
      const std::string& msg = f.status().message();
      EXPECT_TRUE(contains(msg, "truncated") || contains(msg, "outside the file") || contains(msg, "absurd"))
          << "cut at " << cut << ": " << msg;
      ++failures;
    } else {
      EXPECT_TRUE(f.is_ok()) << "cut at " << cut << ": " << f.status().message();
    }
  }
  EXPECT_GT(failures, 0u);
}

std::vector<size_t> cut_points(size_t size, size_t dense_prefix, size_t stride) {
  std::vector<size_t> cuts;
  for (size_t i = 0; i < std::min(size, dense_prefix); ++i) cuts.push_back(i);
  for (size_t i = dense_prefix; i < size; i += stride) cuts.push_back(i);
  cuts.push_back(size - 1);
  return cuts;
}

TEST(GgufCorruption, TruncatedRealFileFailsAtEveryOffset) {
  auto f = GgufFile::open(kStories);
  ASSERT_TRUE(f.is_ok());
  const std::string original = testing::gguf_read_bytes(kStories);
  ASSERT_EQ(end_of_data(**f), original.size());
  // Every byte of the header and the first metadata, then a spread over the rest.
  expect_truncations_fail(original, end_of_data(**f), cut_points(original.size(), 3000, 211));
}

TEST(GgufCorruption, TruncatedQwenFileFails) {
  auto f = GgufFile::open(kQwen);
  ASSERT_TRUE(f.is_ok());
  const std::string original = testing::gguf_read_bytes(kQwen);
  std::vector<size_t> cuts = {0, 3, 4, 7, 8, 15, 16, 23, 24, 100, 1000};
  for (size_t i = 100000; i < original.size(); i += original.size() / 23) cuts.push_back(i);
  cuts.push_back(static_cast<size_t>((*f)->data_offset()) - 1);
  cuts.push_back(original.size() - 1);
  expect_truncations_fail(original, end_of_data(**f), cuts);
}

TEST(GgufCorruption, TruncatedWrittenFileFailsAtEveryOffset) {
  const std::string original = small_file();
  testing::GgufTempDir dir;
  testing::gguf_write_bytes(dir.file("ok.gguf"), original);
  auto f = GgufFile::open(dir.file("ok.gguf"));
  ASSERT_TRUE(f.is_ok()) << f.status().message();
  const uint64_t needed = end_of_data(**f);
  EXPECT_LT(needed, original.size()) << "the writer pads the last tensor";
  expect_truncations_fail(original, needed, cut_points(original.size(), original.size(), 1));
}

TEST(GgufCorruption, EmptyFileAndDirectory) {
  testing::GgufTempDir dir;
  EXPECT_TRUE(contains(open_error(dir, ""), "truncated file: the magic number needs 4 bytes at offset 0"));
  auto d = GgufFile::open(dir.path());
  ASSERT_FALSE(d.is_ok());
  EXPECT_TRUE(contains(d.status().message(), "not a regular file")) << d.status().message();
  auto missing = GgufFile::open(dir.file("nope.gguf"));
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

TEST(GgufCorruption, BadMagicAndVersion) {
  testing::GgufTempDir dir;
  std::string bytes = small_file();
  bytes[0] = 'X';
  EXPECT_TRUE(contains(open_error(dir, bytes), "bad magic 58 47 55 46 at offset 0"));
  EXPECT_FALSE(gguf_check_header(dir.file("damaged.gguf")).is_ok());
  for (uint32_t version : {0u, 1u, 4u, 0xffffffffu}) {
    bytes = small_file();
    gguf_patch<uint32_t>(bytes, 4, version);
    const std::string msg = open_error(dir, bytes);
    EXPECT_TRUE(contains(msg, fmt::format("unsupported GGUF version {}", version))) << msg;
    EXPECT_TRUE(contains(gguf_check_header(dir.file("damaged.gguf")).message(), "unsupported GGUF version"));
  }
}

TEST(GgufCorruption, AbsurdCounts) {
  testing::GgufTempDir dir;
  std::string bytes = small_file();
  gguf_patch<uint64_t>(bytes, 8, uint64_t{1} << 60);
  EXPECT_TRUE(contains(open_error(dir, bytes), "absurd tensor count 1152921504606846976"));
  EXPECT_FALSE(gguf_check_header(dir.file("damaged.gguf")).is_ok());
  bytes = small_file();
  gguf_patch<uint64_t>(bytes, 16, ~uint64_t{0});
  EXPECT_TRUE(contains(open_error(dir, bytes), "absurd metadata count"));
  // More entries than are present: runs off the end while reading them.
  bytes = small_file();
  gguf_patch<uint64_t>(bytes, 16, 40);
  const std::string msg = open_error(dir, bytes);
  EXPECT_FALSE(msg.empty());
}

TEST(GgufCorruption, AbsurdStringAndArrayLengths) {
  testing::GgufTempDir dir;
  std::string bytes = small_file();
  gguf_patch<uint64_t>(bytes, 24, ~uint64_t{0});  // length of the first key
  std::string msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "metadata entry 0")) << msg;
  EXPECT_TRUE(contains(msg, "a metadata key at offset 24 has length 18446744073709551615")) << msg;

  bytes = small_file();
  const size_t key = bytes.find("general.architecture");
  const size_t value_len_at = key + 20 + 4;  // key bytes, then the uint32 type
  gguf_patch<uint64_t>(bytes, value_len_at, 1000000);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "metadata 'general.architecture'")) << msg;
  EXPECT_TRUE(contains(msg, "truncated file")) << msg;

  bytes = small_file();
  const size_t tokens = bytes.find("tokenizer.ggml.tokens");
  const size_t count_at = tokens + 21 + 4 + 4;  // key, value type, element type
  gguf_patch<uint64_t>(bytes, count_at, uint64_t{1} << 62);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "absurd array length 4611686018427387904")) << msg;
  EXPECT_TRUE(contains(msg, "tokenizer.ggml.tokens")) << msg;

  bytes = small_file();
  gguf_patch<uint32_t>(bytes, tokens + 21, 13);  // value type
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "unknown value type 13")) << msg;
  bytes = small_file();
  gguf_patch<uint32_t>(bytes, tokens + 21 + 4, 77);  // array element type
  EXPECT_TRUE(contains(open_error(dir, bytes), "unknown array element type 77"));
}

TEST(GgufCorruption, BadTensorInfos) {
  testing::GgufTempDir dir;
  const std::string good = small_file();
  const size_t first = testing::gguf_tensor_info_offset(good, "first");    // n_dims of "first"
  const size_t second = testing::gguf_tensor_info_offset(good, "second");  // n_dims of "second"
  // "first": n_dims u32, 2 dims, type u32, offset u64.
  const size_t first_type = first + 4 + 16, first_offset = first_type + 4;
  const size_t second_dim0 = second + 4, second_offset = second + 4 + 16 + 4;

  std::string bytes = good;
  gguf_patch<uint32_t>(bytes, first, 5);
  std::string msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "tensor 0 'first': 5 dimensions")) << msg;
  EXPECT_TRUE(contains(msg, "(at most 4)")) << msg;

  bytes = good;
  gguf_patch<uint32_t>(bytes, first_type, 99);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "tensor 0 'first': unknown tensor type 99")) << msg;

  bytes = good;
  gguf_patch<uint64_t>(bytes, second_dim0, 33);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "row length 33 is not a multiple of the q4_0 block size 32")) << msg;

  bytes = good;
  gguf_patch<uint64_t>(bytes, first + 4, uint64_t{1} << 62);
  gguf_patch<uint64_t>(bytes, first + 12, uint64_t{1} << 62);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "absurd shape")) << msg;

  bytes = good;
  gguf_patch<uint64_t>(bytes, first + 4, uint64_t{1} << 40);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "tensor 'first'")) << msg;
  EXPECT_TRUE(contains(msg, "outside the file")) << msg;

  bytes = good;
  gguf_patch<uint64_t>(bytes, second_offset, 1 << 20);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "tensor 'second': data [1048576, 1048612)")) << msg;
  EXPECT_TRUE(contains(msg, "outside the file")) << msg;

  bytes = good;
  gguf_patch<uint64_t>(bytes, second_offset, 8);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "tensor 'second': data offset 8 is not a multiple of the alignment 32")) << msg;

  bytes = good;
  gguf_patch<uint64_t>(bytes, second_offset, 0);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "tensors 'first' [0, 32) and 'second' [0, 36) overlap")) << msg;

  bytes = good;
  gguf_patch<uint64_t>(bytes, first_offset, 32);
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "overlap")) << msg;

  GgufWriter w;
  ASSERT_TRUE(w.add_tensor("aa", DType::kF32, {1}, std::vector<uint8_t>(4)).is_ok());
  ASSERT_TRUE(w.add_tensor("bb", DType::kF32, {1}, std::vector<uint8_t>(4)).is_ok());
  bytes = *w.to_bytes();
  bytes.replace(testing::gguf_tensor_info_offset(bytes, "bb") - 2, 2, "aa");
  msg = open_error(dir, bytes);
  EXPECT_TRUE(contains(msg, "duplicate tensor name 'aa' (tensor 1)")) << msg;
}

TEST(GgufCorruption, BadAlignmentValue) {
  testing::GgufTempDir dir;
  GgufWriter w;
  w.set_uint32("general.alignment", 24);
  EXPECT_TRUE(contains(open_error(dir, *w.to_bytes()), "general.alignment is 24, not a power of two"));
  GgufWriter s;
  s.set_string("general.alignment", "32");
  EXPECT_TRUE(contains(open_error(dir, *s.to_bytes()), "metadata 'general.alignment' is string"));
}

TEST(GgufCorruption, DuplicateKeysAndBadBool) {
  testing::GgufTempDir dir;
  GgufWriter w;
  w.set_uint32("aaaa", 1);
  w.set_uint32("bbbb", 2);
  std::string bytes = *w.to_bytes();
  bytes.replace(bytes.find("bbbb"), 4, "aaaa");
  EXPECT_TRUE(contains(open_error(dir, bytes), "duplicate metadata key 'aaaa'"));
  GgufWriter b;
  b.set_bool("flag", true);
  bytes = *b.to_bytes();
  bytes[bytes.find("flag") + 4 + 4] = 7;
  EXPECT_TRUE(contains(open_error(dir, bytes), "has value 7 (want 0 or 1)"));
}

TEST(GgufCorruption, RandomByteFlipsNeverCrash) {
  const std::string good = small_file();
  testing::GgufTempDir dir;
  std::mt19937 rng(1234);
  size_t opened = 0, failed = 0;
  for (int round = 0; round < 600; ++round) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < flips; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    const std::string msg = open_error(dir, bytes);
    (msg.empty() ? opened : failed)++;
  }
  EXPECT_GT(failed, 20u);
  EXPECT_GT(opened, 0u);
}

}  // namespace
}  // namespace maas::llm
