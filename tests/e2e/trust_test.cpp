// Issue 11 end to end: what a reviewer approves is exactly what happens, and every write is
// reported — interrupted applies, verification, apply's streams, warnings.
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
  CHECK(r.err.find("Verified: the org matches the configuration.") != std::string::npos);
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
  for (const auto& req : t.sandbox.requests()) listings += req["method"] == "GET" && req["status"] == 200 ? 1 : 0;
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
  CHECK(r.out.find("Verified: the org matches the configuration.") != std::string::npos);
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
  CHECK(doc["warnings"][0].get<std::string>().find("GROUP_READ_ONYL") != std::string::npos);
  const RunResult text = t.run({"plan"});
  CHECK(text.out.find("Warning: ") != std::string::npos);
  CHECK(text.out.find("did you mean GROUP_READ_ONLY?") != std::string::npos);
}
