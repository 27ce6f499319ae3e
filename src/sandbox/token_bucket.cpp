#include "sandbox/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace keyform::sandbox {
namespace {

// Refill arithmetic in doubles leaves tokens like 0.9999999999 where 1 is meant (20 tokens/s
// after 50 ms); below this a token counts as whole, so a client pacing exactly is not refused.
constexpr double slack = 1e-9;

}  // namespace

TokenBucket::TokenBucket(BucketLimits limits, Clock::time_point start)
    : limits_(limits), tokens_(static_cast<double>(limits.capacity)), last_(start) {}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  const double per_second =
      static_cast<double>(limits_.refill_rate) / static_cast<double>(limits_.refill_duration.count());
  tokens_ = std::min(static_cast<double>(limits_.capacity), tokens_ + elapsed * per_second);
  last_ = now;
}

std::int64_t TokenBucket::seconds_until_one_token() const {
  const double missing = 1.0 - tokens_;
  if (missing <= slack) return 0;
  const double seconds = missing * static_cast<double>(limits_.refill_duration.count()) /
                         static_cast<double>(limits_.refill_rate);
  return static_cast<std::int64_t>(std::ceil(seconds - slack));
}

BucketVerdict TokenBucket::take(Clock::time_point now) {
  refill(now);
  const bool allowed = tokens_ + slack >= 1.0;
  if (allowed) tokens_ = std::max(0.0, tokens_ - 1.0);
  const auto remaining = static_cast<std::int64_t>(std::floor(tokens_ + slack));
  return {allowed, remaining, seconds_until_one_token()};
}

double TokenBucket::tokens(Clock::time_point now) {
  refill(now);
  return tokens_;
}

}  // namespace keyform::sandbox
