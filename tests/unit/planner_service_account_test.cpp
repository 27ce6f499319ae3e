// The planner for [[service_accounts]]: the key rules (projects exact, attributes managed when
// declared, state = "absent", undeclared policy, guards) on the second kind of principal, creation
// by name, and secrets that must not expire unnoticed (warnings, or rotation when configured).
#include "core/planner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/timestamp.h"

namespace keyform_test_planner_service_account {

using namespace keyform;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kStaging = "6523b7e0c1b52d0f1a2b3c02";
const std::string kDeployer = "mdb_sa_id_0123456789abcdef01234567";
const std::string kReporter = "mdb_sa_id_0123456789abcdef0123456a";
const std::int64_t kNow = *parse_rfc3339("2026-11-30T12:00:00Z");
const std::int64_t kDay = 86400;

using Strings = std::vector<std::string>;

std::string at(std::int64_t t) { return format_rfc3339(t); }

LiveServiceAccount account(const std::string& id, const std::string& name) {
  LiveServiceAccount a;
  a.client_id = id;
  a.name = name;
  a.description = "deploys payments";
  a.org_roles = {"ORG_MEMBER"};
  a.project_roles = std::map<std::string, Strings>{{kProd, {"GROUP_CLUSTER_MANAGER"}}};
  a.access_list = Strings{};
  a.secrets = {{"6650c0ffee00000000000001", at(kNow - 10 * kDay), at(kNow + 80 * kDay)}};
  return a;
}

LiveState org(std::vector<LiveServiceAccount> accounts) {
  LiveState live;
  live.org_id = kOrg;
  live.projects = {{kProd, "payments-prod"}, {kStaging, "payments-staging"}};
  live.service_accounts_read = true;
  live.service_accounts = std::move(accounts);
  live.read_at = kNow;
  return live;
}

DeclaredServiceAccount declared(const std::string& client_id, const std::string& name) {
  DeclaredServiceAccount d;
  d.client_id = client_id;
  d.name = name;
  d.description = "deploys payments";
  d.projects = {{"payments-prod", {"GROUP_CLUSTER_MANAGER"}, {5, 1}}};
  d.pos = {1, 1};
  d.name_pos = {3, 8};
  return d;
}

Config config(std::vector<DeclaredServiceAccount> accounts, UndeclaredPolicy policy = UndeclaredPolicy::ignore) {
  Config c;
  c.path = "keyform.toml";
  c.target = {"atlas-v2", kOrg, "", {}, {}, {}};
  c.policy.undeclared_service_accounts = policy;
  c.service_accounts = std::move(accounts);
  return c;
}

Plan plan_of(const Config& c, const LiveState& live, std::string_view self = "selfkey1") {
  PlanResult result = make_plan(c, live, self);
  if (!result.errors.empty()) FAIL(result.errors.front().message);
  return *result.plan;
}

std::vector<ActionKind> kinds(const Plan& plan) {
  std::vector<ActionKind> out;
  for (const auto& a : plan.actions) out.push_back(a.kind);
  return out;
}

std::vector<std::string> codes(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& w : plan.warnings) out.push_back(w.code);
  return out;
}

}  // namespace

TEST_CASE("service accounts: a declared account that matches the org plans nothing") {
  const Plan plan = plan_of(config({declared(kDeployer, "payments-deployer")}), org({account(kDeployer, "payments-deployer")}));
  CHECK(plan.actions.empty());
  CHECK(plan.warnings.empty());
}

TEST_CASE("service accounts: projects are exact, as for keys, and the actions name the account") {
  DeclaredServiceAccount d = declared(kDeployer, "payments-deployer");
  d.projects = {{kStaging, {"GROUP_READ_ONLY"}, {5, 1}}};
  LiveServiceAccount live = account(kDeployer, "payments-deployer");
  const Plan plan = plan_of(config({d}), org({live}));
  REQUIRE(kinds(plan) == std::vector{ActionKind::assign, ActionKind::unassign});
  const Action& assign = plan.actions[0];
  CHECK(assign.key.is_service_account());
  CHECK(assign.key.id == kDeployer);
  CHECK(assign.key.desc == "payments-deployer");
  CHECK(assign.project->name == "payments-staging");
  CHECK(assign.roles_after == Strings{"GROUP_READ_ONLY"});
  CHECK(plan.actions[1].project->id == kProd);
  CHECK(plan.actions[1].reason_code == ReasonCode::not_declared_for_key);

  d.projects = {{kProd, {"GROUP_OWNER"}, {5, 1}}};
  const Plan update = plan_of(config({d}), org({live}));
  REQUIRE(kinds(update) == std::vector{ActionKind::update_roles});
  CHECK(update.actions[0].roles_before == Strings{"GROUP_CLUSTER_MANAGER"});
}

TEST_CASE("service accounts: name, description and org roles are managed when declared, left alone when not") {
  DeclaredServiceAccount d = declared(kDeployer, "payments-deployer-2");
  d.description = "deploys payments, v2";
  d.org_roles = Strings{"ORG_MEMBER", "ORG_READ_ONLY"};
  const Plan plan = plan_of(config({d}), org({account(kDeployer, "payments-deployer")}));
  REQUIRE(kinds(plan) == std::vector{ActionKind::update_service_account});
  const Action& update = plan.actions[0];
  CHECK(update.before.name == "payments-deployer");
  CHECK(update.after.name == "payments-deployer-2");
  CHECK(update.after.desc == "deploys payments, v2");
  CHECK(update.after.org_roles == Strings{"ORG_MEMBER", "ORG_READ_ONLY"});
  CHECK(update.reason == "name, description and org roles differ");
  CHECK(phase_of(update) == Phase::grant);

  d.name.reset();
  d.description.reset();
  d.org_roles.reset();
  CHECK(plan_of(config({d}), org({account(kDeployer, "payments-deployer")})).actions.empty());
}

TEST_CASE("service accounts: an account named only by a name no account has is created with its projects and entries") {
  DeclaredServiceAccount d = declared("", "payments-deployer");
  d.access_list = Strings{"203.0.113.0/24"};
  d.secret_expires_after_hours = 720;
  const Plan plan = plan_of(config({d}), org({}));
  REQUIRE(kinds(plan) ==
          std::vector{ActionKind::create_service_account, ActionKind::assign, ActionKind::add_access_entry});
  const Action& create = plan.actions[0];
  CHECK(create.key.is_new());
  CHECK(create.key.is_service_account());
  CHECK(key_ref(create.key) == "new service account:payments-deployer");
  CHECK(create.after.name == "payments-deployer");
  CHECK(create.after.desc == "deploys payments");
  CHECK(create.after.org_roles == Strings{"ORG_MEMBER"});  // the default, shown in the plan
  CHECK(create.after.expires_after_hours == 720);
  CHECK(create.reason_code == ReasonCode::no_service_account_with_name);
  for (const auto& a : plan.actions) CHECK(key_ref(a.key) == key_ref(create.key));
  CHECK(plan.warnings.empty());  // a new account gets its first secret with it

  d.secret_expires_after_hours.reset();
  CHECK(plan_of(config({d}), org({})).actions[0].after.expires_after_hours == 2160);
}

TEST_CASE("service accounts: creating one needs a description; two accounts with the name stop the plan") {
  DeclaredServiceAccount d = declared("", "payments-deployer");
  d.description.reset();
  PlanResult result = make_plan(config({d}), org({}), "");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].message.find("needs a description") != std::string::npos);

  result = make_plan(config({declared("", "payments-deployer")}),
                     org({account(kDeployer, "payments-deployer"), account(kReporter, "payments-deployer")}), "");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].pos.line == 3);  // at the name
  CHECK(result.errors[0].message.find(kDeployer + ", " + kReporter) != std::string::npos);
  CHECK_FALSE(result.plan.has_value());

  // Exactly one: that account, nothing created.
  CHECK(plan_of(config({declared("", "payments-deployer")}), org({account(kDeployer, "payments-deployer")}))
            .actions.empty());
}

TEST_CASE("service accounts: a client id the org does not have is an error; absent ones are deleted with their blast radius") {
  PlanResult result = make_plan(config({declared(kReporter, "x")}), org({account(kDeployer, "payments-deployer")}), "");
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].message == "service account " + kReporter + " does not exist in org " + kOrg);

  DeclaredServiceAccount gone = declared(kDeployer, "payments-deployer");
  gone.state = KeyState::absent;
  gone.projects.clear();
  const Plan plan = plan_of(config({gone}), org({account(kDeployer, "payments-deployer")}));
  REQUIRE(kinds(plan) == std::vector{ActionKind::delete_service_account});
  REQUIRE(plan.actions[0].assignments_before.size() == 1);
  CHECK(plan.actions[0].assignments_before[0].project.name == "payments-prod");
  CHECK(plan.destroy_count() == 1);

  // Already gone: nothing to do, no error.
  gone.client_id = kReporter;
  CHECK(plan_of(config({gone}), org({account(kDeployer, "payments-deployer")})).actions.empty());
}

TEST_CASE("service accounts: undeclared ones are ignored, unassigned or deleted by policy; a repeated listing entry is one account") {
  const LiveServiceAccount other = account(kReporter, "reporter");
  const LiveState live = org({account(kDeployer, "payments-deployer"), other, other});
  CHECK(plan_of(config({declared(kDeployer, "payments-deployer")}), live).actions.empty());

  const Plan unassign = plan_of(config({declared(kDeployer, "payments-deployer")}, UndeclaredPolicy::unassign), live);
  REQUIRE(kinds(unassign) == std::vector{ActionKind::unassign});
  CHECK(unassign.actions[0].key.id == kReporter);
  CHECK(unassign.actions[0].reason_code == ReasonCode::undeclared_service_account_unassign);

  const Plan remove = plan_of(config({declared(kDeployer, "payments-deployer")}, UndeclaredPolicy::remove), live);
  REQUIRE(kinds(remove) == std::vector{ActionKind::delete_service_account});
  CHECK(remove.actions[0].reason_code == ReasonCode::undeclared_service_account_delete);
}

TEST_CASE("service accounts: protected ones and keyform's own never lose anything") {
  DeclaredServiceAccount d = declared(kDeployer, "payments-deployer");
  d.projects.clear();
  d.org_roles = Strings{"ORG_READ_ONLY"};
  d.access_list = Strings{"203.0.113.0/24"};
  LiveServiceAccount live = account(kDeployer, "payments-deployer");
  live.access_list = Strings{};

  // keyform runs as it: the unassign, the role loss and the first entry are skipped; the gain stays.
  const Plan self = plan_of(config({d}), org({live}), kDeployer);
  REQUIRE(kinds(self) == std::vector{ActionKind::update_service_account});
  CHECK(self.actions[0].after.org_roles == Strings{"ORG_MEMBER", "ORG_READ_ONLY"});
  REQUIRE(self.skipped.size() == 3);
  for (const auto& s : self.skipped) CHECK(s.skip_reason.find("keyform authenticates as this service account") == 0);

  Config protect = config({d});
  protect.policy.protected_keys = {kDeployer};
  const Plan guarded = plan_of(protect, org({live}));
  CHECK(guarded.actions.empty());
  CHECK(guarded.skipped.size() == 3);
  CHECK(guarded.skipped[0].skip_reason == "protected service account (policy.protected_keys)");
}

TEST_CASE("service accounts: expiry warnings at secret_rotation_days (14 by default, inclusive), expired, or no secret") {
  LiveServiceAccount live = account(kDeployer, "payments-deployer");
  const Config c = config({declared(kDeployer, "payments-deployer")});

  live.secrets = {{"s1", at(kNow - 80 * kDay), at(kNow + 14 * kDay)},   // the latest: exactly 14 days left
                  {"s2", at(kNow - 90 * kDay), at(kNow + 1 * kDay)}};
  Plan plan = plan_of(c, org({live}));
  CHECK(plan.actions.empty());
  REQUIRE(codes(plan) == Strings{"secret_expiring"});
  CHECK(plan.warnings[0].message.find("payments-deployer") != std::string::npos);
  CHECK(plan.warnings[0].message.find(at(kNow + 14 * kDay)) != std::string::npos);

  live.secrets[0].expires_at = at(kNow + 14 * kDay + 1);  // a second outside the window: quiet
  CHECK(plan_of(c, org({live})).warnings.empty());

  live.secrets = {{"s1", at(kNow - 80 * kDay), at(kNow - 1)}};
  CHECK(codes(plan_of(c, org({live}))) == Strings{"secret_expired"});
  live.secrets.clear();
  CHECK(codes(plan_of(c, org({live}))) == Strings{"no_secret"});

  Config wider = c;
  wider.policy.secret_rotation_days = 30;
  live.secrets = {{"s1", at(kNow - 80 * kDay), at(kNow + 29 * kDay)}};
  // secret_rotation_days set: the plan rotates instead of warning.
  CHECK(plan_of(wider, org({live})).warnings.empty());

  // Undeclared accounts are not warned about.
  CHECK(plan_of(config({}), org({live})).warnings.empty());
}

TEST_CASE("service accounts: rotation creates a secret and deletes only the expired ones, never a valid one") {
  Config c = config({declared(kDeployer, "payments-deployer")});
  c.policy.secret_rotation_days = 14;
  c.service_accounts[0].secret_expires_after_hours = 336;
  LiveServiceAccount live = account(kDeployer, "payments-deployer");
  live.secrets = {{"expired1", at(kNow - 100 * kDay), at(kNow - 5 * kDay)},
                  {"valid1", at(kNow - 80 * kDay), at(kNow + 3 * kDay)}};
  const Plan plan = plan_of(c, org({live}));
  REQUIRE(kinds(plan) == std::vector{ActionKind::create_secret, ActionKind::delete_secret});
  CHECK(plan.actions[0].after.expires_after_hours == 336);
  CHECK(plan.actions[0].reason_code == ReasonCode::secret_rotation_due);
  CHECK(phase_of(plan.actions[0]) == Phase::grant);
  REQUIRE(plan.actions[1].secret.has_value());
  CHECK(plan.actions[1].secret->id == "expired1");
  CHECK(phase_of(plan.actions[1]) == Phase::remove);
  CHECK(plan.destroy_count() == 1);

  // Not due: nothing, even though an expired secret lingers beside a fresh one? It is deleted.
  live.secrets[1].expires_at = at(kNow + 60 * kDay);
  CHECK(kinds(plan_of(c, org({live}))) == std::vector{ActionKind::delete_secret});

  // Keyform's own account: a new secret and deleting expired ones are both fine.
  live.secrets[1].expires_at = at(kNow + 3 * kDay);
  CHECK(plan_of(c, org({live}), kDeployer).actions.size() == 2);

  // Protected: warned about, never rotated.
  c.policy.protected_keys = {kDeployer};
  const Plan guarded = plan_of(c, org({live}));
  CHECK(guarded.actions.empty());
  CHECK(codes(guarded) == Strings{"secret_expiring"});
  CHECK(guarded.warnings[0].message.find("protected") != std::string::npos);
}

TEST_CASE("service accounts: what must be read for them") {
  CHECK_FALSE(reads_service_accounts(config({})));
  CHECK(reads_service_accounts(config({}, UndeclaredPolicy::unassign)));
  CHECK(reads_service_accounts(config({declared(kDeployer, "x")})));

  const LiveState live = org({account(kDeployer, "payments-deployer"), account(kReporter, "reporter")});
  DeclaredServiceAccount by_name = declared("", "reporter");
  by_name.access_list = Strings{};
  CHECK(service_accounts_to_read(config({by_name}), live) == Strings{kReporter});
  CHECK(service_accounts_to_read(config({by_name}, UndeclaredPolicy::unassign), live) == Strings{kDeployer, kReporter});
  CHECK(service_account_access_lists_to_read(config({by_name}), live) == Strings{kReporter});
  CHECK(service_account_access_lists_to_read(config({declared(kDeployer, "payments-deployer")}), live).empty());

  // A plan that needs them, from a state that lacks them, is refused rather than guessed.
  LiveState unread = live;
  unread.service_accounts_read = false;
  CHECK_FALSE(make_plan(config({by_name}), unread, "").errors.empty());
}

TEST_CASE("service accounts and keys in one plan: keys first within each phase, and max_destroy counts both") {
  Config c = config({declared(kDeployer, "payments-deployer")}, UndeclaredPolicy::remove);
  c.policy.undeclared_keys = UndeclaredPolicy::remove;
  LiveState live = org({account(kDeployer, "payments-deployer"), account(kReporter, "reporter")});
  live.keys = {{"65f0c0ffee0000000000000a", "abcdefgh", "old", {}, {"ORG_MEMBER"}}};
  const Plan plan = plan_of(c, live);
  REQUIRE(kinds(plan) == std::vector{ActionKind::delete_key, ActionKind::delete_service_account});
  c.policy.max_destroy = 1;
  CHECK(check_max_destroy(plan, c.policy).has_value());
}

}  // namespace keyform_test_planner_service_account
