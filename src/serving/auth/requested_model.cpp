#include "serving/auth/requested_model.h"

#include <nlohmann/json.hpp>

namespace maas::serving::auth {
namespace {

using json = nlohmann::json;

// Tracks depth; captures the string value of the first depth-1 key "model", then stops.
class ModelFieldSax : public nlohmann::json_sax<json> {
 public:
  std::optional<std::string> model;

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t& s) override {
    if (depth_ == 1 && want_) {
      model = s;
      return false;  // found: stop parsing
    }
    return value();
  }
  bool binary(binary_t&) override { return value(); }
  bool start_object(std::size_t) override { return open(); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(); }
  bool end_array() override { return close(); }
  bool key(string_t& k) override {
    want_ = depth_ == 1 && k == "model";
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool value() { return !(depth_ == 1 && want_); }  // "model" is not a string: stop
  bool open() {
    if (depth_ == 1 && want_) return false;
    if (depth_ == 0 && started_) return false;
    started_ = true;
    ++depth_;
    want_ = false;
    return depth_ <= 256;
  }
  bool close() {
    --depth_;
    want_ = false;
    return true;
  }
  int depth_ = 0;
  bool want_ = false;
  bool started_ = false;
};

}  // namespace

std::optional<std::string> body_model_field(std::string_view body) {
  if (body.empty()) return std::nullopt;
  ModelFieldSax sax;
  json::sax_parse(body, &sax, nlohmann::detail::input_format_t::json, /*strict=*/false);
  return sax.model;
}

std::string base_model_name(std::string_view reference) {
  size_t cut = reference.find_first_of(":@");
  return std::string(reference.substr(0, cut));
}

std::optional<std::string> requested_model(const HttpRequest& req, const Route& route) {
  if (req.method == "POST" && !route.admin && route.pattern.rfind("/v2/", 0) != 0) {
    if (std::optional<std::string> m = body_model_field(req.body)) return base_model_name(*m);
    return std::nullopt;
  }
  if (route.pattern == "/v1/models/{id}") {
    auto it = req.path_params.find("id");
    if (it != req.path_params.end()) return base_model_name(it->second);
  }
  if (route.pattern.rfind("/v2/models/", 0) == 0) {
    for (const char* name : {"model", "name", "model_name"}) {
      auto it = req.path_params.find(name);
      if (it != req.path_params.end()) return base_model_name(it->second);
    }
  }
  return std::nullopt;
}

}  // namespace maas::serving::auth
