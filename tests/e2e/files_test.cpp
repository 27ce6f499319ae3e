// Files, credentials and the process itself, end to end: plan --out and export never write over
// what they must not, a credentials file is trusted only when private, secrets stay out of core
// dumps, and the command line says clearly what it does not know.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kPlanOutRefused = "plan: refusing to write the plan to ";

// The example org and config, keyform running as kfadmin1 in a scratch checkout.
struct Checkout {
  Sandbox sandbox;
  TempDir repo;
  std::map<std::string, std::string> env;
  std::string config_text = read_file(source_path("examples/keyform.toml"));

  explicit Checkout(std::vector<std::string> sandbox_args = {})
      : sandbox(example_org(), std::move(sandbox_args)), env(keyform_env(sandbox, kAdmin, kAdminSecret)) {
    repo.write("keyform.toml", config_text);
  }
  RunResult run(const std::vector<std::string>& args) { return keyform(args, env, repo.path()); }
  std::string file(const std::string& name) const { return repo.path() + "/" + name; }

  // `script` under /bin/sh in the checkout, with $KEYFORM the binary: for redirections.
  RunResult shell(const std::string& script) {
    std::map<std::string, std::string> with_bin = env;
    with_bin["KEYFORM"] = KEYFORM_BIN;
    RunResult r = e2e::run("/bin/sh", {"-c", script}, with_bin, repo.path());
    check_no_secret_leaked(r, env);
    return r;
  }
};

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("plan --out refuses to overwrite the configuration file, however it is spelt") {
  Checkout c;
  REQUIRE(symlink("keyform.toml", c.file("symlink.json").c_str()) == 0);
  REQUIRE(link(c.file("keyform.toml").c_str(), c.file("hardlink.json").c_str()) == 0);
  for (const std::string& out : {std::string("keyform.toml"), std::string("./keyform.toml"), c.file("keyform.toml"),
                                 std::string("symlink.json"), std::string("hardlink.json")}) {
    CAPTURE(out);
    const RunResult r = c.run({"plan", "--out", out});
    INFO(r.all());
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(kPlanOutRefused + out + ": it is the configuration file keyform.toml (the same file)") !=
          std::string::npos);
    CHECK(read_file(c.file("keyform.toml")) == c.config_text);
    CHECK(fs::is_symlink(c.file("symlink.json")));
  }
  // -c spelt another way, --out the plain name.
  const RunResult r = c.run({"plan", "-c", "./symlink.json", "--out", "keyform.toml"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("it is the configuration file ./symlink.json") != std::string::npos);
  CHECK(read_file(c.file("keyform.toml")) == c.config_text);
  CHECK(c.sandbox.requests().empty());  // refused before any request
}

TEST_CASE("plan --out refuses an existing file that is not a keyform plan, and replaces an earlier plan") {
  Checkout c;
  const std::string notes = c.repo.write("notes.md", "# my notes\n");
  const std::string package = c.repo.write("package.json", R"({"name": "app", "version": "1.0.0"})");
  for (const std::string& out : {std::string("notes.md"), std::string("package.json")}) {
    CAPTURE(out);
    const RunResult r = c.run({"plan", "--out", out});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(kPlanOutRefused + out + ": it exists and is not a keyform plan file") != std::string::npos);
  }
  CHECK(read_file(notes) == "# my notes\n");
  CHECK(read_file(package) == R"({"name": "app", "version": "1.0.0"})");
  fs::create_directory(c.file("plans"));
  RunResult r = c.run({"plan", "--out", "plans"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("it exists and is not a regular file") != std::string::npos);
  CHECK(c.sandbox.requests().empty());

  // A new file, then the same name again: the earlier plan is replaced.
  r = c.run({"plan", "--out", "plan.json"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const std::string first = read_file(c.file("plan.json"));
  REQUIRE(first.find("\"fingerprint\"") != std::string::npos);
  // Half a plan is not a JSON object: kept, like any other file that is not a plan.
  c.repo.write("plan.json", first.substr(0, first.size() / 2));
  CHECK(c.run({"plan", "--out", "plan.json"}).exit_code == 1);
  CHECK(read_file(c.file("plan.json")) == first.substr(0, first.size() / 2));
  c.repo.write("plan.json", first);
  r = c.run({"plan", "--out", "plan.json"});
  CHECK(r.exit_code == 0);
  CHECK(read_file(c.file("plan.json")) == first);
}

TEST_CASE("export --out writes the file atomically, only once the org was read and checked") {
  Checkout c;
  RunResult r = c.run({"export", "--org", kOrg, "--out", "exported.toml"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.empty());  // the file went to --out, not stdout
  const std::string exported = read_file(c.file("exported.toml"));
  CHECK(exported == c.run({"export", "--org", kOrg}).out);
  r = c.run({"plan", "-c", "exported.toml", "--detailed-exitcode"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No changes. The org matches the configuration.") != std::string::npos);

  // A failed read leaves the earlier file as it was, and no temporary file behind.
  const std::vector<std::string> before = names_in(c.repo.path());
  r = c.run({"export", "--org", "5a0a1e7e0f2912c554080aff", "--out", "exported.toml"});
  CHECK(r.exit_code == 1);
  CHECK(read_file(c.file("exported.toml")) == exported);
  CHECK(names_in(c.repo.path()) == before);

  // Re-exporting over the configuration itself is what --out is for: the org from its [target].
  r = c.run({"export", "--out", "keyform.toml"});
  CHECK(r.exit_code == 0);
  CHECK(read_file(c.file("keyform.toml")) == exported);
}

TEST_CASE("export refuses a stdout that is the configuration file it reads, with a hint to use --out") {
  Checkout c;
  RunResult r = c.shell("\"$KEYFORM\" export >> keyform.toml");
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("export: stdout is the configuration file keyform.toml that export reads") != std::string::npos);
  CHECK(r.err.find("use: keyform export --out keyform.toml") != std::string::npos);
  CHECK(read_file(c.file("keyform.toml")) == c.config_text);

  // With -c the file is read even when empty, so `-c F > F` is refused too (the shell already
  // emptied it: the message says why instead of a parse error about an empty file).
  r = c.shell("\"$KEYFORM\" export -c keyform.toml > keyform.toml");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("export: stdout is the configuration file keyform.toml") != std::string::npos);
  CHECK(c.sandbox.requests().empty());

  // The documented adoption flow still works over an existing file: the shell empties it first,
  // and an empty default keyform.toml is not read.
  c.repo.write("keyform.toml", c.config_text);
  r = c.shell("\"$KEYFORM\" export --org " + kOrg + " > keyform.toml");
  CHECK(r.exit_code == 0);
  CHECK(read_file(c.file("keyform.toml")).find("org_id = \"" + kOrg + "\"") != std::string::npos);
  CHECK(c.run({"plan", "--detailed-exitcode"}).exit_code == 0);
}

TEST_CASE("--credentials-file: refused unless a private regular file of this user, each with its own message") {
  Checkout c;
  const std::map<std::string, std::string> env{{"MONGODB_ATLAS_BASE_URL", c.sandbox.base_url()}};
  const std::string creds =
      c.repo.write("creds.toml", "public_api_key = \"" + kAdmin + "\"\nprivate_api_key = \"" + kAdminSecret + "\"\n");
  auto plan_with = [&](const std::string& file) {
    return keyform({"plan", "--credentials-file", file, "--detailed-exitcode"}, env, c.repo.path());
  };

  for (mode_t mode : {0640, 0604, 0610, 0601}) {
    CAPTURE(mode);
    chmod(creds.c_str(), mode);
    const RunResult r = plan_with(creds);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("group or others have access to the credentials file (mode 0") != std::string::npos);
  }
  chmod(creds.c_str(), 0600);

  fs::create_directory(c.file("creds.d"));
  RunResult r = plan_with(c.file("creds.d"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("the credentials file is a directory, not a regular file") != std::string::npos);

  // A FIFO is refused at once; without a timeout a keyform that opens it blocking would hang here.
  REQUIRE(mkfifo(c.file("creds.fifo").c_str(), 0600) == 0);
  r = e2e::run("/usr/bin/timeout", {"20", KEYFORM_BIN, "plan", "--credentials-file", c.file("creds.fifo")}, env,
               c.repo.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("the credentials file is a FIFO, not a regular file") != std::string::npos);

  if (geteuid() == 0) {
    const std::string foreign = c.repo.write("foreign.toml", read_file(creds));
    chmod(foreign.c_str(), 0600);
    REQUIRE(chown(foreign.c_str(), 65534, 65534) == 0);
    r = plan_with(foreign);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("the credentials file is owned by another user (uid 65534; keyform runs as uid 0)") !=
          std::string::npos);
  } else {
    r = plan_with("/etc/hostname");  // root's, so another user's
    CHECK(r.err.find("the credentials file is owned by another user") != std::string::npos);
  }
  CHECK(c.sandbox.requests().empty());

  // The private file of this user, through a symlink too, works.
  REQUIRE(symlink("creds.toml", c.file("creds-link.toml").c_str()) == 0);
  r = plan_with(c.file("creds-link.toml"));
  INFO(r.all());
  CHECK(r.exit_code == 2);
}

namespace {

// "Max core file size  SOFT  HARD  bytes" from /proc/PID/limits, as "SOFT HARD".
std::string core_limits(pid_t pid) {
  std::istringstream lines(read_file("/proc/" + std::to_string(pid) + "/limits"));
  const std::string label = "Max core file size";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(label, 0) != 0) continue;
    std::istringstream fields(line.substr(label.size()));
    std::string soft, hard;
    fields >> soft >> hard;
    return soft + " " + hard;
  }
  return "";
}

}  // namespace

TEST_CASE("a running keyform cannot dump core, and its /proc files are root's (not dumpable)") {
  // Slow answers keep keyform inside its plan long enough to look at it.
  Checkout c({"--latency-ms", "1500"});
  // As root, the owner of /proc/PID shows nothing (root owns it either way): run keyform as
  // nobody, whose /proc/PID files are root's only when keyform made itself non-dumpable.
  const bool as_root = geteuid() == 0;
  if (as_root) {
    chmod(c.repo.path().c_str(), 0755);
    chmod(c.file("keyform.toml").c_str(), 0644);
  }
  Background keyform_run({"plan", "--detailed-exitcode"}, c.env, c.repo.path(), as_root ? 65534 : -1);
  const std::string proc = "/proc/" + std::to_string(keyform_run.pid());
  // Until the exec, /proc/PID is the forked test runner; wait for keyform's own command line.
  bool started = false;
  for (int i = 0; i < 200 && !started; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    started = read_file(proc + "/cmdline").find("plan") != std::string::npos;
  }
  REQUIRE(started);
  // The exec is done, but main's first line may not have run yet (a sanitizer's start-up is slow):
  // wait, within bounds, for what harden_process() does. Without it, neither ever shows.
  struct stat status {};
  const auto deadline = std::chrono::steady_clock::now() + kTimeScale * std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline &&
         (core_limits(keyform_run.pid()) != "0 0" || stat((proc + "/status").c_str(), &status) != 0 ||
          (as_root && status.st_uid != 0))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(keyform_run.running());

  CHECK(core_limits(keyform_run.pid()) == "0 0");
  REQUIRE(stat((proc + "/status").c_str(), &status) == 0);
  const std::string uid_line = read_file(proc + "/status").substr(read_file(proc + "/status").find("Uid:"));
  CAPTURE(uid_line);
  const bool still_running = keyform_run.running();
  const RunResult r = keyform_run.finish();  // its output checked for secrets, too
  INFO(r.all());
  if (r.exit_code == 125) {
    MESSAGE("cannot run keyform as uid 65534 here: /proc/PID ownership not checked");
  } else {
    REQUIRE(still_running);  // what was read belongs to the running keyform
    CHECK(uid_line.rfind(std::string("Uid:\t") + (as_root ? "65534" : std::to_string(getuid())), 0) == 0);
    CHECK(status.st_uid == 0);  // a dumpable process's /proc/PID/status belongs to its own user
    CHECK(r.exit_code == 2);    // and the plan itself was not disturbed
  }
}

TEST_CASE("an unknown command is named, with the list of commands; a typo'd option keeps CLI11's message") {
  TempDir dir;
  RunResult r = keyform({"destroy"}, {}, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.rfind("keyform: unknown command \"destroy\"\n", 0) == 0);
  for (const char* command : {"plan", "apply", "export", "show", "validate"}) {
    CAPTURE(command);
    CHECK(r.err.find(std::string("\n  ") + command + " ") != std::string::npos);
  }
  CHECK(r.out.empty());

  // The word is shown escaped: a command line can hold a terminal escape too.
  r = keyform({"\x1b[2Jdestroy"}, {}, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("unknown command \"\\x1b[2Jdestroy\"") != std::string::npos);

  r = keyform({"plan", "--detailed-exitcod"}, {}, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--detailed-exitcod") != std::string::npos);
  CHECK(r.err.find("unknown command") == std::string::npos);
}

TEST_CASE("apply --no-verify reads nothing after its writes; export --out and --no-verify are documented") {
  Checkout c;
  const RunResult r = c.run({"apply", "--auto-approve", "--no-verify"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const json log = c.sandbox.requests();
  std::size_t last_write = 0;
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log[i]["method"] != "GET") last_write = i;
  }
  REQUIRE(last_write > 0);
  for (std::size_t i = last_write + 1; i < log.size(); ++i) CHECK(log[i]["method"] != "GET");
  check_matches_example_config(c.sandbox.state());

  CHECK(c.run({"apply", "--help"}).out.find("--no-verify") != std::string::npos);
  CHECK(c.run({"export", "--help"}).out.find("--out FILE") != std::string::npos);
}
