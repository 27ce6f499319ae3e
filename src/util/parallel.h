// A bounded worker pool for independent jobs: at most `workers` run at once, and once a job
// asks to stop, no new job starts (those already running finish).
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace keyform {

// Calls body(i) for i in [0, count) on up to `workers` threads. body returns false to stop
// further jobs from starting. Returns how many jobs were started. body must not throw.
inline int parallel_for(int count, int workers, const std::function<bool(int)>& body) {
  std::atomic<int> next{0};
  std::atomic<bool> stopped{false};
  auto work = [&] {
    while (!stopped.load()) {
      const int i = next.fetch_add(1);
      if (i >= count) return;
      if (!body(i)) stopped.store(true);
    }
  };
  const int threads = std::clamp(workers, 1, std::max(count, 1));
  if (threads == 1) {
    work();
  } else {
    std::vector<std::jthread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  }
  return std::min(next.load(), count);
}

// parallel_for for jobs that may throw: the first exception stops new jobs from starting and is
// rethrown once the running ones have finished.
inline void parallel_for_or_throw(int count, int workers, const std::function<void(int)>& job) {
  std::exception_ptr error;
  std::mutex error_mutex;
  parallel_for(count, workers, [&](int i) {
    try {
      job(i);
      return true;
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      return false;
    }
  });
  if (error) std::rethrow_exception(error);
}

}  // namespace keyform
