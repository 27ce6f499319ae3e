#include "render/render.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "plan_builders.h"

#include "hostile_strings.h"

namespace keyform_test_render {

using namespace keyform;
using keyform::testing::make_action;
using namespace keyform::testing;

namespace {
Plan sample_plan() {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  const Principal ci{"65f0c0ffee0000000000000a", "cikey001", "CI deployer"};
  const Principal old{"65f0c0ffee0000000000000c", "oldkey01", ""};
  const ProjectInfo prod{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"};
  const ProjectInfo stage{"6523b7e0c1b52d0f1a2b3c02", "staging"};
  plan.actions = {
      make_action(ActionKind::assign, ci, stage, {}, {"GROUP_OWNER"}, "declared in config"),
      make_action(ActionKind::update_roles, ci, prod, {"GROUP_READ_ONLY"}, {"GROUP_OWNER"}, "roles differ"),
      make_action(ActionKind::unassign, old, stage, {"GROUP_READ_ONLY"}, {}, "undeclared key; policy unassign"),
      make_action(ActionKind::delete_key, old, std::nullopt, {}, {}, "declared with state = \"absent\""),
  };
  plan.skipped = {{make_action(ActionKind::delete_key, {"65f0c0ffee0000000000000d", "admin001", ""}, std::nullopt, {}, {}, "x"),
                   "keyform authenticates with this key"}};
  return plan;
}
}  // namespace

TEST_CASE("text plan: one line per action grouped by key, then the summary") {
  const std::string text = render_plan_text(sample_plan(), false);
  CHECK(text.find('\033') == std::string::npos);
  CHECK(text.find("# key cikey001 \"CI deployer\" (65f0c0ffee0000000000000a)") != std::string::npos);
  CHECK(text.find("+ assign to staging (6523b7e0c1b52d0f1a2b3c02) with roles [GROUP_OWNER]  # declared in config") !=
        std::string::npos);
  CHECK(text.find("~ update roles in payments-prod (6523b7e0c1b52d0f1a2b3c01): [GROUP_READ_ONLY] -> [GROUP_OWNER]") !=
        std::string::npos);
  CHECK(text.find("- unassign from staging") != std::string::npos);
  CHECK(text.find("x delete key from the organization") != std::string::npos);
  CHECK(text.find("admin001") != std::string::npos);
  CHECK(text.find("keyform authenticates with this key") != std::string::npos);
  CHECK(text.find("Plan: 1 to assign, 1 to update, 1 to unassign, 1 to delete.") != std::string::npos);
  // Both of oldkey01's actions sit under one heading.
  CHECK(text.find("# key oldkey01") == text.rfind("# key oldkey01"));
}

TEST_CASE("text plan colours only when asked") {
  CHECK(render_plan_text(sample_plan(), true).find("\033[32m+\033[0m") != std::string::npos);
}

TEST_CASE("text plan without changes") {
  Plan plan;
  const std::string text = render_plan_text(plan, false);
  CHECK(text.find("No changes. The org matches the configuration.") != std::string::npos);
  CHECK(text.find("Plan:") == std::string::npos);
}

TEST_CASE("json plan document") {
  const nlohmann::json doc = plan_to_json(sample_plan());
  CHECK(doc["format_version"] == kPlanFormatVersion);
  CHECK(doc["target"]["api"] == "atlas-v2");
  CHECK(doc["target"]["org_id"] == "5a0a1e7e0f2912c554080adc");
  CHECK(doc["target"]["base_url"] == "https://cloud.mongodb.com");
  REQUIRE(doc["actions"].size() == 4);
  CHECK(doc["actions"][0]["action"] == "assign");
  CHECK(doc["actions"][0]["key"]["public_key"] == "cikey001");
  CHECK(doc["actions"][0]["project"]["name"] == "staging");
  CHECK(doc["actions"][0]["roles_before"] == nlohmann::json::array());
  CHECK(doc["actions"][0]["roles_after"] == nlohmann::json{"GROUP_OWNER"});
  CHECK(doc["actions"][3]["action"] == "delete_key");
  CHECK_FALSE(doc["actions"][3].contains("project"));
  CHECK(doc["skipped"][0]["skip_reason"] == "keyform authenticates with this key");
  CHECK(doc["summary"] == nlohmann::json{{"assign", 1}, {"update_roles", 1}, {"unassign", 1}, {"delete_key", 1},
                                         {"update_key", 0}, {"add_access_entry", 0}, {"remove_access_entry", 0}, {"create_key", 0},
                                         {"create_service_account", 0}, {"update_service_account", 0}, {"create_secret", 0},
                                         {"delete_secret", 0}, {"delete_service_account", 0}});
}

TEST_CASE("markdown plan: a summary and a table per kind, no escapes") {
  const std::string md = render_plan_markdown(sample_plan());
  CHECK(md.find('\033') == std::string::npos);
  CHECK(md.find("**Plan: 1 to assign, 1 to update, 1 to unassign, 1 to delete.**") != std::string::npos);
  CHECK(md.find("### Assign (1)") != std::string::npos);
  CHECK(md.find("| Key | Project | Roles | Reason |") != std::string::npos);
  CHECK(md.find("| `cikey001` CI deployer | staging (`6523b7e0c1b52d0f1a2b3c02`) | — → `GROUP_OWNER` | declared in config |") !=
        std::string::npos);
  CHECK(md.find("### Skipped") != std::string::npos);
  CHECK(md.find("<details>") == std::string::npos);
}

TEST_CASE("markdown folds long plans and escapes pipes") {
  Plan plan = sample_plan();
  plan.actions[0].key.desc = "a|b </details><script>";
  while (plan.actions.size() <= 20) plan.actions.push_back(plan.actions[2]);
  const std::string md = render_plan_markdown(plan);
  CHECK(md.find("<details><summary>Show all 21 actions</summary>") != std::string::npos);
  CHECK(md.find("a\\|b &lt;/details&gt;&lt;script&gt;") != std::string::npos);
  CHECK(md.find("</details>") == md.rfind("</details>"));  // only keyform's own fold closes
}

TEST_CASE("apply report: failures and what was not started") {
  ApplyReport report;
  const Plan plan = sample_plan();
  report.results = {{plan.actions[0], Outcome::done, "", ""},
                    {plan.actions[1], Outcome::failed, "PATCH /x: 500 UNEXPECTED_ERROR: boom", ""},
                    {plan.actions[2], Outcome::not_started, "", ""}};
  const std::string text = render_apply_summary(report, false);
  CHECK(text.find("Apply failed.") != std::string::npos);
  CHECK(text.find("1 assigned, 0 updated, 0 unassigned, 0 deleted.") != std::string::npos);
  CHECK(text.find("failed:      update roles of cikey001 in payments-prod: PATCH /x: 500 UNEXPECTED_ERROR: boom") !=
        std::string::npos);
  CHECK(text.find("not started: unassign oldkey01 from staging") != std::string::npos);
  report.results.resize(1);
  CHECK(render_apply_summary(report, false).find("Apply complete! 1 assigned") != std::string::npos);
}

// ---- blast radius, warnings, honest summaries ------------------------------------------------

namespace {

const ProjectInfo kProd{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"};
const ProjectInfo kStage{"6523b7e0c1b52d0f1a2b3c02", "staging"};

// sample_plan() with the deleted key's blast radius filled in, as the planner does.
Plan plan_with_blast_radius() {
  Plan plan = sample_plan();
  plan.actions[3].assignments_before = {{kProd, {"GROUP_OWNER"}}, {kStage, {"GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"}}};
  return plan;
}

Plan skipped_only_plan() {
  Plan plan = sample_plan();
  plan.actions.clear();
  plan.skipped.push_back(plan.skipped[0]);
  return plan;
}

}  // namespace

TEST_CASE("text plan: a deletion lists every project and role the key loses, under its line") {
  const std::string text = render_plan_text(plan_with_blast_radius(), false);
  CHECK(text.find("  x delete key from the organization  # declared with state = \"absent\"\n"
                  "      loses payments-prod (6523b7e0c1b52d0f1a2b3c01): [GROUP_OWNER]\n"
                  "      loses staging (6523b7e0c1b52d0f1a2b3c02): [GROUP_CLUSTER_MANAGER, GROUP_READ_ONLY]\n") !=
        std::string::npos);
  // A key without project access says so, rather than saying nothing.
  CHECK(render_plan_text(sample_plan(), false).find("x delete key from the organization  # declared with state = "
                                                    "\"absent\"\n      loses no project access") != std::string::npos);
  // Only deletions carry a blast radius.
  CHECK(count_of(text, "loses ") == 2);
}

TEST_CASE("text plan: warnings come after the actions and before the summary, yellow when coloured") {
  Plan plan = sample_plan();
  plan.warnings = {{"permission_delete", "keyform runs as cikey001, which cannot delete keys (needs ORG_OWNER)"}, {"config", "second"}};
  const std::string text = render_plan_text(plan, false);
  const auto warning = text.find("\nWarning: keyform runs as cikey001, which cannot delete keys (needs ORG_OWNER)\n"
                                 "Warning: second\n");
  REQUIRE(warning != std::string::npos);
  CHECK(warning > text.find("x delete key"));
  CHECK(warning > text.find("Skipped"));
  CHECK(warning < text.find("Plan: 1 to assign"));
  CHECK(render_plan_text(plan, true).find("\033[33mWarning: second\033[0m") != std::string::npos);
  CHECK(render_plan_text(sample_plan(), false).find("Warning") == std::string::npos);
  // With nothing to change, warnings still show.
  plan.actions.clear();
  CHECK(render_plan_text(plan, false).find("Warning: second") != std::string::npos);
}

TEST_CASE("text plan: no actions but skipped differences does not claim the org matches") {
  const std::string one = render_plan_text(skipped_only_plan(), false);
  CHECK(one.find("matches") == std::string::npos);
  CHECK(one.find("Skipped (keyform never changes these keys):") != std::string::npos);
  CHECK(one.find("No changes. The org still differs from the configuration: 2 differences are left alone "
                 "(keyform never changes protected keys or the key it runs as): see Skipped above.\n") !=
        std::string::npos);
  CHECK(one.find("Skipped") < one.find("No changes."));
  Plan single = skipped_only_plan();
  single.skipped.resize(1);
  CHECK(render_plan_text(single, false).find(": 1 difference is left alone") != std::string::npos);
  CHECK(render_plan_text(Plan{}, false).find("No changes. The org matches the configuration.") != std::string::npos);
}

TEST_CASE("markdown plan: the Delete table lists what the key loses, warnings are a list, no false 'matches'") {
  Plan plan = plan_with_blast_radius();
  plan.warnings = {{"config", "role GROUP_READ_ONYL is not a documented project role"}};
  const std::string md = render_plan_markdown(plan);
  CHECK(md.find("### Delete key (1)\n\n| Key | Project | Roles | Reason |\n|---|---|---|---|\n"
                "| `oldkey01` | payments-prod (`6523b7e0c1b52d0f1a2b3c01`)<br>staging (`6523b7e0c1b52d0f1a2b3c02`) | "
                "`GROUP_OWNER` → —<br>`GROUP_CLUSTER_MANAGER`, `GROUP_READ_ONLY` → — | declared with state = \"absent\" |\n") !=
        std::string::npos);
  CHECK(md.find("### Warnings\n\n- role GROUP\\_READ\\_ONYL is not a documented project role\n") != std::string::npos);
  CHECK(md.find("### Warnings") < md.find("### Assign"));
  CHECK(render_plan_markdown(sample_plan()).find("| `oldkey01` | — (no project access) | — |") != std::string::npos);
  CHECK(render_plan_markdown(sample_plan()).find("Warnings") == std::string::npos);

  const std::string skipped = render_plan_markdown(skipped_only_plan());
  CHECK(skipped.find("matches") == std::string::npos);
  CHECK(skipped.find("**No changes.** The org still differs from the configuration: 2 differences are left alone") !=
        std::string::npos);
  CHECK(render_plan_markdown(Plan{}).find("**No changes.** The org matches the configuration.") != std::string::npos);
}

TEST_CASE("json plan: delete_key actions carry assignments_before, warnings are always there") {
  Plan plan = plan_with_blast_radius();
  nlohmann::json doc = plan_to_json(plan);
  CHECK(doc["actions"][3]["assignments_before"] ==
        nlohmann::json::parse(R"([{"project": {"id": "6523b7e0c1b52d0f1a2b3c01", "name": "payments-prod"},
                                   "roles": ["GROUP_OWNER"]},
                                  {"project": {"id": "6523b7e0c1b52d0f1a2b3c02", "name": "staging"},
                                   "roles": ["GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"]}])"));
  for (int i = 0; i < 3; ++i) CHECK_FALSE(doc["actions"][i].contains("assignments_before"));
  CHECK(doc["skipped"][0]["assignments_before"] == nlohmann::json::array());  // a skipped delete_key too
  CHECK(doc["warnings"] == nlohmann::json::array());
  CHECK(plan_to_json(sample_plan())["actions"][3]["assignments_before"] == nlohmann::json::array());
  plan.warnings = {{"c\x1b", "w\n\x1b[2J"}};
  doc = plan_to_json(plan);
  CHECK(doc["warnings"] == nlohmann::json::array({{{"code", "c\x1b"}, {"message", "w\n\x1b[2J"}}}));  // JSON keeps the exact strings
  CHECK(nlohmann::json::parse(render_plan_json(plan)) == doc);
}

// ---- apply reports ---------------------------------------------------------------------------

TEST_CASE("apply report: a done action with a note shows it, and the summary counts it") {
  const Plan plan = sample_plan();
  const ActionResult gone{plan.actions[2], Outcome::done, "", "already gone: 404 GROUP_NOT_FOUND: gone"};
  CHECK(render_result_line(gone, false) ==
        "- oldkey01: unassign from staging (6523b7e0c1b52d0f1a2b3c02) (had [GROUP_READ_ONLY]): done "
        "(already gone: 404 GROUP_NOT_FOUND: gone)\n");
  const ActionResult plain{plan.actions[0], Outcome::done, "", ""};
  CHECK(render_result_line(plain, false).ends_with(": done\n"));

  ApplyReport report;
  report.results = {plain, gone};
  const std::string summary = render_apply_summary(report, false);
  CHECK(summary.find("Apply complete! 1 assigned, 0 updated, 1 unassigned, 0 deleted. 1 of them was already in effect "
                     "before keyform's call (see the notes above).") != std::string::npos);
  report.results = {plain};
  CHECK(render_apply_summary(report, false).find("already") == std::string::npos);
}

TEST_CASE("apply report: an interrupted apply says by which signal, then done, failed and not started") {
  const Plan plan = sample_plan();
  ApplyReport report;
  report.interrupted = true;
  report.interrupted_by = "SIGINT";
  report.results = {{plan.actions[0], Outcome::done, "", ""},
                    {plan.actions[1], Outcome::failed, "PATCH /x: 500 UNEXPECTED_ERROR: boom", ""},
                    {plan.actions[2], Outcome::not_started, "", ""},
                    {plan.actions[3], Outcome::not_started, "", ""}};
  const std::string text = render_apply_summary(report, false);
  CHECK(text.find("Apply interrupted by SIGINT. Done: 1 assigned, 0 updated, 0 unassigned, 0 deleted.\n") !=
        std::string::npos);
  CHECK(text.find("Apply failed") == std::string::npos);
  CHECK(text.find("Apply complete") == std::string::npos);
  CHECK(text.find("  failed:      update roles of cikey001 in payments-prod: PATCH /x: 500") != std::string::npos);
  CHECK(text.find("  not started: unassign oldkey01 from staging\n") != std::string::npos);
  CHECK(text.find("  not started: delete key oldkey01") != std::string::npos);
  // Interrupted after everything finished is still reported as interrupted.
  report.interrupted_by = "SIGTERM";
  report.results.resize(1);
  CHECK(render_apply_summary(report, false).find("Apply interrupted by SIGTERM.") != std::string::npos);

  nlohmann::json doc = nlohmann::json::parse(render_apply_json(plan, report));
  CHECK(doc["interrupted"] == true);
  CHECK(doc["interrupted_by"] == "SIGTERM");
  report.interrupted = false;
  doc = nlohmann::json::parse(render_apply_json(plan, report));
  CHECK(doc["interrupted"] == false);
  CHECK(doc["interrupted_by"].is_null());
  CHECK(doc["succeeded"] == true);
}

TEST_CASE("apply json: the verification after the apply is null when it did not run, else its differences") {
  Plan plan;
  ApplyReport report;
  nlohmann::json doc = nlohmann::json::parse(render_apply_json(plan, report));
  CHECK(doc["verified"].is_null());
  CHECK(doc["differences"] == nlohmann::json::array());
  report.differences = std::vector<std::string>{};
  doc = nlohmann::json::parse(render_apply_json(plan, report));
  CHECK(doc["verified"] == true);
  report.differences = std::vector<std::string>{"delete key oldci001: the key still exists"};
  doc = nlohmann::json::parse(render_apply_json(plan, report));
  CHECK(doc["verified"] == false);
  CHECK(doc["differences"] == nlohmann::json::array({"delete key oldci001: the key still exists"}));
}

TEST_CASE("apply json: a done deletion carries its note and its blast radius") {
  const Plan plan = plan_with_blast_radius();
  ApplyReport report;
  report.results = {{plan.actions[3], Outcome::done, "", "already gone: 404"}};
  const nlohmann::json doc = nlohmann::json::parse(render_apply_json(plan, report));
  CHECK(doc["done"][0]["note"] == "already gone: 404");
  REQUIRE(doc["done"][0].contains("assignments_before"));
  CHECK(doc["done"][0]["assignments_before"].size() == 2);
}

// ---- a key's own attributes and its access list -------------------------------------------

namespace {

const Principal kCi{"65f0c0ffee0000000000000a", "zmmrboas", "CI deployer"};
const Principal kAdmin{"65f0c0ffee0000000000000d", "admin001", ""};

// The three kinds of issue 12 as the planner makes them, and two skipped by the guards.
Plan attributes_plan() {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  Action update = make_update_key(kCi, {"CI deployer", std::vector<std::string>{"ORG_BILLING_ADMIN", "ORG_MEMBER"}},
                                  {"CI deployer (payments)", std::vector<std::string>{"ORG_MEMBER"}},
                                  "description and org roles differ");
  plan.actions = {
      std::move(update),
      make_entry_action(ActionKind::add_access_entry, kCi, "203.0.113.7/32", "declared in access_list"),
      make_entry_action(ActionKind::remove_access_entry, kCi, "198.51.100.0/24", "not in the declared access_list"),
  };
  plan.skipped = {
      {make_update_key(kAdmin, {std::nullopt, std::vector<std::string>{"ORG_OWNER"}},
                       {std::nullopt, std::vector<std::string>{"ORG_MEMBER"}}, "org roles differ"),
       "keyform authenticates with this key"},
      {make_entry_action(ActionKind::remove_access_entry, kAdmin, "192.0.2.0/24", "not in the declared access_list"),
       "keyform authenticates with this key"},
  };
  return plan;
}

}  // namespace

TEST_CASE("text plan: update_key shows only what changes, access entries one line each") {
  const std::string text = render_plan_text(attributes_plan(), false);
  CHECK(text.find("  # key zmmrboas \"CI deployer\" (65f0c0ffee0000000000000a)\n"
                  "  ~ update key: desc \"CI deployer\" -> \"CI deployer (payments)\", org roles "
                  "[ORG_BILLING_ADMIN, ORG_MEMBER] -> [ORG_MEMBER]  # description and org roles differ\n"
                  "  + add 203.0.113.7/32 to the access list  # declared in access_list\n"
                  "  - remove 198.51.100.0/24 from the access list  # not in the declared access_list\n") !=
        std::string::npos);
  CHECK(text.find("Plan: 0 to assign, 0 to update, 1 key to update, 1 access-list entry to add, 0 to unassign, "
                  "1 access-list entry to remove, 0 to delete.") != std::string::npos);
  CHECK(text.find("  ! key admin001 (65f0c0ffee0000000000000d): update key: org roles [ORG_OWNER] -> [ORG_MEMBER]: "
                  "keyform authenticates with this key\n") != std::string::npos);
  CHECK(text.find("  ! key admin001 (65f0c0ffee0000000000000d): remove 192.0.2.0/24 from the access list: "
                  "keyform authenticates with this key\n") != std::string::npos);
  // Only the fields that change: a desc-only update says nothing about org roles.
  Plan desc_only = attributes_plan();
  desc_only.actions[0].before.org_roles = desc_only.actions[0].after.org_roles = std::nullopt;
  const std::string line = render_plan_text(desc_only, false);
  CHECK(line.find("~ update key: desc \"CI deployer\" -> \"CI deployer (payments)\"  #") != std::string::npos);
  CHECK(line.find("org roles [") == line.find("org roles [ORG_OWNER]"));  // only the skipped one's
}

TEST_CASE("text plan: colours follow each kind's tone") {
  const std::string text = render_plan_text(attributes_plan(), true);
  CHECK(text.find("\033[33m~\033[0m update key") != std::string::npos);
  CHECK(text.find("\033[32m+\033[0m add 203.0.113.7/32") != std::string::npos);
  CHECK(text.find("\033[31m-\033[0m remove 198.51.100.0/24") != std::string::npos);
}

TEST_CASE("text and markdown: a quote inside a desc cannot end the quoted value early") {
  Plan plan = attributes_plan();
  plan.actions[0].key.desc = "a\" -> \"b";
  plan.actions[0].before.desc = "a\" -> \"b";
  plan.actions[0].after.desc = "c\\\"";
  const std::string text = render_plan_text(plan, false);
  CHECK(text.find("# key zmmrboas \"a\\\" -> \\\"b\" (") != std::string::npos);
  CHECK(text.find("desc \"a\\\" -> \\\"b\" -> \"c\\\\\\\"\"") != std::string::npos);
  const std::string md = render_plan_markdown(plan);
  // Rendered, the cell reads desc "a\" -> \"b" → "c\\\"" : the same as the terminal shows.
  CHECK(md.find("desc \"a\\\\\" -&gt; \\\\\"b\" → \"c\\\\\\\\\\\\\"\"") != std::string::npos);
}

TEST_CASE("markdown plan: a table per new kind, and skipped ones in the list") {
  const std::string md = render_plan_markdown(attributes_plan());
  CHECK(md.find("**Plan: 0 to assign, 0 to update, 1 key to update, 1 access-list entry to add, 0 to unassign, "
                "1 access-list entry to remove, 0 to delete.**") != std::string::npos);
  CHECK(md.find("### Update key (1)\n\n| Key | Change | Reason |\n|---|---|---|\n"
                "| `zmmrboas` CI deployer | desc \"CI deployer\" → \"CI deployer (payments)\"<br>org roles "
                "`ORG_BILLING_ADMIN`, `ORG_MEMBER` → `ORG_MEMBER` | description and org roles differ |\n") !=
        std::string::npos);
  CHECK(md.find("### Add access-list entry (1)\n\n| Key | Entry | Reason |\n|---|---|---|\n"
                "| `zmmrboas` CI deployer | `203.0.113.7/32` | declared in access\\_list |\n") != std::string::npos);
  CHECK(md.find("### Remove access-list entry (1)\n\n| Key | Entry | Reason |\n|---|---|---|\n"
                "| `zmmrboas` CI deployer | `198.51.100.0/24` | not in the declared access\\_list |\n") !=
        std::string::npos);
  // Tables in execution order: grants before removals.
  CHECK(md.find("### Update key") < md.find("### Add access-list entry"));
  CHECK(md.find("### Add access-list entry") < md.find("### Remove access-list entry"));
  CHECK(md.find("- `admin001`: Update key org roles `ORG_OWNER` → `ORG_MEMBER` (keyform authenticates with this key)\n") !=
        std::string::npos);
  CHECK(md.find("- `admin001`: Remove access-list entry `192.0.2.0/24` (keyform authenticates with this key)\n") !=
        std::string::npos);
  CHECK(md.find("### Assign") == std::string::npos);  // no empty tables
}

TEST_CASE("json plan: reason_code on every action, before/after only on update_key, entry only on entries") {
  Plan plan = attributes_plan();
  for (const auto& a : sample_plan().actions) plan.actions.push_back(a);
  plan.actions.push_back(make_create_key("CI deployer (next)"));
  const nlohmann::json doc = plan_to_json(plan);
  for (const auto& list : {doc["actions"], doc["skipped"]}) {
    for (const auto& a : list) {
      CAPTURE(a.dump());
      REQUIRE(a.contains("reason_code"));
      CHECK(reason_code_from_string(a["reason_code"].get<std::string>()).has_value());
      const bool update = a["action"] == "update_key";
      const bool entry = a["action"] == "add_access_entry" || a["action"] == "remove_access_entry";
      CHECK(a.contains("before") == update);
      CHECK(a.contains("after") == (update || a["action"] == "create_key"));
      CHECK(a.contains("entry") == entry);
    }
  }
  CHECK(doc["actions"][0]["reason_code"] == "attributes_differ");
  CHECK(doc["actions"][0]["before"] == nlohmann::json{{"desc", "CI deployer"}, {"org_roles", {"ORG_BILLING_ADMIN", "ORG_MEMBER"}}});
  CHECK(doc["actions"][0]["after"] == nlohmann::json{{"desc", "CI deployer (payments)"}, {"org_roles", {"ORG_MEMBER"}}});
  CHECK(doc["skipped"][0]["before"] == nlohmann::json{{"org_roles", {"ORG_OWNER"}}});  // no desc: it does not change
  CHECK(doc["actions"][1]["entry"] == "203.0.113.7/32");
  CHECK(doc["actions"][1]["reason_code"] == "access_entry_declared");
  CHECK(doc["actions"][2]["reason_code"] == "access_entry_not_declared");
  CHECK(doc["actions"][3]["reason_code"] == "declared");
  // The summary counts every kind of the table, each under its name.
  REQUIRE(doc["summary"].size() == kActionKinds.size());
  for (const auto& kind : kActionKinds) {
    CAPTURE(kind.name);
    // The combined plan has one of each key kind (service-account kinds: render_service_account_test).
    CHECK(doc["summary"][std::string(kind.name)] == (kind.principals == Principals::service_accounts ? 0 : 1));
  }
  CHECK(nlohmann::json::parse(render_plan_json(plan)) == doc);
  const nlohmann::json& create = doc["actions"].back();
  CHECK(create["key"] == nlohmann::json{{"id", nullptr}, {"public_key", nullptr}, {"desc", "CI deployer (next)"}});
  CHECK(create["after"] == nlohmann::json{{"desc", "CI deployer (next)"}, {"org_roles", {"ORG_MEMBER"}}});
  CHECK(create["reason_code"] == "no_key_with_desc");
}

namespace {

// A key to create with two projects, beside an existing key's change.
Plan create_plan() {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  const Principal fresh{"", "", "CI deployer (payments)"};
  plan.actions = {
      make_create_key("CI deployer (payments)"),
      make_action(ActionKind::assign, fresh, ProjectInfo{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"}, {},
                  {"GROUP_READ_ONLY"}, "declared in config"),
      make_action(ActionKind::assign, {"65f0c0ffee0000000000000a", "cikey001", "CI"},
                  ProjectInfo{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"}, {}, {"GROUP_OWNER"}, "declared in config"),
      make_entry_action(ActionKind::add_access_entry, fresh, "192.0.2.1/32", "declared in access_list"),
  };
  return plan;
}

}  // namespace

TEST_CASE("text plan: a key to create heads its own group, with its assigns and entries under it") {
  const std::string text = render_plan_text(create_plan(), false);
  CHECK(text.find("  # new key \"CI deployer (payments)\"\n"
                  "  + create key \"CI deployer (payments)\" with org roles [ORG_MEMBER]  # no key in the org has "
                  "this description\n"
                  "  + assign to payments-prod (6523b7e0c1b52d0f1a2b3c01) with roles [GROUP_READ_ONLY]  # declared in "
                  "config\n"
                  "  + add 192.0.2.1/32 to the access list  # declared in access_list\n") != std::string::npos);
  CHECK(text.find("# key cikey001 \"CI\" (65f0c0ffee0000000000000a)\n  + assign to payments-prod") != std::string::npos);
  CHECK(text.find("Plan: 1 key to create, 2 to assign,") != std::string::npos);
}

TEST_CASE("markdown plan: a Create key table names the new key by its description") {
  const std::string md = render_plan_markdown(create_plan());
  CHECK(md.find("### Create key (1)\n\n| Key | Change | Reason |\n|---|---|---|\n| *new key* \"CI deployer "
                "(payments)\" | desc \"CI deployer (payments)\"<br>org roles `ORG_MEMBER` | no key in the org has this "
                "description |\n") != std::string::npos);
  CHECK(md.find("| *new key* \"CI deployer (payments)\" | payments-prod") != std::string::npos);
}

TEST_CASE("apply report: a done create names the key by its new public key, a failed one by its description") {
  Plan plan = create_plan();
  ApplyReport report;
  Action created = plan.actions[0];
  created.key = {"65f0c0ffee00000000000009", "newkey01", "CI deployer (payments)"};
  report.results = {{created, Outcome::done, "", ""}, {plan.actions[1], Outcome::failed, "403", ""}};
  const std::string done = render_result_line(report.results[0], false);
  CHECK(done == "+ newkey01: create key \"CI deployer (payments)\" with org roles [ORG_MEMBER]: done\n");
  CHECK(render_result_line(report.results[1], false).rfind("+ new key \"CI deployer (payments)\": failed: 403", 0) == 0);
  CHECK(render_apply_summary(report, false).find("1 key created") != std::string::npos);
}

TEST_CASE("apply report: result lines and the summary for the new kinds") {
  const Plan plan = attributes_plan();
  ApplyReport report;
  report.results = {{plan.actions[0], Outcome::done, "", ""},
                    {plan.actions[1], Outcome::done, "", "already there: 409 DUPLICATE_ACCESS_LIST_ENTRY"},
                    {plan.actions[2], Outcome::failed, "DELETE /x: 400 CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY", ""}};
  CHECK(render_result_line(report.results[0], false) ==
        "~ zmmrboas: update key: desc \"CI deployer\" -> \"CI deployer (payments)\", org roles "
        "[ORG_BILLING_ADMIN, ORG_MEMBER] -> [ORG_MEMBER]: done\n");
  CHECK(render_result_line(report.results[1], false) ==
        "+ zmmrboas: add 203.0.113.7/32 to the access list: done (already there: 409 DUPLICATE_ACCESS_LIST_ENTRY)\n");
  CHECK(render_result_line(report.results[2], false) ==
        "- zmmrboas: failed: DELETE /x: 400 CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY\n");
  const std::string summary = render_apply_summary(report, false);
  CHECK(summary.find("Apply failed. Done: 0 assigned, 0 updated, 1 key updated, 1 access-list entry added, "
                     "0 unassigned, 0 deleted. 1 of them was already in effect") != std::string::npos);
  CHECK(summary.find("  failed:      remove 198.51.100.0/24 from the access list of zmmrboas: DELETE /x: 400") !=
        std::string::npos);
  report.results[2].outcome = Outcome::not_started;
  CHECK(render_apply_summary(report, false).find("  not started: remove 198.51.100.0/24 from the access list of zmmrboas\n") !=
        std::string::npos);
  const nlohmann::json doc = nlohmann::json::parse(render_apply_json(plan, report));
  CHECK(doc["done"][0]["after"]["desc"] == "CI deployer (payments)");
  CHECK(doc["done"][1]["entry"] == "203.0.113.7/32");
  CHECK(doc["not_started"][0]["reason_code"] == "access_entry_not_declared");
}

// ---- hostile strings: nothing from the API or the config can forge output -------------------

namespace {

// Every string field a plan carries from the API or the config set to `s` (ids stay ids: the
// response parsers and the config reader refuse anything else).
Plan plan_of(const std::string& s) {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  const Principal key{"65f0c0ffee0000000000000a", s, s};
  const Principal other{"65f0c0ffee0000000000000c", "pk" + s, s};
  const ProjectInfo project{"6523b7e0c1b52d0f1a2b3c01", s};
  plan.actions = {
      make_action(ActionKind::assign, key, project, {}, {"GROUP_" + s}, s),
      make_action(ActionKind::update_roles, other, project, {"GROUP_OWNER"}, {s}, s),
      make_action(ActionKind::unassign, key, ProjectInfo{"6523b7e0c1b52d0f1a2b3c02", s}, {s}, {}, s),
      make_action(ActionKind::delete_key, other, std::nullopt, {}, {}, s, {{project, {s, "GROUP_OWNER"}}}),
      // Kinds 4 to 6: a desc from the API (before) and one from the file (after), org roles.
      make_update_key(key, {s, std::vector<std::string>{"ORG_" + s}}, {"new " + s, std::vector<std::string>{s}}, s),
      make_entry_action(ActionKind::add_access_entry, key, "203.0.113.7/32", s),
      make_entry_action(ActionKind::remove_access_entry, other, "198.51.100.0/24", s),
      // A key to create, named by a desc from the file, and what it is given.
      make_create_key(s, {"ORG_" + s}),
      make_action(ActionKind::assign, {"", "", s}, project, {}, {"GROUP_OWNER"}, s),
  };
  plan.skipped = {{make_action(ActionKind::unassign, key, project, {s}, {}, s), s},
                  {make_update_key(other, {s, std::vector<std::string>{s}}, {s + "!", std::vector<std::string>{"ORG_MEMBER"}}, s), s},
                  {make_entry_action(ActionKind::add_access_entry, other, "192.0.2.1/32", s), s},
                  {make_entry_action(ActionKind::remove_access_entry, other, "192.0.2.0/24", s), s}};
  plan.warnings = {{"config", s}, {"config", "about " + s}};
  return plan;
}

ApplyReport report_of(const std::string& s, bool interrupted) {
  const Plan plan = plan_of(s);
  ApplyReport report;
  report.interrupted = interrupted;
  report.interrupted_by = interrupted ? "SIGINT" : "";
  report.results = {{plan.actions[0], Outcome::done, "", s},
                    {plan.actions[1], Outcome::failed, s, ""},
                    {plan.actions[2], Outcome::not_started, "", ""},
                    {plan.actions[3], Outcome::done, "", ""},
                    {plan.actions[4], Outcome::done, "", s},
                    {plan.actions[5], Outcome::failed, s, ""},
                    {plan.actions[6], Outcome::not_started, "", ""}};
  return report;
}

}  // namespace

TEST_CASE("hostile strings cannot forge the text plan") {
  check_unforgeable([](const std::string& s) { return render_plan_text(plan_of(s), false); }, false);
  // The fake plan line is still on the key's own line, visibly escaped.
  const std::string text = render_plan_text(plan_of(kHostile[0]), false);
  CHECK(text.find("# key x\\n  + assign to prod\\x1b[2J\\r \"x\\n  + assign to prod\\x1b[2J\\r\"") != std::string::npos);
  CHECK(text.find("\n  + assign to prod") == std::string::npos);
  // An update_key's desc values, from the API and from the file, stay on the update's own line.
  CHECK(text.find("~ update key: desc \"x\\n  + assign to prod\\x1b[2J\\r\" -> \"new x\\n  + assign to "
                  "prod\\x1b[2J\\r\", org roles [ORG_x\\n") != std::string::npos);
  // Coloured output has keyform's own escapes only: as many as for a harmless plan.
  CHECK(count_of(render_plan_text(plan_of(kHostile[0]), true), "\033") ==
        count_of(render_plan_text(plan_of("benign"), true), "\033"));
}

TEST_CASE("hostile strings cannot forge the text plan without changes") {
  check_unforgeable(
      [](const std::string& s) {
        Plan plan = plan_of(s);
        plan.actions.clear();
        return render_plan_text(plan, false);
      },
      false);
}

TEST_CASE("hostile strings cannot forge the markdown plan") {
  check_unforgeable([](const std::string& s) { return render_plan_markdown(plan_of(s)); }, true);
  check_unforgeable(
      [](const std::string& s) {
        Plan plan = plan_of(s);
        while (plan.actions.size() <= 20) plan.actions.insert(plan.actions.begin(), plan.actions[0]);
        return render_plan_markdown(plan);  // folded in <details>
      },
      true);
  // A backtick in a public key does not open a code span: the key is escaped text instead.
  const std::string md = render_plan_markdown(plan_of("tick`</details><script>`x"));
  CHECK(md.find("tick\\`&lt;/details&gt;&lt;script&gt;\\`x") != std::string::npos);
}

TEST_CASE("hostile strings cannot forge apply result lines or the summary") {
  for (bool interrupted : {false, true}) {
    check_unforgeable(
        [&](const std::string& s) {
          const ApplyReport report = report_of(s, interrupted);
          std::string out;
          for (const auto& r : report.results) {
            if (r.outcome != Outcome::not_started) out += render_result_line(r, false);
          }
          return out + render_apply_summary(report, false);
        },
        false);
  }
  // The apply JSON keeps the exact strings.
  const std::string s = kHostile[0];
  const nlohmann::json doc = nlohmann::json::parse(render_apply_json(plan_of(s), report_of(s, true)));
  CHECK(doc["done"][0]["note"] == s);
  CHECK(doc["failed"][0]["error"] == s);
  CHECK(doc["failed"][0]["key"]["desc"] == s);
}

namespace {
// Many principals whose actions interleave (a, b, c, a, b, c, ...), with deletions among them.
Plan interleaved_plan(int principals, int rounds) {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  for (int r = 0; r < rounds; ++r) {
    const ProjectInfo project{"6523b7e0c1b52d0f1a2b3c" + std::to_string(10 + r), "project-" + std::to_string(r)};
    for (int k = 0; k < principals; ++k) {
      const Principal key{"65f0c0ffee00000000" + std::to_string(100000 + k), "key" + std::to_string(k), ""};
      const bool last = r + 1 == rounds && k % 7 == 0;
      plan.actions.push_back(last ? make_action(ActionKind::delete_key, key, std::nullopt, {}, {}, "gone", {{project, {"GROUP_OWNER"}}})
                                  : make_action(ActionKind::unassign, key, project, {"GROUP_READ_ONLY"}, {}, "not declared"));
    }
  }
  return plan;
}

// The same actions, each principal's together, principals in first-appearance order: built the
// slow, obvious way.
Plan grouped_slowly(const Plan& plan) {
  Plan out = plan;
  out.actions.clear();
  std::vector<std::string> order;
  for (const auto& a : plan.actions) {
    if (std::find(order.begin(), order.end(), key_ref(a.key)) == order.end()) order.push_back(key_ref(a.key));
  }
  for (const auto& ref : order) {
    for (const auto& a : plan.actions) {
      if (key_ref(a.key) == ref) out.actions.push_back(a);
    }
  }
  return out;
}
}  // namespace

TEST_CASE("text plan: interleaved actions of many principals render as if grouped beforehand") {
  const Plan plan = interleaved_plan(300, 4);
  const std::string text = render_plan_text(plan, false);
  CHECK(text == render_plan_text(grouped_slowly(plan), false));
  // One heading per principal, in first-appearance order, each followed by all four of its lines.
  CHECK(text.find("# key key0 (") < text.find("# key key1 ("));
  CHECK(text.find("# key key299 (") == text.rfind("# key key299 ("));
  const auto heading = text.find("# key key5 (");
  const auto next = text.find("# key key6 (");
  std::size_t lines = 0;
  for (auto at = text.find("\n  - unassign", heading); at < next; at = text.find("\n  - unassign", at + 1)) ++lines;
  CHECK(lines == 4);
}

TEST_CASE("markdown plan: interleaved kinds render as if sorted by kind beforehand") {
  Plan plan = interleaved_plan(40, 3);
  plan.actions.insert(plan.actions.begin() + 7, make_action(ActionKind::assign, {"65f0c0ffee0000000000000a", "cikey001", ""},
                                                            ProjectInfo{"6523b7e0c1b52d0f1a2b3c01", "prod"}, {}, {"GROUP_OWNER"}, "declared"));
  Plan sorted = plan;
  std::stable_sort(sorted.actions.begin(), sorted.actions.end(), [](const Action& a, const Action& b) {
    return &info(a.kind) < &info(b.kind);
  });
  const std::string md = render_plan_markdown(plan);
  CHECK(md == render_plan_markdown(sorted));
  CHECK(md.find("### ") < md.find("| `cikey001` |"));
  CHECK(md.find("(1)") != std::string::npos);  // the one assign: its own table
}

}  // namespace keyform_test_render
