// `maas train FAMILY --data FILE --name NAME [family options] [--json]`: one subcommand
// per family that trains, its flags generated from the family's train_options(). Trains
// in the foreground with a progress bar and registers the result as a new version.
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "app/cli_util.h"
#include "app/commands.h"
#include "app/progress_bar.h"
#include "serving/families.h"
#include "serving/training/train_runner.h"

namespace maas::app {
namespace {

ProgressBar* g_bar = nullptr;  // the run in progress, cancelled by SIGINT/SIGTERM

struct TrainFlags {
  std::string data, name, description, data_dir;
  bool json = false;
  std::map<std::string, std::string> given;  // option name -> text as typed
};

// The CLI's help line for an option: its help, choices and default.
std::string option_help(const OptionSpec& spec) {
  std::string help = spec.help;
  if (!spec.choices.empty()) {
    std::string list;
    for (const auto& c : spec.choices) list += (list.empty() ? "" : "|") + c;
    help += " (" + list + ")";
  }
  if (!spec.default_value.is_null()) help += " [default: " + spec.default_value.dump() + "]";
  if (spec.required) help += " (required)";
  return help;
}

void add_family_command(CLI::App* train, const ModelFamily& family, std::shared_ptr<serving::FamilyTable> families) {
  auto f = std::make_shared<TrainFlags>();
  auto* sub = train->add_subcommand(family.name(), "Train a '" + family.name() + "' model and register it");
  sub->add_option("--data", f->data, "Training data file")->required();
  sub->add_option("--name", f->name, "Model name; the first version creates it")->required();
  sub->add_option("--description", f->description, "Free-form description of this version");
  sub->add_option("--data-dir", f->data_dir, "Registry directory (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_flag("--json", f->json, "Print {model, version, metrics, seconds, ...} as one JSON object last");
  for (const OptionSpec& spec : family.train_options()) {
    auto* opt = sub->add_option_function<std::string>(
        option_flag(spec.name), [f, name = spec.name](const std::string& v) { f->given[name] = v; },
        option_help(spec));
    if (spec.type == OptionType::kBool) opt->expected(0, 1)->default_str("true");
  }
  on_run(sub, [f, families, name = family.name()]() -> Status {
    const ModelFamily* fam = families->find(name);
    serving::TrainRequest request;
    request.family = name;
    request.name = f->name;
    request.data_path = f->data;
    request.description = f->description;
    request.actor = "cli";
    for (const OptionSpec& spec : fam->train_options()) {
      auto it = f->given.find(spec.name);
      if (it == f->given.end()) continue;
      const std::string text = it->second.empty() && spec.type == OptionType::kBool ? "true" : it->second;
      Result<nlohmann::json> v = parse_option_text(spec, text);
      if (!v.is_ok()) return invalid_argument("{}: {}", option_flag(spec.name), v.status().message());
      request.options[spec.name] = *v;
    }
    MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(f->data_dir));
    ProgressBar bar(/*quiet=*/false);
    g_bar = &bar;
    auto on_signal = [](int) {
      if (g_bar) g_bar->cancel();
    };
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    Result<serving::TrainOutcome> outcome = serving::train_and_register(*reg, *families, request, bar);
    bar.finish();
    g_bar = nullptr;
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!outcome.is_ok()) return outcome.status();
    if (f->json) {
      std::printf("%s\n", serving::to_json(*outcome).dump().c_str());
    } else {
      std::printf("trained %s version %lld (%s) in %.1f s; metrics %s; stage %s\n", outcome->version.model.c_str(),
                  static_cast<long long>(outcome->version.version), name.c_str(), outcome->seconds,
                  outcome->metrics.dump().c_str(), registry::stage_name(outcome->version.stage));
    }
    return Status::ok();
  });
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto families = std::make_shared<serving::FamilyTable>();
  serving::register_families(*families);
  auto* train = app.add_subcommand("train", "Train a model of a family that trains, and register it as a new version");
  train->require_subcommand(1);
  for (const ModelFamily* family : families->all())
    if (family->can_train()) add_family_command(train, *family, families);
}

}  // namespace maas::app
