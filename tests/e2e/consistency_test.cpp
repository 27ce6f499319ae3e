// Issue 11, section 1: a plan is built only from a consistent read. Reproduced before the fix: a
// listing that returned one key twice got a declared key deleted under policy delete.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

// The example org plus `extra` keys without access, so the key listing spans two 500-key pages.
json large_org(int extra) {
  json org = example_org();
  for (int i = 0; i < extra; ++i) {
    char id[32], public_key[16];
    std::snprintf(id, sizeof id, "65f0c0ffee%014x", 0x1000 + i);
    std::snprintf(public_key, sizeof public_key, "bulk%04d", i);
    org["keys"].push_back({{"id", id}, {"public_key", public_key}, {"desc", "bulk"},
                           {"private_key", "bulk-secret-" + std::to_string(i)}, {"org_roles", {"ORG_MEMBER"}},
                           {"projects", json::object()}});
  }
  return org;
}

// examples/keyform.toml with the strictest policy: every undeclared key is deleted.
std::string delete_policy_config() {
  std::string text = read_file(source_path("examples/keyform.toml"));
  const std::string from = "undeclared_keys = \"unassign\"";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), "undeclared_keys = \"delete\"");
}

struct Org {
  Sandbox sandbox;
  TempDir dir;
  std::map<std::string, std::string> env;
  Org(const json& fixture, std::vector<std::string> sandbox_args, const std::string& config)
      : sandbox(fixture, std::move(sandbox_args)), env(keyform_env(sandbox, kAdmin, kAdminSecret)) {
    dir.write("keyform.toml", config);
  }
  RunResult run(const std::vector<std::string>& args) { return keyform(args, env, dir.path()); }
};

json plan_json(Org& org) {
  const RunResult r = org.run({"plan", "--format", "json"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("a key listed twice once: keyform reads again, and the plan is the plan of the true org") {
  Org clean(example_org(), {}, delete_policy_config());
  const json expected = plan_json(clean);
  for (const std::string mode : {"duplicate", "oversized"}) {
    CAPTURE(mode);
    Org t(example_org(), {"--listing-fault", "apiKeys:" + mode + ":1"}, delete_policy_config());
    const RunResult r = t.run({"plan", "--format", "json"});
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find("inconsistent") != std::string::npos);  // said once, then read again
    const json plan = json::parse(r.out);
    CHECK(plan["actions"] == expected["actions"]);
    for (const auto& a : plan["actions"]) {
      if (a["action"] == "delete_key") CHECK(a["key"]["public_key"] != "zmmrboas");
    }
  }
}

TEST_CASE("a listing still inconsistent when read again: exit 1 before any write, saying what was wrong") {
  struct Case {
    std::string fault;
    int extra_keys;
  };
  const std::vector<Case> cases = {
      {"apiKeys:duplicate", 0},     {"apiKeys:oversized", 0},   {"apiKeys:shift", 600},
      {"apiKeys:ignore-page", 600}, {"apiKeys:count-drift", 600}, {"groups:duplicate", 0},
      {"apiKeys:endless", 0},       {"apiKeys:huge", 0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.fault);
    Org t(large_org(c.extra_keys), {"--listing-fault", c.fault}, delete_policy_config());
    // plan --out reads exactly as apply does; it is run where the read is cheap.
    std::vector<std::vector<std::string>> commands = {{"apply", "--auto-approve"}};
    if (c.fault == "apiKeys:duplicate" || c.fault == "groups:duplicate") commands.push_back({"plan", "--out", "plan.json"});
    for (const auto& args : commands) {
      const auto start = std::chrono::steady_clock::now();
      const RunResult r = t.run(args);
      INFO(r.all());
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("inconsistent") != std::string::npos);
      CHECK(r.err.find("Error: ") != std::string::npos);
      // Bounded, even when endless (a few seconds in the optimised build).
      CHECK(std::chrono::steady_clock::now() - start < kTimeScale * std::chrono::seconds(30));
      CHECK(t.sandbox.writes().empty());
      CHECK_FALSE(std::filesystem::exists(t.dir.path() + "/plan.json"));
    }
  }
}

TEST_CASE("a listing without totalCount is read page by page to its short last page") {
  Org clean(large_org(600), {}, read_file(source_path("examples/keyform.toml")));
  Org t(large_org(600), {"--listing-fault", "apiKeys:no-count"}, read_file(source_path("examples/keyform.toml")));
  CHECK(plan_json(t)["actions"] == plan_json(clean)["actions"]);
}

TEST_CASE("--timeout bounds one call in wall time, retries included") {
  Org t(example_org(), {"--latency-ms", "4000"}, read_file(source_path("examples/keyform.toml")));
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = t.run({"plan", "--timeout", "2"});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(elapsed < std::chrono::milliseconds(3500));
}

TEST_CASE("endless 401 stale=true answers count against the retry budget") {
  Org t(example_org(), {"--stale-nonces"}, read_file(source_path("examples/keyform.toml")));
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = t.run({"plan", "--max-retries", "2"});
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  // Two listings x three attempts x (challenge + answer), and the rate limits read once (no retry).
  CHECK(t.sandbox.requests().size() <= 2 * 3 * 2 + 2);
}
