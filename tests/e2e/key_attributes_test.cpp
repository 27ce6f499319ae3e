// Key attributes (desc, org roles) and IP access lists end to end against keyform-sandbox (issue
// 12): converging a drifted org on every family, entries compared by value, stale saved plans,
// the self-key and protected-key guards, max_destroy counting removals, and the 409/404 races.
// Cases whose outcome is decided by the planner alone run on one family each, a different one per
// case, so every family is still exercised without paying four sandboxes per case.
#include <doctest/doctest.h>

#include <algorithm>

#include "key_attributes_fixture.h"

using namespace e2e;
using namespace e2e::attrs;

namespace {

const std::string kNoChanges = "No changes. The org matches the configuration.";

std::multiset<std::string> drifted_actions() {
  return {"update_key zmmrboas",
          "add_access_entry zmmrboas 198.51.100.0/24",
          "add_access_entry zmmrboas " + kV6Net32,
          "remove_access_entry zmmrboas 10.0.0.0/8",
          "update_key analyst1",
          "add_access_entry analyst1 " + kV6Host7,
          "remove_access_entry analyst1 192.0.2.10/32",
          "remove_access_entry analyst1 " + kV6Net2,
          "remove_access_entry oldci001 198.51.100.0/24"};
}

// The removal of an org role runs with the removals: after every grant of the plan.
void check_update_ordering(const json& actions) {
  std::size_t last_grant = 0, analyst_update = 0;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const bool ci_update = actions[i]["action"] == "update_key" && actions[i]["key"]["public_key"] == "zmmrboas";
    if (actions[i]["action"] == "add_access_entry" || ci_update) {
      last_grant = i;
    }
    if (actions[i]["action"] == "update_key" && actions[i]["key"]["public_key"] == "analyst1") analyst_update = i;
  }
  CHECK(analyst_update > last_grant);
}

void check_drifted_plan_json(const json& plan) {
  const json& actions = plan["actions"];
  CHECK(action_names(actions) == drifted_actions());
  CHECK(plan["skipped"].empty());
  for (const auto& a : actions) {
    CAPTURE(a.dump());
    CHECK(a["reason_code"].get<std::string>() ==
          (a["action"] == "update_key" ? "attributes_differ"
           : a["action"] == "add_access_entry" ? "access_entry_declared" : "access_entry_not_declared"));
  }
  const json& ci = find_action(actions, "update_key", "zmmrboas");
  CHECK(ci["before"] == json{{"desc", "CI deployer"}, {"org_roles", {"ORG_MEMBER"}}});
  CHECK(ci["after"] == json{{"desc", "CI deployer (payments)"}, {"org_roles", {"ORG_BILLING_READ_ONLY", "ORG_MEMBER"}}});
  const json& analyst = find_action(actions, "update_key", "analyst1");
  CHECK(analyst["before"] == json{{"org_roles", {"ORG_MEMBER", "ORG_READ_ONLY"}}});  // desc not declared: left out
  CHECK(analyst["after"] == json{{"org_roles", {"ORG_MEMBER"}}});
  check_update_ordering(actions);
  CHECK(plan["summary"]["update_key"] == 2);
  CHECK(plan["summary"]["add_access_entry"] == 3);
  CHECK(plan["summary"]["remove_access_entry"] == 4);
}

void check_drifted_plan_text(const std::string& out) {
  for (const std::string& line : std::vector<std::string>{
           "~ update key: desc \"CI deployer\" -> \"CI deployer (payments)\", org roles [ORG_MEMBER] -> "
           "[ORG_BILLING_READ_ONLY, ORG_MEMBER]  # description and org roles differ",
           "~ update key: org roles [ORG_MEMBER, ORG_READ_ONLY] -> [ORG_MEMBER]  # org roles differ",
           "+ add 198.51.100.0/24 to the access list  # declared in access_list",
           "+ add " + kV6Net32 + " to the access list",
           "+ add " + kV6Host7 + " to the access list",
           "- remove 10.0.0.0/8 from the access list  # not in the declared access_list",
           "- remove 192.0.2.10/32 from the access list",
           "- remove " + kV6Net2 + " from the access list",
           "- remove 198.51.100.0/24 from the access list",
           "Plan: 0 to assign, 0 to update, 2 keys to update, 3 access-list entries to add, 0 to unassign, "
           "4 access-list entries to remove, 0 to delete.",
       }) {
    CHECK_MESSAGE(contains(out, line), line);
  }
  CHECK_FALSE(contains(out, "contrac1"));  // its list is not declared: nothing to say about it
}

// ⌈K/page⌉ + ⌈P/page⌉ + one page per declared list, and no list read that the file does not declare.
void check_plan_reads(const Scene& s) {
  std::multiset<std::string> paths;
  for (const auto& r : answered_reads(s.sandbox)) {
    CHECK(contains(r["query"].get<std::string>(), "pageNum=1&itemsPerPage=" + std::to_string(s.family.page_size)));
    paths.insert(r["path"].get<std::string>());
  }
  const std::string org = s.family.base_path + "/orgs/" + kOrg;
  CHECK(paths == std::multiset<std::string>{org + "/apiKeys", org + "/groups", s.key_path("zmmrboas") + "/accessList",
                                            s.key_path("analyst1") + "/accessList",
                                            s.key_path("oldci001") + "/accessList"});
}

// One PATCH per updated key, one POST per added entry, one DELETE per removed one (a CIDR's "/" as %2F).
void check_drifted_writes(const Scene& s) {
  const std::string ci = s.key_path("zmmrboas"), analyst = s.key_path("analyst1");
  CHECK(served_writes(s.sandbox) ==
        std::multiset<std::string>{
            "PATCH " + ci, "POST " + ci + "/accessList", "POST " + ci + "/accessList",
            "DELETE " + ci + "/accessList/10.0.0.0%2F8", "PATCH " + analyst, "POST " + analyst + "/accessList",
            "DELETE " + analyst + "/accessList/192.0.2.10",
            "DELETE " + analyst + "/accessList/2001:0db8:0002:0000:0000:0000:0000:0000%2F48",
            "DELETE " + s.key_path("oldci001") + "/accessList/198.51.100.0%2F24"});
}

// `contractor`: the list of the key whose list is not declared, which keyform never touches.
void check_converged_state(const json& state, const std::set<std::string>& contractor = {"198.51.100.9/32"}) {
  const json ci = state_key(state, "zmmrboas");
  CHECK(ci["desc"] == "CI deployer (payments)");
  CHECK(as_set(ci["org_roles"]) == std::set<std::string>{"ORG_BILLING_READ_ONLY", "ORG_MEMBER"});
  CHECK(as_set(ci["access_list"]) == std::set<std::string>{"203.0.113.7/32", "198.51.100.0/24", kV6Net32});
  const json analyst = state_key(state, "analyst1");
  CHECK(analyst["desc"] == "analytics team");
  CHECK(as_set(analyst["org_roles"]) == std::set<std::string>{"ORG_MEMBER"});
  CHECK(as_set(analyst["access_list"]) == std::set<std::string>{kV6Net1, kV6Host7});
  CHECK(state_key(state, "oldci001")["access_list"].empty());
  CHECK(as_set(state_key(state, "contrac1")["access_list"]) == contractor);
  CHECK(state_key(state, kAdmin)["org_roles"] == json{"ORG_OWNER"});
}

}  // namespace

TEST_CASE("key attributes: a drifted org converges on every family, one call per change") {
  for (const auto& family : kFamilies) {
    CAPTURE(family.api);
    Scene s(family, drifted_org(), drifted_keys_toml());

    const RunResult plan = s.run({"plan", "--format", "json"});
    INFO(plan.all());
    REQUIRE(plan.exit_code == 0);
    check_drifted_plan_json(json::parse(plan.out));
    check_plan_reads(s);
    CHECK(s.sandbox.writes().empty());
    check_drifted_plan_text(s.run({"plan"}).out);

    s.sandbox.clear_requests();
    const RunResult apply = s.run({"apply", "--auto-approve"});
    INFO(apply.all());
    REQUIRE(apply.exit_code == 0);
    CHECK(contains(apply.out, "Verified: the org matches the configuration."));
    check_drifted_writes(s);
    check_converged_state(s.sandbox.state());

    const RunResult again = s.run({"plan", "--detailed-exitcode"});
    CHECK(again.exit_code == 0);
    CHECK(contains(again.out, kNoChanges));
  }
}

TEST_CASE("key attributes: a long access list is read page by page, and only that key's") {
  // Atlas v1.0 reads 100 per page: 150 entries are two pages; the undeclared key's list is never read.
  json entries = json::array();
  for (int i = 0; i < 150; ++i) entries.push_back("10.1." + std::to_string(i / 100) + "." + std::to_string(i % 100));
  const json org = org_with({admin_key(), fixture_key("zmmrboas", "CI", {"ORG_MEMBER"}, entries),
                             fixture_key("contrac1", "c", {"ORG_MEMBER"}, {"203.0.113.0/24"})});
  Scene s(family_named("atlas-v1"), org,
          "[[keys]]\npublic_key = \"kfadmin1\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n"
          "[[keys]]\npublic_key = \"zmmrboas\"\naccess_list = " + entries.dump() + "\n[keys.projects]\n");
  const RunResult r = s.run({"plan", "--detailed-exitcode"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, kNoChanges));
  std::multiset<std::string> list_pages;
  for (const auto& req : answered_reads(s.sandbox)) {
    if (contains(req["path"], "/accessList")) list_pages.insert(req["path"].get<std::string>() + "?" + req["query"].get<std::string>());
  }
  const std::string list = s.key_path("zmmrboas") + "/accessList?pageNum=";
  CHECK(list_pages == std::multiset<std::string>{list + "1&itemsPerPage=100", list + "2&itemsPerPage=100"});
  CHECK(answered_reads(s.sandbox).size() == 4);  // keys, projects, 2 access-list pages
}

TEST_CASE("key attributes: entries are compared by value, not by spelling, on every family") {
  for (const auto& family : kFamilies) {
    CAPTURE(family.api);
    const json org = org_with({admin_key(), fixture_key("zmmrboas", "CI", {"ORG_MEMBER"},
                                                        {"203.0.113.7/32", "2001:db8::1", "198.51.100.0/24"})});
    Scene s(family, org,
            "[[keys]]\npublic_key = \"kfadmin1\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n"
            "[[keys]]\npublic_key = \"zmmrboas\"\n"
            "access_list = [\"203.0.113.7\", \"2001:0DB8:0:0:0:0:0:1/128\", \"198.51.100.0/24\"]\n[keys.projects]\n");
    const RunResult r = s.run({"plan", "--detailed-exitcode"});
    INFO(r.all());
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, kNoChanges));
  }
}

namespace {

// The drifted org with one more org owner, breakgl1, whose credentials stand for another person.
json drifted_org_with_other_owner() {
  json org = drifted_org();
  org["keys"].push_back(fixture_key("breakgl1", "break-glass", {"ORG_OWNER"}, json::array()));
  return org;
}

// A direct v2 call as breakgl1: the sandbox's state is shared by every family's paths.
int as_other_owner(const Scene& s, const std::string& method, const std::string& key, const std::string& rest,
                   const std::string& body) {
  const std::string path = "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/" + kKeyIds.at(key) + rest;
  return admin_api_call(s.sandbox, method, path, body, "breakgl1", "attr-secret-breakgl1-0000");
}

// apply FILE refused as stale: exit 1, no write, the org as it was.
void check_refused_as_stale(const Scene& s, const std::string& detail) {
  const json before = s.sandbox.state();
  s.sandbox.clear_requests();
  const RunResult r = s.run({"apply", "plan.json", "--auto-approve"});
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "plan file plan.json is stale: the org changed since this plan was made"));
  CHECK(contains(r.err, detail));
  CHECK(contains(r.err, "Nothing was changed."));
  CHECK(s.sandbox.writes().empty());
  CHECK(s.sandbox.state() == before);
}

}  // namespace

TEST_CASE("key attributes: a saved plan is refused as stale once an access list it read changed, on every family") {
  for (const auto& family : kFamilies) {
    CAPTURE(family.api);
    Scene s(family, drifted_org_with_other_owner(), drifted_keys_toml());
    const RunResult saved = s.run({"plan", "--out", "plan.json"});
    INFO(saved.all());
    REQUIRE(saved.exit_code == 0);
    // Someone else adds the very entry the plan would add.
    REQUIRE(as_other_owner(s, "POST", "zmmrboas", "/accessList", R"([{"cidrBlock":"198.51.100.0/24"}])") == 200);
    check_refused_as_stale(s, "key zmmrboas (" + kKeyIds.at("zmmrboas") + ") already has 198.51.100.0/24 in its access list");
  }
}

TEST_CASE("key attributes: only the access lists a saved plan read make it stale") {
  const Family& family = family_named("cloud-manager");
  SUBCASE("an entry the plan does not mention, on a list it read: stale") {
    Scene s(family, drifted_org_with_other_owner(), drifted_keys_toml());
    REQUIRE(s.run({"plan", "--out", "plan.json"}).exit_code == 0);
    REQUIRE(as_other_owner(s, "POST", "oldci001", "/accessList", R"([{"ipAddress":"192.0.2.1"}])") == 200);
    check_refused_as_stale(s, "(fingerprint ");
  }
  SUBCASE("an entry on a list the file does not declare: the plan still holds and applies") {
    Scene s(family, drifted_org_with_other_owner(), drifted_keys_toml());
    REQUIRE(s.run({"plan", "--out", "plan.json"}).exit_code == 0);
    REQUIRE(as_other_owner(s, "POST", "contrac1", "/accessList", R"([{"ipAddress":"192.0.2.1"}])") == 200);
    const RunResult r = s.run({"apply", "plan.json", "--auto-approve"});
    INFO(r.all());
    CHECK(r.exit_code == 0);
    check_converged_state(s.sandbox.state(), {"198.51.100.9/32", "192.0.2.1/32"});
  }
}

namespace {

const std::string kSelfReason = "keyform authenticates with this key";
const std::string kProtectedReason = "protected key (policy.protected_keys)";

// keyform's own key loses an org role and an entry and gains both plus a desc; the protected key
// differs in everything.
json guarded_org() {
  return org_with({admin_key({"ORG_OWNER", "ORG_BILLING_ADMIN"}, {"127.0.0.1", "10.0.0.0/8"}),
                   fixture_key("breakgl1", "break-glass", {"ORG_OWNER"}, {"198.51.100.0/24"}, {{kProd, {"GROUP_OWNER"}}})});
}

const char* kGuardedKeys = R"toml(
[[keys]]
public_key = "kfadmin1"
desc = "keyform (renamed)"
org_roles = ["ORG_OWNER", "ORG_GROUP_CREATOR"]
access_list = ["127.0.0.1", "203.0.113.7"]
[keys.projects]
"payments-prod" = ["GROUP_OWNER"]

[[keys]]
public_key = "breakgl1"
desc = "renamed"
org_roles = ["ORG_MEMBER"]
access_list = ["203.0.113.7"]
[keys.projects]
)toml";

void check_guarded_plan(const json& plan) {
  CHECK(action_names(plan["actions"]) ==
        std::multiset<std::string>{"update_key kfadmin1", "add_access_entry kfadmin1 203.0.113.7/32"});
  // The gains of the update: the new desc, and the new role beside every role the key has.
  CHECK(find_action(plan["actions"], "update_key", kAdmin)["after"] ==
        json{{"desc", "keyform (renamed)"}, {"org_roles", {"ORG_BILLING_ADMIN", "ORG_GROUP_CREATOR", "ORG_OWNER"}}});
  CHECK(action_names(plan["skipped"]) ==
        std::multiset<std::string>{"update_key kfadmin1", "remove_access_entry kfadmin1 10.0.0.0/8",
                                   "update_key breakgl1", "add_access_entry breakgl1 203.0.113.7/32",
                                   "remove_access_entry breakgl1 198.51.100.0/24", "unassign breakgl1 payments-prod"});
  for (const auto& skipped : plan["skipped"]) {
    CAPTURE(skipped.dump());
    CHECK(skipped["skip_reason"] == (skipped["key"]["public_key"] == kAdmin ? kSelfReason : kProtectedReason));
  }
  // What is skipped of the own key's update is the loss alone: the role it would drop.
  const json& loss = find_action(plan["skipped"], "update_key", kAdmin);
  CHECK(loss["after"] == json{{"org_roles", {"ORG_GROUP_CREATOR", "ORG_OWNER"}}});
}

}  // namespace

TEST_CASE("key attributes: the key keyform runs as only gains, a protected key is not touched") {
  Scene s(family_named("ops-manager"), guarded_org(), kGuardedKeys, "protected_keys = [\"breakgl1\"]");
  const RunResult plan = s.run({"plan", "--format", "json"});
  INFO(plan.all());
  REQUIRE(plan.exit_code == 0);
  check_guarded_plan(json::parse(plan.out));

  const RunResult apply = s.run({"apply", "--auto-approve"});
  INFO(apply.all());
  REQUIRE(apply.exit_code == 0);
  CHECK(contains(apply.out, "Skipped (keyform never changes these keys):"));
  CHECK(contains(apply.out, "remove 10.0.0.0/8 from the access list: " + kSelfReason));
  CHECK(contains(apply.out, "Verified: the org matches the configuration, apart from 6 differences"));
  CHECK(served_writes(s.sandbox) == std::multiset<std::string>{"PATCH " + s.key_path(kAdmin),
                                                                "POST " + s.key_path(kAdmin) + "/accessList"});
  const json state = s.sandbox.state();
  const json self = state_key(state, kAdmin);
  CHECK(self["desc"] == "keyform (renamed)");
  CHECK(as_set(self["org_roles"]) == std::set<std::string>{"ORG_BILLING_ADMIN", "ORG_GROUP_CREATOR", "ORG_OWNER"});
  CHECK(as_set(self["access_list"]) == std::set<std::string>{"127.0.0.1/32", "10.0.0.0/8", "203.0.113.7/32"});
  CHECK(state_key(state, "breakgl1") == json{{"id", kKeyIds.at("breakgl1")}, {"public_key", "breakgl1"},
                                              {"desc", "break-glass"}, {"org_roles", {"ORG_OWNER"}},
                                              {"projects", {{kProd, {"GROUP_OWNER"}}}},
                                              {"access_list", {"198.51.100.0/24"}}});

  const RunResult again = s.run({"plan", "--detailed-exitcode"});
  CHECK(again.exit_code == 0);
  CHECK(contains(again.out, "No changes. The org still differs from the configuration: 6 differences are left alone"));
}

TEST_CASE("key attributes: a first entry on the own key's empty access list is skipped, not applied") {
  // It would restrict the key to that address, which is not the one keyform calls from.
  Scene s(family_named("atlas-v1"), org_with({admin_key()}),
          "[[keys]]\npublic_key = \"kfadmin1\"\naccess_list = [\"203.0.113.7\"]\n"
          "[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n");
  const RunResult plan = s.run({"plan", "--format", "json"});
  INFO(plan.all());
  REQUIRE(plan.exit_code == 0);
  const json doc = json::parse(plan.out);
  CHECK(doc["actions"].empty());
  CHECK(action_names(doc["skipped"]) == std::multiset<std::string>{"add_access_entry kfadmin1 203.0.113.7/32"});
  CHECK(contains(doc["skipped"][0]["skip_reason"], "a first access-list entry would restrict it to that address"));

  const RunResult apply = s.run({"apply", "--auto-approve"});
  INFO(apply.all());
  CHECK(apply.exit_code == 0);
  CHECK(s.sandbox.writes().empty());
  CHECK(state_key(s.sandbox.state(), kAdmin)["access_list"].empty());
}

TEST_CASE("key attributes: max_destroy counts removed org roles and access-list entries") {
  // The drifted plan removes 1 org role and 4 entries (and unassigns or deletes nothing): 5.
  const Family& family = family_named("atlas-v2");
  SUBCASE("over it: refused before any write") {
    Scene s(family, drifted_org(), drifted_keys_toml(), "max_destroy = 4");
    const RunResult r = s.run({"apply", "--auto-approve"});
    INFO(r.all());
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "the plan removes access 5 times (unassigns, deletes, removed org roles and access-list "
                          "entries), more than policy.max_destroy = 4; refusing to apply it"));
    CHECK(s.sandbox.writes().empty());
    CHECK(state_key(s.sandbox.state(), "oldci001")["access_list"] == json{"198.51.100.0/24"});
  }
  SUBCASE("at it: applied") {
    Scene s(family, drifted_org(), drifted_keys_toml(), "max_destroy = 5");
    const RunResult r = s.run({"apply", "--auto-approve"});
    INFO(r.all());
    CHECK(r.exit_code == 0);
    check_converged_state(s.sandbox.state());
  }
}

namespace {

// The Admin API's own error bodies for the two races.
const std::string kDuplicateBody =
    R"({"detail":"The access list entry 198.51.100.0/24 already exists.","error":409,)"
    R"("errorCode":"DUPLICATE_ACCESS_LIST_ENTRY","parameters":[],"reason":"Conflict"})";
const std::string kNotFoundBody =
    R"({"detail":"No access list entry 10.0.0.0/8.","error":404,)"
    R"("errorCode":"ACCESS_LIST_ENTRY_NOT_FOUND","parameters":[],"reason":"Not Found"})";

int count_calls(const Sandbox& sandbox, const std::string& method, const std::string& path) {
  int n = 0;
  for (const auto& r : sandbox.requests()) n += r["method"] == method && r["path"] == path && r["status"] != 401;
  return n;
}

}  // namespace

TEST_CASE("key attributes: an entry added meanwhile (409) or removed meanwhile (404) is done, with a note, on every family") {
  for (const auto& family : kFamilies) {
    CAPTURE(family.api);
    const json org = org_with({admin_key(), fixture_key("zmmrboas", "CI", {"ORG_MEMBER"}, {"203.0.113.7", "10.0.0.0/8"})});
    Scene s(family, org,
            "[[keys]]\npublic_key = \"kfadmin1\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n"
            "[[keys]]\npublic_key = \"zmmrboas\"\naccess_list = [\"203.0.113.7\", \"198.51.100.0/24\"]\n[keys.projects]\n");
    // '+': the sandbox makes the change, then answers as if another writer had made it first.
    s.sandbox.add_fault("POST:/accessList$:409+:1", kDuplicateBody);
    s.sandbox.add_fault("DELETE:/accessList/10\\.0\\.0\\.0/8$:404+:1", kNotFoundBody);
    const RunResult r = s.run({"apply", "--auto-approve"});
    INFO(r.all());
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "add 198.51.100.0/24 to the access list: done (already in the access list: 409 "
                          "DUPLICATE_ACCESS_LIST_ENTRY"));
    CHECK(contains(r.out, "remove 10.0.0.0/8 from the access list: done (already gone: 404 ACCESS_LIST_ENTRY_NOT_FOUND"));
    CHECK(contains(r.out, "2 of them were already in effect before keyform's call"));
    CHECK(contains(r.out, "Verified: the org matches the configuration."));
    // Neither answer is retried or checked by a repeated write.
    CHECK(count_calls(s.sandbox, "POST", s.key_path("zmmrboas") + "/accessList") == 1);
    CHECK(count_calls(s.sandbox, "DELETE", s.key_path("zmmrboas") + "/accessList/10.0.0.0%2F8") == 1);
    CHECK(as_set(state_key(s.sandbox.state(), "zmmrboas")["access_list"]) ==
          std::set<std::string>{"203.0.113.7/32", "198.51.100.0/24"});
  }
}

TEST_CASE("key attributes: a long access list fits on one line; dots inside strings nest no key") {
  // Three dots per IPv4 address: 100 addresses are 300 dots, more than any key may nest.
  json entries = json::array();
  for (int i = 0; i < 100; ++i) entries.push_back("10.2.0." + std::to_string(i));
  const std::string head = target_toml() + "[[keys]]\npublic_key = \"zmmrboas\"\n";
  TempDir dir;
  dir.write("keyform.toml", head + "access_list = " + entries.dump() + "\n[keys.projects]\n");
  const RunResult ok = keyform({"validate"}, {}, dir.path());
  INFO(ok.all());
  CHECK(ok.exit_code == 0);

  // A key nested that deep is still refused, also where it follows a multi-line string's end.
  std::string deep = "x = [\"\"\"\n\"\"\", {";
  for (int i = 0; i < 300; ++i) deep += "a.";
  dir.write("keyform.toml", head + "[keys.projects]\n" + deep + "a = 1}]\n");
  const RunResult refused = keyform({"validate"}, {}, dir.path());
  CHECK(refused.exit_code == 1);
  CHECK(contains(refused.err, "keyform does not accept keys nested this deeply"));
}
