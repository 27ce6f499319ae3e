// The plan renderers (text, markdown, JSON) for service accounts and their five kinds.
#include <doctest/doctest.h>

#include "hostile_strings.h"
#include "render/render.h"
#include "service_account_builders.h"

namespace keyform_test_render_service_account {

using namespace keyform;
using namespace keyform::testing;
using nlohmann::json;

namespace {

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

TEST_CASE("text plan: a service account heads its own group, a new one by its quoted name") {
  const std::string text = render_plan_text(plan_with_every_kind(), false);
  CAPTURE(text);
  CHECK(has(text, "\n  # service account payments-deployer (mdb_sa_id_0123456789abcdef01234567)\n"));
  CHECK(has(text, "\n  # new service account \"reports-reader\"\n"));
  CHECK(has(text, "\n  # service account legacy-batch (mdb_sa_id_76543210fedcba9876543210)\n"));
  // Each heading once, with its actions under it, keys still as before.
  CHECK(count_of(text, "# service account payments-deployer") == 1);
  CHECK(has(text, "# key cikey001 \"CI deployer\" (65f0c0ffee0000000000000a)"));
  CHECK(has(text, "# service account payments-deployer (mdb_sa_id_0123456789abcdef01234567)\n"
                  "  ~ update roles in payments-prod (6523b7e0c1b52d0f1a2b3c01): [GROUP_READ_ONLY] -> "
                  "[GROUP_CLUSTER_MANAGER]  # roles differ\n"
                  "  ~ update service account: name \"payments-deployer\" -> \"payments-deployer-2\", description "
                  "\"deploys\" -> \"deploys payments\"  # attributes differ\n"
                  "  + create a secret that expires after 2160 hours  # the latest secret expires within 14 days\n"
                  "  - unassign from staging (6523b7e0c1b52d0f1a2b3c02) (had [GROUP_READ_ONLY])"));
}

TEST_CASE("text plan: a line for every service-account kind, the summary from the kind table") {
  const std::string text = render_plan_text(plan_with_every_kind(), false);
  CAPTURE(text);
  CHECK(has(text, "  + create service account \"reports-reader\" with description \"reads reports\", org roles "
                  "[ORG_MEMBER], secret expires after 720 hours  # no service account in the org has this name\n"
                  "  + assign to payments-prod (6523b7e0c1b52d0f1a2b3c01) with roles [GROUP_READ_ONLY]"));
  CHECK(has(text, "  - delete secret 65f0c0ffee00000000000111 (expires at 2026-01-01T00:00:00Z)  # the secret has expired\n"));
  CHECK(has(text, "  x delete service account from the organization  # declared with state = \"absent\"\n"
                  "      loses payments-prod (6523b7e0c1b52d0f1a2b3c01): [GROUP_OWNER]\n"));
  CHECK(has(text, "Plan: 1 key to create, 2 to assign, 1 to update, 1 key to update, 2 access-list entries to add, "
                  "1 to unassign, 1 access-list entry to remove, 1 to delete, 1 service account to create, "
                  "1 service account to update, 1 secret to create, 1 secret to delete, 1 service account to delete."));
  CHECK(has(text, "Skipped (keyform never changes these keys and service accounts):\n"
                  "  ! service account keyform-self (mdb_sa_id_aaaaaaaaaaaaaaaaaaaaaaaa): update service account: org "
                  "roles [ORG_OWNER] -> [ORG_MEMBER]: keyform authenticates as this service account\n"));
  CHECK(has(text, "Warning: service account payments-deployer: its latest secret expires in 3 days\n"));
}

TEST_CASE("text plan: a service account name that is not plain is quoted in its heading") {
  Plan plan;
  plan.actions = {make_create_secret(service_account(kDeployerId, "pay (mdb_sa_id_fake)"), 24)};
  CHECK(has(render_plan_text(plan, false),
            "# service account \"pay (mdb_sa_id_fake)\" (mdb_sa_id_0123456789abcdef01234567)\n"));
}

TEST_CASE("markdown plan: a table per service-account kind with its own columns") {
  const std::string md = render_plan_markdown(plan_with_every_kind());
  CAPTURE(md);
  CHECK(has(md, "### Create service account (1)\n\n| Service account | Change | Reason |\n|---|---|---|\n"
                "| *new service account* \"reports-reader\" | name \"reports-reader\"<br>description \"reads reports\"<br>"
                "org roles `ORG_MEMBER`<br>secret expires after 720 hours | no service account in the org has this name |\n"));
  CHECK(has(md, "### Update service account (1)\n\n| Service account | Change | Reason |\n|---|---|---|\n"
                "| service account `mdb_sa_id_0123456789abcdef01234567` payments-deployer | name \"payments-deployer\" → "
                "\"payments-deployer-2\"<br>description \"deploys\" → \"deploys payments\" | attributes differ |\n"));
  CHECK(has(md, "### Create secret (1)\n\n| Service account | Change | Reason |\n|---|---|---|\n"
                "| service account `mdb_sa_id_0123456789abcdef01234567` payments-deployer | new secret, expires after "
                "2160 hours |"));
  CHECK(has(md, "### Delete secret (1)\n\n| Service account | Secret | Reason |\n|---|---|---|\n"
                "| service account `mdb_sa_id_0123456789abcdef01234567` payments-deployer | `65f0c0ffee00000000000111` "
                "expires at `2026-01-01T00:00:00Z` | the secret has expired |\n"));
  CHECK(has(md, "### Delete service account (1)\n\n| Service account | Project | Roles | Reason |\n|---|---|---|---|\n"
                "| service account `mdb_sa_id_76543210fedcba9876543210` legacy-batch | payments-prod "
                "(`6523b7e0c1b52d0f1a2b3c01`) | `GROUP_OWNER` → — |"));
  // A kind that serves both principals names both in its column when its rows do.
  CHECK(has(md, "### Assign (2)\n\n| Key or service account | Project | Roles | Reason |\n"));
  CHECK(has(md, "### Unassign (1)\n\n| Service account | Project | Roles | Reason |\n"));
  CHECK(has(md, "### Delete key (1)\n\n| Key | Project | Roles | Reason |\n"));
  CHECK(has(md, "- service account `mdb_sa_id_aaaaaaaaaaaaaaaaaaaaaaaa` keyform-self: Update service account org roles "
                "`ORG_OWNER` → `ORG_MEMBER` (keyform authenticates as this service account)\n"));
  CHECK(has(md, "### Warnings\n\n- service account payments-deployer: its latest secret expires in 3 days\n"));
}

TEST_CASE("json plan: service_account instead of key, each kind's own values, every kind summarised") {
  const json doc = plan_to_json(plan_with_every_kind());
  const json& actions = doc["actions"];
  auto find = [&](const std::string& kind) {
    for (const auto& a : actions) {
      if (a["action"] == kind) return a;
    }
    FAIL("no " << kind);
    return json();
  };
  const json create = find("create_service_account");
  CHECK(create["service_account"] == json{{"client_id", nullptr}, {"name", "reports-reader"}});
  CHECK_FALSE(create.contains("key"));
  CHECK_FALSE(create.contains("before"));
  CHECK(create["after"] == json{{"name", "reports-reader"}, {"description", "reads reports"},
                                {"org_roles", {"ORG_MEMBER"}}, {"secret_expires_after_hours", 720}});
  CHECK(create["reason_code"] == "no_service_account_with_name");
  const json update = find("update_service_account");
  CHECK(update["service_account"] == json{{"client_id", kDeployerId}, {"name", "payments-deployer"}});
  CHECK(update["before"] == json{{"name", "payments-deployer"}, {"description", "deploys"}});
  CHECK(update["after"] == json{{"name", "payments-deployer-2"}, {"description", "deploys payments"}});
  CHECK(find("create_secret")["after"] == json{{"expires_after_hours", 2160}});
  CHECK(find("create_secret")["reason_code"] == "secret_rotation_due");
  const json secret = find("delete_secret");
  CHECK(secret["secret"] == json{{"id", "65f0c0ffee00000000000111"}, {"expires_at", "2026-01-01T00:00:00Z"}});
  CHECK_FALSE(secret.contains("after"));
  CHECK(secret["reason_code"] == "secret_expired");
  const json deletion = find("delete_service_account");
  CHECK(deletion["assignments_before"] ==
        json::array({{{"project", {{"id", kSaProd.id}, {"name", "payments-prod"}}}, {"roles", {"GROUP_OWNER"}}}}));
  // An assign of the new account names it like its create does.
  CHECK(actions[2]["service_account"] == json{{"client_id", nullptr}, {"name", "reports-reader"}});
  CHECK(actions[4]["key"]["public_key"] == "cikey001");
  CHECK(doc["skipped"][0]["service_account"]["name"] == "keyform-self");
  CHECK(doc["warnings"] == json::array({{{"code", "secret_expiring"},
                                         {"message", "service account payments-deployer: its latest secret expires in 3 days"}}}));
  CHECK(doc["summary"].size() == kActionKinds.size());
  for (const auto& kind : kActionKinds) CHECK(doc["summary"][std::string(kind.name)] == plan_with_every_kind().summary().count(kind.kind));
  CHECK(doc["summary"]["assign"] == 2);
  CHECK(doc["summary"]["delete_secret"] == 1);
}

// ---- hostile names and descriptions ----------------------------------------------------------

namespace {

// Every string a service-account plan carries from the API or the config set to `s` (client ids
// and secret ids stay ids: the parsers refuse anything else).
Plan account_plan_of(const std::string& s) {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  const Principal live = service_account(kDeployerId, s);
  const ProjectInfo project{"6523b7e0c1b52d0f1a2b3c01", s};
  Action create = make_create_service_account(s, "d " + s, {"ORG_" + s});
  create.reason = s;
  plan.actions = {
      create,
      make_action(ActionKind::assign, new_service_account(s), project, {}, {"GROUP_" + s}, s),
      make_update_service_account(live, sa_fields(s, s, std::vector<std::string>{s}), sa_fields("n " + s, "d " + s, std::vector<std::string>{"ORG_MEMBER"})),
      make_create_secret(live, 24),
      make_delete_secret(live, "65f0c0ffee00000000000111", s),
      make_delete_service_account(service_account(kLegacyId, s), {{project, {s}}}),
  };
  plan.skipped = {{make_delete_secret(live, "65f0c0ffee00000000000112", s), s}};
  plan.warnings = {{"secret_expiring", "service account " + s + " expires soon"}};
  return plan;
}

}  // namespace

TEST_CASE("hostile service account names and descriptions cannot forge the text or markdown plan") {
  check_unforgeable([](const std::string& s) { return render_plan_text(account_plan_of(s), false); }, false);
  check_unforgeable([](const std::string& s) { return render_plan_markdown(account_plan_of(s)); }, true);
  const std::string text = render_plan_text(account_plan_of(kHostile[0]), false);
  CHECK(has(text, "# service account \"x\\n  + assign to prod\\x1b[2J\\r\" (mdb_sa_id_0123456789abcdef01234567)\n"));
  CHECK(has(text, "# new service account \"x\\n  + assign to prod\\x1b[2J\\r\"\n"));
  CHECK_FALSE(has(text, "\n  + assign to prod"));
  // JSON keeps the exact strings.
  const json doc = plan_to_json(account_plan_of(kHostile[0]));
  CHECK(doc["actions"][0]["service_account"]["name"] == kHostile[0]);
  CHECK(doc["actions"][0]["after"]["description"] == "d " + kHostile[0]);
}

TEST_CASE("apply result lines name a service account") {
  const Plan plan = plan_with_every_kind();
  const std::string done = render_result_line({plan.actions[8], Outcome::done, "", ""}, false);
  CHECK(done == "+ service account payments-deployer (mdb_sa_id_0123456789abcdef01234567): create a secret that expires "
                "after 2160 hours: done\n");
  const std::string failed = render_result_line({plan.actions[1], Outcome::failed, "POST /x: 400", ""}, false);
  CHECK(failed == "+ new service account \"reports-reader\": failed: POST /x: 400\n");
}

}  // namespace keyform_test_render_service_account
