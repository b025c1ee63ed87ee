// Errors are values: Status says what went wrong, Result<T> is a T or a Status.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include <fmt/format.h>

namespace maas {

// Codes map one-to-one onto HTTP statuses at the edge (serving/http/errors.cpp).
enum class Code {
  kOk = 0,
  kInvalidArgument,    // 400
  kUnauthenticated,    // 401
  kPermissionDenied,   // 403
  kNotFound,           // 404
  kAlreadyExists,      // 409
  kFailedPrecondition, // 409
  kGone,               // 410
  kTooLarge,           // 413
  kResourceExhausted,  // 429
  kCancelled,          // 499
  kInternal,           // 500
  kUnimplemented,      // 501
  kUnavailable,        // 503
  kDeadlineExceeded,   // 504
  kDataLoss,           // corrupt input file / database
};

const char* code_name(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  bool is_ok() const { return code_ == Code::kOk; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // The input field the error is about ("max_tokens", "messages[2].role"), if any;
  // the HTTP edge renders it as the OpenAI error's "param".
  const std::string& field() const { return field_; }
  Status with_field(std::string field) const {
    Status s = *this;
    s.field_ = std::move(field);
    return s;
  }
  // "<code>: <message>", for logs.
  std::string to_string() const;

  // Prefixes context: Status(kNotFound, "x").with_context("loading y") -> "loading y: x".
  Status with_context(const std::string& context) const {
    if (is_ok()) return *this;
    Status s(code_, context + ": " + message_);
    s.field_ = field_;
    return s;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string field_;
};

template <typename... Args>
Status error(Code code, fmt::format_string<Args...> f, Args&&... args) {
  return Status(code, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status invalid_argument(fmt::format_string<Args...> f, Args&&... args) {
  return Status(Code::kInvalidArgument, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status not_found(fmt::format_string<Args...> f, Args&&... args) {
  return Status(Code::kNotFound, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status internal_error(fmt::format_string<Args...> f, Args&&... args) {
  return Status(Code::kInternal, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
Status data_loss(fmt::format_string<Args...> f, Args&&... args) {
  return Status(Code::kDataLoss, fmt::format(f, std::forward<Args>(args)...));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) {}

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace maas

#define MAAS_CONCAT_INNER(a, b) a##b
#define MAAS_CONCAT(a, b) MAAS_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function if `expr` is not ok.
#define MAAS_RETURN_IF_ERROR(expr)                 \
  do {                                             \
    ::maas::Status maas_status_ = (expr);          \
    if (!maas_status_.is_ok()) return maas_status_; \
  } while (0)

// `MAAS_ASSIGN_OR_RETURN(auto x, f());` binds x to f()'s value or returns its Status.
#define MAAS_ASSIGN_OR_RETURN(lhs, expr) \
  MAAS_ASSIGN_OR_RETURN_IMPL(MAAS_CONCAT(maas_result_, __COUNTER__), lhs, expr)
#define MAAS_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.is_ok()) return tmp.status();           \
  lhs = std::move(tmp).value()
