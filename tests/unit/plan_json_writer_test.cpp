// The plan document is written once, by the streaming writer; the reader (action_from_json) must
// get back every field of every action from it, and the text must stay exactly nlohmann's
// dump(2) of itself: pipelines diff `plan --format json`, and the plan file re-dumps it.
#include "core/plan_json_writer.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "test_files.h"

#include "core/plan_file.h"
#include "core/plan_json.h"
#include "hostile_strings.h"
#include "render/render.h"
#include "service_account_builders.h"

namespace keyform_test_plan_json_writer {

using keyform::testing::read_file_text;

using namespace keyform;
using namespace keyform::testing;

namespace {

// nlohmann's own rendering of what the writer wrote: equal only if the writer sorts keys, indents
// and escapes exactly as nlohmann does.
std::string redumped(const std::string& text) { return nlohmann::json::parse(text).dump(2); }

void check_same_project(const std::optional<ProjectInfo>& read, const std::optional<ProjectInfo>& wrote) {
  REQUIRE(read.has_value() == wrote.has_value());
  if (!read) return;
  CHECK(read->id == wrote->id);
  CHECK(read->name == wrote->name);
}

// Field by field: Action has no operator==, and a field the writer drops must fail here.
void check_same_action(const Action& read, const Action& wrote) {
  CHECK(read.kind == wrote.kind);
  CHECK(read.key.id == wrote.key.id);
  CHECK(read.key.public_key == wrote.key.public_key);
  CHECK(read.key.desc == wrote.key.desc);
  CHECK(read.key.is_service_account() == wrote.key.is_service_account());
  CHECK(read.secret == wrote.secret);
  check_same_project(read.project, wrote.project);
  CHECK(read.entry == wrote.entry);
  CHECK(read.roles_before == wrote.roles_before);
  CHECK(read.roles_after == wrote.roles_after);
  CHECK(read.before == wrote.before);
  CHECK(read.after == wrote.after);
  CHECK(read.reason_code == wrote.reason_code);
  CHECK(read.reason == wrote.reason);
  REQUIRE(read.assignments_before.size() == wrote.assignments_before.size());
  for (std::size_t i = 0; i < read.assignments_before.size(); ++i) {
    check_same_project(read.assignments_before[i].project, wrote.assignments_before[i].project);
    CHECK(read.assignments_before[i].roles == wrote.assignments_before[i].roles);
  }
}

// Writes the plan, reads every action and skipped action back, and compares.
void check_round_trip(const Plan& plan) {
  const std::string text = plan_json_text(plan);
  CHECK(text == redumped(text));
  const nlohmann::json doc = nlohmann::json::parse(text);
  REQUIRE(doc["actions"].size() == plan.actions.size());
  for (std::size_t i = 0; i < plan.actions.size(); ++i) {
    CAPTURE(i);
    check_same_action(action_from_json(doc["actions"][i], "actions", false), plan.actions[i]);
  }
  REQUIRE(doc["skipped"].size() == plan.skipped.size());
  for (std::size_t i = 0; i < plan.skipped.size(); ++i) {
    check_same_action(action_from_json(doc["skipped"][i], "skipped", true), plan.skipped[i].action);
    CHECK(doc["skipped"][i]["skip_reason"] == plan.skipped[i].skip_reason);
  }
  REQUIRE(doc["warnings"].size() == plan.warnings.size());
  for (std::size_t i = 0; i < plan.warnings.size(); ++i) {
    CHECK(doc["warnings"][i]["code"] == plan.warnings[i].code);
    CHECK(doc["warnings"][i]["message"] == plan.warnings[i].message);
  }
  CHECK(doc["target"] == nlohmann::json{{"api", plan.target.api}, {"org_id", plan.target.org_id},
                                        {"base_url", plan.target.base_url}});
  const PlanSummary summary = plan.summary();
  for (std::size_t k = 0; k < kActionKinds.size(); ++k) CHECK(doc["summary"][kActionKinds[k].name] == summary.counts[k]);
  CHECK(doc["format_version"] == kPlanFormatVersion);
}

// Key kinds in every shape the planner makes: a new key, an update of desc only and of org roles
// only, a key with no description, and a skipped action.
Plan plan_with_key_shapes() {
  Plan plan;
  plan.target = {"cloud-manager", "5a0a1e7e0f2912c554080adc", ""};
  const Principal old{"65f0c0ffee0000000000000c", "oldkey01", ""};
  const Principal fresh{"", "", "new key"};
  plan.actions = {
      make_create_key("new key", {"ORG_MEMBER", "ORG_READ_ONLY"}),
      make_action(ActionKind::assign, fresh, kSaProd, {}, {"GROUP_OWNER", "GROUP_READ_ONLY"}, "declared in config"),
      make_update_key(old, {std::nullopt, std::vector<std::string>{"ORG_OWNER"}},
                      {std::nullopt, std::vector<std::string>{"ORG_MEMBER"}}),
      make_update_key(old, {"", std::nullopt}, {"described", std::nullopt}),
      make_action(ActionKind::delete_key, old, std::nullopt, {}, {}, "undeclared key; policy delete",
                  {{kSaProd, {"GROUP_OWNER"}}, {kSaStage, {"GROUP_READ_ONLY", "GROUP_OWNER"}}}),
  };
  plan.skipped = {{make_action(ActionKind::unassign, old, kSaStage, {"GROUP_OWNER"}, {}, "x"), "protected"}};
  return plan;
}

// Every string field of every action set to `text`.
Plan with_every_string(Plan plan, const std::string& text) {
  for (Action& a : plan.actions) {
    if (!a.key.is_new()) a.key.desc = text;
    a.reason = text;
    if (a.project) a.project->name = text;
    for (auto& lost : a.assignments_before) lost.project.name = text;
    // An update changes what it names, or the reader refuses it: before and after differ.
    if (a.after.desc && !a.key.is_new()) a.after.desc = text + " (new)";
    if (a.before.desc) a.before.desc = text;
  }
  for (auto& s : plan.skipped) s.skip_reason = text;
  plan.warnings.push_back({text, text});
  plan.target.base_url = text;
  return plan;
}

}  // namespace

TEST_CASE("plan json writer: every action kind, keys and service accounts, read back field by field") {
  const Plan plan = plan_with_every_kind();
  check_round_trip(plan);
  CHECK(render_plan_json(plan) == plan_json_text(plan) + "\n");
  CHECK(plan_to_json(plan) == nlohmann::json::parse(plan_json_text(plan)));
}

TEST_CASE("plan json writer: the key shapes, null ids, empty descriptions and skipped actions") {
  const Plan plan = plan_with_key_shapes();
  check_round_trip(plan);
  // A key still to be created has no id and no public key yet: null, not "".
  const nlohmann::json doc = plan_to_json(plan);
  CHECK(doc["actions"][0]["key"]["id"].is_null());
  CHECK(doc["actions"][0]["key"]["public_key"].is_null());
  CHECK(doc["actions"][2]["after"] == nlohmann::json{{"org_roles", {"ORG_MEMBER"}}});
  CHECK(doc["actions"][3]["before"] == nlohmann::json{{"desc", ""}});
}

TEST_CASE("plan json writer: an empty plan") {
  check_round_trip(Plan{});
  CHECK(plan_json_text(Plan{}).find("\"actions\": []") != std::string::npos);
}

TEST_CASE("plan json writer: the every-kind plan of the corpus, read back from its file, is written as it was") {
  const auto file = std::filesystem::path(__FILE__).parent_path().parent_path() / "corpus" / "valid" /
                    "plan_file_every_kind.json";
  const std::string stored = read_file_text(file);
  const PlanFileResult read = read_plan_file(stored);
  REQUIRE(read.saved);
  check_round_trip(read.saved->plan);
  // The actions as the file (written by an earlier keyform) holds them, value for value.
  const nlohmann::json doc = nlohmann::json::parse(stored);
  CHECK(plan_to_json(read.saved->plan)["actions"] == doc["actions"]);
  CHECK(plan_to_json(read.saved->plan)["skipped"] == doc["skipped"]);
}

TEST_CASE("plan json writer: hostile and non-ASCII strings in every field are escaped as nlohmann escapes them") {
  for (const std::string& text : kHostile) {
    CAPTURE(text);
    check_round_trip(with_every_string(plan_with_key_shapes(), text));
    check_round_trip(with_every_string(plan_with_every_kind(), text));
  }
}

}  // namespace keyform_test_plan_json_writer
