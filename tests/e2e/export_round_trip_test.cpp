// export → plan against the real sandbox, on Atlas v2 and the v1.0 families: the exported file,
// org roles and IP access lists included, describes the org exactly ("No changes"), and what it
// declares is managed from then on. Needs a sandbox that serves …/apiKeys/{K}/accessList.
#include <doctest/doctest.h>

#include "fixtures.h"
#include "harness.h"

using namespace e2e;
using nlohmann::json;

namespace {

struct ExportFamily {
  std::string api;
  std::string base_path;
};

const std::vector<ExportFamily> kExportFamilies = {
    {"atlas-v2", "/api/atlas/v2"},
    {"atlas-v1", "/api/atlas/v1.0"},
    {"cloud-manager", "/api/public/v1.0"},
    {"ops-manager", "/api/public/v1.0"},
};

// The example org with access lists in every spelling the file must round-trip: an IPv4 host and
// network, an IPv6 host and network; analyst1 a single entry; every other key none.
json org_with_access_lists() {
  json fixture = example_org();
  for (auto& key : fixture["keys"]) {
    if (key["public_key"] == "zmmrboas") {
      key["access_list"] = {"203.0.113.7", "198.51.100.0/24", "2001:db8::1", "2001:db8:abcd::/48"};
      key["org_roles"] = {"ORG_MEMBER", "ORG_READ_ONLY"};
    }
    if (key["public_key"] == "analyst1") key["access_list"] = {"10.1.2.3/32"};
    if (key["public_key"] == "contrac1") key["access_list"] = json::array();
  }
  return fixture;
}

// `keyform export` for `family`: Ops Manager has no public host, so its base URL is a flag.
std::vector<std::string> export_args(const ExportFamily& family, const Sandbox& sandbox) {
  std::vector<std::string> args = {"export", "--org", kOrg, "--api", family.api, "--out", "exported.toml"};
  if (family.api == "ops-manager") {
    args.push_back("--base-url");
    args.push_back(sandbox.base_url());
  }
  return args;
}

// The lines of the exported entry for `public_key`, up to the next blank line.
std::string key_block(const std::string& text, const std::string& public_key) {
  const auto from = text.find("public_key = \"" + public_key + "\"");
  if (from == std::string::npos) return "";
  return text.substr(from, text.find("\n\n", from) - from);
}

int access_list_reads(const json& log, const std::string& base_path) {
  int n = 0;
  for (const auto& r : log) {
    const std::string path = r["path"];
    const bool read = r["method"] == "GET" && r["status"] == 200 && path.starts_with(base_path + "/orgs/") &&
                      path.ends_with("/accessList");
    n += read ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("export then plan is \"No changes\" on every family, org roles and access lists included") {
  for (const auto& family : kExportFamilies) {
    CAPTURE(family.api);
    const json fixture = org_with_access_lists();
    Sandbox sandbox(fixture);
    TempDir dir;
    const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);

    RunResult r = keyform(export_args(family, sandbox), env, dir.path());
    INFO(r.all());
    REQUIRE(r.exit_code == 0);
    const std::string text = read_file(dir.path() + "/exported.toml");
    INFO(text);
    const std::string ci = key_block(text, "zmmrboas");
    CHECK(ci.find("\norg_roles = [\"ORG_MEMBER\", \"ORG_READ_ONLY\"]\n") != std::string::npos);
    for (const char* entry : {"\"198.51.100.0/24\"", "\"203.0.113.7\"", "\"2001:0db8:0000:0000:0000:0000:0000:0001\"",
                              "\"2001:0db8:abcd:0000:0000:0000:0000:0000/48\""}) {
      CHECK(ci.find(entry) != std::string::npos);
    }
    CHECK(key_block(text, "analyst1").find("\naccess_list = [\"10.1.2.3\"]\n") != std::string::npos);
    // An empty list is left unmanaged rather than written as [].
    CHECK(key_block(text, "contrac1").find("access_list") == std::string::npos);
    CHECK(key_block(text, "breakgl1").find("access_list") == std::string::npos);
    // One paged GET per key for its access list, beside the two listings.
    CHECK(access_list_reads(sandbox.requests(), family.base_path) == static_cast<int>(fixture["keys"].size()));

    sandbox.clear_requests();
    r = keyform({"plan", "-c", "exported.toml", "--detailed-exitcode"}, env, dir.path());
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("No changes.") != std::string::npos);
    CHECK(sandbox.writes().empty());
    // The plan reads only the lists the file declares: zmmrboas's and analyst1's.
    CHECK(access_list_reads(sandbox.requests(), family.base_path) == 2);
  }
}

TEST_CASE("an exported access list is managed: an entry added behind the file's back is planned away") {
  Sandbox sandbox(org_with_access_lists());
  TempDir dir;
  const auto env = keyform_env(sandbox, kAdmin, kAdminSecret);
  REQUIRE(keyform(export_args(kExportFamilies[0], sandbox), env, dir.path()).exit_code == 0);

  const std::string zmmrboas_id = "65f0c0ffee00000000000002";
  REQUIRE(admin_api_call(sandbox, "POST", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/" + zmmrboas_id + "/accessList",
                         R"([{"ipAddress": "192.0.2.99"}])", kAdmin, kAdminSecret) == 200);
  const RunResult r = keyform({"plan", "-c", "exported.toml", "--detailed-exitcode"}, env, dir.path());
  INFO(r.all());
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("192.0.2.99/32") != std::string::npos);
}
