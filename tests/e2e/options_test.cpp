// The operational flags: machine-readable apply results, credentials from a file, the redacted
// HTTP trace, the retry budget.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

TEST_CASE("apply --format json: the result document on stdout, the human report on stderr") {
  Sandbox sandbox(example_org());
  TempDir dir;
  dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));
  const RunResult r = keyform({"apply", "--auto-approve", "--format", "json"}, keyform_env(sandbox, kAdmin, kAdminSecret),
                              dir.path());
  INFO(r.all());
  REQUIRE(r.exit_code == 0);
  const json result = json::parse(r.out);  // stdout is exactly one JSON document
  CHECK(result["succeeded"] == true);
  CHECK(result["done"].size() == 7);
  CHECK(result["failed"].empty());
  CHECK(result["not_started"].empty());
  CHECK(result["summary"] == json{{"done", 7}, {"failed", 0}, {"not_started", 0}});
  CHECK(result["target"]["org_id"] == kOrg);
  CHECK(result["done"][0].contains("action"));
  CHECK(r.err.find("Apply complete!") != std::string::npos);
}

TEST_CASE("apply --format json after a permanent failure lists done, failed and not started") {
  Sandbox sandbox(example_org(), {"--fault", "DELETE:/groups/" + kLegacy + "/apiKeys/65f0c0ffee00000000000003$:500:1"});
  TempDir dir;
  dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));
  const RunResult r = keyform({"apply", "--auto-approve", "--format", "json", "--parallelism", "1"},
                              keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
  CHECK(r.exit_code == 1);
  const json result = json::parse(r.out);
  CHECK(result["succeeded"] == false);
  CHECK(result["done"].size() == 3);  // the three grants
  REQUIRE(result["failed"].size() == 1);
  CHECK(result["failed"][0]["error"].get<std::string>().find("500 UNEXPECTED_ERROR") != std::string::npos);
  CHECK(result["not_started"].size() == 3);
}

TEST_CASE("--credentials-file instead of the environment; a world-readable one is refused") {
  Sandbox sandbox(example_org());
  TempDir dir;
  dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));
  const std::string creds =
      dir.write("creds.toml", "public_api_key = \"" + kAdmin + "\"\nprivate_api_key = \"" + kAdminSecret + "\"\n");
  const std::map<std::string, std::string> env{{"MONGODB_ATLAS_BASE_URL", sandbox.base_url()}};

  chmod(creds.c_str(), 0644);
  RunResult r = keyform({"plan", "--credentials-file", creds}, env, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("group or others have access to the credentials file (mode 0644)") != std::string::npos);
  CHECK(sandbox.requests().empty());

  chmod(creds.c_str(), 0600);
  r = keyform({"plan", "--credentials-file", creds, "--detailed-exitcode"}, env, dir.path());
  INFO(r.all());
  CHECK(r.exit_code == 2);
  CHECK(r.all().find(kAdminSecret) == std::string::npos);
}

TEST_CASE("--verbose traces headers with every credential redacted") {
  json fixture = example_org();
  fixture["service_accounts"] = {{{"client_id", "mdb_sa_id_65f0c0ffee0000000000bbbb"},
                                  {"client_secret", "mdb_sa_sk_never-in-a-trace-0003"}}};
  Sandbox sandbox(fixture);
  TempDir dir;
  dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));

  RunResult r = keyform({"plan", "--verbose"}, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("debug: > GET /api/atlas/v2/orgs/" + kOrg + "/apiKeys") != std::string::npos);
  CHECK(r.err.find("debug: < HTTP/1.1 401") != std::string::npos);
  CHECK(r.err.find("Authorization: [redacted]") != std::string::npos);
  CHECK(r.err.find("Digest username") == std::string::npos);
  for (const auto& secret : secrets_of(fixture)) CHECK(r.all().find(secret) == std::string::npos);

  auto env = std::map<std::string, std::string>{{"MONGODB_ATLAS_BASE_URL", sandbox.base_url()},
                                                {"MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_65f0c0ffee0000000000bbbb"},
                                                {"MONGODB_ATLAS_CLIENT_SECRET", "mdb_sa_sk_never-in-a-trace-0003"},
                                                {"KEYFORM_LOG", "debug"}};
  r = keyform({"plan"}, env, dir.path());
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("debug: > POST /api/oauth/token") != std::string::npos);
  CHECK(r.err.find("Bearer") == std::string::npos);
  CHECK(r.err.find("Basic") == std::string::npos);
  CHECK(r.all().find("mdb_sa_sk_never-in-a-trace-0003") == std::string::npos);
}

TEST_CASE("--max-retries 0 gives up on the first transient failure") {
  Sandbox sandbox(example_org(), {"--fault", "GET:/apiKeys$:503:1"});
  TempDir dir;
  dir.write("keyform.toml", read_file(source_path("examples/keyform.toml")));
  const RunResult r = keyform({"plan", "--max-retries", "0"}, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("503 SERVICE_UNAVAILABLE") != std::string::npos);
  CHECK(r.err.find("gave up after 1 attempts") != std::string::npos);
}


TEST_CASE("one target order for every command: the flag, then the config's [target], then the environment") {
  Sandbox sandbox(example_org());
  TempDir dir;
  const std::string other_org = "5a0a1e7e0f2912c554080add";  // not in the sandbox: reading it is a 404
  const std::string dead_host = "http://127.0.0.1:9";       // nothing listens there
  std::string config = read_file(source_path("examples/keyform.toml"));
  const std::string commented = "# base_url = \"https://cloud.mongodb.com\"";
  REQUIRE(config.find(commented) != std::string::npos);
  config.replace(config.find(commented), commented.size(), "base_url = \"" + sandbox.base_url() + "\"");
  dir.write("keyform.toml", config);
  auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
  env["MONGODB_ATLAS_ORG_ID"] = other_org;
  env["MONGODB_ATLAS_BASE_URL"] = dead_host;

  // The config's org and host outrank both variables, for every command that reads it (export and
  // show used to put the environment first; apply PLANFILE used to refuse the variable's other org).
  for (const std::vector<std::string>& args : {std::vector<std::string>{"plan", "--out", "plan.json"},
                                              std::vector<std::string>{"show"}, std::vector<std::string>{"export"},
                                              std::vector<std::string>{"validate"}}) {
    CAPTURE(args[0]);
    const RunResult r = keyform(args, env, dir.path());
    INFO(r.all());
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("Note:") == std::string::npos);
  }
  CHECK(keyform({"show", "--format", "json"}, env, dir.path()).out.find(other_org) == std::string::npos);

  // A flag outranks the config: the org and the host named on the command line are the ones used.
  sandbox.clear_requests();
  RunResult r = keyform({"show", "--org", other_org}, env, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("show: reading org " + other_org + ": GET ") != std::string::npos);
  CHECK(r.err.find("404") != std::string::npos);
  sandbox.clear_requests();
  r = keyform({"export", "--base-url", dead_host, "--max-retries", "0"}, env, dir.path());
  CHECK(r.exit_code == 1);
  CHECK(sandbox.requests().empty());

  // The saved plan is applied: this environment resolves the plan's own org and host.
  r = keyform({"apply", "plan.json", "--auto-approve"}, env, dir.path());
  INFO(r.all());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("Apply complete!") != std::string::npos);
}

TEST_CASE("validate resolves the target as plan would, and notes what would stop plan here") {
  TempDir dir;
  dir.write("om.toml", "[target]\napi = \"ops-manager\"\norg_id = \"" + kOrg + "\"\n");
  RunResult r = keyform({"validate", "-c", "om.toml"}, {}, dir.path());
  CHECK(r.exit_code == 0);  // the file is valid; only this environment lacks a host
  CHECK(r.err.find("Note: plan and apply here would stop: api \"ops-manager\" (om.toml [target] api) has no default "
                   "host: set base_url in om.toml [target], or set MONGODB_ATLAS_BASE_URL") != std::string::npos);
  r = keyform({"validate", "-c", "om.toml"}, {{"MONGODB_ATLAS_BASE_URL", "https://om.example.com"}}, dir.path());
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("Note:") == std::string::npos);
}
