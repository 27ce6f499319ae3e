#include "api/pacer.h"

#include <algorithm>

namespace keyform {
namespace {

using Seconds = std::chrono::duration<double>;

constexpr double kSlowestLearntRate = 0.5;  // calls per second: never slower than one per 2 s
constexpr std::chrono::milliseconds kFirstAnswerPoll{5};

double seconds_between(Pacer::Clock::time_point from, Pacer::Clock::time_point to) {
  return std::chrono::duration_cast<Seconds>(to - from).count();
}

// How fast a learnt rate grows, in calls/s per second: about one, but a tenth of that near the
// rate it was last refused at, so that it stays under a limit it found instead of running into it
// again every few seconds; past that rate without a 429, the limit has changed: fast again.
double increase(double rate, double ceiling) {
  const bool near_limit = ceiling > 0 && rate >= 0.85 * ceiling && rate < 1.1 * ceiling;
  return near_limit ? 0.1 : 1.0;
}

Pacer::Clock::duration after_seconds(double seconds) {
  return std::chrono::duration_cast<Pacer::Clock::duration>(Seconds(seconds));
}

}  // namespace

bool Pacer::is_read(const Bucket& bucket) { return bucket.label.starts_with("GET "); }

Pacer::Pacer(std::vector<EndpointSet> sets, std::string org_id, Now now)
    : sets_(std::move(sets)), org_id_(std::move(org_id)), now_(std::move(now)) {}

void Pacer::use_limits(std::vector<EndpointSet> sets) {
  std::lock_guard lock(mutex_);
  sets_ = std::move(sets);
}

void Pacer::refill(Bucket& bucket, Clock::time_point now) const {
  if (now <= bucket.at) return;
  if (!bucket.answered) {
    bucket.at = now;
    return;
  }
  bucket.tokens = std::min(bucket.capacity, bucket.tokens + bucket.rate * seconds_between(bucket.at, now));
  bucket.at = now;
}

Pacer::Bucket& Pacer::bucket_for(const std::string& key, const EndpointSet* set, const std::string& label,
                                 Clock::time_point now) {
  auto [it, made] = buckets_.try_emplace(key);
  Bucket& bucket = it->second;
  if (!made) return bucket;
  bucket.label = label;
  bucket.at = now;
  if (set) {  // the level at start is unknown: full, corrected by the first answers
    bucket.capacity = bucket.tokens = set->capacity;
    bucket.rate = set->refill_per_second;
  } else {
    // Unpaced until its first 429; but once the host refused another template, it may well meter
    // this one in the same bucket (the Admin API's sets group many endpoints): start no faster.
    bucket.learnt = true;
    if (const double slowest = slowest_learnt_rate(is_read(bucket)); slowest > 0) learn_rate(bucket, slowest);
  }
  return bucket;
}

Pacer::Turn Pacer::take(const std::string& method, const std::string& path) {
  std::lock_guard lock(mutex_);
  // Read under the lock: a time read before waiting for it would be older than turns given
  // meanwhile, and a start computed from it would come early.
  const Clock::time_point now = now_();
  std::string key, label;
  const EndpointSet* set = set_for(sets_, method, path);
  if (set) {
    const std::optional<std::string> value = scope_value(set->scope, path, org_id_);
    if (!value) return {};  // a project-scoped set, and a path without a project: not this set's call
    key = set->id + "\n" + *value;
    label = set->name;
  } else {
    label = method + " " + path_template_of(path);
    key = "learnt\n" + label;
  }
  Bucket& bucket = bucket_for(key, set, label, now);
  refill(bucket, now);
  // Empty before its first answer: when the server's bucket began to refill is not known yet,
  // so no start can be promised. Ask again shortly (the answer is one round trip away).
  if (!bucket.answered && !bucket.learnt && bucket.tokens < 1) return {{}, kFirstAnswerPoll, {}, true};
  Clock::duration wait{};
  if (!bucket.learnt || bucket.rate > 0) {
    bucket.tokens -= 1;
    if (bucket.tokens < 0) wait = after_seconds(-bucket.tokens / bucket.rate);
  }
  bucket.waited += wait;
  bucket.starts.insert(now + wait);
  if (bucket.learnt) {
    bucket.recent.push_back(now + wait);
    std::erase_if(bucket.recent, [&](Clock::time_point t) { return t < now - std::chrono::seconds(1); });
  }
  return {key, wait, now + wait};
}

void Pacer::answered(const Turn& turn, long status, std::optional<long> remaining, std::optional<long> retry_after) {
  if (turn.bucket.empty()) return;
  std::lock_guard lock(mutex_);
  const Clock::time_point now = now_();
  Bucket& bucket = buckets_.at(turn.bucket);
  refill(bucket, now);
  bucket.answered = true;
  if (auto it = bucket.starts.find(turn.start); it != bucket.starts.end()) bucket.starts.erase(it);
  if (status == 429) {
    slow_down(bucket, turn, retry_after, now);
  } else if (bucket.learnt) {
    if (bucket.rate > 0 && status / 100 == 2) bucket.rate += increase(bucket.rate, bucket.ceiling) / bucket.rate;
  } else if (remaining && status / 100 == 2) {
    // The server's count, less what it has not seen yet: calls sent and still unanswered, and
    // starts reserved but not yet due.
    bucket.tokens = std::min(bucket.tokens, static_cast<double>(*remaining) - static_cast<double>(bucket.starts.size()));
  }
}

void Pacer::slow_down(Bucket& bucket, const Turn& turn, std::optional<long> retry_after, Clock::time_point now) {
  if (bucket.learnt && turn.start > bucket.slowed_at) {
    // One decrease per overload: the 429s of calls started before it say the same thing again.
    const double sent = bucket.rate > 0 ? bucket.rate : static_cast<double>(bucket.recent.size());
    bucket.ceiling = sent;
    learn_rate(bucket, sent / 2);
    bucket.slowed_at = now;
    // The templates still unpaced likely share the bucket that refused this one (writes with writes,
    // reads with reads): they slow down too.
    for (auto& [key, other] : buckets_) {
      if (other.learnt && other.rate == 0 && is_read(other) == is_read(bucket)) learn_rate(other, bucket.rate);
    }
  }
  // Empty at the server: the next token comes after Retry-After (else after one refill). Starts
  // reserved ahead keep their places (the estimate already counts them); calls sent meanwhile
  // will be refused too and take a new turn when they are tried again.
  const double until_token = retry_after ? static_cast<double>(*retry_after) : 1.0 / bucket.rate;
  bucket.tokens = std::min(bucket.tokens, 1.0 - bucket.rate * until_token);
}

void Pacer::learn_rate(Bucket& bucket, double rate) {
  bucket.rate = std::max(kSlowestLearntRate, rate);
  bucket.capacity = 1;
  bucket.tokens = std::min(bucket.tokens, 0.0);
}

double Pacer::slowest_learnt_rate(bool reads) const {
  double slowest = 0;
  for (const auto& [key, bucket] : buckets_) {
    if (!bucket.learnt || bucket.rate <= 0 || is_read(bucket) != reads) continue;
    if (slowest == 0 || bucket.rate < slowest) slowest = bucket.rate;
  }
  return slowest;
}

std::map<std::string, Pacer::Clock::duration> Pacer::waited() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, Clock::duration> out;
  for (const auto& [key, bucket] : buckets_) {
    if (bucket.waited > Clock::duration::zero()) out[bucket.label] += bucket.waited;
  }
  return out;
}

}  // namespace keyform
