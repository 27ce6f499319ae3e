#include "rate_limit_scenarios.h"

#include "workload.h"

#include "core/escape.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace bench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kV2 = "/api/atlas/v2";

// Every write keyform makes on atlas-v2 for API keys and service accounts, as "METHOD path".
const std::vector<std::pair<const char*, const char*>> kOrgWrites = {
    {"POST", "/orgs/{orgId}/apiKeys"},
    {"PATCH", "/orgs/{orgId}/apiKeys/{apiUserId}"},
    {"DELETE", "/orgs/{orgId}/apiKeys/{apiUserId}"},
    {"POST", "/orgs/{orgId}/apiKeys/{apiUserId}/accessList"},
    {"DELETE", "/orgs/{orgId}/apiKeys/{apiUserId}/accessList/{ipAddress}"},
    {"POST", "/orgs/{orgId}/serviceAccounts"},
    {"PATCH", "/orgs/{orgId}/serviceAccounts/{clientId}"},
    {"DELETE", "/orgs/{orgId}/serviceAccounts/{clientId}"},
    {"POST", "/orgs/{orgId}/serviceAccounts/{clientId}/secrets"},
    {"DELETE", "/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}"},
    {"POST", "/orgs/{orgId}/serviceAccounts/{clientId}/accessList"},
    {"DELETE", "/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}"},
};
const std::vector<std::pair<const char*, const char*>> kProjectWrites = {
    {"POST", "/groups/{groupId}/apiKeys/{apiUserId}"},
    {"PATCH", "/groups/{groupId}/apiKeys/{apiUserId}"},
    {"DELETE", "/groups/{groupId}/apiKeys/{apiUserId}"},
    {"POST", "/groups/{groupId}/serviceAccounts/{clientId}:invite"},
    {"PATCH", "/groups/{groupId}/serviceAccounts/{clientId}"},
    {"DELETE", "/groups/{groupId}/serviceAccounts/{clientId}"},
};

json endpoints(const std::vector<std::pair<const char*, const char*>>& writes) {
  json out = json::array();
  for (const auto& [method, path] : writes) out.push_back({{"method", method}, {"path", std::string(kV2) + path}});
  return out;
}

// The --rate-limits file: ORG meters every write in one organization bucket; GROUP meters the
// project writes in one bucket per project.
json rate_limits_file(const Scenario& s) {
  json writes = endpoints(kProjectWrites);
  if (!s.per_project) {
    for (const auto& e : endpoints(kOrgWrites)) writes.push_back(e);
  }
  return json::array({{{"endpointSetId", s.per_project ? "projectWrites" : "orgWrites"},
                       {"endpointSetName", s.per_project ? "Project writes" : "Organization writes"},
                       {"scope", s.per_project ? "GROUP" : "ORGANIZATION"},
                       {"endpoints", writes},
                       {"capacity", {{"value", s.capacity}}},
                       {"refillRate", {{"value", s.refill_per_s}}},
                       {"refillDurationSeconds", {{"value", 1}}}}});
}

Workload workload_for(const Scenario& s) {
  if (s.per_project) return make_per_project_workload(s.projects, s.writes);
  // The benchmark's usual mix (50 % assign, 20 % update, 25 % unassign, 5 % delete key): all
  // writes the one organization bucket meters. Enough keys for `writes` distinct changes.
  const int keys = std::max(100, s.writes);
  return make_workload({keys, std::max(8, keys / 5), s.writes, 8});
}

std::string knowledge_label(Knowledge k) {
  switch (k) {
    case Knowledge::listed: return "/rateLimits + headers";
    case Knowledge::learnt: return "neither: 429s only";
    case Knowledge::unpaced: return "--no-pacing";
  }
  return "?";
}

std::string slug(const Scenario& s) {
  std::string name = s.name + "-" + knowledge_label(s.knowledge);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  }
  return name;
}

std::vector<std::string> sandbox_args(const Scenario& s, const std::string& limits_file) {
  std::vector<std::string> args{"--rate-limits", limits_file};
  if (s.knowledge == Knowledge::learnt) args.insert(args.end(), {"--rate-limit-no-headers", "--rate-limits-unlisted"});
  return args;
}

std::vector<std::string> keyform_args(const Scenario& s, const std::string& dir, int parallelism) {
  // The whole apply is timed, its verification read included.
  std::vector<std::string> args{KEYFORM_BIN, "apply", "-c", dir + "/keyform.toml", "--no-color", "--auto-approve",
                                "--parallelism", std::to_string(parallelism)};
  if (s.knowledge == Knowledge::unpaced) args.push_back("--no-pacing");
  return args;
}

std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) out.push_back(line);
  }
  return out;
}

std::string last_chars(const std::string& text, std::size_t n = 300) {
  std::string t = text.size() > n ? "…" + text.substr(text.size() - n) : text;
  for (char& c : t) c = c == '\n' ? ' ' : c;
  return t;
}

// Converged: exit 0, the expected plan, every write made once, and the org the file describes.
std::vector<std::string> check(const ScenarioRun& run, const Workload& w, const json& state) {
  if (run.m.exit_code != 0) {
    const auto errors = lines_with(run.m.err, "Error: ");
    return {fmt::format("exit code {}: {}", run.m.exit_code, errors.empty() ? last_chars(run.m.err + run.m.out) : errors[0])};
  }
  std::vector<std::string> problems;
  const auto summary = plan_summary(run.m.out);
  if (!summary || !(*summary == w.expected)) problems.push_back("the plan's summary is not the expected one");
  if (run.log.failures > 0) problems.push_back(fmt::format("{} failed requests (not 429)", run.log.failures));
  if (run.log.writes_ok != w.expected.total()) {
    problems.push_back(fmt::format("{} successful writes, expected {}", run.log.writes_ok, w.expected.total()));
  }
  if (const int n = count_mismatches(state, w.desired)) problems.push_back(fmt::format("{} keys differ after apply", n));
  return problems;
}

ScenarioRun run_one(const Scenario& s, const ScenarioOptions& o) {
  const std::string dir = o.workdir + "/rate-limits/" + slug(s);
  fs::create_directories(dir);
  const Workload w = workload_for(s);
  write_file(dir + "/fixture.json", w.fixture.dump());
  write_file(dir + "/keyform.toml", w.config_toml);
  write_file(dir + "/rate-limits.json", rate_limits_file(s).dump(2));
  SandboxProcess sandbox(dir + "/fixture.json", o.latency_ms, dir, sandbox_args(s, dir + "/rate-limits.json"));
  const Env env{{"MONGODB_ATLAS_BASE_URL", sandbox.base_url()},
                {"MONGODB_ATLAS_PUBLIC_API_KEY", w.admin_public_key},
                {"MONGODB_ATLAS_PRIVATE_API_KEY", w.admin_private_key},
                {"NO_COLOR", "1"}};
  ScenarioRun run;
  run.scenario = s;
  run.parallelism = o.parallelism;
  run.m = run_measured(keyform_args(s, dir, o.parallelism), env, dir, "Plan: ");
  const json log = sandbox.requests();
  write_file(dir + "/requests.json", log.dump());  // for a closer look: kept with --workdir
  run.log = stats_of(log);
  run.paced_notes = lines_with(run.m.out + run.m.err, "paced by rate limit");
  run.problems = check(run, w, sandbox.state());
  if (s.max_429 < 0 && run.m.exit_code != 0 && !run.problems.empty() &&
      run.problems[0].find("429 RATE_LIMITED") != std::string::npos) {
    run.gave_up = run.problems[0];
    run.problems.clear();
  }
  return run;
}

std::string limits_label(const Scenario& s) {
  if (s.per_project) {
    return fmt::format("{} GROUP buckets ({} writes each): capacity {}, {}/s", s.projects, s.writes, s.capacity,
                       s.refill_per_s);
  }
  return fmt::format("1 ORGANIZATION bucket: capacity {}, {}/s", s.capacity, s.refill_per_s);
}

std::string target_label(const Scenario& s) {
  if (s.max_429 < 0) return "— (for comparison)";
  return fmt::format("≤ {} 429s, ≤ {:.1f} s ({:g} × floor{})", s.max_429, s.target_s(), s.factor,
                     s.plus_s > 0 ? fmt::format(" + {:g} s", s.plus_s) : "");
}

std::string verdict(const ScenarioRun& r) {
  // keyform's messages carry the API's words: inert text in a markdown cell.
  if (!r.problems.empty()) return "**FAILED: " + keyform::escape_markdown(r.problems[0]) + "**";
  if (!r.gave_up.empty()) return "gave up on 429s: " + keyform::escape_markdown(r.gave_up);
  if (r.scenario.max_429 < 0) return "—";
  return r.met() ? "met" : "**missed**";
}

}  // namespace

bool ScenarioRun::met() const {
  if (scenario.max_429 < 0 || !problems.empty()) return false;
  return log.rate_limited <= scenario.max_429 && m.wall_s <= scenario.target_s();
}

std::vector<Scenario> rate_limit_scenarios(bool quick) {
  if (quick) return {{"ORG (tiny)", false, 1, 60, 10, 20, Knowledge::listed, 5, 1.15, 2}};
  const Scenario org{"ORG", false, 1, 1000, 50, 20};
  const Scenario group{"GROUP", true, 20, 25, 5, 5};
  auto with = [](Scenario s, Knowledge k, int max_429, double factor, double plus_s) {
    s.knowledge = k;
    s.max_429 = max_429;
    s.factor = factor;
    s.plus_s = plus_s;
    return s;
  };
  return {with(org, Knowledge::listed, 5, 1.15, 2),     with(org, Knowledge::learnt, 30, 1.5, 0),
          with(org, Knowledge::unpaced, -1, 0, 0),      with(group, Knowledge::listed, 5, 1.15, 2),
          with(group, Knowledge::unpaced, -1, 0, 0)};
}

std::vector<ScenarioRun> run_rate_limit_scenarios(const std::vector<Scenario>& scenarios,
                                                  const ScenarioOptions& options) {
  std::vector<ScenarioRun> runs;
  for (const Scenario& s : scenarios) {
    std::cerr << fmt::format("rate limits, {} ({}): {}…", s.name, limits_label(s), knowledge_label(s.knowledge))
              << std::endl;
    runs.push_back(run_one(s, options));
    const ScenarioRun& r = runs.back();
    std::cerr << fmt::format("  {:.2f} s wall ({:.2f} s before the first write), {} 429s, {} requests; {}\n",
                             r.m.wall_s, r.m.mark_s, r.log.rate_limited, r.log.requests, verdict(r));
    for (const auto& note : r.paced_notes) std::cerr << "  keyform: " << note << "\n";
  }
  return runs;
}

ScenarioReport rate_limit_report(const std::vector<ScenarioRun>& runs, const ScenarioOptions& options) {
  ScenarioReport report;
  report.table = fmt::format(
      "Rate limits (issue 15): `keyform apply --auto-approve --parallelism {}`, the whole apply (start, plan, "
      "writes, verification) against keyform-sandbox --latency-ms {} --rate-limits; 429s from the sandbox's "
      "request log. floor: (writes − capacity) / refill rate, per bucket.\n\n"
      "| scenario | limits | keyform knows the limits from | writes | 429s | requests | wall | before the first "
      "write | floor | wall / floor | target | verdict |\n"
      "|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|\n",
      options.parallelism, options.latency_ms);
  for (const ScenarioRun& r : runs) {
    const Scenario& s = r.scenario;
    const int writes = s.per_project ? s.projects * s.writes : s.writes;
    report.table += fmt::format("| {} | {} | {} | {} | {} | {} | {:.2f} s | {:.2f} s | {:.1f} s | {:.2f} | {} | {} |\n",
                                s.name, limits_label(s), knowledge_label(s.knowledge), writes, r.log.rate_limited,
                                r.log.requests, r.m.wall_s, r.m.mark_s, s.floor_s(), r.m.wall_s / s.floor_s(),
                                target_label(s), verdict(r));
    report.missed += s.max_429 >= 0 && !r.met();
  }
  return report;
}

}  // namespace bench
