// Pacing to rate limits (issue 15), end to end against keyform-sandbox --rate-limits: with the
// limits read from GET /rateLimits an apply gets no 429 and says it was paced; --no-pacing runs
// into 429s (and still converges through its retries); a family without /rateLimits learns the
// limit from its first 429s and gets fewer than --no-pacing does. How fast is keyform-bench's
// business, not these tests'.
#include <doctest/doctest.h>

#include <cstdio>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

constexpr int kBulkKeys = 24;

std::string bulk_key_id(int n) {
  char id[32];
  std::snprintf(id, sizeof id, "65f0c0ffee0000000000b%03d", n);
  return id;
}
std::string bulk_public_key(int n) {
  char key[16];
  std::snprintf(key, sizeof key, "bulk%04d", n);
  return key;
}

// The example org plus kBulkKeys keys in no project: assigning each is one metered write.
json bulk_org() {
  json org = example_org();
  for (int n = 0; n < kBulkKeys; ++n) {
    org["keys"].push_back({{"id", bulk_key_id(n)}, {"public_key", bulk_public_key(n)}, {"desc", "bulk key"},
                           {"private_key", "bulk-private-key-" + std::to_string(n)}, {"org_roles", {"ORG_MEMBER"}},
                           {"projects", json::object()}});
  }
  return org;
}

std::string bulk_config(const std::string& api) {
  std::string toml = "[target]\napi = \"" + api + "\"\norg_id = \"" + kOrg + "\"\n";
  for (int n = 0; n < kBulkKeys; ++n) {
    toml += "\n[[keys]]\npublic_key = \"" + bulk_public_key(n) + "\"\n[keys.projects]\n\"payments-staging\" = "
            "[\"GROUP_READ_ONLY\"]\n";
  }
  return toml;
}

// One organization-wide bucket for the project-assignment writes of `base` (the family's base
// path): 4 at once, then 8 a second. 24 writes need about 2.5 s.
std::string rate_limits_file(const std::string& base) {
  json endpoints = json::array();
  for (const char* method : {"POST", "PATCH", "DELETE"}) {
    endpoints.push_back({{"method", method}, {"path", base + "/groups/{groupId}/apiKeys/{apiUserId}"}});
  }
  return json::array({{{"endpointSetId", "projectKeyWrites_org"}, {"endpointSetName", "project API key writes"},
                       {"scope", "ORGANIZATION"}, {"endpoints", endpoints}, {"capacity", {{"value", 4}}},
                       {"refillRate", {{"value", 8}}}, {"refillDurationSeconds", {{"value", 1}}}}})
      .dump();
}

struct RateLimited {
  TempDir dir;
  json fixture = bulk_org();
  Sandbox sandbox;
  std::string api;

  explicit RateLimited(const std::string& family, const std::string& base)
      : sandbox(fixture, {"--rate-limits", dir.write("rate-limits.json", rate_limits_file(base))}), api(family) {
    dir.write("keyform.toml", bulk_config(api));
  }
  RunResult apply(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"apply", "--auto-approve"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::map<std::string, std::string> env = keyform_env(sandbox, kAdmin, kAdminSecret);
    const RunResult r = keyform(args, env, dir.path());
    check_no_secrets(r, fixture);
    return r;
  }
  int refused_by_rate_limit() const {
    int n = 0;
    for (const auto& r : sandbox.requests()) n += r["status"] == 429 ? 1 : 0;
    return n;
  }
  bool read_rate_limits() const {
    for (const auto& r : sandbox.requests()) {
      if (is_rate_limits_read(r)) return true;
    }
    return false;
  }
  void check_converged() {
    const RunResult again = keyform({"plan", "--detailed-exitcode"}, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
    INFO(again.all());
    CHECK(again.exit_code == 0);
  }
};

}  // namespace

TEST_CASE("pacing: with the limits from /rateLimits, a burst of writes gets no 429 and the apply says it was paced") {
  RateLimited t("atlas-v2", "/api/atlas/v2");
  const RunResult r = t.apply();
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find(std::to_string(kBulkKeys) + " assigned") != std::string::npos);
  CHECK(t.read_rate_limits());
  CHECK(t.refused_by_rate_limit() == 0);
  CHECK(r.out.find("paced by rate limit project API key writes: ~") != std::string::npos);
  CHECK(r.err.find("retry:") == std::string::npos);
  t.check_converged();
}

TEST_CASE("pacing: --no-pacing reads no limits, runs into 429s, and still converges through its retries") {
  RateLimited t("atlas-v2", "/api/atlas/v2");
  const RunResult r = t.apply({"--no-pacing"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(t.read_rate_limits());
  CHECK(t.refused_by_rate_limit() > 0);
  CHECK(r.err.find("429 RATE_LIMITED") != std::string::npos);
  CHECK(r.out.find("paced by rate limit") == std::string::npos);
  t.check_converged();
}

TEST_CASE("pacing: a family without /rateLimits learns the limit from its first 429s") {
  RateLimited unpaced("cloud-manager", "/api/public/v1.0");
  REQUIRE(unpaced.apply({"--no-pacing"}).exit_code == 0);
  RateLimited learning("cloud-manager", "/api/public/v1.0");
  const RunResult r = learning.apply();
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK_FALSE(learning.read_rate_limits());  // cloud-manager documents none
  CHECK(learning.refused_by_rate_limit() > 0);  // how it learns
  CHECK(learning.refused_by_rate_limit() < unpaced.refused_by_rate_limit());
  CHECK(r.err.find("retrying when the rate limit allows") != std::string::npos);
  learning.check_converged();
}

TEST_CASE("apply: on a terminal, a long apply keeps a progress line above which results scroll; a pipe gets none") {
  TempDir dir;
  const json fixture = bulk_org();
  Sandbox sandbox(fixture, {"--write-latency-ms", "300"});  // 24 writes, 2 at a time: about 3.6 s
  dir.write("keyform.toml", bulk_config("atlas-v2"));
  std::map<std::string, std::string> env = keyform_env(sandbox, kAdmin, kAdminSecret);
  env["TERM"] = "xterm";
  // script(1) runs keyform on a pseudo-terminal, as a person at a shell would.
  const RunResult r = run("/usr/bin/script", {"-qec", std::string(KEYFORM_BIN) + " apply --auto-approve --parallelism 2",
                                              "/dev/null"}, env, dir.path());
  INFO(r.all());
  check_no_secrets(r, fixture);
  REQUIRE(r.exit_code == 0);
  const std::size_t line = r.out.find("\r\x1b[K[");
  REQUIRE(line != std::string::npos);
  CHECK(r.out.find("/24] 0:0", line) != std::string::npos);
  CHECK(r.out.find("elapsed, about ", line) != std::string::npos);
  // Erased before the summary: the summary starts on a clean row.
  const std::size_t summary = r.out.find("Apply complete");
  REQUIRE(summary != std::string::npos);
  CHECK(r.out.rfind("\r\x1b[K", summary) > r.out.rfind("elapsed", summary));

  Sandbox piped_sandbox(fixture, {"--write-latency-ms", "300"});
  const RunResult piped = keyform({"apply", "--auto-approve", "--parallelism", "2"},
                                  keyform_env(piped_sandbox, kAdmin, kAdminSecret), dir.path());
  REQUIRE(piped.exit_code == 0);
  CHECK(piped.out.find('\r') == std::string::npos);
  CHECK(piped.out.find("elapsed") == std::string::npos);
}
