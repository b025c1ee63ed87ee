#include "serving/routes/predictor_routes.h"

#include <algorithm>

#include "core/capability/predictor.h"
#include "serving/http/errors.h"
#include "serving/http/handler.h"
#include "serving/model_router.h"
#include "serving/openai/fields.h"
#include "serving/openai/response_util.h"

namespace maas::serving {
namespace {

using nlohmann::json;
using openai::add_route_headers;
using openai::Fields;

constexpr size_t kMaxRows = 10000;

// An OIP handler: a failed Result becomes {"error": "..."} with the status the same
// Status gets everywhere (internal errors logged and hidden by error_response).
Handler oip(ResultHandler fn) {
  return [fn = std::move(fn)](HttpRequest& req) -> HttpResponse {
    Result<HttpResponse> r = fn(req);
    if (r.is_ok()) return std::move(r).value();
    HttpResponse openai_style = error_response(r.status(), req.request_id);
    const json body = json::parse(openai_style.body, nullptr, false);
    const std::string message = body.is_object() ? body["error"].value("message", r.status().message()) : r.status().message();
    HttpResponse res = HttpResponse::json({{"error", message}}, openai_style.status);
    res.headers = openai_style.headers;
    return res;
  };
}

// "name" or "name:version" from the path.
std::string requested_model(const HttpRequest& req) {
  const auto v = req.path_params.find("version");
  return v == req.path_params.end() ? req.param("model") : req.param("model") + ":" + v->second;
}

json spec_json(const TensorSpec& s) { return {{"name", s.name}, {"datatype", s.datatype}, {"shape", s.shape}}; }

Result<HttpResponse> model_metadata(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, requested_model(req), Predictor::kName, ""));
  MAAS_ASSIGN_OR_RETURN(Predictor * p, capability_of<Predictor>(routed));
  json inputs = json::array(), outputs = json::array();
  for (const auto& s : p->input_specs()) inputs.push_back(spec_json(s));
  for (const auto& s : p->output_specs()) outputs.push_back(spec_json(s));
  HttpResponse res = HttpResponse::json({{"name", req.param("model")},
                                         {"versions", {std::to_string(routed.version.version)}},
                                         {"platform", "maas_" + routed.model->family()},
                                         {"inputs", inputs},
                                         {"outputs", outputs}});
  for (const auto& [k, v] : routed.headers) res.set_header(k, v);
  return res;
}

Result<HttpResponse> model_ready(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, requested_model(req), Predictor::kName, ""));
  return HttpResponse::json({{"name", req.param("model")}, {"ready", true}});
}

// Nested arrays in row-major order, flattened.
Status flatten(const json& data, const std::string& datatype, TensorData& out, const std::string& where) {
  if (data.is_array()) {
    for (const auto& item : data) MAAS_RETURN_IF_ERROR(flatten(item, datatype, out, where));
    return Status::ok();
  }
  if (datatype == "BYTES") {
    if (!data.is_string()) return invalid_argument("{}: BYTES data must be strings", where);
    out.bytes.push_back(data.get<std::string>());
  } else {
    if (!data.is_number() && !data.is_boolean()) return invalid_argument("{}: {} data must be numbers", where, datatype);
    out.fp32.push_back(data.is_boolean() ? float(data.get<bool>()) : data.get<float>());
  }
  return Status::ok();
}

Result<TensorData> parse_input(const json& in, size_t index) {
  const std::string where = "inputs[" + std::to_string(index) + "]";
  if (!in.is_object()) return invalid_argument("{} must be an object {{name, shape, datatype, data}}", where);
  for (const auto& [key, value] : in.items())
    if (key != "name" && key != "shape" && key != "datatype" && key != "data" && key != "parameters")
      return invalid_argument("{}: unknown field '{}'", where, key);
  TensorData t;
  if (!in.contains("name") || !in["name"].is_string()) return invalid_argument("{}: 'name' must be a string", where);
  t.name = in["name"].get<std::string>();
  const std::string here = "input '" + t.name + "'";
  if (!in.contains("datatype") || !in["datatype"].is_string()) return invalid_argument("{}: 'datatype' must be a string", here);
  t.datatype = in["datatype"].get<std::string>();
  if (!in.contains("shape") || !in["shape"].is_array()) return invalid_argument("{}: 'shape' must be an array of sizes", here);
  int64_t elements = 1;
  for (const auto& d : in["shape"]) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > (int64_t(1) << 31))
      return invalid_argument("{}: 'shape' must hold sizes >= 0", here);
    t.shape.push_back(d.get<int64_t>());
    elements *= t.shape.back();
  }
  if (!in.contains("data")) return invalid_argument("{}: 'data' is required (binary data is not supported)", here);
  MAAS_RETURN_IF_ERROR(flatten(in["data"], t.datatype, t, here));
  const size_t got = t.datatype == "BYTES" ? t.bytes.size() : t.fp32.size();
  if (int64_t(got) != elements)
    return invalid_argument("{}: shape needs {} values, 'data' has {}", here, elements, got);
  return t;
}

json output_json(const TensorData& t) {
  json o = {{"name", t.name}, {"datatype", t.datatype}, {"shape", t.shape}};
  if (t.datatype == "BYTES")
    o["data"] = t.bytes;
  else
    o["data"] = t.fp32;
  return o;
}

Result<HttpResponse> infer(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"id", "parameters", "inputs", "outputs"}));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> id, f.opt_string("id"));
  if (!f.has("inputs") || !f.raw("inputs").is_array() || f.raw("inputs").empty())
    return invalid_argument("'inputs' must be a non-empty array of tensors").with_field("inputs");
  std::vector<TensorData> inputs;
  for (size_t i = 0; i < f.raw("inputs").size(); ++i) {
    MAAS_ASSIGN_OR_RETURN(TensorData t, parse_input(f.raw("inputs")[i], i));
    inputs.push_back(std::move(t));
  }
  std::vector<std::string> wanted;
  if (f.has("outputs")) {
    if (!f.raw("outputs").is_array()) return invalid_argument("'outputs' must be an array of {{name}}").with_field("outputs");
    for (const auto& o : f.raw("outputs")) {
      if (!o.is_object() || !o.contains("name") || !o["name"].is_string())
        return invalid_argument("'outputs' items must be objects with a 'name'").with_field("outputs");
      wanted.push_back(o["name"].get<std::string>());
    }
  }

  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, requested_model(req), Predictor::kName, ""));
  MAAS_ASSIGN_OR_RETURN(Predictor * p, capability_of<Predictor>(routed));
  for (const auto& name : wanted) {
    const auto specs = p->output_specs();
    if (std::none_of(specs.begin(), specs.end(), [&](const TensorSpec& s) { return s.name == name; })) {
      std::string names;
      for (const auto& s : specs) names += (names.empty() ? "" : ", ") + s.name;
      return invalid_argument("unknown output '{}' (the model gives: {})", name, names).with_field("outputs");
    }
  }
  MAAS_ASSIGN_OR_RETURN(std::vector<TensorData> outputs, p->infer(inputs));

  json out = json::array();
  for (const auto& t : outputs)
    if (wanted.empty() || std::find(wanted.begin(), wanted.end(), t.name) != wanted.end()) out.push_back(output_json(t));
  json response = {{"model_name", req.param("model")},
                   {"model_version", std::to_string(routed.version.version)},
                   {"outputs", out}};
  if (id) response["id"] = *id;
  HttpResponse res = HttpResponse::json(response);
  add_route_headers(res, routed);
  res.usage->items = outputs.empty() || outputs[0].shape.empty() ? 0 : outputs[0].shape[0];
  return res;
}

Result<HttpResponse> predictions(ServingContext& ctx, HttpRequest& req) {
  MAAS_ASSIGN_OR_RETURN(json body, parse_json_object(req.body, ctx.max_json_depth));
  Fields f(body);
  MAAS_RETURN_IF_ERROR(f.check_known({"model", "inputs", "user"}));
  MAAS_ASSIGN_OR_RETURN(std::string model_name, f.string("model"));
  MAAS_ASSIGN_OR_RETURN(std::optional<std::string> user, f.opt_string("user"));
  if (!f.has("inputs") || !f.raw("inputs").is_array() || f.raw("inputs").empty() || f.raw("inputs").size() > kMaxRows)
    return invalid_argument("'inputs' must be an array of 1 to {} rows {{column: value}}", kMaxRows).with_field("inputs");
  const std::vector<json> rows(f.raw("inputs").begin(), f.raw("inputs").end());
  MAAS_ASSIGN_OR_RETURN(RoutedModel routed, route_model(ctx, req, model_name, Predictor::kName, user.value_or("")));
  MAAS_ASSIGN_OR_RETURN(Predictor * p, capability_of<Predictor>(routed));
  Result<std::vector<json>> preds = p->predict_rows(rows);
  if (!preds.is_ok()) return Status(preds.status().code(), preds.status().message()).with_field("inputs");
  HttpResponse res = HttpResponse::json({{"object", "list"}, {"model", model_name}, {"predictions", *preds}});
  add_route_headers(res, routed);
  res.usage->items = static_cast<int64_t>(rows.size());
  return res;
}

}  // namespace

void add_predictor_routes(Router& router, ServingContext& ctx, std::function<Readiness()> readiness) {
  router.get("/v2/health/live", [](HttpRequest&) { return HttpResponse::json({{"live", true}}); }).public_route = true;
  router.get("/v2/health/ready", [readiness](HttpRequest&) {
    const bool ready = readiness().ready;
    return HttpResponse::json({{"ready", ready}}, ready ? 200 : 503);
  }).public_route = true;
  router.get("/v2", [](HttpRequest&) {
    return HttpResponse::json({{"name", "maas"}, {"version", "2"}, {"extensions", json::array()}});
  });
  for (const char* base : {"/v2/models/{model}", "/v2/models/{model}/versions/{version}"}) {
    const std::string b = base;
    router.get(b, oip([&ctx](HttpRequest& req) { return model_metadata(ctx, req); }));
    router.get(b + "/ready", oip([&ctx](HttpRequest& req) { return model_ready(ctx, req); }));
    router.post(b + "/infer", oip([&ctx](HttpRequest& req) { return infer(ctx, req); }));
  }
  router.post("/v1/predictions", wrap([&ctx](HttpRequest& req) { return predictions(ctx, req); }));
}

}  // namespace maas::serving
