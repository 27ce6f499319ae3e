// The planner over a key's own attributes (desc, org roles, IP access list): every attribute ×
// every undeclared-key policy × every guard (an ordinary key, the key keyform runs as, a protected key).
#include "core/planner.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace keyform_test_planner_attributes {

using namespace keyform;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kKeyId = "65f0c0ffee0000000000000a";
const std::string kOtherId = "65f0c0ffee0000000000000b";

using Strings = std::vector<std::string>;

LiveState org(Strings access_list = {"192.0.2.1/32", "198.51.100.0/24"}) {
  LiveState live;
  live.org_id = kOrg;
  live.projects = {{kProd, "payments-prod"}};
  live.keys = {
      {kKeyId, "cikey001", "CI deployer", {{kProd, {"GROUP_READ_ONLY"}}}, {"ORG_BILLING_ADMIN", "ORG_MEMBER"},
       access_list},
      {kOtherId, "other001", "someone", {{kProd, {"GROUP_OWNER"}}}, {"ORG_MEMBER"}, std::nullopt},
  };
  return live;
}

// The key as declared: its project unchanged, the rest as the case sets it.
DeclaredKey declared() {
  DeclaredKey k;
  k.public_key = "cikey001";
  k.projects = {{"payments-prod", {"GROUP_READ_ONLY"}, {3, 1}}};
  k.pos = {1, 1};
  return k;
}

Config config(DeclaredKey key, UndeclaredPolicy policy, Strings protected_keys = {}) {
  Config c;
  c.path = "keyform.toml";
  c.target = {"atlas-v2", kOrg, "", {}, {}, {}};
  c.policy.undeclared_keys = policy;
  c.policy.protected_keys = std::move(protected_keys);
  c.keys = {std::move(key), DeclaredKey{}};
  c.keys[1].public_key = "other001";
  c.keys[1].projects = {{"payments-prod", {"GROUP_OWNER"}, {9, 1}}};
  return c;
}

std::string join(const Strings& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// "update_key cikey001 desc CI deployer -> new; org [A] -> [B]" / "add_access_entry cikey001 203.0.113.7/32"
std::string line(const Action& a) {
  std::string text = std::string(to_string(a.kind)) + " " + a.key.public_key;
  if (a.entry) text += " " + *a.entry;
  if (a.after.desc) text += " desc " + a.before.desc.value_or("?") + " -> " + *a.after.desc;
  if (a.after.org_roles) text += " org [" + join(a.before.org_roles.value_or(Strings{})) + "] -> [" + join(*a.after.org_roles) + "]";
  return text;
}

Strings lines(const std::vector<Action>& actions) {
  Strings out;
  for (const auto& a : actions) out.push_back(line(a));
  return out;
}

Strings skipped(const Plan& plan) {
  Strings out;
  for (const auto& s : plan.skipped) out.push_back(line(s.action));
  return out;
}

Plan plan_of(const Config& c, const LiveState& live, std::string_view self = "") {
  PlanResult r = make_plan(c, live, self);
  REQUIRE(r.errors.empty());
  return *r.plan;
}

enum class Guard { none, self, protect };

struct Case {
  const char* name;
  void (*declare)(DeclaredKey&);
  Strings unguarded;    // the plan's actions for an ordinary key
  Strings self_keeps;   // what is still planned when the key is keyform's own (the rest is skipped)
};

const Case kCases[] = {
    {"desc differs", [](DeclaredKey& k) { k.desc = "CI deployer (payments)"; },
     {"update_key cikey001 desc CI deployer -> CI deployer (payments)"},
     {"update_key cikey001 desc CI deployer -> CI deployer (payments)"}},
    {"desc equal", [](DeclaredKey& k) { k.desc = "CI deployer"; }, {}, {}},
    {"desc omitted: left alone", [](DeclaredKey&) {}, {}, {}},
    {"org role gained", [](DeclaredKey& k) { k.org_roles = Strings{"ORG_BILLING_ADMIN", "ORG_MEMBER", "ORG_OWNER"}; },
     {"update_key cikey001 org [ORG_BILLING_ADMIN,ORG_MEMBER] -> [ORG_BILLING_ADMIN,ORG_MEMBER,ORG_OWNER]"},
     {"update_key cikey001 org [ORG_BILLING_ADMIN,ORG_MEMBER] -> [ORG_BILLING_ADMIN,ORG_MEMBER,ORG_OWNER]"}},
    {"org role removed", [](DeclaredKey& k) { k.org_roles = Strings{"ORG_MEMBER"}; },
     {"update_key cikey001 org [ORG_BILLING_ADMIN,ORG_MEMBER] -> [ORG_MEMBER]"}, {}},
    {"org roles equal", [](DeclaredKey& k) { k.org_roles = Strings{"ORG_BILLING_ADMIN", "ORG_MEMBER"}; }, {}, {}},
    {"desc and a swapped org role: the self key keeps the gains only",
     [](DeclaredKey& k) {
       k.desc = "new";
       k.org_roles = Strings{"ORG_MEMBER", "ORG_READ_ONLY"};
     },
     {"update_key cikey001 desc CI deployer -> new org [ORG_BILLING_ADMIN,ORG_MEMBER] -> [ORG_MEMBER,ORG_READ_ONLY]"},
     {"update_key cikey001 desc CI deployer -> new org [ORG_BILLING_ADMIN,ORG_MEMBER] -> "
      "[ORG_BILLING_ADMIN,ORG_MEMBER,ORG_READ_ONLY]"}},
    {"access entry added to a non-empty list",
     [](DeclaredKey& k) { k.access_list = Strings{"192.0.2.1/32", "198.51.100.0/24", "203.0.113.7/32"}; },
     {"add_access_entry cikey001 203.0.113.7/32"}, {"add_access_entry cikey001 203.0.113.7/32"}},
    {"access entry removed", [](DeclaredKey& k) { k.access_list = Strings{"198.51.100.0/24"}; },
     {"remove_access_entry cikey001 192.0.2.1/32"}, {}},
    {"access list emptied", [](DeclaredKey& k) { k.access_list = Strings{}; },
     {"remove_access_entry cikey001 192.0.2.1/32", "remove_access_entry cikey001 198.51.100.0/24"}, {}},
    {"access list equal", [](DeclaredKey& k) { k.access_list = Strings{"192.0.2.1/32", "198.51.100.0/24"}; }, {}, {}},
};

}  // namespace

TEST_CASE("key attributes: every attribute × policy × guard") {
  for (const Case& c : kCases) {
    for (auto policy : {UndeclaredPolicy::ignore, UndeclaredPolicy::unassign, UndeclaredPolicy::remove}) {
      for (Guard guard : {Guard::none, Guard::self, Guard::protect}) {
        CAPTURE(c.name);
        CAPTURE(to_string(policy));
        CAPTURE(static_cast<int>(guard));
        DeclaredKey key = declared();
        c.declare(key);
        const Config cfg = config(key, policy, guard == Guard::protect ? Strings{"cikey001"} : Strings{});
        const Plan plan = plan_of(cfg, org(), guard == Guard::self ? "cikey001" : "");
        switch (guard) {
          case Guard::none:
            CHECK(lines(plan.actions) == c.unguarded);
            CHECK(plan.skipped.empty());
            break;
          case Guard::self:
            CHECK(lines(plan.actions) == c.self_keeps);
            // Nothing disappears silently: what is not planned is listed as skipped.
            CHECK(plan.skipped.size() + plan.actions.size() >= c.unguarded.size());
            CHECK((plan.skipped.empty() == (c.self_keeps == c.unguarded)));
            break;
          case Guard::protect:
            CHECK(plan.actions.empty());
            CHECK(skipped(plan) == c.unguarded);
            break;
        }
      }
    }
  }
}

TEST_CASE("the first entry of the self key's empty access list is skipped: it would lock the run out") {
  DeclaredKey key = declared();
  key.access_list = Strings{"203.0.113.7/32"};
  const Plan self = plan_of(config(key, UndeclaredPolicy::ignore), org({}), "cikey001");
  CHECK(self.actions.empty());
  REQUIRE(self.skipped.size() == 1);
  CHECK(self.skipped[0].skip_reason.find("restrict it to that address") != std::string::npos);
  // Any other key gets it.
  const Plan other = plan_of(config(key, UndeclaredPolicy::ignore), org({}), "other001");
  CHECK(lines(other.actions) == Strings{"add_access_entry cikey001 203.0.113.7/32"});
}

TEST_CASE("reason codes, phases and order of attribute actions") {
  DeclaredKey key = declared();
  key.desc = "renamed";
  key.org_roles = Strings{"ORG_MEMBER"};
  key.access_list = Strings{"203.0.113.7/32"};
  const Plan plan = plan_of(config(key, UndeclaredPolicy::ignore), org());
  REQUIRE(plan.actions.size() == 4);
  // The org-role removal makes the update a removal: it runs with the removals, after the grant.
  CHECK(plan.actions[0].kind == ActionKind::add_access_entry);
  CHECK(plan.actions[0].reason_code == ReasonCode::access_entry_declared);
  CHECK(plan.actions[1].kind == ActionKind::update_key);
  CHECK(plan.actions[1].reason_code == ReasonCode::attributes_differ);
  CHECK(plan.actions[1].reason == "description and org roles differ");
  CHECK(phase_of(plan.actions[1]) == Phase::remove);
  CHECK(plan.actions[2].kind == ActionKind::remove_access_entry);
  CHECK(plan.actions[2].reason_code == ReasonCode::access_entry_not_declared);
  // max_destroy counts the removed org role and both removed entries.
  CHECK(plan.destroy_count() == 3);
  Policy policy;
  policy.max_destroy = 2;
  REQUIRE(check_max_destroy(plan, policy).has_value());
  CHECK(check_max_destroy(plan, policy)->find("removes access 3 times") != std::string::npos);
  policy.max_destroy = 3;
  CHECK_FALSE(check_max_destroy(plan, policy).has_value());
}

TEST_CASE("a declared access list that was not read is an error, never a plan to empty it") {
  DeclaredKey key = declared();
  key.access_list = Strings{};
  key.access_list_pos = {4, 15};
  LiveState live = org();
  live.keys[0].access_list.reset();
  const PlanResult r = make_plan(config(key, UndeclaredPolicy::ignore), live, "");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].pos.line == 4);
  CHECK(r.errors[0].message.find("was not read") != std::string::npos);
}

TEST_CASE("access_lists_to_read: the declared keys with access_list, by id, present ones only") {
  DeclaredKey key = declared();
  key.access_list = Strings{};
  Config c = config(key, UndeclaredPolicy::ignore);
  CHECK(access_lists_to_read(c, org()) == Strings{kKeyId});
  c.keys[0].access_list.reset();
  CHECK(access_lists_to_read(c, org()).empty());
  c.keys[1].access_list = Strings{};
  c.keys[1].public_key.clear();
  c.keys[1].id = kOtherId;
  CHECK(access_lists_to_read(c, org()) == Strings{kOtherId});
}

TEST_CASE("access_lists_to_read: keys named by description, absent ones left out, each live key once") {
  DeclaredKey by_desc;
  by_desc.desc = "someone";
  by_desc.access_list = Strings{};
  Config c = config(declared(), UndeclaredPolicy::ignore);
  c.keys.push_back(by_desc);
  CHECK(access_lists_to_read(c, org()) == Strings{kOtherId});
  c.keys[0].access_list = Strings{};  // and by public key: both, sorted by id
  CHECK(access_lists_to_read(c, org()) == Strings{kKeyId, kOtherId});
  c.keys[2].state = KeyState::absent;
  CHECK(access_lists_to_read(c, org()) == Strings{kKeyId});
  c.keys.push_back(c.keys[0]);  // two entries naming one key: read once
  CHECK(access_lists_to_read(c, org()) == Strings{kKeyId});
}

}  // namespace keyform_test_planner_attributes
