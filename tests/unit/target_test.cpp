#include "cli/target.h"

#include <doctest/doctest.h>

#include <map>

using namespace keyform;

namespace {

const std::string kOrgA = "5a0a1e7e0f2912c554080adc";
const std::string kOrgB = "5a0a1e7e0f2912c554080add";
const std::string kOrgC = "5a0a1e7e0f2912c554080ade";

EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Config config(std::string api, std::string org, std::string base_url = "") {
  Config c;
  c.path = "keyform.toml";
  c.target.api = std::move(api);
  c.target.org_id = std::move(org);
  c.target.base_url = std::move(base_url);
  return c;
}

std::string error_of(const TargetFlags& flags, const EnvLookup& e, const Config* c) {
  try {
    resolve_target(flags, e, c);
  } catch (const TargetError& err) {
    return err.what();
  }
  return "";
}

}  // namespace

TEST_CASE("target: flags win over the environment, which wins over the config") {
  const Config c = config("cloud-manager", kOrgC, "https://config.example.com");
  const auto everything = env({{"MONGODB_ATLAS_ORG_ID", kOrgB}, {"MONGODB_ATLAS_BASE_URL", "https://env.example.com/"}});

  ResolvedTarget t = resolve_target({kOrgA, "atlas-v1", "https://flag.example.com"}, everything, &c);
  CHECK(t.org_id == kOrgA);
  CHECK(t.org_source == "--org");
  CHECK(t.family->name == "atlas-v1");
  CHECK(t.base_url == "https://flag.example.com");

  t = resolve_target({}, everything, &c);
  CHECK(t.org_id == kOrgB);
  CHECK(t.org_source == "MONGODB_ATLAS_ORG_ID");
  CHECK(t.base_url == "https://env.example.com");  // trailing slash dropped
  CHECK(t.family->name == "cloud-manager");         // no environment variable names a family

  t = resolve_target({}, env({}), &c);
  CHECK(t.org_id == kOrgC);
  CHECK(t.org_source == "keyform.toml [target] org_id");
  CHECK(t.base_url == "https://config.example.com");

  t = resolve_target({kOrgA, "", ""}, env({}), nullptr);
  CHECK(t.family->name == "atlas-v2");
  CHECK(t.base_url == "https://cloud.mongodb.com");
  CHECK(t.plan_target().api == "atlas-v2");
}

TEST_CASE("target: each field is resolved on its own") {
  const Config c = config("atlas-v1", kOrgC, "https://config.example.com");
  const ResolvedTarget t = resolve_target({kOrgA, "", ""}, env({{"MONGODB_ATLAS_ORG_ID", kOrgB}}), &c);
  CHECK(t.org_id == kOrgA);
  CHECK(t.family->name == "atlas-v1");
  CHECK(t.base_url == "https://config.example.com");
  const Config no_url = config("atlas-v1", kOrgC);
  CHECK(resolve_target({}, env({}), &no_url).base_url == "https://cloud.mongodb.com");
}

TEST_CASE("target: when the config file is needed") {
  CHECK(target_needs_config({}, env({})));
  CHECK(target_needs_config({kOrgA, "atlas-v2", ""}, env({})));                                          // host
  CHECK(target_needs_config({kOrgA, "", "https://x.example.com"}, env({})));                            // api
  CHECK(target_needs_config({"", "atlas-v2", "https://x.example.com"}, env({})));                       // org
  CHECK_FALSE(target_needs_config({kOrgA, "atlas-v2", "https://x.example.com"}, env({})));
  CHECK_FALSE(target_needs_config({"", "atlas-v2", ""},
                                  env({{"MONGODB_ATLAS_ORG_ID", kOrgB}, {"MONGODB_ATLAS_BASE_URL", "https://e.example.com"}})));
}

TEST_CASE("target: clear errors, naming where the bad value came from") {
  CHECK(error_of({}, env({}), nullptr).find("no organization: pass --org ID, set MONGODB_ATLAS_ORG_ID") == 0);
  CHECK(error_of({"my-org", "", ""}, env({}), nullptr) ==
        "--org \"my-org\" is not an org id (expected 24 lowercase hex digits)");
  CHECK(error_of({}, env({{"MONGODB_ATLAS_ORG_ID", "XYZ"}}), nullptr).find("MONGODB_ATLAS_ORG_ID \"XYZ\"") == 0);
  CHECK(error_of({kOrgA, "atlas-v3", ""}, env({}), nullptr).find("--api \"atlas-v3\" is not an API family") == 0);
  CHECK(error_of({kOrgA, "", "http://cloud.example.com"}, env({}), nullptr).find("--base-url must use https") == 0);
  CHECK(error_of({kOrgA, "", ""}, env({{"MONGODB_ATLAS_BASE_URL", "not a url"}}), nullptr)
            .find("MONGODB_ATLAS_BASE_URL \"not a url\" is not a URL") == 0);
  CHECK(error_of({kOrgA, "ops-manager", ""}, env({}), nullptr).find("has no default host: pass --base-url") !=
        std::string::npos);
  CHECK(resolve_target({kOrgA, "", "http://127.0.0.1:8080"}, env({}), nullptr).base_url == "http://127.0.0.1:8080");
}

TEST_CASE("saved plan target: agrees with config, org variable and host, or is refused") {
  const PlanTarget plan{"atlas-v2", kOrgA, "https://cloud.mongodb.com"};
  const Config same = config("atlas-v2", kOrgA);
  const Config other_org = config("atlas-v2", kOrgB);
  const Config other_api = config("atlas-v1", kOrgA);
  const Config other_host = config("atlas-v2", kOrgA, "https://cloud-dev.mongodb.com");

  CHECK_FALSE(plan_target_conflict(plan, env({}), nullptr).has_value());
  CHECK_FALSE(plan_target_conflict(plan, env({}), &same).has_value());
  CHECK_FALSE(plan_target_conflict(plan, env({{"MONGODB_ATLAS_ORG_ID", kOrgA}}), &same).has_value());
  CHECK_FALSE(plan_target_conflict(plan, env({{"MONGODB_ATLAS_BASE_URL", "https://cloud.mongodb.com/"}}), nullptr));

  auto conflict = plan_target_conflict(plan, env({}), &other_org);
  REQUIRE(conflict.has_value());
  CHECK(*conflict == "the plan is for org " + kOrgA + " (atlas-v2), but keyform.toml targets org " + kOrgB + " (atlas-v2)");
  conflict = plan_target_conflict(plan, env({}), &other_api);
  REQUIRE(conflict.has_value());
  CHECK(conflict->find("targets org " + kOrgA + " (atlas-v1)") != std::string::npos);
  conflict = plan_target_conflict(plan, env({{"MONGODB_ATLAS_ORG_ID", kOrgB}}), nullptr);
  REQUIRE(conflict.has_value());
  CHECK(conflict->find("but MONGODB_ATLAS_ORG_ID is " + kOrgB) != std::string::npos);
  conflict = plan_target_conflict(plan, env({}), &other_host);
  REQUIRE(conflict.has_value());
  CHECK(conflict->find("here the API host is https://cloud-dev.mongodb.com (keyform.toml [target] base_url)") !=
        std::string::npos);
  conflict = plan_target_conflict(plan, env({{"MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9"}}), nullptr);
  REQUIRE(conflict.has_value());
  CHECK(conflict->find("(MONGODB_ATLAS_BASE_URL)") != std::string::npos);
  // A plan made against another host than the family's public one, applied with no host set here.
  conflict = plan_target_conflict({"atlas-v2", kOrgA, "https://evil.example.com"}, env({}), nullptr);
  REQUIRE(conflict.has_value());
  CHECK(conflict->find("(the default host)") != std::string::npos);
  // Ops Manager has no default host: with nothing set here, the plan's host is the only one.
  CHECK_FALSE(plan_target_conflict({"ops-manager", kOrgA, "https://om.example.com"}, env({}), nullptr).has_value());
  CHECK(plan_target_conflict({"atlas-v9", kOrgA, "https://cloud.mongodb.com"}, env({}), nullptr).has_value());
}
