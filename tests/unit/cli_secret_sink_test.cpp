#include "cli/secret_sink.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/credentials.h"

namespace keyform_test_cli_secret_sink {

#ifndef KEYFORM_TEST_TIME_SCALE
#define KEYFORM_TEST_TIME_SCALE 1  // 4 under ASan+UBSan: the bounds are about the optimised build
#endif

using namespace keyform;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "0f1e2d3c-aaaa-bbbb-cccc-5e6f7a8b9c0d";

struct Scratch {
  std::string path;
  Scratch() {
    char pattern[] = "/tmp/keyform-secret-sink-XXXXXX";
    REQUIRE(mkdtemp(pattern));
    path = pattern;
  }
  ~Scratch() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return path + "/" + name; }
  std::string write(const std::string& name, const std::string& text, mode_t mode) const {
    std::ofstream(file(name), std::ios::binary) << text;
    REQUIRE(chmod(file(name).c_str(), mode) == 0);
    return file(name);
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

mode_t mode_of(const std::string& path) {
  struct stat info {};
  REQUIRE(lstat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

// A created key as the executor hands it over; the secret lives as long as the key.
struct CreatedKey {
  Secret secret;
  NewKeySecret key;
  explicit CreatedKey(std::string private_key, std::string id = "65f0c0ffee00000000000042")
      : secret(std::move(private_key)),
        key{std::move(id), "abcdefgh", "CI deployer (payments)", "5a0a1e7e0f2912c554080adc", secret} {}
};

std::chrono::system_clock::time_point fixed_clock() {
  std::tm when{};
  when.tm_year = 2026 - 1900;
  when.tm_mon = 10;  // November
  when.tm_mday = 30;
  when.tm_hour = 19;
  when.tm_min = 30;
  return std::chrono::system_clock::from_time_t(timegm(&when));
}

std::string open_error(const std::string& path) {
  try {
    open_secrets_file(path, fixed_clock);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

std::string delivery_error(SecretSink& sink, const NewKeySecret& key) {
  try {
    sink.deliver(key);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// The environment a test command starts from: a PATH, and credentials that must not reach it.
std::vector<std::string> test_environment() {
  return {"PATH=/usr/bin:/bin",
          "MONGODB_ATLAS_PRIVATE_API_KEY=hunter2-private",
          "MONGODB_ATLAS_PUBLIC_API_KEY=adminpub",
          "MONGODB_ATLAS_CLIENT_SECRET=mdb_sa_sk_secret",
          "KEYFORM_PUBLIC_KEY=stale-from-outside",
          "KEEP_ME=kept"};
}

struct CommandRun {
  std::string error;  // empty: delivered
  std::string log;
  std::chrono::milliseconds took;
};

CommandRun run_command(const std::string& command, const std::string& private_key = kSecret,
                       std::chrono::milliseconds limit = KEYFORM_TEST_TIME_SCALE * 20s) {
  std::ostringstream log;
  auto sink = secrets_command(command, log, {limit, test_environment()});
  CreatedKey created(std::string{private_key});
  const auto start = std::chrono::steady_clock::now();
  std::string error = delivery_error(*sink, created.key);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  return {error, log.str(), took};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// --secrets-out FILE

TEST_CASE("secrets file: created 0600, one JSON line per delivery, with the fields the issue names") {
  Scratch dir;
  const std::string path = dir.file("secrets.jsonl");
  const mode_t old_mask = umask(0);  // the mode is keyform's, not the umask's
  auto sink = open_secrets_file(path, fixed_clock);
  CHECK_FALSE(std::filesystem::exists(path));  // nothing is created before a key exists
  CreatedKey first(std::string{kSecret});
  sink->deliver(first.key);
  umask(old_mask);
  CHECK(mode_of(path) == 0600);
  const auto lines = lines_of(read_file(path));
  REQUIRE(lines.size() == 1);
  const auto record = nlohmann::json::parse(lines[0]);
  CHECK(record == nlohmann::json{{"public_key", "abcdefgh"},
                                 {"id", "65f0c0ffee00000000000042"},
                                 {"desc", "CI deployer (payments)"},
                                 {"private_key", kSecret},
                                 {"org_id", "5a0a1e7e0f2912c554080adc"},
                                 {"created_at", "2026-11-30T19:30:00Z"}});
  CHECK(sink->describe() == "--secrets-out " + path);
}

TEST_CASE("secrets file: an existing 0600 file is appended to, never overwritten") {
  Scratch dir;
  const std::string path = dir.write("secrets.jsonl", "{\"earlier\":true}\n", 0600);
  auto sink = open_secrets_file(path, fixed_clock);
  CreatedKey first(std::string{kSecret}, "65f0c0ffee00000000000001");
  CreatedKey second(std::string("second-secret"), "65f0c0ffee00000000000002");
  sink->deliver(first.key);
  sink->deliver(second.key);
  const auto lines = lines_of(read_file(path));
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "{\"earlier\":true}");
  CHECK(nlohmann::json::parse(lines[1])["id"] == "65f0c0ffee00000000000001");
  CHECK(nlohmann::json::parse(lines[2])["private_key"] == "second-secret");
  CHECK(mode_of(path) == 0600);
}

TEST_CASE("secrets file: a secret with quotes, backslashes and control characters survives as JSON") {
  Scratch dir;
  const std::string path = dir.file("secrets.jsonl");
  const std::string hostile = std::string("a\"b\\c\nd\x01\x1f") + "\xc3\xa9" + "}";
  auto sink = open_secrets_file(path, fixed_clock);
  CreatedKey key{std::string{hostile}};
  key.key.desc = "line\nbreak \"quoted\"";
  sink->deliver(key.key);
  const auto lines = lines_of(read_file(path));
  REQUIRE(lines.size() == 1);  // the newline inside stays escaped: still one line
  const auto record = nlohmann::json::parse(lines[0]);
  CHECK(record["private_key"] == hostile);
  CHECK(record["desc"] == "line\nbreak \"quoted\"");
}

TEST_CASE("secrets file: refused at open when others may read it, with the fix in the message") {
  Scratch dir;
  const std::string path = dir.write("secrets.jsonl", "", 0644);
  CHECK(open_error(path) == "--secrets-out " + path + ": mode 0644 lets others read it; chmod 600 " + path +
                                " or name another file");
  CHECK(open_error(dir.write("group.jsonl", "", 0620)).find("mode 0620 gives others access to it") != std::string::npos);
  CHECK(open_error(dir.write("fine.jsonl", "", 0600)).empty());
  CHECK(open_error(dir.write("read-only.jsonl", "", 0400)).empty());  // the write fails later, loudly
}

TEST_CASE("secrets file: a directory, a symlink, a missing directory are refused at open") {
  Scratch dir;
  std::filesystem::create_directory(dir.file("sub"));
  CHECK(open_error(dir.file("sub")) == "--secrets-out " + dir.file("sub") + ": it is a directory, not a regular file");

  // Even to a file that would pass: a link can be turned to point elsewhere after the check.
  const std::string target = dir.write("target.jsonl", "", 0600);
  REQUIRE(symlink(target.c_str(), dir.file("link.jsonl").c_str()) == 0);
  CHECK(open_error(dir.file("link.jsonl")).find("it is a symbolic link; name the file itself") != std::string::npos);
  REQUIRE(symlink((dir.path + "/nowhere").c_str(), dir.file("dangling.jsonl").c_str()) == 0);
  CHECK(open_error(dir.file("dangling.jsonl")).find("symbolic link") != std::string::npos);

  const std::string missing = dir.file("no-such-dir/secrets.jsonl");
  CHECK(open_error(missing) == "--secrets-out " + missing + ": its directory " + dir.file("no-such-dir") +
                                   " cannot be used: No such file or directory");
  const std::string under_file = target + "/secrets.jsonl";
  CHECK(open_error(under_file).find("Not a directory") != std::string::npos);
  CHECK(open_error("").find("--secrets-out needs a file name") != std::string::npos);
}

TEST_CASE("secrets file: a directory keyform cannot write to is refused at open") {
  if (geteuid() == 0) return;  // root writes anywhere: nothing to refuse
  Scratch dir;
  std::filesystem::create_directory(dir.file("locked"));
  REQUIRE(chmod(dir.file("locked").c_str(), 0500) == 0);
  CHECK(open_error(dir.file("locked/secrets.jsonl")).find("cannot create it in") != std::string::npos);
  chmod(dir.file("locked").c_str(), 0700);
}

TEST_CASE("secrets file: what changed between the check and the delivery is checked again") {
  Scratch dir;
  const std::string path = dir.write("secrets.jsonl", "", 0600);
  auto sink = open_secrets_file(path, fixed_clock);
  CreatedKey key{std::string{kSecret}};

  REQUIRE(chmod(path.c_str(), 0644) == 0);
  std::string error = delivery_error(*sink, key.key);
  CHECK(error.find("mode 0644 lets others read it") != std::string::npos);
  CHECK(read_file(path).empty());

  // Replaced by a link to a file elsewhere: refused, not followed.
  const std::string elsewhere = dir.write("elsewhere.jsonl", "", 0600);
  std::filesystem::remove(path);
  REQUIRE(symlink(elsewhere.c_str(), path.c_str()) == 0);
  error = delivery_error(*sink, key.key);
  CHECK(error.find("--secrets-out " + path + ": it is a symbolic link") != std::string::npos);
  CHECK(read_file(elsewhere).empty());
  CHECK(error.find(kSecret) == std::string::npos);
}

TEST_CASE("secrets file: a write that fails names the file and the reason, never the secret") {
  Scratch dir;
  std::filesystem::create_directory(dir.file("sub"));
  const std::string path = dir.file("sub/secrets.jsonl");
  auto sink = open_secrets_file(path, fixed_clock);
  std::filesystem::remove_all(dir.file("sub"));
  CreatedKey key{std::string{kSecret}};
  const std::string error = delivery_error(*sink, key.key);
  CHECK(error == "--secrets-out " + path + ": cannot open it: No such file or directory");
}

TEST_CASE("secrets file: deliveries from several threads give whole lines, one each") {
  Scratch dir;
  const std::string path = dir.file("secrets.jsonl");
  auto sink = open_secrets_file(path, fixed_clock);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&sink, i] {
      CreatedKey key{std::string(2000, static_cast<char>('a' + i)), std::to_string(i)};
      sink->deliver(key.key);
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> ids;
  for (const auto& line : lines_of(read_file(path))) {
    const auto record = nlohmann::json::parse(line);
    const std::string id = record["id"];
    CHECK(record["private_key"] == std::string(2000, static_cast<char>('a' + std::stoi(id))));
    ids.insert(id);
  }
  CHECK(ids.size() == 8);
}

// ---------------------------------------------------------------------------------------------
// --secrets-command CMD: splitting

TEST_CASE("split_command_words: like a shell, with nothing expanded") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"gh secret set NAME", {"gh", "secret", "set", "NAME"}},
      {"  a \t b\n c  ", {"a", "b", "c"}},
      {"vault kv put secret/ci 'value=-'", {"vault", "kv", "put", "secret/ci", "value=-"}},
      {"sh -c 'cat; echo \"$HOME\"'", {"sh", "-c", "cat; echo \"$HOME\""}},
      {"echo \"$HOME\"", {"echo", "$HOME"}},
      {"echo $HOME ~ ~/x *.txt `id`", {"echo", "$HOME", "~", "~/x", "*.txt", "`id`"}},
      {"echo 'it'\\''s'", {"echo", "it's"}},
      {"echo \"a \\\"b\\\" \\\\ \\$x \\` \\n\"", {"echo", "a \"b\" \\ $x ` \\n"}},
      {"echo \"a\\\nb\"", {"echo", "ab"}},
      {"echo a\\ b \\'c\\\" \\$d", {"echo", "a b", "'c\"", "$d"}},
      {"echo a \\\n b", {"echo", "a", "b"}},
      {"echo '' \"\" x''y", {"echo", "", "", "xy"}},
      {"echo 'a\"b' \"c'd\"", {"echo", "a\"b", "c'd"}},
      {"echo 'quoted | ; & < > ( )' \\|", {"echo", "quoted | ; & < > ( )", "|"}},
  };
  for (const auto& [line, words] : cases) {
    CAPTURE(line);
    CHECK(split_command_words(line) == words);
  }
}

TEST_CASE("split_command_words: unbalanced quotes, an empty command and shell operators are refused") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"echo 'open", "unbalanced single quote"},
      {"echo \"open", "unbalanced double quote"},
      {"echo \"open\\\"", "unbalanced double quote"},
      {"echo trailing\\", "the command ends with a backslash"},
      {"", "the command is empty"},
      {"  \t\n ", "the command is empty"},
      {"vault kv put x value=- | tee log", "'|' is shell syntax"},
      {"gh secret set X < file", "'<' is shell syntax"},
      {"a; b", "';' is shell syntax"},
      {"a && b", "'&' is shell syntax"},
  };
  for (const auto& [line, expected] : cases) {
    CAPTURE(line);
    std::string error;
    try {
      split_command_words(line);
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    CHECK(error.find("--secrets-command: " + expected) != std::string::npos);
    std::ostringstream log;
    CHECK_THROWS_AS(secrets_command(line, log), std::runtime_error);  // at construction, before any write
  }
}

// ---------------------------------------------------------------------------------------------
// --secrets-command CMD: running

TEST_CASE("secrets command: the key on stdin exactly, the KEYFORM_* variables, no credential variable") {
  Scratch dir;
  const CommandRun run = run_command("sh -c 'cat > " + dir.file("stdin") + "; env > " + dir.file("env") + "'");
  REQUIRE(run.error.empty());
  CHECK(read_file(dir.file("stdin")) == kSecret);  // no trailing newline
  const auto env = lines_of(read_file(dir.file("env")));
  const std::set<std::string> vars(env.begin(), env.end());
  CHECK(vars.count("KEYFORM_PUBLIC_KEY=abcdefgh"));
  CHECK(vars.count("KEYFORM_KEY_ID=65f0c0ffee00000000000042"));
  CHECK(vars.count("KEYFORM_KEY_DESC=CI deployer (payments)"));
  CHECK(vars.count("KEYFORM_ORG_ID=5a0a1e7e0f2912c554080adc"));
  CHECK(vars.count("KEEP_ME=kept"));
  const std::string all = read_file(dir.file("env"));
  CHECK(all.find("MONGODB_ATLAS") == std::string::npos);
  CHECK(all.find("hunter2-private") == std::string::npos);
  CHECK(all.find("stale-from-outside") == std::string::npos);  // replaced, not duplicated
}

TEST_CASE("every variable credentials_from_env reads is a credential variable the command never gets") {
  std::vector<std::string> read;
  const EnvLookup recording = [&read](const char* name) -> std::optional<std::string> {
    read.push_back(name);
    return std::nullopt;
  };
  CHECK_THROWS_AS(credentials_from_env(recording), CredentialsError);  // nothing set: every name was tried
  REQUIRE(read.size() >= 6);
  for (const std::string& name : read) {
    CAPTURE(name);
    CHECK(is_credential_variable(name));
  }
  for (const char* name : {"MONGODB_ATLAS_PUBLIC_API_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY", "MONGODB_ATLAS_PUBLIC_KEY",
                           "MONGODB_ATLAS_PRIVATE_KEY", "MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET"}) {
    CHECK(is_credential_variable(name));
  }
  CHECK_FALSE(is_credential_variable("PATH"));
  CHECK_FALSE(is_credential_variable("MONGODB_ATLAS_ORG_ID"));
}

TEST_CASE("secrets command: by default it inherits keyform's own environment, stripped the same way") {
  Scratch dir;
  setenv("SINK_TEST_MARK", "inherited", 1);
  setenv("MONGODB_ATLAS_PRIVATE_KEY", "older-private", 1);
  std::ostringstream log;
  auto sink = secrets_command("sh -c 'env > " + dir.file("env") + "'", log);
  CreatedKey key{std::string{kSecret}};
  const std::string error = delivery_error(*sink, key.key);
  unsetenv("SINK_TEST_MARK");
  unsetenv("MONGODB_ATLAS_PRIVATE_KEY");
  REQUIRE(error.empty());
  const std::string env = read_file(dir.file("env"));
  CHECK(env.find("SINK_TEST_MARK=inherited") != std::string::npos);
  CHECK(env.find("older-private") == std::string::npos);
}

TEST_CASE("secrets command: a non-zero exit, a signal and a missing executable are failures that say so") {
  CHECK(run_command("sh -c 'exit 3'").error == "--secrets-command sh: exited with status 3");
  CHECK(run_command("sh -c 'kill -9 $$'").error == "--secrets-command sh: killed by signal 9 (SIGKILL)");
  CHECK(run_command("keyform-no-such-command --flag").error ==
        "--secrets-command keyform-no-such-command: could not start: No such file or directory");
  Scratch dir;
  const std::string not_executable = dir.write("script", "#!/bin/sh\nexit 0\n", 0600);
  CHECK(run_command(not_executable).error == "--secrets-command " + not_executable + ": could not start: Permission denied");
}

TEST_CASE("secrets command: signals keyform blocks (its interrupt watcher blocks SIGINT, SIGTERM) are not blocked in the command") {
  sigset_t term, old;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  REQUIRE(pthread_sigmask(SIG_BLOCK, &term, &old) == 0);
  const CommandRun run = run_command("sh -c 'kill -TERM $$; exit 0'");
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  CHECK(run.error == "--secrets-command sh: killed by signal 15 (SIGTERM)");
}

TEST_CASE("secrets command: an exit status of 127 from the command itself is not taken for a failed start") {
  CHECK(run_command("sh -c 'exit 127'").error == "--secrets-command sh: exited with status 127");
}

TEST_CASE("secrets command: outliving the time limit kills it, and whatever it started") {
  Scratch dir;
  const CommandRun run = run_command("sleep 5", kSecret, 300ms);
  CHECK(run.error == "--secrets-command sleep: timed out after 300 ms (killed)");
  CHECK(run.took < KEYFORM_TEST_TIME_SCALE * 3s);

  // A background child holding the output open would otherwise keep the pipe, and the secret, alive.
  const std::string pid_file = dir.file("pid");
  const CommandRun group = run_command("sh -c 'sleep 30 & echo $! > " + pid_file + "; wait'", kSecret, 500ms);
  CHECK(group.error.find("timed out after 500 ms") != std::string::npos);
  CHECK(group.took < KEYFORM_TEST_TIME_SCALE * 3s);
  const std::string pid = lines_of(read_file(pid_file)).at(0);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    // Gone, or a zombie waiting for a reaper: either way no longer running.
    const std::string stat = read_file("/proc/" + pid + "/stat");
    gone = stat.empty() || stat.find(") Z ") != std::string::npos;
    if (!gone) std::this_thread::sleep_for(20ms);
  }
  CHECK(gone);
}

TEST_CASE("secrets command: the default time limit is 60 s") {
  CHECK(SecretsCommandOptions{}.time_limit == 60s);
}

TEST_CASE("secrets command: its output is logged per line, with the secret redacted and controls escaped") {
  const CommandRun run = run_command("sh -c 'cat; echo; printf \"done\\033[2J\\n\"'");
  REQUIRE(run.error.empty());
  CHECK(run.log ==
        "secrets-command (abcdefgh): [redacted]\n"
        "secrets-command (abcdefgh): done\\x1b[2J\n");
}

TEST_CASE("secrets command: a secret printed in two pieces is still redacted") {
  // dd reads one byte at a time, so the rest stays for cat; the pause makes two separate reads.
  const CommandRun run = run_command("sh -c 'dd bs=1 count=5 2>/dev/null; sleep 0.2; cat; echo'");
  REQUIRE(run.error.empty());
  CHECK(run.log == "secrets-command (abcdefgh): [redacted]\n");
}

TEST_CASE("secrets command: output is bounded, and a secret cut by the bound is not shown in part") {
  // 65533 bytes, then the secret: the first 64 KiB end with the secret's first three characters.
  const CommandRun run = run_command("sh -c 'head -c 65533 /dev/zero | tr \"\\0\" x; cat'");
  REQUIRE(run.error.empty());
  CHECK(run.log.find("x[redacted]\n") != std::string::npos);
  CHECK(run.log.find("0f1") == std::string::npos);
  CHECK(run.log.find("(output truncated)") != std::string::npos);

  // A chatty command (4 MiB) does not fill a pipe nobody reads: it finishes, and the log stays small.
  const CommandRun chatty = run_command("sh -c 'head -c 4000000 /dev/zero | tr \"\\0\" y; cat > /dev/null'");
  CHECK(chatty.error.empty());
  CHECK(chatty.log.size() < 70 * 1024);
  CHECK(chatty.log.find("secrets-command (abcdefgh): (output truncated)\n") != std::string::npos);
}

TEST_CASE("secrets command: a command that does not read its stdin still delivers when it exits 0") {
  CHECK(run_command("true").error.empty());
  // A secret larger than a pipe holds: the write must meet a closed pipe (EPIPE), and keyform
  // must not die of SIGPIPE.
  const std::string large(1 << 20, 'k');
  // keyform runs with SIGPIPE's default action (death); a test runner may have it ignored.
  struct sigaction default_action {}, old {};
  default_action.sa_handler = SIG_DFL;
  REQUIRE(sigaction(SIGPIPE, &default_action, &old) == 0);
  CHECK(run_command("true", large).error.empty());
  // Alive after closing its stdin: the rest of the secret certainly meets a closed pipe.
  CHECK(run_command("sh -c 'exec 0<&-; sleep 0.3'", large).error.empty());
  sigaction(SIGPIPE, &old, nullptr);
  CHECK(run_command("sh -c 'exec 0<&-; exit 4'", large).error == "--secrets-command sh: exited with status 4");
  // And one that reads all of a large secret while it writes a lot gets all of it.
  Scratch dir;
  CHECK(run_command("sh -c 'tee " + dir.file("copy") + "'", large).error.empty());
  CHECK(read_file(dir.file("copy")) == large);
}

TEST_CASE("secrets command: keyform's own descriptors do not reach the command") {
  const int leaked = open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
  REQUIRE(leaked > 2);
  const std::string fd = std::to_string(leaked);
  const CommandRun run = run_command("sh -c 'test -e /proc/$$/fd/" + fd + " && exit 9; exit 0'");
  close(leaked);
  CHECK(run.error.empty());
}

TEST_CASE("secrets command: deliveries side by side each get their own secret and environment") {
  Scratch dir;
  std::ostringstream log;
  auto sink = secrets_command("sh -c 'cat > " + dir.path + "/$KEYFORM_KEY_ID; echo logged'", log,
                              {KEYFORM_TEST_TIME_SCALE * 20s, test_environment()});
  std::vector<std::thread> threads;
  std::vector<std::string> errors(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      CreatedKey key{"secret-" + std::to_string(i), "key" + std::to_string(i)};
      errors[i] = delivery_error(*sink, key.key);
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(errors[i].empty());
    CHECK(read_file(dir.file("key" + std::to_string(i))) == "secret-" + std::to_string(i));
  }
  CHECK(lines_of(log.str()) == std::vector<std::string>(8, "secrets-command (abcdefgh): logged"));
}

TEST_CASE("secrets command: describe names the command, escaped") {
  std::ostringstream log;
  CHECK(secrets_command("gh secret set X", log)->describe() == "--secrets-command gh");
  CHECK(secrets_command("'evil\x1b[2Jname' x", log)->describe() == "--secrets-command evil\\x1b[2Jname");
}

// ---------------------------------------------------------------------------------------------
// Service account secrets (created with the account, or by rotation): the same two sinks.

namespace {

const std::string kSaSecret = "mdb_sa_sk_0123456789abcdefghijklmnopqrstuv";

struct CreatedSaSecret {
  Secret secret;
  NewServiceAccountSecret sa;
  explicit CreatedSaSecret(std::string value, std::string name = "payments-deployer")
      : secret(std::move(value)),
        sa{"mdb_sa_id_0123456789abcdef01234567", std::move(name), "6650c0ffee000000000000aa", "2027-02-28T19:30:00Z",
           "5a0a1e7e0f2912c554080adc", secret} {}
};

CommandRun run_sa_command(const std::string& command, const std::string& secret = kSaSecret) {
  std::ostringstream log;
  auto sink = secrets_command(command, log, {KEYFORM_TEST_TIME_SCALE * 20s, test_environment()});
  CreatedSaSecret created(std::string{secret});
  std::string error;
  try {
    sink->deliver(created.sa);
  } catch (const std::runtime_error& e) {
    error = e.what();
  }
  return {error, log.str(), 0ms};
}

}  // namespace

TEST_CASE("secrets file: a service account secret is one JSON line with the fields the issue names, in order") {
  Scratch dir;
  const std::string path = dir.file("secrets.jsonl");
  auto sink = open_secrets_file(path, fixed_clock);
  CreatedKey key(std::string{kSecret});
  sink->deliver(key.key);
  CreatedSaSecret created(std::string{kSaSecret});
  sink->deliver(created.sa);
  CHECK(mode_of(path) == 0600);
  const auto lines = lines_of(read_file(path));
  REQUIRE(lines.size() == 2);  // appended after the key's line, in one file
  CHECK(nlohmann::json::parse(lines[0])["private_key"] == kSecret);
  CHECK(lines[1] ==
        "{\"client_id\":\"mdb_sa_id_0123456789abcdef01234567\",\"name\":\"payments-deployer\","
        "\"secret_id\":\"6650c0ffee000000000000aa\",\"secret\":\"" + kSaSecret + "\","
        "\"expires_at\":\"2027-02-28T19:30:00Z\",\"org_id\":\"5a0a1e7e0f2912c554080adc\","
        "\"created_at\":\"2026-11-30T19:30:00Z\"}");
}

TEST_CASE("secrets file: a service account name with quotes and a line break stays one JSON line") {
  Scratch dir;
  const std::string path = dir.file("secrets.jsonl");
  auto sink = open_secrets_file(path, fixed_clock);
  CreatedSaSecret created(std::string{kSaSecret}, "evil\"\n{\"secret\":\"x\"}");
  sink->deliver(created.sa);
  const auto lines = lines_of(read_file(path));
  REQUIRE(lines.size() == 1);
  const auto record = nlohmann::json::parse(lines[0]);
  CHECK(record["name"] == "evil\"\n{\"secret\":\"x\"}");
  CHECK(record["secret"] == kSaSecret);
}

TEST_CASE("secrets command: a service account secret on stdin, its KEYFORM_* variables, no credential or key variable") {
  Scratch dir;
  const CommandRun run = run_sa_command("sh -c 'cat > " + dir.file("stdin") + "; env > " + dir.file("env") + "'");
  REQUIRE(run.error.empty());
  CHECK(read_file(dir.file("stdin")) == kSaSecret);  // no trailing newline
  const auto env = lines_of(read_file(dir.file("env")));
  const std::set<std::string> vars(env.begin(), env.end());
  CHECK(vars.count("KEYFORM_CLIENT_ID=mdb_sa_id_0123456789abcdef01234567"));
  CHECK(vars.count("KEYFORM_SA_NAME=payments-deployer"));
  CHECK(vars.count("KEYFORM_SECRET_ID=6650c0ffee000000000000aa"));
  CHECK(vars.count("KEYFORM_SECRET_EXPIRES_AT=2027-02-28T19:30:00Z"));
  CHECK(vars.count("KEYFORM_ORG_ID=5a0a1e7e0f2912c554080adc"));
  CHECK(vars.count("KEEP_ME=kept"));
  std::set<std::string> keyform_names;
  for (const auto& entry : env) {
    if (entry.starts_with("KEYFORM_")) keyform_names.insert(entry.substr(0, entry.find('=')));
  }
  // A stale KEYFORM_PUBLIC_KEY from outside must not pose as this delivery's.
  CHECK(keyform_names == std::set<std::string>{"KEYFORM_CLIENT_ID", "KEYFORM_ORG_ID", "KEYFORM_SA_NAME",
                                               "KEYFORM_SECRET_EXPIRES_AT", "KEYFORM_SECRET_ID"});
  const std::string all = read_file(dir.file("env"));
  CHECK(all.find("MONGODB_ATLAS") == std::string::npos);
  CHECK(all.find("mdb_sa_sk_secret") == std::string::npos);  // keyform's own client secret
  CHECK(all.find(kSaSecret) == std::string::npos);           // the new secret: stdin only
}

TEST_CASE("secrets command: a service account delivery's log names its client id, with the secret redacted") {
  const CommandRun run = run_sa_command("sh -c 'cat; echo; echo \"stored $KEYFORM_SA_NAME\"'");
  REQUIRE(run.error.empty());
  CHECK(run.log ==
        "secrets-command (mdb_sa_id_0123456789abcdef01234567): [redacted]\n"
        "secrets-command (mdb_sa_id_0123456789abcdef01234567): stored payments-deployer\n");
}

TEST_CASE("secrets command: a failed service account delivery says how, never the secret") {
  const CommandRun run = run_sa_command("sh -c 'cat >&2; exit 3'");
  CHECK(run.error == "--secrets-command sh: exited with status 3");
  CHECK(run.log == "secrets-command (mdb_sa_id_0123456789abcdef01234567): [redacted]\n");
  CHECK(run.log.find(kSaSecret) == std::string::npos);
}

}  // namespace keyform_test_cli_secret_sink
