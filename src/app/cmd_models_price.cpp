// `maas models price NAME [--input USD] [--output USD] [--per-call USD]`: a model's
// prices (registry metadata) for usage costing; without price flags, prints them.
#include <cstdio>
#include <memory>
#include <optional>

#include "app/cli_util.h"
#include "app/commands.h"
#include "registry/prices.h"

namespace maas::app {
namespace {

struct PriceFlags {
  std::string name, data_dir, actor = "cli";
  std::optional<double> input, output, per_call;
};

}  // namespace

void add_models_price_command(CLI::App& app) {
  CLI::App* models = app.get_subcommand("models");
  auto f = std::make_shared<PriceFlags>();
  auto* sub = models->add_subcommand("price", "Set or show a model's prices (USD per 1K tokens, per call)");
  sub->add_option("NAME", f->name, "Model name")->required();
  sub->add_option("--input", f->input, "USD per 1000 prompt tokens")->check(CLI::NonNegativeNumber);
  sub->add_option("--output", f->output, "USD per 1000 completion tokens")->check(CLI::NonNegativeNumber);
  sub->add_option("--per-call", f->per_call, "USD per request")->check(CLI::NonNegativeNumber);
  sub->add_option("--actor", f->actor, "Who (default cli)");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  on_run(sub, [f]() -> Status {
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    MAAS_ASSIGN_OR_RETURN(registry::ModelDetails m, reg->get_model(f->name));
    MAAS_ASSIGN_OR_RETURN(registry::Prices p, registry::parse_prices(m.prices));
    if (f->input || f->output || f->per_call) {
      if (f->input) p.input_per_1k = *f->input;
      if (f->output) p.output_per_1k = *f->output;
      if (f->per_call) p.per_call = *f->per_call;
      registry::ModelMetadata meta;
      meta.prices = registry::to_json(p);
      MAAS_RETURN_IF_ERROR(reg->set_model_metadata(f->name, meta, f->actor));
    }
    std::printf("%s: input $%g / 1K tokens, output $%g / 1K tokens, $%g per call\n", m.name.c_str(), p.input_per_1k,
                p.output_per_1k, p.per_call);
    return Status::ok();
  });
}

}  // namespace maas::app
