// Service accounts in the same file as keys (issue 14), end to end against keyform-sandbox on
// atlas-v2 and cloud-manager: converge (projects, roles, name, description, org roles, access
// list, deletion, the undeclared policy), create by name with the secret delivered once, config
// errors, ambiguous names, expiry warnings and rotation, guards, and export. Every run is checked
// for the secrets that fixtures hold and that deliveries hand out later.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>

#include "service_account_fixture.h"

using namespace e2e;
using namespace e2e::sa;

namespace {

const std::vector<std::string> kSaFamilies = {"atlas-v2", "cloud-manager"};

bool is_v2(const Family& family) { return family.api == "atlas-v2"; }

// A deployer to rename and re-scope, a reporter named by name alone, an account to delete, and an
// undeclared one the policy unassigns. On v2 the deployer's access list drifted too.
json converge_org(const Family& family) {
  const json deployer_list = is_v2(family) ? json{"198.51.100.7"} : json::array();
  return org_with_accounts({
      account(kDeployer, "deployer", {{kProd, {"GROUP_READ_ONLY"}}, {kStaging, {"GROUP_READ_ONLY"}}},
              {secret(1, 90)}, {"ORG_MEMBER"}, deployer_list),
      account(kReporter, "reporting", {{kStaging, {"GROUP_READ_ONLY"}}}, {secret(2, 90)}),
      account(kEtl, "old-etl", {{kProd, {"GROUP_DATA_ACCESS_READ_ONLY"}}}, {secret(3, 90)}),
      account(kStray, "contractor-bot", {{kProd, {"GROUP_READ_ONLY"}}}, {secret(4, 90)}),
  });
}

std::string converge_toml(const Family& family) {
  return "[[service_accounts]]\nclient_id = \"" + kDeployer + "\"\nname = \"payments-deployer\"\n"
         "description = \"deploys payments\"\norg_roles = [\"ORG_MEMBER\", \"ORG_READ_ONLY\"]\n" +
         (is_v2(family) ? "access_list = [\"203.0.113.0/24\"]\n" : "") +
         "[service_accounts.projects]\n\"payments-prod\" = [\"GROUP_CLUSTER_MANAGER\"]\n\n"
         "[[service_accounts]]\nname = \"reporting\"\n[service_accounts.projects]\n"
         "\"payments-prod\" = [\"GROUP_READ_ONLY\"]\n\"payments-staging\" = [\"GROUP_READ_ONLY\"]\n\n"
         "[[service_accounts]]\nclient_id = \"" + kEtl + "\"\nstate = \"absent\"\n";
}

void check_converge_plan(Scene& s) {
  const RunResult text = s.run({"plan", "--detailed-exitcode"});
  INFO(text.all());
  CHECK(text.exit_code == 2);
  CHECK(contains(text.out, "# service account deployer (" + kDeployer + ")"));
  CHECK(contains(text.out, "# service account reporting (" + kReporter + ")"));
  CHECK(contains(text.out, "# service account old-etl (" + kEtl + ")"));
  CHECK(contains(text.out, "# service account contractor-bot (" + kStray + ")"));

  const RunResult r = s.run({"plan", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const json plan = json::parse(r.out);
  std::multiset<std::string> expected = {
      "update_service_account deployer", "update_roles deployer",  "unassign deployer",
      "assign reporting",                "delete_service_account old-etl", "unassign contractor-bot"};
  if (is_v2(s.family)) {
    expected.insert("add_access_entry deployer");
    expected.insert("remove_access_entry deployer");
  }
  CHECK(action_names(plan["actions"]) == expected);
  for (const auto& a : plan["actions"]) {
    CAPTURE(a.dump());
    REQUIRE(a.contains("service_account"));
    CHECK_FALSE(a.contains("key"));
    if (a["action"] == "update_service_account") {
      CHECK(a["service_account"] == json{{"client_id", kDeployer}, {"name", "deployer"}});
      CHECK(a["before"]["name"] == "deployer");
      CHECK(a["after"]["name"] == "payments-deployer");
      CHECK(a["after"]["description"] == "deploys payments");
      CHECK(a["after"]["org_roles"] == json{"ORG_MEMBER", "ORG_READ_ONLY"});
    }
    if (a["action"] == "delete_service_account") {
      CHECK(a["assignments_before"].dump().find(kProd) != std::string::npos);
    }
  }
  CHECK(s.sandbox.writes().empty());
}

void check_converged_state(const Scene& s) {
  const json state = s.sandbox.state();
  const json deployer = state_account(state, kDeployer);
  REQUIRE(deployer.is_object());
  CHECK(deployer["name"] == "payments-deployer");
  CHECK(deployer["description"] == "deploys payments");
  CHECK(attrs::as_set(deployer["org_roles"]) == std::set<std::string>{"ORG_MEMBER", "ORG_READ_ONLY"});
  CHECK(deployer["projects"] == json{{kProd, {"GROUP_CLUSTER_MANAGER"}}});
  if (is_v2(s.family)) CHECK(deployer["access_list"] == json{"203.0.113.0/24"});
  CHECK(state_account(state, kReporter)["projects"] ==
        json{{kProd, {"GROUP_READ_ONLY"}}, {kStaging, {"GROUP_READ_ONLY"}}});
  CHECK(state_account(state, kEtl).is_null());                               // state = "absent"
  CHECK(state_account(state, kStray)["projects"] == json::object());         // undeclared: unassigned
  CHECK(secret_ids(state_account(state, kStray)).size() == 1);               // ... but still there
  CHECK(attrs::state_key(state, "analyst1")["desc"] == "analytics team");    // keys untouched
}

// Every service-account call on v2 carries the 2024-08-05 media type (the sandbox refuses others,
// so this names the culprit when it does).
void check_media_types(const Scene& s) {
  if (!is_v2(s.family)) return;
  const json requests = s.sandbox.requests();
  for (const auto& r : requests) {
    if (!contains(r["path"].get<std::string>(), "serviceAccounts") || r["status"] == 401) continue;
    CAPTURE(r.dump());
    CHECK(contains(r["accept"].get<std::string>(), "application/vnd.atlas.2024-08-05+json"));
  }
}

}  // namespace

TEST_CASE("service accounts converge: projects, roles, name, description, org roles, access list, delete, undeclared") {
  for (const auto& api : kSaFamilies) {
    CAPTURE(api);
    const Family& family = attrs::family_named(api);
    Scene s(family, converge_org(family), converge_toml(family), "undeclared_service_accounts = \"unassign\"\n");
    check_converge_plan(s);

    s.sandbox.clear_requests();
    const RunResult apply = s.run({"apply", "--auto-approve"});
    INFO(apply.all());
    REQUIRE(apply.exit_code == 0);
    CHECK(contains(apply.out, "Verified: the org matches the configuration."));
    check_converged_state(s);
    check_media_types(s);
    s.check_converged();

    // The policy's harder form deletes the undeclared account, and only it.
    s.write_config(converge_toml(family), "undeclared_service_accounts = \"delete\"\n");
    const RunResult del = s.run({"apply", "--auto-approve"});
    INFO(del.all());
    REQUIRE(del.exit_code == 0);
    CHECK(state_account(s.sandbox.state(), kStray).is_null());
    CHECK(state_account(s.sandbox.state(), kReporter).is_object());
    s.check_converged();
  }
}

TEST_CASE("service accounts: a file without any, under the ignore policy, reads none") {
  Scene s(attrs::family_named("atlas-v2"), converge_org(attrs::family_named("atlas-v2")),
          "[[keys]]\npublic_key = \"kfadmin1\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n");
  const RunResult r = s.run({"plan", "--detailed-exitcode"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  const json requests = s.sandbox.requests();
  for (const auto& req : requests) CHECK_FALSE(contains(req["path"].get<std::string>(), "serviceAccounts"));
}

namespace {

const std::string kNewName = "payments-deployer";

// A new account declared by name; on v2 its access list lets its consumers call from loopback.
std::string new_account_toml(const Family& family) {
  return "[[service_accounts]]\nname = \"" + kNewName + "\"\ndescription = \"deploys payments\"\n" +
         (is_v2(family) ? "access_list = [\"127.0.0.1\"]\n" : "") +
         "[service_accounts.projects]\n\"payments-staging\" = [\"GROUP_READ_ONLY\"]\n";
}

json created_log_entries(const Sandbox& sandbox) {
  json out = json::array();
  for (const auto& r : sandbox.requests()) {
    if (!r.value("created_key_id", std::string()).empty()) out.push_back(r);
  }
  return out;
}

void check_create_plan(Scene& s) {
  const RunResult text = s.run({"plan", "--detailed-exitcode"});
  INFO(text.all());
  CHECK(text.exit_code == 2);
  CHECK(contains(text.out, "# new service account \"" + kNewName + "\""));
  const RunResult r = s.run({"plan", "--format", "json"});
  REQUIRE(r.exit_code == 0);
  const json actions = json::parse(r.out)["actions"];
  REQUIRE_FALSE(actions.empty());
  CHECK(actions[0]["action"] == "create_service_account");
  CHECK(actions[0]["after"] == json{{"name", kNewName},
                                    {"description", "deploys payments"},
                                    {"org_roles", {"ORG_MEMBER"}},
                                    {"secret_expires_after_hours", 2160}});
  CHECK(actions[0]["reason_code"] == "no_service_account_with_name");
  for (const auto& a : actions) CHECK(a["service_account"] == json{{"client_id", nullptr}, {"name", kNewName}});
  CHECK(s.sandbox.writes().empty());
}

// The delivered line is the account the sandbox made and its one secret, which obtains a token.
void check_created(Scene& s, const DeliveredSecret& d) {
  const auto made = accounts_named(s.sandbox.state(), kNewName);
  REQUIRE(made.size() == 1);
  CHECK(d.client_id == made[0]["client_id"]);
  CHECK(d.name == kNewName);
  CHECK(d.org_id == kOrg);
  REQUIRE(made[0]["secrets"].size() == 1);
  CHECK(d.secret_id == made[0]["secrets"][0]["id"]);
  CHECK(d.expires_at == made[0]["secrets"][0]["expires_at"]);
  const std::time_t in_90_days = std::time(nullptr) + 2160 * 3600;
  CHECK(std::abs(utc_seconds(d.expires_at) - in_90_days) < 3600);
  CHECK(d.secret.rfind("mdb_sa_sk_", 0) == 0);
  CHECK(made[0]["org_roles"] == json{"ORG_MEMBER"});
  CHECK(made[0]["projects"] == json{{kStaging, {"GROUP_READ_ONLY"}}});
  if (is_v2(s.family)) CHECK(made[0]["access_list"] == json{"127.0.0.1/32"});
  CHECK(create::mode_of(s.path("secrets.jsonl")) == 0600);
  CHECK(token_status(s.sandbox, d.client_id, d.secret) == 200);
  CHECK(token_status(s.sandbox, d.client_id, d.secret + "x") == 401);
}

}  // namespace

TEST_CASE("service accounts: one declared by name is created, its secret delivered once, and it obtains a token") {
  for (const auto& api : kSaFamilies) {
    CAPTURE(api);
    const Family& family = attrs::family_named(api);
    Scene s(family, org_with_accounts({}), new_account_toml(family));
    check_create_plan(s);

    const RunResult apply = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
    INFO(apply.all());
    REQUIRE(apply.exit_code == 0);
    const auto delivered = s.deliveries("secrets.jsonl");
    REQUIRE(delivered.size() == 1);
    check_created(s, delivered[0]);
    CHECK(created_log_entries(s.sandbox).size() == 1);

    // Found by its name from now on: nothing to create, nothing delivered again.
    s.check_converged();
    const std::string before = read_file(s.path("secrets.jsonl"));
    s.sandbox.clear_requests();
    const RunResult again = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
    CHECK(again.exit_code == 0);
    CHECK(s.sandbox.writes().empty());
    CHECK(read_file(s.path("secrets.jsonl")) == before);
    s.check_secrets_kept({"secrets.jsonl"});
  }
}

TEST_CASE("service accounts: a failed delivery deletes the new account again, exit 1") {
  for (const auto& api : kSaFamilies) {
    CAPTURE(api);
    const Family& family = attrs::family_named(api);
    Scene s(family, org_with_accounts({}), new_account_toml(family));
    const std::string command = "sh -c 'cat > \"$0\"; exit 1' " + s.path("taken");
    const RunResult r = s.run({"apply", "--auto-approve", "--secrets-command", command});
    INFO(r.all());
    s.learnt.push_back(read_file(s.path("taken")));
    CHECK(s.learnt.back().rfind("mdb_sa_sk_", 0) == 0);
    CHECK(r.exit_code == 1);
    const json created = created_log_entries(s.sandbox);
    REQUIRE(created.size() == 1);
    const std::string client_id = created[0]["created_key_id"];
    CHECK(contains(r.err, client_id));
    CHECK(accounts_named(s.sandbox.state(), kNewName).empty());
    const auto writes = writes_of(s.sandbox);
    CHECK(writes.front() == "POST " + s.org_path() + "/serviceAccounts");
    CHECK(writes.back() == "DELETE " + s.org_path() + "/serviceAccounts/" + client_id);
    CHECK(token_status(s.sandbox, client_id, s.learnt.back()) == 401);  // gone with its account
    s.check_secrets_kept({"taken"});
  }
}

namespace {

// keyform refuses `toml` offline: exit 1, FILE:LINE:COL naming `why`, no request at all.
void check_config_error(const std::string& api, const std::string& toml, const std::string& why,
                        const std::string& policy = "") {
  CAPTURE(api);
  CAPTURE(why);
  const Family& family = attrs::family_named(api);
  Scene s(family, converge_org(family), toml, policy);
  if (api == "ops-manager") s.env.erase("MONGODB_ATLAS_BASE_URL");
  for (const auto& args : {std::vector<std::string>{"validate"}, {"plan"},
                                              {"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"}}) {
    const RunResult r = s.run(args);
    INFO(r.all());
    CHECK(r.exit_code == 1);
    CHECK(std::regex_search(r.err, std::regex("keyform\\.toml:[0-9]+:[0-9]+: ")));
    CHECK(contains(r.err, why));
  }
  CHECK(s.sandbox.requests().empty());
}

const std::string kOneAccount = "[[service_accounts]]\nname = \"reporting\"\n[service_accounts.projects]\n";

}  // namespace

TEST_CASE("service accounts: config errors are offline, with FILE:LINE:COL, and change nothing") {
  check_config_error("atlas-v1", kOneAccount, "cannot be used with api = \"atlas-v1\"");
  check_config_error("ops-manager", kOneAccount, "cannot be used with api = \"ops-manager\"");
  check_config_error("atlas-v1", "", "atlas-v1", "undeclared_service_accounts = \"delete\"\n");
  check_config_error("cloud-manager",
                     "[[service_accounts]]\nname = \"reporting\"\naccess_list = [\"203.0.113.0/24\"]\n"
                     "[service_accounts.projects]\n",
                     "cannot be used with api = \"cloud-manager\"");
  check_config_error("atlas-v2", kOneAccount + "\n[[service_accounts]]\nclient_id = \"" + kReporter +
                                     "\"\nname = \"reporting\"\n[service_accounts.projects]\n",
                     "is also the name of the [[service_accounts]] entry at line");
}

TEST_CASE("service accounts: two accounts in the org with the declared name: exit 1 before any write") {
  json org = converge_org(attrs::family_named("atlas-v2"));
  org["service_accounts"][3]["name"] = "reporting";  // the stray one takes the reporter's name
  for (const auto& api : kSaFamilies) {
    CAPTURE(api);
    Scene s(attrs::family_named(api), org, kOneAccount);
    for (const auto& args : {std::vector<std::string>{"plan"},
                                                {"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"}}) {
      const RunResult r = s.run(args);
      INFO(r.all());
      CHECK(r.exit_code == 1);
      CHECK(contains(r.err, kReporter));
      CHECK(contains(r.err, kStray));
    }
    CHECK(s.sandbox.writes().empty());
    CHECK_FALSE(std::filesystem::exists(s.path("secrets.jsonl")));
  }
}

namespace {

const std::string kMonthly = "mdb_sa_id_65f0c0ffee000000000000b1";
const std::string kUndeclared = "mdb_sa_id_65f0c0ffee000000000000b2";

// Declared accounts with no project: one whose latest secret is far off (an expired one beside it
// does not matter), one expiring in 5 days, one expired, one without a secret, one in 20 days;
// and an undeclared expired one.
json expiry_org() {
  return org_with_accounts({
      account(kDeployer, "deployer", json::object(), {secret(1, -30), secret(2, 90)}),
      account(kReporter, "reporting", json::object(), {secret(3, 5)}),
      account(kEtl, "old-etl", json::object(), {secret(4, -2)}),
      account(kStray, "no-secret", json::object(), {}),
      account(kMonthly, "monthly", json::object(), {secret(5, 20)}),
      account(kUndeclared, "undeclared", json::object(), {secret(6, -1)}),
  });
}

std::string declare_by_id(const std::vector<std::string>& client_ids) {
  std::string out;
  for (const auto& id : client_ids) out += "[[service_accounts]]\nclient_id = \"" + id + "\"\nprojects = {}\n\n";
  return out;
}

const std::string kExpiryToml = declare_by_id({kDeployer, kReporter, kEtl, kStray, kMonthly});

// The warning with `code` whose message names `name`.
bool has_warning(const json& plan, const std::string& code, const std::string& name) {
  for (const auto& w : plan.value("warnings", json::array())) {
    if (w["code"] == code && contains(w["message"].get<std::string>(), name)) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("service accounts: plan warns of secrets expiring within 14 days, expired, or missing, in every format") {
  for (const auto& api : kSaFamilies) {
    CAPTURE(api);
    Scene s(attrs::family_named(api), expiry_org(), kExpiryToml);
    const RunResult r = s.run({"plan", "--format", "json"});
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    const json plan = json::parse(r.out);
    CHECK(plan["actions"].empty());  // warnings only: without secret_rotation_days nothing rotates
    CHECK(warning_codes(plan) == std::multiset<std::string>{"secret_expiring", "secret_expired", "no_secret"});
    CHECK(has_warning(plan, "secret_expiring", "reporting"));
    CHECK(has_warning(plan, "secret_expired", "old-etl"));
    CHECK(has_warning(plan, "no_secret", "no-secret"));

    const RunResult text = s.run({"plan", "--detailed-exitcode"});
    const RunResult markdown = s.run({"plan", "--format", "markdown"});
    INFO(text.all());
    CHECK(text.exit_code == 0);
    for (const auto& w : plan["warnings"]) CHECK(contains(text.all(), w["message"].get<std::string>()));
    // Markdown escapes its own syntax in a message (an underscore, say): the names are plain.
    for (const std::string name : {"reporting", "old-etl", "no-secret"}) CHECK(contains(markdown.out, name));
    CHECK_FALSE(contains(text.all(), "monthly"));
    CHECK_FALSE(contains(text.all(), "undeclared"));

    // The window is the policy's when it sets one: 30 days takes in the one in 20.
    s.write_config(kExpiryToml, "secret_rotation_days = 30\n");
    const RunResult wider = s.run({"plan", "--format", "json"});
    REQUIRE(wider.exit_code == 0);
    CHECK(contains(json::parse(wider.out)["actions"].dump(), kMonthly));
    CHECK(s.sandbox.writes().empty());
  }
}

namespace {

const std::string kProtected = "mdb_sa_id_65f0c0ffee000000000000b3";

// Rotation due: the reporter (an expired secret and one in 5 days), the etl account (only an
// expired one); not due: the deployer; undeclared with an expired secret: the stray; protected
// and due: kProtected.
json rotation_org() {
  return org_with_accounts({
      account(kDeployer, "deployer", json::object(), {secret(1, 90)}),
      account(kReporter, "reporting", json::object(), {secret(2, -3), secret(3, 5)}),
      account(kEtl, "old-etl", json::object(), {secret(4, -10)}),
      account(kStray, "contractor-bot", json::object(), {secret(5, -5)}),
      account(kProtected, "protected-bot", json::object(), {secret(6, 3)}),
  });
}

std::string rotation_toml() {
  return "[[service_accounts]]\nclient_id = \"" + kReporter + "\"\nsecret_expires_after_hours = 720\n"
         "projects = {}\n\n" + declare_by_id({kDeployer, kEtl, kProtected});
}

const std::string kRotationPolicy = "secret_rotation_days = 14\nprotected_keys = [\"" + kProtected + "\"]\n";

void check_rotation_plan(Scene& s) {
  const RunResult r = s.run({"plan", "--format", "json"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const json plan = json::parse(r.out);
  CHECK(action_names(plan["actions"]) == std::multiset<std::string>{"create_secret reporting", "delete_secret reporting",
                                                                    "create_secret old-etl", "delete_secret old-etl"});
  for (const auto& a : plan["actions"]) {
    CAPTURE(a.dump());
    if (a["action"] == "create_secret") {
      CHECK(a["after"]["expires_after_hours"] == (a["service_account"]["name"] == "reporting" ? 720 : 2160));
    } else {
      CHECK(a["secret"]["id"] == (a["service_account"]["name"] == "reporting" ? secret_id(2) : secret_id(4)));
    }
  }
  CHECK(has_warning(plan, "secret_expiring", "protected-bot"));  // warned, never rotated
}

}  // namespace

TEST_CASE("service accounts: secret_rotation_days rotates: a new secret delivered that obtains a token, expired ones deleted, valid ones kept") {
  Scene s(attrs::family_named("atlas-v2"), rotation_org(), rotation_toml(), kRotationPolicy);
  check_rotation_plan(s);
  const RunResult apply = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(apply.all());
  REQUIRE(apply.exit_code == 0);
  const auto delivered = s.deliveries("secrets.jsonl");
  REQUIRE(delivered.size() == 2);
  const json state = s.sandbox.state();
  for (const auto& d : delivered) {
    CAPTURE(d.client_id);
    CHECK((d.client_id == kReporter || d.client_id == kEtl));
    CHECK(secret_ids(state_account(state, d.client_id)).count(d.secret_id) == 1);
    CHECK(token_status(s.sandbox, d.client_id, d.secret) == 200);
    const double hours = d.client_id == kReporter ? 720 : 2160;
    CHECK(std::abs(utc_seconds(d.expires_at) - std::time(nullptr) - hours * 3600) < 3600);
  }
  const auto reporter = secret_ids(state_account(state, kReporter));
  CHECK(reporter.size() == 2);
  CHECK(reporter.count(secret_id(3)) == 1);  // still valid: its consumers move first
  CHECK(secret_ids(state_account(state, kEtl)).size() == 1);
  CHECK(token_status(s.sandbox, kReporter, secret_value(3)) == 200);
  CHECK(state_account(state, kStray)["secrets"].size() == 1);      // undeclared: left alone
  CHECK(state_account(state, kProtected)["secrets"].size() == 1);  // protected: left alone
  CHECK(state_account(state, kDeployer)["secrets"].size() == 1);   // not due
  s.check_converged();
  s.check_secrets_kept({"secrets.jsonl"});
}

namespace {

std::map<std::string, std::string> env_file(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& line : create::lines_of(text)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

}  // namespace

TEST_CASE("service accounts: a rotated secret reaches --secrets-command with the KEYFORM_* variables, on cloud-manager") {
  const json org = org_with_accounts({account(kReporter, "reporting", json::object(), {secret(1, 2)})});
  Scene s(attrs::family_named("cloud-manager"), org, declare_by_id({kReporter}), "secret_rotation_days = 14\n");
  const std::string command = "sh -c 'cat > \"$0\"; env > \"$0.env\"' " + s.path("taken");
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-command", command});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  s.learnt.push_back(read_file(s.path("taken")));
  const auto env = env_file(read_file(s.path("taken.env")));
  CHECK(env.at("KEYFORM_CLIENT_ID") == kReporter);
  CHECK(env.at("KEYFORM_SA_NAME") == "reporting");
  CHECK(env.at("KEYFORM_ORG_ID") == kOrg);
  CHECK(secret_ids(s.account(kReporter)).count(env.at("KEYFORM_SECRET_ID")) == 1);
  CHECK(env.count("MONGODB_ATLAS_PRIVATE_API_KEY") == 0);
  CHECK(token_status(s.sandbox, kReporter, s.learnt.back()) == 200);
  s.check_secrets_kept({"taken"});
}

TEST_CASE("service accounts: max_destroy counts deleted secrets") {
  const json org = org_with_accounts({account(kReporter, "reporting", json::object(),
                                              {secret(1, -3), secret(2, -2), secret(3, 5)})});
  Scene s(attrs::family_named("atlas-v2"), org, declare_by_id({kReporter}),
          "secret_rotation_days = 14\nmax_destroy = 1\n");
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "max_destroy"));
  CHECK(s.sandbox.writes().empty());
  CHECK(s.account(kReporter)["secrets"].size() == 3);

  s.write_config(declare_by_id({kReporter}), "secret_rotation_days = 14\nmax_destroy = 2\n");
  const RunResult allowed = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(allowed.all());
  CHECK(allowed.exit_code == 0);
  s.deliveries("secrets.jsonl");
  CHECK(s.account(kReporter)["secrets"].size() == 2);
  s.check_secrets_kept({"secrets.jsonl"});
}

TEST_CASE("service accounts: protected_keys takes a client id: never unassigned or deleted") {
  const json org = org_with_accounts({account(kStray, "contractor-bot", {{kProd, {"GROUP_READ_ONLY"}}}, {secret(1, 90)})});
  Scene s(attrs::family_named("atlas-v2"), org, "",
          "undeclared_service_accounts = \"delete\"\nprotected_keys = [\"" + kStray + "\"]\n");
  const RunResult plan = s.run({"plan", "--format", "json"});
  INFO(plan.all());
  REQUIRE(plan.exit_code == 0);
  CHECK(json::parse(plan.out)["actions"].empty());
  CHECK(contains(json::parse(plan.out)["skipped"].dump(), kStray));
  const RunResult apply = s.run({"apply", "--auto-approve"});
  CHECK(apply.exit_code == 0);
  CHECK(s.sandbox.writes().empty());
  CHECK(s.account(kStray)["projects"] == json{{kProd, {"GROUP_READ_ONLY"}}});
}

namespace {

// The account keyform signs in as: an org owner reaching prod, from loopback only, with a secret
// it signs in with and one that expired.
json keyform_account_org() {
  return org_with_accounts({
      account(kKeyformSa, "keyform-ci", {{kProd, {"GROUP_OWNER"}}}, {secret(1, 90), secret(2, -1)}, {"ORG_OWNER"},
              {"127.0.0.1", "203.0.113.0/24"}),
      account(kStray, "contractor-bot", {{kProd, {"GROUP_READ_ONLY"}}}, {secret(3, 90)}),
  });
}

void check_keyform_account_kept(const Scene& s) {
  const json self = s.account(kKeyformSa);
  REQUIRE(self.is_object());
  CHECK(self["projects"] == json{{kProd, {"GROUP_OWNER"}}});
  CHECK(attrs::as_set(self["org_roles"]).count("ORG_OWNER") == 1);  // it may gain a role, never lose one
  CHECK(attrs::as_set(self["access_list"]).count("127.0.0.1/32") == 1);
}

}  // namespace

TEST_CASE("service accounts: the account keyform signs in as never loses its own access") {
  SUBCASE("declared with less than it has") {
    Scene s(attrs::family_named("atlas-v2"), keyform_account_org(),
            "[[service_accounts]]\nclient_id = \"" + kKeyformSa + "\"\norg_roles = [\"ORG_MEMBER\"]\n"
            "access_list = [\"203.0.113.0/24\"]\nprojects = {}\n");
    s.sign_in_as_account(kKeyformSa, secret_value(1));
    const RunResult plan = s.run({"plan", "--format", "json"});
    INFO(plan.all());
    REQUIRE(plan.exit_code == 0);
    CHECK_FALSE(json::parse(plan.out)["skipped"].empty());
    const RunResult apply = s.run({"apply", "--auto-approve"});
    INFO(apply.all());
    CHECK(apply.exit_code == 0);
    check_keyform_account_kept(s);
  }
  SUBCASE("undeclared, under the delete policy") {
    Scene s(attrs::family_named("atlas-v2"), keyform_account_org(), "", "undeclared_service_accounts = \"delete\"\n");
    s.sign_in_as_account(kKeyformSa, secret_value(1));
    const RunResult apply = s.run({"apply", "--auto-approve"});
    INFO(apply.all());
    CHECK(apply.exit_code == 0);
    check_keyform_account_kept(s);
    CHECK(s.account(kStray).is_null());  // the policy still applies to the others
  }
}

// The sandbox enforces the service's role rules for service accounts too, so the warnings name
// exactly the calls that then fail: inviting an account is an org owner's call even in a project
// keyform's account owns; changing roles there is not.
TEST_CASE("service accounts: signed in as an account without ORG_OWNER, plan warns of what it cannot do; apply shows the 403") {
  Scene s(attrs::family_named("atlas-v2"),
          org_with_accounts({account(kKeyformSa, "keyform-ci", {{kProd, {"GROUP_OWNER"}}}, {secret(1, 90)}),
                             account(kStray, "contractor-bot", {{kProd, {"GROUP_READ_ONLY"}}}, {secret(3, 90)}),
                             account(kEtl, "old-etl", json::object(), {secret(4, 90)})}),
          "[[service_accounts]]\nclient_id = \"" + kKeyformSa + "\"\n[service_accounts.projects]\n"
          "\"payments-prod\" = [\"GROUP_OWNER\"]\n\n"
          "[[service_accounts]]\nclient_id = \"" + kStray + "\"\n[service_accounts.projects]\n"
          "\"payments-prod\" = [\"GROUP_CLUSTER_MANAGER\"]\n\"payments-staging\" = [\"GROUP_READ_ONLY\"]\n\n"
          "[[service_accounts]]\nclient_id = \"" + kEtl + "\"\nstate = \"absent\"\n");
  s.sign_in_as_account(kKeyformSa, secret_value(1));
  const RunResult plan = s.run({"plan", "--format", "json"});
  INFO(plan.all());
  REQUIRE(plan.exit_code == 0);
  const json doc = json::parse(plan.out);
  std::map<std::string, std::string> warnings;
  for (const auto& w : doc["warnings"]) warnings[w["code"]] += w["message"].get<std::string>();
  CHECK(warnings.size() == 2);
  const std::string who = "the service account keyform runs as (keyform-ci, " + kKeyformSa + ")";
  CHECK(contains(warnings["permission_delete"], who + " is not ORG_OWNER"));
  CHECK(contains(warnings["permission_delete"], "delete service account \"old-etl\""));
  CHECK(contains(warnings["permission_org_owner"], "1 action with 403: assign service account \"contractor-bot\" (" +
                                                       kStray + ") to payments-staging"));
  const RunResult text = s.run({"plan"});
  CHECK(contains(text.all(), "Warning: " + who));

  const RunResult apply = s.run({"apply", "--auto-approve", "--parallelism", "1"});
  INFO(apply.all());
  CHECK(apply.exit_code == 1);
  CHECK(contains(apply.all(), "403 USER_UNAUTHORIZED"));
  // What the warnings did not name went through: a project owner changes roles in its project.
  CHECK(s.account(kStray)["projects"][kProd] == json{"GROUP_CLUSTER_MANAGER"});
  CHECK(s.account(kStray)["projects"].count(kStaging) == 0);
  CHECK(s.account(kEtl).is_object());
}

// show is the org as it is: every account with its projects and secrets' expiry (never a value),
// access lists only with --access-lists and only where the family documents them.
TEST_CASE("service accounts: show lists them with projects, org roles and secret expiry, in every format") {
  for (const auto& api : kSaFamilies) {
    CAPTURE(api);
    const Family& family = attrs::family_named(api);
    Scene s(family, converge_org(family), "");
    for (const std::string format : {"text", "json", "markdown"}) {
      CAPTURE(format);
      const RunResult r = s.run({"show", "--org", kOrg, "--api", api, "--format", format});
      INFO(r.all());
      REQUIRE(r.exit_code == 0);
      for (const auto& id : {kDeployer, kReporter, kEtl, kStray}) CHECK(contains(r.out, id));
      for (const auto* name : {"deployer", "reporting", "old-etl", "contractor-bot"}) CHECK(contains(r.out, name));
      CHECK(contains(r.out, secret_id(1)));
      CHECK_FALSE(contains(r.out, "198.51.100.7"));  // access lists only on request
    }
    const RunResult r = s.run({"show", "--org", kOrg, "--api", api, "--format", "json", "--access-lists"});
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    const json shown = json::parse(r.out);
    CHECK(shown["summary"]["service_accounts"] == 4);
    REQUIRE(shown["service_accounts"].size() == 4);
    const json& etl = shown["service_accounts"][2];  // by name: contractor-bot, deployer, old-etl, reporting
    CHECK(etl["client_id"] == kEtl);
    CHECK(etl["projects"] == json::array({{{"id", kProd}, {"name", "payments-prod"}, {"roles", {"GROUP_DATA_ACCESS_READ_ONLY"}}}}));
    CHECK(etl["org_roles"] == json{"ORG_MEMBER"});
    REQUIRE(etl["secrets"].size() == 1);
    CHECK(etl["secrets"][0]["id"] == secret_id(3));
    CHECK(std::abs(utc_seconds(etl["secrets"][0]["expires_at"]) - utc_seconds(utc_in_days(90))) < 600);
    const json& deployer = shown["service_accounts"][1];
    CHECK(deployer["client_id"] == kDeployer);
    if (is_v2(family)) CHECK(deployer["access_list"] == json{"198.51.100.7/32"});
    else CHECK_FALSE(deployer.contains("access_list"));  // cloud-manager documents none for accounts
    CHECK(s.sandbox.writes().empty());
  }
}

TEST_CASE("service accounts: export includes them without secrets and round-trips to \"No changes\"") {
  for (const auto& api : kSaFamilies) {
    CAPTURE(api);
    const Family& family = attrs::family_named(api);
    Scene s(family, converge_org(family), "");
    const RunResult r = s.run({"export", "--org", kOrg, "--api", api, "--out", "exported.toml"});
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    const std::string exported = read_file(s.path("exported.toml"));
    CHECK(contains(exported, "[[service_accounts]]"));
    CHECK(contains(exported, "client_id = \"" + kDeployer + "\""));
    CHECK(contains(exported, "name = \"deployer\""));
    CHECK_FALSE(contains(exported, "mdb_sa_sk_"));
    CHECK_FALSE(contains(exported, "\nsecret_expires_after_hours"));  // no secret settings (a comment may name one)
    const std::string accounts = exported.substr(std::min(exported.find("[[service_accounts]]"), exported.size()));
    CHECK(contains(accounts, "access_list") == is_v2(family));  // cloud-manager documents none for accounts
    const RunResult again = s.run({"plan", "-c", "exported.toml", "--detailed-exitcode"});
    INFO(again.all());
    CHECK(again.exit_code == 0);
    CHECK(contains(again.out, kNoChanges));
  }
}

TEST_CASE("service accounts: export --mirror-key --as-service-account prints one entry that parses and plans a create") {
  json org = converge_org(attrs::family_named("atlas-v2"));
  org["keys"].push_back(attrs::fixture_key("zmmrboas", "CI deployer (payments)", {"ORG_MEMBER"}, {"203.0.113.7"},
                                           {{kStaging, {"GROUP_READ_ONLY"}}}));
  Scene s(attrs::family_named("atlas-v2"), org, "");
  const RunResult r = s.run({"export", "--org", kOrg, "--api", "atlas-v2", "--mirror-key", "zmmrboas",
                             "--as-service-account", "ci-deployer"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "[[service_accounts]]"));
  CHECK_FALSE(contains(r.out, "[[keys]]"));
  CHECK_FALSE(contains(r.out, "[target]"));
  CHECK(contains(r.out, "name = \"ci-deployer\""));
  s.write_config(r.out);
  const RunResult validate = s.run({"validate"});
  INFO(validate.all());
  CHECK(validate.exit_code == 0);
  const RunResult plan = s.run({"plan", "--format", "json"});
  REQUIRE(plan.exit_code == 0);
  const json actions = json::parse(plan.out)["actions"];
  REQUIRE_FALSE(actions.empty());
  CHECK(actions[0]["action"] == "create_service_account");
  CHECK(actions[0]["after"]["org_roles"] == json{"ORG_MEMBER"});
  CHECK(contains(actions.dump(), "203.0.113.7/32"));  // the key's access list, mirrored
  CHECK(contains(actions.dump(), kStaging));          // and its project
}
