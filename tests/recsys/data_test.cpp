#include <gtest/gtest.h>

#include "recsys/data.h"
#include "recsys/feedback.h"
#include "recsys/split.h"
#include "core/csv.h"
#include "recsys_test_util.h"

namespace maas::recsys {
namespace {

using maas::testing::TempDir;
using testing::write_text;

TEST(RecsysData, ReadsMovieLensColumnsWithMetadataFromTheSameFile) {
  TempDir dir;
  const std::string path = write_text(dir, "r.csv",
                                      "movieId,title,year,genres,userId,rating,timestamp\n"
                                      "10,\"Heat, The\",1995,Action|Crime,u1,4.5,100\n"
                                      "20,Toy Story,1995,Animation|Children,u1,3,101\n"
                                      "10,\"Heat, The\",1995,Action|Crime,u2,5,102\n");
  Result<Dataset> d = load_dataset(path, Columns{});
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->users.ids, (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(d->items.ids, (std::vector<std::string>{"10", "20"}));
  EXPECT_FALSE(d->implicit);
  EXPECT_EQ(d->by_user.nnz(), 3);
  EXPECT_EQ(*d->by_user.find(0, 0), 4.5f);
  EXPECT_EQ(*d->by_item.find(0, 1), 5.0f);  // CSC: item 10, user u2
  EXPECT_EQ(d->by_item.row_size(1), 1);
  EXPECT_EQ(d->item_info[0].title, "Heat, The");
  EXPECT_EQ(d->item_info[1].categories, (std::vector<std::string>{"Animation", "Children"}));
}

TEST(RecsysData, DuplicatesKeepTheLatestTimestampThenTheLastLine) {
  TempDir dir;
  const std::string path = write_text(dir, "r.csv",
                                      "userId,movieId,rating,timestamp\n"
                                      "a,x,1,200\n"   // latest timestamp: wins
                                      "a,x,5,100\n"
                                      "b,x,2,50\n"
                                      "b,x,4,50\n");  // same time, later line: wins
  Result<Dataset> d = load_dataset(path, Columns{});
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->duplicates, 2);
  EXPECT_EQ(d->by_user.nnz(), 2);
  EXPECT_EQ(*d->by_user.find(0, 0), 1.0f);
  EXPECT_EQ(*d->by_user.find(1, 0), 4.0f);
}

TEST(RecsysData, ColumnNamesByOptionsAndImplicitEvents) {
  TempDir dir;
  const std::string path = write_text(dir, "e.tsv", "who\twhat\n1\tp\n1\tq\n2\tp\n");
  Columns cols;
  cols.user = "who";
  cols.item = "what";
  cols.rating = "";
  cols.timestamp = "";
  Result<Dataset> d = load_dataset(path, cols);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_TRUE(d->implicit);
  EXPECT_EQ(d->by_user.nnz(), 3);
  EXPECT_EQ(*d->by_user.find(1, 0), 1.0f);
}

TEST(RecsysData, ItemsFileAddsMetadataAndColdItems) {
  TempDir dir;
  const std::string data = write_text(dir, "r.csv", "userId,movieId,rating,timestamp\na,1,4,1\n");
  const std::string items = write_text(dir, "items.csv", "movieId,title,genres\n1,Alien,Horror|Sci-Fi\n2,Aliens,Action|Sci-Fi\n");
  Result<Dataset> d = load_dataset(data, Columns{}, items);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  ASSERT_EQ(d->items.size(), 2);
  EXPECT_EQ(d->item_info[1].title, "Aliens");
  EXPECT_EQ(d->by_item.row_size(1), 0);  // known only from metadata: a cold item
}

TEST(RecsysData, BadRowsNameTheLine) {
  TempDir dir;
  const std::string path = write_text(dir, "r.csv", "userId,movieId,rating,timestamp\na,1,4,1\nb,2,four,2\n");
  Result<Dataset> d = load_dataset(path, Columns{});
  ASSERT_FALSE(d.is_ok());
  EXPECT_NE(d.status().message().find("line 3"), std::string::npos) << d.status().message();
  EXPECT_NE(d.status().message().find("four"), std::string::npos);

  const std::string ragged = write_text(dir, "g.csv", "userId,movieId,rating,timestamp\na,1,4,1\nb,2\n");
  Result<Dataset> g = load_dataset(ragged, Columns{});
  ASSERT_FALSE(g.is_ok());
  EXPECT_NE(g.status().message().find("line 3"), std::string::npos) << g.status().message();

  Columns cols;
  cols.rating = "stars";
  Result<Dataset> missing = load_dataset(path, cols);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("'stars'"), std::string::npos) << missing.status().message();
}

TEST(RecsysSplit, TimeSplitHoldsOutEachUsersLatestRows) {
  TempDir dir;
  std::string csv = "userId,movieId,rating,timestamp\n";
  for (int u = 0; u < 3; ++u)
    for (int t = 0; t < 10; ++t) csv += fmt::format("u{},m{},4,{}\n", u, t, 1000 - t);  // newest first in the file
  const std::string in = write_text(dir, "r.csv", csv);
  SplitOptions o;
  o.test = 0.2;
  Result<SplitCounts> c = split_interactions(in, o, dir.file("train.csv"), dir.file("test.csv"));
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->train, 24);
  EXPECT_EQ(c->test, 6);
  Result<CsvTable> test = read_csv(dir.file("test.csv"));
  ASSERT_TRUE(test.is_ok());
  for (const auto& row : test->rows) EXPECT_TRUE(row[3] == "1000" || row[3] == "999") << row[3];

  o.by_time = false;
  o.seed = 7;
  Result<SplitCounts> r = split_interactions(in, o, dir.file("a.csv"), dir.file("b.csv"));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->test, 6);
  o.test = 1.5;
  EXPECT_FALSE(split_interactions(in, o, dir.file("a.csv"), dir.file("b.csv")).is_ok());
}

TEST(RecsysFeedback, AppendsDurablyAndReplays) {
  TempDir dir;
  Columns cols;
  {
    Result<std::unique_ptr<FeedbackLog>> log = FeedbackLog::open(dir.file("state"), cols);
    ASSERT_TRUE(log.is_ok()) << log.status().to_string();
    ASSERT_TRUE((*log)->append("u,1", "m1", 4.5f, 10).is_ok());
    ASSERT_TRUE((*log)->append("u,1", "m2", 1, 11).is_ok());
  }
  Result<std::unique_ptr<FeedbackLog>> again = FeedbackLog::open(dir.file("state"), cols);
  ASSERT_TRUE(again.is_ok()) << again.status().to_string();
  auto events = (*again)->for_user("u,1");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].first, "m1");
  EXPECT_EQ(events[0].second, 4.5f);
  // The file is training data in the model's own columns.
  Result<Dataset> d = load_dataset(dir.file("state/feedback.csv"), cols);
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->by_user.nnz(), 2);
}

}  // namespace
}  // namespace maas::recsys
