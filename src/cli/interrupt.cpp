#include "cli/interrupt.h"

#include <pthread.h>
#include <unistd.h>

#include <csignal>

namespace keyform {
namespace {

// SIGUSR1 only wakes the watcher when the watcher is being stopped.
sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

}  // namespace

int exit_code_for_signal(int signal_number) { return 128 + signal_number; }

const char* signal_name(int signal_number) {
  switch (signal_number) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
  }
  return "signal";
}

InterruptWatcher::InterruptWatcher(Handler on_first, Handler on_second)
    : on_first_(std::move(on_first)), on_second_(std::move(on_second)) {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] { watch(); });
}

InterruptWatcher::~InterruptWatcher() {
  pthread_kill(thread_.native_handle(), SIGUSR1);
  thread_.join();
  sigset_t set = watched_signals();
  sigdelset(&set, SIGUSR1);  // a stray SIGUSR1 must not kill the process later
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void InterruptWatcher::watch() {
  const sigset_t set = watched_signals();
  for (;;) {
    int signal_number = 0;
    if (sigwait(&set, &signal_number) != 0) continue;
    if (signal_number == SIGUSR1) return;
    if (first_ == 0) {
      first_ = signal_number;
      on_first_(signal_name(signal_number));
      continue;
    }
    on_second_(signal_name(signal_number));
    _exit(exit_code_for_signal(first_));
  }
}

}  // namespace keyform
