// Bad input end to end: the real keyform on every config of tests/corpus (refused offline: exit 1,
// the position on stderr, not one request), on configs only the live org refutes (exit 1, not one
// write), and against API answers that are errors or garbage, injected with keyform-sandbox
// --fault (exit 1, the reason on stderr, not one write).
#include <doctest/doctest.h>

#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Expectation {
  int line = 0;  // 0: no position expected
  std::string text;
};

// The corpus files' first line: "# expect: LINE TEXT" (see tests/unit/corpus_test.cpp).
std::optional<Expectation> expectation_of(const std::string& content) {
  const std::string marker = "# expect: ";
  if (!content.starts_with(marker)) return std::nullopt;
  const std::string first = content.substr(marker.size(), content.find('\n') - marker.size());
  std::size_t used = 0;
  Expectation e;
  e.line = std::stoi(first, &used);
  e.text = used < first.size() ? first.substr(used + 1) : "";
  return e;
}

std::vector<std::string> corpus_files(const std::string& sub) {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(source_path("tests/corpus/" + sub))) {
    if (entry.is_regular_file()) out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<std::vector<std::string>> kCommands = {{"plan"}, {"apply", "--auto-approve"}};
// Also the command that only checks the file.
const std::vector<std::vector<std::string>> kOfflineCommands = {{"plan"}, {"apply", "--auto-approve"}, {"validate"}};

void check_no_secret(const RunResult& r, const json& fixture) {
  for (const auto& secret : secrets_of(fixture)) CHECK(r.all().find(secret) == std::string::npos);
}

// POST /__sandbox/faults: a spec, or {"spec", "body"}.
void add_fault(const Sandbox& sandbox, const std::string& payload) {
  httplib::Client client(sandbox.base_url());
  auto response = client.Post("/__sandbox/faults", payload, "text/plain");
  REQUIRE(response);
  REQUIRE(response->status == 201);
}

int faulted_requests(const Sandbox& sandbox) {
  int n = 0;
  for (const auto& r : sandbox.requests()) n += r.value("fault", false) ? 1 : 0;
  return n;
}

const std::string kKeysListing = "GET:/orgs/[0-9a-f]+/apiKeys$";
const std::string kProjectsListing = "GET:/orgs/[0-9a-f]+/groups$";

std::string valid_config() {
  return target_toml() +
         "[[keys]]\npublic_key = \"zmmrboas\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n";
}

}  // namespace

TEST_CASE("bad input: every corpus config is refused offline by plan, apply and validate, before any request") {
  const json fixture = example_org();
  Sandbox sandbox(fixture);
  TempDir dir;
  const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
  const auto files = corpus_files("config");
  CHECK(files.size() >= 80);
  std::vector<std::vector<std::string>> runs;
  for (const std::string& file : files) {
    for (auto args : kOfflineCommands) {
      args.insert(args.end(), {"-c", file});
      runs.push_back(args);
    }
  }
  const std::vector<RunResult> results = keyform_each(runs, env, dir.path());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string& file = runs[i].back();
    const auto expected = expectation_of(read_file(file));
    REQUIRE(expected);
    const RunResult& r = results[i];
    INFO(file, " ", runs[i][0], "\n", r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.find(file + ":" + std::to_string(expected->line) + ":") != std::string::npos);
    CHECK(r.err.find(expected->text) != std::string::npos);
    CHECK(r.err.find('\0') == std::string::npos);
    check_no_secret(r, fixture);
  }
  CHECK(sandbox.requests().empty());
}

TEST_CASE("bad input: an oversized config, a directory and an empty path are refused before any request") {
  Sandbox sandbox(example_org());
  TempDir dir;
  const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
  std::string big = valid_config();
  while (big.size() <= 64 * 1024 * 1024) big += "# " + std::string(1000, 'x') + "\n";  // the one file limit
  const std::string big_file = dir.write("big.toml", big);
  for (const std::string& config : {big_file, dir.path(), std::string("")}) {
    for (auto args : kCommands) {
      args.insert(args.end(), {"-c", config});
      const RunResult r = keyform(args, env, dir.path());
      INFO(config, " ", args[0], "\n", r.err);
      CHECK(r.exit_code == 1);
      CHECK_FALSE(r.err.empty());
      if (!config.empty()) CHECK(r.err.find(config) != std::string::npos);
    }
  }
  CHECK(sandbox.requests().empty());
}

TEST_CASE("bad input: keys and projects the live org does not have stop the run before any write") {
  const json fixture = example_org();
  Sandbox sandbox(fixture);
  const json before = sandbox.state();
  TempDir dir;
  const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
  const auto files = corpus_files("config_live");
  CHECK(files.size() >= 4);
  for (const std::string& file : files) {
    const auto expected = expectation_of(read_file(file));
    REQUIRE(expected);
    for (auto args : kCommands) {
      args.insert(args.end(), {"-c", file});
      const RunResult r = keyform(args, env, dir.path());
      INFO(file, " ", args[0], "\n", r.err);
      CHECK(r.exit_code == 1);
      if (expected->line > 0) {
        CHECK(r.err.find(file + ":" + std::to_string(expected->line) + ":") != std::string::npos);
      }
      CHECK(r.err.find(expected->text) != std::string::npos);
      check_no_secret(r, fixture);
    }
  }
  CHECK_FALSE(sandbox.requests().empty());  // it did read the org
  CHECK(sandbox.writes().empty());
  CHECK(sandbox.state() == before);
}

TEST_CASE("bad input: a listing that fails for good is reported with status and errorCode, and nothing is written") {
  for (const std::string& listing : {kKeysListing, kProjectsListing}) {
    const json fixture = example_org();
    Sandbox sandbox(fixture, {"--fault", listing + ":500:1000000"});
    const json before = sandbox.state();
    TempDir dir;
    dir.write("keyform.toml", valid_config());
    for (const auto& args : kCommands) {
      const RunResult r = keyform(args, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
      INFO(listing, " ", args[0], "\n", r.err);
      CHECK(r.exit_code == 1);
      CHECK(r.err.find("500") != std::string::npos);
      CHECK(r.err.find("UNEXPECTED_ERROR") != std::string::npos);
      check_no_secret(r, fixture);
    }
    CHECK(faulted_requests(sandbox) >= 2);  // one per command: a 500 is not retried...
    CHECK(faulted_requests(sandbox) <= 4);  // ...though concurrent reads may each have met one
    CHECK(sandbox.writes().empty());
    CHECK(sandbox.state() == before);
  }
}

TEST_CASE("bad input: a listing unavailable for good is retried a bounded number of times, then reported") {
  const json fixture = example_org();
  Sandbox sandbox(fixture, {"--fault", kKeysListing + ":503:1000000:0"});
  TempDir dir;
  dir.write("keyform.toml", valid_config());
  const RunResult r = keyform({"apply", "--auto-approve"}, keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("503") != std::string::npos);
  CHECK(r.err.find("SERVICE_UNAVAILABLE") != std::string::npos);
  CHECK(faulted_requests(sandbox) >= 2);   // retried...
  CHECK(faulted_requests(sandbox) <= 20);  // ...but not forever
  CHECK(sandbox.writes().empty());
}

TEST_CASE("bad input: garbage listings are refused with the reason, and nothing is written") {
  struct Garbage {
    std::string fault;   // spec
    std::string body;    // answered instead of the listing
    std::string reason;  // expected on stderr
  };
  const std::vector<Garbage> cases = {
      {kKeysListing + ":200:1000000", "<html><body><h1>502 Bad Gateway</h1></body></html>", "not valid JSON"},
      {kKeysListing + ":200:1000000", R"({"results":[{"id":"65f0c0ffee00000000000002","publicKey":"zm)", "not valid JSON"},
      {kKeysListing + ":200:1000000", "", "not valid JSON"},
      {kKeysListing + ":200:1000000", R"({"results":[{"id":"65f0c0ffee00000000000002"}],"totalCount":1})", "publicKey"},
      {kKeysListing + ":200:1000000", R"({"results":{},"totalCount":1})", "results"},
      {kKeysListing + ":200:1000000", R"({"results":[],"totalCount":-5})", "totalCount"},
      {kKeysListing + ":200:1000000", R"({"results":[],"totalCount":"many"})", "totalCount"},
      {kProjectsListing + ":200:1000000", R"({"results":[{"id":"6523b7e0c1b52d0f1a2b3c4d","name":7}],"totalCount":1})", "name"},
      {kProjectsListing + ":200:1000000", "[]", "not a JSON object"},
      // Pages that never end: more pages claimed than keyform will read.
      {kKeysListing + ":200:1000000", R"({"results":[],"totalCount":9000000000000})", "pages"},
      // An error status whose body is no error body.
      {kProjectsListing + ":500:1000000", "<html>oops</html>", "500"},
  };
  for (const Garbage& garbage : cases) {
    const json fixture = example_org();
    Sandbox sandbox(fixture);
    const json before = sandbox.state();
    add_fault(sandbox, json{{"spec", garbage.fault}, {"body", garbage.body}}.dump());
    TempDir dir;
    dir.write("keyform.toml", valid_config());
    for (const auto& args : kCommands) {
      const RunResult r = run("/usr/bin/timeout", [&] {
        std::vector<std::string> a{"60", KEYFORM_BIN};
        a.insert(a.end(), args.begin(), args.end());
        return a;
      }(), keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
      INFO(garbage.fault, " ", garbage.body, " ", args[0], "\n", r.err);
      CHECK(r.exit_code == 1);  // not 124: it did not hang
      CHECK(r.err.find(garbage.reason) != std::string::npos);
      CHECK(r.out.find("Plan:") == std::string::npos);
      check_no_secret(r, fixture);
    }
    CHECK(faulted_requests(sandbox) >= 2);
    CHECK(sandbox.writes().empty());
    CHECK(sandbox.state() == before);
  }
}

TEST_CASE("bad input: a corrupt, edited or truncated plan file is refused before any request") {
  const json fixture = example_org();
  Sandbox sandbox(fixture);
  TempDir dir;
  const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
  const auto files = corpus_files("planfiles");
  CHECK(files.size() >= 50);
  for (const std::string& file : files) {
    const RunResult r = keyform({"apply", file, "--auto-approve"}, env, dir.path());
    INFO(file, "\n", r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(file) != std::string::npos);
    CHECK(r.out.empty());
    check_no_secret(r, fixture);
  }
  CHECK(sandbox.requests().empty());
}

TEST_CASE("bad input: a consistent plan file for another org is refused before any request") {
  const json fixture = example_org();
  Sandbox sandbox(fixture);
  const json before = sandbox.state();
  TempDir dir;
  const std::string file = source_path("tests/corpus/planfiles_live/other_org.json");
  const RunResult r = keyform({"apply", file, "--auto-approve", "-c", source_path("examples/keyform.toml")},
                              keyform_env(sandbox, kAdmin, kAdminSecret), dir.path());
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("5a0a1e7e0f2912c5540800ff") != std::string::npos);  // the plan's org, named
  check_no_secret(r, fixture);
  CHECK(sandbox.requests().empty());
  CHECK(sandbox.state() == before);
}
