#include "cli/target.h"

#include <doctest/doctest.h>

#include <map>
#include <vector>

namespace keyform_test_cli_target {

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

Config config(std::string api, std::string org, std::string base_url = "", std::string path = "keyform.toml") {
  Config c;
  c.path = std::move(path);
  c.target.api = std::move(api);
  c.target.org_id = std::move(org);
  c.target.base_url = std::move(base_url);
  return c;
}

std::string error_of(const TargetSources& sources) {
  try {
    resolve_target(sources);
  } catch (const TargetError& err) {
    return err.what();
  }
  return "";
}

// What each command may take its target from (main.cpp offers the flags; the commands read the
// config: plan, apply and validate always, export and show when a flag leaves a field open and
// there is one).
struct Command {
  const char* name;
  bool has_flags;
  bool reads_config;
};
const Command kCommands[] = {
    {"plan", false, true},   {"apply", false, true}, {"validate", false, true},
    {"export", true, true},  {"show", true, true},   {"export/show without a config", true, false},
};

enum class Source { flag, config, env };
const Source kOrder[] = {Source::flag, Source::config, Source::env};

// One field, with a distinct value in each source that can set it, and what each source is called.
struct Field {
  const char* name;
  std::map<Source, std::string> values;
  std::map<Source, std::string> source_names;
  std::string default_value;  // empty: no default (resolving fails)
  std::string resolved_value(const std::string& value) const {  // what resolve_target makes of it
    return value.back() == '/' ? value.substr(0, value.size() - 1) : value;
  }
};

const std::vector<Field>& fields() {
  static const std::vector<Field> all = {
      {"org", {{Source::flag, kOrgA}, {Source::config, kOrgB}, {Source::env, kOrgC}},
       {{Source::flag, "--org"}, {Source::config, "team.toml [target] org_id"}, {Source::env, "MONGODB_ATLAS_ORG_ID"}},
       ""},
      {"api", {{Source::flag, "atlas-v1"}, {Source::config, "cloud-manager"}},
       {{Source::flag, "--api"}, {Source::config, "team.toml [target] api"}},
       "atlas-v2"},
      {"base_url",
       {{Source::flag, "https://flag.example.com"}, {Source::config, "https://config.example.com/"},
        {Source::env, "https://env.example.com"}},
       {{Source::flag, "--base-url"}, {Source::config, "team.toml [target] base_url"},
        {Source::env, "MONGODB_ATLAS_BASE_URL"}},
       "https://cloud.mongodb.com"},
  };
  return all;
}

// Sets `field` in every source of `present`; the org (needed to resolve at all) comes from a
// source that is not tested at the same time, so it never decides another field.
struct Setup {
  TargetFlags flags;
  Config file = config("", "", "", "team.toml");
  std::map<std::string, std::string> vars;

  Setup(const Field& field, const std::vector<Source>& present) {
    if (std::string(field.name) != "org") vars["MONGODB_ATLAS_ORG_ID"] = kOrgC;
    for (Source s : present) set(field, s, field.values.at(s));
  }
  void set(const Field& field, Source s, const std::string& value) {
    const std::string name = field.name;
    if (s == Source::flag) (name == "org" ? flags.org : name == "api" ? flags.api : flags.base_url) = value;
    if (s == Source::config) {
      (name == "org" ? file.target.org_id : name == "api" ? file.target.api : file.target.base_url) = value;
    }
    if (s == Source::env) vars[name == "org" ? "MONGODB_ATLAS_ORG_ID" : "MONGODB_ATLAS_BASE_URL"] = value;
  }
  TargetSources sources(const Command& command) const {
    return {command.has_flags ? std::optional<TargetFlags>(flags) : std::nullopt,
            command.reads_config ? &file : nullptr, env(vars)};
  }
};

std::pair<std::string, std::string> value_and_source(const ResolvedTarget& t, const std::string& field) {
  if (field == "org") return {t.org_id, t.org_source};
  if (field == "api") return {std::string(t.family->name), t.api_source};
  return {t.base_url, t.base_url_source};
}

bool available(const Command& command, const Field& field, Source s) {
  if (!field.values.count(s)) return false;  // no variable names an API family
  if (s == Source::flag) return command.has_flags;
  if (s == Source::config) return command.reads_config;
  return true;
}

}  // namespace

TEST_CASE("target: every field of every command, from every combination of sources: flag, then config, then env") {
  for (const Command& command : kCommands) {
    for (const Field& field : fields()) {
      // Every subset of the three sources, as a bit mask over kOrder.
      for (int mask = 0; mask < 8; ++mask) {
        std::vector<Source> present;
        for (int i = 0; i < 3; ++i) {
          if ((mask >> i & 1) && available(command, field, kOrder[i])) present.push_back(kOrder[i]);
        }
        CAPTURE(command.name);
        CAPTURE(field.name);
        CAPTURE(mask);
        const Setup setup(field, present);
        if (present.empty() && field.default_value.empty()) {
          CHECK(error_of(setup.sources(command)).starts_with("no organization: "));
          continue;
        }
        const auto [value, source] = value_and_source(resolve_target(setup.sources(command)), field.name);
        if (present.empty()) {
          CHECK(value == field.default_value);
          CHECK(source == "the default");
        } else {
          CHECK(value == field.resolved_value(field.values.at(present.front())));
          CHECK(source == field.source_names.at(present.front()));
        }
      }
    }
  }
}

TEST_CASE("target: the config outranks the environment field by field, as plan has always used it") {
  const Config c = config("atlas-v1", kOrgB, "https://config.example.com");
  const auto everything = env({{"MONGODB_ATLAS_ORG_ID", kOrgC}, {"MONGODB_ATLAS_BASE_URL", "https://env.example.com"}});
  ResolvedTarget t = resolve_target({std::nullopt, &c, everything});
  CHECK(t.org_id == kOrgB);
  CHECK(t.org_source == "keyform.toml [target] org_id");
  CHECK(t.base_url == "https://config.example.com");
  CHECK(t.plan_target().api == "atlas-v1");
  // A config without base_url leaves the host to the environment, and the org still to itself.
  const Config no_url = config("atlas-v1", kOrgB);
  t = resolve_target({TargetFlags{}, &no_url, everything});
  CHECK(t.org_id == kOrgB);
  CHECK(t.base_url == "https://env.example.com");
  CHECK(t.base_url_source == "MONGODB_ATLAS_BASE_URL");
}

TEST_CASE("target: when the config file may decide a field") {
  CHECK(target_needs_config({}));
  CHECK(target_needs_config({kOrgA, "atlas-v2", ""}));                     // host
  CHECK(target_needs_config({kOrgA, "", "https://x.example.com"}));        // api
  CHECK(target_needs_config({"", "atlas-v2", "https://x.example.com"}));   // org
  CHECK_FALSE(target_needs_config({kOrgA, "atlas-v2", "https://x.example.com"}));
}

TEST_CASE("target: clear errors, naming where the bad value came from") {
  const TargetFlags none;
  CHECK(error_of({none, nullptr, env({})}) ==
        "no organization: pass --org ID, run where a keyform.toml names one (-c FILE), or set MONGODB_ATLAS_ORG_ID");
  CHECK(error_of({TargetFlags{"my-org", "", ""}, nullptr, env({})}) ==
        "--org \"my-org\" is not an org id (expected 24 lowercase hex digits)");
  CHECK(error_of({none, nullptr, env({{"MONGODB_ATLAS_ORG_ID", "XYZ"}})}).starts_with("MONGODB_ATLAS_ORG_ID \"XYZ\""));
  const Config bad_org = config("atlas-v2", "XYZ");
  CHECK(error_of({std::nullopt, &bad_org, env({})}).starts_with("keyform.toml [target] org_id \"XYZ\" is not an org id"));
  CHECK(error_of({TargetFlags{kOrgA, "atlas-v3", ""}, nullptr, env({})})
            .starts_with("--api \"atlas-v3\" is not an API family (one of: atlas-v2, "));
  CHECK(error_of({TargetFlags{kOrgA, "", "http://cloud.example.com"}, nullptr, env({})}) ==
        "--base-url must use https (plain http is accepted only for loopback hosts), found \"http://cloud.example.com\"");
  CHECK(error_of({none, nullptr, env({{"MONGODB_ATLAS_ORG_ID", kOrgA}, {"MONGODB_ATLAS_BASE_URL", "not a url"}})}) ==
        "MONGODB_ATLAS_BASE_URL \"not a url\" is not a URL like https://host[:port]");
  const Config bad_url = config("atlas-v2", kOrgA, "ftp://x");
  CHECK(error_of({std::nullopt, &bad_url, env({})}).starts_with("keyform.toml [target] base_url must use https"));
  CHECK(resolve_target({TargetFlags{kOrgA, "", "http://127.0.0.1:8080"}, nullptr, env({})}).base_url ==
        "http://127.0.0.1:8080");
}

TEST_CASE("target: no host for Ops Manager: the message offers what this command can set") {
  CHECK(error_of({TargetFlags{kOrgA, "ops-manager", ""}, nullptr, env({})}) ==
        "api \"ops-manager\" (--api) has no default host: pass --base-url URL, or set MONGODB_ATLAS_BASE_URL");
  const Config om = config("ops-manager", kOrgA, "", "om.toml");
  CHECK(error_of({std::nullopt, &om, env({})}) ==
        "api \"ops-manager\" (om.toml [target] api) has no default host: set base_url in om.toml [target], or set "
        "MONGODB_ATLAS_BASE_URL");
  CHECK(error_of({TargetFlags{}, &om, env({})}) ==
        "api \"ops-manager\" (om.toml [target] api) has no default host: pass --base-url URL, set base_url in om.toml "
        "[target], or set MONGODB_ATLAS_BASE_URL");
  CHECK(resolve_target({std::nullopt, &om, env({{"MONGODB_ATLAS_BASE_URL", "https://om.example.com/"}})}).base_url ==
        "https://om.example.com");
}

TEST_CASE("saved plan target: what this environment resolves must be the plan's, field by field") {
  const PlanTarget plan{"atlas-v2", kOrgA, "https://cloud.mongodb.com"};
  const auto conflict = [&](const Config* c, std::map<std::string, std::string> vars) {
    return plan_target_conflict(plan, {std::nullopt, c, env(std::move(vars))}).value_or("");
  };
  const Config same = config("atlas-v2", kOrgA);
  const Config other_org = config("atlas-v2", kOrgB);
  const Config other_api = config("atlas-v1", kOrgA);
  const Config other_host = config("atlas-v2", kOrgA, "https://cloud-dev.mongodb.com");

  CHECK(conflict(nullptr, {}) == "");
  CHECK(conflict(&same, {}) == "");
  CHECK(conflict(&same, {{"MONGODB_ATLAS_ORG_ID", kOrgA}}) == "");
  CHECK(conflict(nullptr, {{"MONGODB_ATLAS_BASE_URL", "https://cloud.mongodb.com/"}}) == "");

  CHECK(conflict(&other_org, {}) ==
        "the plan is for org " + kOrgA + " (atlas-v2), but keyform.toml targets org " + kOrgB + " (atlas-v2)");
  CHECK(conflict(&other_api, {}) ==
        "the plan is for org " + kOrgA + " (atlas-v2), but keyform.toml targets org " + kOrgA + " (atlas-v1)");
  CHECK(conflict(nullptr, {{"MONGODB_ATLAS_ORG_ID", kOrgB}}) ==
        "the plan is for org " + kOrgA + " (atlas-v2), but MONGODB_ATLAS_ORG_ID is " + kOrgB);
  CHECK(conflict(&other_host, {}) == "the plan was made against https://cloud.mongodb.com, but here the API host is "
                                     "https://cloud-dev.mongodb.com (keyform.toml [target] base_url)");
  CHECK(conflict(nullptr, {{"MONGODB_ATLAS_BASE_URL", "http://127.0.0.1:9"}}).ends_with("(MONGODB_ATLAS_BASE_URL)"));
  // A plan made against another host than the family's public one, applied with no host set here.
  CHECK(plan_target_conflict({"atlas-v2", kOrgA, "https://evil.example.com"}, {std::nullopt, nullptr, env({})})
            .value_or("")
            .ends_with("(the default host)"));
  // Ops Manager has no default host: with nothing set here, the plan's host is the only one.
  CHECK_FALSE(plan_target_conflict({"ops-manager", kOrgA, "https://om.example.com"}, {std::nullopt, nullptr, env({})}));
  CHECK(plan_target_conflict({"atlas-v9", kOrgA, "https://cloud.mongodb.com"}, {std::nullopt, nullptr, env({})}));
}

TEST_CASE("saved plan target: the same precedence as a fresh plan, the config before the environment") {
  const PlanTarget plan{"atlas-v2", kOrgA, "https://cloud.mongodb.com"};
  const Config same = config("atlas-v2", kOrgA);
  const auto elsewhere =
      env({{"MONGODB_ATLAS_ORG_ID", kOrgB}, {"MONGODB_ATLAS_BASE_URL", "https://cloud-dev.mongodb.com"}});
  // Plan would use the config's org here, so the environment's other org does not refuse it...
  CHECK_FALSE(plan_target_conflict(plan, {std::nullopt, &same, env({{"MONGODB_ATLAS_ORG_ID", kOrgB}})}));
  // ...but the environment's host does, since the config names none.
  CHECK(plan_target_conflict(plan, {std::nullopt, &same, elsewhere}).value_or("").ends_with("(MONGODB_ATLAS_BASE_URL)"));
  // A config naming the plan's host outranks the environment's.
  const Config same_host = config("atlas-v2", kOrgA, "https://cloud.mongodb.com/");
  CHECK_FALSE(plan_target_conflict(plan, {std::nullopt, &same_host, elsewhere}));
  // And a flag, where a command has one, outranks both.
  CHECK(plan_target_conflict(plan, {TargetFlags{kOrgC, "", ""}, &same, env({})}).value_or("") ==
        "the plan is for org " + kOrgA + " (atlas-v2), but --org is " + kOrgC);
}

}  // namespace keyform_test_cli_target
