// A small org whose keys drifted from their file in every attribute issue 12 manages (desc, org
// roles, IP access lists), on any API family, for key_attributes_test.cpp.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "harness.h"

namespace e2e::attrs {

using nlohmann::json;

struct Family {
  std::string api;
  std::string base_path;
  int page_size;
};

inline const std::vector<Family> kFamilies = {
    {"atlas-v2", "/api/atlas/v2", 500},
    {"atlas-v1", "/api/atlas/v1.0", 100},
    {"cloud-manager", "/api/public/v1.0", 500},
    {"ops-manager", "/api/public/v1.0", 500},
};

inline const Family& family_named(const std::string& api) {
  for (const auto& f : kFamilies) {
    if (f.api == api) return f;
  }
  throw std::runtime_error("no family " + api);
}

// Key ids of the drifted org, by public key.
inline const std::map<std::string, std::string> kKeyIds = {
    {"kfadmin1", "65f0c0ffee00000000000001"}, {"zmmrboas", "65f0c0ffee00000000000002"},
    {"analyst1", "65f0c0ffee00000000000003"}, {"oldci001", "65f0c0ffee00000000000004"},
    {"breakgl1", "65f0c0ffee00000000000005"}, {"contrac1", "65f0c0ffee00000000000006"},
};

inline json fixture_key(const std::string& public_key, const std::string& desc, const json& org_roles,
                        const json& access_list, const json& projects = json::object()) {
  const std::string secret = public_key == kAdmin ? kAdminSecret : "attr-secret-" + public_key + "-0000";
  return {{"id", kKeyIds.at(public_key)}, {"public_key", public_key}, {"private_key", secret}, {"desc", desc},
          {"org_roles", org_roles},       {"access_list", access_list}, {"projects", projects}};
}

inline json org_with(const std::vector<json>& keys) {
  return {{"org", {{"id", kOrg}, {"name", "Attributes Org"}}},
          {"projects", {{{"id", kProd}, {"name", "payments-prod"}}, {{"id", kStaging}, {"name", "payments-staging"}}}},
          {"keys", keys}};
}

inline json admin_key(const json& org_roles = {"ORG_OWNER"}, const json& access_list = json::array()) {
  return fixture_key(kAdmin, "keyform", org_roles, access_list, {{kProd, {"GROUP_OWNER"}}});
}

// Every kind of drift: a desc, an org role gained and one lost, IPv4 host / IPv4 CIDR / IPv6 host /
// IPv6 CIDR entries to add and to remove, a whole list to empty, and a key whose list is not
// declared (never read, never changed).
inline json drifted_org() {
  return org_with({
      admin_key(),
      fixture_key("zmmrboas", "CI deployer", {"ORG_MEMBER"}, {"203.0.113.7", "10.0.0.0/8"}, {{kStaging, {"GROUP_READ_ONLY"}}}),
      fixture_key("analyst1", "analytics team", {"ORG_MEMBER", "ORG_READ_ONLY"},
                  {"192.0.2.10", "2001:db8:1::/48", "2001:db8:2::/48"}),
      fixture_key("oldci001", "old CI", {"ORG_MEMBER"}, {"198.51.100.0/24"}),
      fixture_key("contrac1", "contractor", {"ORG_MEMBER"}, {"198.51.100.9"}),
  });
}

// What the file says of the drifted org's keys (after [target]).
inline std::string drifted_keys_toml() {
  return R"toml(
[[keys]]
public_key = "kfadmin1"
[keys.projects]
"payments-prod" = ["GROUP_OWNER"]

[[keys]]
public_key = "zmmrboas"
desc = "CI deployer (payments)"
org_roles = ["ORG_MEMBER", "ORG_BILLING_READ_ONLY"]
access_list = ["203.0.113.7", "198.51.100.0/24", "2001:DB8::/32"]
[keys.projects]
"payments-staging" = ["GROUP_READ_ONLY"]

[[keys]]
public_key = "analyst1"
org_roles = ["ORG_MEMBER"]
access_list = ["2001:db8:1::/48", "2001:db8::7"]
[keys.projects]

[[keys]]
public_key = "oldci001"
access_list = []
[keys.projects]

[[keys]]
public_key = "contrac1"
desc = "contractor"
[keys.projects]
)toml";
}

inline const std::string kV6Net32 = "2001:0db8:0000:0000:0000:0000:0000:0000/32";
inline const std::string kV6Host7 = "2001:0db8:0000:0000:0000:0000:0000:0007/128";
inline const std::string kV6Net1 = "2001:0db8:0001:0000:0000:0000:0000:0000/48";
inline const std::string kV6Net2 = "2001:0db8:0002:0000:0000:0000:0000:0000/48";

// The file's [target] for `family`; Ops Manager names its host there (it has no default).
inline std::string target_for(const Family& family, const Sandbox& sandbox, const std::string& policy) {
  std::string text = "[target]\napi = \"" + family.api + "\"\norg_id = \"" + kOrg + "\"\n";
  if (family.api == "ops-manager") text += "base_url = \"" + sandbox.base_url() + "\"\n";
  return text + "\n[policy]\nundeclared_keys = \"ignore\"\n" + policy + "\n";
}

// One sandbox with one fixture and one file, keyform running as kfadmin1.
struct Scene {
  const Family& family;
  json fixture;
  Sandbox sandbox;
  TempDir dir;
  std::map<std::string, std::string> env;

  Scene(const Family& f, json org, const std::string& keys_toml, const std::string& policy = "")
      : family(f), fixture(std::move(org)), sandbox(fixture), env(keyform_env(sandbox, kAdmin, kAdminSecret)) {
    if (family.api == "ops-manager") env.erase("MONGODB_ATLAS_BASE_URL");
    dir.write("keyform.toml", target_for(family, sandbox, policy) + keys_toml);
  }

  RunResult run(const std::vector<std::string>& args) const {
    RunResult r = keyform(args, env, dir.path());
    for (const auto& secret : secrets_of(fixture)) {
      CHECK_MESSAGE(r.all().find(secret) == std::string::npos, "a private key leaked into keyform's output");
    }
    return r;
  }

  std::string key_path(const std::string& public_key) const {
    return family.base_path + "/orgs/" + kOrg + "/apiKeys/" + kKeyIds.at(public_key);
  }
};

// One key of GET /__sandbox/state.
inline json state_key(const json& state, const std::string& public_key) {
  for (const auto& key : state["keys"]) {
    if (key["public_key"] == public_key) return key;
  }
  throw std::runtime_error("no key " + public_key + " in sandbox state");
}

inline std::set<std::string> as_set(const json& strings) {
  std::set<std::string> out;
  for (const auto& s : strings) out.insert(s.get<std::string>());
  return out;
}

// "METHOD path" of every write the sandbox served (digest challenges left out), statuses checked.
inline std::multiset<std::string> served_writes(const Sandbox& sandbox) {
  std::multiset<std::string> out;
  for (const auto& r : sandbox.writes()) {
    if (r["status"] == 401) continue;
    CAPTURE(r.dump());
    CHECK(r["status"].get<int>() / 100 == 2);
    out.insert(r["method"].get<std::string>() + " " + r["path"].get<std::string>());
  }
  return out;
}

// Answered GETs (not digest challenges, nor the rate limits read), as the requests themselves.
inline std::vector<json> answered_reads(const Sandbox& sandbox) {
  std::vector<json> out;
  for (const auto& r : sandbox.requests()) {
    if (r["method"] == "GET" && r["status"] != 401 && !is_rate_limits_read(r)) out.push_back(r);
  }
  return out;
}

// A plan's actions (or skipped actions) as "kind public_key [entry]", for whole-set comparisons.
inline std::multiset<std::string> action_names(const json& actions) {
  std::multiset<std::string> out;
  for (const auto& a : actions) {
    std::string name = a["action"].get<std::string>() + " " + a["key"]["public_key"].get<std::string>();
    if (a.contains("entry")) name += " " + a["entry"].get<std::string>();
    if (a.contains("project")) name += " " + a["project"]["name"].get<std::string>();
    out.insert(name);
  }
  return out;
}

inline const json& find_action(const json& actions, const std::string& kind, const std::string& public_key) {
  for (const auto& a : actions) {
    if (a["action"] == kind && a["key"]["public_key"] == public_key) return a;
  }
  throw std::runtime_error("no " + kind + " for " + public_key);
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace e2e::attrs
