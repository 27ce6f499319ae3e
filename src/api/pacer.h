// Client-side token buckets, so that keyform spends the Admin API's rate limits instead of
// running into them: a call starts only when its bucket has a token. With the limits read from
// GET /rateLimits, one bucket per endpoint set and scope value, started full and corrected from
// every RateLimit-Remaining; without them, a send rate per path template learnt from 429s
// (additive increase, multiplicative decrease). Thread-safe: every worker of an apply shares one.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/rate_limits.h"

namespace keyform {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  // `sets` from GET /rateLimits (empty: learn from 429s); `org_id` is the bucket of
  // organization-scoped calls whose path names no org.
  explicit Pacer(std::vector<EndpointSet> sets, std::string org_id = {}, Now now = Clock::now);

  // The limits read after construction (the read itself is a call it paces); buckets made so far stay.
  void use_limits(std::vector<EndpointSet> sets);

  // A reserved start: wait `wait` before sending. `bucket` is empty for a call nothing paces.
  // `again`: nothing was reserved; wait `wait`, then take a turn again.
  struct Turn {
    std::string bucket;
    Clock::duration wait{};
    Clock::time_point start{};  // when the call may be sent
    bool again = false;
  };
  Turn take(const std::string& method, const std::string& path);

  // What the answer to a call said about its bucket (status 0: no answer). A 429 empties the
  // bucket until Retry-After, or halves a learnt rate.
  void answered(const Turn& turn, long status, std::optional<long> remaining, std::optional<long> retry_after);

  // How long calls waited for a token, summed, by what paced them (a set's name, or
  // "METHOD /path/{}" for a learnt limit): for the note an apply prints.
  std::map<std::string, Clock::duration> waited() const;

 private:
  struct Bucket {
    std::string label;          // what the note calls it
    bool learnt = false;        // no set: a rate learnt from 429s
    double capacity = 1;
    double rate = 0;            // tokens per second; 0 for a learnt bucket that has seen no 429 yet
    double tokens = 1;          // at `at`; negative: that many starts already reserved ahead
    Clock::time_point at{};
    // Refills count only from the first answer: the server may make its bucket when the first
    // call reaches it, after keyform started that call, and refill it from then on.
    bool answered = false;
    std::multiset<Clock::time_point> starts;  // of the calls not answered yet (some may be due later)
    Clock::time_point slowed_at{};  // a learnt rate's last decrease
    double ceiling = 0;             // the rate a learnt bucket was refused at last (0: never)
    std::vector<Clock::time_point> recent;  // a learnt bucket's starts in the last second
    Clock::duration waited{};
  };
  Bucket& bucket_for(const std::string& key, const EndpointSet* set, const std::string& label, Clock::time_point now);
  void refill(Bucket& bucket, Clock::time_point now) const;
  void slow_down(Bucket& bucket, const Turn& turn, std::optional<long> retry_after, Clock::time_point now);
  void learn_rate(Bucket& bucket, double rate);
  double slowest_learnt_rate(bool reads) const;  // of reads or writes; 0 while none was refused
  static bool is_read(const Bucket& bucket);

  std::vector<EndpointSet> sets_;
  std::string org_id_;
  Now now_;
  mutable std::mutex mutex_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace keyform
