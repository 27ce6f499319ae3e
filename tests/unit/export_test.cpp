#include "core/export.h"

#include <doctest/doctest.h>

#include <toml++/toml.h>

#include <algorithm>

#include "core/config.h"
#include "core/planner.h"

namespace keyform_test_export {

using namespace keyform;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kStage = "6523b7e0c1b52d0f1a2b3c02";
const std::string kDupA = "6523b7e0c1b52d0f1a2b3c03";
const std::string kDupB = "6523b7e0c1b52d0f1a2b3c04";
const std::string kHexName = "6523b7e0c1b52d0f1a2b3c05";
const std::string kOdd = "6523b7e0c1b52d0f1a2b3c06";

// Names and descs chosen to break a careless writer: quotes, backslashes, control characters,
// unicode, TOML syntax, a name shaped like another project's id, a name two projects share.
LiveState tricky_org() {
  LiveState live;
  live.org_id = kOrg;
  live.projects = {{kProd, "payments-prod"},
                   {kStage, "staging \"eu\" \\ west"},
                   {kDupA, "shared"},
                   {kDupB, "shared"},
                   {kHexName, "6523b7e0c1b52d0f1a2b3c01"},
                   {kOdd, "ünïcödé ☃ = [x] # not a comment\t."}};
  // Access lists as AdminClient::read_access_lists leaves them: canonical CIDRs sorted as strings;
  // opskey01's was read and is empty, idlekey1's was not read.
  live.keys = {
      {"65f0c0ffee0000000000000a", "cikey001", "CI \"deployer\"\nline two\\ \x01\x7f ☃",
       {{kProd, {"GROUP_OWNER", "GROUP_READ_ONLY"}}, {kStage, {"GROUP_READ_ONLY"}}},
       {"ORG_MEMBER", "ORG_READ_ONLY"},
       std::vector<std::string>{"198.51.100.0/24", "2001:0db8:0000:0000:0000:0000:0000:0000/32",
                                "2001:0db8:0000:0000:0000:0000:0000:0001/128", "203.0.113.7/32"}},
      {"65f0c0ffee0000000000000b", "opskey01", "", {{kDupA, {"GROUP_OWNER"}}, {kDupB, {"GROUP_READ_ONLY"}}},
       {"ORG_OWNER"}, std::vector<std::string>{}},
      {"65f0c0ffee0000000000000c", "idlekey1", "no access", {}},
      {"65f0c0ffee0000000000000d", "hexkey01", std::string(300, '.'), {{kHexName, {"GROUP_OWNER"}}, {kOdd, {"GROUP_CLUSTER_MANAGER"}}},
       {"ORG_BILLING_ADMIN"}, std::vector<std::string>{"0000:0000:0000:0000:0000:0000:0000:0000/0"}},
  };
  return live;
}

// What the exported file should manage: org roles when the key has any, an access list when it
// was read and has entries.
std::optional<std::vector<std::string>> expected_org_roles(const LiveKey& k) {
  if (k.org_roles.empty()) return std::nullopt;
  return k.org_roles;
}

std::optional<std::vector<std::string>> expected_access_list(const LiveKey& k) {
  if (!k.access_list || k.access_list->empty()) return std::nullopt;
  return k.access_list;
}

// The lines of `text` from the one containing `start` up to the next blank line.
std::string block_of(const std::string& text, const std::string& start) {
  const auto from = text.find(start);
  if (from == std::string::npos) return "";
  return text.substr(from, text.find("\n\n", from) - from);
}

ExportOptions style(bool by_name) { return {"atlas-v2", "", by_name, "keyform test"}; }

// Parses the exported text with keyform's own parser and plans it against the org it came from.
Config parse_back(const std::string& text) {
  ConfigParseResult parsed = parse_config(text, "exported.toml");
  for (const auto& e : parsed.errors) FAIL_CHECK(format_error(e) << "\n" << text);
  REQUIRE(parsed.config.has_value());
  return *parsed.config;
}

const DeclaredKey& declared(const Config& config, const std::string& public_key) {
  for (const auto& k : config.keys) {
    if (k.public_key == public_key) return k;
  }
  FAIL("no key " << public_key);
  throw std::logic_error("unreachable");
}

std::map<std::string, std::vector<std::string>> projects_of(const DeclaredKey& key) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& p : key.projects) out[p.ref] = p.roles;
  return out;
}

}  // namespace

TEST_CASE("toml_string escapes everything TOML requires") {
  CHECK(toml_string("plain") == "\"plain\"");
  CHECK(toml_string("say \"hi\"") == "\"say \\\"hi\\\"\"");
  CHECK(toml_string("C:\\keys") == "\"C:\\\\keys\"");
  CHECK(toml_string("a\nb\tc\rd\be\ff") == "\"a\\nb\\tc\\rd\\be\\ff\"");
  CHECK(toml_string(std::string("nul\0x", 5)) == "\"nul\\u0000x\"");
  CHECK(toml_string("\x1b[31mred") == "\"\\u001B[31mred\"");
  CHECK(toml_string("del\x7f") == "\"del\\u007F\"");
  CHECK(toml_string("ünïcode ☃ 𝄞") == "\"ünïcode ☃ 𝄞\"");  // valid UTF-8 is kept as it is
  CHECK(toml_string("bad \xff byte") == "\"bad \\uFFFD byte\"");
  CHECK(toml_string("cut \xe2\x98") == "\"cut \\uFFFD\\uFFFD\"");
  CHECK(toml_string("overlong \xc0\xaf") == "\"overlong \\uFFFD\\uFFFD\"");
  CHECK(toml_string("surrogate \xed\xa0\x80") == "\"surrogate \\uFFFD\\uFFFD\\uFFFD\"");
  CHECK(toml_string("a.b.c") == "\"a.b.c\"");  // a few dots stay readable
  CHECK(toml_string(std::string(100, '.')).find('.') == std::string::npos);
}

TEST_CASE("toml_string output parses back to the same text with a real TOML parser") {
  const std::vector<std::string> samples = {"", "x", "\"\\\"", "line\nbreak", "tab\there", "\x01\x02\x1f\x7f",
                                            "ünïcode ☃", "# not a comment", "'single'", "\"\"\"triple\"\"\"",
                                            std::string(500, '.')};
  for (const auto& s : samples) {
    CAPTURE(s);
    const toml::table t = toml::parse("v = " + toml_string(s) + "\n" + toml_string(s) + " = 1\n");
    CHECK(t["v"].value<std::string>() == s);
    CHECK(t.contains(s));
  }
}

TEST_CASE("export parses back to an equivalent config, and planning it changes nothing") {
  const LiveState live = tricky_org();
  for (bool by_name : {false, true}) {
    CAPTURE(by_name);
    const std::string text = export_config(live, style(by_name));
    const Config config = parse_back(text);
    CHECK(config.target.api == "atlas-v2");
    CHECK(config.target.org_id == kOrg);
    CHECK(config.target.base_url.empty());
    CHECK(config.policy.undeclared_keys == UndeclaredPolicy::ignore);
    REQUIRE(config.keys.size() == live.keys.size());
    for (const auto& k : live.keys) {
      const DeclaredKey& d = declared(config, k.public_key);
      // A description the file could not hold (empty, over 250 characters, control characters) is
      // left out, and so left alone.
      CHECK(d.desc == (desc_problem(k.desc) ? std::nullopt : std::optional(k.desc)));
      CHECK(d.state == KeyState::present);
      CHECK(d.projects.size() == k.project_roles.size());
      CHECK(d.org_roles == expected_org_roles(k));
      CHECK(d.access_list == expected_access_list(k));
    }
    // Also as keyform's own key: its guards have nothing to hold back.
    for (const std::string self : {"", "cikey001", "opskey01"}) {
      CAPTURE(self);
      const PlanResult plan = make_plan(config, live, self);
      REQUIRE(plan.errors.empty());
      CHECK_FALSE(plan.plan->has_changes());
      CHECK(plan.plan->skipped.empty());
    }
    // With every key declared, even the strictest policy changes nothing.
    Config strict = config;
    strict.policy.undeclared_keys = UndeclaredPolicy::remove;
    CHECK_FALSE(make_plan(strict, live, "").plan->has_changes());
  }
}

TEST_CASE("projects by id, or by name only where the name is unambiguous") {
  const LiveState live = tricky_org();
  const Config by_id = parse_back(export_config(live, style(false)));
  CHECK(projects_of(declared(by_id, "cikey001")) ==
        std::map<std::string, std::vector<std::string>>{{kProd, {"GROUP_OWNER", "GROUP_READ_ONLY"}}, {kStage, {"GROUP_READ_ONLY"}}});

  const Config by_name = parse_back(export_config(live, style(true)));
  CHECK(projects_of(declared(by_name, "cikey001")) ==
        std::map<std::string, std::vector<std::string>>{{"payments-prod", {"GROUP_OWNER", "GROUP_READ_ONLY"}},
                                                        {"staging \"eu\" \\ west", {"GROUP_READ_ONLY"}}});
  // "shared" names two projects; a name shaped like an id would be read as one.
  CHECK(projects_of(declared(by_name, "opskey01")) ==
        std::map<std::string, std::vector<std::string>>{{kDupA, {"GROUP_OWNER"}}, {kDupB, {"GROUP_READ_ONLY"}}});
  CHECK(projects_of(declared(by_name, "hexkey01")) ==
        std::map<std::string, std::vector<std::string>>{{kHexName, {"GROUP_OWNER"}},
                                                        {"ünïcödé ☃ = [x] # not a comment\t.", {"GROUP_CLUSTER_MANAGER"}}});
  CHECK(can_name_project_by_name(live, "payments-prod"));
  CHECK_FALSE(can_name_project_by_name(live, "shared"));
  CHECK_FALSE(can_name_project_by_name(live, kProd));
  CHECK_FALSE(can_name_project_by_name(live, "6523B7E0C1B52D0F1A2B3C01"));
  CHECK_FALSE(can_name_project_by_name(live, ""));
  CHECK_FALSE(can_name_project_by_name(live, "no-such-project"));
}

TEST_CASE("a key without access is declared with projects = {}") {
  const std::string text = export_config(tricky_org(), style(false));
  CHECK(text.find("public_key = \"idlekey1\"   # id 65f0c0ffee0000000000000c\ndesc = \"no access\"\nprojects = {}") !=
        std::string::npos);
  CHECK(declared(parse_back(text), "idlekey1").projects.empty());
}

TEST_CASE("the target: api, org and a base URL only when given") {
  LiveState live = tricky_org();
  const std::string text = export_config(live, {"ops-manager", "https://om.example.com:8443", false, ""});
  const Config config = parse_back(text);
  CHECK(config.target.api == "ops-manager");
  CHECK(config.target.base_url == "https://om.example.com:8443");
  CHECK(text.starts_with("# keyform.toml for org " + kOrg + " (ops-manager), exported:\n# 4 keys, 6 projects, 6 assignments."));
}

TEST_CASE("keys that share a public key are declared by id") {
  LiveState live = tricky_org();
  live.keys[1].public_key = "cikey001";
  const std::string text = export_config(live, style(false));
  CHECK(text.find("id = \"65f0c0ffee0000000000000a\"") != std::string::npos);
  CHECK(text.find("id = \"65f0c0ffee0000000000000b\"") != std::string::npos);
  const Config config = parse_back(text);
  const PlanResult plan = make_plan(config, live, "");
  REQUIRE(plan.errors.empty());
  CHECK_FALSE(plan.plan->has_changes());
}

TEST_CASE("export is deterministic and independent of the listing order") {
  LiveState live = tricky_org();
  const std::string text = export_config(live, style(true));
  std::reverse(live.keys.begin(), live.keys.end());
  std::reverse(live.projects.begin(), live.projects.end());
  CHECK(export_config(live, style(true)) == text);
}

TEST_CASE("an empty org exports a valid config") {
  LiveState live;
  live.org_id = kOrg;
  const Config config = parse_back(export_config(live, style(false)));
  CHECK(config.keys.empty());
}

TEST_CASE("org roles are written sorted, and only for keys that have some") {
  LiveState live = tricky_org();
  live.keys[2].org_roles = {};
  const std::string text = export_config(live, style(false));
  CHECK(block_of(text, "public_key = \"cikey001\"").find("\norg_roles = [\"ORG_MEMBER\", \"ORG_READ_ONLY\"]\n") !=
        std::string::npos);
  CHECK(block_of(text, "public_key = \"idlekey1\"").find("org_roles") == std::string::npos);
  CHECK_FALSE(declared(parse_back(text), "idlekey1").org_roles.has_value());
}

TEST_CASE("access lists: hosts without /32 or /128, networks as CIDRs, in address order; none for an empty list") {
  const std::string text = export_config(tricky_org(), style(false));
  CHECK(block_of(text, "public_key = \"cikey001\"")
            .find(R"(
access_list = [
  "198.51.100.0/24",
  "203.0.113.7",
  "2001:0db8:0000:0000:0000:0000:0000:0000/32",
  "2001:0db8:0000:0000:0000:0000:0000:0001",
]
)") != std::string::npos);
  CHECK(block_of(text, "public_key = \"hexkey01\"")
            .find("\naccess_list = [\"0000:0000:0000:0000:0000:0000:0000:0000/0\"]\n") != std::string::npos);
  // Read and empty, or not read: the file leaves the list alone rather than managing it as [].
  CHECK(block_of(text, "public_key = \"opskey01\"").find("access_list") == std::string::npos);
  CHECK(block_of(text, "public_key = \"idlekey1\"").find("access_list") == std::string::npos);
}

TEST_CASE("the exported access list is managed exactly: drift from it is planned back") {
  LiveState live = tricky_org();
  const Config config = parse_back(export_config(live, style(false)));
  live.keys[0].access_list = std::vector<std::string>{"198.51.100.0/24", "2001:0db8:0000:0000:0000:0000:0000:0000/32",
                                                      "2001:0db8:0000:0000:0000:0000:0000:0001/128", "203.0.113.8/32"};
  const PlanResult plan = make_plan(config, live, "");
  REQUIRE(plan.errors.empty());
  REQUIRE(plan.plan->actions.size() == 2);
  CHECK(plan.plan->actions[0].kind == ActionKind::add_access_entry);
  CHECK(plan.plan->actions[0].entry == "203.0.113.7/32");
  CHECK(plan.plan->actions[1].kind == ActionKind::remove_access_entry);
  CHECK(plan.plan->actions[1].entry == "203.0.113.8/32");
}

TEST_CASE("a long access list is written one entry per line, numerically ordered, and round-trips") {
  LiveState live = tricky_org();
  std::vector<std::string> entries;
  for (int i = 1; i <= 120; ++i) entries.push_back("10.0.0." + std::to_string(i) + "/32");
  std::sort(entries.begin(), entries.end());  // string order, as read: 10.0.0.10 before 10.0.0.2
  live.keys[2].access_list = entries;
  const std::string text = export_config(live, style(false));
  CHECK(block_of(text, "public_key = \"idlekey1\"").find("\naccess_list = [\n  \"10.0.0.1\",\n  \"10.0.0.2\",\n") !=
        std::string::npos);
  CHECK(declared(parse_back(text), "idlekey1").access_list == entries);
  const PlanResult plan = make_plan(parse_back(text), live, "");
  REQUIRE(plan.errors.empty());
  CHECK_FALSE(plan.plan->has_changes());
}

TEST_CASE("a desc the file cannot hold is left out, with a comment saying why") {
  const std::string text = export_config(tricky_org(), style(false));
  CHECK(block_of(text, "public_key = \"cikey001\"")
            .find("\n# desc not written: desc contains the control character U+000A at character 14 (expected one "
                  "line of printable text)\n") != std::string::npos);
  CHECK(block_of(text, "public_key = \"opskey01\"")
            .find("\n# desc not written: the key has no description (the file needs 1 to 250 characters)\n") !=
        std::string::npos);
  CHECK(block_of(text, "public_key = \"hexkey01\"")
            .find("\n# desc not written: desc is 300 characters long (the API accepts at most 250)\n") !=
        std::string::npos);
}

TEST_CASE("an org role or access-list entry the file would refuse is left out; its comment cannot forge a line") {
  LiveState live = tricky_org();
  live.keys[0].org_roles = {"ORG_MEMBER", "ORG_x\n[[keys]]\npublic_key = \"forged01\"\nprojects = {}"};
  live.keys[1].access_list = std::vector<std::string>{"203.0.113.7/32", "bogus\r\n[[keys]]\x1b[2K"};
  const std::string text = export_config(live, style(false));
  CHECK(text.find(R"(
# org_roles not written: the role "ORG_x\n[[keys]]\npublic_key = "forged01"\nprojects = {}" is not a name the file accepts
)") != std::string::npos);
  CHECK(text.find(R"(
# access_list not written: the entry "bogus\r\n[[keys]]\x1b[2K" is not an address the file accepts
)") != std::string::npos);
  CHECK(text.find("\x1b") == std::string::npos);
  const Config config = parse_back(text);
  CHECK(config.keys.size() == live.keys.size());
  CHECK_FALSE(declared(config, "cikey001").org_roles.has_value());
  CHECK_FALSE(declared(config, "opskey01").access_list.has_value());
  const PlanResult plan = make_plan(config, live, "");
  REQUIRE(plan.errors.empty());
  CHECK_FALSE(plan.plan->has_changes());
  // An empty entry is an entry too: the list is not written as [] (which would manage it empty).
  live.keys[2].access_list = std::vector<std::string>{""};
  const std::string idle = block_of(export_config(live, style(false)), "public_key = \"idlekey1\"");
  CHECK(idle.find("\n# access_list not written: the entry \"\" is not an address the file accepts\n") != std::string::npos);
  CHECK(idle.find("access_list = ") == std::string::npos);
}

}  // namespace keyform_test_export
