#include "harness.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <doctest/doctest.h>
#include <httplib.h>

namespace e2e {
namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string source_path(const std::string& relative) { return std::string(KEYFORM_SOURCE_DIR) + "/" + relative; }

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "keyform-e2e-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& content) const {
  const std::string file = path_ + "/" + name;
  std::ofstream(file, std::ios::binary) << content;
  return file;
}

namespace {

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Forks and execs, as `uid` unless it is -1 (exit code 125: that uid could not be taken); the
// child's stdout and stderr go to the given files.
int spawn(const std::string& program, const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
          const std::string& cwd, const std::string& out_file, const std::string& err_file, int uid = -1) {
  std::vector<std::string> argv{program};
  argv.insert(argv.end(), args.begin(), args.end());
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
    if (uid >= 0 && (setgroups(0, nullptr) != 0 || setgid(uid) != 0 || setuid(uid) != 0)) _exit(125);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execve(program.c_str(), argv_c.data(), envp_c.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

RunResult run(const std::string& program, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, const std::string& cwd) {
  TempDir io;
  const std::string out = io.path() + "/out", err = io.path() + "/err";
  const int pid = spawn(program, args, env, cwd, out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

Background::Background(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                       const std::string& cwd, int uid)
    : env_(env) {
  pid_ = spawn(KEYFORM_BIN, args, env, cwd, io_.path() + "/out", io_.path() + "/err", uid);
}

bool Background::running() const { return waitpid(pid_, nullptr, WNOHANG) == 0; }

Background::~Background() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

std::string Background::output_so_far() const { return read_file(io_.path() + "/out") + read_file(io_.path() + "/err"); }

bool Background::wait_for_output(const std::string& text, int timeout_ms) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (output_so_far().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void Background::signal(int signal_number) const { kill(pid_, signal_number); }

RunResult Background::finish() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  RunResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(io_.path() + "/out");
  result.err = read_file(io_.path() + "/err");
  check_no_secret_leaked(result, env_);
  return result;
}

Sandbox::Sandbox(const nlohmann::json& fixture, std::vector<std::string> extra_args) {
  const std::string fixture_file = dir_.write("fixture.json", fixture.dump());
  const std::string port_file = dir_.path() + "/port";
  std::vector<std::string> args{"--fixture", fixture_file, "--port", "0", "--port-file", port_file};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  pid_ = spawn(KEYFORM_SANDBOX_BIN, args, {}, dir_.path(), dir_.path() + "/sandbox.out", dir_.path() + "/sandbox.err");
  for (int i = 0; i < 200 && port_ == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    const std::string text = read_file(port_file);
    if (!text.empty()) port_ = std::stoi(text);
  }
  if (port_ == 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    throw std::runtime_error("keyform-sandbox did not start: " + read_file(dir_.path() + "/sandbox.err"));
  }
}

Sandbox::~Sandbox() {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

std::string Sandbox::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

namespace {
nlohmann::json get_json(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  auto response = client.Get(path.c_str());
  if (!response || response->status != 200) throw std::runtime_error("sandbox admin call failed: " + path);
  return nlohmann::json::parse(response->body);
}
}  // namespace

nlohmann::json Sandbox::state() const { return get_json(port_, "/__sandbox/state"); }

nlohmann::json Sandbox::requests() const { return get_json(port_, "/__sandbox/requests")["requests"]; }

void Sandbox::clear_requests() const {
  httplib::Client client("127.0.0.1", port_);
  auto response = client.Delete("/__sandbox/requests");
  if (!response || response->status >= 300) throw std::runtime_error("cannot clear the sandbox request log");
}

std::vector<nlohmann::json> Sandbox::writes() const {
  std::vector<nlohmann::json> out;
  for (const auto& r : requests()) {
    if (r["method"] != "GET") out.push_back(r);
  }
  return out;
}

void Sandbox::add_fault(const std::string& spec, const std::optional<std::string>& body) const {
  nlohmann::json doc{{"spec", spec}};
  if (body) doc["body"] = *body;
  httplib::Client client("127.0.0.1", port_);
  auto response = client.Post("/__sandbox/faults", doc.dump(), "application/json");
  if (!response || response->status >= 300) throw std::runtime_error("cannot add sandbox fault " + spec);
}

std::map<std::string, std::string> keyform_env(const Sandbox& sandbox, const std::string& public_key,
                                               const std::string& private_key) {
  return {{"MONGODB_ATLAS_BASE_URL", sandbox.base_url()},
          {"MONGODB_ATLAS_PUBLIC_API_KEY", public_key},
          {"MONGODB_ATLAS_PRIVATE_API_KEY", private_key}};
}

// KEYFORM_E2E_PARALLELISM runs the whole suite's applies at another --parallelism (ctest runs
// it at 1 and 32 too); a test that pins --parallelism itself keeps its own.
RunResult keyform(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                  const std::string& cwd) {
  std::vector<std::string> full = args;
  const char* parallelism = std::getenv("KEYFORM_E2E_PARALLELISM");
  const bool pinned = std::find(args.begin(), args.end(), "--parallelism") != args.end();
  if (parallelism && *parallelism && !pinned && !args.empty() && args[0] == "apply") {
    full.insert(full.begin() + 1, {"--parallelism", parallelism});
  }
  RunResult result = run(KEYFORM_BIN, full, env, cwd);
  check_no_secret_leaked(result, env);
  return result;
}

std::vector<RunResult> keyform_each(const std::vector<std::vector<std::string>>& arg_lists,
                                    const std::map<std::string, std::string>& env, const std::string& cwd,
                                    int workers) {
  std::vector<RunResult> results(arg_lists.size());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < arg_lists.size(); i = next++) results[i] = run(KEYFORM_BIN, arg_lists[i], env, cwd);
    });
  }
  for (auto& thread : pool) thread.join();
  for (const auto& result : results) check_no_secret_leaked(result, env);  // doctest checks: this thread only
  return results;
}

// Every keyform run of every e2e test: no secret it was given, no private key of the example
// org, and no Authorization header may appear in anything it printed.
void check_no_secret_leaked(const RunResult& result, const std::map<std::string, std::string>& env) {
  std::vector<std::string> secrets;
  for (const auto& [name, value] : env) {
    if (name.find("PRIVATE") != std::string::npos || name.find("SECRET") != std::string::npos) secrets.push_back(value);
  }
  const auto example = nlohmann::json::parse(read_file(source_path("examples/sandbox-org.json")));
  for (const auto& key : example["keys"]) secrets.push_back(key["private_key"]);
  const std::string output = result.all();
  for (const auto& secret : secrets) {
    CHECK_MESSAGE(output.find(secret) == std::string::npos, "a secret appeared in keyform's output");
  }
  for (const char* header : {"Authorization: Digest", "Authorization: Bearer", "Authorization: Basic"}) {
    CHECK_MESSAGE(output.find(header) == std::string::npos, "an Authorization header appeared in keyform's output");
  }
}

RunResult RunHistory::add(RunResult result) {
  runs_.push_back(std::move(result));
  return runs_.back();
}

void RunHistory::check_none_shows(const std::vector<std::string>& secrets) const {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (std::size_t i = 0; i < runs_.size(); ++i) {
      CHECK_MESSAGE(runs_[i].all().find(secret) == std::string::npos,
                    "a secret learnt later appeared in the output of keyform run " << i + 1 << " of this test");
    }
  }
}

nlohmann::json assignments(const nlohmann::json& state, const std::string& public_key) {
  for (const auto& key : state["keys"]) {
    if (key["public_key"] == public_key) return key.value("projects", nlohmann::json::object());
  }
  throw std::runtime_error("no key " + public_key + " in sandbox state");
}

bool has_key(const nlohmann::json& state, const std::string& public_key) {
  for (const auto& key : state["keys"]) {
    if (key["public_key"] == public_key) return true;
  }
  return false;
}

int admin_api_call(const Sandbox& sandbox, const std::string& method, const std::string& path, const std::string& body,
                   const std::string& public_key, const std::string& private_key) {
  const std::string media_type = "application/vnd.atlas.2023-01-01+json";
  httplib::Client client(sandbox.base_url());
  client.set_digest_auth(public_key.c_str(), private_key.c_str());
  const httplib::Headers headers{{"Accept", media_type}};
  const auto status = [](const httplib::Result& result) { return result ? result->status : 0; };
  if (method == "GET") return status(client.Get(path.c_str(), headers));
  if (method == "POST") return status(client.Post(path.c_str(), headers, body, media_type.c_str()));
  if (method == "PATCH") return status(client.Patch(path.c_str(), headers, body, media_type.c_str()));
  if (method == "DELETE") return status(client.Delete(path.c_str(), headers));
  throw std::runtime_error("admin_api_call: unsupported method " + method);
}

}  // namespace e2e
