// The status line a long apply keeps at the bottom of a terminal, the way ninja and apt do:
// "[120/1000] 0:12 elapsed, about 1:30 left". Result lines scroll above it; it is redrawn after
// each one and once a second, so a paced apply that waits for tokens still shows it is alive.
// Only on a terminal and only after the first few seconds: a log or a short apply never sees it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace keyform {

// "[  3/120] 0:05 elapsed, about 3:15 left" (no estimate before the first action is done).
std::string progress_text(int done, int total, std::chrono::seconds elapsed);

class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  // `shown`: whether `out` is a terminal that can take "\r" and an erase (see progress_wanted).
  // `tick`: how often the line is redrawn without news; zero: never (tests drive it by hand).
  ProgressLine(std::ostream& out, int total, bool shown, std::chrono::milliseconds tick = std::chrono::seconds(1),
               Now now = Clock::now);
  ~ProgressLine();  // erases the line: the summary that follows starts on a clean row
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // One finished action's line (ends in "\n"), written above the status line.
  void result(const std::string& line);
  // Redraws the status line if it is due (past the first few seconds); the ticker calls it.
  void refresh();

  static constexpr std::chrono::seconds kShownAfter{3};

 private:
  void erase_locked();
  void draw_locked();

  std::ostream& out_;
  const int total_;
  const bool shown_;
  const Now now_;
  const Clock::time_point start_;
  int done_ = 0;
  bool drawn_ = false;
  bool stopping_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::thread ticker_;
};

// A status line is wanted on `fd` when it is a terminal that is not "dumb".
bool progress_wanted(int fd);

}  // namespace keyform
