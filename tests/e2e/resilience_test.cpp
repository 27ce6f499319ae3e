// The real network misbehaves: injected 429s, 503s, 500s and dropped connections. Apply still
// converges, never repeats a write that happened, and its report says exactly what was done.
#include <doctest/doctest.h>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

const std::string kKeyPath = "/apiKeys/65f0c0ffee0000000000000";

// Requests served normally (not injected faults) per "METHOD path".
std::map<std::string, int> served_write_counts(const Sandbox& sandbox) {
  std::map<std::string, int> out;
  for (const auto& r : sandbox.requests()) {
    if (r["method"] == "GET" || r.value("fault", false) || r["status"] == 401) continue;
    ++out[r["method"].get<std::string>() + " " + r["path"].get<std::string>()];
  }
  return out;
}

}  // namespace

TEST_CASE("transient faults everywhere: apply converges in one run and does nothing twice") {
  const json fixture = example_org();
  Sandbox sandbox(fixture, {
      "--fault", "GET:/orgs/[0-9a-f]+/apiKeys$:503:1",             // the key listing, once
      "--fault", "DELETE:/orgs/[0-9a-f]+/apiKeys/:429:2:1",         // the key delete, rate limited twice
      "--fault", "POST:/groups/:0:1",                               // the assign: dropped before it happens
      "--fault", "PATCH:/groups/" + kStaging + "/:0+:1",            // an update: happens, then dropped
  });
  TempDir dir;
  dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));
  const RunResult r = keyform({"apply", "--auto-approve"}, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Apply complete! 1 assigned, 2 updated, 3 unassigned, 1 deleted.") != std::string::npos);
  CHECK(r.err.find("retry: GET /api/atlas/v2/orgs/" + kOrg + "/apiKeys") != std::string::npos);
  CHECK(r.err.find("429 RATE_LIMITED") != std::string::npos);
  // Paced: the 429's Retry-After holds the call (and its bucket) in the pacer.
  CHECK(r.err.find("retrying when the rate limit allows") != std::string::npos);
  CHECK(r.err.find("but the change is in effect") != std::string::npos);
  for (const auto& secret : secrets_of(fixture)) CHECK(r.all().find(secret) == std::string::npos);
  check_matches_example_config(sandbox.state());
  for (const auto& [call, count] : served_write_counts(sandbox)) {
    CAPTURE(call);
    CHECK(count == 1);
  }
  CHECK(served_write_counts(sandbox).size() == 6);  // the seventh write happened inside its "0+" fault
  // The update that happened before its connection dropped was checked, not sent again.
  int staging_patches = 0;
  for (const auto& req : sandbox.requests()) {
    if (req["method"] == "PATCH" && req["status"] != 401 &&
        req["path"].get<std::string>().find("/groups/" + kStaging + "/") != std::string::npos) {
      ++staging_patches;
    }
  }
  CHECK(staging_patches == 1);
  CHECK(keyform({"plan", "--detailed-exitcode"}, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path()).exit_code == 0);
}

TEST_CASE("a permanent failure stops the apply with a true report; the next run converges") {
  Sandbox sandbox(example_org(), {"--fault", "DELETE:/groups/" + kLegacy + kKeyPath + "3$:500:1"});
  TempDir dir;
  dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));
  const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
  const RunResult first = keyform({"apply", "--auto-approve"}, env, dir.path());
  INFO(first.all());
  CHECK(first.exit_code == 1);
  CHECK(first.out.find("Apply failed.") != std::string::npos);
  CHECK(first.out.find("failed:      unassign analyst1 from legacy-app: DELETE /api/atlas/v2/groups/" + kLegacy) !=
        std::string::npos);
  CHECK(first.out.find("500 UNEXPECTED_ERROR") != std::string::npos);
  CHECK(first.out.find("not started: delete key oldci001") != std::string::npos);
  CHECK(first.err.find("Error: apply: unassign analyst1 from legacy-app: DELETE") != std::string::npos);
  CHECK(first.err.find("retry:") == std::string::npos);  // a 500 is not transient
  CHECK(has_key(sandbox.state(), "oldci001"));            // the delete phase never started
  // Grants happened before anything was taken away.
  CHECK(assignments(sandbox.state(), "zmmrboas").size() == 2);

  const RunResult second = keyform({"apply", "--auto-approve"}, env, dir.path());
  INFO(second.all());
  CHECK(second.exit_code == 0);
  check_matches_example_config(sandbox.state());
}

TEST_CASE("a listing that keeps failing gives up with the status and errorCode, and writes nothing") {
  Sandbox sandbox(example_org(), {"--fault", "GET:/groups$:503:100"});
  TempDir dir;
  dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));
  const RunResult r = keyform({"apply", "--auto-approve"}, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("Error: apply: reading org " + kOrg + ": GET /api/atlas/v2/orgs/" + kOrg +
                   "/groups?pageNum=1&itemsPerPage=500: 503 SERVICE_UNAVAILABLE") != std::string::npos);
  CHECK(r.err.find("gave up after 6 attempts") != std::string::npos);
  CHECK(sandbox.writes().empty());
}
