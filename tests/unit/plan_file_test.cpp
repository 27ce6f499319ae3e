#include "core/plan_file.h"

#include <doctest/doctest.h>

#include "plan_builders.h"

#include "core/fingerprint.h"
#include "render/render.h"

namespace keyform_test_plan_file {

using namespace keyform;
using keyform::testing::make_action;
using nlohmann::json;

namespace {

const std::string kFingerprint = sha256_hex("live");
const std::string kConfigHash = sha256_hex("[target]\n");

Plan sample_plan() {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  const Principal ci{"65f0c0ffee0000000000000a", "cikey001", "CI \"deployer\" ünïcode"};
  const Principal old{"65f0c0ffee0000000000000c", "oldkey01", ""};
  const ProjectInfo prod{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"};
  const ProjectInfo stage{"6523b7e0c1b52d0f1a2b3c02", "staging"};
  plan.actions = {
      make_action(ActionKind::assign, ci, stage, {}, {"GROUP_OWNER"}, "declared in config"),
      make_action(ActionKind::update_roles, ci, prod, {"GROUP_READ_ONLY"}, {"GROUP_CLUSTER_MANAGER", "GROUP_OWNER"}, "roles differ"),
      make_action(ActionKind::unassign, old, stage, {"GROUP_READ_ONLY"}, {}, "undeclared key; policy unassign"),
      make_action(ActionKind::delete_key, old, std::nullopt, {}, {}, "declared with state = \"absent\"",
       {{stage, {"GROUP_READ_ONLY"}}}),
  };
  plan.skipped = {{make_action(ActionKind::unassign, {"65f0c0ffee0000000000000d", "admin001", ""}, prod, {"GROUP_OWNER"}, {}, "x"),
                   "keyform authenticates with this key"}};
  plan.warnings = {{"permission_delete", "keyform runs as admin001, which may not delete keys"}};
  return plan;
}

std::string sample_file() { return write_plan_file({sample_plan(), kFingerprint, kConfigHash}); }

// Re-serialized exactly as keyform writes it, keeping the (now wrong) checksum.
std::string edited(const std::function<void(json&)>& edit) {
  json doc = json::parse(sample_file());
  edit(doc);
  return doc.dump(2) + "\n";
}

// Edited, then given a correct checksum: what a careless tool (or person) could produce. Only the
// structural checks stand between such a file and the executor.
std::string edited_and_resealed(const std::function<void(json&)>& edit) {
  json doc = json::parse(sample_file());
  edit(doc);
  doc["checksum"] = sha256_hex(plan_file_canonical(doc));
  return doc.dump(2) + "\n";
}

void check_corrupt(const std::string& text, const std::string& detail_part) {
  const PlanFileResult r = read_plan_file(text);
  CHECK_FALSE(r.saved.has_value());
  CHECK(r.problem == PlanFileProblem::corrupt);
  CAPTURE(r.detail);
  CHECK(r.detail.find(detail_part) != std::string::npos);
}

bool same_assignments(const std::vector<ProjectRoles>& a, const std::vector<ProjectRoles>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].project.id != b[i].project.id || a[i].project.name != b[i].project.name || a[i].roles != b[i].roles) {
      return false;
    }
  }
  return true;
}

bool same_action(const Action& a, const Action& b) {
  return a.kind == b.kind && a.key.id == b.key.id && a.key.public_key == b.key.public_key && a.key.desc == b.key.desc &&
         a.project.has_value() == b.project.has_value() && (!a.project || (a.project->id == b.project->id &&
                                                                           a.project->name == b.project->name)) &&
         a.roles_before == b.roles_before && a.roles_after == b.roles_after && a.reason == b.reason &&
         same_assignments(a.assignments_before, b.assignments_before);
}

}  // namespace

TEST_CASE("a plan file is the json document plus fingerprint, config hash and checksum") {
  const json doc = json::parse(sample_file());
  json expected = plan_to_json(sample_plan());
  for (const auto& [name, value] : expected.items()) CHECK(doc[name] == value);
  CHECK(doc["format_version"] == kPlanFormatVersion);
  CHECK(doc["fingerprint"] == kFingerprint);
  CHECK(doc["config_sha256"] == kConfigHash);
  CHECK(doc["access_lists_read"] == json::array());
  CHECK(doc.size() == expected.size() + 4);
  json without = doc;
  without.erase("checksum");
  CHECK(doc["checksum"] == sha256_hex(without.dump()));
  CHECK(plan_file_canonical(doc) == without.dump());
}

TEST_CASE("a plan file round-trips to the same plan") {
  const PlanFileResult r = read_plan_file(sample_file());
  INFO(r.detail);
  REQUIRE(r.saved.has_value());
  CHECK(r.problem == PlanFileProblem::none);
  const Plan original = sample_plan();
  const Plan& read = r.saved->plan;
  CHECK(read.target.api == original.target.api);
  CHECK(read.target.org_id == original.target.org_id);
  CHECK(read.target.base_url == original.target.base_url);
  REQUIRE(read.actions.size() == original.actions.size());
  for (std::size_t i = 0; i < read.actions.size(); ++i) CHECK(same_action(read.actions[i], original.actions[i]));
  REQUIRE(read.skipped.size() == 1);
  CHECK(same_action(read.skipped[0].action, original.skipped[0].action));
  CHECK(read.skipped[0].skip_reason == original.skipped[0].skip_reason);
  REQUIRE(read.actions[3].assignments_before.size() == 1);  // the blast radius survives the trip
  CHECK(read.warnings == original.warnings);
  CHECK(r.saved->fingerprint == kFingerprint);
  CHECK(r.saved->config_sha256 == kConfigHash);
  // Writing what was read gives the same bytes.
  CHECK(write_plan_file(*r.saved) == sample_file());
}

TEST_CASE("an empty plan round-trips") {
  Plan empty;
  empty.target = {"ops-manager", "5a0a1e7e0f2912c554080adc", "https://om.example.com:8443"};
  const PlanFileResult r = read_plan_file(write_plan_file({empty, kFingerprint, kConfigHash}));
  REQUIRE(r.saved.has_value());
  CHECK(r.saved->plan.actions.empty());
  CHECK(r.saved->plan.target.base_url == "https://om.example.com:8443");
}

TEST_CASE("every hand edit is caught by the checksum") {
  check_corrupt(edited([](json& d) { d["actions"][2]["action"] = "delete_key"; d["actions"][2].erase("project"); }),
                "");  // refused by its shape before the checksum is even compared
  check_corrupt(edited([](json& d) { d["actions"][0]["roles_after"][0] = "GROUP_READ_ONLY"; }), "checksum does not match");
  check_corrupt(edited([](json& d) { d["actions"][1]["key"]["id"] = "65f0c0ffee0000000000000f"; }), "checksum");
  check_corrupt(edited([](json& d) { d["actions"][0]["project"]["id"] = "6523b7e0c1b52d0f1a2b3c09"; }), "checksum");
  check_corrupt(edited([](json& d) {
                  d["actions"].erase(2);
                  d["summary"]["unassign"] = 0;
                }),
                "checksum");
  check_corrupt(edited([](json& d) { d["target"]["org_id"] = "5a0a1e7e0f2912c554080add"; }), "checksum");
  check_corrupt(edited([](json& d) { d["target"]["base_url"] = "https://evil.example.com"; }), "checksum");
  check_corrupt(edited([](json& d) { d["fingerprint"] = sha256_hex("another org state"); }), "checksum");
  check_corrupt(edited([](json& d) { d["config_sha256"] = sha256_hex("another config"); }), "checksum");
  check_corrupt(edited([](json& d) { d["skipped"].clear(); }), "checksum");
  check_corrupt(edited([](json& d) { d["actions"][3]["reason"] = "because"; }), "checksum");
  check_corrupt(edited([](json& d) { d["checksum"] = sha256_hex("anything"); }), "checksum does not match");
}

TEST_CASE("a removed action is refused even when the summary was fixed up") {
  check_corrupt(edited([](json& d) {
                  d["actions"].erase(0);
                  d["summary"]["assign"] = 0;
                }),
                "checksum does not match");
  // Without fixing the summary, the structure already gives it away.
  check_corrupt(edited_and_resealed([](json& d) { d["actions"].erase(0); }), "summary.assign says 1 but the actions have 0");
}

TEST_CASE("truncated and non-JSON files are refused") {
  const std::string file = sample_file();
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, file.size() / 3, file.size() / 2, file.size() - 3}) {
    CAPTURE(cut);
    const PlanFileResult r = read_plan_file(file.substr(0, cut));
    CHECK(r.problem == PlanFileProblem::corrupt);
    CHECK_FALSE(r.saved.has_value());
  }
  check_corrupt(file.substr(0, file.size() / 2), "not valid JSON");
  check_corrupt("[1, 2, 3]", "an array, not a plan");
  check_corrupt("\"plan\"", "a string, not a plan");
  check_corrupt("{\"format_version\": 1}", "no checksum");
  check_corrupt("\xff\xfe{}", "not valid JSON");
}

TEST_CASE("a printed --format json plan is not a plan file") {
  check_corrupt(render_plan_json(sample_plan()), "plan printed by --format json");
}

TEST_CASE("wrong or missing checksum, fingerprint and hashes") {
  check_corrupt(edited([](json& d) { d.erase("checksum"); }), "no checksum");
  check_corrupt(edited([](json& d) { d["checksum"] = 42; }), "checksum is not a SHA-256");
  check_corrupt(edited([](json& d) { d["checksum"] = "abc"; }), "checksum is not a SHA-256");
  check_corrupt(edited_and_resealed([](json& d) { d.erase("fingerprint"); }), "has no \"fingerprint\"");
  check_corrupt(edited_and_resealed([](json& d) { d["fingerprint"] = "XYZ"; }), "fingerprint is not a SHA-256");
  check_corrupt(edited_and_resealed([](json& d) { d.erase("config_sha256"); }), "has no \"config_sha256\"");
}

TEST_CASE("the structure is checked even when the checksum matches") {
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    const char* detail;
  };
  const std::vector<Case> cases = {
      {"unknown action kind", [](json& d) { d["actions"][0]["action"] = "destroy"; }, "unknown action \"destroy\""},
      {"action kind a number", [](json& d) { d["actions"][0]["action"] = 3; }, "actions[0].action is a number"},
      {"role that is not a role", [](json& d) { d["actions"][0]["roles_after"][0] = "READ_ONLY"; }, "not a project role"},
      {"role a number", [](json& d) { d["actions"][0]["roles_after"][0] = 1; }, "roles_after[0] is a number"},
      {"roles a string", [](json& d) { d["actions"][0]["roles_after"] = "GROUP_OWNER"; }, "roles_after is a string, expected an array"},
      {"repeated role", [](json& d) { d["actions"][1]["roles_after"] = {"GROUP_OWNER", "GROUP_OWNER"}; }, "repeats"},
      {"key id not an id", [](json& d) { d["actions"][1]["key"]["id"] = "65F0C0FFEE0000000000000A"; }, "key.id is not an id"},
      {"key missing", [](json& d) { d["actions"][1].erase("key"); }, "actions[1] has no \"key\""},
      {"key an array", [](json& d) { d["actions"][1]["key"] = json::array(); }, "actions[1].key is an array"},
      {"public key missing", [](json& d) { d["actions"][1]["key"].erase("public_key"); }, "has no \"public_key\""},
      {"project missing", [](json& d) { d["actions"][2].erase("project"); }, "unassign without a project"},
      {"delete with project", [](json& d) { d["actions"][3]["project"] = {{"id", "6523b7e0c1b52d0f1a2b3c01"}, {"name", "p"}}; }, "delete_key with a project"},
      {"project id wrong", [](json& d) { d["actions"][0]["project"]["id"] = "nope"; }, "project.id is not an id"},
      {"unknown action field", [](json& d) { d["actions"][0]["force"] = true; }, "unknown field \"force\""},
      {"unknown top-level field", [](json& d) { d["approved_by"] = "me"; }, "unknown field \"approved_by\""},
      {"assign with roles before", [](json& d) { d["actions"][0]["roles_before"] = {"GROUP_OWNER"}; }, "assign that does not"},
      {"unassign with roles after", [](json& d) { d["actions"][2]["roles_after"] = {"GROUP_OWNER"}; }, "unassign that does not"},
      {"update changing nothing", [](json& d) { d["actions"][1]["roles_after"] = {"GROUP_READ_ONLY"}; }, "changes nothing"},
      {"delete with roles", [](json& d) { d["actions"][3]["roles_before"] = {"GROUP_OWNER"}; }, "delete_key with project roles"},
      {"out of order", [](json& d) { std::swap(d["actions"][0], d["actions"][3]); }, "out of execution order"},
      {"duplicate action", [](json& d) { d["actions"][1] = d["actions"][0]; d["summary"]["assign"] = 2; d["summary"]["update_roles"] = 0; }, "second action for the same key and project"},
      {"empty reason", [](json& d) { d["actions"][0]["reason"] = ""; }, "reason is empty"},
      {"actions an object", [](json& d) { d["actions"] = json::object(); }, "actions is an object"},
      {"actions missing", [](json& d) { d.erase("actions"); }, "has no \"actions\""},
      {"skipped without reason", [](json& d) { d["skipped"][0].erase("skip_reason"); }, "has no \"skip_reason\""},
      {"summary wrong", [](json& d) { d["summary"]["delete_key"] = 5; }, "summary.delete_key says 5"},
      {"summary a string", [](json& d) { d["summary"]["assign"] = "1"; }, "summary.assign is a string"},
      {"target missing", [](json& d) { d.erase("target"); }, "has no \"target\""},
      {"org not an id", [](json& d) { d["target"]["org_id"] = "my-org"; }, "target.org_id is not an id"},
      {"insecure base url", [](json& d) { d["target"]["base_url"] = "http://cloud.example.com"; }, "target.base_url"},
      {"api empty", [](json& d) { d["target"]["api"] = ""; }, "target.api is empty"},
      {"format_version a float", [](json& d) { d["format_version"] = 1.5; }, "format_version is not an integer"},
      {"format_version missing", [](json& d) { d.erase("format_version"); }, "no format_version"},
      {"delete without blast radius", [](json& d) { d["actions"][3].erase("assignments_before"); },
       "actions[3] is a delete_key without assignments_before (written by an older keyform? run plan again)"},
      {"blast radius on an assign", [](json& d) { d["actions"][0]["assignments_before"] = json::array(); },
       "actions[0] is an assign with assignments_before"},
      {"blast radius an object", [](json& d) { d["actions"][3]["assignments_before"] = json::object(); },
       "actions[3].assignments_before is an object"},
      {"lost project without roles", [](json& d) { d["actions"][3]["assignments_before"][0]["roles"] = json::array(); },
       "actions[3].assignments_before[0].roles is empty"},
      {"lost project bad role", [](json& d) { d["actions"][3]["assignments_before"][0]["roles"] = {"owner"}; },
       "assignments_before[0].roles[0] is not a project role"},
      {"lost project id wrong", [](json& d) { d["actions"][3]["assignments_before"][0]["project"]["id"] = "x"; },
       "assignments_before[0].project.id is not an id"},
      {"lost project twice",
       [](json& d) { d["actions"][3]["assignments_before"].push_back(d["actions"][3]["assignments_before"][0]); },
       "assignments_before[1] repeats project 6523b7e0c1b52d0f1a2b3c02"},
      {"lost project unknown field", [](json& d) { d["actions"][3]["assignments_before"][0]["org"] = 1; },
       "assignments_before[0] has an unknown field \"org\""},
      {"warnings missing", [](json& d) { d.erase("warnings"); }, "plan has no \"warnings\" (written by an older keyform?"},
      {"warnings a string", [](json& d) { d["warnings"] = "careful"; }, "warnings is a string, expected an array"},
      {"warning a number", [](json& d) { d["warnings"][0] = 7; }, "warnings[0] is a number, expected an object with code and message"},
      {"warning empty", [](json& d) { d["warnings"][0] = ""; }, "warnings[0] has an empty message"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.what);
    check_corrupt(edited_and_resealed(c.edit), c.detail);
  }
}

TEST_CASE("another format version is reported as such") {
  const PlanFileResult r = read_plan_file(edited_and_resealed([](json& d) { d["format_version"] = 2; }));
  CHECK(r.problem == PlanFileProblem::unsupported_version);
  CHECK(r.detail.find("version 2") != std::string::npos);
  CHECK_FALSE(r.saved.has_value());
}

TEST_CASE("a saved plan may only assign the key keyform runs as") {
  Plan plan = sample_plan();
  CHECK_FALSE(check_self_key(plan, "admin001", nullptr).has_value());  // only skipped actions touch it
  CHECK_FALSE(check_self_key(plan, "", nullptr).has_value());          // a service account has no key
  const auto refusal = check_self_key(plan, "cikey001", nullptr);
  REQUIRE(refusal.has_value());
  CHECK(refusal->find("update roles of cikey001 in payments-prod") != std::string::npos);
  plan.actions.erase(plan.actions.begin() + 1);  // only the assign of cikey001 is left
  CHECK_FALSE(check_self_key(plan, "cikey001", nullptr).has_value());
  CHECK(check_self_key(plan, "oldkey01", nullptr).has_value());
}

TEST_CASE("a stale plan says what it expected") {
  const Plan plan = sample_plan();
  LiveState live;
  live.projects = {{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"}, {"6523b7e0c1b52d0f1a2b3c02", "staging"}};
  live.keys = {{"65f0c0ffee0000000000000a", "cikey001", "", {{"6523b7e0c1b52d0f1a2b3c01", {"GROUP_READ_ONLY"}}}},
               {"65f0c0ffee0000000000000c", "oldkey01", "", {{"6523b7e0c1b52d0f1a2b3c02", {"GROUP_READ_ONLY"}}}}};
  CHECK(stale_details(plan, live, 5).empty());  // exactly what the plan expects, blast radius included

  live.keys[0].project_roles["6523b7e0c1b52d0f1a2b3c01"] = {"GROUP_OWNER"};
  auto details = stale_details(plan, live, 5);
  REQUIRE(details.size() == 1);
  CHECK(details[0] == "key cikey001 in payments-prod now has [GROUP_OWNER]; the plan expected [GROUP_READ_ONLY]");

  live.projects[1].name = "stage";
  live.keys.pop_back();
  details = stale_details(plan, live, 5);
  CHECK(details.size() == 4);
  CHECK(std::find(details.begin(), details.end(), "project 6523b7e0c1b52d0f1a2b3c02 is now named \"stage\", not \"staging\"") !=
        details.end());
  CHECK(std::find(details.begin(), details.end(), "key oldkey01 (65f0c0ffee0000000000000c) no longer exists") != details.end());
  CHECK(stale_details(plan, live, 1).size() == 1);
}

TEST_CASE("what a plan file's structure problems echo from the file is escaped") {
  check_corrupt(edited_and_resealed([](json& d) { d["actions"][0]["x\n\x1b[2Jfake"] = 1; }),
                "unknown field \"x\\n\\x1b[2Jfake\"");
  check_corrupt(edited_and_resealed([](json& d) { d["actions"][0]["action"] = "destroy\r\xe2\x80\xae"; }),
                "unknown action \"destroy\\r\\u202e\"");
}

TEST_CASE("a stale plan says when a deletion's blast radius changed, and escapes what it quotes") {
  Plan plan = sample_plan();
  LiveState live;
  live.projects = {{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"}, {"6523b7e0c1b52d0f1a2b3c02", "staging"}};
  live.keys = {{"65f0c0ffee0000000000000a", "cikey001", "", {{"6523b7e0c1b52d0f1a2b3c01", {"GROUP_READ_ONLY"}}}},
               {"65f0c0ffee0000000000000c", "oldkey01", "", {{"6523b7e0c1b52d0f1a2b3c02", {"GROUP_READ_ONLY"}}}}};
  REQUIRE(stale_details(plan, live, 5).empty());
  // Someone gave the key to be deleted access to payments-prod since the plan was reviewed.
  live.keys[1].project_roles["6523b7e0c1b52d0f1a2b3c01"] = {"GROUP_OWNER"};
  const auto details = stale_details(plan, live, 5);
  REQUIRE(details.size() == 1);
  CHECK(details[0] == "key oldkey01 (65f0c0ffee0000000000000c) is to be deleted, but its project access is no longer "
                      "what the plan shows it losing (2 project(s) now, 1 in the plan)");

  plan.actions[0].project->name = "evil\n  + fake\x1b[2J";
  live.projects[1].name = "renamed\r";
  const auto escaped = stale_details(plan, live, 5);
  REQUIRE_FALSE(escaped.empty());
  CHECK(escaped[0] == "project 6523b7e0c1b52d0f1a2b3c02 is now named \"renamed\\r\", not \"evil\\n  + fake\\x1b[2J\"");
}

TEST_CASE("a saved access-list addition for the key keyform runs as is judged against the org as it is now") {
  Plan plan = sample_plan();
  const Principal ci{"65f0c0ffee0000000000000a", "cikey001", ""};
  plan.actions = {keyform::testing::make_entry_action(ActionKind::add_access_entry, ci, "203.0.113.7/32")};
  // Before any request it cannot be judged: not refused yet.
  CHECK_FALSE(check_self_key(plan, "cikey001", nullptr).has_value());
  LiveState live;
  live.keys = {{ci.id, ci.public_key, "", {}, {}, std::vector<std::string>{}}};
  // A first entry would restrict the key to that address: refused.
  const auto refusal = check_self_key(plan, "cikey001", &live);
  REQUIRE(refusal.has_value());
  CHECK(refusal->find("add 203.0.113.7/32 to the access list of cikey001") != std::string::npos);
  // A further entry only widens what the key may do.
  live.keys[0].access_list = std::vector<std::string>{"198.51.100.0/24"};
  CHECK_FALSE(check_self_key(plan, "cikey001", &live).has_value());
  // Another key's first entry is not keyform's concern here.
  CHECK_FALSE(check_self_key(plan, "other001", &live).has_value());
  // A removal is refused before any request.
  plan.actions[0].kind = ActionKind::remove_access_entry;
  CHECK(check_self_key(plan, "cikey001", nullptr).has_value());
}

namespace {

// A plan that creates a key and gives it a project and an access-list entry.
Plan create_plan() {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  const Principal fresh{"", "", "CI deployer (payments)"};
  Action create = make_action(ActionKind::create_key, fresh, std::nullopt, {}, {}, "no key in the org has this description");
  create.reason_code = ReasonCode::no_key_with_desc;
  create.after = {std::string("CI deployer (payments)"), std::vector<std::string>{"ORG_MEMBER"}};
  plan.actions = {create,
                  make_action(ActionKind::assign, fresh, ProjectInfo{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"}, {},
                              {"GROUP_READ_ONLY"}, "declared in config"),
                  keyform::testing::make_entry_action(ActionKind::add_access_entry, fresh, "192.0.2.1/32")};
  return plan;
}

std::string create_file() { return write_plan_file({create_plan(), kFingerprint, kConfigHash}); }

}  // namespace

TEST_CASE("a plan that creates a key: null ids in the file, and it round-trips") {
  const json doc = json::parse(create_file());
  const json& create = doc["actions"][0];
  CHECK(create["action"] == "create_key");
  CHECK(create["key"] == json{{"id", nullptr}, {"public_key", nullptr}, {"desc", "CI deployer (payments)"}});
  CHECK(create["after"] == json{{"desc", "CI deployer (payments)"}, {"org_roles", {"ORG_MEMBER"}}});
  CHECK_FALSE(create.contains("before"));
  CHECK(doc["actions"][1]["key"]["id"].is_null());
  CHECK(doc["summary"]["create_key"] == 1);
  const PlanFileResult r = read_plan_file(create_file());
  INFO(r.detail);
  REQUIRE(r.saved.has_value());
  const Plan original = create_plan();
  REQUIRE(r.saved->plan.actions.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK(same_action(r.saved->plan.actions[i], original.actions[i]));
  CHECK(r.saved->plan.actions[0].after == original.actions[0].after);
  CHECK(write_plan_file(*r.saved) == create_file());
}

TEST_CASE("a saved plan's new keys are checked: created before use, only by the kinds that can name them") {
  auto resealed = [](const std::function<void(json&)>& edit) {
    json doc = json::parse(create_file());
    edit(doc);
    doc["checksum"] = sha256_hex(plan_file_canonical(doc));
    return doc.dump(2) + "\n";
  };
  check_corrupt(resealed([](json& d) {
                  d["actions"].erase(0);
                  d["summary"]["create_key"] = 0;
                }),
                "names a key with no id that no earlier create_key in the plan creates");
  check_corrupt(resealed([](json& d) { d["actions"][0]["key"]["id"] = "65f0c0ffee0000000000000a"; }),
                "is set on a create_key");
  check_corrupt(resealed([](json& d) { d["actions"][0]["after"]["desc"] = "another"; }), "is not the new key's key.desc");
  check_corrupt(resealed([](json& d) { d["actions"][0]["after"].erase("org_roles"); }), "has no org_roles");
  check_corrupt(resealed([](json& d) { d["actions"][1]["key"]["public_key"] = "abcdefgh"; }), "is set on a key with no id");
  check_corrupt(resealed([](json& d) {
                  d["actions"][1]["action"] = "unassign";
                  d["actions"][1]["roles_before"] = d["actions"][1]["roles_after"];
                  d["actions"][1]["roles_after"] = json::array();
                  d["summary"]["assign"] = 0;
                  d["summary"]["unassign"] = 1;
                }),
                "is null on an unassign");
  check_corrupt(resealed([](json& d) { std::swap(d["actions"][0], d["actions"][1]); }),
                "names a key with no id that no earlier create_key");
  check_corrupt(resealed([](json& d) {
                  json late = d["actions"][0];
                  late["key"]["desc"] = late["after"]["desc"] = "another";
                  d["actions"].push_back(late);
                  d["summary"]["create_key"] = 2;
                }),
                "out of execution order");
}

TEST_CASE("a plan saved before create_key existed (no create_key count) is still read") {
  json doc = json::parse(sample_file());
  doc["summary"].erase("create_key");
  doc["checksum"] = sha256_hex(plan_file_canonical(doc));
  const PlanFileResult r = read_plan_file(doc.dump(2));
  INFO(r.detail);
  CHECK(r.saved.has_value());
}

TEST_CASE("a saved create is stale once a key with that description exists") {
  const Plan plan = create_plan();
  LiveState live;
  live.projects = {{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"}};
  CHECK(stale_details(plan, live, 5).empty());
  live.keys = {{"65f0c0ffee0000000000000a", "cikey001", "CI deployer (payments)", {}}};
  const auto details = stale_details(plan, live, 5);
  REQUIRE(details.size() == 1);
  CHECK(details[0] ==
        "a key with the description \"CI deployer (payments)\" now exists (cikey001, id 65f0c0ffee0000000000000a); the "
        "plan would create another");
  live.keys.clear();
  live.projects.clear();
  CHECK(stale_details(plan, live, 5) ==
        std::vector<std::string>{"project payments-prod (6523b7e0c1b52d0f1a2b3c01) no longer exists"});
}

}  // namespace keyform_test_plan_file
