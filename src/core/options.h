// A family's own options, declared once and read from CLI flags (`--hidden 128,64`) and
// from JSON bodies (`{"hidden": [128, 64]}`) alike, with defaults and clear errors.
// Names are snake_case; the CLI flag is the name with '-' for '_'.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace maas {

enum class OptionType {
  kInt,
  kFloat,
  kBool,
  kString,   // `choices` restricts it when non-empty
  kIntList,  // "128,64" on the command line, [128, 64] in JSON
  kPath,     // a file the platform checks for readability and hashes with the data
  kModel,    // a registered model ("name", "name:3"); the platform passes its artifact path
};

struct OptionSpec {
  std::string name;
  OptionType type = OptionType::kString;
  nlohmann::json default_value;  // null: optional with no default (absent from the result)
  std::string help;
  std::vector<std::string> choices;  // for kString
  bool required = false;
  double min = -1e300;  // numeric bounds (inclusive), for kInt / kFloat / kIntList items
  double max = 1e300;
};
using OptionSpecs = std::vector<OptionSpec>;

const char* option_type_name(OptionType type);
std::string option_flag(const std::string& name);  // "text_col" -> "--text-col"

// Checks `given` (a JSON object) against `specs`: unknown names, wrong types, values out
// of range or not among the choices, and missing required options are errors naming the
// option (field "options.<name>"). Returns every option, defaults filled in.
Result<nlohmann::json> resolve_options(const OptionSpecs& specs, const nlohmann::json& given);

// One command-line value in the option's type ("0.5", "true", "128,64").
Result<nlohmann::json> parse_option_text(const OptionSpec& spec, const std::string& text);

}  // namespace maas
