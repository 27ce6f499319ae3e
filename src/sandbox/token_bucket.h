// One token bucket of the Admin API's rate limiter: `capacity` tokens, refilled continuously at
// `refill_rate` tokens per `refill_duration`, never above capacity. Pure arithmetic: the caller
// passes the time, so tests drive it with a fake clock (rate_limits.h owns the real one).
#pragma once

#include <chrono>
#include <cstdint>

namespace keyform::sandbox {

struct BucketLimits {
  std::int64_t capacity = 1;
  std::int64_t refill_rate = 1;                  // tokens per refill_duration
  std::chrono::seconds refill_duration{1};
};

// What one call met: whether it got a token, and what the headers say about the bucket after it.
struct BucketVerdict {
  bool allowed = false;
  std::int64_t remaining = 0;  // whole tokens left after this call
  // Whole seconds until one token is back, rounded up (0 when one is there now). For Retry-After.
  std::int64_t retry_after = 0;
};

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  // Starts full at `start`: the first calls of a client meet a bucket nobody has used.
  TokenBucket(BucketLimits limits, Clock::time_point start);
  // Takes one token if there is one at `now`; a refused call takes nothing. A `now` earlier than
  // a previous one counts as no time passed.
  BucketVerdict take(Clock::time_point now);
  double tokens(Clock::time_point now);  // fractional, after refilling up to `now`

 private:
  void refill(Clock::time_point now);
  std::int64_t seconds_until_one_token() const;

  BucketLimits limits_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace keyform::sandbox
