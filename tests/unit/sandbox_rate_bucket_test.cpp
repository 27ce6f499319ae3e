// The token bucket's arithmetic (token_bucket.h) with time moved by hand: full start, drain,
// continuous refill, the cap, fractional tokens, Retry-After rounding.
#include "sandbox/token_bucket.h"

#include <doctest/doctest.h>

#include <chrono>

namespace keyform_test_sandbox_rate_bucket {

using namespace keyform::sandbox;
using namespace std::chrono_literals;

namespace {

using Clock = TokenBucket::Clock;
const Clock::time_point t0{};

BucketLimits limits(std::int64_t capacity, std::int64_t rate, std::chrono::seconds duration) {
  return {capacity, rate, duration};
}

}  // namespace

TEST_CASE("sandbox rate bucket: starts full and drains one token per call") {
  TokenBucket bucket(limits(3, 1, 1s), t0);
  CHECK(bucket.tokens(t0) == 3.0);
  for (std::int64_t left : {2, 1, 0}) {
    const BucketVerdict verdict = bucket.take(t0);
    CHECK(verdict.allowed);
    CHECK(verdict.remaining == left);
  }
  CHECK(bucket.take(t0).retry_after == 1);  // 0 tokens, 1 per second
}

TEST_CASE("sandbox rate bucket: a refused call takes nothing") {
  TokenBucket bucket(limits(1, 1, 10s), t0);
  CHECK(bucket.take(t0).allowed);
  for (int i = 0; i < 5; ++i) {
    const BucketVerdict refused = bucket.take(t0 + 5s);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.remaining == 0);
    CHECK(refused.retry_after == 5);
  }
  CHECK(bucket.tokens(t0 + 5s) == doctest::Approx(0.5));  // refusals did not dig below zero
  CHECK(bucket.take(t0 + 10s).allowed);
}

TEST_CASE("sandbox rate bucket: refills continuously, capped at capacity") {
  TokenBucket bucket(limits(50, 20, 1s), t0);
  for (int i = 0; i < 50; ++i) REQUIRE(bucket.take(t0).allowed);
  CHECK_FALSE(bucket.take(t0).allowed);
  CHECK(bucket.tokens(t0 + 25ms) == doctest::Approx(0.5));  // half a token: not yet a call
  CHECK_FALSE(bucket.take(t0 + 25ms).allowed);
  CHECK(bucket.take(t0 + 50ms).allowed);  // exactly one token after 1/20 s
  CHECK(bucket.tokens(t0 + 50ms) == doctest::Approx(0.0).epsilon(1e-6));
  CHECK(bucket.tokens(t0 + 1h) == 50.0);  // never above capacity
  CHECK(bucket.take(t0 + 1h).remaining == 49);
}

TEST_CASE("sandbox rate bucket: refill over a duration longer than a second") {
  TokenBucket bucket(limits(2, 3, 60s), t0);  // 3 tokens a minute: one per 20 s
  CHECK(bucket.take(t0).allowed);
  CHECK(bucket.take(t0).allowed);
  BucketVerdict refused = bucket.take(t0);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == 20);
  refused = bucket.take(t0 + 19s + 500ms);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == 1);  // 0.5 s rounds up to a whole second
  CHECK(bucket.take(t0 + 20s).allowed);
}

TEST_CASE("sandbox rate bucket: fractional tokens add up across calls") {
  TokenBucket bucket(limits(1, 1, 1s), t0);
  CHECK(bucket.take(t0).allowed);
  CHECK_FALSE(bucket.take(t0 + 300ms).allowed);
  CHECK_FALSE(bucket.take(t0 + 600ms).allowed);
  CHECK(bucket.tokens(t0 + 900ms) == doctest::Approx(0.9));
  const BucketVerdict allowed = bucket.take(t0 + 1s);  // the refused checks lost no refill
  CHECK(allowed.allowed);
  CHECK(allowed.remaining == 0);
}

TEST_CASE("sandbox rate bucket: Retry-After is the wait until one token, rounded up") {
  struct Case {
    BucketLimits limits;
    std::chrono::milliseconds after;  // since the bucket was emptied
    std::int64_t retry_after;
  };
  const Case cases[] = {
      {limits(1, 1, 1s), 0ms, 1},       {limits(1, 1, 1s), 999ms, 1},
      {limits(1, 1, 3s), 0ms, 3},       {limits(1, 1, 3s), 1ms, 3},
      {limits(1, 1, 3s), 1001ms, 2},    {limits(1, 20, 1s), 0ms, 1},
      {limits(1, 1, 120s), 0ms, 120},   {limits(1, 2, 5s), 0ms, 3},  // 2.5 s
  };
  for (const Case& c : cases) {
    INFO(c.limits.refill_rate, " per ", c.limits.refill_duration.count(), " s after ",
         c.after.count(), " ms");
    TokenBucket bucket(c.limits, t0);
    REQUIRE(bucket.take(t0).allowed);
    CHECK(bucket.take(t0 + c.after).retry_after == c.retry_after);
  }
}

TEST_CASE("sandbox rate bucket: a clock that goes back counts as no time passed") {
  TokenBucket bucket(limits(1, 1, 1s), t0 + 10s);
  CHECK(bucket.take(t0 + 10s).allowed);
  CHECK_FALSE(bucket.take(t0).allowed);
  CHECK(bucket.tokens(t0 + 10s) == 0.0);
  CHECK(bucket.take(t0 + 11s).allowed);
}

}  // namespace keyform_test_sandbox_rate_bucket
