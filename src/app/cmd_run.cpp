// `maas run MODEL -p PROMPT`: generates a continuation and streams it to stdout;
// timings go to stderr. MODEL is a GGUF file or a registry reference (name, name:3,
// name@alias) resolved in the data dir, as a request would name it.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/cli_util.h"
#include "app/commands.h"
#include "llm/model/model.h"
#include "llm/runtime/generate.h"
#include "llm/tokenizer/tokenizer.h"
#include "registry/model_ref.h"

namespace maas::app {
namespace {

struct RunOptions {
  std::string model;
  std::string data_dir;
  std::string prompt;
  int threads = 0;
  bool no_bos = false;
  llm::GenerateParams gen;
  uint64_t seed = 0;
  bool seed_given = false;
};

// The file to load: `model` itself if it is a file, else the artifact of the registry
// version it names.
Result<std::string> model_file(const std::string& model, const std::string& data_dir_flag) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(model, ec)) return model;
  const std::string data_dir = resolve_data_dir(data_dir_flag);
  if (!std::filesystem::is_directory(data_dir, ec))
    return not_found("'{}' is neither a file nor a model of a registry (no registry at '{}'; --data-dir)", model,
                     data_dir);
  Result<registry::ModelRef> ref = registry::parse_model_ref(model);
  if (!ref.is_ok()) return not_found("'{}' is neither a file nor a model name: {}", model, ref.status().message());
  MAAS_ASSIGN_OR_RETURN(auto reg, open_registry(data_dir_flag));
  Result<registry::VersionInfo> v = reg->resolve(*ref);
  if (!v.is_ok() && v.status().code() == Code::kNotFound)
    return not_found("'{}' is neither a file nor a model in the registry at '{}': {}", model, data_dir,
                     v.status().message());
  if (!v.is_ok()) return v.status();
  if (v->artifact_purged)
    return error(Code::kFailedPrecondition, "{} version {} is retired and its artifact was purged", v->model, v->version);
  return v->artifact_path;
}

Status run(RunOptions o) {
  MAAS_ASSIGN_OR_RETURN(std::string file, model_file(o.model, o.data_dir));
  MAAS_ASSIGN_OR_RETURN(auto model, llm::Model::load(file, {o.threads}));
  MAAS_ASSIGN_OR_RETURN(auto tokenizer, llm::Tokenizer::from_gguf(model->file()));
  std::vector<int32_t> prompt = tokenizer->encode(o.prompt, !o.no_bos);
  if (prompt.empty()) return invalid_argument("the prompt has no tokens");
  if (o.seed_given) o.gen.sampling.seed = o.seed;
  // Never ask for more than the context holds.
  const int64_t room = model->hparams().n_ctx_train - static_cast<int64_t>(prompt.size());
  if (room < 1) return invalid_argument("the prompt ({} tokens) fills the context of {}", prompt.size(),
                                        model->hparams().n_ctx_train);
  if (o.gen.max_tokens > room) o.gen.max_tokens = static_cast<int32_t>(room);

  std::fputs(o.prompt.c_str(), stdout);
  std::fflush(stdout);
  MAAS_ASSIGN_OR_RETURN(auto result, llm::generate(*model, *tokenizer, prompt, o.gen, [](const llm::GeneratedToken& t) {
                          std::fwrite(t.text.data(), 1, t.text.size(), stdout);
                          std::fflush(stdout);
                          return true;
                        }));
  std::fputs("\n", stdout);
  const size_t n = result.tokens.size();
  std::fprintf(stderr, "\n[%zu prompt tokens in %.3f s = %.1f tok/s; %zu generated in %.3f s = %.1f tok/s; %s; %d threads]\n",
               prompt.size(), result.prompt_seconds, prompt.size() / std::max(result.prompt_seconds, 1e-9), n,
               result.prompt_seconds + result.generate_seconds,
               n > 1 ? (n - 1) / std::max(result.generate_seconds, 1e-9) : 0.0, llm::finish_reason_name(result.finish),
               model->threads());
  return Status::ok();
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run", "Generate text from a GGUF file or a registered model (streams to stdout)");
  sub->add_option("model", o->model, "GGUF file, or a registry name (name, name:3, name@alias)")->required();
  sub->add_option("--data-dir", o->data_dir, "Registry directory for a name (default $MAAS_DATA_DIR or ./maas-data)");
  sub->add_option("-p,--prompt", o->prompt, "Prompt text")->required();
  sub->add_option("-n,--max-tokens", o->gen.max_tokens, "Tokens to generate")->capture_default_str();
  sub->add_option("--temp", o->gen.sampling.temperature, "Temperature (0 = greedy)")->capture_default_str();
  sub->add_option("--top-k", o->gen.sampling.top_k, "Top-k (0 = off)")->capture_default_str();
  sub->add_option("--top-p", o->gen.sampling.top_p, "Top-p (1 = off)")->capture_default_str();
  sub->add_option("--min-p", o->gen.sampling.min_p, "Min-p (0 = off)")->capture_default_str();
  sub->add_option("--repeat-penalty", o->gen.sampling.repeat_penalty, "Repetition penalty (1 = off)")
      ->capture_default_str();
  sub->add_option("--presence-penalty", o->gen.sampling.presence_penalty, "Presence penalty");
  sub->add_option("--frequency-penalty", o->gen.sampling.frequency_penalty, "Frequency penalty");
  sub->add_option("--seed", o->seed, "Random seed (same seed, same output)")->each([o](const std::string&) {
    o->seed_given = true;
  });
  sub->add_option("--stop", o->gen.stop, "Stop sequence (repeatable)");
  sub->add_flag("--ignore-eos", o->gen.ignore_eos, "Keep going past end-of-generation tokens");
  sub->add_flag("--no-bos", o->no_bos, "Do not add the BOS token");
  sub->add_option("-t,--threads", o->threads, "Threads (0 = all cores)")->capture_default_str();
  on_run(sub, [o] { return run(*o); });
}

}  // namespace maas::app
