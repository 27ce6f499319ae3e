// `keyform show --access-lists` end to end. The example sandbox org has no access lists, so each
// key's GET …/accessList is answered by a sandbox fault carrying the Admin API's page body: the
// test then holds whether or not the sandbox serves access lists itself.
#include <algorithm>
#include <set>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

const std::string kCiKeyId = "65f0c0ffee00000000000002";  // zmmrboas

std::string access_list_path(const std::string& key_id) {
  return "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/" + key_id + "/accessList";
}

// One page per key, answered once: zmmrboas has two entries (spelt as the API spells them, not
// in canonical order), every other key none. `failing` (a key id) gets a 500 instead.
void serve_access_lists(const Sandbox& sandbox, const std::string& failing = "") {
  const json fixture = example_org();
  for (const auto& key : fixture["keys"]) {
    const std::string id = key["id"];
    const std::string spec = "GET:^" + access_list_path(id) + "$:";
    if (id == failing) {
      sandbox.add_fault(spec + "500:1");
      continue;
    }
    const json page = id == kCiKeyId
                          ? json{{"results", {{{"ipAddress", "203.0.113.7"}, {"cidrBlock", "203.0.113.7/32"}},
                                              {{"cidrBlock", "198.51.100.0/24"}}}},
                                 {"totalCount", 2}}
                          : json{{"results", json::array()}, {"totalCount", 0}};
    sandbox.add_fault(spec + "200:1", page.dump());
  }
}

// Authenticated access-list reads, from the sandbox's log.
std::vector<json> access_list_reads(const Sandbox& sandbox) {
  std::vector<json> out;
  for (const auto& r : sandbox.requests()) {
    const std::string path = r["path"];
    if (r["method"] == "GET" && r["status"] != 401 && path.ends_with("/accessList")) out.push_back(r);
  }
  return out;
}

// keyform show --org ORG EXTRA… as the org's admin key, in an empty directory (no keyform.toml).
RunResult show(const Sandbox& sandbox, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"show", "--org", kOrg};
  args.insert(args.end(), extra.begin(), extra.end());
  TempDir cwd;
  return keyform(args, keyform_env(sandbox, kAdmin, kAdminSecret), cwd.path());
}

}  // namespace

TEST_CASE("show --access-lists reads each key's list once, side by side, and shows it in every format") {
  const json fixture = example_org();
  for (const std::string format : {"json", "text", "markdown"}) {
    CAPTURE(format);
    Sandbox sandbox(fixture, {"--latency-ms", "100"});  // so the reads overlap if they run concurrently
    serve_access_lists(sandbox);
    const RunResult r = show(sandbox, {"--access-lists", "--format", format});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(sandbox.writes().empty());

    const std::vector<json> reads = access_list_reads(sandbox);
    std::set<std::string> keys, connections;
    for (const auto& read : reads) {
      keys.insert(read["path"].get<std::string>());
      connections.insert(read["connection"].get<std::string>());
    }
    CHECK(reads.size() == fixture["keys"].size());  // one page per key, none read twice
    CHECK(keys.size() == fixture["keys"].size());
    // Side by side: more connections than the two the listings opened (one after the other, the
    // reads would reuse those).
    CHECK(connections.size() > 2);

    if (format == "json") {
      const json doc = json::parse(r.out);
      for (const auto& key : doc["keys"]) {
        CAPTURE(key["public_key"]);
        REQUIRE(key.contains("access_list"));
        CHECK(key["access_list"] == (key["id"] == kCiKeyId ? json{"198.51.100.0/24", "203.0.113.7/32"} : json::array()));
      }
    } else if (format == "text") {
      CHECK(r.out.find("  key zmmrboas \"CI deployer\" (65f0c0ffee00000000000002)\n"
                       "    org roles: ORG_MEMBER\n"
                       "    access list: 198.51.100.0/24, 203.0.113.7/32\n") != std::string::npos);
      CHECK(r.out.find("    access list: empty\n") != std::string::npos);
    } else {
      CHECK(r.out.find("| Key | Description | Org roles | Projects and roles | Access list |") != std::string::npos);
      CHECK(r.out.find(" | `198.51.100.0/24`, `203.0.113.7/32` |\n") != std::string::npos);
    }
  }
}

TEST_CASE("show without --access-lists reads no access list and shows org roles, not access lists") {
  Sandbox sandbox(example_org());
  RunResult r = show(sandbox, {"--format", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(access_list_reads(sandbox).empty());
  const json doc = json::parse(r.out);
  for (const auto& key : doc["keys"]) {
    CAPTURE(key["public_key"]);
    CHECK_FALSE(key.contains("access_list"));
    const json fixture_keys = example_org()["keys"];
    const auto live = std::find_if(fixture_keys.begin(), fixture_keys.end(),
                                   [&](const json& k) { return k["id"] == key["id"]; });
    REQUIRE(live != fixture_keys.end());
    CHECK(key["org_roles"] == (*live)["org_roles"]);
  }
  r = show(sandbox, {});
  CHECK(r.out.find("org roles: ORG_OWNER") != std::string::npos);
  CHECK(r.out.find("access list") == std::string::npos);
}

TEST_CASE("show --access-lists: a failed read names the key's call and prints no partial document") {
  Sandbox sandbox(example_org());
  serve_access_lists(sandbox, kCiKeyId);
  const RunResult r = show(sandbox, {"--access-lists", "--format", "json"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("Error: show: reading org " + kOrg + ": GET " + access_list_path(kCiKeyId)) != std::string::npos);
  CHECK(r.err.find(": 500 ") != std::string::npos);
}
