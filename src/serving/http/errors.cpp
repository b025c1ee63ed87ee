#include "serving/http/errors.h"

#include "core/log.h"

namespace maas::serving {

int http_status_for(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalidArgument: return 400;
    case Code::kUnauthenticated: return 401;
    case Code::kPermissionDenied: return 403;
    case Code::kNotFound: return 404;
    case Code::kAlreadyExists: return 409;
    case Code::kFailedPrecondition: return 409;
    case Code::kGone: return 410;
    case Code::kTooLarge: return 413;
    case Code::kResourceExhausted: return 429;
    case Code::kCancelled: return 499;
    case Code::kUnimplemented: return 501;
    case Code::kUnavailable: return 503;
    case Code::kDeadlineExceeded: return 504;
    case Code::kInternal:
    case Code::kDataLoss: return 500;
  }
  return 500;
}

const char* openai_error_type(int http_status) {
  switch (http_status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 409: return "conflict_error";
    case 410: return "gone_error";
    case 429: return "rate_limit_error";
    case 503: return "service_unavailable_error";
    case 504: return "timeout_error";
  }
  return http_status >= 500 ? "server_error" : "invalid_request_error";
}

namespace {

const char* default_code(int http_status) {
  switch (http_status) {
    case 400: return "invalid_request";
    case 401: return "invalid_api_key";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 410: return "gone";
    case 413: return "request_too_large";
    case 429: return "rate_limit_exceeded";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    case 504: return "timeout";
  }
  return http_status >= 500 ? "internal_error" : "invalid_request";
}

}  // namespace

HttpResponse error_response(int http_status, const std::string& message, const std::string& param,
                            const std::string& code) {
  nlohmann::json err = {
      {"message", message},
      {"type", openai_error_type(http_status)},
      {"param", param.empty() ? nlohmann::json(nullptr) : nlohmann::json(param)},
      {"code", code.empty() ? default_code(http_status) : code},
  };
  HttpResponse res = HttpResponse::json({{"error", err}}, http_status);
  if (http_status == 429 || http_status == 503) res.set_header("Retry-After", "1");
  return res;
}

HttpResponse error_response(const Status& status, const std::string& request_id, const std::string& param) {
  int http = http_status_for(status.code());
  if (http >= 500 && http != 501 && http != 503 && http != 504) {
    log_event(LogLevel::kError, "internal_error", {{"request_id", request_id}, {"error", status.to_string()}});
    return error_response(500, "internal server error (request id " + request_id + ")");
  }
  return error_response(http, status.message(), param.empty() ? status.field() : param);
}

}  // namespace maas::serving
