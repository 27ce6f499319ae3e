#include "render/render.h"

#include <doctest/doctest.h>

using namespace keyform;

namespace {
Plan sample_plan() {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  const KeyInfo ci{"65f0c0ffee0000000000000a", "cikey001", "CI deployer"};
  const KeyInfo old{"65f0c0ffee0000000000000c", "oldkey01", ""};
  const ProjectInfo prod{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"};
  const ProjectInfo stage{"6523b7e0c1b52d0f1a2b3c02", "staging"};
  plan.actions = {
      {ActionKind::assign, ci, stage, {}, {"GROUP_OWNER"}, "declared in config"},
      {ActionKind::update_roles, ci, prod, {"GROUP_READ_ONLY"}, {"GROUP_OWNER"}, "roles differ"},
      {ActionKind::unassign, old, stage, {"GROUP_READ_ONLY"}, {}, "undeclared key; policy unassign"},
      {ActionKind::delete_key, old, std::nullopt, {}, {}, "declared with state = \"absent\""},
  };
  plan.skipped = {{{ActionKind::delete_key, {"65f0c0ffee0000000000000d", "admin001", ""}, std::nullopt, {}, {}, "x"},
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
  CHECK(doc["summary"] == nlohmann::json{{"assign", 1}, {"update_roles", 1}, {"unassign", 1}, {"delete_key", 1}});
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
