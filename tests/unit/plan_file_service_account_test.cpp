// Saved plans with service accounts: every kind round-trips exactly, and what the executor could
// not act on safely is refused (a kind on the wrong principal, a malformed client id, a new
// account's action before its create, each kind's shape).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <doctest/doctest.h>

#include "test_files.h"

#include "core/fingerprint.h"
#include "core/plan_file.h"
#include "core/plan_json.h"
#include "service_account_builders.h"

namespace keyform_test_plan_file_service_account {

using keyform::testing::read_file_text;

using namespace keyform;
using namespace keyform::testing;
using nlohmann::json;

namespace {

const std::string kFingerprint = sha256_hex("live");
const std::string kConfigHash = sha256_hex("[target]\n");
// Written by keyform from plan_with_every_kind(); tests/schemas/check_schemas.py validates it.
const std::filesystem::path kCorpusFile =
    std::filesystem::path(__FILE__).parent_path().parent_path() / "corpus" / "valid" / "plan_file_every_kind.json";

std::string every_kind_file() {
  return write_plan_file({plan_with_every_kind(), kFingerprint, kConfigHash, {"65f0c0ffee0000000000000a", kDeployerId}});
}

std::string resealed(const std::function<void(json&)>& edit) {
  json doc = json::parse(every_kind_file());
  edit(doc);
  doc["checksum"] = sha256_hex(plan_file_canonical(doc));
  return doc.dump(2) + "\n";
}

json& action_of(json& doc, const std::string& kind) {
  for (auto& a : doc["actions"]) {
    if (a["action"] == kind) return a;
  }
  throw std::runtime_error("no " + kind);
}

void check_corrupt(const std::string& text, const std::string& detail_part) {
  const PlanFileResult r = read_plan_file(text);
  CAPTURE(r.detail);
  CHECK_FALSE(r.saved.has_value());
  CHECK(r.problem == PlanFileProblem::corrupt);
  CHECK(r.detail.find(detail_part) != std::string::npos);
}

}  // namespace

TEST_CASE("a plan file with every kind round-trips exactly") {
  const PlanFileResult r = read_plan_file(every_kind_file());
  INFO(r.detail);
  REQUIRE(r.saved.has_value());
  const Plan original = plan_with_every_kind();
  const Plan& read = r.saved->plan;
  CHECK(write_plan_file(*r.saved) == every_kind_file());
  CHECK(plan_to_json(read) == plan_to_json(original));
  REQUIRE(read.actions.size() == original.actions.size());
  for (std::size_t i = 0; i < read.actions.size(); ++i) {
    CAPTURE(i);
    CHECK(read.actions[i].kind == original.actions[i].kind);
    CHECK(read.actions[i].key.kind == original.actions[i].key.kind);
    CHECK(key_ref(read.actions[i].key) == key_ref(original.actions[i].key));
    CHECK(read.actions[i].before == original.actions[i].before);
    CHECK(read.actions[i].after == original.actions[i].after);
    CHECK(read.actions[i].secret == original.actions[i].secret);
  }
  CHECK(read.skipped[0].action.key.is_service_account());
  CHECK(r.saved->access_lists_read == std::vector<std::string>{"65f0c0ffee0000000000000a", kDeployerId});
}

TEST_CASE("the corpus plan file with every kind is what keyform writes") {
  // KEYFORM_WRITE_CORPUS=1 rewrites it after an intended format change (then review the diff).
  if (std::getenv("KEYFORM_WRITE_CORPUS")) std::ofstream(kCorpusFile, std::ios::binary) << every_kind_file();
  CHECK(read_file_text(kCorpusFile) == every_kind_file());
}

TEST_CASE("a saved plan refuses a kind on a principal it is not for") {
  check_corrupt(resealed([](json& d) {
                  json& a = action_of(d, "update_service_account");
                  a["key"] = {{"id", "65f0c0ffee0000000000000a"}, {"public_key", "cikey001"}, {"desc", "x"}};
                  a.erase("service_account");
                }),
                "is an update_service_account on a key (it is for service accounts only)");
  check_corrupt(resealed([](json& d) {
                  json& a = action_of(d, "delete_key");
                  a["service_account"] = {{"client_id", kLegacyId}, {"name", "x"}};
                  a.erase("key");
                }),
                "is a delete_key on a service account (it is for keys only)");
  check_corrupt(resealed([](json& d) { action_of(d, "create_secret")["key"] = {{"id", nullptr}}; }),
                "has both key and service_account");
  check_corrupt(resealed([](json& d) { action_of(d, "create_secret").erase("service_account"); }),
                "has no \"key\" and no \"service_account\"");
  check_corrupt(resealed([](json& d) { action_of(d, "create_secret")["service_account"]["desc"] = "x"; }),
                "service_account has an unknown field \"desc\"");
}

TEST_CASE("a saved plan refuses a client id of the wrong shape") {
  for (const char* bad : {"mdb_sa_id_0123", "0123456789abcdef01234567", "mdb_sa_id_0123456789abcdef0123456g",
                          "mdb_sa_id_0123456789abcdef01234567\n"}) {
    CAPTURE(bad);
    check_corrupt(resealed([&](json& d) { action_of(d, "create_secret")["service_account"]["client_id"] = bad; }),
                  "service_account.client_id is not a client id (mdb_sa_id_ and 24 hex digits)");
  }
  check_corrupt(resealed([](json& d) { d["access_lists_read"][0] = "mdb_sa_id_x"; }),
                "access_lists_read[0] is not a key id or a service account client id");
}

TEST_CASE("a new service account's actions must follow its create") {
  check_corrupt(resealed([](json& d) { std::swap(d["actions"][1], d["actions"][2]); }),
                "names a service account with no client id that no earlier create_service_account in the plan creates");
  check_corrupt(resealed([](json& d) { action_of(d, "create_service_account")["service_account"]["client_id"] = kDeployerId; }),
                "is set on a create_service_account");
  check_corrupt(resealed([](json& d) { action_of(d, "create_secret")["service_account"]["client_id"] = nullptr; }),
                "is null on a create_secret (it needs a service account that exists)");
  // A new key's create does not create a service account of the same name.
  check_corrupt(resealed([](json& d) {
                  d["actions"][0]["key"]["desc"] = d["actions"][0]["after"]["desc"] = "reports-reader";
                  d["actions"].erase(1);
                  d["summary"]["create_service_account"] = 0;
                }),
                "names a service account with no client id");
}

TEST_CASE("a saved plan checks each service-account kind's shape") {
  struct Edit {
    const char* what;
    std::function<void(json&)> edit;
    const char* detail;
  };
  const std::vector<Edit> edits = {
      {"create without description", [](json& d) { action_of(d, "create_service_account")["after"].erase("description"); },
       "after has no description"},
      {"create named otherwise", [](json& d) { action_of(d, "create_service_account")["after"]["name"] = "x"; },
       "after.name is not the new service account's name"},
      {"create without hours", [](json& d) { action_of(d, "create_service_account")["after"].erase("secret_expires_after_hours"); },
       "has no \"secret_expires_after_hours\""},
      {"create with zero hours", [](json& d) { action_of(d, "create_service_account")["after"]["secret_expires_after_hours"] = 0; },
       "is not a positive whole number of hours"},
      {"create with before", [](json& d) { action_of(d, "create_service_account")["before"] = {{"name", "x"}}; },
       "is a create_service_account with before"},
      {"create with a key's desc", [](json& d) { action_of(d, "create_service_account")["after"]["desc"] = "x"; },
       "after has an unknown field \"desc\""},
      {"update changing nothing", [](json& d) {
         json& a = action_of(d, "update_service_account");
         a["after"]["name"] = a["before"]["name"];
       }, "does not change name"},
      {"update with mismatched fields", [](json& d) { action_of(d, "update_service_account")["before"].erase("description"); },
       "before and after name different fields"},
      {"update to an empty name", [](json& d) { action_of(d, "update_service_account")["after"]["name"] = ""; },
       "after.name is empty"},
      {"update with a project role", [](json& d) {
         json& a = action_of(d, "update_service_account");
         a["before"]["org_roles"] = {"ORG_MEMBER"};
         a["after"]["org_roles"] = {"GROUP_OWNER"};
       }, "is not an org role"},
      {"secret in hours as text", [](json& d) { action_of(d, "create_secret")["after"]["expires_after_hours"] = "24"; },
       "is not a positive whole number of hours"},
      {"secret create with a secret", [](json& d) { action_of(d, "create_secret")["secret"] = {{"id", "x"}}; },
       "is a create_secret with a secret"},
      {"secret delete without its secret", [](json& d) { action_of(d, "delete_secret").erase("secret"); },
       "is a delete_secret without a secret"},
      {"secret id not an id", [](json& d) { action_of(d, "delete_secret")["secret"]["id"] = "s3cr3t"; },
       "secret.id is not an id"},
      {"secret without expiry", [](json& d) { action_of(d, "delete_secret")["secret"]["expires_at"] = ""; },
       "secret.expires_at is empty"},
      {"secret delete with after", [](json& d) { action_of(d, "delete_secret")["after"] = {{"expires_after_hours", 1}}; },
       "is a delete_secret with before/after"},
      {"deletion without blast radius", [](json& d) { action_of(d, "delete_service_account").erase("assignments_before"); },
       "is a delete_service_account without assignments_before"},
      {"two deletes of one secret", [](json& d) {
         json copy = action_of(d, "delete_secret");
         d["actions"].insert(d["actions"].begin() + 13, copy);
         d["summary"]["delete_secret"] = 2;
       }, "is a second action for the same service account and secret"},
  };
  for (const auto& e : edits) {
    CAPTURE(e.what);
    check_corrupt(resealed(e.edit), e.detail);
  }
}

TEST_CASE("a rotation's new secret and a rename of the same account are one plan") {
  // create_secret and update_service_account both address the account itself: both are allowed.
  const PlanFileResult r = read_plan_file(every_kind_file());
  REQUIRE(r.saved.has_value());
  CHECK(r.saved->plan.actions[7].kind == ActionKind::update_service_account);
  CHECK(r.saved->plan.actions[8].kind == ActionKind::create_secret);
  CHECK(key_ref(r.saved->plan.actions[7].key) == key_ref(r.saved->plan.actions[8].key));
}

TEST_CASE("a plan file from before service accounts (string warnings, no new counts) is still read") {
  json doc = json::parse(every_kind_file());
  json old_actions = json::array();
  for (const auto& a : doc["actions"]) {
    if (a.contains("key") && !a["key"]["id"].is_null()) old_actions.push_back(a);
  }
  doc["actions"] = old_actions;
  doc["skipped"] = json::array();
  doc["warnings"] = {"keyform runs as admin001, which may not delete keys"};
  for (const auto& kind : kActionKinds) {
    const std::string name(kind.name);
    doc["summary"][name] = std::count_if(old_actions.begin(), old_actions.end(), [&](const json& a) { return a["action"] == name; });
  }
  for (const char* kind : {"create_key", "create_service_account", "update_service_account", "create_secret",
                           "delete_secret", "delete_service_account"}) {
    doc["summary"].erase(kind);
  }
  doc["access_lists_read"] = json::array();
  doc["checksum"] = sha256_hex(plan_file_canonical(doc));
  const PlanFileResult r = read_plan_file(doc.dump(2));
  INFO(r.detail);
  REQUIRE(r.saved.has_value());
  CHECK(r.saved->plan.warnings == std::vector<PlanWarning>{{"", "keyform runs as admin001, which may not delete keys"}});
  CHECK(r.saved->plan.actions.size() == 4);
}

TEST_CASE("a stale plan names the service account that changed") {
  const Plan plan = plan_with_every_kind();
  LiveState live;
  live.projects = {{kSaProd.id, "payments-prod"}, {kSaStage.id, "staging"}};
  live.keys = {{"65f0c0ffee0000000000000a", "cikey001", "CI deployer", {}, {}, std::vector<std::string>{}},
               {"65f0c0ffee0000000000000c", "oldkey01", "", {}}};
  live.service_accounts_read = true;
  LiveServiceAccount deployer{kDeployerId, "payments-deployer", "deploys", {"ORG_MEMBER"},
                              std::map<std::string, std::vector<std::string>>{{kSaProd.id, {"GROUP_READ_ONLY"}},
                                                                              {kSaStage.id, {"GROUP_READ_ONLY"}}},
                              std::vector<std::string>{"192.0.2.0/24"},
                              {{"65f0c0ffee00000000000111", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"}}};
  LiveServiceAccount legacy{kLegacyId, "legacy-batch", "old", {"ORG_MEMBER"},
                            std::map<std::string, std::vector<std::string>>{{kSaProd.id, {"GROUP_OWNER"}}}};
  live.service_accounts = {deployer, legacy};
  CHECK(stale_details(plan, live, 10) == std::vector<std::string>{});

  live.service_accounts[0].name = "renamed";
  live.service_accounts[0].secrets.clear();
  live.service_accounts.push_back({"mdb_sa_id_bbbbbbbbbbbbbbbbbbbbbbbb", "reports-reader", "x", {"ORG_MEMBER"}});
  live.service_accounts.erase(live.service_accounts.begin() + 1);  // legacy-batch is gone
  const auto details = stale_details(plan, live, 10);
  CHECK(details == std::vector<std::string>{
                       "a service account named \"reports-reader\" now exists (mdb_sa_id_bbbbbbbbbbbbbbbbbbbbbbbb); the "
                       "plan would create another",
                       "service account \"renamed\" (mdb_sa_id_0123456789abcdef01234567) is now named \"renamed\"; the "
                       "plan expected \"payments-deployer\"",
                       "secret 65f0c0ffee00000000000111 of service account \"renamed\" "
                       "(mdb_sa_id_0123456789abcdef01234567) no longer exists",
                       "service account \"legacy-batch\" (mdb_sa_id_76543210fedcba9876543210) no longer exists"});
  // Unread service accounts leave the judgement to the fingerprint.
  live.service_accounts_read = false;
  live.service_accounts.clear();
  CHECK(stale_details(plan, live, 10).empty());
}

}  // namespace keyform_test_plan_file_service_account
