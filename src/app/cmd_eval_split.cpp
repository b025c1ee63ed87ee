// `maas eval-split --data FILE.csv --by time|random --test 0.1 --seed S OUT_TRAIN OUT_TEST`:
// writes a train/test split of an interaction file (recsys evaluation).
#include <cstdio>
#include <string>

#include "app/commands.h"
#include "recsys/split.h"

namespace maas::app {

void add_eval_split_command(CLI::App& app) {
  struct Flags {
    std::string data, by = "time", train, test;
    recsys::SplitOptions split;
  };
  auto flags = std::make_shared<Flags>();
  auto* sub = app.add_subcommand("eval-split", "Split interactions into train and test files (by time or at random)");
  sub->add_option("--data", flags->data, "interaction CSV/TSV (.gz)")->required();
  sub->add_option("--by", flags->by, "time: each user's latest rows; random: rows at random")
      ->check(CLI::IsMember({"time", "random"}));
  sub->add_option("--test", flags->split.test, "fraction held out (0..1)")->default_val(0.1);
  sub->add_option("--seed", flags->split.seed, "random seed (--by random)")->default_val(0);
  sub->add_option("--user-col", flags->split.user_col, "user id column")->default_val("userId");
  sub->add_option("--timestamp-col", flags->split.timestamp_col, "timestamp column")->default_val("timestamp");
  sub->add_option("OUT_TRAIN", flags->train, "training rows are written here")->required();
  sub->add_option("OUT_TEST", flags->test, "held-out rows are written here")->required();
  on_run(sub, [flags]() -> Status {
    flags->split.by_time = flags->by == "time";
    MAAS_ASSIGN_OR_RETURN(recsys::SplitCounts c,
                          recsys::split_interactions(flags->data, flags->split, flags->train, flags->test));
    std::printf("train: %lld rows -> %s\ntest: %lld rows -> %s\n", static_cast<long long>(c.train),
                flags->train.c_str(), static_cast<long long>(c.test), flags->test.c_str());
    return Status::ok();
  });
}

}  // namespace maas::app
