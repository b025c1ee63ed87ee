#include "core/csv.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace maas {
namespace {

TEST(Csv, HeaderQuotesAndLineEnds) {
  auto t = parse_csv("a,b,c\r\n1,\"x, \"\"y\"\"\",3\n\n4,\"multi\nline\",6\n7,8,", {}, "t.csv");
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  EXPECT_EQ(t->columns, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t->rows.size(), 3u);
  EXPECT_EQ(t->rows[0][1], "x, \"y\"");
  EXPECT_EQ(t->rows[1][1], "multi\nline");
  EXPECT_EQ(t->rows[2][2], "");
  EXPECT_EQ(t->lines, (std::vector<int64_t>{2, 4, 6}));
  EXPECT_EQ(*t->column("c"), 2u);
  EXPECT_EQ(t->where(2), "t.csv line 6");
  auto missing = t->column("d");
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("no column 'd' (columns: a, b, c)"), std::string::npos);
}

TEST(Csv, TsvByNameAndNoHeader) {
  auto t = parse_csv("x\ty\n1\t2\n", {0, false}, "d.tsv");
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->columns.size(), 2u);
  EXPECT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "y");
}

TEST(Csv, ErrorsNameFileAndLine) {
  auto ragged = parse_csv("a,b\n1,2\n3\n", {}, "r.csv");
  ASSERT_FALSE(ragged.is_ok());
  EXPECT_EQ(ragged.status().message(), "r.csv line 3: 1 fields, expected 2");
  auto open = parse_csv("a,b\n1,\"2\n", {}, "q.csv");
  ASSERT_FALSE(open.is_ok());
  EXPECT_EQ(open.status().message(), "q.csv line 2: unterminated quoted field");
  auto trailing = parse_csv("a,b\n\"1\"x,2\n", {}, "t.csv");
  ASSERT_FALSE(trailing.is_ok());
  EXPECT_NE(trailing.status().message().find("text after a closing quote"), std::string::npos);
  auto empty = parse_csv("", {}, "e.csv");
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.status().message(), "e.csv is empty (no header row)");
  EXPECT_EQ(read_csv("/nonexistent/x.csv").status().code(), Code::kNotFound);
}

TEST(Csv, GzipIsReadTransparently) {
  const std::string path = (std::filesystem::temp_directory_path() / "maas_csv_test.csv.gz").string();
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  const std::string text = "a,b\n1,2\n";
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  auto t = read_csv(path);
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  EXPECT_EQ(t->rows[0][1], "2");
  // Truncated: the gzip stream ends early.
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 6);
  auto truncated = read_csv(path);
  ASSERT_FALSE(truncated.is_ok());
  EXPECT_NE(truncated.status().message().find("not a readable gzip file"), std::string::npos);
  std::filesystem::remove(path);
}

TEST(Csv, NumbersAreFiniteOnly) {
  EXPECT_EQ(parse_number(" 1.5 "), 1.5);
  EXPECT_EQ(parse_number("-2e3"), -2000.0);
  EXPECT_FALSE(parse_number("nan"));
  EXPECT_FALSE(parse_number("inf"));
  EXPECT_FALSE(parse_number("1.5x"));
  EXPECT_FALSE(parse_number(""));
}

}  // namespace
}  // namespace maas
