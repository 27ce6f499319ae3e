// The streamed plan JSON must be the nlohmann document byte for byte: the schema checks, the
// plan-file tests and every pipeline reading `plan --format json` rely on its exact shape.
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

std::string reference(const Plan& plan) { return plan_to_json(plan).dump(2); }

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
    if (a.after.desc && !a.key.is_new()) a.after.desc = text;
    if (a.before.desc) a.before.desc = text;
  }
  for (auto& s : plan.skipped) s.skip_reason = text;
  plan.warnings.push_back({text, text});
  plan.target.base_url = text;
  return plan;
}

}  // namespace

TEST_CASE("plan json writer: every action kind, keys and service accounts, as nlohmann writes it") {
  const Plan plan = plan_with_every_kind();
  CHECK(plan_json_text(plan) == reference(plan));
  CHECK(render_plan_json(plan) == reference(plan) + "\n");
}

TEST_CASE("plan json writer: the key shapes, null ids, empty descriptions and skipped actions") {
  const Plan plan = plan_with_key_shapes();
  CHECK(plan_json_text(plan) == reference(plan));
}

TEST_CASE("plan json writer: an empty plan") {
  Plan plan;
  CHECK(plan_json_text(plan) == reference(plan));
}

TEST_CASE("plan json writer: the every-kind plan of the corpus, read back from its file") {
  const auto file = std::filesystem::path(__FILE__).parent_path().parent_path() / "corpus" / "valid" /
                    "plan_file_every_kind.json";
  const PlanFileResult read = read_plan_file(read_file_text(file));
  REQUIRE(read.saved);
  CHECK(plan_json_text(read.saved->plan) == reference(read.saved->plan));
}

TEST_CASE("plan json writer: hostile and non-ASCII strings in every field are escaped as nlohmann escapes them") {
  for (const std::string& text : kHostile) {
    CAPTURE(text);
    const Plan keys = with_every_string(plan_with_key_shapes(), text);
    CHECK(plan_json_text(keys) == reference(keys));
    const Plan all = with_every_string(plan_with_every_kind(), text);
    CHECK(plan_json_text(all) == reference(all));
  }
}

}  // namespace keyform_test_plan_json_writer
