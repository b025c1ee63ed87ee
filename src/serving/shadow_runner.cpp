#include "serving/shadow_runner.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/thread_name.h"

namespace maas::serving {
namespace {

// The first choice's text of a completion or chat completion body.
std::string first_choice_text(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() || j["choices"].empty()) return {};
  const auto& c = j["choices"][0];
  if (c.contains("text") && c["text"].is_string()) return c["text"].get<std::string>();
  if (c.contains("message") && c["message"].contains("content") && c["message"]["content"].is_string())
    return c["message"]["content"].get<std::string>();
  return {};
}

}  // namespace

ShadowRunner::ShadowRunner(RolloutMonitor& monitor, size_t max_queue) : monitor_(monitor), max_queue_(max_queue) {
  thread_ = std::thread([this] {
    set_thread_name("maas-shadow");
    loop();
  });
}

ShadowRunner::~ShadowRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void ShadowRunner::submit(Handler handler, const HttpRequest& req, const std::string& model, int64_t shadow_version,
                          std::string primary_text, double primary_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  if (queue_.size() >= max_queue_) {
    ++dropped_;
    return;
  }
  Task t{std::move(handler), req, model, shadow_version, std::move(primary_text), primary_seconds};
  t.request.is_connection_alive = [] { return true; };
  queue_.push_back(std::move(t));
  cv_.notify_one();
}

int64_t ShadowRunner::dropped() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

void ShadowRunner::run(Task& task) {
  nlohmann::json body = nlohmann::json::parse(task.request.body, nullptr, false);
  if (!body.is_object()) return;
  body["model"] = task.model + ":" + std::to_string(task.version);
  body["stream"] = false;  // compare whole answers
  body.erase("stream_options");
  task.request.body = body.dump();
  Stopwatch clock;
  HttpResponse res = task.handler(task.request);
  const bool error = res.status >= 400;
  const bool agreed = !error && first_choice_text(res.body) == task.primary_text;
  monitor_.observe_shadow(task.model, task.version, agreed, error, clock.seconds(), task.primary_seconds);
}

void ShadowRunner::loop() {
  for (;;) {
    Task task;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    run(task);
  }
}

}  // namespace maas::serving
