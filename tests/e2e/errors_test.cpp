// Bad input, bad credentials and the safety rails: a clear message, exit 1, nothing changed.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

struct Env {
  json fixture = example_org();
  Sandbox sandbox{fixture};
  TempDir dir;

  RunResult run(const std::string& config, std::vector<std::string> args,
                std::map<std::string, std::string> env = {}) {
    dir.write("keyform.toml", config);
    if (env.empty()) env = keyform_env(sandbox, kAdmin, kAdminSecret);
    RunResult r = keyform(args, env, dir.path());
    for (const auto& secret : secrets_of(fixture)) CHECK(r.all().find(secret) == std::string::npos);
    return r;
  }
};

const std::string kValidKey =
    "[[keys]]\npublic_key = \"zmmrboas\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_READ_ONLY\"]\n";

}  // namespace

TEST_CASE("a bad config is reported with file:line:column before any request") {
  Env t;
  const std::string bad = target_toml() + "[[keys]]\npublic_key = \"zmmrboas\"\n[keys.projects]\n\"payments-prod\" = [\"READ_ONLY\"]\n";
  for (const auto& command : {std::vector<std::string>{"plan"}, std::vector<std::string>{"apply", "--auto-approve"}}) {
    const RunResult r = t.run(bad, command);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("keyform.toml:10:") == 0);
    CHECK(r.err.find("READ_ONLY") != std::string::npos);
    CHECK(r.out.empty());
  }
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("malformed TOML and typos are config errors") {
  Env t;
  RunResult r = t.run("[target\napi = 1\n", {"plan"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("keyform.toml:1:") == 0);
  r = t.run(target_toml() + "[[keys]]\npublik_key = \"zmmrboas\"\n[keys.projects]\n", {"plan"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("publik_key") != std::string::npos);
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("a missing config file is a clear error") {
  Env t;
  const RunResult r = keyform({"plan", "-c", "nope.toml"}, keyform_env(t.sandbox, kAdmin, kAdminSecret), t.dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("nope.toml") != std::string::npos);
}

TEST_CASE("a config or plan file over the one 64 MiB limit is refused before any request") {
  Env t;
  // Sparse: 64 MiB + 1 byte on paper, nothing written to disk.
  for (const std::string name : {"huge.toml", "huge.json"}) {
    const std::string path = t.dir.path() + "/" + name;
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, 64 * 1024 * 1024 + 1) == 0);
    close(fd);
  }
  const auto env = keyform_env(t.sandbox, kAdmin, kAdminSecret);
  for (const auto& args : {std::vector<std::string>{"plan", "-c", "huge.toml"},
                           std::vector<std::string>{"validate", "-c", "huge.toml"}}) {
    const RunResult r = keyform(args, env, t.dir.path());
    CHECK(r.exit_code == 1);
    CHECK(r.err == "Error: config huge.toml is larger than 64 MiB\n");
  }
  const RunResult r = keyform({"apply", "huge.json", "--auto-approve"}, env, t.dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err == "Error: apply: plan file huge.json is larger than 64 MiB\n");
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("keys or projects missing from the org stop the run before any write") {
  Env t;
  RunResult r = t.run(target_toml("undeclared_keys = \"delete\"") + kValidKey +
                          "[[keys]]\npublic_key = \"ghost001\"\n[keys.projects]\n",
                      {"apply", "--auto-approve"});
  CHECK(r.exit_code == 1);
  INFO(r.err);
  CHECK(r.err.find("keyform.toml:11:1: key \"ghost001\" does not exist in org " + kOrg) != std::string::npos);
  r = t.run(target_toml() + "[[keys]]\npublic_key = \"zmmrboas\"\n[keys.projects]\n\"payments-dev\" = [\"GROUP_OWNER\"]\n",
            {"apply", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("keyform.toml:10:1: no project named \"payments-dev\"") != std::string::npos);
  CHECK(t.sandbox.writes().empty());
}

TEST_CASE("credentials: missing is a clear error, wrong is a clear 401") {
  Env t;
  const std::string config = target_toml() + kValidKey;
  RunResult r = t.run(config, {"plan"}, {{"MONGODB_ATLAS_BASE_URL", t.sandbox.base_url()}});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("MONGODB_ATLAS_PUBLIC_API_KEY") != std::string::npos);
  CHECK(t.sandbox.requests().empty());

  r = t.run(config, {"plan"}, keyform_env(t.sandbox, kAdmin, "wrong-secret-value"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("401") != std::string::npos);
  CHECK(r.err.find("reading org " + kOrg) != std::string::npos);
  CHECK(r.err.find("wrong-secret-value") == std::string::npos);

  // The older variable names work too.
  r = t.run(config, {"plan"},
            {{"MONGODB_ATLAS_BASE_URL", t.sandbox.base_url()}, {"MONGODB_ATLAS_PUBLIC_KEY", kAdmin},
             {"MONGODB_ATLAS_PRIVATE_KEY", kAdminSecret}});
  CHECK(r.exit_code == 0);
}

TEST_CASE("plain http is refused for a non-loopback base URL") {
  Env t;
  auto env = keyform_env(t.sandbox, kAdmin, kAdminSecret);
  env["MONGODB_ATLAS_BASE_URL"] = "http://cloud.example.com";
  const RunResult r = t.run(target_toml() + kValidKey, {"plan"}, env);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("https") != std::string::npos);
}

TEST_CASE("max_destroy: plan shows the plan then fails; apply refuses with no writes") {
  Env t;
  const std::string config = target_toml("undeclared_keys = \"unassign\"\nmax_destroy = 2") + kValidKey;
  RunResult r = t.run(config, {"plan"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("Plan:") != std::string::npos);
  CHECK(r.err.find("max_destroy = 2") != std::string::npos);
  r = t.run(config, {"apply", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("max_destroy = 2") != std::string::npos);
  CHECK(t.sandbox.writes().empty());
}

TEST_CASE("apply without a terminal and without --auto-approve refuses a plan with changes and does nothing") {
  Env t;
  const RunResult r = t.run(target_toml("undeclared_keys = \"delete\"") + kValidKey, {"apply"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--auto-approve") != std::string::npos);
  CHECK(t.sandbox.writes().empty());
}

TEST_CASE("each undeclared-keys policy, applied") {
  for (const std::string policy : {"ignore", "unassign", "delete"}) {
    CAPTURE(policy);
    Env t;
    const RunResult r = t.run(target_toml("undeclared_keys = \"" + policy + "\"\nprotected_keys = [\"breakgl1\"]") +
                                  kValidKey,
                              {"apply", "--auto-approve"});
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    const json state = t.sandbox.state();
    CHECK(assignments(state, "zmmrboas") == json{{kProd, {"GROUP_READ_ONLY"}}});
    CHECK(assignments(state, "breakgl1") == json{{kProd, {"GROUP_OWNER"}}});  // protected
    CHECK(assignments(state, kAdmin) == json{{kProd, {"GROUP_OWNER"}}});     // keyform's own key
    if (policy == "ignore") {
      CHECK(assignments(state, "oldci001").size() == 2);
      CHECK(assignments(state, "contrac1").size() == 2);
    } else if (policy == "unassign") {
      CHECK(assignments(state, "oldci001") == json::object());
      CHECK(assignments(state, "contrac1") == json::object());
    } else {
      CHECK_FALSE(has_key(state, "oldci001"));
      CHECK_FALSE(has_key(state, "contrac1"));
      CHECK_FALSE(has_key(state, "analyst1"));
      CHECK(has_key(state, "breakgl1"));
      CHECK(has_key(state, kAdmin));
      // Deleted keys cascade: no unassign call was made for them (ids ...03, ...04, ...06).
      for (const auto& w : t.sandbox.writes()) {
        const std::string path = w["path"];
        if (path.find("/groups/") == std::string::npos) continue;
        CHECK(path.ends_with("/apiKeys/65f0c0ffee00000000000002"));  // only zmmrboas, declared
      }
    }
    const RunResult again = t.run(target_toml("undeclared_keys = \"" + policy + "\"\nprotected_keys = [\"breakgl1\"]") +
                                      kValidKey,
                                  {"plan", "--detailed-exitcode"});
    CHECK(again.exit_code == 0);
  }
}

TEST_CASE("--version and --help") {
  TempDir dir;
  RunResult r = keyform({"--version"}, {}, dir.path());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("keyform 0.") == 0);
  r = keyform({"plan", "--help"}, {}, dir.path());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("--detailed-exitcode") != std::string::npos);
  CHECK(r.out.find("EXIT STATUS") != std::string::npos);
  r = keyform({"plan", "--format", "yaml"}, {}, dir.path());
  CHECK(r.exit_code == 1);
}
