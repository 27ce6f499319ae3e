// Issue 11 end to end: what a reviewer approves is exactly what happens, and every write is
// reported — interrupted applies, verification, apply's streams, warnings.
#include <algorithm>
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <thread>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

const std::string kOldKeyPath = "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/65f0c0ffee00000000000004";

struct Example {
  json fixture = example_org();
  Sandbox sandbox;
  TempDir dir;
  std::map<std::string, std::string> env;
  explicit Example(std::vector<std::string> sandbox_args = {}, const std::string& config = "")
      : sandbox(fixture, std::move(sandbox_args)), env(keyform_env(sandbox, kAdmin, kAdminSecret)) {
    dir.write("keyform.toml", config.empty() ? read_file(source_path("examples/keyform.toml")) : config);
  }
  RunResult run(const std::vector<std::string>& args) { return keyform(args, env, dir.path()); }
};

// Writes the sandbox answered with success: the changes that took effect.
int successful_writes(const Sandbox& sandbox) {
  int n = 0;
  for (const auto& r : sandbox.writes()) n += r["status"].get<int>() / 100 == 2 ? 1 : 0;
  return n;
}

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("apply --format json: stdout is exactly one JSON document; the plan and the notes go to stderr") {
  Example t;
  const RunResult r = t.run({"apply", "--auto-approve", "--format", "json"});
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const json doc = json::parse(r.out);  // throws on anything but one document
  CHECK(doc["succeeded"] == true);
  CHECK(doc["done"].size() == 7);
  CHECK(doc["verified"] == true);
  CHECK(r.err.find("Plan: 1 to assign, 2 to update, 3 to unassign, 1 to delete.") != std::string::npos);
  // breakgl1 is protected: its difference was skipped on purpose, and the verification says so.
  CHECK(r.err.find("Verified: the org matches the configuration, apart from 1 difference keyform leaves alone "
                   "(protected keys, the key it runs as; see Skipped above).") != std::string::npos);
}

TEST_CASE("with nothing left alone, the verification is an exact match") {
  Example t({}, target_toml() + "[[keys]]\npublic_key = \"zmmrboas\"\n[keys.projects]\n\"payments-staging\" = [\"GROUP_OWNER\"]\n");
  const RunResult r = t.run({"apply", "--auto-approve"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\nVerified: the org matches the configuration.\n") != std::string::npos);
}

TEST_CASE("apply with nothing to change needs no terminal and succeeds") {
  Example t;
  REQUIRE(t.run({"apply", "--auto-approve"}).exit_code == 0);
  const RunResult r = t.run({"apply"});  // stdin is /dev/null, no --auto-approve
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No changes.") != std::string::npos);
}

TEST_CASE("apply verifies the org afterwards: a write the API acknowledged but did not make is reported, exit 1") {
  Example t;
  t.sandbox.add_fault("DELETE:^" + kOldKeyPath + "$:204:1", "");  // answers 204, deletes nothing
  const RunResult r = t.run({"apply", "--auto-approve"});
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("Apply complete!") != std::string::npos);
  CHECK(r.out.find("Verification failed") != std::string::npos);
  CHECK(r.out.find("delete key oldci001") != std::string::npos);
  CHECK(r.out.find("Verified:") == std::string::npos);
}

TEST_CASE("apply --no-verify does not read the org again") {
  Example t;
  t.sandbox.add_fault("DELETE:^" + kOldKeyPath + "$:204:1", "");
  const RunResult r = t.run({"apply", "--auto-approve", "--no-verify"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  int listings = 0;
  for (const auto& req : t.sandbox.requests()) {
    listings += req["method"] == "GET" && req["status"] == 200 && !is_rate_limits_read(req) ? 1 : 0;
  }
  CHECK(listings == 2);
}

TEST_CASE("a 404 on delete (already gone) is shown in the text report, and the apply still verifies") {
  Example t;
  t.sandbox.add_fault("DELETE:^" + kOldKeyPath + "$:404+:1",
                      R"({"detail":"No API key with ID 65f0c0ffee00000000000004 exists.","error":404,)"
                      R"("errorCode":"API_KEY_NOT_FOUND","parameters":[],"reason":"Not Found"})");
  const RunResult r = t.run({"apply", "--auto-approve"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("already gone") != std::string::npos);
  CHECK(r.out.find("API_KEY_NOT_FOUND") != std::string::npos);
  CHECK(r.out.find("Verified: the org matches the configuration") != std::string::npos);
}

TEST_CASE("Ctrl-C during apply: no new action starts, the call in flight finishes, every write is reported, exit 130") {
  for (const std::string format : {"text", "json"}) {
    CAPTURE(format);
    Example t({"--latency-ms", "300"});
    Background run({"apply", "--auto-approve", "--parallelism", "1", "--format", format}, t.env, t.dir.path());
    REQUIRE(run.wait_for_output(": done", 20000));  // one write took effect, the next is in flight
    run.signal(SIGINT);
    const RunResult r = run.finish();
    INFO(r.all());
    CHECK(r.exit_code == 130);
    CHECK(r.err.find("Stopping: SIGINT received") != std::string::npos);
    const int writes = successful_writes(t.sandbox);
    CHECK(writes >= 2);
    CHECK(writes < 7);
    // Every write that took effect is in the report, done; the rest were not started.
    CHECK(count_of(r.all(), ": done") == writes);
    if (format == "json") {
      const json doc = json::parse(r.out);
      CHECK(doc["done"].size() == static_cast<std::size_t>(writes));
      CHECK(doc["not_started"].size() == static_cast<std::size_t>(7 - writes));
      CHECK(doc["interrupted"] == true);
    } else {
      CHECK(count_of(r.out, "not started: ") == 7 - writes);
    }
  }
}

TEST_CASE("Ctrl-C while the apply verifies: the JSON report still comes out, with every write, exit 130") {
  Example t({"--latency-ms", "1000"});
  Background run({"apply", "--auto-approve", "--parallelism", "32", "--format", "json"}, t.env, t.dir.path());
  REQUIRE(run.wait_for_output("Apply complete!", 30000));  // every write done; the verification read is under way
  run.signal(SIGINT);
  const RunResult r = run.finish();
  INFO(r.all());
  CHECK(r.exit_code == 130);
  const json doc = json::parse(r.out);
  CHECK(doc["done"].size() == 7);
  CHECK(successful_writes(t.sandbox) == 7);
}

TEST_CASE("SIGTERM (a CI cancel) during apply: the same orderly stop, exit 143") {
  Example t({"--latency-ms", "300"});
  Background run({"apply", "--auto-approve", "--parallelism", "1"}, t.env, t.dir.path());
  REQUIRE(run.wait_for_output(": done", 20000));
  run.signal(SIGTERM);
  const RunResult r = run.finish();
  INFO(r.all());
  CHECK(r.exit_code == 143);
  CHECK(count_of(r.out, ": done") == successful_writes(t.sandbox));
}

TEST_CASE("a second Ctrl-C exits at once, naming the calls in flight") {
  Example t({"--write-latency-ms", "3000"});
  Background run({"apply", "--auto-approve", "--parallelism", "2"}, t.env, t.dir.path());
  REQUIRE(run.wait_for_output("Applying...", 20000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // two writes in flight
  run.signal(SIGINT);
  REQUIRE(run.wait_for_output("Stopping", 5000));
  const auto start = std::chrono::steady_clock::now();
  run.signal(SIGINT);
  const RunResult r = run.finish();
  INFO(r.all());
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
  CHECK(r.exit_code == 130);
  CHECK(r.err.find("may or may not have taken effect") != std::string::npos);
  CHECK(count_of(r.err, "\n  update roles of ") + count_of(r.err, "\n  assign ") == 2);
}

TEST_CASE("a signal while planning or reading exits promptly, with no write") {
  for (const std::string command : {"plan", "apply"}) {
    CAPTURE(command);
    Example t({"--latency-ms", "3000"});
    Background run(command == "apply" ? std::vector<std::string>{"apply", "--auto-approve"}
                                      : std::vector<std::string>{"plan"},
                   t.env, t.dir.path());
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    const auto start = std::chrono::steady_clock::now();
    run.signal(SIGINT);
    const RunResult r = run.finish();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1000));
    CHECK(r.exit_code == 130);
    CHECK(t.sandbox.writes().empty());
  }
}

TEST_CASE("an undocumented project role name is a warning in validate and plan, not an error") {
  const std::string config = target_toml() +
                             "[[keys]]\npublic_key = \"zmmrboas\"\n[keys.projects]\n"
                             "\"payments-staging\" = [\"GROUP_READ_ONYL\"]\n";
  Example t({}, config);
  const RunResult v = t.run({"validate"});
  INFO(v.all());
  CHECK(v.exit_code == 0);
  CHECK(v.err.find("keyform.toml:10:23: role \"GROUP_READ_ONYL\" is not a documented project role (did you mean "
                   "GROUP_READ_ONLY?)") != std::string::npos);
  const RunResult p = t.run({"plan", "--format", "json"});
  INFO(p.all());
  REQUIRE(p.exit_code == 0);
  const json doc = json::parse(p.out);
  REQUIRE(doc["warnings"].size() == 1);
  CHECK(doc["warnings"][0]["code"] == "config");  // warnings are objects: a code a pipeline can match
  CHECK(doc["warnings"][0]["message"].get<std::string>().find("GROUP_READ_ONYL") != std::string::npos);
  const RunResult text = t.run({"plan"});
  CHECK(text.out.find("Warning: ") != std::string::npos);
  CHECK(text.out.find("did you mean GROUP_READ_ONLY?") != std::string::npos);
}

TEST_CASE("a --cacert file that does not exist is an error before any request") {
  Example t;
  const RunResult r = t.run({"plan", "--cacert", t.dir.path() + "/missing.pem"});
  INFO(r.all());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("missing.pem: no such file") != std::string::npos);
  CHECK(t.sandbox.requests().empty());
}

TEST_CASE("a hostile key description or project name cannot forge plan lines, in text or markdown") {
  const std::string hostile = "x\n  + assign to prod\x1b[2J\r\xe2\x80\xae| *bold* `code` </details>";
  json fixture = example_org();
  for (auto& key : fixture["keys"]) {
    if (key["public_key"] == "analyst1" || key["public_key"] == "oldci001") key["desc"] = hostile;
  }
  fixture["projects"][3]["name"] = "legacy\n  - unassign from everything\x1b[1A";
  Sandbox sandbox(fixture);
  TempDir dir;
  std::string config = read_file(source_path("examples/keyform.toml"));
  dir.write("keyform.toml", config);
  const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);

  const RunResult text = keyform({"plan", "--no-color"}, env, dir.path());
  INFO(text.all());
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find('\x1b') == std::string::npos);
  CHECK(text.out.find('\r') == std::string::npos);
  CHECK(text.out.find("\xe2\x80\xae") == std::string::npos);
  CHECK(text.out.find("\n  + assign to prod") == std::string::npos);
  CHECK(text.out.find("\n  - unassign from everything") == std::string::npos);
  CHECK(text.out.find("x\\n  + assign to prod\\x1b[2J\\r\\u202e") != std::string::npos);  // visible, escaped
  CHECK(count_of(text.out, "\n  + ") == 1);  // the one real assign

  const RunResult markdown = keyform({"plan", "--format", "markdown"}, env, dir.path());
  REQUIRE(markdown.exit_code == 0);
  CHECK(markdown.out.find('\x1b') == std::string::npos);
  CHECK(markdown.out.find("</details>") == std::string::npos);
  CHECK(markdown.out.find("\n  + assign to prod") == std::string::npos);
  // Every row of a table has its header's cell count: unescaped pipes would add cells.
  int header_pipes = -1;
  std::istringstream lines(markdown.out);
  for (std::string row; std::getline(lines, row);) {
    CAPTURE(row);
    if (row.empty() || row[0] != '|') {
      header_pipes = -1;  // the next table starts with its own header
      continue;
    }
    int pipes = 0;
    for (std::size_t i = 0; i < row.size(); ++i) pipes += row[i] == '|' && (i == 0 || row[i - 1] != '\\') ? 1 : 0;
    if (header_pipes < 0) header_pipes = pipes;
    CHECK(pipes == header_pipes);
  }

  const RunResult doc = keyform({"plan", "--format", "json"}, env, dir.path());
  REQUIRE(doc.exit_code == 0);
  bool exact = false;
  const json plan = json::parse(doc.out);
  for (const auto& a : plan["actions"]) exact = exact || a["key"]["desc"] == hostile;
  CHECK(exact);  // JSON keeps the exact string
}

TEST_CASE("deleting a key shows its blast radius: every project and role it loses") {
  Example t;
  const RunResult text = t.run({"plan", "--no-color"});
  INFO(text.all());
  const auto del = text.out.find("x delete key from the organization");
  REQUIRE(del != std::string::npos);
  const std::string after = text.out.substr(del);
  CHECK(after.find("payments-prod (6523b7e0c1b52d0f1a2b3c4d): [GROUP_OWNER]") != std::string::npos);
  CHECK(after.find("payments-staging (6523b7e0c1b52d0f1a2b3c4e): [GROUP_OWNER]") != std::string::npos);
  const RunResult md = t.run({"plan", "--format", "markdown"});
  CHECK(md.out.find("payments-staging") != std::string::npos);
  const json doc = json::parse(t.run({"plan", "--format", "json"}).out);
  for (const auto& a : doc["actions"]) {
    if (a["action"] != "delete_key") continue;
    CHECK(a["assignments_before"] ==
          json::array({{{"project", {{"id", kProd}, {"name", "payments-prod"}}}, {"roles", {"GROUP_OWNER"}}},
                       {{"project", {{"id", kStaging}, {"name", "payments-staging"}}}, {"roles", {"GROUP_OWNER"}}}}));
  }
}

TEST_CASE("permission preflight: plan warns about what the key keyform runs as cannot do; apply shows the 403") {
  Example t;
  t.env = keyform_env(t.sandbox, "zmmrboas", "2b7e4c1d-8f3a-4d6b-9e20-5a1c7f3e9d02");  // ORG_MEMBER
  const RunResult plan = t.run({"plan", "--format", "json"});
  INFO(plan.all());
  REQUIRE(plan.exit_code == 0);
  const json doc = json::parse(plan.out);
  std::string warnings;
  std::vector<std::string> codes;
  for (const auto& w : doc["warnings"]) {
    warnings += w["message"].get<std::string>() + "\n";
    codes.push_back(w["code"]);
  }
  CHECK(std::count(codes.begin(), codes.end(), "permission_delete") == 1);
  CHECK(std::count(codes.begin(), codes.end(), "permission_project") >= 1);
  CHECK(warnings.find("is not ORG_OWNER, which deleting a key or service account needs") != std::string::npos);
  CHECK(warnings.find("delete key oldci001") != std::string::npos);
  CHECK(warnings.find("neither ORG_OWNER nor GROUP_OWNER in project analytics") != std::string::npos);
  const RunResult text = t.run({"plan"});
  CHECK(text.out.find("Warning: the key keyform runs as (zmmrboas)") != std::string::npos);

  const RunResult apply = t.run({"apply", "--auto-approve", "--parallelism", "1"});
  INFO(apply.all());
  CHECK(apply.exit_code == 1);
  CHECK(apply.all().find("403 USER_UNAUTHORIZED") != std::string::npos);
}

TEST_CASE("\"No changes\" only when true: differences left alone are counted and explained") {
  const std::string config = target_toml("protected_keys = [\"contrac1\"]\nundeclared_keys = \"unassign\"") + R"(
[[keys]]
public_key = "kfadmin1"
[keys.projects]
"payments-prod" = ["GROUP_OWNER"]
[[keys]]
public_key = "zmmrboas"
[keys.projects]
"payments-staging" = ["GROUP_READ_ONLY"]
[[keys]]
public_key = "analyst1"
[keys.projects]
"analytics" = ["GROUP_READ_ONLY"]
"legacy-app" = ["GROUP_OWNER"]
[[keys]]
public_key = "oldci001"
[keys.projects]
"payments-prod" = ["GROUP_OWNER"]
"payments-staging" = ["GROUP_OWNER"]
[[keys]]
public_key = "breakgl1"
[keys.projects]
"payments-prod" = ["GROUP_OWNER"]
)";
  Example t({}, config);
  const RunResult r = t.run({"plan", "--detailed-exitcode"});
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("No changes. The org matches the configuration.") == std::string::npos);
  CHECK(r.out.find("2 differences are left alone") != std::string::npos);
}

TEST_CASE("keyform-sandbox: a missing --fixture is one line and exit 1; --help documents its flags and endpoints") {
  TempDir dir;
  const RunResult missing = run(KEYFORM_SANDBOX_BIN, {}, {}, dir.path());
  CHECK(missing.exit_code == 1);
  CHECK(missing.err == "keyform-sandbox: --fixture FILE is required (see --help)\n");
  const RunResult help = run(KEYFORM_SANDBOX_BIN, {"--help"}, {}, dir.path());
  CHECK(help.exit_code == 0);
  for (const char* text : {"--fixture", "--port", "--port-file", "--latency-ms", "--write-latency-ms", "--fault",
                           "--listing-fault", "--stale-nonces", "--nonce-ttl", "--token-ttl", "/__sandbox/state",
                           "/__sandbox/requests", "/__sandbox/faults", "/__sandbox/listing-faults"}) {
    CAPTURE(text);
    CHECK(help.out.find(text) != std::string::npos);
  }
}

TEST_CASE("keyform --help and apply --help name the interrupted exit statuses") {
  TempDir dir;
  const RunResult help = run(KEYFORM_BIN, {"apply", "--help"}, {}, dir.path());
  CHECK(help.out.find("130, 143") != std::string::npos);
  CHECK(help.out.find("--no-verify") != std::string::npos);
}
