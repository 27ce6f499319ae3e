// The first vertical slice end to end: file -> plan -> apply -> the org equals the file.
#include <doctest/doctest.h>

#include <set>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

struct ExampleRun {
  json fixture = example_org();
  Sandbox sandbox{fixture};
  TempDir dir;
  std::map<std::string, std::string> env = keyform_env(sandbox, kAdmin, kAdminSecret);
  std::string config = dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));

  RunResult keyform_run(std::vector<std::string> args) {
    RunResult r = keyform(args, env, dir.path());
    check_no_secrets(r, fixture);
    return r;
  }
};

}  // namespace

TEST_CASE("the example: plan, apply, and the org equals the file; a second plan has no changes") {
  ExampleRun t;
  const RunResult plan = t.keyform_run({"plan", "--detailed-exitcode"});
  CHECK(plan.exit_code == 2);
  CHECK(plan.out.find("Plan: 1 to assign, 2 to update, 3 to unassign, 1 to delete.") != std::string::npos);
  CHECK(plan.out.find("breakgl1") != std::string::npos);  // shown as skipped
  CHECK(plan.out.find("protected key") != std::string::npos);
  CHECK(t.sandbox.writes().empty());

  const RunResult apply = t.keyform_run({"apply", "--auto-approve"});
  INFO(apply.all());
  CHECK(apply.exit_code == 0);
  CHECK(apply.out.find("Apply complete! 1 assigned, 2 updated, 3 unassigned, 1 deleted.") != std::string::npos);

  check_matches_example_config(t.sandbox.state());

  const RunResult again = t.keyform_run({"plan", "--detailed-exitcode"});
  CHECK(again.exit_code == 0);
  // breakgl1 (protected) still reaches payments-prod: nothing to do, but the org does not match.
  CHECK(again.out.find("No changes. The org still differs from the configuration: 1 difference is left alone") !=
        std::string::npos);
  CHECK(again.out.find("matches the configuration") == std::string::npos);
}

TEST_CASE("apply makes exactly the plan's calls, in plan order with --parallelism 1, on the v2 paths") {
  ExampleRun t;
  REQUIRE(t.keyform_run({"apply", "--auto-approve", "--parallelism", "1"}).exit_code == 0);
  std::vector<std::string> writes;
  for (const auto& r : t.sandbox.writes()) {
    if (r["status"] == 401) continue;
    writes.push_back(r["method"].get<std::string>() + " " + r["path"].get<std::string>() + " " +
                     std::to_string(r["status"].get<int>()));
  }
  const std::string g = "/api/atlas/v2/groups/", k = "/apiKeys/65f0c0ffee0000000000000";
  CHECK(writes == std::vector<std::string>{
                      "PATCH " + g + kAnalytics + k + "3 200",          // update analyst1 analytics
                      "POST " + g + kProd + k + "2 204",                // assign zmmrboas payments-prod
                      "PATCH " + g + kStaging + k + "2 200",            // update zmmrboas payments-staging
                      "DELETE " + g + kLegacy + k + "3 204",            // unassign analyst1 legacy-app
                      "DELETE " + g + kAnalytics + k + "6 204",         // unassign contrac1 analytics
                      "DELETE " + g + kLegacy + k + "6 204",            // unassign contrac1 legacy-app
                      "DELETE /api/atlas/v2/orgs/" + kOrg + k + "4 204",  // delete oldci001, last
                  });
}

TEST_CASE("reads are the rate limits once and the two listings, with the versioned Accept, one challenge per connection") {
  ExampleRun t;
  REQUIRE(t.keyform_run({"apply", "--auto-approve"}).exit_code == 0);
  const json log = t.sandbox.requests();
  std::map<std::string, int> challenges_per_connection;
  int gets = 0, rate_limit_reads = 0;
  for (const auto& r : log) {
    CAPTURE(r.dump());
    if (is_rate_limits_read(r)) {  // before any other call, in its own media type
      CHECK(r["accept"] == "application/vnd.atlas.2025-03-12+json");
      CHECK(r["query"].get<std::string>().find("orgId=" + kOrg) != std::string::npos);
      rate_limit_reads += r["status"] == 401 ? 0 : 1;
      continue;
    }
    CHECK(r["accept"] == "application/vnd.atlas.2023-01-01+json");
    if (r["method"] == "POST" || r["method"] == "PATCH") {
      CHECK(r["content_type"] == "application/vnd.atlas.2023-01-01+json");
    }
    if (r["challenged"] == true) ++challenges_per_connection[r["connection"]];
    if (r["method"] != "GET" || r["status"] == 401) continue;
    ++gets;
    const std::string path = r["path"];
    CHECK((path == "/api/atlas/v2/orgs/" + kOrg + "/apiKeys" || path == "/api/atlas/v2/orgs/" + kOrg + "/groups"));
    CHECK(r["query"].get<std::string>().find("itemsPerPage=500") != std::string::npos);
  }
  CHECK(gets == 4);  // the two listings to plan, and the same two to verify the apply
  CHECK(rate_limit_reads == 1);
  CHECK_FALSE(challenges_per_connection.empty());
  for (const auto& [connection, count] : challenges_per_connection) {
    CAPTURE(connection);
    CHECK(count == 1);
  }
}

TEST_CASE("large orgs are read page by page: ceil(K/500) + ceil(P/500) listings") {
  json fixture = example_org();
  for (int i = 0; i < 1100; ++i) {
    char id[25];
    std::snprintf(id, sizeof id, "70000000000000000000%04x", i);
    char pub[9];
    std::snprintf(pub, sizeof pub, "bulk%04d", i);
    fixture["keys"].push_back({{"id", id}, {"public_key", pub}, {"private_key", "secret-bulk-" + std::to_string(i)},
                               {"projects", {{kLegacy, {"GROUP_READ_ONLY"}}}}});
  }
  Sandbox sandbox(fixture);
  TempDir dir;
  dir.write("keyform.toml", target_toml("undeclared_keys = \"ignore\"") +
                                "[[keys]]\npublic_key = \"bulk1099\"\n[keys.projects]\n\"analytics\" = [\"GROUP_OWNER\"]\n");
  const RunResult r = keyform({"plan", "--format", "json"}, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const json plan = json::parse(r.out);
  CHECK(plan["summary"] == json{{"assign", 1}, {"update_roles", 0}, {"unassign", 1}, {"delete_key", 0},
                                 {"update_key", 0}, {"add_access_entry", 0}, {"remove_access_entry", 0}, {"create_key", 0},
                                 {"create_service_account", 0}, {"update_service_account", 0}, {"create_secret", 0},
                                 {"delete_secret", 0}, {"delete_service_account", 0}});
  int key_pages = 0, project_pages = 0;
  for (const auto& req : sandbox.requests()) {
    if (req["status"] != 200) continue;
    if (req["path"].get<std::string>().ends_with("/apiKeys")) ++key_pages;
    if (req["path"].get<std::string>().ends_with("/groups")) ++project_pages;
  }
  CHECK(key_pages == 3);  // 1106 keys
  CHECK(project_pages == 1);
}

TEST_CASE("json output is one document in execution order") {
  ExampleRun t;
  const RunResult r = t.keyform_run({"plan", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const json plan = json::parse(r.out);
  CHECK(plan["format_version"] == 1);
  CHECK(plan["target"] == json{{"api", "atlas-v2"}, {"org_id", kOrg}, {"base_url", t.sandbox.base_url()}});
  REQUIRE(plan["actions"].size() == 7);
  CHECK(plan["actions"][0]["action"] == "update_roles");
  CHECK(plan["actions"][6]["action"] == "delete_key");
  CHECK(plan["skipped"][0]["key"]["public_key"] == "breakgl1");
  CHECK(plan["summary"]["unassign"] == 3);
}

TEST_CASE("markdown output has tables and no escape codes") {
  ExampleRun t;
  const RunResult r = t.keyform_run({"plan", "--format", "markdown"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("| Key | Project | Roles | Reason |") != std::string::npos);
  CHECK(r.out.find('\033') == std::string::npos);
}

TEST_CASE("concurrent apply: every phase's calls finish before the next phase's start") {
  json fixture = example_org();
  // 60 undeclared keys each in two projects, policy unassign; 30 declared keys to assign; 10 absent.
  std::string config = target_toml("undeclared_keys = \"unassign\"\nprotected_keys = [\"breakgl1\"]");
  for (int i = 0; i < 100; ++i) {
    char id[25];
    std::snprintf(id, sizeof id, "72000000000000000000%04x", i);
    const std::string pub = "conc" + std::to_string(1000 + i);
    fixture["keys"].push_back({{"id", id}, {"public_key", pub}, {"private_key", "secret-concurrent-" + std::to_string(i)},
                               {"projects", {{kLegacy, {"GROUP_READ_ONLY"}}, {kAnalytics, {"GROUP_OWNER"}}}}});
    if (i < 30) config += "[[keys]]\npublic_key = \"" + pub + "\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n"
                          "\"legacy-app\" = [\"GROUP_READ_ONLY\"]\n\"analytics\" = [\"GROUP_OWNER\"]\n";
    else if (i < 40) config += "[[keys]]\npublic_key = \"" + pub + "\"\nstate = \"absent\"\n";
  }
  config += "[[keys]]\npublic_key = \"" + kAdmin + "\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n";
  for (const std::string parallelism : {"1", "32"}) {
    CAPTURE(parallelism);
    Sandbox sandbox(fixture, {"--latency-ms", "5"});
    TempDir dir;
    dir.write("keyform.toml", config);
    const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
    const RunResult r = keyform({"apply", "--auto-approve", "--parallelism", parallelism}, env, dir.path());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // 30 assigns; unassigns: 60 keys x 2, analyst1, oldci001 and contrac1 x 2, zmmrboas; 10 deletes.
    const std::string counts = "30 assigned, 0 updated, 127 unassigned, 10 deleted.";
    CHECK(r.out.find("Apply complete! " + counts) != std::string::npos);
    // Phases in the sandbox's own arrival order: no unassign before the last assign, no delete
    // before the last unassign.
    int phase_seen = 0;
    std::set<std::string> connections;
    for (const auto& req : sandbox.writes()) {
      if (req["status"] == 401) continue;
      connections.insert(req["connection"]);
      const std::string method = req["method"], path = req["path"];
      const int phase = method == "POST" ? 0 : (path.find("/orgs/") != std::string::npos ? 2 : 1);
      CHECK(phase >= phase_seen);
      phase_seen = std::max(phase_seen, phase);
    }
    CHECK(phase_seen == 2);
    if (parallelism == "1") CHECK(connections.size() == 1);
    if (parallelism == "32") CHECK(connections.size() > 1);
    CHECK(keyform({"plan", "--detailed-exitcode"}, env, dir.path()).exit_code == 0);
  }
}
