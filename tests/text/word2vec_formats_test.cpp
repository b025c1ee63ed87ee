// word2vec family formats: reading the real hamlet vectors, round trips through every
// writer, format sniffing, and strict errors for malformed files.
#include <fstream>

#include <gtest/gtest.h>

#include "core/files.h"
#include "helpers/server_process.h"
#include "text/word2vec/family.h"
#include "text/word2vec/formats.h"

namespace maas::text::word2vec {
namespace {

using maas::testing::TempDir;

const std::string kHamlet = std::string(MAAS_SHARED_DIR) + "/data/word2vec/hamlet-vectors.txt";

void write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string head_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(64 << 10, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return head;
}

void expect_same(const WordVectors& a, const WordVectors& b) {
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.dim(), b.dim());
  EXPECT_EQ(a.words(), b.words());
  for (int64_t i = 0; i < a.size(); ++i)
    for (int64_t d = 0; d < a.dim(); ++d) ASSERT_EQ(a.row(i)[d], b.row(i)[d]) << a.word(i) << " " << d;
}

// The error's message for reading `bytes` as `format` (the test fails if it reads).
std::string read_error(const std::string& bytes, VectorFormat format) {
  TempDir dir;
  write(dir.file("v"), bytes);
  Result<VectorModel> r = read_vector_model(dir.file("v"), format);
  EXPECT_FALSE(r.is_ok()) << "read malformed file";
  return r.is_ok() ? "" : r.status().message();
}

std::string binary_vector(const std::string& word, std::vector<float> v) {
  return word + " " + std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4) + "\n";
}

TEST(Word2vecFormats, ReadsTheRealHamletVectors) {
  ASSERT_EQ(sniff_format(head_of(kHamlet), ""), VectorFormat::kWord2vecText);
  Result<WordVectors> v = read_text_vectors(kHamlet, true);
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(v->size(), 2631);
  EXPECT_EQ(v->dim(), 200);
  EXPECT_EQ(v->word(0), "</s>");
  EXPECT_FLOAT_EQ(v->row(0)[0], 0.002001f);
  EXPECT_GE(v->find("Hamlet"), 0);
  EXPECT_GE(v->find("Hamlet,"), 0);  // the file keeps punctuation
  EXPECT_EQ(v->lookup("Hamlet"), v->find("Hamlet"));
  EXPECT_EQ(v->lookup("ThE"), v->find("the"));      // falls back to lower case
  EXPECT_EQ(v->lookup("(the"), v->find("the"));     // and to the word without punctuation
  EXPECT_EQ(v->lookup("xyzzy"), -1);
}

TEST(Word2vecFormats, EveryWriterRoundTrips) {
  TempDir dir;
  Result<WordVectors> v = read_text_vectors(kHamlet, true);
  ASSERT_TRUE(v.is_ok());
  ASSERT_TRUE(write_text_vectors(*v, dir.file("a.txt")).is_ok());
  ASSERT_TRUE(write_binary_vectors(*v, dir.file("a.bin")).is_ok());
  EXPECT_EQ(sniff_format(head_of(dir.file("a.txt")), ""), VectorFormat::kWord2vecText);
  EXPECT_EQ(sniff_format(head_of(dir.file("a.bin")), ""), VectorFormat::kWord2vecBinary);
  Result<WordVectors> text = read_text_vectors(dir.file("a.txt"), true);
  Result<WordVectors> bin = read_binary_vectors(dir.file("a.bin"));
  ASSERT_TRUE(text.is_ok()) << text.status().message();
  ASSERT_TRUE(bin.is_ok()) << bin.status().message();
  expect_same(*v, *text);
  expect_same(*v, *bin);

  VectorModel m{std::move(v).value(), TokenizeRules{true, true}, {{"mode", "cbow"}}};
  std::vector<int64_t> counts(static_cast<size_t>(m.vectors.size()));
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = static_cast<int64_t>(5000000000LL - i);
  m.vectors.set_counts(counts);
  ASSERT_TRUE(write_gguf_vectors(m, dir.file("a.gguf")).is_ok());
  Result<VectorModel> g = read_gguf_vectors(dir.file("a.gguf"));
  ASSERT_TRUE(g.is_ok()) << g.status().message();
  expect_same(m.vectors, g->vectors);
  EXPECT_EQ(g->vectors.counts(), counts);
  EXPECT_TRUE(g->rules.letters_only);
  EXPECT_TRUE(g->rules.lowercase);
  EXPECT_EQ(g->params["mode"], "cbow");
}

TEST(Word2vecFormats, ReadsGloveTextWithoutHeader) {
  TempDir dir;
  write(dir.file("g.txt"), "the 0.5 -1.25 3\nof 1e-3 2 -0\nété 1 2 3\n");
  EXPECT_EQ(sniff_format(head_of(dir.file("g.txt")), ""), VectorFormat::kGloveText);
  Result<WordVectors> v = read_text_vectors(dir.file("g.txt"), false);
  ASSERT_TRUE(v.is_ok()) << v.status().message();
  EXPECT_EQ(v->size(), 3);
  EXPECT_EQ(v->dim(), 3);
  EXPECT_EQ(v->row(0)[1], -1.25f);
  EXPECT_EQ(v->row(1)[0], 1e-3f);
  EXPECT_EQ(v->find("été"), 2);
}

TEST(Word2vecFormats, SniffsOnlyWordVectorFiles) {
  EXPECT_EQ(sniff_format("", "word2vec"), VectorFormat::kGguf);
  EXPECT_EQ(sniff_format("", "llama"), std::nullopt);
  EXPECT_EQ(sniff_format("The war of 1812 was fought\nby many\n", ""), std::nullopt);
  EXPECT_EQ(sniff_format("a,b,c\n1,2,3\n", ""), std::nullopt);
  EXPECT_EQ(sniff_format("LINEAR1 5 0\n", ""), std::nullopt);  // integers only: not GloVe vectors
  EXPECT_EQ(sniff_format("GGUF\x03", ""), std::nullopt);
  EXPECT_EQ(sniff_format("2 3\nx 1 2 3\ny 1 2 3\n", ""), VectorFormat::kWord2vecText);
  // fastText .vec: the same format, values with a trailing space.
  EXPECT_EQ(sniff_format("1 2\nx 0.1 0.2 \n", ""), VectorFormat::kWord2vecText);
}

TEST(Word2vecFormats, MalformedTextFilesNameTheProblem) {
  EXPECT_NE(read_error("abc 3\nx 1 2 3\n", VectorFormat::kWord2vecText).find("line 1: expected a header"),
            std::string::npos);
  EXPECT_NE(read_error("2 3\nx 1 2 3\ny 1 2\n", VectorFormat::kWord2vecText).find("line 3: word 'y' has 2 values, expected 3"),
            std::string::npos);
  EXPECT_NE(read_error("3 3\nx 1 2 3\ny 1 2 3\n", VectorFormat::kWord2vecText).find("header says 3 words, but the file has 2"),
            std::string::npos);
  EXPECT_NE(read_error("1 3\nx 1 2 3\ny 1 2 3\n", VectorFormat::kWord2vecText).find("line 3: the header says 1 words"),
            std::string::npos);
  EXPECT_NE(read_error("2 2\nx 1 2\n\xff\xfe 1 2\n", VectorFormat::kWord2vecText).find("line 3: the word is not valid UTF-8"),
            std::string::npos);
  EXPECT_NE(read_error("1 2\nx 1 abc\n", VectorFormat::kWord2vecText).find("value 2 of word 'x' is not a finite number"),
            std::string::npos);
  EXPECT_NE(read_error("1 2\nx 1 nan\n", VectorFormat::kWord2vecText).find("not a finite number"), std::string::npos);
  EXPECT_NE(read_error("2 2\nx 1 2\nx 3 4\n", VectorFormat::kWord2vecText).find("duplicate word 'x' (vectors 1 and 2)"),
            std::string::npos);
  EXPECT_NE(read_error("x 1 2\ny 1 2 3\n", VectorFormat::kGloveText).find("line 2: word 'y' has 3 values, expected 2"),
            std::string::npos);
  EXPECT_NE(read_error("", VectorFormat::kGloveText).find("no word vectors"), std::string::npos);
}

TEST(Word2vecFormats, MalformedBinaryFilesNameTheProblem) {
  const std::string good = "2 2\n" + binary_vector("x", {1, 2}) + binary_vector("y", {3, 4});
  TempDir dir;
  write(dir.file("ok.bin"), good);
  ASSERT_TRUE(read_binary_vectors(dir.file("ok.bin")).is_ok());
  // Truncated inside the last vector, and a vector missing altogether.
  EXPECT_NE(read_error(good.substr(0, good.size() - 3), VectorFormat::kWord2vecBinary).find("truncated: vector 2 ('y') needs 8 bytes, 6 left"),
            std::string::npos);
  EXPECT_NE(read_error("3 2\n" + binary_vector("x", {1, 2}) + binary_vector("y", {3, 4}) + binary_vector("z", {5, 6}).substr(0, 2),
                       VectorFormat::kWord2vecBinary)
                .find("truncated"),
            std::string::npos);
  // Dimensions that do not match the data: bytes are left over.
  EXPECT_NE(read_error("1 2\n" + binary_vector("x", {1, 2, 3, 4}), VectorFormat::kWord2vecBinary).find("bytes follow the 1 vectors"),
            std::string::npos);
  EXPECT_NE(read_error("1 2\n" + binary_vector("\xc3\x28", {1, 2}), VectorFormat::kWord2vecBinary).find("vector 1: the word is not valid UTF-8"),
            std::string::npos);
  EXPECT_NE(read_error("x y\n" + binary_vector("x", {1, 2}), VectorFormat::kWord2vecBinary).find("expected a header line"),
            std::string::npos);
}

TEST(Word2vecFormats, TheFamilyClaimsVectorFilesAndValidatesStrictly) {
  auto family = make_word2vec_family();
  FileProbe probe;
  probe.head = head_of(kHamlet);
  EXPECT_EQ(family->detect(probe), "word2vec-text");
  probe.head = "hello world\n";
  EXPECT_EQ(family->detect(probe), std::nullopt);
  TempDir dir;
  write(dir.file("bad.txt"), "2 3\nx 1 2 3\ny 1 2\n");
  Artifact a{dir.file("bad.txt"), "", "word2vec-text"};
  Status st = family->validate(a);
  EXPECT_EQ(st.code(), Code::kDataLoss);
  EXPECT_NE(st.message().find("line 3"), std::string::npos) << st.message();
  Artifact hamlet{kHamlet, "", "word2vec-text"};
  EXPECT_TRUE(family->validate(hamlet).is_ok());
  Result<uint64_t> bytes = family->estimate_memory(hamlet, {});
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_GE(*bytes, uint64_t{2631} * 200 * 4 * 2);
}

}  // namespace
}  // namespace maas::text::word2vec
