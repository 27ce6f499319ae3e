// The GitOps workflow end to end against keyform-sandbox: saved plans (exact, stale, tampered,
// for another org), PR markdown, export round trips, show, validate, and the schemas' subjects.
#include <doctest/doctest.h>

#include <algorithm>

#include <cstdio>
#include <filesystem>
#include <set>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

const std::string kV2 = "/api/atlas/v2";

// The example org and config in a scratch directory, keyform running as kfadmin1.
struct Pipeline {
  json fixture = example_org();
  Sandbox sandbox{fixture};
  TempDir repo;   // the checkout: keyform.toml lives here
  TempDir other;  // a directory without any config
  std::map<std::string, std::string> env = keyform_env(sandbox, kAdmin, kAdminSecret);

  Pipeline() { repo.write("keyform.toml", read_file(source_path("examples/keyform.toml"))); }

  RunResult run(const std::vector<std::string>& args, const std::string& cwd) {
    RunResult r = keyform(args, env, cwd);
    check_no_secrets(r, fixture);
    return r;
  }
  RunResult in_repo(const std::vector<std::string>& args) { return run(args, repo.path()); }
  RunResult elsewhere(const std::vector<std::string>& args) { return run(args, other.path()); }

  // plan --out in the checkout, then the file moved where no config is (as a CI artifact is).
  std::string saved_plan(const std::string& name = "plan.json") {
    const RunResult r = in_repo({"plan", "--out", name});
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    const std::string text = read_file(repo.path() + "/" + name);
    REQUIRE_FALSE(text.empty());
    return other.write(name, text);
  }
};

// What each plan action must look like on the wire (method and path of its single call).
std::string expected_call(const json& action) {
  const std::string key = action["key"]["id"];
  const std::string kind = action["action"];
  if (kind == "delete_key") return "DELETE " + kV2 + "/orgs/" + kOrg + "/apiKeys/" + key;
  const std::string assignment = kV2 + "/groups/" + action["project"]["id"].get<std::string>() + "/apiKeys/" + key;
  if (kind == "assign") return "POST " + assignment;
  if (kind == "update_roles") return "PATCH " + assignment;
  return "DELETE " + assignment;
}

std::vector<std::string> writes_of(const Sandbox& sandbox) {
  std::vector<std::string> out;
  for (const auto& r : sandbox.writes()) {
    if (r["status"] == 401) continue;  // a digest challenge, answered on the same connection
    CHECK(r["status"].get<int>() / 100 == 2);
    out.push_back(r["method"].get<std::string>() + " " + r["path"].get<std::string>());
  }
  return out;
}

// GETs that were answered (not challenges), as "path".
// The reads a command made, sorted: the two listings are read side by side, in either order.
std::vector<std::string> reads_of(const Sandbox& sandbox) {
  std::vector<std::string> out;
  for (const auto& r : sandbox.requests()) {
    if (r["method"] == "GET" && r["status"] != 401 && !is_rate_limits_read(r)) out.push_back(r["path"]);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<std::string> kTwoListings = {kV2 + "/orgs/" + kOrg + "/apiKeys", kV2 + "/orgs/" + kOrg + "/groups"};
// (sorted, as reads_of returns them: "apiKeys" < "groups")
// An apply reads them twice: to check the plan is not stale, then to verify the result.
const std::vector<std::string> kTwoListingsTwice = {kTwoListings[0], kTwoListings[0], kTwoListings[1],
                                                    kTwoListings[1]};

std::string edit_json(const std::string& text, const std::function<void(json&)>& edit) {
  json doc = json::parse(text);
  edit(doc);
  return doc.dump(2);
}

std::string replace_first(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// A big org for export: 300 keys over 40 projects, with names and descs that need escaping.
json big_org(int keys, int projects) {
  json fixture = {{"org", {{"id", kOrg}, {"name", "Big Org"}}}, {"projects", json::array()}, {"keys", json::array()}};
  const std::vector<std::string> odd_names = {"team \"alpha\"", "back\\slash", "ünïcode ☃", "dots.in.name",
                                              "hash # and = [x]", "6523B7E0C1B52D0F1A2B3C4D", "  spaced  "};
  for (int p = 0; p < projects; ++p) {
    char id[25];
    std::snprintf(id, sizeof id, "6600000000000000000000%02x", p);
    const std::string name = p < static_cast<int>(odd_names.size()) ? odd_names[p] : "project-" + std::to_string(p);
    fixture["projects"].push_back({{"id", id}, {"name", name}});
  }
  const std::vector<std::string> descs = {"", "CI \"deployer\"", "line one\nline two", "tab\there", "C:\\keys\\ci",
                                          "ünïcode ☃ desc", "# not a comment", "]] [[keys]]"};
  const std::vector<std::vector<std::string>> role_sets = {
      {"GROUP_READ_ONLY"}, {"GROUP_OWNER"}, {"GROUP_CLUSTER_MANAGER", "GROUP_DATA_ACCESS_READ_WRITE"},
      {"GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY", "GROUP_SEARCH_INDEX_EDITOR"}};
  for (int k = 0; k < keys; ++k) {
    char id[25], pub[9];
    std::snprintf(id, sizeof id, "77000000000000000000%04x", k);
    std::snprintf(pub, sizeof pub, "bk%06d", k);
    json assigned = json::object();
    for (int j = 0; j < k % 7; ++j) {
      char pid[25];
      std::snprintf(pid, sizeof pid, "6600000000000000000000%02x", (k * 7 + j * 13) % projects);
      assigned[pid] = role_sets[(k + j) % role_sets.size()];
    }
    json key = {{"id", id}, {"public_key", pub}, {"private_key", "bulk-secret-" + std::to_string(k)},
                {"desc", descs[k % descs.size()]}, {"org_roles", {"ORG_MEMBER"}}};
    if (!assigned.empty()) key["projects"] = assigned;
    fixture["keys"].push_back(key);
  }
  // keyform's own key, an org owner with one project.
  fixture["keys"].push_back({{"id", "65f0c0ffee00000000000001"}, {"public_key", kAdmin}, {"private_key", kAdminSecret},
                             {"org_roles", {"ORG_OWNER"}}, {"projects", {{"660000000000000000000000", {"GROUP_OWNER"}}}}});
  return fixture;
}

}  // namespace

TEST_CASE("a saved plan applies exactly its actions, with no config, and the org ends as planned") {
  Pipeline t;
  const std::string plan_file = t.saved_plan();
  const json plan = json::parse(read_file(plan_file));
  REQUIRE(plan["actions"].size() == 7);
  CHECK(plan["fingerprint"].get<std::string>().size() == 64);
  CHECK(plan["config_sha256"].get<std::string>().size() == 64);
  CHECK(plan["checksum"].get<std::string>().size() == 64);
  CHECK(t.sandbox.writes().empty());  // planning wrote nothing

  t.sandbox.clear_requests();
  REQUIRE_FALSE(std::filesystem::exists(t.other.path() + "/keyform.toml"));
  const RunResult r = t.elsewhere({"apply", "plan.json", "--auto-approve", "--parallelism", "1"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("unchanged since the plan was made") != std::string::npos);
  CHECK(r.out.find("Made from a config with sha256 " + plan["config_sha256"].get<std::string>()) != std::string::npos);
  CHECK(r.out.find("Apply complete! 1 assigned, 2 updated, 3 unassigned, 1 deleted.") != std::string::npos);

  // Exactly the saved actions, in the saved order, one call each; reads are the two listings.
  std::vector<std::string> expected;
  for (const auto& a : plan["actions"]) expected.push_back(expected_call(a));
  CHECK(writes_of(t.sandbox) == expected);
  // The two listings before (the staleness check) and after (the verification).
  CHECK(reads_of(t.sandbox) == kTwoListingsTwice);
  CHECK(r.out.find("Verified: the org matches the configuration, apart from 1 difference keyform leaves alone") !=
        std::string::npos);

  // The org now has each action's roles_after.
  const json state = t.sandbox.state();
  for (const auto& a : plan["actions"]) {
    CAPTURE(a.dump());
    if (a["action"] == "delete_key") {
      CHECK_FALSE(has_key(state, a["key"]["public_key"]));
      continue;
    }
    const json projects = assignments(state, a["key"]["public_key"]);
    const std::string project = a["project"]["id"];
    if (a["action"] == "unassign") CHECK_FALSE(projects.contains(project));
    else CHECK(projects[project] == a["roles_after"]);
  }
  // The checkout's config now plans nothing.
  CHECK(t.in_repo({"plan", "--detailed-exitcode"}).exit_code == 0);
}

TEST_CASE("a saved plan is applied with the config present when it is the config's org") {
  Pipeline t;
  t.saved_plan();
  const RunResult r = t.in_repo({"apply", "plan.json", "--auto-approve"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("(the same as keyform.toml here)") != std::string::npos);
}

TEST_CASE("a config edited after planning is reported, but the reviewed plan is what is applied") {
  Pipeline t;
  t.saved_plan();
  t.repo.write("keyform.toml", read_file(source_path("examples/keyform.toml")) + "\n# a comment added later\n");
  const RunResult r = t.in_repo({"apply", "plan.json", "--auto-approve"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("keyform.toml here differs: sha256 ") != std::string::npos);
}

TEST_CASE("a plan made stale by a change to the org is refused with no writes") {
  struct Change {
    const char* what;
    std::string method, path, body;
  };
  const std::string staging_zmmrboas = kV2 + "/groups/" + kStaging + "/apiKeys/65f0c0ffee00000000000002";
  const std::vector<Change> changes = {
      // A key the plan updates gets other roles.
      {"roles changed on a planned key", "PATCH", staging_zmmrboas, R"({"roles":["GROUP_OWNER"]})"},
      // A key the plan does not touch at all gains a project: the plan was still made from another org.
      {"an untouched key assigned", "POST", kV2 + "/groups/" + kAnalytics + "/apiKeys/65f0c0ffee00000000000005",
       R"([{"roles":["GROUP_READ_ONLY"]}])"},
      // A key the plan deletes is already gone.
      {"a planned key deleted", "DELETE", kV2 + "/orgs/" + kOrg + "/apiKeys/65f0c0ffee00000000000004", ""},
  };
  for (const auto& change : changes) {
    CAPTURE(change.what);
    Pipeline t;
    t.saved_plan();
    const int status = admin_api_call(t.sandbox, change.method, change.path, change.body, kAdmin, kAdminSecret);
    REQUIRE(status / 100 == 2);
    const json before = t.sandbox.state();
    t.sandbox.clear_requests();

    const RunResult r = t.elsewhere({"apply", "plan.json", "--auto-approve"});
    INFO(r.all());
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("stale") != std::string::npos);
    CHECK(r.err.find("the org changed since this plan was made: re-run plan") != std::string::npos);
    CHECK(r.err.find("Nothing was changed.") != std::string::npos);
    CHECK(t.sandbox.writes().empty());
    CHECK(reads_of(t.sandbox) == kTwoListings);
    CHECK(t.sandbox.state() == before);
    CHECK(r.out.find("Applying") == std::string::npos);
  }
}

TEST_CASE("the stale message says what moved under the plan") {
  Pipeline t;
  t.saved_plan();
  REQUIRE(admin_api_call(t.sandbox, "PATCH", kV2 + "/groups/" + kStaging + "/apiKeys/65f0c0ffee00000000000002",
                         R"({"roles":["GROUP_OWNER"]})", kAdmin, kAdminSecret) == 200);
  const RunResult r = t.elsewhere({"apply", "plan.json", "--auto-approve"});
  CHECK(r.err.find("key zmmrboas in payments-staging now has [GROUP_OWNER]; the plan expected [GROUP_READ_ONLY]") !=
        std::string::npos);
}

TEST_CASE("a plan file edited, truncated or damaged is refused before any request") {
  Pipeline t;
  const std::string original = read_file(t.saved_plan());
  struct Tamper {
    const char* what;
    std::string text;
  };
  const std::vector<Tamper> tampered = {
      {"a role changed", replace_first(original, "\"GROUP_CLUSTER_MANAGER\"", "\"GROUP_READ_ONLY\"")},
      {"an action kind changed", replace_first(original, "\"action\": \"unassign\"", "\"action\": \"update_roles\"")},
      {"an unknown action kind", replace_first(original, "\"action\": \"delete_key\"", "\"action\": \"destroy\"")},
      {"a key id changed", replace_first(original, "65f0c0ffee00000000000006", "65f0c0ffee00000000000005")},
      {"an action removed", edit_json(original, [](json& d) { d["actions"].erase(d["actions"].size() - 1); })},
      {"an action removed, summary fixed", edit_json(original, [](json& d) {
         d["actions"].erase(d["actions"].size() - 1);
         d["summary"]["delete_key"] = 0;
       })},
      {"an action added", edit_json(original, [](json& d) { d["actions"].push_back(d["actions"][3]); })},
      {"the fingerprint replaced", edit_json(original, [](json& d) { d["fingerprint"] = std::string(64, 'a'); })},
      {"the org replaced", replace_first(original, "\"org_id\": \"" + kOrg, "\"org_id\": \"5a0a1e7e0f2912c554080add")},
      {"the host replaced", edit_json(original, [](json& d) { d["target"]["base_url"] = "https://collector.example.com"; })},
      {"the checksum removed", edit_json(original, [](json& d) { d.erase("checksum"); })},
      {"a wrong type", edit_json(original, [](json& d) { d["actions"][0]["roles_after"] = "GROUP_OWNER"; })},
      {"truncated", original.substr(0, original.size() * 2 / 3)},
      {"empty", ""},
      {"not json", "plan: yes\n"},
  };
  for (const auto& tamper : tampered) {
    CAPTURE(tamper.what);
    t.other.write("tampered.json", tamper.text);
    t.sandbox.clear_requests();
    const RunResult r = t.elsewhere({"apply", "tampered.json", "--auto-approve"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("plan file tampered.json has been modified or is corrupt") != std::string::npos);
    CHECK(r.out.empty());
    CHECK(t.sandbox.requests().empty());
  }
  // The untouched file still applies.
  CHECK(t.elsewhere({"apply", "plan.json", "--auto-approve"}).exit_code == 0);
}

TEST_CASE("a printed json plan is not a plan file; a missing plan file is a clear error") {
  Pipeline t;
  const RunResult printed = t.in_repo({"plan", "--format", "json"});
  REQUIRE(printed.exit_code == 0);
  t.other.write("printed.json", printed.out);
  t.sandbox.clear_requests();
  RunResult r = t.elsewhere({"apply", "printed.json", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("plan printed by --format json") != std::string::npos);
  r = t.elsewhere({"apply", "missing.json", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("missing.json") != std::string::npos);
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("a plan for another org or API family than the config or MONGODB_ATLAS_ORG_ID is refused") {
  Pipeline t;
  t.saved_plan();
  const std::string other_org = replace_first(read_file(source_path("examples/keyform.toml")), kOrg, "5a0a1e7e0f2912c554080add");
  const std::string other_api = replace_first(read_file(source_path("examples/keyform.toml")), "\"atlas-v2\"", "\"atlas-v1\"");
  t.sandbox.clear_requests();

  // ./keyform.toml in the working directory
  t.other.write("keyform.toml", other_org);
  RunResult r = t.elsewhere({"apply", "plan.json", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("refusing plan file plan.json: the plan is for org " + kOrg +
                   " (atlas-v2), but keyform.toml targets org 5a0a1e7e0f2912c554080add") != std::string::npos);
  std::filesystem::remove(t.other.path() + "/keyform.toml");

  // -c FILE
  t.other.write("v1.toml", other_api);
  r = t.elsewhere({"apply", "plan.json", "-c", "v1.toml", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("but v1.toml targets org " + kOrg + " (atlas-v1)") != std::string::npos);

  // MONGODB_ATLAS_ORG_ID
  t.env["MONGODB_ATLAS_ORG_ID"] = "5a0a1e7e0f2912c554080add";
  r = t.elsewhere({"apply", "plan.json", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("but MONGODB_ATLAS_ORG_ID is 5a0a1e7e0f2912c554080add") != std::string::npos);
  t.env["MONGODB_ATLAS_ORG_ID"] = kOrg;

  // another API host than this environment's
  t.env["MONGODB_ATLAS_BASE_URL"] = "https://cloud.mongodb.com";
  r = t.elsewhere({"apply", "plan.json", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("here the API host is https://cloud.mongodb.com") != std::string::npos);

  CHECK(t.sandbox.requests().empty());
  t.env["MONGODB_ATLAS_BASE_URL"] = t.sandbox.base_url();
  CHECK(t.elsewhere({"apply", "plan.json", "--auto-approve"}).exit_code == 0);  // the right org applies
}

TEST_CASE("a saved plan never takes access from the key keyform now runs as") {
  Pipeline t;
  t.saved_plan();  // unassigns contrac1 from two projects
  t.sandbox.clear_requests();
  t.env["MONGODB_ATLAS_PUBLIC_API_KEY"] = "contrac1";
  t.env["MONGODB_ATLAS_PRIVATE_API_KEY"] = "f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a06";
  const RunResult r = t.elsewhere({"apply", "plan.json", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("keyform is now authenticating with that key (contrac1)") != std::string::npos);
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("apply PLANFILE without a terminal needs --auto-approve; without credentials it says so") {
  Pipeline t;
  t.saved_plan();
  t.sandbox.clear_requests();
  RunResult r = t.elsewhere({"apply", "plan.json"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--auto-approve") != std::string::npos);
  t.env.erase("MONGODB_ATLAS_PRIVATE_API_KEY");
  r = t.elsewhere({"apply", "plan.json", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("MONGODB_ATLAS_PRIVATE_API_KEY") != std::string::npos);
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("an empty saved plan applies nothing; a replayed plan is stale") {
  Pipeline t;
  t.saved_plan();
  REQUIRE(t.elsewhere({"apply", "plan.json", "--auto-approve"}).exit_code == 0);
  // The same plan again: the org is no longer the one it was made from.
  t.sandbox.clear_requests();
  RunResult r = t.elsewhere({"apply", "plan.json", "--auto-approve"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("stale") != std::string::npos);
  CHECK(t.sandbox.writes().empty());
  // A fresh plan of the converged org is empty, and applying it changes nothing.
  t.saved_plan("empty.json");
  t.sandbox.clear_requests();
  r = t.elsewhere({"apply", "empty.json", "--auto-approve"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No changes.") != std::string::npos);
  CHECK(t.sandbox.writes().empty());
}

TEST_CASE("plan --out with markdown: a PR comment on stdout, the plan in the file, exit 2 on changes") {
  Pipeline t;
  const RunResult r = t.in_repo({"plan", "--format", "markdown", "--out", "plan.json", "--detailed-exitcode"});
  INFO(r.all());
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("| Key | Project | Roles | Reason |") != std::string::npos);
  CHECK(r.out.find("**Plan: 1 to assign, 2 to update, 3 to unassign, 1 to delete.**") != std::string::npos);
  CHECK(r.out.find("### Skipped") != std::string::npos);
  CHECK(r.out.find('\033') == std::string::npos);
  CHECK(r.out.find("Saved the plan") == std::string::npos);  // the comment stays one document
  CHECK(r.err.find("keyform apply plan.json") != std::string::npos);
  const json plan = json::parse(read_file(t.repo.path() + "/plan.json"));
  CHECK(plan["format_version"] == 1);
  CHECK(plan["summary"]["unassign"] == 3);
  CHECK(plan["target"]["base_url"] == t.sandbox.base_url());
  // No secret in the plan file.
  const std::string text = read_file(t.repo.path() + "/plan.json");
  for (const auto& secret : secrets_of(t.fixture)) CHECK(text.find(secret) == std::string::npos);
}

TEST_CASE("json output with --out is the same document as the plan file, minus what apply needs to check it") {
  Pipeline t;
  const RunResult r = t.in_repo({"plan", "--format", "json", "--out", "plan.json"});
  REQUIRE(r.exit_code == 0);
  json printed = json::parse(r.out);
  json saved = json::parse(read_file(t.repo.path() + "/plan.json"));
  for (const char* field : {"fingerprint", "access_lists_read", "config_sha256", "checksum"}) saved.erase(field);
  CHECK(printed == saved);
}

TEST_CASE("no plan file is written when the plan trips max_destroy") {
  Pipeline t;
  t.repo.write("keyform.toml", replace_first(read_file(source_path("examples/keyform.toml")), "max_destroy = 10",
                                             "max_destroy = 1"));
  const RunResult r = t.in_repo({"plan", "--out", "plan.json"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no plan file was written") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(t.repo.path() + "/plan.json"));
}

TEST_CASE("export round trip: 300 keys x 40 projects, by id and by name, plans no changes") {
  const json fixture = big_org(300, 40);
  Sandbox sandbox(fixture);
  TempDir dir;
  const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
  for (const bool by_name : {false, true}) {
    CAPTURE(by_name);
    std::vector<std::string> args{"export", "--org", kOrg};
    if (by_name) args.push_back("--by-name");
    sandbox.clear_requests();
    const RunResult exported = keyform(args, env, dir.path());
    INFO(exported.err);
    REQUIRE(exported.exit_code == 0);
    // 301 keys and 40 projects: one page each; then each key's access list, one GET per key.
    std::vector<std::string> listings;
    std::size_t access_lists = 0;
    for (const auto& path : reads_of(sandbox)) {
      if (path.ends_with("/accessList")) {
        ++access_lists;
      } else {
        listings.push_back(path);
      }
    }
    // Export writes the org's service accounts too: their listing is the third (the org has none).
    std::vector<std::string> expected = kTwoListings;
    expected.push_back(kV2 + "/orgs/" + kOrg + "/serviceAccounts");
    CHECK(listings == expected);
    CHECK(access_lists == fixture["keys"].size());
    CHECK(sandbox.writes().empty());
    for (const auto& secret : secrets_of(fixture)) CHECK(exported.out.find(secret) == std::string::npos);
    // Every key is in the file.
    for (const auto& key : fixture["keys"]) {
      CHECK(exported.out.find("public_key = \"" + key["public_key"].get<std::string>() + "\"") != std::string::npos);
    }
    CHECK(exported.out.find("\"ünïcode ☃\"") != std::string::npos);
    CHECK((exported.out.find("\"team \\\"alpha\\\"\" = [") != std::string::npos) == by_name);

    dir.write("keyform.toml", exported.out);
    const RunResult valid = keyform({"validate"}, {}, dir.path());
    CHECK(valid.exit_code == 0);
    const RunResult plan = keyform({"plan", "--detailed-exitcode"}, env, dir.path());
    INFO(plan.all());
    CHECK(plan.exit_code == 0);
    CHECK(plan.out.find("No changes. The org matches the configuration.") != std::string::npos);
    // Even when keyform is made the only way to reach a project, nothing changes.
    dir.write("keyform.toml", replace_first(exported.out, "undeclared_keys = \"ignore\"", "undeclared_keys = \"delete\""));
    CHECK(keyform({"plan", "--detailed-exitcode"}, env, dir.path()).exit_code == 0);
  }
}

TEST_CASE("export and show find their target: flags, then keyform.toml, then environment") {
  Pipeline t;
  // From ./keyform.toml ([target] org_id), the host from the environment.
  RunResult r = t.in_repo({"export"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("org_id = \"" + kOrg + "\"") != std::string::npos);

  // From MONGODB_ATLAS_ORG_ID, with no config anywhere.
  t.env["MONGODB_ATLAS_ORG_ID"] = kOrg;
  r = t.elsewhere({"show"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Org " + kOrg) != std::string::npos);

  // The flag wins over the environment (which here names an org the sandbox does not have).
  t.env["MONGODB_ATLAS_ORG_ID"] = "5a0a1e7e0f2912c554080add";
  r = t.elsewhere({"show", "--org", kOrg});
  CHECK(r.exit_code == 0);
  r = t.elsewhere({"show"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("show: reading org 5a0a1e7e0f2912c554080add: GET " + kV2 + "/orgs/5a0a1e7e0f2912c554080add/apiKeys") !=
        std::string::npos);
  CHECK(r.err.find("404") != std::string::npos);

  // No org at all: a clear error before any request.
  t.env.erase("MONGODB_ATLAS_ORG_ID");
  t.sandbox.clear_requests();
  r = t.elsewhere({"export"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no organization: pass --org ID") != std::string::npos);
  r = t.elsewhere({"export", "--org", "not-an-org"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--org \"not-an-org\" is not an org id") != std::string::npos);
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("the README's adoption steps: export > keyform.toml, validate, plan says No changes") {
  Pipeline t;
  t.env["MONGODB_ATLAS_ORG_ID"] = kOrg;
  // The shell creates (empty) keyform.toml before export runs: export must not read it as a config.
  RunResult r = run("/bin/sh", {"-c", std::string(KEYFORM_BIN) + " export --by-name > keyform.toml"}, t.env, t.other.path());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(t.elsewhere({"validate"}).exit_code == 0);
  r = t.elsewhere({"plan", "--detailed-exitcode"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No changes.") != std::string::npos);

  // A broken ./keyform.toml is only a note when flags and environment already name the target...
  t.other.write("keyform.toml", "[target\n");
  r = t.elsewhere({"show"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("Note: not using keyform.toml for the target: keyform.toml:1:") != std::string::npos);
  // ...but an explicit -c must be valid.
  r = t.elsewhere({"show", "-c", "keyform.toml"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("keyform.toml:1:") == 0);
}

TEST_CASE("export and show report API failures with context") {
  Pipeline t;
  t.env["MONGODB_ATLAS_PRIVATE_API_KEY"] = "wrong-secret-value";
  for (const std::string command : {"export", "show"}) {
    const RunResult r = t.elsewhere({command, "--org", kOrg});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(command + ": reading org " + kOrg + ": GET " + kV2 + "/orgs/" + kOrg + "/apiKeys") !=
          std::string::npos);
    CHECK(r.err.find("401") != std::string::npos);
    CHECK(r.err.find("wrong-secret-value") == std::string::npos);
  }
}

// show reads the service-account listing too; this org has none, so no per-account read follows.
const std::vector<std::string> kShowListings = {kTwoListings[0], kTwoListings[1],
                                                kV2 + "/orgs/" + kOrg + "/serviceAccounts"};

TEST_CASE("show lists every key and project, in every format, from the three listings only") {
  Pipeline t;
  const json state = t.sandbox.state();
  for (const std::string format : {"text", "json", "markdown"}) {
    CAPTURE(format);
    t.sandbox.clear_requests();
    const RunResult r = t.elsewhere({"show", "--org", kOrg, "--format", format});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find('\033') == std::string::npos);
    CHECK(reads_of(t.sandbox) == kShowListings);
    CHECK(t.sandbox.writes().empty());
    for (const auto& key : state["keys"]) CHECK(r.out.find(key["public_key"].get<std::string>()) != std::string::npos);
    for (const auto& project : state["projects"]) {
      CHECK(r.out.find(project["name"].get<std::string>()) != std::string::npos);
      CHECK(r.out.find(project["id"].get<std::string>()) != std::string::npos);
    }
    if (format == "markdown") {
      CHECK(r.out.find("### Keys × projects") != std::string::npos);
      CHECK(r.out.find("| Key | analytics | legacy-app | payments-prod | payments-staging |") != std::string::npos);
      CHECK(r.out.find("| `oldci001` |  |  | OWNER | OWNER |") != std::string::npos);
    }
    if (format == "json") {
      const json doc = json::parse(r.out);
      CHECK(doc["keys"].size() == state["keys"].size());
      CHECK(doc["projects"].size() == state["projects"].size());
      for (const auto& key : doc["keys"]) {
        CHECK(key["projects"].size() == assignments(state, key["public_key"]).size());
        for (const auto& p : key["projects"]) CHECK(assignments(state, key["public_key"])[p["id"].get<std::string>()] == p["roles"]);
      }
    }
  }
}

TEST_CASE("validate checks offline: no request, no credentials, positions on errors") {
  Pipeline t;
  t.sandbox.clear_requests();
  RunResult r = keyform({"validate"}, {}, t.repo.path());  // no environment at all
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("keyform.toml: valid: org " + kOrg + " (atlas-v2), 4 keys (1 absent)") != std::string::npos);

  t.other.write("bad.toml", target_toml() +
                                "[[keys]]\npublic_key = \"zmmrboas\"\n[keys.projects]\n\"payments-prod\" = [\"READ_ONLY\"]\n"
                                "[[keys]]\npublik_key = \"x\"\n");
  r = t.run({"validate", "-c", "bad.toml"}, t.other.path());  // with credentials and a base URL set
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("bad.toml:10:20: invalid role \"READ_ONLY\"") != std::string::npos);
  CHECK(r.err.find("bad.toml:12:1: unknown field \"publik_key\"") != std::string::npos);
  CHECK(r.out.empty());

  r = keyform({"validate"}, {}, t.other.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("keyform.toml: cannot read") != std::string::npos);
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("every example config validates") {
  TempDir dir;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("examples"))) {
    if (entry.path().extension() != ".toml") continue;
    CAPTURE(entry.path().string());
    const RunResult r = keyform({"validate", "-c", entry.path().string()}, {}, dir.path());
    INFO(r.err);
    CHECK(r.exit_code == 0);
  }
}

TEST_CASE("--help of each new command reads like a man page") {
  TempDir dir;
  for (const std::string command : {"plan", "apply", "export", "show", "validate"}) {
    CAPTURE(command);
    const RunResult r = keyform({command, "--help"}, {}, dir.path());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Usage: keyform " + command) != std::string::npos);
    CHECK(r.out.find("DESCRIPTION") != std::string::npos);
    CHECK(r.out.find("EXIT STATUS") != std::string::npos);
    CHECK(r.out.find("EXAMPLES") != std::string::npos);
  }
  CHECK(keyform({"plan", "--help"}, {}, dir.path()).out.find("--out PLANFILE") != std::string::npos);
  CHECK(keyform({"apply", "--help"}, {}, dir.path()).out.find("PLANFILE") != std::string::npos);
  CHECK(keyform({"export", "--help"}, {}, dir.path()).out.find("--by-name") != std::string::npos);
  CHECK(keyform({"show", "--format", "yaml"}, {}, dir.path()).exit_code == 1);
}
