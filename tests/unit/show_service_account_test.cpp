// `keyform show` with service accounts: listed in every format when they were read, absent (not
// "none") when they were not; projects and access lists only when read; secrets with expiry.
#include <doctest/doctest.h>

#include "hostile_strings.h"
#include "render/show.h"

namespace keyform_test_show_service_account {

using namespace keyform;
using namespace keyform::testing;
using nlohmann::json;

namespace {

const PlanTarget kTarget{"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kStage = "6523b7e0c1b52d0f1a2b3c02";
const std::string kDeployer = "mdb_sa_id_0123456789abcdef01234567";
const std::string kReader = "mdb_sa_id_76543210fedcba9876543210";

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

LiveState org_with_accounts(const std::string& name = "payments-deployer", const std::string& description = "deploys payments") {
  LiveState live;
  live.org_id = kTarget.org_id;
  live.projects = {{kStage, "staging"}, {kProd, "payments-prod"}};
  live.keys = {{"65f0c0ffee0000000000000a", "cikey001", "CI", {{kProd, {"GROUP_READ_ONLY"}}}, {"ORG_MEMBER"}}};
  live.service_accounts_read = true;
  live.service_accounts = {
      {kReader, "reports-reader", "reads", {"ORG_READ_ONLY"}, std::nullopt, std::nullopt, {}},
      {kDeployer, name, description, {"ORG_MEMBER", "ORG_BILLING_ADMIN"},
       std::map<std::string, std::vector<std::string>>{{kProd, {"GROUP_OWNER", "GROUP_CLUSTER_MANAGER"}}, {kStage, {"GROUP_READ_ONLY"}}},
       std::vector<std::string>{"203.0.113.0/24"},
       {{"65f0c0ffee00000000000111", "2025-10-01T00:00:00Z", "2026-01-01T00:00:00Z"},
        {"65f0c0ffee00000000000112", "2025-12-01T00:00:00Z", "2026-03-01T00:00:00Z"}}},
  };
  return live;
}

}  // namespace

TEST_CASE("show text: service accounts by name, with what was read and every secret's expiry") {
  const std::string text = render_show_text(org_with_accounts(), kTarget, false);
  CAPTURE(text);
  CHECK(has(text, "1 keys, 2 projects, 1 assignments, 2 service accounts.\n"));
  CHECK(has(text, "\nService accounts\n"
                  "\n  service account \"payments-deployer\" (mdb_sa_id_0123456789abcdef01234567)\n"
                  "    description: \"deploys payments\"\n"
                  "    org roles: ORG_BILLING_ADMIN, ORG_MEMBER\n"
                  "    access list: 203.0.113.0/24\n"
                  "    payments-prod (6523b7e0c1b52d0f1a2b3c01): GROUP_CLUSTER_MANAGER, GROUP_OWNER\n"
                  "    staging (6523b7e0c1b52d0f1a2b3c02): GROUP_READ_ONLY\n"
                  "    secret 65f0c0ffee00000000000111 expires at 2026-01-01T00:00:00Z\n"
                  "    secret 65f0c0ffee00000000000112 expires at 2026-03-01T00:00:00Z\n"
                  "\n  service account \"reports-reader\" (mdb_sa_id_76543210fedcba9876543210)\n"
                  "    description: \"reads\"\n"
                  "    org roles: ORG_READ_ONLY\n"
                  "    project access not read\n"
                  "    no secret\n"
                  "\nProjects\n"));
}

TEST_CASE("show: service accounts that were not read are not claimed to be none") {
  LiveState live = org_with_accounts();
  live.service_accounts_read = false;
  live.service_accounts.clear();
  CHECK_FALSE(has(render_show_text(live, kTarget, false), "ervice account"));
  CHECK_FALSE(has(render_show_markdown(live, kTarget), "ervice account"));
  const json doc = show_to_json(live, kTarget);
  CHECK_FALSE(doc.contains("service_accounts"));
  CHECK_FALSE(doc["summary"].contains("service_accounts"));
  live.service_accounts_read = true;  // read, and there are none
  CHECK(has(render_show_text(live, kTarget, false), "\nService accounts\n\n  none\n"));
  CHECK(show_to_json(live, kTarget)["service_accounts"] == json::array());
}

TEST_CASE("show json: service accounts with projects and access lists only when read") {
  const json doc = show_to_json(org_with_accounts(), kTarget);
  REQUIRE(doc["service_accounts"].size() == 2);
  const json& deployer = doc["service_accounts"][0];
  CHECK(deployer["client_id"] == kDeployer);
  CHECK(deployer["name"] == "payments-deployer");
  CHECK(deployer["description"] == "deploys payments");
  CHECK(deployer["org_roles"] == json{"ORG_BILLING_ADMIN", "ORG_MEMBER"});
  CHECK(deployer["projects"] == json::array({{{"id", kProd}, {"name", "payments-prod"}, {"roles", {"GROUP_CLUSTER_MANAGER", "GROUP_OWNER"}}},
                                             {{"id", kStage}, {"name", "staging"}, {"roles", {"GROUP_READ_ONLY"}}}}));
  CHECK(deployer["access_list"] == json{"203.0.113.0/24"});
  CHECK(deployer["secrets"][1] == json{{"id", "65f0c0ffee00000000000112"}, {"created_at", "2025-12-01T00:00:00Z"},
                                       {"expires_at", "2026-03-01T00:00:00Z"}});
  const json& reader = doc["service_accounts"][1];
  CHECK_FALSE(reader.contains("projects"));
  CHECK_FALSE(reader.contains("access_list"));
  CHECK(reader["secrets"] == json::array());
  CHECK(doc["summary"]["service_accounts"] == 2);
}

TEST_CASE("show markdown: a service-account table") {
  const std::string md = render_show_markdown(org_with_accounts(), kTarget);
  CAPTURE(md);
  CHECK(has(md, "\n### Service accounts\n\n| Service account | Client id | Description | Org roles | Projects and roles | "
                "Access list | Secrets (expiry) |\n|---|---|---|---|---|---|---|\n"
                "| payments-deployer | `mdb_sa_id_0123456789abcdef01234567` | deploys payments | `ORG_BILLING_ADMIN`, "
                "`ORG_MEMBER` | payments-prod (`6523b7e0c1b52d0f1a2b3c01`): `GROUP_CLUSTER_MANAGER, GROUP_OWNER`<br>staging "
                "(`6523b7e0c1b52d0f1a2b3c02`): `GROUP_READ_ONLY` | `203.0.113.0/24` | `65f0c0ffee00000000000111` expires "
                "`2026-01-01T00:00:00Z`<br>`65f0c0ffee00000000000112` expires `2026-03-01T00:00:00Z` |\n"
                "| reports-reader | `mdb_sa_id_76543210fedcba9876543210` | reads | `ORG_READ_ONLY` | not read | not read | "
                "none |\n"));
}

TEST_CASE("hostile service account names and descriptions cannot forge show") {
  check_unforgeable([](const std::string& s) { return render_show_text(org_with_accounts(s, s), kTarget, false); }, false);
  check_unforgeable([](const std::string& s) { return render_show_markdown(org_with_accounts(s, s), kTarget); }, true);
  // Named first: a range-for over a member of a temporary reads freed memory.
  const auto doc = show_to_json(org_with_accounts(kHostile[0], kHostile[1]), kTarget);
  for (const auto& sa : doc["service_accounts"]) {
    if (sa["client_id"] == kDeployer) CHECK((sa["name"] == kHostile[0] && sa["description"] == kHostile[1]));
  }
}

}  // namespace keyform_test_show_service_account
