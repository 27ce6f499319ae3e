// Service-account plan actions as the planner makes them, for tests that build plans by hand, and
// one plan that holds every action kind.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "plan_builders.h"

namespace keyform::testing {

inline Principal service_account(std::string client_id, std::string name) {
  return {std::move(client_id), "", std::move(name), PrincipalKind::service_account};
}

inline Principal new_service_account(std::string name) { return service_account("", std::move(name)); }

inline Action make_sa_action(ActionKind kind, Principal account, ReasonCode code, std::string reason) {
  Action a;
  a.kind = kind;
  a.key = std::move(account);
  a.reason_code = code;
  a.reason = std::move(reason);
  return a;
}

inline Action make_create_service_account(const std::string& name, std::string description,
                                          std::vector<std::string> org_roles = {"ORG_MEMBER"}, int hours = 2160) {
  Action a = make_sa_action(ActionKind::create_service_account, new_service_account(name),
                            ReasonCode::no_service_account_with_name, "no service account in the org has this name");
  a.after.name = name;
  a.after.desc = std::move(description);
  a.after.org_roles = std::move(org_roles);
  a.after.expires_after_hours = hours;
  return a;
}

inline Action make_update_service_account(Principal account, KeyAttributes before, KeyAttributes after) {
  Action a = make_sa_action(ActionKind::update_service_account, std::move(account), ReasonCode::attributes_differ,
                            "attributes differ");
  a.before = std::move(before);
  a.after = std::move(after);
  return a;
}

inline Action make_create_secret(Principal account, int hours) {
  Action a = make_sa_action(ActionKind::create_secret, std::move(account), ReasonCode::secret_rotation_due,
                            "the latest secret expires within 14 days");
  a.after.expires_after_hours = hours;
  return a;
}

inline Action make_delete_secret(Principal account, std::string id, std::string expires_at) {
  Action a = make_sa_action(ActionKind::delete_secret, std::move(account), ReasonCode::secret_expired,
                            "the secret has expired");
  a.secret = SecretInfo{std::move(id), std::move(expires_at)};
  return a;
}

inline Action make_delete_service_account(Principal account, std::vector<ProjectRoles> lost) {
  Action a = make_sa_action(ActionKind::delete_service_account, std::move(account), ReasonCode::declared_absent,
                            "declared with state = \"absent\"");
  a.assignments_before = std::move(lost);
  return a;
}

inline KeyAttributes sa_fields(std::optional<std::string> name, std::optional<std::string> description,
                               std::optional<std::vector<std::string>> org_roles) {
  KeyAttributes out;
  out.name = std::move(name);
  out.desc = std::move(description);
  out.org_roles = std::move(org_roles);
  return out;
}

inline const std::string kDeployerId = "mdb_sa_id_0123456789abcdef01234567";
inline const std::string kLegacyId = "mdb_sa_id_76543210fedcba9876543210";
inline const ProjectInfo kSaProd{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"};
inline const ProjectInfo kSaStage{"6523b7e0c1b52d0f1a2b3c02", "staging"};

// Every kind of kActionKinds, keys and service accounts, in execution order: what a saved plan
// must round-trip and the schema must accept.
inline Plan plan_with_every_kind() {
  Plan plan;
  plan.target = {"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
  const Principal ci{"65f0c0ffee0000000000000a", "cikey001", "CI deployer"};
  const Principal old{"65f0c0ffee0000000000000c", "oldkey01", ""};
  const Principal deployer = service_account(kDeployerId, "payments-deployer");
  const Principal legacy = service_account(kLegacyId, "legacy-batch");
  const Principal fresh = new_service_account("reports-reader");
  plan.actions = {
      make_create_key("CI deployer (next)"),
      make_create_service_account("reports-reader", "reads reports", {"ORG_MEMBER"}, 720),
      make_action(ActionKind::assign, fresh, kSaProd, {}, {"GROUP_READ_ONLY"}, "declared in config"),
      make_entry_action(ActionKind::add_access_entry, fresh, "203.0.113.0/24", "declared in config"),
      make_action(ActionKind::assign, ci, kSaStage, {}, {"GROUP_OWNER"}, "declared in config"),
      make_action(ActionKind::update_roles, deployer, kSaProd, {"GROUP_READ_ONLY"}, {"GROUP_CLUSTER_MANAGER"},
                  "roles differ"),
      make_update_key(ci, {"CI deployer", std::nullopt}, {"CI deployer (payments)", std::nullopt}),
      make_update_service_account(deployer, sa_fields("payments-deployer", "deploys", std::nullopt),
                                  sa_fields("payments-deployer-2", "deploys payments", std::nullopt)),
      make_create_secret(deployer, 2160),
      make_entry_action(ActionKind::add_access_entry, ci, "198.51.100.7/32", "declared in config"),
      make_action(ActionKind::unassign, deployer, kSaStage, {"GROUP_READ_ONLY"}, {}, "not declared for this account"),
      make_entry_action(ActionKind::remove_access_entry, deployer, "192.0.2.0/24"),
      make_delete_secret(deployer, "65f0c0ffee00000000000111", "2026-01-01T00:00:00Z"),
      make_action(ActionKind::delete_key, old, std::nullopt, {}, {}, "declared with state = \"absent\""),
      make_delete_service_account(legacy, {{kSaProd, {"GROUP_OWNER"}}}),
  };
  plan.skipped = {{make_update_service_account(service_account("mdb_sa_id_aaaaaaaaaaaaaaaaaaaaaaaa", "keyform-self"),
                                               sa_fields(std::nullopt, std::nullopt, std::vector<std::string>{"ORG_OWNER"}),
                                               sa_fields(std::nullopt, std::nullopt, std::vector<std::string>{"ORG_MEMBER"})),
                   "keyform authenticates as this service account"}};
  plan.warnings = {{"secret_expiring", "service account payments-deployer: its latest secret expires in 3 days"}};
  return plan;
}

}  // namespace keyform::testing
