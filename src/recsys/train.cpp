#include "recsys/train.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "recsys/als.h"
#include "recsys/baseline.h"
#include "recsys/data.h"
#include "recsys/mf.h"
#include "recsys/model.h"
#include "recsys/similarity.h"
#include "tensor/thread_pool.h"

namespace maas::recsys {

OptionSpecs train_option_specs() {
  using T = OptionType;
  const nlohmann::json none;
  return {
      {"algo", T::kString, none, "algorithm", {"popularity", "bias", "itemknn", "userknn", "mf", "als", "content", "hybrid"}, true},
      {"items", T::kPath, none, "item metadata CSV (item id column plus title and/or categories)"},
      {"factors", T::kInt, none, "latent factors (mf: 100, als: 32)", {}, false, 1, 1024},
      {"epochs", T::kInt, none, "epochs (mf: 20) / iterations (als: 10, bias: 10)", {}, false, 1, 10000},
      {"reg", T::kFloat, none, "regularisation (mf: 0.02, als: 0.1)", {}, false, 0, 1e6},
      {"lr", T::kFloat, 0.005, "SGD learning rate (mf)", {}, false, 1e-6, 1},
      {"alpha", T::kFloat, 1.0, "confidence per unit of value, c = 1 + alpha r (als)", {}, false, 0, 1e6},
      {"neighbours", T::kInt, 40, "neighbours per prediction (itemknn, userknn, hybrid)", {}, false, 1, 10000},
      {"similarity", T::kString, "adjusted_cosine", "kNN similarity", {"cosine", "pearson", "adjusted_cosine"}},
      {"shrinkage", T::kFloat, 100.0, "kNN similarity shrinkage towards 0 for small support", {}, false, 0, 1e6},
      {"prediction", T::kString, "baseline", "kNN prediction: deviations from the bias baseline or from means",
       {"baseline", "mean_centred"}},
      {"hybrid_beta", T::kFloat, 10.0, "hybrid: CF weight n/(n+beta) for a user with n interactions", {}, false, 0, 1e6},
      {"user_col", T::kString, "userId", "user id column"},
      {"item_col", T::kString, "movieId", "item id column"},
      {"rating_col", T::kString, "rating", "rating column (\"\": implicit events, one per row)"},
      {"timestamp_col", T::kString, "timestamp", "timestamp column (\"\": file order)"},
      {"title_col", T::kString, "title", "item title column (used when present)"},
      {"categories_col", T::kString, "genres", "item categories column, '|'-separated (used when present)"},
      {"seed", T::kInt, 0, "random seed", {}, false, 0},
      {"threads", T::kInt, 0, "threads (0: all cores)", {}, false, 0, 256},
  };
}

namespace {

template <class T>
T opt(const nlohmann::json& o, const char* name, T fallback) {
  return o.contains(name) && !o[name].is_null() ? o[name].get<T>() : fallback;
}

// Reports progress and turns a cancelled job into a kCancelled status.
struct Progress {
  TrainMonitor* monitor;
  Status step(TrainProgress p) const {
    if (!monitor) return Status::ok();
    monitor->progress(p);
    if (monitor->cancelled()) return Status(Code::kCancelled, "training cancelled");
    return Status::ok();
  }
};

std::string join_categories(const std::vector<std::string>& c) {
  std::string out;
  for (const auto& x : c) out += (out.empty() ? "" : "|") + x;
  return out;
}

}  // namespace

Result<TrainResult> train_recsys(const TrainSpec& spec) {
  const nlohmann::json& o = spec.options;
  const auto started = std::chrono::steady_clock::now();
  Progress progress{spec.monitor};
  MAAS_ASSIGN_OR_RETURN(Algo algo, parse_algo(opt<std::string>(o, "algo", "")));
  Columns cols;
  cols.user = opt<std::string>(o, "user_col", cols.user);
  cols.item = opt<std::string>(o, "item_col", cols.item);
  cols.rating = opt<std::string>(o, "rating_col", cols.rating);
  cols.timestamp = opt<std::string>(o, "timestamp_col", cols.timestamp);
  cols.title = opt<std::string>(o, "title_col", cols.title);
  cols.categories = opt<std::string>(o, "categories_col", cols.categories);

  MAAS_RETURN_IF_ERROR(progress.step({.phase = "load"}));
  MAAS_ASSIGN_OR_RETURN(Dataset d, load_dataset(spec.data_path, cols, opt<std::string>(o, "items", "")));
  const auto loaded = std::chrono::steady_clock::now();
  if (algo == Algo::kMf && d.implicit)
    return invalid_argument("--algo mf needs ratings (a rating column); use als for implicit events")
        .with_field("options.algo");
  if (algo == Algo::kBias && d.implicit)
    return invalid_argument("--algo bias needs ratings (a rating column)").with_field("options.algo");

  const int threads = opt<int>(o, "threads", 0);
  tensor::ThreadPool pool(threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  const uint64_t seed = opt<uint64_t>(o, "seed", 0);

  RecModel m;
  m.algo = algo;
  m.implicit = d.implicit;
  m.columns = cols;
  m.users = d.users;
  m.items = d.items;
  for (const ItemInfo& info : d.item_info) {
    m.titles.push_back(info.title);
    m.categories.push_back(join_categories(info.categories));
  }
  m.seen = d.by_user;
  m.seen_by_item = d.by_item;
  m.global_mean = mean_value(d.by_user);
  m.rating_min = *std::min_element(d.by_user.value.begin(), d.by_user.value.end());
  m.rating_max = *std::max_element(d.by_user.value.begin(), d.by_user.value.end());
  m.popularity.resize(static_cast<size_t>(d.items.size()));
  for (int32_t i = 0; i < d.items.size(); ++i) m.popularity[i] = static_cast<float>(d.by_item.row_size(i));

  nlohmann::json params = {{"algo", algo_name(algo)},
                           {"users", d.users.size()},
                           {"items", d.items.size()},
                           {"interactions", d.by_user.nnz()},
                           {"duplicates_replaced", d.duplicates},
                           {"implicit", d.implicit}};
  TrainResult result;

  const bool wants_bias = algo == Algo::kBias || algo == Algo::kItemKnn || algo == Algo::kUserKnn ||
                          algo == Algo::kHybrid;
  if (wants_bias && !d.implicit) {
    const int iterations = algo == Algo::kBias ? opt<int>(o, "epochs", 10) : 10;
    Biases b = fit_biases(d.by_user, d.by_item, iterations);
    m.user_bias = std::move(b.user);
    m.item_bias = std::move(b.item);
  } else if (wants_bias) {
    m.user_bias.assign(static_cast<size_t>(d.users.size()), 0.0f);
    m.item_bias.assign(static_cast<size_t>(d.items.size()), 0.0f);
  }

  if (algo == Algo::kItemKnn || algo == Algo::kUserKnn || algo == Algo::kHybrid) {
    m.knn.k = opt<int>(o, "neighbours", 40);
    MAAS_ASSIGN_OR_RETURN(m.knn.similarity, parse_similarity(opt<std::string>(o, "similarity", "adjusted_cosine")));
    m.knn.shrinkage = static_cast<float>(opt<double>(o, "shrinkage", 100));
    m.knn.baseline_corrected = opt<std::string>(o, "prediction", "baseline") == "baseline";
    const int32_t list = std::max(2 * m.knn.k, 100);
    MAAS_RETURN_IF_ERROR(progress.step({.phase = "neighbours"}));
    if (algo == Algo::kUserKnn) {
      m.user_neighbours = top_neighbours(make_space(d.by_user, m.knn.similarity, m.knn.shrinkage), list, &pool);
    } else {
      m.item_neighbours = top_neighbours(make_space(d.by_item, m.knn.similarity, m.knn.shrinkage), list, &pool);
    }
    params["neighbours"] = m.knn.k;
    params["similarity"] = similarity_name(m.knn.similarity);
    params["shrinkage"] = m.knn.shrinkage;
  }
  if (algo == Algo::kHybrid) m.hybrid_beta = static_cast<float>(opt<double>(o, "hybrid_beta", 10));

  if (algo == Algo::kMf) {
    MfOptions mo;
    mo.factors = opt<int>(o, "factors", 100);
    mo.epochs = opt<int>(o, "epochs", 20);
    mo.lr = static_cast<float>(opt<double>(o, "lr", 0.005));
    mo.reg = static_cast<float>(opt<double>(o, "reg", 0.02));
    mo.seed = seed;
    const int64_t n = d.by_user.nnz();
    double last_rmse = 0;
    MAAS_ASSIGN_OR_RETURN(MfModel mf, train_mf(d.by_user, mo, [&](int32_t epoch, double rmse) {
                            last_rmse = rmse;
                            return progress.step({.epoch = epoch, .epochs = mo.epochs, .step = epoch * n,
                                                  .steps = mo.epochs * n, .loss = rmse * rmse, .unit = "ratings"});
                          }));
    m.factors = mo.factors;
    m.reg = mo.reg;
    m.user_bias = std::move(mf.user_bias);
    m.item_bias = std::move(mf.item_bias);
    m.user_factors = std::move(mf.p);
    m.item_factors = std::move(mf.q);
    params.update({{"factors", mo.factors},
                   {"epochs", mo.epochs},
                   {"lr", opt<double>(o, "lr", 0.005)},
                   {"reg", opt<double>(o, "reg", 0.02)},
                   {"seed", seed}});
    result.metrics["train_rmse"] = last_rmse;
    result.higher_is_better["train_rmse"] = false;
  }
  if (algo == Algo::kAls) {
    AlsOptions ao;
    ao.factors = opt<int>(o, "factors", 32);
    ao.iterations = opt<int>(o, "epochs", 10);
    ao.reg = static_cast<float>(opt<double>(o, "reg", 0.1));
    ao.alpha = static_cast<float>(opt<double>(o, "alpha", 1.0));
    ao.seed = seed;
    MAAS_ASSIGN_OR_RETURN(AlsModel als, train_als(d.by_user, d.by_item, ao, &pool, [&](int32_t it) {
                            return progress.step({.epoch = it, .epochs = ao.iterations, .step = it,
                                                  .steps = ao.iterations, .unit = "iterations"});
                          }));
    m.factors = ao.factors;
    m.reg = ao.reg;
    m.alpha = ao.alpha;
    m.user_factors = std::move(als.x);
    m.item_factors = std::move(als.y);
    params.update({{"factors", ao.factors},
                   {"epochs", ao.iterations},
                   {"reg", opt<double>(o, "reg", 0.1)},
                   {"alpha", opt<double>(o, "alpha", 1.0)},
                   {"seed", seed}});
  }
  if ((algo == Algo::kContent || algo == Algo::kHybrid) &&
      std::all_of(m.titles.begin(), m.titles.end(), [](const auto& t) { return t.empty(); }) &&
      std::all_of(m.categories.begin(), m.categories.end(), [](const auto& c) { return c.empty(); }))
    return invalid_argument("--algo {} needs item metadata: a '{}' or '{}' column in the data or --items",
                            algo_name(algo), cols.title, cols.categories)
        .with_field("options.algo");

  // Fitting time alone (after reading the data, before writing the artifact).
  result.metrics["fit_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - loaded).count();
  result.higher_is_better["fit_seconds"] = false;
  MAAS_RETURN_IF_ERROR(progress.step({.phase = "save"}));
  MAAS_RETURN_IF_ERROR(save_model(m, spec.output_path));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.metrics["training_seconds"] = seconds;
  result.higher_is_better["training_seconds"] = false;
  result.params = params;
  return result;
}

}  // namespace maas::recsys
