#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <httplib.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int spawn(std::vector<std::string> argv, const Env& env, const std::string& out_file, const std::string& err_file) {
  std::vector<std::string> envp{"PATH=/usr/local/bin:/usr/bin:/bin"};
  for (const auto& [k, v] : env) envp.push_back(k + "=" + v);
  auto argv_c = c_strings(argv);
  auto envp_c = c_strings(envp);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int out = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execve(argv_c[0], argv_c.data(), envp_c.data());
    _exit(127);
  }
  return pid;
}

std::string self_executable() { return std::filesystem::read_symlink("/proc/self/exe").string(); }

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; }

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

}  // namespace

// The child is not forked from keyform-bench itself: a fork starts with the parent's resident
// set as its peak RSS, and exec keeps that peak (ru_maxrss would then report the benchmark's own
// fixtures, ~100 MiB at 10 000 keys). A freshly exec'd, small keyform-bench (--measure-worker)
// forks the child instead, times it and reports its wait4 rusage in a file.
Measured run_measured(const std::vector<std::string>& argv, const Env& env, const std::string& scratch,
                      const std::string& mark_line) {
  const std::string out = scratch + "/run.out", err = scratch + "/run.err", result = scratch + "/run.rusage";
  std::filesystem::remove(result);
  std::vector<std::string> worker{self_executable(), "--measure-worker", result, out, err, mark_line, "--"};
  worker.insert(worker.end(), argv.begin(), argv.end());
  const int pid = spawn(worker, env, scratch + "/worker.out", scratch + "/worker.err");
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) throw std::runtime_error("waitpid failed");
  std::istringstream fields(read_file(result));
  Measured m;
  long maxrss_kib = 0;
  if (!(fields >> m.exit_code >> m.wall_s >> m.cpu_s >> maxrss_kib >> m.mark_s)) {
    throw std::runtime_error("measuring " + argv[0] + " failed: " + read_file(scratch + "/worker.err"));
  }
  m.maxrss_mib = static_cast<double>(maxrss_kib) / 1024.0;  // KiB on Linux
  m.out = read_file(out);
  m.err = read_file(err);
  return m;
}

int measure_worker(int argc, char** argv) {
  // keyform-bench --measure-worker RESULT OUT ERR MARK_LINE -- PROGRAM ARGS...
  if (argc < 8 || std::string(argv[6]) != "--") return 2;
  const std::string result = argv[2], out = argv[3], err = argv[4], mark = argv[5];
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return 1;
  const auto start = Clock::now();
  const pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    const int in = open("/dev/null", O_RDONLY);
    const int err_fd = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(pipe_fds[1], 1);
    dup2(err_fd, 2);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    execve(argv[7], argv + 7, environ);
    _exit(127);
  }
  close(pipe_fds[1]);
  // Copy the child's stdout to OUT and note when the first line starting with MARK_LINE arrives
  // (apply's "Plan: ..." summary, flushed just before it starts executing): what follows is the
  // execution alone, without start-up and reading the org.
  std::ofstream out_file(out, std::ios::binary | std::ios::trunc);
  double mark_s = -1;
  std::string pending;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out_file.write(buffer, n);
    if (mark_s >= 0 || mark.empty()) continue;
    pending.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t newline; (newline = pending.find('\n')) != std::string::npos; pending.erase(0, newline + 1)) {
      if (newline >= mark.size() && pending.compare(0, mark.size(), mark) == 0) {
        mark_s = std::chrono::duration<double>(Clock::now() - start).count();
        break;
      }
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) return 1;
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();
  std::ofstream(result) << fmt::format("{} {:.6f} {:.6f} {} {:.6f}\n", exit_code(status), wall,
                                       seconds(usage.ru_utime) + seconds(usage.ru_stime), usage.ru_maxrss, mark_s);
  return 0;
}

SandboxProcess::SandboxProcess(const std::string& fixture_file, int latency_ms, const std::string& dir,
                               const std::vector<std::string>& extra_args) {
  const std::string port_file = dir + "/sandbox.port";
  std::filesystem::remove(port_file);
  std::vector<std::string> argv{KEYFORM_SANDBOX_BIN, "--fixture", fixture_file, "--port", "0",
                                "--port-file",       port_file,   "--latency-ms", std::to_string(latency_ms)};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  const auto start = Clock::now();
  pid_ = spawn(argv, {}, dir + "/sandbox.out", dir + "/sandbox.err");
  while (port_ == 0) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("keyform-sandbox exited: " + read_file(dir + "/sandbox.err"));
    }
    if (Clock::now() - start > std::chrono::minutes(2)) {
      throw std::runtime_error("keyform-sandbox did not start within 2 minutes");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::string text = read_file(port_file);
    if (!text.empty()) port_ = std::stoi(text);
  }
  startup_s_ = std::chrono::duration<double>(Clock::now() - start).count();
}

SandboxProcess::~SandboxProcess() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

std::string SandboxProcess::base_url() const { return fmt::format("http://127.0.0.1:{}", port_); }

namespace {
nlohmann::json admin_get(int port, const char* path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(120, 0);
  auto response = client.Get(path);
  if (!response || response->status != 200) throw std::runtime_error(fmt::format("sandbox: GET {} failed", path));
  return nlohmann::json::parse(response->body);
}
}  // namespace

void SandboxProcess::clear_requests() const {
  httplib::Client client("127.0.0.1", port_);
  auto response = client.Delete("/__sandbox/requests");
  if (!response || response->status >= 300) throw std::runtime_error("sandbox: cannot clear the request log");
}

nlohmann::json SandboxProcess::state() const { return admin_get(port_, "/__sandbox/state"); }

namespace {
// keyform reads GET /rateLimits and carries on without them when refused (--rate-limits-unlisted).
bool is_limits_refusal(const nlohmann::json& entry, int status) {
  const std::string path = entry.at("path").get<std::string>();
  return (status == 403 || status == 404 || status == 406) && path.find("/rateLimits") != std::string::npos;
}
}  // namespace

nlohmann::json SandboxProcess::requests() const { return admin_get(port_, "/__sandbox/requests").at("requests"); }

LogStats stats_of(const nlohmann::json& log) {
  LogStats s;
  std::map<std::string, long> challenges_by_connection;
  for (const auto& r : log) {
    ++s.requests;
    const int status = r.at("status").get<int>();
    const bool ok = status >= 200 && status <= 299;
    const bool challenged = r.at("challenged").get<bool>();
    const std::string connection = r.at("connection").get<std::string>();
    long& count = challenges_by_connection[connection];
    if (challenged) {
      ++s.challenges;
      ++count;
    } else if (ok) {
      // GET /rateLimits is read once before the listings: not one of them (issue 8 counts those).
      const bool limits = r.at("path").get<std::string>().find("/rateLimits") != std::string::npos;
      (r.at("method") == "GET" ? (limits ? s.limits_read : s.gets_ok) : s.writes_ok) += 1;
    } else if (status == 429) {
      ++s.rate_limited;
    } else if (is_limits_refusal(r, status)) {
      ++s.limits_refused;
    } else {
      ++s.failures;
    }
  }
  s.connections = static_cast<long>(challenges_by_connection.size());
  for (const auto& [connection, count] : challenges_by_connection) {
    s.max_challenges_per_connection = std::max(s.max_challenges_per_connection, count);
  }
  return s;
}

}  // namespace bench
