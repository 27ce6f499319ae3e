#include "cli/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>  // sigabbrev_np
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "util/errno_text.h"
#include "util/fd.h"

extern char** environ;

namespace keyform {
namespace {

// While the command's output stays open, how often to look whether it exited anyway (a process
// it left behind may hold the output open).
constexpr std::chrono::milliseconds kExitCheckInterval{50};

// Pipe ends are close-on-exec (a child another thread starts must not hold them open: the
// output would never see its end) and above 2, so the child's dup2 onto 0, 1 and 2 cannot
// overwrite one of them when keyform was started with a standard descriptor closed.
Fd above_stdio(Fd fd) {
  if (fd.get() > 2) return fd;
  const int moved = fcntl(fd.get(), F_DUPFD_CLOEXEC, 3);
  if (moved < 0) throw std::runtime_error("fcntl(F_DUPFD_CLOEXEC): " + errno_text(errno));
  return Fd(moved);
}

struct Pipe {
  Fd read_end;
  Fd write_end;
};

Pipe make_pipe() {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) throw std::runtime_error("pipe: " + errno_text(errno));
  Fd read_end(ends[0]), write_end(ends[1]);
  return {above_stdio(std::move(read_end)), above_stdio(std::move(write_end))};
}

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }


// execvp's search, done before fork: in the child only async-signal-safe calls are allowed, and
// another thread may hold the allocator's lock at the moment of the fork. The PATH is the one
// the command gets (/bin:/usr/bin when it has none, as execvp does); an empty entry is ".".
std::vector<std::string> exec_candidates(const std::string& file, const std::vector<std::string>& env) {
  if (file.find('/') != std::string::npos) return {file};
  std::string search = "/bin:/usr/bin";
  for (const std::string& entry : env) {
    if (variable_name(entry) == "PATH") search = entry.substr(5);
  }
  std::vector<std::string> candidates;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = search.find(':', start);
    const std::string dir = search.substr(start, end == std::string::npos ? std::string::npos : end - start);
    candidates.push_back((dir.empty() ? "." : dir) + "/" + file);
    if (end == std::string::npos) return candidates;
    start = end + 1;
  }
}

std::vector<char*> null_terminated(std::vector<std::string>& texts) {
  std::vector<char*> pointers;
  for (std::string& text : texts) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Everything the child needs, prepared before fork (see exec_candidates).
struct ExecPlan {
  std::vector<std::string> args, env, candidates;
  std::vector<char*> argv, envp, candidate_paths;
  sigset_t no_signals{};
  struct sigaction default_action {};
  int max_fd = 0;

  ExecPlan(std::vector<std::string> words, std::vector<std::string> environment)
      : args(std::move(words)), env(std::move(environment)), candidates(exec_candidates(args[0], env)) {
    argv = null_terminated(args);
    envp = null_terminated(env);
    candidate_paths = null_terminated(candidates);
    sigemptyset(&no_signals);
    default_action.sa_handler = SIG_DFL;
    rlimit files{};
    max_fd = getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                 ? static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20))
                 : 1 << 16;
  }
  ExecPlan(const ExecPlan&) = delete;  // the pointers point into this object's strings
  ExecPlan& operator=(const ExecPlan&) = delete;
};

bool is_path_miss(int error) {
  return error == ENOENT || error == ENOTDIR || error == ESTALE || error == ENODEV || error == ETIMEDOUT;
}

// Every descriptor but 0, 1, 2 and `keep` is closed: keyform's sockets and files (opened by
// other threads, with or without O_CLOEXEC) never reach the command.
void close_all_but(int keep, int max_fd) {
  const bool ranges_closed = (keep == 3 || close_range(3, keep - 1, 0) == 0) && close_range(keep + 1, ~0U, 0) == 0;
  if (ranges_closed) return;
  for (int fd = 3; fd < max_fd; ++fd) {
    if (fd != keep) close(fd);
  }
}

// After fork: only async-signal-safe calls. An exec failure is sent as errno over `report`,
// which exec closes when it succeeds.
[[noreturn]] void run_child(const ExecPlan& plan, int input, int output, int report) {
  setpgid(0, 0);  // its own group, so the time limit kills whatever it started too
  sigprocmask(SIG_SETMASK, &plan.no_signals, nullptr);  // keyform blocks SIGINT/SIGTERM for its watcher
  sigaction(SIGPIPE, &plan.default_action, nullptr);
  int error = 0;
  if (dup2(input, 0) < 0 || dup2(output, 1) < 0 || dup2(output, 2) < 0) {
    error = errno;
  } else {
    close_all_but(report, plan.max_fd);
    bool denied = false;
    for (char* const* path = plan.candidate_paths.data(); *path; ++path) {
      execve(*path, plan.argv.data(), plan.envp.data());
      error = errno;
      denied = denied || error == EACCES;
      if (!is_path_miss(error) && error != EACCES) break;
    }
    if (denied && is_path_miss(error)) error = EACCES;
  }
  [[maybe_unused]] const ssize_t ignored = write(report, &error, sizeof error);
  _exit(127);
}

// The started command: killed (with its process group) and reaped if it is left behind by a throw.
class Child {
 public:
  // The pidfd becomes readable when the command exits, so waiting for it costs no polling tick
  // (Linux 5.3; without it the exit is checked every kExitCheckInterval).
  explicit Child(pid_t pid) : pid_(pid), exit_fd_(static_cast<int>(syscall(SYS_pidfd_open, pid, 0))) {}
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (!reaped_) kill_and_reap();
  }

  bool try_reap() {
    if (!reaped_ && waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }
  void kill_and_reap() {
    if (kill(-pid_, SIGKILL) != 0) kill(pid_, SIGKILL);
    while (waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  int status() const { return status_; }
  int exit_fd() const { return exit_fd_.get(); }

 private:
  pid_t pid_;
  Fd exit_fd_;
  int status_ = 0;
  bool reaped_ = false;
};

// write() on the command's stdin with SIGPIPE held back in this thread only: the command may exit
// without reading it, and that must be EPIPE here, not the death of keyform (whose SIGPIPE
// disposition is the default). A SIGPIPE this write raised is consumed before unblocking.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_only, old, pending;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  const ssize_t written = write(fd, data, size);
  const int error = errno;
  if (written < 0 && error == EPIPE && !was_pending) {
    const timespec now{};
    while (sigtimedwait(&pipe_only, nullptr, &now) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = error;
  return written;
}

// Feeds the secret to the command's stdin and collects its output until it exits or the time
// limit passes, with poll: a command that writes a lot before it reads cannot deadlock it.
class Conversation {
 public:
  Conversation(Child& child, Fd input, Fd output, std::string_view secret, CapturedOutput& captured)
      : child_(child), input_(std::move(input)), output_(std::move(output)), secret_(secret), captured_(captured) {
    set_nonblocking(output_.get());
    set_nonblocking(input_.get());
    if (secret_.empty()) input_.reset();
  }
  ~Conversation() { explicit_bzero(chunk_, sizeof chunk_); }

  ChildRun run(std::chrono::steady_clock::time_point deadline) {
    while (!child_.try_reap()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        child_.kill_and_reap();
        drain_output();  // what it printed before it hung helps to see why
        return {true, child_.status()};
      }
      wait_and_serve(std::min(left, kExitCheckInterval));
    }
    drain_output();
    return {false, child_.status()};
  }

 private:
  void wait_and_serve(std::chrono::milliseconds timeout) {
    // A closed (-1) entry is skipped; the third wakes the wait when the command exits.
    pollfd fds[3] = {{output_.get(), POLLIN, 0}, {input_.get(), POLLOUT, 0}, {child_.exit_fd(), POLLIN, 0}};
    if (poll(fds, 3, static_cast<int>(timeout.count())) <= 0) return;
    if (fds[0].revents) read_output();
    if (fds[1].revents) write_input();
  }

  // Once the command is gone: what it wrote is all in the pipe. A process it left behind may still
  // hold the pipe open: that is not waited for.
  void drain_output() {
    while (output_.is_open() && read_output()) {
    }
  }

  // Returns whether there may be more to read now.
  bool read_output() {
    const ssize_t n = read(output_.get(), chunk_, sizeof chunk_);
    if (n > 0) captured_.take(chunk_, static_cast<std::size_t>(n));
    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) output_.reset();
    return n > 0;
  }

  void write_input() {
    const ssize_t n = write_without_sigpipe(input_.get(), secret_.data() + written_, secret_.size() - written_);
    if (n > 0) written_ += static_cast<std::size_t>(n);
    // EPIPE: the command did not want (all of) it. Whether that is a failure is its exit status's call.
    if (written_ == secret_.size() || (n < 0 && errno != EINTR && errno != EAGAIN)) input_.reset();
  }

  Child& child_;
  Fd input_, output_;
  std::string_view secret_;
  CapturedOutput& captured_;
  std::size_t written_ = 0;
  char chunk_[16 * 1024];
};

int read_exec_error(int fd) {
  int error = 0;
  ssize_t n = 0;
  do n = read(fd, &error, sizeof error);
  while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(sizeof error) ? error : 0;
}

}  // namespace

std::string_view variable_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

std::vector<std::string> inherited_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) env.emplace_back(*entry);
  return env;
}

std::string status_problem(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? "" : "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return "killed by signal " + std::to_string(WTERMSIG(status)) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "ended with wait status " + std::to_string(status);
}

ChildRun run_child_process(std::vector<std::string> args, std::vector<std::string> env, std::string_view input,
                           std::chrono::milliseconds time_limit, CapturedOutput& captured) {
  const ExecPlan plan(std::move(args), std::move(env));
  Pipe input_pipe = make_pipe(), output = make_pipe(), report = make_pipe();
  const auto deadline = std::chrono::steady_clock::now() + time_limit;
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("could not start: fork: " + errno_text(errno));
  if (pid == 0) run_child(plan, input_pipe.read_end.get(), output.write_end.get(), report.write_end.get());
  setpgid(pid, pid);  // also here, so that a kill right after fork finds the group
  Child child(pid);
  input_pipe.read_end.reset();
  output.write_end.reset();
  report.write_end.reset();
  if (const int error = read_exec_error(report.read_end.get())) {
    child.kill_and_reap();
    throw std::runtime_error("could not start: " + errno_text(error));
  }
  Conversation conversation(child, std::move(input_pipe.write_end), std::move(output.read_end), input, captured);
  return conversation.run(deadline);
}

}  // namespace keyform
