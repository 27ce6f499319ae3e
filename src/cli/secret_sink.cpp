#include "cli/secret_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>  // sigabbrev_np
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/credentials.h"
#include "core/escape.h"

extern char** environ;

namespace keyform {
namespace {

// ---------------------------------------------------------------------------------------------
// Shared pieces

// A file descriptor closed when it goes out of scope, a throw included.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// Wipes a buffer that held the secret on every way out of a scope.
struct WipeOnExit {
  std::string& text;
  ~WipeOnExit() { wipe(text); }
};

std::string errno_text(int error) { return std::strerror(error); }

std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// ---------------------------------------------------------------------------------------------
// --secrets-out FILE

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

// Why an existing secrets file must not receive a private key, or nothing. Checked on the name
// (lstat) before any write to the org, and again on the opened file (fstat) at each delivery:
// the file may have changed in between.
std::optional<std::string> existing_file_problem(const struct stat& info, const std::string& shown) {
  if (S_ISLNK(info.st_mode)) return std::string("it is a symbolic link; name the file itself");
  if (!S_ISREG(info.st_mode)) return std::string("it is ") + file_kind(info.st_mode) + ", not a regular file";
  // Whoever owns the file can open its mode again, or read it.
  if (info.st_uid != geteuid()) {
    return "it is owned by another user (uid " + std::to_string(info.st_uid) + "); name a file of your own";
  }
  if (info.st_mode & (S_IRWXG | S_IRWXO)) {
    const char* what = (info.st_mode & (S_IRGRP | S_IROTH)) ? "lets others read it" : "gives others access to it";
    return "mode " + octal_mode(info.st_mode) + " " + what + "; chmod 600 " + shown + " or name another file";
  }
  return std::nullopt;
}

// A missing file is created at the first delivery: its directory must exist and take it.
std::optional<std::string> directory_problem(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  struct stat info {};
  if (stat(dir.c_str(), &info) != 0) return "its directory " + escape_text(dir) + " cannot be used: " + errno_text(errno);
  if (!S_ISDIR(info.st_mode)) return escape_text(dir) + " is not a directory";
  if (faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
    return "cannot create it in " + escape_text(dir) + ": " + errno_text(errno);
  }
  return std::nullopt;
}

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// JSON string escaping for the secret, written straight into a buffer reserved to its final size:
// a string that grows reallocates and frees its old buffer, a copy of the secret nobody wipes.
std::size_t json_escaped_size(std::string_view text) {
  std::size_t size = 0;
  for (const char c : text) size += (c == '"' || c == '\\') ? 2 : static_cast<unsigned char>(c) < 0x20 ? 6 : 1;
  return size;
}

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
}

std::string json_string(const std::string& text) {
  // replace: an invalid byte in a description must not make the delivery throw.
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One JSON Lines record. Only the secret is escaped by hand (see above); the secret comes from a
// parsed JSON answer, so it is valid UTF-8 and needs no more than JSON's own escapes.
std::string secret_line(const NewKeySecret& key, const std::string& created_at) {
  const std::string& secret = key.private_key.reveal();
  const std::string head = "{\"public_key\":" + json_string(key.public_key) + ",\"id\":" + json_string(key.id) +
                           ",\"desc\":" + json_string(key.desc) + ",\"private_key\":\"";
  const std::string tail = "\",\"org_id\":" + json_string(key.org_id) + ",\"created_at\":" + json_string(created_at) + "}\n";
  std::string line;
  line.reserve(head.size() + json_escaped_size(secret) + tail.size());
  line += head;
  append_json_escaped(line, secret);
  line += tail;
  return line;  // moved out: the buffer is handed over, not copied
}

class SecretsFile : public SecretSink {
 public:
  SecretsFile(std::string path, std::function<std::chrono::system_clock::time_point()> now)
      : path_(std::move(path)), shown_(escape_text(path_)), now_(std::move(now)) {}

  void deliver(const NewKeySecret& key) override {
    std::string line = secret_line(key, rfc3339_utc(now_()));
    const WipeOnExit wiped{line};
    const std::lock_guard lock(mutex_);
    append(line);
  }

  std::string describe() const override { return "--secrets-out " + shown_; }

  std::runtime_error error(const std::string& what) const { return std::runtime_error(describe() + ": " + what); }

 private:
  void append(const std::string& line) const {
    // O_NOFOLLOW: a symlink planted since the check is refused, not followed. O_NONBLOCK: a FIFO
    // planted since then fails to open (or is refused below) instead of blocking the apply.
    const Fd file(open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                       0600));
    if (!file.is_open()) {
      throw error(errno == ELOOP ? "it is a symbolic link; name the file itself" : "cannot open it: " + errno_text(errno));
    }
    struct stat info {};
    if (fstat(file.get(), &info) != 0) throw error("cannot check it: " + errno_text(errno));
    if (auto problem = existing_file_problem(info, shown_)) throw error(*problem);
    write_line(file.get(), line);
    if (fsync(file.get()) != 0) throw error("cannot sync it to disk: " + errno_text(errno));
  }

  // One write() per record: with O_APPEND, records of concurrent writers never interleave.
  void write_line(int fd, const std::string& line) const {
    ssize_t written = 0;
    do written = write(fd, line.data(), line.size());
    while (written < 0 && errno == EINTR);
    if (written < 0) throw error("cannot write to it: " + errno_text(errno));
    if (static_cast<std::size_t>(written) != line.size()) {
      throw error("wrote only " + std::to_string(written) + " of " + std::to_string(line.size()) +
                  " bytes of the record (disk full?)");
    }
  }

  std::string path_;
  std::string shown_;
  std::function<std::chrono::system_clock::time_point()> now_;
  std::mutex mutex_;
};

// ---------------------------------------------------------------------------------------------
// --secrets-command CMD: splitting the command line

constexpr std::string_view kShellOperators = "|&;<>()";

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

std::runtime_error split_error(const std::string& what) { return std::runtime_error("--secrets-command: " + what); }

// '…': everything up to the next single quote, literally. Returns the index of the closing quote.
std::size_t take_single_quoted(const std::string& line, std::size_t open, std::string& word) {
  const std::size_t close = line.find('\'', open + 1);
  if (close == std::string::npos) throw split_error("unbalanced single quote");
  word.append(line, open + 1, close - open - 1);
  return close;
}

// "…": a backslash escapes only " \ $ ` and newline (a backslash-newline disappears); anything
// else, $ and ` included, is literal. Returns the index of the closing quote.
std::size_t take_double_quoted(const std::string& line, std::size_t open, std::string& word) {
  for (std::size_t i = open + 1; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') return i;
    if (c == '\\' && i + 1 < line.size() && std::string_view("\"\\$`\n").find(line[i + 1]) != std::string_view::npos) {
      if (line[++i] != '\n') word += line[i];
      continue;
    }
    word += c;
  }
  throw split_error("unbalanced double quote");
}

// ---------------------------------------------------------------------------------------------
// --secrets-command CMD: running it

constexpr std::size_t kShownOutputBytes = 64 * 1024;
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

std::string_view variable_name(std::string_view entry) { return entry.substr(0, entry.find('=')); }

bool is_keyform_variable(std::string_view name) {
  return name == "KEYFORM_PUBLIC_KEY" || name == "KEYFORM_KEY_ID" || name == "KEYFORM_KEY_DESC" ||
         name == "KEYFORM_ORG_ID";
}

std::vector<std::string> command_environment(const std::vector<std::string>& base, const NewKeySecret& key) {
  std::vector<std::string> env;
  for (const std::string& entry : base) {
    const std::string name(variable_name(entry));
    if (entry.find('=') == std::string::npos || is_credential_variable(name) || is_keyform_variable(name)) continue;
    env.push_back(entry);
  }
  env.push_back("KEYFORM_PUBLIC_KEY=" + key.public_key);
  env.push_back("KEYFORM_KEY_ID=" + key.id);
  env.push_back("KEYFORM_KEY_DESC=" + key.desc);
  env.push_back("KEYFORM_ORG_ID=" + key.org_id);
  return env;
}

std::vector<std::string> inherited_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; entry && *entry; ++entry) env.emplace_back(*entry);
  return env;
}

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

// What the command printed: the first 64 KiB are shown, plus as many bytes as the secret is long
// less one are kept, so that a secret that starts inside the shown part is whole, and redacted.
// Reserved once: appending never reallocates, so no freed buffer keeps a copy of the secret.
struct CapturedOutput {
  std::string raw;
  std::size_t keep;
  std::size_t seen = 0;

  explicit CapturedOutput(std::size_t secret_size) : keep(kShownOutputBytes + std::max<std::size_t>(secret_size, 1) - 1) {
    raw.reserve(keep);
  }
  ~CapturedOutput() { wipe(raw); }
  void take(const char* data, std::size_t size) {
    seen += size;
    raw.append(data, std::min(size, keep - raw.size()));
  }
  bool truncated() const { return seen > kShownOutputBytes; }
};

// The shown part with every whole occurrence of the secret replaced: redacting the collected
// text, not each read, catches a secret split across two reads.
std::string redacted(const CapturedOutput& output, std::string_view secret) {
  const std::string_view raw = output.raw;
  const std::size_t shown = std::min(raw.size(), kShownOutputBytes);
  std::string text;
  std::size_t at = 0;
  while (at < shown) {
    const std::size_t hit = secret.empty() ? std::string_view::npos : raw.find(secret, at);
    text.append(raw.substr(at, std::min(hit, shown) - at));
    if (hit >= shown) break;
    text += "[redacted]";
    at = hit + secret.size();
  }
  return text;
}

struct Outcome {
  bool timed_out = false;
  int status = 0;
};

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

  Outcome run(std::chrono::steady_clock::time_point deadline) {
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

std::string duration_text(std::chrono::milliseconds limit) {
  if (limit.count() % 1000 == 0) return std::to_string(limit.count() / 1000) + " s";
  return std::to_string(limit.count()) + " ms";
}

std::string status_problem(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? "" : "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return "killed by signal " + std::to_string(WTERMSIG(status)) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "ended with wait status " + std::to_string(status);
}

class SecretsCommand : public SecretSink {
 public:
  SecretsCommand(std::vector<std::string> words, std::ostream& log, SecretsCommandOptions options)
      : words_(std::move(words)), log_(log), options_(std::move(options)) {}

  void deliver(const NewKeySecret& key) override {
    const std::string& secret = key.private_key.reveal();
    const auto& base = options_.environment ? *options_.environment : inherited_environment();
    const ExecPlan plan(words_, command_environment(base, key));
    CapturedOutput captured(secret.size());
    const Outcome outcome = converse(plan, secret, captured);
    show_output(key, redacted(captured, secret), captured.truncated());
    if (outcome.timed_out) throw failure("timed out after " + duration_text(options_.time_limit) + " (killed)");
    if (const std::string problem = status_problem(outcome.status); !problem.empty()) throw failure(problem);
  }

  std::string describe() const override { return "--secrets-command " + escape_text(words_[0]); }

 private:
  std::runtime_error failure(const std::string& what) const { return std::runtime_error(describe() + ": " + what); }

  Outcome converse(const ExecPlan& plan, const std::string& secret, CapturedOutput& captured) const {
    Pipe input = make_pipe(), output = make_pipe(), report = make_pipe();
    const auto deadline = std::chrono::steady_clock::now() + options_.time_limit;
    const pid_t pid = fork();
    if (pid < 0) throw failure("could not start: fork: " + errno_text(errno));
    if (pid == 0) run_child(plan, input.read_end.get(), output.write_end.get(), report.write_end.get());
    setpgid(pid, pid);  // also here, so that a kill right after fork finds the group
    Child child(pid);
    input.read_end.reset();
    output.write_end.reset();
    report.write_end.reset();
    if (const int error = read_exec_error(report.read_end.get())) {
      child.kill_and_reap();
      throw failure("could not start: " + errno_text(error));
    }
    Conversation conversation(child, std::move(input.write_end), std::move(output.read_end), secret, captured);
    return conversation.run(deadline);
  }

  // The whole block under one lock: deliveries run side by side, and their lines must not mix.
  void show_output(const NewKeySecret& key, const std::string& text, bool truncated) {
    if (text.empty() && !truncated) return;
    const std::string prefix = "secrets-command (" + escape_text(key.public_key) + "): ";
    std::string block;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      block += prefix + escape_text(std::string_view(text).substr(start, end - start)) + "\n";
      start = end + 1;
    }
    if (truncated) block += prefix + "(output truncated)\n";
    const std::lock_guard lock(log_mutex_);
    log_ << block << std::flush;
  }

  std::vector<std::string> words_;
  std::ostream& log_;
  SecretsCommandOptions options_;
  std::mutex log_mutex_;
};

}  // namespace

std::unique_ptr<SecretSink> open_secrets_file(const std::string& path,
                                              std::function<std::chrono::system_clock::time_point()> now) {
  if (path.empty()) throw std::runtime_error("--secrets-out needs a file name");
  auto sink = std::make_unique<SecretsFile>(path, std::move(now));
  struct stat info {};
  if (lstat(path.c_str(), &info) == 0) {
    if (auto problem = existing_file_problem(info, escape_text(path))) throw sink->error(*problem);
  } else if (errno != ENOENT) {
    throw sink->error("cannot check it: " + errno_text(errno));
  } else if (auto problem = directory_problem(path)) {
    throw sink->error(*problem);
  }
  return sink;
}

std::unique_ptr<SecretSink> secrets_command(const std::string& command_line, std::ostream& log,
                                            SecretsCommandOptions options) {
  return std::make_unique<SecretsCommand>(split_command_words(command_line), log, std::move(options));
}

std::vector<std::string> split_command_words(const std::string& command_line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command_line.size(); ++i) {
    const char c = command_line[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
      continue;
    }
    if (c == '\\' && i + 1 < command_line.size() && command_line[i + 1] == '\n') {
      ++i;  // a line continuation: not even an empty word
      continue;
    }
    if (kShellOperators.find(c) != std::string_view::npos) {
      throw split_error(std::string("'") + c + "' is shell syntax and keyform runs no shell: quote it, or write sh -c '…'");
    }
    in_word = true;
    if (c == '\'') {
      i = take_single_quoted(command_line, i, word);
    } else if (c == '"') {
      i = take_double_quoted(command_line, i, word);
    } else if (c == '\\') {
      if (++i == command_line.size()) throw split_error("the command ends with a backslash");
      word += command_line[i];
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) throw split_error("the command is empty");
  return words;
}

bool is_credential_variable(const std::string& name) {
  return std::any_of(kCredentialEnvVariables.begin(), kCredentialEnvVariables.end(),
                     [&](const char* credential) { return name == credential; });
}

}  // namespace keyform
