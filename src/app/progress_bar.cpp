#include "app/progress_bar.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace maas::app {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

ProgressBar::ProgressBar(bool quiet)
    : tty_(::isatty(STDERR_FILENO) == 1), quiet_(quiet), start_(std::chrono::steady_clock::now()), last_print_(start_) {}

ProgressBar::~ProgressBar() { finish(); }

std::string ProgressBar::render(const TrainProgress& p) const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = p.steps > 0 ? std::min(1.0, static_cast<double>(p.step) / static_cast<double>(p.steps)) : 0;
  std::string out = p.phase;
  if (p.epochs > 0) out += fmt::format(" epoch {}/{}", p.epoch, p.epochs);
  if (p.steps > 0) {
    const int width = 20, filled = static_cast<int>(fraction * width);
    out += " [" + std::string(filled, '=') + (filled < width ? ">" : "") + std::string(width - std::min(width, filled + 1), ' ') +
           fmt::format("] {:3.0f}%", fraction * 100);
  }
  if (std::isfinite(p.loss)) out += fmt::format("  loss {:.4f}", p.loss);
  if (!p.metric.empty() && std::isfinite(p.metric_value)) out += fmt::format("  {} {:.4f}", p.metric, p.metric_value);
  if (p.items_per_second > 0) out += fmt::format("  {:.0f} {}/s", p.items_per_second, p.unit);
  if (fraction > 0 && fraction < 1) out += "  ETA " + format_duration(elapsed * (1 - fraction) / fraction);
  out += "  elapsed " + format_duration(elapsed);
  return out;
}

void ProgressBar::progress(const TrainProgress& p) {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool new_epoch = p.epoch != last_epoch_;
  if (tty_) {
    if (std::chrono::duration<double>(now - last_print_).count() < 0.1 && !new_epoch) return;
    std::fprintf(stderr, "\r\033[K%s", render(p).c_str());
    line_open_ = true;
  } else {
    if (std::chrono::duration<double>(now - last_print_).count() < 5 && !new_epoch) return;
    std::fprintf(stderr, "%s\n", render(p).c_str());
  }
  std::fflush(stderr);
  last_print_ = now;
  last_epoch_ = p.epoch;
}

void ProgressBar::log(const std::string& line) {
  if (quiet_) return;
  finish();
  std::fprintf(stderr, "%s\n", line.c_str());
}

void ProgressBar::finish() {
  if (!line_open_) return;
  std::fprintf(stderr, "\n");
  line_open_ = false;
}

}  // namespace maas::app
