// parse_config: the exact structure of valid files, and the exact position and wording of every
// rejection. Each TOML snippet is written inline so its line:column positions can be read off.
#include "core/config.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace keyform_test_config {

using namespace keyform;

namespace {

const std::string kPath = "keyform.toml";

// Lines 1-3 of most snippets, so the part under test starts on line 4.
const std::string kTarget =
    "[target]\n"
    "api = \"atlas-v2\"\n"
    "org_id = \"5a0a1e7e0f2912c554080adc\"\n";

ConfigParseResult parse(std::string_view text) { return parse_config(text, kPath); }

std::string all_errors(const ConfigParseResult& result) {
  std::string out;
  for (const ConfigError& error : result.errors) out += format_error(error) + "\n";
  return out;
}

bool has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// A snippet that must be rejected with exactly one error at line:column.
struct ErrorCase {
  std::string name;
  std::string toml;
  int line;
  int column;
  std::string message;  // a substring of the error message
};

void check_single_error(const ErrorCase& c) {
  CAPTURE(c.name);
  ConfigParseResult result = parse(c.toml);
  INFO("errors:\n" << all_errors(result));
  CHECK_FALSE(result.config.has_value());
  REQUIRE(result.errors.size() == 1);
  const ConfigError& error = result.errors[0];
  CHECK(error.path == kPath);
  CHECK(error.pos.line == c.line);
  CHECK(error.pos.column == c.column);
  CHECK_MESSAGE(has(error.message, c.message), "message: " << error.message);
}

void check_all(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) check_single_error(c);
}

Config parse_ok(std::string_view text) {
  ConfigParseResult result = parse(text);
  INFO("errors:\n" << all_errors(result));
  REQUIRE(result.errors.empty());
  REQUIRE(result.config.has_value());
  return *result.config;
}

std::string key_snippet(const std::string& body) { return kTarget + "[[keys]]\n" + body; }

}  // namespace

TEST_CASE("a full valid config parses to the exact structure") {
  const std::string text =
      "# keyform config\n"                                                  // 1
      "[target]\n"                                                          // 2
      "api = \"atlas-v2\"\n"                                                // 3
      "org_id = \"5a0a1e7e0f2912c554080adc\"\n"                             // 4
      "base_url = \"https://cloud.mongodb.com/\"\n"                         // 5
      "\n"                                                                  // 6
      "[policy]\n"                                                          // 7
      "undeclared_keys = \"delete\"\n"                                      // 8
      "protected_keys = [\"abcdefgh\", \"5a0a1e7e0f2912c554080add\"]\n"     // 9
      "max_destroy = 10\n"                                                  // 10
      "\n"                                                                  // 11
      "[[keys]]\n"                                                          // 12
      "public_key = \"zmmrboas\"\n"                                         // 13
      "desc = \"CI deployer\"\n"                                            // 14
      "state = \"present\"\n"                                               // 15
      "[keys.projects]\n"                                                   // 16
      "\"payments-prod\" = [\"GROUP_OWNER\", \"GROUP_CLUSTER_MANAGER\"]\n"  // 17
      "\"6523b7e0c1b52d0f1a2b3c4d\" = [\"GROUP_READ_ONLY\"]\n"              // 18
      "\n"                                                                  // 19
      "[[keys]]\n"                                                          // 20
      "id = \"65230000c1b52d0f1a2b3c4d\"\n"                                 // 21
      "projects = {}\n"                                                     // 22
      "\n"                                                                  // 23
      "  [[keys]]\n"                                                        // 24
      "  public_key = \"oldkey01\"\n"                                       // 25
      "  state = \"absent\"\n";                                             // 26
  Config config = parse_ok(text);

  CHECK(config.path == kPath);
  CHECK(config.target.api == "atlas-v2");
  CHECK(config.target.org_id == "5a0a1e7e0f2912c554080adc");
  CHECK(config.target.base_url == "https://cloud.mongodb.com");
  CHECK(config.target.api_pos.line == 3);
  CHECK(config.target.api_pos.column == 7);
  CHECK(config.target.org_id_pos.line == 4);
  CHECK(config.target.org_id_pos.column == 10);
  CHECK(config.target.base_url_pos.line == 5);
  CHECK(config.target.base_url_pos.column == 12);

  CHECK(config.policy.undeclared_keys == UndeclaredPolicy::remove);
  CHECK(config.policy.protected_keys ==
        std::vector<std::string>{"abcdefgh", "5a0a1e7e0f2912c554080add"});
  REQUIRE(config.policy.max_destroy.has_value());
  CHECK(*config.policy.max_destroy == 10);

  REQUIRE(config.keys.size() == 3);

  const DeclaredKey& ci = config.keys[0];
  CHECK(ci.public_key == "zmmrboas");
  CHECK(ci.id.empty());
  CHECK(ci.label() == "zmmrboas");
  CHECK(ci.desc == "CI deployer");
  CHECK(ci.desc_pos.line == 14);
  CHECK(ci.desc_pos.column == 8);
  CHECK_FALSE(ci.org_roles.has_value());    // not declared: left alone
  CHECK_FALSE(ci.access_list.has_value());  // not declared: left alone
  CHECK(ci.state == KeyState::present);
  CHECK(ci.pos.line == 12);
  CHECK(ci.pos.column == 1);
  REQUIRE(ci.projects.size() == 2);
  // File order, although toml++ would iterate "6523..." before "payments-prod".
  CHECK(ci.projects[0].ref == "payments-prod");
  CHECK(ci.projects[0].roles == std::vector<std::string>{"GROUP_CLUSTER_MANAGER", "GROUP_OWNER"});
  CHECK(ci.projects[0].pos.line == 17);
  CHECK(ci.projects[0].pos.column == 1);
  CHECK(ci.projects[1].ref == "6523b7e0c1b52d0f1a2b3c4d");
  CHECK(ci.projects[1].roles == std::vector<std::string>{"GROUP_READ_ONLY"});
  CHECK(ci.projects[1].pos.line == 18);
  CHECK(ci.projects[1].pos.column == 1);

  const DeclaredKey& by_id = config.keys[1];
  CHECK(by_id.id == "65230000c1b52d0f1a2b3c4d");
  CHECK(by_id.public_key.empty());
  CHECK(by_id.label() == "65230000c1b52d0f1a2b3c4d");
  CHECK_FALSE(by_id.desc.has_value());
  CHECK(by_id.state == KeyState::present);
  CHECK(by_id.projects.empty());  // projects = {}: unassigned everywhere
  CHECK(by_id.pos.line == 20);
  CHECK(by_id.pos.column == 1);

  const DeclaredKey& old = config.keys[2];
  CHECK(old.public_key == "oldkey01");
  CHECK(old.state == KeyState::absent);
  CHECK(old.projects.empty());
  CHECK(old.pos.line == 24);
  CHECK(old.pos.column == 3);
}

TEST_CASE("defaults when [policy], base_url and keys are left out") {
  Config config = parse_ok(kTarget);
  CHECK(config.target.api == "atlas-v2");
  CHECK(config.target.base_url.empty());
  CHECK(config.target.base_url_pos.line == 0);
  CHECK(config.target.base_url_pos.column == 0);
  CHECK(config.policy.undeclared_keys == UndeclaredPolicy::ignore);
  CHECK(config.policy.protected_keys.empty());
  CHECK_FALSE(config.policy.max_destroy.has_value());
  CHECK(config.keys.empty());

  Config empty_policy =
      parse_ok("keys = []\n" + kTarget + "[policy]\nmax_destroy = 0\nprotected_keys = []\n");
  REQUIRE(empty_policy.policy.max_destroy.has_value());
  CHECK(*empty_policy.policy.max_destroy == 0);
  CHECK(empty_policy.policy.protected_keys.empty());
}

TEST_CASE("every api family and undeclared_keys value is accepted") {
  for (std::string api : {"atlas-v2", "atlas-v1", "cloud-manager", "ops-manager"}) {
    CAPTURE(api);
    Config config =
        parse_ok("[target]\napi = \"" + api + "\"\norg_id = \"5a0a1e7e0f2912c554080adc\"\n");
    CHECK(config.target.api == api);
  }
  struct Case {
    std::string text;
    UndeclaredPolicy policy;
  };
  for (const Case& c :
       {Case{"ignore", UndeclaredPolicy::ignore}, Case{"unassign", UndeclaredPolicy::unassign},
        Case{"delete", UndeclaredPolicy::remove}}) {
    CAPTURE(c.text);
    Config config = parse_ok(kTarget + "[policy]\nundeclared_keys = \"" + c.text + "\"\n");
    CHECK(config.policy.undeclared_keys == c.policy);
    CHECK(to_string(c.policy) == c.text);
  }
}

TEST_CASE("keys written inline, with dotted keys, or as an inline array") {
  // Top-level keys must come before the first table header.
  const std::string text =
      "keys = [ { public_key = \"aaaaaaaa\", projects = { \"p1\" = [\"GROUP_OWNER\"] } },\n"  // 1
      "         { id = \"5a0a1e7e0f2912c554080adc\", state = \"absent\" } ]\n" +              // 2
      kTarget;
  Config config = parse_ok(text);
  REQUIRE(config.keys.size() == 2);
  CHECK(config.keys[0].public_key == "aaaaaaaa");
  CHECK(config.keys[0].pos.line == 1);
  CHECK(config.keys[0].pos.column == 10);
  REQUIRE(config.keys[0].projects.size() == 1);
  CHECK(config.keys[0].projects[0].ref == "p1");
  CHECK(config.keys[0].projects[0].pos.line == 1);
  CHECK(config.keys[0].projects[0].pos.column == 50);
  CHECK(config.keys[1].id == "5a0a1e7e0f2912c554080adc");
  CHECK(config.keys[1].state == KeyState::absent);
  CHECK(config.keys[1].pos.line == 2);
  CHECK(config.keys[1].pos.column == 10);

  Config dotted = parse_ok(
      key_snippet("public_key = \"bbbbbbbb\"\n"                                            // 5
                  "projects.\"payments prod\" = [\"GROUP_READ_ONLY\", \"GROUP_OWNER\"]\n"  // 6
                  "projects.zzzzzzzzzzzzzzzzzzzzzzzz = [\"GROUP_OWNER\"]\n"));             // 7
  REQUIRE(dotted.keys.size() == 1);
  REQUIRE(dotted.keys[0].projects.size() == 2);
  CHECK(dotted.keys[0].projects[0].ref == "payments prod");
  CHECK(dotted.keys[0].projects[0].roles ==
        std::vector<std::string>{"GROUP_OWNER", "GROUP_READ_ONLY"});
  CHECK(dotted.keys[0].projects[0].pos.line == 6);
  CHECK(dotted.keys[0].projects[0].pos.column == 10);
  // 24 characters but not hex: a project name.
  CHECK(dotted.keys[0].projects[1].ref == "zzzzzzzzzzzzzzzzzzzzzzzz");
  CHECK(dotted.keys[0].projects[1].pos.line == 7);
}

TEST_CASE("base_url: accepted forms are stored without one trailing slash") {
  struct Case {
    std::string url;
    std::string stored;
  };
  const std::vector<Case> cases = {
      {"https://cloud.mongodb.com", "https://cloud.mongodb.com"},
      {"https://cloud.mongodb.com/", "https://cloud.mongodb.com"},
      {"https://ops.example.com:8443/api/", "https://ops.example.com:8443/api"},
      {"https://ops.example.com:8443/api//", "https://ops.example.com:8443/api/"},
      {"https://10.0.0.5/", "https://10.0.0.5"},
      {"https://[2001:db8::1]:443", "https://[2001:db8::1]:443"},
      {"HTTPS://Cloud.MongoDB.com", "HTTPS://Cloud.MongoDB.com"},
      {"http://localhost", "http://localhost"},
      {"http://LOCALHOST:8080/", "http://LOCALHOST:8080"},
      {"http://127.0.0.1:9000/", "http://127.0.0.1:9000"},
      {"http://127.255.3.4/prefix", "http://127.255.3.4/prefix"},
      {"http://[::1]:8080", "http://[::1]:8080"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.url);
    Config config = parse_ok(kTarget + "base_url = \"" + c.url + "\"\n");
    CHECK(config.target.base_url == c.stored);
    CHECK(config.target.base_url_pos.line == 4);
    CHECK(config.target.base_url_pos.column == 12);
  }
}

TEST_CASE("base_url: plain http to a non-loopback host, or another scheme, is refused") {
  for (std::string url :
       {"http://cloud.mongodb.com", "http://128.0.0.1", "http://localhost.example.com",
        "http://127.0.0.1.example.com", "http://127.0.0.256", "http://127.0.0", "http://[::2]",
        "ftp://cloud.mongodb.com"}) {
    check_single_error({url, kTarget + "base_url = \"" + url + "\"\n", 4, 12,
                        "base_url must use https (plain http is accepted only for loopback hosts), "
                        "found \"" +
                            url + "\""});
  }
}

TEST_CASE("base_url: anything not shaped scheme://host[:port][/path] is refused") {
  for (std::string url :
       {"cloud.mongodb.com", "", "https://", "://cloud.mongodb.com", "https://:443",
        "https://host:0", "https://host:65536", "https://host:", "https://host:12a",
        "https://user:pw@host", "https://host/path?x=1", "https://host/#frag", "https://ho st",
        "https://[::1", "https://[]", "https://h\\u00e9st"}) {
    ConfigParseResult result = parse(kTarget + "base_url = \"" + url + "\"\n");
    CAPTURE(url);
    INFO(all_errors(result));
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].pos.line == 4);
    CHECK(result.errors[0].pos.column == 12);
    CHECK(
        has(result.errors[0].message, "is not a valid URL (expected scheme://host[:port][/path]"));
  }
}

TEST_CASE("[target] errors") {
  check_all({
      {"no [target]", "[policy]\nundeclared_keys = \"ignore\"\n", 1, 1, "missing [target] table"},
      {"empty file", "", 1, 1, "missing [target] table"},
      {"target not a table", "target = 5\n", 1, 10,
       "target must be a table ([target]), found integer 5"},
      {"api missing", "[target]\norg_id = \"5a0a1e7e0f2912c554080adc\"\n", 1, 1,
       "missing api in [target] (expected one of: atlas-v2, atlas-v1, cloud-manager, ops-manager)"},
      {"org_id missing", "\n  [target]\napi = \"atlas-v2\"\n", 2, 3,
       "missing org_id in [target] (expected 24 lowercase hex digits)"},
      {"unknown api", "[target]\napi = \"atlas-v3\"\norg_id = \"5a0a1e7e0f2912c554080adc\"\n", 2, 7,
       "unknown api \"atlas-v3\" (expected one of: atlas-v2, atlas-v1, cloud-manager, "
       "ops-manager)"},
      {"api not a string", "[target]\napi = 2\norg_id = \"5a0a1e7e0f2912c554080adc\"\n", 2, 7,
       "api must be a string (expected one of: atlas-v2, atlas-v1, cloud-manager, ops-manager), "
       "found integer 2"},
      {"org_id upper case", "[target]\napi = \"atlas-v2\"\norg_id = \"5A0A1E7E0F2912C554080ADC\"\n",
       3, 10,
       "org_id \"5A0A1E7E0F2912C554080ADC\" is not an id (expected 24 lowercase hex digits)"},
      {"org_id too short", "[target]\napi = \"atlas-v2\"\norg_id = \"5a0a1e7e\"\n", 3, 10,
       "org_id \"5a0a1e7e\" is not an id"},
      {"org_id not a string", "[target]\napi = \"atlas-v2\"\norg_id = 123\n", 3, 10,
       "org_id must be a string (24 lowercase hex digits), found integer 123"},
      {"unknown field", kTarget + "region = \"eu\"\n", 4, 1,
       "unknown field \"region\" in [target] (expected one of: api, org_id, base_url)"},
      {"unknown sub-table", kTarget + "[target.extra]\n", 4, 9,
       "unknown field \"extra\" in [target]"},
      {"base_url not a string", kTarget + "base_url = true\n", 4, 12,
       "base_url must be a string (a URL like https://cloud.mongodb.com), found boolean true"},
      {"target defined by dotted keys still needs org_id", "target.api = \"atlas-v2\"\n", 1, 1,
       "missing org_id in [target]"},
  });
}

TEST_CASE("unknown top-level tables and keys") {
  check_all({
      {"misspelt table", kTarget + "[targte]\n", 4, 2,
       "unknown top-level key \"targte\" (expected one of: target, policy, keys, service_accounts)"},
      {"stray key before [target]", "name = \"x\"\n" + kTarget, 1, 1,
       "unknown top-level key \"name\""},
      {"array of tables", kTarget + "[[key]]\n", 4, 3, "unknown top-level key \"key\""},
  });
}

TEST_CASE("[policy] errors") {
  const std::string policy = kTarget + "[policy]\n";  // the field under test is on line 5
  check_all({
      {"policy not a table", "policy = \"strict\"\n" + kTarget, 1, 10,
       "policy must be a table ([policy]), found string \"strict\""},
      {"unknown field", policy + "max_destory = 3\n", 5, 1,
       "unknown field \"max_destory\" in [policy] (expected one of: undeclared_keys, "
       "protected_keys, max_destroy, undeclared_service_accounts, secret_rotation_days)"},
      {"unknown undeclared_keys", policy + "undeclared_keys = \"purge\"\n", 5, 19,
       "unknown undeclared_keys \"purge\" (expected one of: ignore, unassign, delete)"},
      {"undeclared_keys spelt as the enum", policy + "undeclared_keys = \"remove\"\n", 5, 19,
       "unknown undeclared_keys \"remove\""},
      {"undeclared_keys not a string", policy + "undeclared_keys = true\n", 5, 19,
       "undeclared_keys must be a string (expected one of: ignore, unassign, delete), found "
       "boolean true"},
      {"protected_keys a string", policy + "protected_keys = \"x\"\n", 5, 18,
       "protected_keys must be an array of strings (public keys or ids), found string \"x\""},
      {"protected_keys a table", policy + "protected_keys = { a = 1 }\n", 5, 18,
       "protected_keys must be an array of strings (public keys or ids), found a table"},
      {"protected_keys entry not a string", policy + "protected_keys = [\"abcdefgh\", 3]\n", 5, 31,
       "each protected_keys entry must be a string (a public key or id), found integer 3"},
      {"protected_keys entry empty", policy + "protected_keys = [\"\"]\n", 5, 19,
       "protected_keys entry \"\" is not a key (expected a non-empty public key or id without "
       "whitespace)"},
      {"protected_keys entry with a space", policy + "protected_keys = [\"abc def\"]\n", 5, 19,
       "protected_keys entry \"abc def\" is not a key"},
      {"protected_keys duplicate", policy + "protected_keys = [\"abcdefgh\", \"abcdefgh\"]\n", 5,
       31, "protected_keys lists \"abcdefgh\" twice (first at line 5)"},
      {"protected_keys duplicate across lines",
       policy + "protected_keys = [\n  \"abcdefgh\",\n  \"abcdefgh\",\n]\n", 7, 3,
       "protected_keys lists \"abcdefgh\" twice (first at line 6)"},
      {"max_destroy a string", policy + "max_destroy = \"10\"\n", 5, 15,
       "max_destroy must be a non-negative integer, found string \"10\""},
      {"max_destroy a float", policy + "max_destroy = 1.5\n", 5, 15,
       "max_destroy must be a non-negative integer, found float 1.5"},
      {"max_destroy negative", policy + "max_destroy = -1\n", 5, 15,
       "max_destroy must not be negative, found -1 (expected 0 or more)"},
      {"max_destroy beyond int", policy + "max_destroy = 3000000000\n", 5, 15,
       "max_destroy 3000000000 is too large (expected at most 2147483647)"},
      {"max_destroy largest int64", policy + "max_destroy = 9223372036854775807\n", 5, 15,
       "max_destroy 9223372036854775807 is too large"},
  });
}

TEST_CASE("[[keys]] shape errors") {
  check_all({
      {"keys an integer", "keys = 3\n" + kTarget, 1, 8,
       "keys must be an array of tables (write each key as [[keys]]), found integer 3"},
      {"keys a table", kTarget + "[keys]\npublic_key = \"a\"\n", 4, 1,
       "keys must be an array of tables (write each key as [[keys]]), found a table"},
      {"keys.projects without [[keys]]", kTarget + "[keys.projects]\n", 4, 1,
       "keys must be an array of tables"},
      {"keys entry not a table", "keys = [1]\n" + kTarget, 1, 9,
       "each keys entry must be a table ([[keys]]), found integer 1"},
      {"keys entry an array", "keys = [[\"x\"]]\n" + kTarget, 1, 9,
       "each keys entry must be a table ([[keys]]), found an array"},
  });
}

TEST_CASE("[[keys]] entry errors") {
  check_all({
      {"unknown field",
       key_snippet("public_key = \"zmmrboas\"\npublik_key = \"x\"\nprojects = {}\n"), 6, 1,
       "unknown field \"publik_key\" in [[keys]] (expected one of: id, public_key, desc, state, "
       "projects, org_roles, access_list)"},
      {"both id and public_key",
       key_snippet("id = \"5a0a1e7e0f2912c554080adc\"\npublic_key = \"zmmrboas\"\nprojects = {}\n"),
       4, 1, "key sets both id and public_key (expected one of the two, or neither and a desc"},
      {"neither id nor public_key nor desc", key_snippet("projects = {}\n"), 4, 1,
       "key has neither id nor public_key nor desc (name an existing key by id or public_key, or give it a "
       "desc"},
      {"a desc that names a key is shared with another entry",
       key_snippet("desc = \"CI deployer\"\nprojects = {}\n\n[[keys]]\npublic_key = \"zmmrboas\"\n"
                   "desc = \"CI deployer\"\nprojects = {}\n"),
       10, 8,
       "desc \"CI deployer\" is also the desc of the [[keys]] entry at line 4: a key named by its description "
       "needs a desc no other entry has"},
      {"two entries named by one desc",
       key_snippet("desc = \"CI\"\nprojects = {}\n\n[[keys]]\ndesc = \"CI\"\nstate = \"absent\"\n"), 9, 8,
       "desc \"CI\" is also the desc of the [[keys]] entry at line 4"},
      {"bad id", key_snippet("id = \"123\"\nprojects = {}\n"), 5, 6,
       "key id \"123\" is not an id (expected 24 lowercase hex digits)"},
      {"id not a string", key_snippet("id = 5\nprojects = {}\n"), 5, 6,
       "id must be a string (24 lowercase hex digits), found integer 5"},
      {"empty public_key", key_snippet("public_key = \"\"\nprojects = {}\n"), 5, 14,
       "public_key \"\" is not a public key (expected a non-empty string without whitespace)"},
      {"public_key with whitespace", key_snippet("public_key = \"ab cd\"\nprojects = {}\n"), 5, 14,
       "public_key \"ab cd\" is not a public key"},
      {"public_key not a string", key_snippet("public_key = [\"a\"]\nprojects = {}\n"), 5, 14,
       "public_key must be a string (the key's public key), found an array"},
      {"desc not a string", key_snippet("public_key = \"zmmrboas\"\ndesc = 3\nprojects = {}\n"), 6,
       8, "desc must be a string (1 to 250 characters), found integer 3"},
      // An unknown state also suppresses the projects-table rule, which depends on the state.
      {"unknown state", key_snippet("public_key = \"zmmrboas\"\nstate = \"gone\"\n"), 6, 9,
       "unknown state \"gone\" (expected one of: present, absent)"},
      {"state not a string", key_snippet("public_key = \"zmmrboas\"\nstate = false\n"), 6, 9,
       "state must be a string (expected one of: present, absent), found boolean false"},
      {"present key without projects", key_snippet("public_key = \"zmmrboas\"\n"), 4, 1,
       "key \"zmmrboas\" has no [keys.projects] table; write `projects = {}` to remove it from "
       "every "
       "project, or state = \"absent\" to delete it"},
      {"explicitly present key without projects",
       key_snippet("id = \"5a0a1e7e0f2912c554080adc\"\nstate = \"present\"\n"), 4, 1,
       "key \"5a0a1e7e0f2912c554080adc\" has no [keys.projects] table"},
      {"absent key with projects = {}",
       key_snippet("public_key = \"zmmrboas\"\nstate = \"absent\"\nprojects = {}\n"), 7, 1,
       "key \"zmmrboas\" has state = \"absent\" but also a projects table"},
      {"absent key with [keys.projects]",
       key_snippet("public_key = \"zmmrboas\"\nstate = \"absent\"\n[keys.projects]\n\"p\" = "
                   "[\"GROUP_OWNER\"]\n"),
       7, 7, "key \"zmmrboas\" has state = \"absent\" but also a projects table"},
      {"projects an array", key_snippet("public_key = \"zmmrboas\"\nprojects = []\n"), 6, 12,
       "projects of key \"zmmrboas\" must be a table of \"project\" = [roles], found an array"},
  });
}

TEST_CASE("[keys.projects] and role errors") {
  const std::string projects =
      key_snippet("public_key = \"zmmrboas\"\n[keys.projects]\n");  // entries on line 7
  check_all({
      {"roles a string", projects + "\"p\" = \"GROUP_OWNER\"\n", 7, 7,
       "roles of project \"p\" must be an array of strings like [\"GROUP_READ_ONLY\"], found "
       "string \"GROUP_OWNER\""},
      {"roles a table", projects + "p.x = 1\n", 7, 1,
       "roles of project \"p\" must be an array of strings"},
      {"empty role list", projects + "\"p\" = []\n", 7, 7,
       "project \"p\" has an empty role list (expected at least one role"},
      {"role not a string", projects + "\"p\" = [1]\n", 7, 8,
       "each role of project \"p\" must be a string like \"GROUP_READ_ONLY\", found integer 1"},
      {"role in lower case", projects + "\"p\" = [\"GROUP_owner\"]\n", 7, 8,
       "invalid role \"GROUP_owner\" for project \"p\" (expected \"GROUP_\" followed by capital "
       "letters and "
       "underscores, e.g. \"GROUP_READ_ONLY\")"},
      {"role without prefix", projects + "\"p\" = [\"OWNER\"]\n", 7, 8, "invalid role \"OWNER\""},
      {"bare prefix", projects + "\"p\" = [\"GROUP_\"]\n", 7, 8, "invalid role \"GROUP_\""},
      {"org role", projects + "\"p\" = [\"ORG_OWNER\"]\n", 7, 8, "invalid role \"ORG_OWNER\""},
      {"role repeated", projects + "\"p\" = [\"GROUP_OWNER\", \"GROUP_OWNER\"]\n", 7, 23,
       "role \"GROUP_OWNER\" is listed twice for project \"p\""},
      {"empty project name", projects + "\"\" = [\"GROUP_OWNER\"]\n", 7, 1,
       "empty project name in projects (expected a project id or name)"},
      {"project id in upper case", projects + "\"6523B7E0C1B52D0F1A2B3C4D\" = [\"GROUP_OWNER\"]\n",
       7, 1,
       "project id \"6523B7E0C1B52D0F1A2B3C4D\" must be written in lowercase (expected 24 "
       "lowercase hex digits)"},
  });
}

TEST_CASE("mixed-type role arrays report each bad element") {
  ConfigParseResult result = parse(key_snippet(
      "public_key = \"zmmrboas\"\n"
      "projects = { p = [\"GROUP_OWNER\", 1, [\"GROUP_OWNER\"], { a = 1 }, \"nope\"] }\n"));  // 6
  INFO(all_errors(result));
  CHECK_FALSE(result.config.has_value());
  REQUIRE(result.errors.size() == 4);
  CHECK(result.errors[0].pos.column == 34);
  CHECK(has(result.errors[0].message, "found integer 1"));
  CHECK(result.errors[1].pos.column == 37);
  CHECK(has(result.errors[1].message, "found an array"));
  CHECK(result.errors[2].pos.column == 54);
  CHECK(has(result.errors[2].message, "found a table"));
  CHECK(result.errors[3].pos.column == 65);
  CHECK(has(result.errors[3].message, "invalid role \"nope\""));
  for (const ConfigError& error : result.errors) CHECK(error.pos.line == 6);
}

TEST_CASE("the same key declared twice") {
  check_all({
      {"same public_key",
       key_snippet("public_key = \"zmmrboas\"\nprojects = {}\n"                   // 4-6
                   "[[keys]]\npublic_key = \"zmmrboas\"\nstate = \"absent\"\n"),  // 7-9
       7, 1,
       "key \"zmmrboas\" is declared twice (public_key already used by the [[keys]] entry at line "
       "4)"},
      {"same id",
       key_snippet("id = \"5a0a1e7e0f2912c554080adc\"\nprojects = {}\n"              // 4-6
                   "[[keys]]\npublic_key = \"other001\"\nprojects = {}\n"            // 7-9
                   "[[keys]]\nid = \"5a0a1e7e0f2912c554080adc\"\nprojects = {}\n"),  // 10-12
       10, 1,
       "key \"5a0a1e7e0f2912c554080adc\" is declared twice (id already used by the [[keys]] entry "
       "at line 4)"},
  });
  // A public key that happens to equal another entry's id is a different field, not a duplicate.
  Config config =
      parse_ok(key_snippet("id = \"5a0a1e7e0f2912c554080adc\"\nprojects = {}\n"
                           "[[keys]]\npublic_key = \"5a0a1e7e0f2912c554080adc\"\nprojects = {}\n"));
  CHECK(config.keys.size() == 2);
}

TEST_CASE("several errors in one file are all reported, in file order") {
  const std::string text =
      "[target]\n"                                      // 1
      "org_id = \"nope\"\n"                             // 2
      "api = \"atlas-v9\"\n"                            // 3
      "zone = 1\n"                                      // 4
      "[policy]\n"                                      // 5
      "undeclared_keys = \"all\"\n"                     // 6
      "max_destroy = -2\n"                              // 7
      "[[keys]]\n"                                      // 8
      "public_key = \"k1\"\n"                           // 9
      "[[keys]]\n"                                      // 10
      "public_key = \"k1\"\n"                           // 11
      "projects = { \"b\" = [], \"a\" = [\"bad\"] }\n"  // 12
      "[extra]\n";                                      // 13
  ConfigParseResult result = parse(text);
  INFO(all_errors(result));
  CHECK_FALSE(result.config.has_value());
  struct Expected {
    int line;
    int column;
    std::string message;
  };
  const std::vector<Expected> expected = {
      {2, 10, "org_id \"nope\" is not an id"},
      {3, 7, "unknown api \"atlas-v9\""},
      {4, 1, "unknown field \"zone\" in [target]"},
      {6, 19, "unknown undeclared_keys \"all\""},
      {7, 15, "max_destroy must not be negative, found -2"},
      {8, 1, "key \"k1\" has no [keys.projects] table"},
      {10, 1,
       "key \"k1\" is declared twice (public_key already used by the [[keys]] entry at line 8)"},
      {12, 20, "project \"b\" has an empty role list"},
      {12, 31, "invalid role \"bad\" for project \"a\""},
      {13, 2, "unknown top-level key \"extra\""},
  };
  REQUIRE(result.errors.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAPTURE(i);
    CHECK(result.errors[i].path == kPath);
    CHECK(result.errors[i].pos.line == expected[i].line);
    CHECK(result.errors[i].pos.column == expected[i].column);
    CHECK_MESSAGE(has(result.errors[i].message, expected[i].message), result.errors[i].message);
  }
}

TEST_CASE("malformed TOML gives one error at toml++'s line:column") {
  check_all({
      {"unterminated string", "[target]\napi = \"atlas-v2\n", 2, 16,
       "invalid TOML: error while parsing string"},
      {"missing =", "[target]\napi \"atlas-v2\"\n", 2, 5,
       "invalid TOML: error while parsing key-value pair: expected '='"},
      {"duplicate key", "[target]\napi = \"atlas-v2\"\napi = \"atlas-v1\"\n", 3, 7,
       "invalid TOML: error while parsing key-value pair: cannot redefine existing string 'api'"},
      {"duplicate table", kTarget + "[target]\n", 4, 1,
       "invalid TOML: error while parsing table header: cannot redefine existing table 'target'"},
      {"invalid UTF-8 in a string", "[target]\napi = \"\xff\"\n", 2, 7,
       "invalid TOML: encountered invalid utf-8 sequence"},
      {"invalid UTF-8 in a comment", kTarget + "# caf\xc3\x28\n", 4, 5,
       "invalid TOML: encountered invalid utf-8 sequence"},
      {"integer beyond 64 bits", kTarget + "[policy]\nmax_destroy = 99999999999999999999\n", 5, 35,
       "is not representable in 64 bits"},
      {"unclosed array", kTarget + "[policy]\nprotected_keys = [\"a\"\n", 5, 23,
       "invalid TOML: error while parsing array: encountered end-of-file"},
      {"NUL byte", std::string("[target]\napi = \"a\0b\"\n", 21), 2, 9,
       "invalid TOML: error while parsing string: unescaped control characters"},
  });
}

TEST_CASE("pathological input is rejected without crashing") {
  SUBCASE("dotted keys nested tens of thousands deep") {
    std::string deep = kTarget;
    for (int i = 0; i < 60000; ++i) deep += "a.";
    deep += "a = 1\n";
    check_single_error(
        {"deep dotted key", deep, 4, 1, "keyform does not accept keys nested this deeply"});
  }
  SUBCASE("dots inside strings are not nesting: a long access list on one line is fine") {
    std::string list;
    for (int i = 0; i < 200; ++i) list += (list.empty() ? "\"10.0." : ", \"10.0.") + std::to_string(i) + ".1\"";
    const Config config = parse_ok(kTarget + "[[keys]]\npublic_key = \"abcdefgh\"\naccess_list = [" + list +
                                   "]\n[keys.projects]\n");
    REQUIRE(config.keys[0].access_list.has_value());
    CHECK(config.keys[0].access_list->size() == 200);
  }
  SUBCASE("a table header nested tens of thousands deep") {
    std::string deep = kTarget + "[keys";
    for (int i = 0; i < 60000; ++i) deep += ".a";
    deep += "]\n";
    check_single_error(
        {"deep header", deep, 4, 1, "keyform does not accept keys nested this deeply"});
  }
  SUBCASE("inline tables and arrays nested past toml++'s limit") {
    std::string tables = kTarget + "x = ";
    std::string arrays = kTarget + "x = ";
    for (int i = 0; i < 1000; ++i) {
      tables += "{a=";
      arrays += "[";
    }
    ConfigParseResult by_tables = parse(tables + "1");
    ConfigParseResult by_arrays = parse(arrays);
    REQUIRE(by_tables.errors.size() == 1);
    CHECK(by_tables.errors[0].pos.line == 4);
    CHECK(has(by_tables.errors[0].message, "invalid TOML"));
    REQUIRE(by_arrays.errors.size() == 1);
    CHECK(has(by_arrays.errors[0].message, "invalid TOML"));
  }
  SUBCASE("long and odd values are quoted on one short line") {
    ConfigParseResult result = parse("[target]\napi = \"a\\\"b\\nc\\u0001\"\norg_id = \"" +
                                     std::string(5000, 'x') + "\"\n");
    REQUIRE(result.errors.size() == 2);
    CHECK(has(result.errors[0].message, "unknown api \"a\\\"b\\nc\\x01\""));
    CHECK(has(result.errors[1].message, "org_id \"" + std::string(80, 'x') + "...\" is not an id"));
    CHECK(result.errors[1].message.size() < 200);
  }
  SUBCASE("every prefix and many byte mutations of a valid file") {
    const std::string valid =
        kTarget +
        "base_url = \"http://127.0.0.1:8080/\"\n"
        "[policy]\nundeclared_keys = \"unassign\"\nprotected_keys = [\"abcdefgh\"]\nmax_destroy = "
        "3\n"
        "[[keys]]\npublic_key = \"zmmrboas\"\ndesc = \"d\"\n[keys.projects]\n"
        "\"p\" = [\"GROUP_OWNER\"]\n\"6523b7e0c1b52d0f1a2b3c4d\" = [\"GROUP_READ_ONLY\"]\n"
        "[[keys]]\nid = \"5a0a1e7e0f2912c554080add\"\nstate = \"absent\"\n";
    REQUIRE(parse(valid).config.has_value());
    int parsed = 0;
    const std::string replacements =
        std::string("\"[]{}=.,#\n\\ \x80\xff", 14) + std::string(1, '\0');
    for (std::size_t i = 0; i <= valid.size(); ++i) {
      std::vector<std::string> variants = {valid.substr(0, i)};
      if (i < valid.size()) {
        for (char c : replacements)
          variants.push_back(valid.substr(0, i) + c + valid.substr(i + 1));
      }
      for (const std::string& text : variants) {
        ConfigParseResult result = parse(text);
        // Exactly one of a config or errors, and every error is located inside the file.
        CHECK(result.config.has_value() == result.errors.empty());
        for (const ConfigError& error : result.errors) {
          CHECK(error.pos.line >= 1);
          CHECK(error.pos.column >= 1);
          CHECK_FALSE(error.message.empty());
        }
        parsed += result.config.has_value() ? 1 : 0;
      }
    }
    CHECK(parsed > 0);
  }
}

TEST_CASE("format_error") {
  CHECK(format_error({"keyform.toml", {12, 3}, "unknown api \"x\""}) ==
        "keyform.toml:12:3: unknown api \"x\"");
  CHECK(format_error({"conf/keyform.toml", {}, "could not read"}) ==
        "conf/keyform.toml: could not read");
  ConfigParseResult result =
      parse_config(kTarget + "[policy]\nmax_destroy = -1\n", "repo/keyform.toml");
  REQUIRE(result.errors.size() == 1);
  CHECK(format_error(result.errors[0]) ==
        "repo/keyform.toml:5:15: max_destroy must not be negative, found -1 (expected 0 or more)");
}

TEST_CASE("to_string(UndeclaredPolicy) uses the spelling written in the file") {
  CHECK(to_string(UndeclaredPolicy::ignore) == "ignore");
  CHECK(to_string(UndeclaredPolicy::unassign) == "unassign");
  CHECK(to_string(UndeclaredPolicy::remove) == "delete");
}

// ---- issue 12: desc, org_roles and access_list -----------------------------------------------

TEST_CASE("desc, org_roles and access_list parse to their managed, normalised values") {
  const std::string text = key_snippet(
      "public_key = \"zmmrboas\"\n"                                                               // 5
      "desc = \"CI deployer (payments) \xe2\x98\x83\"\n"                                          // 6
      "org_roles = [\"ORG_READ_ONLY\", \"ORG_MEMBER\"]\n"                                         // 7
      "access_list = [\"203.0.113.7\", \"2001:DB8::1\", \"198.51.100.0/24\", \"10.0.0.0/8\"]\n"  // 8
      "projects = {}\n");
  const Config config = parse_ok(text);
  CHECK(config.warnings.empty());
  const DeclaredKey& key = config.keys.at(0);
  CHECK(key.desc == "CI deployer (payments) \xe2\x98\x83");
  CHECK((key.desc_pos.line == 6 && key.desc_pos.column == 8));
  CHECK(key.org_roles == std::vector<std::string>{"ORG_MEMBER", "ORG_READ_ONLY"});
  CHECK((key.org_roles_pos.line == 7 && key.org_roles_pos.column == 13));
  // Canonical values, sorted as strings.
  CHECK(key.access_list == std::vector<std::string>{"10.0.0.0/8", "198.51.100.0/24",
                                                    "2001:0db8:0000:0000:0000:0000:0000:0001/128",
                                                    "203.0.113.7/32"});
  CHECK((key.access_list_pos.line == 8 && key.access_list_pos.column == 15));
}

TEST_CASE("access_list = [] is managed and means no entries; a missing one is left alone") {
  const Config config = parse_ok(key_snippet("public_key = \"zmmrboas\"\naccess_list = []\nprojects = {}\n"
                                             "[[keys]]\npublic_key = \"other001\"\nprojects = {}\n"));
  REQUIRE(config.keys.at(0).access_list.has_value());
  CHECK(config.keys[0].access_list->empty());
  CHECK_FALSE(config.keys.at(1).access_list.has_value());
  CHECK_FALSE(config.keys[1].org_roles.has_value());
  CHECK_FALSE(config.keys[1].desc.has_value());
}

TEST_CASE("an access list written over several lines reports each bad entry at its own line") {
  const ConfigParseResult result = parse(key_snippet(
      "public_key = \"zmmrboas\"\n"  // 5
      "projects = {}\n"              // 6
      "access_list = [\n"            // 7
      "  \"203.0.113.7\",\n"         // 8
      "  \"203.0.113.8/24\",\n"      // 9
      "  \"::1\",\n"                 // 10
      "  \"fe80::1%eth0\",\n"        // 11
      "  \"0:0:0:0:0:0:0:1\",\n"     // 12
      "]\n"));
  REQUIRE(result.errors.size() == 3);
  CHECK(format_error(result.errors[0]) ==
        "keyform.toml:9:3: access_list entry 203.0.113.8/24 has host bits set: did you mean 203.0.113.0/24?");
  CHECK(format_error(result.errors[1]) ==
        "keyform.toml:11:3: access_list entry \"fe80::1%eth0\" is not an IP address or CIDR block: zone ids "
        "(\"%...\") are not allowed in an access list");
  CHECK(format_error(result.errors[2]) ==
        "keyform.toml:12:3: access_list lists 0000:0000:0000:0000:0000:0000:0000:0001/128 twice: "
        "\"0:0:0:0:0:0:0:1\" and \"::1\" (at line 10, column 3) are the same entry");
}

TEST_CASE("desc: 1 to 250 characters counted as code points, one line of text") {
  std::string snowmen;
  for (int i = 0; i < 250; ++i) snowmen += "\xe2\x98\x83";  // 750 bytes, 250 characters
  CHECK(parse_ok(key_snippet("public_key = \"zmmrboas\"\ndesc = \"" + snowmen + "\"\nprojects = {}\n"))
            .keys[0]
            .desc == snowmen);
  const std::string ascii250(250, 'd');
  CHECK(parse_ok(key_snippet("public_key = \"zmmrboas\"\ndesc = \"" + ascii250 + "\"\nprojects = {}\n"))
            .keys[0]
            .desc == ascii250);
  const auto with_desc = [](const std::string& value) {
    return key_snippet("public_key = \"zmmrboas\"\ndesc = " + value + "\nprojects = {}\n");  // desc on line 6
  };
  check_all({
      {"empty desc", with_desc("\"\""), 6, 8,
       "desc must not be empty (expected 1 to 250 characters; remove desc to leave the key's description as "
       "it is)"},
      {"251 ASCII characters", with_desc("\"" + std::string(251, 'd') + "\""), 6, 8,
       "desc is 251 characters long (the API accepts at most 250)"},
      {"251 multi-byte characters", with_desc("\"" + snowmen + "x\""), 6, 8,
       "desc is 251 characters long"},
      {"newline", with_desc("\"one\\ntwo\""), 6, 8,
       "desc contains the control character U+000A at character 4 (expected one line of printable text)"},
      {"multi-line string", with_desc("\"\"\"\nfirst\nsecond\"\"\""), 6, 8,
       "desc contains the control character U+000A at character 6"},
      {"escape character", with_desc("\"x\\u001b[2J\""), 6, 8, "control character U+001B at character 2"},
      {"tab", with_desc("\"a\\tb\""), 6, 8, "control character U+0009"},
      {"DEL", with_desc("\"a\\u007f\""), 6, 8, "control character U+007F"},
      {"C1 control", with_desc("\"\\u0085\""), 6, 8, "control character U+0085 at character 1"},
      {"not a string", with_desc("[\"a\"]"), 6, 8, "desc must be a string (1 to 250 characters), found an array"},
  });
}

TEST_CASE("org_roles: ORG_ names, at least one, no repeats") {
  const auto with_roles = [](const std::string& value) {
    return key_snippet("public_key = \"zmmrboas\"\nprojects = {}\norg_roles = " + value + "\n");  // line 7
  };
  check_all({
      {"not an array", with_roles("\"ORG_MEMBER\""), 7, 13,
       "org_roles of key \"zmmrboas\" must be an array of strings like [\"ORG_MEMBER\"], found string "
       "\"ORG_MEMBER\""},
      {"empty", with_roles("[]"), 7, 13,
       "org_roles of key \"zmmrboas\" is empty (expected at least one role, e.g. [\"ORG_MEMBER\"]; remove "
       "org_roles to leave the key's org roles as they are)"},
      {"element not a string", with_roles("[\"ORG_MEMBER\", 1]"), 7, 28,
       "each org role of key \"zmmrboas\" must be a string like \"ORG_MEMBER\", found integer 1"},
      {"lower case", with_roles("[\"ORG_member\"]"), 7, 14,
       "invalid org role \"ORG_member\" for key \"zmmrboas\" (expected \"ORG_\" followed by capital letters "
       "and underscores, e.g. \"ORG_MEMBER\")"},
      {"prefix only", with_roles("[\"ORG_\"]"), 7, 14, "invalid org role \"ORG_\""},
      {"no prefix", with_roles("[\"MEMBER\"]"), 7, 14, "invalid org role \"MEMBER\""},
      {"trailing space", with_roles("[\"ORG_MEMBER \"]"), 7, 14, "invalid org role \"ORG_MEMBER \""},
      {"a project role", with_roles("[\"GROUP_OWNER\"]"), 7, 14,
       "invalid org role \"GROUP_OWNER\" for key \"zmmrboas\" (expected \"ORG_\" followed by capital letters "
       "and underscores, e.g. \"ORG_MEMBER\"; project roles belong in [keys.projects])"},
      {"repeated", with_roles("[\"ORG_MEMBER\", \"ORG_OWNER\", \"ORG_MEMBER\"]"), 7, 41,
       "org role \"ORG_MEMBER\" is listed twice for key \"zmmrboas\" (first at line 7, column 14)"},
  });
}

TEST_CASE("org_roles outside the documented list are kept, with a warning and the likely typo") {
  const ConfigParseResult result = parse(key_snippet(
      "public_key = \"zmmrboas\"\nprojects = {}\norg_roles = [\"ORG_MEMBR\", \"ORG_OWNER\", \"ORG_FUTURE_THING\"]\n"));
  REQUIRE(result.errors.empty());
  const Config& config = *result.config;
  CHECK(config.keys[0].org_roles == std::vector<std::string>{"ORG_FUTURE_THING", "ORG_MEMBR", "ORG_OWNER"});
  REQUIRE(config.warnings.size() == 2);
  CHECK(format_error(config.warnings[0]) ==
        "keyform.toml:7:14: role \"ORG_MEMBR\" is not a documented organization role (did you mean "
        "ORG_MEMBER?); the API may refuse it when the plan is applied (org_roles of key \"zmmrboas\")");
  CHECK(format_error(config.warnings[1]) ==
        "keyform.toml:7:40: role \"ORG_FUTURE_THING\" is not a documented organization role; the API may "
        "refuse it when the plan is applied (org_roles of key \"zmmrboas\")");
}

TEST_CASE("access_list errors at the element's FILE:LINE:COLUMN") {
  const auto with_list = [](const std::string& value) {
    return key_snippet("public_key = \"zmmrboas\"\nprojects = {}\naccess_list = " + value + "\n");  // line 7
  };
  check_all({
      {"not an array", with_list("\"203.0.113.7\""), 7, 15,
       "access_list of key \"zmmrboas\" must be an array of strings like [\"203.0.113.7\", "
       "\"198.51.100.0/24\"], found string \"203.0.113.7\""},
      {"element not a string", with_list("[7]"), 7, 16,
       "each access_list entry must be a string like \"203.0.113.7\" or \"198.51.100.0/24\", found integer 7"},
      {"leading zero", with_list("[\"203.0.113.7\", \"010.0.0.1\"]"), 7, 31,
       "access_list entry \"010.0.0.1\" is not an IP address or CIDR block: part \"010\" has a leading zero, "
       "which some parsers read as octal"},
      {"host bits set", with_list("[\"198.51.100.7/24\"]"), 7, 16,
       "access_list entry 198.51.100.7/24 has host bits set: did you mean 198.51.100.0/24?"},
      {"prefix out of range", with_list("[\"10.0.0.0/33\"]"), 7, 16, "the prefix /33 is over 32 for IPv4"},
      {"whitespace", with_list("[\" 10.0.0.1\"]"), 7, 16, "it starts or ends with whitespace"},
      {"empty string", with_list("[\"\"]"), 7, 16, "\"\" is not an IP address or CIDR block: the text is empty"},
      {"a hostname", with_list("[\"vpn.example.com\"]"), 7, 16, "\"vpn.example.com\" is not an IP address"},
      {"same spelling twice", with_list("[\"10.0.0.0/8\", \"10.0.0.0/8\"]"), 7, 30,
       "access_list lists \"10.0.0.0/8\" twice (first at line 7, column 16)"},
      {"host and its /32", with_list("[\"203.0.113.7\", \"203.0.113.7/32\"]"), 7, 31,
       "access_list lists 203.0.113.7/32 twice: \"203.0.113.7/32\" and \"203.0.113.7\" (at line 7, column 16) "
       "are the same entry"},
      {"IPv6 spellings", with_list("[\"2001:db8::1\", \"2001:DB8:0:0:0:0:0:1/128\"]"), 7, 31,
       "access_list lists 2001:0db8:0000:0000:0000:0000:0000:0001/128 twice: \"2001:DB8:0:0:0:0:0:1/128\" and "
       "\"2001:db8::1\" (at line 7, column 16) are the same entry"},
  });
  // Overlapping but different networks are two entries.
  const Config config = parse_ok(with_list("[\"10.0.0.0/8\", \"10.1.0.0/16\", \"::ffff:10.0.0.1\", \"10.0.0.1\"]"));
  CHECK(config.keys[0].access_list->size() == 4);
}

TEST_CASE("org_roles and access_list on an absent key are errors, like projects") {
  check_all({
      {"absent key with org_roles",
       key_snippet("public_key = \"zmmrboas\"\nstate = \"absent\"\norg_roles = [\"ORG_MEMBER\"]\n"), 7, 1,
       "key \"zmmrboas\" has state = \"absent\" but also org_roles (an absent key is deleted; remove its "
       "org_roles)"},
      {"absent key with an empty access_list",
       key_snippet("public_key = \"zmmrboas\"\nstate = \"absent\"\naccess_list = []\n"), 7, 1,
       "key \"zmmrboas\" has state = \"absent\" but also an access_list (an absent key is deleted; remove its "
       "access_list)"},
  });
  // desc is informational on an absent key: accepted.
  CHECK(parse_ok(key_snippet("public_key = \"zmmrboas\"\nstate = \"absent\"\ndesc = \"old CI\"\n")).keys[0].desc ==
        "old CI");
}

TEST_CASE("desc_problem: what export checks before writing a live description") {
  CHECK_FALSE(desc_problem("CI deployer").has_value());
  CHECK_FALSE(desc_problem("\xf0\x9f\x94\x91 key").has_value());  // 4-byte UTF-8
  CHECK(desc_problem("") == "desc must not be empty (expected 1 to 250 characters; remove desc to leave the "
                            "key's description as it is)");
  CHECK(desc_problem("a\nb") == "desc contains the control character U+000A at character 2 (expected one line of "
                                "printable text)");
  // toml++ refuses these in a file; the API could still send them.
  for (const char* bad : {"\xff", "\xc0\x80", "\xed\xa0\x80", "abc\xe2\x98", "\xf4\x90\x80\x80"}) {
    CAPTURE(bad);
    CHECK(desc_problem(bad) == "desc is not valid UTF-8");
  }
}

}  // namespace keyform_test_config
