// Creating keys from the file and delivering their secrets (issue 13), end to end against
// keyform-sandbox: a key declared by its description is created with its projects and access
// list on every family, its private key reaches --secrets-out or --secrets-command and nothing
// else, and it signs in with it. Refusals come before any write; a failed delivery or a lost
// answer deletes the key again. Every run is checked for the private keys delivered later.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <chrono>
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
