// AdminClient::read_rate_limits: what the pacer paces to (api/pacer.h).
#include "api/admin_client.h"

namespace keyform {
namespace {

constexpr int kMaxRateLimitPages = 20;
using Clock = std::chrono::steady_clock;

// Statuses that say "you may not read this here": the family or the caller, not a failure.
bool not_readable(long status) { return status == 403 || status == 404 || status == 406; }

}  // namespace

std::vector<EndpointSet> AdminClient::read_rate_limits() {
  if (family_.rate_limits_media_type.empty()) return {};
  std::vector<EndpointSet> sets;
  for (int page = 1; page <= kMaxRateLimitPages; ++page) {
    const ApiRequest request = list_rate_limits_request(family_, org_id_, page);
    try {
      // One attempt, no retries: a flaky optional read must not hold up the command.
      const HttpResponse response = send_once(request, Clock::now() + retry_.timeout);
      if (not_readable(response.status)) return {};
      if (!is_success(response.status)) throw ApiError(describe_call(request) + ": " + describe_failure(response), response.status);
      Page<EndpointSet> got = parse_rate_limits_page(response.body);
      const bool last = static_cast<int>(got.items.size()) < family_.page_size ||
                        (got.total_count && static_cast<long>(sets.size() + got.items.size()) >= *got.total_count);
      for (auto& set : got.items) sets.push_back(std::move(set));
      if (last) return sets;
    } catch (const std::exception& e) {
      // Pacing is an optimisation: without the limits keyform learns them from 429s instead.
      hooks_.warn("warning: " + describe_call(request) + ": " + e.what() +
                  "; pacing to the rate limits the API answers with instead");
      return {};
    }
  }
  return sets;
}

}  // namespace keyform
