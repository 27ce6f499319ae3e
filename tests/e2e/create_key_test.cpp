// Creating keys from the file and delivering their secrets (issue 13), end to end against
// keyform-sandbox: a key declared by its description is created with its projects and access
// list on every family, its private key reaches --secrets-out or --secrets-command and nothing
// else, and it signs in with it. Refusals come before any write; a failed delivery or a lost
// answer deletes the key again. Every run is checked for the private keys delivered later.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <ctime>
#include <regex>

#include "create_key_fixture.h"

using namespace e2e;
using namespace e2e::create;

namespace {

const std::string kNoChanges = "No changes. The org matches the configuration.";
const std::string kCreateLine =
    "+ create key \"" + kDesc + "\" with org roles [ORG_OWNER]  # no key in the org has this description";

void check_create_plan_text(const std::string& out) {
  for (const std::string& line : {"  # new key \"" + kDesc + "\"\n  " + kCreateLine + "\n",
                                  std::string("+ assign to payments-staging (") + kStaging + ") with roles [GROUP_READ_ONLY]",
                                  std::string("+ add 127.0.0.1/32 to the access list"),
                                  std::string("+ add 203.0.113.0/24 to the access list"),
                                  std::string("Plan: 1 key to create, 1 to assign, 0 to update, 2 access-list "
                                              "entries to add, 0 to unassign, 0 to delete.")}) {
    CHECK_MESSAGE(contains(out, line), line);
  }
}

// The create first, its dependants after it, all naming the new key by desc with no id yet.
void check_create_plan_json(const json& plan) {
  const json& actions = plan["actions"];
  REQUIRE(actions.size() == 4);
  const json new_key = {{"id", nullptr}, {"public_key", nullptr}, {"desc", kDesc}};
  CHECK(actions[0]["action"] == "create_key");
  CHECK(actions[0]["after"] == json{{"desc", kDesc}, {"org_roles", {"ORG_OWNER"}}});
  CHECK_FALSE(actions[0].contains("before"));
  CHECK(actions[0]["reason_code"] == "no_key_with_desc");
  for (const auto& a : actions) CHECK(a["key"] == new_key);
  CHECK(plan["summary"]["create_key"] == 1);
}

// The plan shows the create and changes nothing; plan needs no secret sink.
void check_planned(Scene& s) {
  const RunResult text = s.run({"plan", "--detailed-exitcode"});
  INFO(text.all());
  CHECK(text.exit_code == 2);
  check_create_plan_text(text.out);
  const RunResult json_plan = s.run({"plan", "--format", "json"});
  REQUIRE(json_plan.exit_code == 0);
  check_create_plan_json(json::parse(json_plan.out));
  CHECK(s.sandbox.writes().empty());
}

std::time_t utc_seconds(const std::string& rfc3339) {
  std::tm tm{};
  if (!strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return -1;
  return timegm(&tm);
}

// The line keyform appended: the key the sandbox made, stamped by keyform's clock during the run.
void check_delivery(const Scene& s, const Delivered& d, std::time_t started, std::time_t ended) {
  const auto made = keys_with_desc(s.sandbox.state(), kDesc);
  REQUIRE(made.size() == 1);
  CHECK(d.public_key == made[0]["public_key"]);
  CHECK(d.id == made[0]["id"]);
  CHECK(d.desc == kDesc);
  CHECK(d.org_id == kOrg);
  CHECK(std::regex_match(d.created_at, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  CHECK(utc_seconds(d.created_at) >= started);
  CHECK(utc_seconds(d.created_at) <= ended);
  CHECK(looks_like_private_key(d.private_key));
  CHECK(mode_of(s.path("secrets.jsonl")) == 0600);
}

// The new key has exactly what the file declares.
void check_created_state(const Scene& s, const Delivered& d) {
  const json key = attrs::state_key(s.sandbox.state(), d.public_key);
  CHECK(key["org_roles"] == json{"ORG_OWNER"});
  CHECK(key["projects"] == json{{kStaging, {"GROUP_READ_ONLY"}}});
  CHECK(attrs::as_set(key["access_list"]) == std::set<std::string>{"127.0.0.1/32", "203.0.113.0/24"});
}

// One create, then the dependants with the id it answered with, and nothing else.
void check_create_writes(const Scene& s, const Delivered& d) {
  const auto creates = creates_in_log(s.sandbox);
  REQUIRE(creates.size() == 1);
  CHECK(creates[0]["created_key_id"] == d.id);
  CHECK(creates[0]["method"] == "POST");
  CHECK(creates[0]["path"] == s.org_path() + "/apiKeys");
  const auto writes = write_log(s.sandbox);
  REQUIRE(writes.size() == 4);
  CHECK(writes[0] == "POST " + s.org_path() + "/apiKeys -> 200");
  const std::multiset<std::string> dependants(writes.begin() + 1, writes.end());
  const std::string list = "POST " + s.org_path() + "/apiKeys/" + d.id + "/accessList -> 200";
  const std::string assign_prefix = s.family.base_path + "/groups/" + kStaging + "/apiKeys/" + d.id + " -> ";
  CHECK(dependants.count(list) == 2);
  CHECK(std::count_if(writes.begin() + 1, writes.end(), [&](const std::string& w) {
          return contains(w, assign_prefix);
        }) == 1);
}

void check_apply_report(const Scene& s, const RunResult& apply, const Delivered& d) {
  CHECK(contains(apply.out, "+ " + d.public_key + ": create key \"" + kDesc + "\" with org roles [ORG_OWNER]: done"));
  CHECK(contains(apply.out, "Apply complete! 1 key created, 1 assigned, 0 updated, 2 access-list entries added"));
  CHECK(contains(apply.out, "The private key of the created key was delivered to --secrets-out secrets.jsonl and "
                            "nowhere else: keyform cannot show it again."));
  CHECK(contains(apply.out, "Verified: the org matches the configuration."));
  // --verbose traced the calls, the create among them (and its answer's headers, never its body).
  CHECK(contains(apply.err, "debug: > POST " + s.org_path() + "/apiKeys HTTP/1.1"));
}

// The delivered secret is the key's: keyform signs in with it and finds nothing to change. A wrong
// secret would be a 401 (the key is an org owner, so a right one is never refused).
void check_signs_in(Scene& s, const Delivered& d) {
  s.sandbox.clear_requests();
  const RunResult as_new = s.run_as(d.public_key, d.private_key, {"plan", "--detailed-exitcode"});
  INFO(as_new.all());
  CHECK(as_new.exit_code == 0);
  CHECK(contains(as_new.out, kNoChanges));
  const json requests = s.sandbox.requests();
  int answered = 0;
  for (const auto& r : requests) answered += r["user"] == d.public_key && r["status"] == 200;
  CHECK(answered >= 2);  // the keys and the projects listings at least
}

// A second run finds the key by its description: nothing to create, the file untouched.
void check_converged(Scene& s) {
  const RunResult again = s.run({"plan", "--detailed-exitcode"});
  INFO(again.all());
  CHECK(again.exit_code == 0);
  CHECK(contains(again.out, kNoChanges));
  const std::string file_before = read_file(s.path("secrets.jsonl"));
  s.sandbox.clear_requests();
  const RunResult second = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(second.all());
  CHECK(second.exit_code == 0);
  CHECK(contains(second.out, "No changes."));
  CHECK(s.sandbox.writes().empty());
  CHECK(read_file(s.path("secrets.jsonl")) == file_before);
}

// export writes the new key like any other (by public key, with its desc and access list) and
// never a private key: not the delivered one, not anything shaped like one.
void check_export(Scene& s, const Delivered& d) {
  const RunResult exported = s.run({"export"});
  INFO(exported.all());
  REQUIRE(exported.exit_code == 0);
  CHECK(contains(exported.out, "public_key = \"" + d.public_key + "\"   # id " + d.id + "\n"
                               "desc = \"" + kDesc + "\"\norg_roles = [\"ORG_OWNER\"]\n"
                               "access_list = [\"127.0.0.1\", \"203.0.113.0/24\"]\n"));
  CHECK_FALSE(looks_like_private_key(exported.all()));
  CHECK_FALSE(contains(exported.all(), "private"));
}

std::time_t now() { return std::time(nullptr); }

}  // namespace

TEST_CASE("create key: a key declared by desc is created, its secret delivered once, and it signs in, on every family") {
  for (const auto& family : attrs::kFamilies) {
    CAPTURE(family.api);
    Scene s(family, small_org());
    check_planned(s);

    s.sandbox.clear_requests();
    const std::time_t started = now();
    const RunResult apply = s.run({"apply", "--auto-approve", "--verbose", "--secrets-out", "secrets.jsonl"});
    const std::time_t ended = now();
    INFO(apply.all());
    REQUIRE(apply.exit_code == 0);
    const Delivered d = s.only_delivery("secrets.jsonl");
    check_delivery(s, d, started, ended);
    check_apply_report(s, apply, d);
    check_created_state(s, d);
    check_create_writes(s, d);

    check_converged(s);
    check_signs_in(s, d);
    check_export(s, d);
    CHECK(attrs::state_key(s.sandbox.state(), "analyst1")["desc"] == "analytics team");  // bystander untouched
    s.check_secrets_kept({"secrets.jsonl"});
  }
}

TEST_CASE("harness: a secret learnt after a run is still found in that run's output" * doctest::should_fail()) {
  RunHistory history;
  history.add({0, "created; its private key is 0b5e2a4c-1111-2222-3333-444455556666\n", ""});
  history.check_none_shows({"0b5e2a4c-1111-2222-3333-444455556666"});
}

namespace {

// A command that receives the private key on stdin, keeps it in FILE, echoes it back (keyform
// must redact the echo) and keeps its environment in FILE.env.
std::string keeping_command(const Scene& s, const std::string& file, const std::string& exit = "") {
  return "sh -c 'tee \"$0\"; env > \"$0.env\"" + exit + "' " + s.path(file);
}

std::map<std::string, std::string> env_of(const std::string& text) {
  std::map<std::string, std::string> out;
  for (const auto& line : lines_of(text)) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

}  // namespace

TEST_CASE("create key: --secrets-command gets exactly the private key on stdin, the KEYFORM_* variables and no credential") {
  for (const std::string api : {"atlas-v2", "cloud-manager"}) {
    CAPTURE(api);
    Scene s(attrs::family_named(api), small_org());
    s.env["E2E_INHERITED"] = "kept";
    const RunResult apply = s.run({"apply", "--auto-approve", "--secrets-command", keeping_command(s, "delivered")});
    INFO(apply.all());
    REQUIRE(apply.exit_code == 0);
    const std::string secret = read_file(s.path("delivered"));
    s.learnt.push_back(secret);
    CHECK(looks_like_private_key(secret));
    CHECK(secret.size() == 36);  // no trailing newline
    const auto made = keys_with_desc(s.sandbox.state(), kDesc);
    REQUIRE(made.size() == 1);
    const std::string public_key = made[0]["public_key"], id = made[0]["id"];
    // The secret is the key's: a direct v2 call signs in with it.
    CHECK(admin_api_call(s.sandbox, "GET", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys", "", public_key, secret) == 200);

    const auto env = env_of(read_file(s.path("delivered.env")));
    CHECK(env.at("KEYFORM_PUBLIC_KEY") == public_key);
    CHECK(env.at("KEYFORM_KEY_ID") == id);
    CHECK(env.at("KEYFORM_KEY_DESC") == kDesc);
    CHECK(env.at("KEYFORM_ORG_ID") == kOrg);
    CHECK(env.at("E2E_INHERITED") == "kept");
    CHECK(env.count("MONGODB_ATLAS_PRIVATE_API_KEY") == 0);
    CHECK(env.count("MONGODB_ATLAS_PUBLIC_API_KEY") == 0);
    CHECK_FALSE(contains(read_file(s.path("delivered.env")), kAdminSecret));

    // The echo is shown, redacted, on stderr.
    CHECK(contains(apply.err, "secrets-command (" + public_key + "): [redacted]"));
    CHECK(contains(apply.out, "delivered to --secrets-command sh and nowhere else"));
    CHECK(creates_in_log(s.sandbox).size() == 1);
    const RunResult again = s.run({"plan", "--detailed-exitcode"});
    CHECK(again.exit_code == 0);
    s.check_secrets_kept({"delivered"});
  }
}

TEST_CASE("create key: --secrets-command runs no shell: $VAR, ~, globs and backquotes reach the command literally") {
  Scene s(attrs::family_named("ops-manager"), small_org());
  const std::string literal = "$HOME ~ * `id` $(id)";
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-command",
                             "sh -c 'cat > \"$0\"; echo \"$1\"' " + s.path("taken") + " '" + literal + "'"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  s.learnt.push_back(read_file(s.path("taken")));
  CHECK(looks_like_private_key(s.learnt.back()));
  const auto made = keys_with_desc(s.sandbox.state(), kDesc);
  REQUIRE(made.size() == 1);
  CHECK(contains(r.err, "secrets-command (" + made[0]["public_key"].get<std::string>() + "): " + literal + "\n"));
  s.check_secrets_kept({"taken"});
}

namespace {

// Nothing but reads reached the sandbox, and no key was made.
void check_no_write(const Scene& s) {
  CHECK(s.sandbox.writes().empty());
  CHECK(creates_in_log(s.sandbox).empty());
  CHECK(keys_with_desc(s.sandbox.state(), kDesc).empty());
}

}  // namespace

TEST_CASE("create key: refused before any write without a sink, with both sinks, or with a sink others can read") {
  const Family& family = attrs::family_named("atlas-v1");
  SUBCASE("no sink, for a fresh plan and a saved one") {
    Scene s(family, small_org());
    const std::string refusal = "apply: the plan creates 1 key (\"" + kDesc + "\") and keeps no copy of a private "
                                "key: say where it goes with --secrets-out FILE or --secrets-command CMD. Nothing "
                                "was changed.";
    const RunResult fresh = s.run({"apply", "--auto-approve"});
    INFO(fresh.all());
    CHECK(fresh.exit_code == 1);
    CHECK(contains(fresh.err, refusal));
    REQUIRE(s.run({"plan", "--out", "plan.json"}).exit_code == 0);
    const RunResult saved = s.run({"apply", "plan.json", "--auto-approve"});
    INFO(saved.all());
    CHECK(saved.exit_code == 1);
    CHECK(contains(saved.err, refusal));
    check_no_write(s);
  }
  SUBCASE("both sinks: a usage error, before any request") {
    Scene s(family, small_org());
    const RunResult r = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl", "--secrets-command", "cat"});
    INFO(r.all());
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "--secrets-command"));
    CHECK(contains(r.err, "--secrets-out"));
    CHECK(s.sandbox.requests().empty());
    CHECK_FALSE(std::filesystem::exists(s.path("secrets.jsonl")));
  }
  SUBCASE("a --secrets-out file with a permission bit for group or others") {
    for (const int mode : {0644, 0640, 0604}) {
      CAPTURE(mode);
      Scene s(family, small_org());
      s.dir.write("secrets.jsonl", "{\"an\": \"earlier line\"}\n");
      chmod(s.path("secrets.jsonl").c_str(), mode);
      const RunResult r = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
      INFO(r.all());
      CHECK(r.exit_code == 1);
      CHECK(contains(r.err, "--secrets-out secrets.jsonl"));
      CHECK(contains(r.err, "Nothing was changed."));
      check_no_write(s);
      CHECK(read_file(s.path("secrets.jsonl")) == "{\"an\": \"earlier line\"}\n");
      CHECK(mode_of(s.path("secrets.jsonl")) == mode);
    }
  }
}

TEST_CASE("create key: two keys in the org with the declared desc: plan and apply exit 1 naming both, no write") {
  json org = small_org();
  org["keys"].push_back(attrs::fixture_key("oldci001", kDesc, {"ORG_MEMBER"}, json::array()));
  org["keys"].push_back(attrs::fixture_key("contrac1", kDesc, {"ORG_MEMBER"}, json::array()));
  Scene s(attrs::family_named("ops-manager"), org);
  for (const std::vector<std::string>& args : {std::vector<std::string>{"plan"},
                                              {"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"}}) {
    CAPTURE(args[0]);
    const RunResult r = s.run(args);
    INFO(r.all());
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "desc \"" + kDesc + "\" matches 2 keys in org " + kOrg));
    CHECK(contains(r.err, attrs::kKeyIds.at("oldci001")));
    CHECK(contains(r.err, attrs::kKeyIds.at("contrac1")));
  }
  CHECK(s.sandbox.writes().empty());
  CHECK(creates_in_log(s.sandbox).empty());
  CHECK_FALSE(std::filesystem::exists(s.path("secrets.jsonl")));
}

namespace {

// The new key's dependants, and with `bystander` analyst1's assign, were never started.
void check_dependants_not_started(const RunResult& r, bool bystander = false) {
  CHECK(contains(r.out, "not started: assign \"" + kDesc + "\" to payments-staging"));
  CHECK(contains(r.out, "not started: add 127.0.0.1/32 to the access list of \"" + kDesc + "\""));
  CHECK(contains(r.out, "not started: add 203.0.113.0/24 to the access list of \"" + kDesc + "\""));
  if (bystander) CHECK(contains(r.out, "not started: assign analyst1 to payments-prod"));
  CHECK_FALSE(contains(r.out, "Apply complete!"));
  CHECK_FALSE(contains(r.out, "delivered to"));
}

// The writes were the create that made `id` and its deletion, nothing else.
void check_created_then_deleted(const Scene& s, const std::string& create_status, const std::string& id) {
  const auto writes = write_log(s.sandbox);
  CAPTURE(json(writes).dump());
  REQUIRE(writes.size() == 2);
  CHECK(writes[0] == "POST " + s.org_path() + "/apiKeys -> " + create_status);
  CHECK(writes[1].rfind("DELETE " + s.org_path() + "/apiKeys/" + id + " -> 20", 0) == 0);  // 200 or 204
  CHECK(keys_with_desc(s.sandbox.state(), kDesc).empty());
}

std::string only_created_id(const Scene& s) {
  const auto creates = creates_in_log(s.sandbox);
  REQUIRE(creates.size() == 1);
  return creates[0]["created_key_id"];
}

const std::string kAnyKeyDelete = "DELETE:/orgs/[0-9a-f]{24}/apiKeys/[0-9a-f]{24}$:500:1";

}  // namespace

TEST_CASE("create key: a failed delivery deletes the key again, starts none of its dependants, exit 1") {
  Scene s(attrs::family_named("atlas-v1"), small_org());
  // The command takes the secret, echoes it, and fails.
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-command", keeping_command(s, "taken", "; exit 3")});
  INFO(r.all());
  s.learnt.push_back(read_file(s.path("taken")));
  CHECK(looks_like_private_key(s.learnt.back()));
  CHECK(r.exit_code == 1);
  const std::string id = only_created_id(s);
  CHECK(contains(r.err, "delivering its private key failed: --secrets-command sh: exited with status 3; key "));
  CHECK(contains(r.err, "(id " + id + ") was deleted again"));
  CHECK(contains(r.err, "[redacted]"));
  check_dependants_not_started(r);
  check_created_then_deleted(s, "200", id);

  // Once the sink works, apply converges with a new key.
  const RunResult again = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(again.all());
  CHECK(again.exit_code == 0);
  const Delivered d = s.only_delivery("secrets.jsonl");
  CHECK(d.id != id);
  check_created_state(s, d);
  s.check_secrets_kept({"taken", "secrets.jsonl"});
}

TEST_CASE("create key: when the rollback delete fails too, the orphaned key id is said loudly") {
  Scene s(attrs::family_named("cloud-manager"), small_org());
  s.sandbox.add_fault(kAnyKeyDelete);
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-command", keeping_command(s, "taken", "; exit 3")});
  INFO(r.all());
  s.learnt.push_back(read_file(s.path("taken")));
  CHECK(r.exit_code == 1);
  const std::string id = only_created_id(s);
  const auto orphans = keys_with_desc(s.sandbox.state(), kDesc);
  REQUIRE(orphans.size() == 1);
  CHECK(orphans[0]["id"] == id);
  CHECK(orphans[0]["projects"].empty());
  CHECK(orphans[0]["access_list"].empty());
  CHECK(contains(r.err, "deleting it again failed too ("));
  const std::string orphan = "KEY " + orphans[0]["public_key"].get<std::string>() + " (ID " + id + ") IS ORPHANED";
  CHECK(contains(r.err, orphan + ": nobody has its private key; delete it by hand"));
  check_dependants_not_started(r);
  CHECK(write_log(s.sandbox) == std::vector<std::string>{"POST " + s.org_path() + "/apiKeys -> 200",
                                                         "DELETE " + s.org_path() + "/apiKeys/" + id + " -> 500"});
  s.check_secrets_kept({"taken"});
}

TEST_CASE("create key: a create that fails starts nothing after it and makes no key") {
  Scene s(attrs::family_named("ops-manager"), small_org(),
          new_key_toml() + "\n[[keys]]\npublic_key = \"analyst1\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_READ_ONLY\"]\n");
  s.sandbox.add_fault("POST:/apiKeys$:500:1");
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "Error: apply: create key \"" + kDesc + "\": POST " + s.org_path() + "/apiKeys: 500 "));
  check_dependants_not_started(r, /*bystander=*/true);
  CHECK(write_log(s.sandbox) == std::vector<std::string>{"POST " + s.org_path() + "/apiKeys -> 500"});
  CHECK(creates_in_log(s.sandbox).empty());
  CHECK(keys_with_desc(s.sandbox.state(), kDesc).empty());
  CHECK_FALSE(std::filesystem::exists(s.path("secrets.jsonl")));
}

TEST_CASE("create key: a 503 that made nothing is retried, and the key is made once") {
  Scene s(attrs::family_named("atlas-v1"), small_org());
  s.sandbox.add_fault("POST:/apiKeys$:503:1");
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(contains(r.err, "retry: POST " + s.org_path() + "/apiKeys: 503 "));
  const Delivered d = s.only_delivery("secrets.jsonl");
  const auto writes = write_log(s.sandbox);
  REQUIRE(writes.size() == 5);
  CHECK(writes[0] == "POST " + s.org_path() + "/apiKeys -> 503");
  CHECK(writes[1] == "POST " + s.org_path() + "/apiKeys -> 200");
  CHECK(creates_in_log(s.sandbox).size() == 1);
  CHECK(keys_with_desc(s.sandbox.state(), kDesc).size() == 1);
  check_created_state(s, d);
  s.check_secrets_kept({"secrets.jsonl"});
}

// A 503 (or 429) normally means "not done, try again"; a create that the server made anyway must
// still not be repeated: the first key's secret went with that answer.
TEST_CASE("create key: a 503 after the key was made is not retried blindly: the key is found and deleted again") {
  Scene s(attrs::family_named("cloud-manager"), small_org());
  s.sandbox.add_fault("POST:/apiKeys$:503+:1");
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(r.all());
  CHECK(r.exit_code == 1);
  check_dependants_not_started(r);
  const std::string id = only_created_id(s);
  CHECK(contains(r.err, "the only copy of its private key; key " + id + " was deleted again"));
  CHECK(keys_with_desc(s.sandbox.state(), kDesc).empty());
  int posts = 0;
  const json requests = s.sandbox.requests();
  for (const auto& req : requests) posts += req["method"] == "POST" && req["path"] == s.org_path() + "/apiKeys";
  CHECK(posts == 1);
  CHECK_FALSE(std::filesystem::exists(s.path("secrets.jsonl")));
}

TEST_CASE("create key: a create whose answer was lost is found by its desc and deleted again") {
  Scene s(attrs::family_named("atlas-v2"), small_org());
  s.sandbox.add_fault("POST:/apiKeys$:0+:1");
  const RunResult r = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(r.all());
  CHECK(r.exit_code == 1);
  check_dependants_not_started(r);
  const std::string id = only_created_id(s);
  CHECK(contains(r.err, "POST " + s.org_path() + "/apiKeys: the answer was lost after the key was made, and with it "
                        "the only copy of its private key; key " + id + " was deleted again"));
  check_created_then_deleted(s, "0", id);
  // Made once: the lost create is not repeated, and the listing found it.
  const json requests = s.sandbox.requests();
  int listings_after_create = 0;
  bool created = false;
  for (const auto& req : requests) {
    created = created || req["created_key_id"] == id;
    listings_after_create += created && req["method"] == "GET" && req["path"] == s.org_path() + "/apiKeys" &&
                             req["status"] == 200;
  }
  CHECK(listings_after_create == 1);
  CHECK_FALSE(std::filesystem::exists(s.path("secrets.jsonl")));
}

TEST_CASE("create key: a saved plan with a create applies with the new key's id, and is stale once a key has that desc") {
  const Family& family = attrs::family_named("cloud-manager");
  SUBCASE("applied") {
    Scene s(family, small_org());
    REQUIRE(s.run({"plan", "--out", "plan.json"}).exit_code == 0);
    const json saved = json::parse(read_file(s.path("plan.json")));
    CHECK(saved.dump().find("\"id\":null") != std::string::npos);  // the new key has no id yet
    s.sandbox.clear_requests();
    const RunResult r = s.run({"apply", "plan.json", "--auto-approve", "--secrets-out", "secrets.jsonl"});
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    const Delivered d = s.only_delivery("secrets.jsonl");
    check_created_state(s, d);
    check_create_writes(s, d);  // the dependants went to the id the create answered with
    CHECK(contains(r.out, "Verified: the org matches the configuration."));
    const RunResult again = s.run({"plan", "--detailed-exitcode"});
    CHECK(again.exit_code == 0);
    CHECK(contains(again.out, kNoChanges));
    s.check_secrets_kept({"secrets.jsonl"});
  }
  SUBCASE("stale: a key with the planned desc appeared meanwhile") {
    Scene s(family, small_org());
    REQUIRE(s.run({"plan", "--out", "plan.json"}).exit_code == 0);
    const std::string body = json{{"desc", kDesc}, {"roles", {"ORG_MEMBER"}}}.dump();
    REQUIRE(admin_api_call(s.sandbox, "POST", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys", body, kAdmin, kAdminSecret) == 200);
    const json before = s.sandbox.state();
    s.sandbox.clear_requests();
    const RunResult r = s.run({"apply", "plan.json", "--auto-approve", "--secrets-out", "secrets.jsonl"});
    INFO(r.all());
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "plan file plan.json is stale"));
    CHECK(contains(r.err, "a key with the description \"" + kDesc + "\" now exists"));
    CHECK(contains(r.err, "Nothing was changed."));
    CHECK(s.sandbox.writes().empty());
    CHECK(s.sandbox.state() == before);
    CHECK_FALSE(std::filesystem::exists(s.path("secrets.jsonl")));
  }
}

namespace {

const std::string kRotated = "CI deployer 2025-06";

// The file of a rotation: the old CI key (present with its project, or retired) and its
// successor, named by desc, with the same project.
std::string rotation_toml(bool old_retired) {
  const std::string old_key = old_retired ? "state = \"absent\"\n" : "[keys.projects]\n\"payments-staging\" = [\"GROUP_READ_ONLY\"]\n";
  return "[[keys]]\npublic_key = \"kfadmin1\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n\n"
         "[[keys]]\npublic_key = \"oldci001\"\n" + old_key +
         "\n[[keys]]\ndesc = \"" + kRotated + "\"\n[keys.projects]\n\"payments-staging\" = [\"GROUP_READ_ONLY\"]\n";
}

// A consumer's call with the key: reading its own access list needs only an org role.
int consumer_call(const Scene& s, const Delivered& key, const std::string& secret) {
  return admin_api_call(s.sandbox, "GET", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/" + key.id + "/accessList", "",
                        key.public_key, secret);
}

}  // namespace

TEST_CASE("create key: rotation as two reviewed changes — add the successor, then retire the old key") {
  json org = small_org();
  org["keys"].push_back(attrs::fixture_key("oldci001", "CI deployer", {"ORG_MEMBER"}, json::array(),
                                           {{kStaging, {"GROUP_READ_ONLY"}}}));
  Scene s(attrs::family_named("atlas-v2"), org, rotation_toml(false));
  const std::string head = attrs::target_for(s.family, s.sandbox, "");

  // Change 1: the successor is created with the old key's access; the old key is untouched.
  const RunResult add = s.run({"apply", "--auto-approve", "--secrets-out", "secrets.jsonl"});
  INFO(add.all());
  REQUIRE(add.exit_code == 0);
  CHECK(contains(add.out, "+ create key \"" + kRotated + "\" with org roles [ORG_MEMBER]"));
  const Delivered successor = s.only_delivery("secrets.jsonl");
  CHECK(consumer_call(s, successor, successor.private_key) == 200);
  CHECK(consumer_call(s, successor, "00000000-0000-0000-0000-000000000000") == 401);
  CHECK(attrs::state_key(s.sandbox.state(), successor.public_key)["org_roles"] == json{"ORG_MEMBER"});
  CHECK(assignments(s.sandbox.state(), "oldci001") == json{{kStaging, {"GROUP_READ_ONLY"}}});

  // Change 2 (consumers moved): the old key is declared absent. No create, so no sink is needed.
  s.dir.write("keyform.toml", head + rotation_toml(true));
  const RunResult retire = s.run({"apply", "--auto-approve"});
  INFO(retire.all());
  REQUIRE(retire.exit_code == 0);
  CHECK(contains(retire.out, "1 deleted"));
  CHECK_FALSE(contains(retire.out, "create key"));
  const json state = s.sandbox.state();
  CHECK_FALSE(has_key(state, "oldci001"));
  CHECK(assignments(state, successor.public_key) == json{{kStaging, {"GROUP_READ_ONLY"}}});
  CHECK(consumer_call(s, successor, successor.private_key) == 200);
  CHECK(admin_api_call(s.sandbox, "GET", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys", "", "oldci001",
                       "attr-secret-oldci001-0000") == 401);  // the old credential is gone
  CHECK(creates_in_log(s.sandbox).size() == 1);
  const RunResult after = s.run({"plan", "--detailed-exitcode"});
  CHECK(after.exit_code == 0);
  s.check_secrets_kept({"secrets.jsonl"});
}
