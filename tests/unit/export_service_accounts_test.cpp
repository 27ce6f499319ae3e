// `keyform export` with service accounts, and `export --mirror-key … --as-service-account …`.
#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>

#include "core/config.h"
#include "core/export.h"
#include "core/planner.h"
#include "hostile_strings.h"

namespace keyform_test_export_service_accounts {

using namespace keyform;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kStage = "6523b7e0c1b52d0f1a2b3c02";
const std::string kDeployer = "mdb_sa_id_0123456789abcdef01234567";
const std::string kTwinA = "mdb_sa_id_0123456789abcdef0123456a";
const std::string kTwinB = "mdb_sa_id_0123456789abcdef0123456b";
const std::string kOdd = "mdb_sa_id_0123456789abcdef0123456c";
const std::string kUnread = "mdb_sa_id_0123456789abcdef0123456d";

using Roles = std::map<std::string, std::vector<std::string>>;

LiveServiceAccount account(const std::string& id, const std::string& name, const std::string& description,
                           std::optional<Roles> projects) {
  LiveServiceAccount a;
  a.client_id = id;
  a.name = name;
  a.description = description;
  a.org_roles = {"ORG_MEMBER"};
  a.project_roles = std::move(projects);
  a.secrets = {{"6650000000000000000000aa", "2025-01-01T00:00:00Z", "2025-04-01T00:00:00Z"}};
  return a;
}

// An org as export reads it on atlas-v2: two keys, and service accounts chosen to break a careless
// writer (a name two accounts share, a name and description the file would refuse, an upper-case
// client id, one whose projects were not read, one with a client id of another shape).
LiveState org() {
  LiveState live;
  live.org_id = kOrg;
  live.projects = {{kProd, "payments-prod"}, {kStage, "staging"}};
  live.keys = {{"65f0c0ffee0000000000000a", "cikey001", "CI \"deployer\"\nline two\\ \x01\x7f ☃",
                {{kProd, {"GROUP_OWNER", "GROUP_READ_ONLY"}}, {kStage, {"GROUP_READ_ONLY"}}},
                {"ORG_MEMBER", "ORG_READ_ONLY"},
                std::vector<std::string>{"198.51.100.0/24", "203.0.113.7/32"}},
               {"65f0c0ffee0000000000000b", "idlekey1", "no access", {}, {"ORG_MEMBER"}, std::vector<std::string>{}}};
  live.service_accounts_read = true;
  live.service_accounts = {
      account(kDeployer, "payments-deployer", "deploys payments", Roles{{kProd, {"GROUP_CLUSTER_MANAGER"}}}),
      account(kTwinA, "twin", "first of two", Roles{}),
      account(kTwinB, "twin", "second of two", Roles{{kStage, {"GROUP_READ_ONLY"}}}),
      account(kOdd, "ops/ci\n[[keys]]", "", Roles{}),
      account(kUnread, "unread", "projects not read", std::nullopt),
      account("sa-legacy", "legacy", "not a client id", Roles{}),
  };
  live.service_accounts[0].org_roles = {"ORG_GROUP_CREATOR", "ORG_MEMBER"};
  live.service_accounts[0].access_list = std::vector<std::string>{"10.0.0.0/8", "203.0.113.9/32"};
  live.service_accounts[1].access_list = std::vector<std::string>{};
  return live;
}

ExportOptions style(const std::string& api = "atlas-v2", bool by_name = false) { return {api, "", by_name, "test"}; }

Config parse_back(const std::string& text) {
  ConfigParseResult parsed = parse_config(text, "exported.toml");
  for (const auto& e : parsed.errors) FAIL_CHECK(format_error(e) << "\n" << text);
  REQUIRE(parsed.config.has_value());
  return *parsed.config;
}

const DeclaredServiceAccount& declared(const Config& config, const std::string& client_id) {
  for (const auto& a : config.service_accounts) {
    if (a.client_id == client_id) return a;
  }
  FAIL("no service account " << client_id);
  throw std::logic_error("unreachable");
}

Roles projects_of(const DeclaredServiceAccount& a) {
  Roles out;
  for (const auto& p : a.projects) out[p.ref] = p.roles;
  return out;
}

// The lines of `text` from the one containing `start` up to the next blank line.
std::string block_of(const std::string& text, const std::string& start) {
  const auto from = text.find(start);
  if (from == std::string::npos) return "";
  return text.substr(from, text.find("\n\n", from) - from);
}

// The mirrored entry below a [target], as a user pastes it into a file.
Config parse_mirrored(const std::string& entry, const std::string& api = "atlas-v2") {
  return parse_back("[target]\napi = \"" + api + "\"\norg_id = \"" + kOrg + "\"\n\n" + entry);
}

const LiveKey& key(const LiveState& live, const std::string& public_key) {
  const KeyLookup found = find_key_to_mirror(live, public_key);
  REQUIRE(found.key != nullptr);
  return *found.key;
}

}  // namespace

TEST_CASE("service accounts export by client id and parse back to what they are; planning changes nothing") {
  const LiveState live = org();
  const std::string text = export_config(live, style());
  const Config config = parse_back(text);
  CHECK(config.policy.undeclared_service_accounts == UndeclaredPolicy::ignore);
  REQUIRE(config.service_accounts.size() == 4);  // not the unread one, not the odd-shaped id

  const DeclaredServiceAccount& deployer = declared(config, kDeployer);
  CHECK(deployer.name == "payments-deployer");
  CHECK(deployer.description == "deploys payments");
  CHECK(deployer.org_roles == std::vector<std::string>{"ORG_GROUP_CREATOR", "ORG_MEMBER"});
  CHECK(deployer.access_list == std::vector<std::string>{"10.0.0.0/8", "203.0.113.9/32"});
  CHECK(projects_of(deployer) == Roles{{kProd, {"GROUP_CLUSTER_MANAGER"}}});
  CHECK(deployer.state == KeyState::present);
  CHECK_FALSE(deployer.secret_expires_after_hours.has_value());

  // A name two accounts share would make two entries with one name: left out of both.
  CHECK_FALSE(declared(config, kTwinA).name.has_value());
  CHECK_FALSE(declared(config, kTwinB).name.has_value());
  CHECK(declared(config, kTwinA).description == "first of two");
  CHECK(projects_of(declared(config, kTwinB)) == Roles{{kStage, {"GROUP_READ_ONLY"}}});
  // Read and empty: left unmanaged, as for keys.
  CHECK_FALSE(declared(config, kTwinA).access_list.has_value());
  // Name and description the file refuses: left out, the client id names the account.
  CHECK_FALSE(declared(config, kOdd).name.has_value());
  CHECK_FALSE(declared(config, kOdd).description.has_value());

  const PlanResult plan = make_plan(config, live, "");
  REQUIRE(plan.errors.empty());
  CHECK_FALSE(plan.plan->has_changes());
}

TEST_CASE("what export leaves out of a service account is said in a comment that cannot forge a line") {
  const std::string text = export_config(org(), style());
  CHECK(testing::find_raw_control(text) == std::string::npos);
  CHECK(text.find("\n[[keys]]\n", text.find("mdb_sa_id_")) == std::string::npos);  // no forged entry
  CHECK(block_of(text, "client_id = \"" + kTwinA + "\"")
            .find("\n# name not written: another service account of the org has the same name\n") != std::string::npos);
  const std::string odd = block_of(text, "client_id = \"" + kOdd + "\"");
  CHECK(odd.find("\n# name not written: name has the character U+002F at character 4, which a service account name "
                 "cannot hold (expected letters, numbers, spaces and - _ . , ')\n") != std::string::npos);
  CHECK(odd.find("\n# description not written: description must not be empty (expected 1 to 250 characters)\n") !=
        std::string::npos);
  CHECK(text.find("# service account \"" + kUnread + "\" not written: its project assignments were not read\n") !=
        std::string::npos);
  CHECK(text.find("# service account \"sa-legacy\" not written: its client id is not one the file accepts") !=
        std::string::npos);
  CHECK(text.find("sa-legacy\"\n") == std::string::npos);  // never as a value
}

TEST_CASE("export writes no secret setting, counts the accounts, and sorts them by name") {
  const std::string text = export_config(org(), style());
  CHECK(text.find("\nsecret_expires_after_hours") == std::string::npos);
  CHECK(text.find("\nsecret_rotation_days") == std::string::npos);
  CHECK(text.find("# 2 keys, 2 projects, 2 assignments, 6 service accounts.\n") != std::string::npos);
  CHECK(text.find("\nundeclared_service_accounts = \"ignore\"\n") != std::string::npos);
  const auto deployer = text.find(kDeployer), twin = text.find(kTwinA), odd = text.find(kOdd);
  CHECK(odd < deployer);  // "ops/ci…" < "payments-deployer" < "twin"
  CHECK(deployer < twin);
  LiveState reversed = org();
  std::reverse(reversed.service_accounts.begin(), reversed.service_accounts.end());
  CHECK(export_config(reversed, style()) == text);
}

TEST_CASE("no service accounts in the file when they were not read") {
  LiveState live = org();
  live.service_accounts_read = false;
  const std::string text = export_config(live, style());
  CHECK(text.find("service_accounts") == std::string::npos);
  CHECK(text.find("service accounts") == std::string::npos);
  CHECK(parse_back(text).service_accounts.empty());
}

TEST_CASE("service account access lists are written on atlas-v2 only; cloud-manager has none to manage") {
  const std::string text = export_config(org(), style("cloud-manager"));
  CHECK(block_of(text, "client_id = \"" + kDeployer + "\"").find("access_list") == std::string::npos);
  CHECK_FALSE(declared(parse_back(text), kDeployer).access_list.has_value());
}

TEST_CASE("--by-name names a service account's projects by name") {
  const Config config = parse_back(export_config(org(), style("atlas-v2", true)));
  CHECK(projects_of(declared(config, kDeployer)) == Roles{{"payments-prod", {"GROUP_CLUSTER_MANAGER"}}});
}

TEST_CASE("mirror-key prints one new account with the key's access, which parses below a [target]") {
  const LiveState live = org();
  const std::string entry = mirror_key_entry(live, key(live, "cikey001"), "payments deployer", style());
  CHECK(entry.find("[target]") == std::string::npos);
  CHECK(entry.find("[[keys]]") == std::string::npos);
  CHECK(entry.find("client_id") == std::string::npos);
  CHECK(entry.find("\nsecret_expires_after_hours") == std::string::npos);  // only as a comment: the default
  CHECK(testing::find_raw_control(entry) == std::string::npos);

  const Config config = parse_mirrored(entry);
  REQUIRE(config.service_accounts.size() == 1);
  const DeclaredServiceAccount& a = config.service_accounts.front();
  CHECK(a.by_name());
  CHECK(a.name == "payments deployer");
  CHECK(a.description == "CI deployer line two");
  CHECK(a.org_roles == std::vector<std::string>{"ORG_MEMBER", "ORG_READ_ONLY"});
  CHECK(a.access_list == std::vector<std::string>{"198.51.100.0/24", "203.0.113.7/32"});
  CHECK(projects_of(a) == Roles{{kProd, {"GROUP_OWNER", "GROUP_READ_ONLY"}}, {kStage, {"GROUP_READ_ONLY"}}});
  CHECK(a.state == KeyState::present);
  CHECK(config.keys.empty());
}

TEST_CASE("mirror-key: the key's desc is fitted to the account character set, and a comment says so") {
  LiveState live = org();
  const std::string fitted = mirror_key_entry(live, key(live, "cikey001"), "x", style());
  CHECK(fitted.find("\n# description: the key's desc \"CI \"deployer\"\\nline two\\\\ \\x01\\x7f ☃\" fitted to letters, "
                    "numbers, spaces and - _ . , ' (at most 250)\ndescription = \"CI deployer line two\"\n") !=
        std::string::npos);

  const std::string kept = mirror_key_entry(live, key(live, "idlekey1"), "x", style());
  CHECK(kept.find("\ndescription = \"no access\"\n") != std::string::npos);
  CHECK(kept.find("# description:") == std::string::npos);
  CHECK(kept.find("projects = {}") != std::string::npos);
  CHECK(parse_mirrored(kept).service_accounts.front().projects.empty());

  live.keys[1].desc = "☃ ()";
  const std::string nothing_left = mirror_key_entry(live, key(live, "idlekey1"), "x", style());
  CHECK(nothing_left.find("\n# description: the key's desc \"☃ ()\" has nothing a service account description may hold: "
                          "say what the account is for\ndescription = \"mirrors API key idlekey1\"\n") !=
        std::string::npos);
  CHECK(parse_mirrored(nothing_left).service_accounts.front().description == "mirrors API key idlekey1");

  live.keys[1].desc = std::string(300, 'd');
  CHECK(parse_mirrored(mirror_key_entry(live, key(live, "idlekey1"), "x", style())).service_accounts.front().description ==
        std::string(250, 'd'));
}

TEST_CASE("mirror-key on cloud-manager: the key's access list becomes a comment") {
  const LiveState live = org();
  const std::string entry = mirror_key_entry(live, key(live, "cikey001"), "x", style("cloud-manager"));
  CHECK(entry.find("\n# access_list not written: cloud-manager documents no access list for service accounts; the key "
                   "has 2 entries\n") != std::string::npos);
  CHECK_FALSE(parse_mirrored(entry, "cloud-manager").service_accounts.front().access_list.has_value());
}

TEST_CASE("mirror-key names projects by name with --by-name") {
  const LiveState live = org();
  const Config config = parse_mirrored(mirror_key_entry(live, key(live, "cikey001"), "x", style("atlas-v2", true)));
  CHECK(projects_of(config.service_accounts.front()) ==
        Roles{{"payments-prod", {"GROUP_OWNER", "GROUP_READ_ONLY"}}, {"staging", {"GROUP_READ_ONLY"}}});
}

TEST_CASE("the key to mirror: by public key, else by id; unknown or ambiguous ones say why") {
  LiveState live = org();
  CHECK(find_key_to_mirror(live, "cikey001").key == &live.keys[0]);
  CHECK(find_key_to_mirror(live, "65f0c0ffee0000000000000b").key == &live.keys[1]);
  const KeyLookup unknown = find_key_to_mirror(live, "nokey\x1b[2J");
  CHECK(unknown.key == nullptr);
  CHECK(unknown.problem == "the org " + kOrg + " has no API key \"nokey\\x1b[2J\"");
  live.keys[1].public_key = "cikey001";
  const KeyLookup shared = find_key_to_mirror(live, "cikey001");
  CHECK(shared.key == nullptr);
  CHECK(shared.problem ==
        "two keys of the org have the public key \"cikey001\" (ids 65f0c0ffee0000000000000a and "
        "65f0c0ffee0000000000000b): name one by its id");
  CHECK(find_key_to_mirror(live, "65f0c0ffee0000000000000b").key == &live.keys[1]);
}

}  // namespace keyform_test_export_service_accounts
