#include "core/fingerprint.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>

namespace keyform_test_fingerprint {

using namespace keyform;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";

LiveState org() {
  LiveState live;
  live.org_id = kOrg;
  live.projects = {{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"}, {"6523b7e0c1b52d0f1a2b3c02", "staging"}};
  live.keys = {
      {"65f0c0ffee0000000000000a", "cikey001", "CI", {{"6523b7e0c1b52d0f1a2b3c01", {"GROUP_OWNER", "GROUP_READ_ONLY"}}}},
      {"65f0c0ffee0000000000000b", "opskey01", "ops",
       {{"6523b7e0c1b52d0f1a2b3c01", {"GROUP_OWNER"}}, {"6523b7e0c1b52d0f1a2b3c02", {"GROUP_READ_ONLY"}}}},
      {"65f0c0ffee0000000000000c", "idlekey1", "", {}},
  };
  return live;
}

}  // namespace

TEST_CASE("sha256_hex is SHA-256 (FIPS 180-2 test vectors)") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(is_sha256_hex(sha256_hex("x")));
  CHECK_FALSE(is_sha256_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  CHECK_FALSE(is_sha256_hex("abc"));
}

TEST_CASE("the fingerprint does not depend on the order of the API's lists") {
  const std::string expected = live_fingerprint(org());
  LiveState reordered = org();
  std::reverse(reordered.keys.begin(), reordered.keys.end());
  std::reverse(reordered.projects.begin(), reordered.projects.end());
  std::reverse(reordered.keys.back().project_roles.begin()->second.begin(),
               reordered.keys.back().project_roles.begin()->second.end());  // roles of cikey001
  CHECK(live_fingerprint(reordered) == expected);
  CHECK(live_fingerprint(org()) == expected);  // and it is deterministic
  CHECK(is_sha256_hex(expected));
}

TEST_CASE("any change the plan depends on changes the fingerprint") {
  const std::string base = live_fingerprint(org());
  std::vector<std::pair<std::string, LiveState>> changed;
  auto variant = [&](const std::string& what, auto&& edit) {
    LiveState live = org();
    edit(live);
    changed.push_back({what, std::move(live)});
  };
  variant("a role added", [](LiveState& l) { l.keys[1].project_roles["6523b7e0c1b52d0f1a2b3c02"].push_back("GROUP_OWNER"); });
  variant("a role replaced", [](LiveState& l) { l.keys[0].project_roles.begin()->second[1] = "GROUP_CLUSTER_MANAGER"; });
  variant("a role removed", [](LiveState& l) { l.keys[0].project_roles.begin()->second.pop_back(); });
  variant("an assignment added", [](LiveState& l) { l.keys[2].project_roles["6523b7e0c1b52d0f1a2b3c02"] = {"GROUP_OWNER"}; });
  variant("an assignment removed", [](LiveState& l) { l.keys[1].project_roles.erase("6523b7e0c1b52d0f1a2b3c02"); });
  variant("an assignment moved", [](LiveState& l) {
    auto roles = l.keys[0].project_roles["6523b7e0c1b52d0f1a2b3c01"];
    l.keys[0].project_roles.clear();
    l.keys[0].project_roles["6523b7e0c1b52d0f1a2b3c02"] = roles;
  });
  variant("a key added", [](LiveState& l) { l.keys.push_back({"65f0c0ffee0000000000000d", "newkey01", "", {}}); });
  variant("a key removed", [](LiveState& l) { l.keys.pop_back(); });
  variant("a key id changed", [](LiveState& l) { l.keys[2].id = "65f0c0ffee0000000000000e"; });
  variant("a public key changed", [](LiveState& l) { l.keys[2].public_key = "idlekey2"; });
  variant("a project renamed", [](LiveState& l) { l.projects[1].name = "staging2"; });
  variant("a project id changed", [](LiveState& l) { l.projects[1].id = "6523b7e0c1b52d0f1a2b3c03"; });
  variant("a project added", [](LiveState& l) { l.projects.push_back({"6523b7e0c1b52d0f1a2b3c09", "new"}); });
  variant("a project removed", [](LiveState& l) { l.projects.pop_back(); });
  variant("another org", [](LiveState& l) { l.org_id = "5a0a1e7e0f2912c554080add"; });
  for (const auto& [what, live] : changed) {
    CAPTURE(what);
    CHECK(live_fingerprint(live) != base);
  }
  for (std::size_t i = 0; i < changed.size(); ++i) {
    for (std::size_t j = i + 1; j < changed.size(); ++j) {
      CAPTURE(changed[i].first);
      CAPTURE(changed[j].first);
      CHECK(live_fingerprint(changed[i].second) != live_fingerprint(changed[j].second));
    }
  }
}

TEST_CASE("a name cannot forge another line of the canonical form") {
  LiveState two;
  two.org_id = kOrg;
  two.projects = {{"6523b7e0c1b52d0f1a2b3c01", "x"}, {"6523b7e0c1b52d0f1a2b3c02", "y"}};
  LiveState one = two;
  one.projects = {{"6523b7e0c1b52d0f1a2b3c01", "x\nproject 24:6523b7e0c1b52d0f1a2b3c02 1:y"}};
  // What the name spells is exactly the second project's line...
  CHECK(canonical_live_state(two).find("project 24:6523b7e0c1b52d0f1a2b3c02 1:y\n") != std::string::npos);
  // ...yet the length prefix keeps the two states apart.
  CHECK(live_fingerprint(one) != live_fingerprint(two));
}

TEST_CASE("every attribute a plan depends on is part of the fingerprint: desc, org roles, access lists") {
  const std::string base = live_fingerprint(org());
  LiveState renamed = org();
  renamed.keys[0].desc = "renamed in the UI";
  CHECK(live_fingerprint(renamed) != base);
  LiveState promoted = org();
  promoted.keys[0].org_roles.push_back("ORG_OWNER");
  CHECK(live_fingerprint(promoted) != base);
  // An access list read as empty differs from one not read, and from one with an entry.
  LiveState empty_list = org();
  empty_list.keys[0].access_list = std::vector<std::string>{};
  LiveState one_entry = org();
  one_entry.keys[0].access_list = std::vector<std::string>{"203.0.113.7/32"};
  CHECK(live_fingerprint(empty_list) != base);
  CHECK(live_fingerprint(one_entry) != live_fingerprint(empty_list));
  // Order of entries as the API lists them does not matter.
  LiveState two = org(), swapped = org();
  two.keys[0].access_list = std::vector<std::string>{"198.51.100.0/24", "203.0.113.7/32"};
  swapped.keys[0].access_list = std::vector<std::string>{"203.0.113.7/32", "198.51.100.0/24"};
  CHECK(live_fingerprint(two) == live_fingerprint(swapped));
}

TEST_CASE("the canonical form is length-prefixed and sorted") {
  LiveState live = org();
  live.keys[0].access_list = std::vector<std::string>{"203.0.113.7/32"};
  const std::string text = canonical_live_state(live);
  CHECK(text.starts_with("keyform-live-state 2\norg 24:" + kOrg + "\n"));
  CHECK(text.find("project 24:6523b7e0c1b52d0f1a2b3c01 13:payments-prod\n") != std::string::npos);
  CAPTURE(text);
  CHECK(text.find("key 24:65f0c0ffee0000000000000a 8:cikey001 desc " + std::to_string(live.keys[0].desc.size()) + ":" +
                  live.keys[0].desc + " org-roles ") != std::string::npos);
  CHECK(text.find(" project 24:6523b7e0c1b52d0f1a2b3c01 roles 2 11:GROUP_OWNER 15:GROUP_READ_ONLY access-list 1 "
                  "14:203.0.113.7/32\n") != std::string::npos);
}

namespace {

LiveState org_with_accounts() {
  LiveState live = org();
  live.service_accounts_read = true;
  LiveServiceAccount a;
  a.client_id = "mdb_sa_id_0123456789abcdef01234567";
  a.name = "payments-deployer";
  a.description = "deploys payments";
  a.org_roles = {"ORG_MEMBER"};
  a.project_roles = std::map<std::string, std::vector<std::string>>{{"6523b7e0c1b52d0f1a2b3c01", {"GROUP_OWNER"}}};
  a.access_list = std::vector<std::string>{"203.0.113.0/24"};
  a.secrets = {{"6650c0ffee00000000000001", "2026-10-01T00:00:00Z", "2026-12-30T00:00:00Z"}};
  live.service_accounts = {a};
  return live;
}

}  // namespace

TEST_CASE("the fingerprint covers service accounts and their secrets, only when they were read") {
  // An org read without service accounts keeps the fingerprint it had before they existed.
  LiveState plain = org();
  plain.service_accounts = org_with_accounts().service_accounts;  // not read: not covered
  CHECK(live_fingerprint(plain) == live_fingerprint(org()));
  LiveState read_none = org();
  read_none.service_accounts_read = true;
  CHECK(live_fingerprint(read_none) != live_fingerprint(org()));  // "none" is not "not read"

  const std::string base = live_fingerprint(org_with_accounts());
  LiveState later = org_with_accounts();
  later.read_at = 1796077786;
  CHECK(live_fingerprint(later) == base);  // when it was read is not what it is

  std::vector<std::pair<std::string, std::function<void(LiveServiceAccount&)>>> edits = {
      {"name", [](LiveServiceAccount& a) { a.name += "x"; }},
      {"description", [](LiveServiceAccount& a) { a.description += "x"; }},
      {"org role", [](LiveServiceAccount& a) { a.org_roles.push_back("ORG_OWNER"); }},
      {"project role", [](LiveServiceAccount& a) { (*a.project_roles).begin()->second = {"GROUP_READ_ONLY"}; }},
      {"projects not read", [](LiveServiceAccount& a) { a.project_roles.reset(); }},
      {"no projects", [](LiveServiceAccount& a) { a.project_roles->clear(); }},
      {"access list", [](LiveServiceAccount& a) { a.access_list->push_back("198.51.100.7/32"); }},
      {"access list not read", [](LiveServiceAccount& a) { a.access_list.reset(); }},
      {"a secret added", [](LiveServiceAccount& a) { a.secrets.push_back({"s2", "x", "2027-01-01T00:00:00Z"}); }},
      {"a secret deleted", [](LiveServiceAccount& a) { a.secrets.clear(); }},
      {"a secret's expiry", [](LiveServiceAccount& a) { a.secrets[0].expires_at = "2026-12-31T00:00:00Z"; }},
      {"client id", [](LiveServiceAccount& a) { a.client_id.back() = '8'; }},
  };
  for (const auto& [what, edit] : edits) {
    INFO(what);
    LiveState live = org_with_accounts();
    edit(live.service_accounts[0]);
    CHECK(live_fingerprint(live) != base);
  }
  LiveState twice = org_with_accounts();
  twice.service_accounts.push_back(twice.service_accounts[0]);
  CHECK(live_fingerprint(twice) != base);
}

}  // namespace keyform_test_fingerprint
