// Ctrl-C and a CI cancel (SIGTERM) during apply. Before the first write, the default action of the
// signal is right: the process ends at once and nothing was changed. Once writes start, dying at
// once would hide writes that took effect, so an InterruptWatcher takes over: SIGINT and SIGTERM
// are blocked in every thread and collected by one watcher thread with sigwait() (no
// async-signal handler, no global state).
//   first signal:  `on_first(name)`; the caller stops starting actions and reports as usual.
//   second signal: `on_second(name)` names what was in flight, then the process exits at once.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace keyform {

// 130 for SIGINT, 143 for SIGTERM: the shell's 128 + signal number.
int exit_code_for_signal(int signal_number);
const char* signal_name(int signal_number);

class InterruptWatcher {
 public:
  using Handler = std::function<void(const std::string& signal_name)>;
  // Must be constructed on a thread that has no running sibling threads yet: threads started
  // later inherit the blocked signals.
  InterruptWatcher(Handler on_first, Handler on_second);
  // Stops the watcher and unblocks the signals again. A signal still pending is delivered then,
  // with its default action: call it only once the report is out.
  ~InterruptWatcher();
  InterruptWatcher(const InterruptWatcher&) = delete;
  InterruptWatcher& operator=(const InterruptWatcher&) = delete;

  // The first signal received (0: none yet).
  int received() const { return first_; }

 private:
  void watch();

  Handler on_first_;
  Handler on_second_;
  std::atomic<int> first_{0};
  std::thread thread_;
};

}  // namespace keyform
