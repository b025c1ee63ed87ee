// Prometheus text exposition format 0.0.4: escaping and number rendering.
//   https://prometheus.io/docs/instrumenting/exposition_formats/
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace maas::serving::metrics {

// Label values: backslash, double quote and newline are escaped (\\, \", \n).
std::string escape_label_value(std::string_view value);
// HELP text: backslash and newline are escaped.
std::string escape_help(std::string_view text);
// A sample value: integers without a fraction, +Inf/-Inf/NaN spelled as Prometheus does.
std::string format_value(double value);
// `{a="x",b="y"}` ("" when there are no labels); `extra` appends one more pair (le=...).
std::string format_labels(const std::vector<std::string>& names, const std::vector<std::string>& values,
                          std::string_view extra_name = {}, std::string_view extra_value = {});

}  // namespace maas::serving::metrics
