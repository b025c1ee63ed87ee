#include "recsys/feedback.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/csv.h"
#include "core/files.h"

namespace maas::recsys {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Result<std::unique_ptr<FeedbackLog>> FeedbackLog::open(const std::string& state_dir, const Columns& cols) {
  std::unique_ptr<FeedbackLog> log(new FeedbackLog());
  if (state_dir.empty()) return log;
  MAAS_RETURN_IF_ERROR(make_dirs(state_dir));
  log->path_ = state_dir + "/feedback.csv";
  const std::string rating = cols.rating.empty() ? "value" : cols.rating;
  const std::string time = cols.timestamp.empty() ? "timestamp" : cols.timestamp;
  if (std::filesystem::exists(log->path_)) {
    MAAS_ASSIGN_OR_RETURN(CsvTable t, read_csv(log->path_));
    MAAS_ASSIGN_OR_RETURN(size_t u, t.column(cols.user));
    MAAS_ASSIGN_OR_RETURN(size_t i, t.column(cols.item));
    MAAS_ASSIGN_OR_RETURN(size_t r, t.column(rating));
    for (size_t row = 0; row < t.rows.size(); ++row) {
      std::optional<double> v = parse_number(t.rows[row][r]);
      if (!v) return data_loss("{}: value '{}' is not a number", t.where(row), t.rows[row][r]);
      log->by_user_[t.rows[row][u]].emplace_back(t.rows[row][i], static_cast<float>(*v));
      ++log->events_;
    }
  }
  const bool fresh = !std::filesystem::exists(log->path_) || std::filesystem::file_size(log->path_) == 0;
  log->fd_ = ::open(log->path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log->fd_ < 0) return internal_error("cannot open '{}': {}", log->path_, std::strerror(errno));
  if (fresh) {
    const std::string header = csv_field(cols.user) + "," + csv_field(cols.item) + "," + csv_field(rating) + "," +
                               csv_field(time) + "\n";
    if (::write(log->fd_, header.data(), header.size()) != static_cast<ssize_t>(header.size()) || ::fsync(log->fd_) != 0)
      return internal_error("cannot write '{}': {}", log->path_, std::strerror(errno));
    MAAS_RETURN_IF_ERROR(fsync_dir(state_dir));
  }
  return log;
}

FeedbackLog::~FeedbackLog() {
  if (fd_ >= 0) ::close(fd_);
}

Status FeedbackLog::append(const std::string& user, const std::string& item, float value, int64_t timestamp) {
  std::unique_lock lock(mu_);
  if (fd_ >= 0) {
    const std::string line =
        csv_field(user) + "," + csv_field(item) + "," + fmt::format("{:g}", value) + "," + std::to_string(timestamp) + "\n";
    if (::write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fdatasync(fd_) != 0)
      return internal_error("cannot append to '{}': {}", path_, std::strerror(errno));
  }
  by_user_[user].emplace_back(item, value);
  ++events_;
  return Status::ok();
}

std::vector<std::pair<std::string, float>> FeedbackLog::for_user(const std::string& user) const {
  std::shared_lock lock(mu_);
  auto it = by_user_.find(user);
  return it == by_user_.end() ? std::vector<std::pair<std::string, float>>{} : it->second;
}

int64_t FeedbackLog::size() const {
  std::shared_lock lock(mu_);
  return events_;
}

}  // namespace maas::recsys
