// parse_config for [[service_accounts]], the service account lines of [policy], and the API
// families that cannot hold service accounts: exact values, and the exact position and wording
// of every rejection.
#include "core/config.h"
#include "core/service_account_config.h"

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

namespace keyform_test_config_service_account {

using namespace keyform;

namespace {

const std::string kPath = "keyform.toml";
const std::string kClientId = "mdb_sa_id_0123456789abcdef01234567";

// Lines 1-3; the part under test starts on line 4.
std::string target(std::string_view api = "atlas-v2") {
  return "[target]\napi = \"" + std::string(api) + "\"\norg_id = \"5a0a1e7e0f2912c554080adc\"\n";
}

// [[service_accounts]] on line 4, its body from line 5.
std::string sa_snippet(const std::string& body, std::string_view api = "atlas-v2") {
  return target(api) + "[[service_accounts]]\n" + body;
}

std::string all_errors(const ConfigParseResult& result) {
  std::string out;
  for (const ConfigError& error : result.errors) out += format_error(error) + "\n";
  return out;
}

struct ErrorCase {
  std::string name;
  std::string toml;
  int line;
  int column;
  std::string message;  // a substring of the only error's message
};

void check_all(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    CAPTURE(c.name);
    const ConfigParseResult result = parse_config(c.toml, kPath);
    INFO("errors:\n" << all_errors(result));
    CHECK_FALSE(result.config.has_value());
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].pos.line == c.line);
    CHECK(result.errors[0].pos.column == c.column);
    CHECK_MESSAGE(result.errors[0].message.find(c.message) != std::string::npos,
                  "message: " << result.errors[0].message);
  }
}

Config parse_ok(std::string_view text) {
  const ConfigParseResult result = parse_config(text, kPath);
  INFO("errors:\n" << all_errors(result));
  REQUIRE(result.errors.empty());
  REQUIRE(result.config.has_value());
  return *result.config;
}

}  // namespace

TEST_CASE("service accounts: the issue's example parses to the exact structure") {
  const Config config = parse_ok(target() +
                                 "[policy]\n"                                              // 4
                                 "undeclared_service_accounts = \"unassign\"\n"            // 5
                                 "secret_rotation_days = 14\n"                             // 6
                                 "protected_keys = [\"" + kClientId + "\"]\n"              // 7
                                 "[[service_accounts]]\n"                                  // 8
                                 "client_id = \"" + kClientId + "\"\n"                     // 9
                                 "name = \"payments-deployer\"\n"                          // 10
                                 "description = \"deploys payments\"\n"                    // 11
                                 "org_roles = [\"ORG_MEMBER\"]\n"                          // 12
                                 "access_list = [\"203.0.113.0/24\", \"192.0.2.7\"]\n"     // 13
                                 "secret_expires_after_hours = 2160\n"                     // 14
                                 "[service_accounts.projects]\n"                           // 15
                                 "\"payments-prod\" = [\"GROUP_CLUSTER_MANAGER\"]\n");     // 16
  CHECK(config.policy.undeclared_service_accounts == UndeclaredPolicy::unassign);
  CHECK(config.policy.undeclared_service_accounts_pos.line == 5);
  CHECK(config.policy.undeclared_service_accounts_pos.column == 31);
  CHECK(config.policy.secret_rotation_days == 14);
  CHECK(config.policy.secret_rotation_days_pos.line == 6);
  CHECK(config.policy.protected_keys == std::vector<std::string>{kClientId});
  REQUIRE(config.service_accounts.size() == 1);
  const DeclaredServiceAccount& sa = config.service_accounts[0];
  CHECK(sa.client_id == kClientId);
  CHECK(sa.name == "payments-deployer");
  CHECK(sa.description == "deploys payments");
  CHECK(sa.state == KeyState::present);
  CHECK(sa.org_roles == std::vector<std::string>{"ORG_MEMBER"});
  CHECK(sa.access_list == std::vector<std::string>{"192.0.2.7/32", "203.0.113.0/24"});
  CHECK(sa.secret_expires_after_hours == 2160);
  CHECK(sa.pos.line == 8);
  CHECK(sa.name_pos.line == 10);
  CHECK(sa.description_pos.line == 11);
  CHECK(sa.org_roles_pos.line == 12);
  CHECK(sa.access_list_pos.line == 13);
  REQUIRE(sa.projects.size() == 1);
  CHECK(sa.projects[0].ref == "payments-prod");
  CHECK(sa.projects[0].roles == std::vector<std::string>{"GROUP_CLUSTER_MANAGER"});
  CHECK_FALSE(sa.by_name());
}

TEST_CASE("service accounts: defaults, and an entry named by its name alone") {
  const Config config = parse_ok(sa_snippet("name = \"ci\"\nprojects = {}\n"));
  CHECK(config.policy.undeclared_service_accounts == UndeclaredPolicy::ignore);
  CHECK_FALSE(config.policy.secret_rotation_days.has_value());
  CHECK(config.policy.rotation_warning_days() == 14);
  const DeclaredServiceAccount& sa = config.service_accounts.at(0);
  CHECK(sa.by_name());
  CHECK(sa.label() == "ci");
  CHECK_FALSE(sa.description.has_value());
  CHECK_FALSE(sa.org_roles.has_value());
  CHECK_FALSE(sa.access_list.has_value());
  CHECK_FALSE(sa.secret_expires_after_hours.has_value());
  CHECK(sa.expires_after_hours() == 2160);
  CHECK(sa.projects.empty());
  // An absent account needs no projects table.
  CHECK(parse_ok(sa_snippet("client_id = \"" + kClientId + "\"\nstate = \"absent\"\n"))
            .service_accounts.at(0).state == KeyState::absent);
}

TEST_CASE("service accounts: client ids follow the spec's pattern, hex digits of either case") {
  const std::string upper = "mdb_sa_id_0123456789ABCDEF01234567";
  CHECK(parse_ok(sa_snippet("client_id = \"" + upper + "\"\nprojects = {}\n")).service_accounts.at(0).client_id ==
        upper);  // kept as written
  CHECK(is_client_id(kClientId));
  CHECK(is_client_id(upper));
  CHECK_FALSE(is_client_id("mdb_sa_id_0123456789abcdef0123456"));    // 23 digits
  CHECK_FALSE(is_client_id("mdb_sa_id_0123456789abcdef012345678"));  // 25
  CHECK_FALSE(is_client_id("mdb_sa_id_0123456789abcdef0123456g"));
  CHECK_FALSE(is_client_id("MDB_SA_ID_0123456789abcdef01234567"));  // the prefix is lower case
  CHECK_FALSE(is_client_id("0123456789abcdef01234567"));
  check_all({
      {"client_id too short", sa_snippet("client_id = \"mdb_sa_id_0123\"\nprojects = {}\n"), 5, 13,
       "client_id \"mdb_sa_id_0123\" is not a service account client id (expected mdb_sa_id_ followed by 24 "
       "hex digits)"},
      {"client_id an object id", sa_snippet("client_id = \"5a0a1e7e0f2912c554080adc\"\nprojects = {}\n"), 5, 13,
       "is not a service account client id"},
      {"client_id an integer", sa_snippet("client_id = 7\nprojects = {}\n"), 5, 13,
       "client_id must be a string (mdb_sa_id_ followed by 24 hex digits), found integer 7"},
  });
}

TEST_CASE("service accounts: name and description, 1-64 and 1-250 characters of the spec's set") {
  const std::string body_end = "\nprojects = {}\n";
  // Letters and numbers of any script, and - _ . , ' and space.
  const Config config = parse_ok(sa_snippet("name = \"Zürich-ops_2.0, O'Neil \xE6\x9D\xB1\xE4\xBA\xAC \xD9\xA3\"\n"
                                            "description = \"" + std::string(250, 'd') + "\"" + body_end));
  CHECK(config.service_accounts.at(0).name == "Zürich-ops_2.0, O'Neil 東京 ٣");
  CHECK(parse_ok(sa_snippet("name = \"" + std::string(64, 'n') + "\"" + body_end)).service_accounts.size() == 1);
  // 64 characters of two bytes each: counted in characters, not bytes.
  std::string e_acute;
  for (int i = 0; i < 64; ++i) e_acute += "é";
  CHECK(parse_ok(sa_snippet("name = \"" + e_acute + "\"" + body_end)).service_accounts.size() == 1);
  check_all({
      {"name empty", sa_snippet("name = \"\"" + body_end), 5, 8, "name must not be empty (expected 1 to 64 characters)"},
      {"name too long", sa_snippet("name = \"" + std::string(65, 'n') + "\"" + body_end), 5, 8,
       "name is 65 characters long (the API accepts 1 to 64 characters)"},
      {"name with a slash", sa_snippet("name = \"ci/cd\"" + body_end), 5, 8,
       "name has the character U+002F at character 3, which a service account name cannot hold (expected "
       "letters, numbers, spaces and - _ . , ')"},
      {"name with a tab", sa_snippet("name = \"a\\tb\"" + body_end), 5, 8, "U+0009 at character 2"},
      {"name with a newline", sa_snippet("name = \"a\\nb\"" + body_end), 5, 8, "U+000A at character 2"},
      {"name with a no-break space", sa_snippet("name = \"a\\u00A0b\"" + body_end), 5, 8, "U+00A0"},
      {"name with a right-to-left override", sa_snippet("name = \"a\\u202Eb\"" + body_end), 5, 8, "U+202E"},
      {"name with an emoji", sa_snippet("name = \"ci \\U0001F680\"" + body_end), 5, 8, "U+1F680 at character 4"},
      {"name with a combining accent", sa_snippet("name = \"e\\u0301\"" + body_end), 5, 8, "U+0301"},
      {"name not a string", sa_snippet("name = [\"ci\"]" + body_end), 5, 8,
       "name must be a string (1 to 64 characters), found an array"},
      {"description empty", sa_snippet("name = \"ci\"\ndescription = \"\"" + body_end), 6, 15,
       "description must not be empty (expected 1 to 250 characters)"},
      {"description too long", sa_snippet("name = \"ci\"\ndescription = \"" + std::string(251, 'd') + "\"" + body_end),
       6, 15, "description is 251 characters long (the API accepts 1 to 250 characters)"},
      {"description with a colon", sa_snippet("name = \"ci\"\ndescription = \"ci: deploys\"" + body_end), 6, 15,
       "description has the character U+003A at character 3, which a service account description cannot hold"},
  });
}

TEST_CASE("service_account_text_problem never echoes the refused text") {
  const auto problem = service_account_text_problem("name", "evil\x1b[2Jtext", 64);
  REQUIRE(problem.has_value());
  CHECK(problem->find("evil") == std::string::npos);
  CHECK(problem->find('\x1b') == std::string::npos);
  CHECK(*problem == "name has the character U+001B at character 5, which a service account name cannot hold "
                    "(expected letters, numbers, spaces and - _ . , ')");
  CHECK(service_account_text_problem("name", "\xC3", 64) == "name is not valid UTF-8");
  CHECK_FALSE(service_account_text_problem("description", "Deploys payments, v2.1 - O'Neil's", 250).has_value());
}

TEST_CASE("service accounts: entry shape, identity, state and the fields shared with keys") {
  const std::string id_line = "client_id = \"" + kClientId + "\"\n";
  check_all({
      {"service_accounts a table", target() + "[service_accounts]\nname = \"ci\"\n", 4, 1,
       "service_accounts must be an array of tables (write each account as [[service_accounts]]), found a table"},
      {"entry not a table", "service_accounts = [\"ci\"]\n" + target(), 1, 21,
       "each service_accounts entry must be a table ([[service_accounts]]), found string \"ci\""},
      {"unknown field", sa_snippet(id_line + "projects = {}\nsecret_expires_after_days = 3\n"), 7, 1,
       "unknown field \"secret_expires_after_days\" in [[service_accounts]] (expected one of: client_id, name, "
       "description, state, projects, org_roles, access_list, secret_expires_after_hours)"},
      {"key field on an account", sa_snippet(id_line + "projects = {}\ndesc = \"x\"\n"), 7, 1,
       "unknown field \"desc\" in [[service_accounts]]"},
      {"neither client_id nor name", sa_snippet("description = \"ci\"\nprojects = {}\n"), 4, 1,
       "service account has neither client_id nor name"},
      {"present without projects", sa_snippet("name = \"ci\"\n"), 4, 1,
       "service account \"ci\" has no [service_accounts.projects] table; write `projects = {}` to remove it from "
       "every project, or state = \"absent\" to delete it"},
      {"unknown state", sa_snippet(id_line + "state = \"gone\"\n"), 6, 9,
       "unknown state \"gone\" (expected one of: present, absent)"},
      {"absent with projects", sa_snippet(id_line + "state = \"absent\"\nprojects = {}\n"), 7, 1,
       "service account \"" + kClientId +
           "\" has state = \"absent\" but also a projects table (an absent service account is deleted; remove its "
           "projects)"},
      {"absent with org_roles", sa_snippet(id_line + "state = \"absent\"\norg_roles = [\"ORG_MEMBER\"]\n"), 7, 1,
       "has state = \"absent\" but also org_roles (an absent service account is deleted"},
      {"absent with access_list", sa_snippet(id_line + "state = \"absent\"\naccess_list = []\n"), 7, 1,
       "has state = \"absent\" but also an access_list"},
      {"project role in org_roles", sa_snippet(id_line + "projects = {}\norg_roles = [\"GROUP_OWNER\"]\n"), 7, 14,
       "invalid org role \"GROUP_OWNER\" for service account \"" + kClientId +
           "\" (expected \"ORG_\" followed by capital letters and underscores, e.g. \"ORG_MEMBER\"; project roles "
           "belong in [service_accounts.projects])"},
      {"empty org_roles", sa_snippet(id_line + "projects = {}\norg_roles = []\n"), 7, 13,
       "remove org_roles to leave the service account's org roles as they are"},
      {"access_list host bits", sa_snippet(id_line + "projects = {}\naccess_list = [\"203.0.113.1/24\"]\n"), 7, 16,
       "access_list entry"},
      {"empty project role list", sa_snippet(id_line + "[service_accounts.projects]\np = []\n"), 7, 5,
       "to unassign the service account, remove the project's entry"},
      {"org role in a project", sa_snippet(id_line + "[service_accounts.projects]\np = [\"ORG_OWNER\"]\n"), 7, 6,
       "invalid role \"ORG_OWNER\" for project \"p\""},
  });
  // An absent account may keep its name and description (informational, as desc on a key).
  const Config config = parse_ok(sa_snippet(id_line + "name = \"old ci\"\ndescription = \"gone\"\nstate = \"absent\"\n"));
  CHECK(config.service_accounts.at(0).name == "old ci");
}

TEST_CASE("service accounts: secret_expires_after_hours is a positive integer") {
  const std::string head = "name = \"ci\"\nprojects = {}\n";  // lines 5-6
  CHECK(parse_ok(sa_snippet(head + "secret_expires_after_hours = 1\n")).service_accounts.at(0).expires_after_hours() == 1);
  check_all({
      {"zero", sa_snippet(head + "secret_expires_after_hours = 0\n"), 7, 30,
       "secret_expires_after_hours is 0 (expected an integer from 1 to 2147483647)"},
      {"negative", sa_snippet(head + "secret_expires_after_hours = -24\n"), 7, 30,
       "secret_expires_after_hours is -24"},
      {"beyond int32", sa_snippet(head + "secret_expires_after_hours = 2147483648\n"), 7, 30,
       "secret_expires_after_hours is 2147483648"},
      {"a string", sa_snippet(head + "secret_expires_after_hours = \"2160\"\n"), 7, 30,
       "secret_expires_after_hours must be a positive integer (expected an integer from 1 to 2147483647), found "
       "string \"2160\""},
      {"a float", sa_snippet(head + "secret_expires_after_hours = 1.5\n"), 7, 30, "found float 1.5"},
  });
}

TEST_CASE("service accounts: two entries with one name or one client id are refused, naming both lines") {
  const std::string first = "name = \"ci\"\nprojects = {}\n";  // lines 4-6
  check_all({
      {"same name",
       sa_snippet(first + "[[service_accounts]]\nclient_id = \"" + kClientId + "\"\nname = \"ci\"\nprojects = {}\n"), 9,
       8,
       "name \"ci\" is also the name of the [[service_accounts]] entry at line 4 (each service account needs a "
       "name no other entry has)"},
      {"same client id",
       sa_snippet("client_id = \"" + kClientId + "\"\nprojects = {}\n[[service_accounts]]\nclient_id = \"" + kClientId +
                  "\"\nstate = \"absent\"\n"),
       7, 1,
       "service account \"" + kClientId +
           "\" is declared twice (client_id already used by the [[service_accounts]] entry at line 4)"},
      {"same client id in another case",
       sa_snippet("client_id = \"" + kClientId +
                  "\"\nprojects = {}\n[[service_accounts]]\nclient_id = \"mdb_sa_id_0123456789ABCDEF01234567\"\n"
                  "projects = {}\n"),
       7, 1, "is declared twice (client_id already used by the [[service_accounts]] entry at line 4)"},
  });
  // A name equal to a key's desc is another kind of principal: no conflict.
  const Config config = parse_ok(target() + "[[keys]]\ndesc = \"ci\"\nprojects = {}\n[[service_accounts]]\n" + first);
  CHECK(config.service_accounts.size() == 1);
}

TEST_CASE("[policy] undeclared_service_accounts and secret_rotation_days") {
  const std::string policy = target() + "[policy]\n";  // the field under test is on line 5
  for (auto [text, value] : {std::pair{"ignore", UndeclaredPolicy::ignore}, std::pair{"unassign", UndeclaredPolicy::unassign},
                             std::pair{"delete", UndeclaredPolicy::remove}}) {
    CAPTURE(text);
    CHECK(parse_ok(policy + "undeclared_service_accounts = \"" + text + "\"\n").policy.undeclared_service_accounts ==
          value);
  }
  CHECK(parse_ok(policy + "secret_rotation_days = 1\n").policy.secret_rotation_days == 1);
  CHECK(parse_ok(policy + "secret_rotation_days = 365\n").policy.secret_rotation_days == 365);
  CHECK(parse_ok(policy + "secret_rotation_days = 30\n").policy.rotation_warning_days() == 30);
  check_all({
      {"unknown undeclared_service_accounts", policy + "undeclared_service_accounts = \"remove\"\n", 5, 31,
       "unknown undeclared_service_accounts \"remove\" (expected one of: ignore, unassign, delete)"},
      {"undeclared_service_accounts a bool", policy + "undeclared_service_accounts = false\n", 5, 31,
       "undeclared_service_accounts must be a string (expected one of: ignore, unassign, delete), found boolean false"},
      {"rotation zero", policy + "secret_rotation_days = 0\n", 5, 24,
       "secret_rotation_days is 0 (expected an integer from 1 to 365)"},
      {"rotation over a year", policy + "secret_rotation_days = 366\n", 5, 24, "secret_rotation_days is 366"},
      {"rotation a string", policy + "secret_rotation_days = \"14\"\n", 5, 24,
       "secret_rotation_days must be a positive integer (expected an integer from 1 to 365), found string \"14\""},
  });
}

TEST_CASE("[policy] protected_keys takes client ids, checking their shape") {
  const std::string policy = target() + "[policy]\n";
  CHECK(parse_ok(policy + "protected_keys = [\"abcdefgh\", \"" + kClientId + "\"]\n").policy.protected_keys.size() == 2);
  check_all({
      {"client id too short", policy + "protected_keys = [\"mdb_sa_id_0123\"]\n", 5, 19,
       "protected_keys entry \"mdb_sa_id_0123\" is not a service account client id (expected mdb_sa_id_ followed "
       "by 24 hex digits)"},
      {"client id prefix in capitals", policy + "protected_keys = [\"MDB_SA_ID_0123456789abcdef01234567\"]\n", 5, 19,
       "is not a service account client id"},
      {"client id listed twice", policy + "protected_keys = [\"" + kClientId + "\", \"" + kClientId + "\"]\n", 5, 57,
       "protected_keys lists \"" + kClientId + "\" twice (first at line 5)"},
  });
}

TEST_CASE("API families without service accounts refuse them, saying why") {
  const std::string account = "name = \"ci\"\nprojects = {}\n";
  for (const char* api : {"atlas-v2", "cloud-manager"}) {
    CAPTURE(api);
    CHECK(parse_ok(sa_snippet(account, api) + "[policy]\nundeclared_service_accounts = \"delete\"\n")
              .service_accounts.size() == 1);
  }
  // ignore (written or not) with no account declared is fine everywhere.
  CHECK(parse_ok(target("atlas-v1") + "[policy]\nundeclared_service_accounts = \"ignore\"\n").service_accounts.empty());
  check_all({
      {"accounts with atlas-v1", sa_snippet(account, "atlas-v1"), 4, 1,
       "[[service_accounts]] cannot be used with api = \"atlas-v1\": the Atlas API v1.0 has no service accounts "
       "(they exist only in the v2 API: use api = \"atlas-v2\")"},
      {"accounts with ops-manager", sa_snippet(account, "ops-manager") + "", 4, 1,
       "[[service_accounts]] cannot be used with api = \"ops-manager\": the Ops Manager API documents no service "
       "accounts"},
      {"undeclared policy with atlas-v1", target("atlas-v1") + "[policy]\nundeclared_service_accounts = \"unassign\"\n", 5,
       31,
       "undeclared_service_accounts = \"unassign\" cannot be used with api = \"atlas-v1\": the Atlas API v1.0 has no "
       "service accounts (they exist only in the v2 API: use api = \"atlas-v2\") (remove the line, or set it to "
       "\"ignore\")"},
      {"access_list with cloud-manager", sa_snippet(account + "access_list = []\n", "cloud-manager"), 7, 15,
       "access_list of service account \"ci\" cannot be used with api = \"cloud-manager\": Cloud Manager documents "
       "no access-list endpoint for service accounts"},
  });
  // Both causes at once: each reported at its own line.
  const ConfigParseResult both = parse_config(
      sa_snippet(account, "ops-manager") + "[policy]\nundeclared_service_accounts = \"delete\"\n", kPath);
  REQUIRE(both.errors.size() == 2);
  CHECK(both.errors[0].pos.line == 4);
  CHECK(both.errors[1].pos.line == 8);
}

}  // namespace keyform_test_config_service_account
