#include "sandbox/request_log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

namespace keyform::sandbox {

std::uint64_t RequestLog::begin(LoggedRequest entry) {
  std::lock_guard lock(mutex_);
  entry.seq = next_seq_++;
  entries_.push_back(std::move(entry));
  return entries_.back().seq;
}

void RequestLog::finish(std::uint64_t seq, Outcome outcome) {
  std::lock_guard lock(mutex_);
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), seq,
      [](const LoggedRequest& entry, std::uint64_t value) { return entry.seq < value; });
  if (it == entries_.end() || it->seq != seq) return;  // cleared meanwhile
  it->status = outcome.status;
  it->challenged = outcome.challenged;
  it->fault = outcome.fault;
  it->created_key_id = std::move(outcome.created_key_id);
  it->rate_limited_by = std::move(outcome.rate_limited_by);
}

nlohmann::json RequestLog::to_json() const {
  std::lock_guard lock(mutex_);
  auto requests = nlohmann::json::array();
  for (const LoggedRequest& e : entries_) {
    requests.push_back({{"seq", e.seq},
                        {"method", e.method},
                        {"path", e.path},
                        {"query", e.query},
                        {"status", e.status},
                        {"auth", e.auth},
                        {"challenged", e.challenged},
                        {"connection", e.connection},
                        {"user", e.user},
                        {"accept", e.accept},
                        {"content_type", e.content_type},
                        {"fault", e.fault},
                        {"created_key_id", e.created_key_id},
                        {"rate_limited_by", e.rate_limited_by}});
  }
  return {{"requests", requests}};
}

void RequestLog::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace keyform::sandbox
