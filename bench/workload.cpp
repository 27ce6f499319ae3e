#include "workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>
#include <vector>

namespace bench {
namespace {

using nlohmann::json;
using Roles = std::set<std::string>;
using Assignments = std::map<int, Roles>;  // project index -> roles

const std::vector<std::string> kRoles = {
    "GROUP_READ_ONLY",           "GROUP_OWNER",
    "GROUP_CLUSTER_MANAGER",     "GROUP_DATA_ACCESS_READ_ONLY",
    "GROUP_DATA_ACCESS_READ_WRITE", "GROUP_SEARCH_INDEX_EDITOR",
};

std::string project_id(int i) { return fmt::format("6523b7e0{:016x}", i); }
std::string key_id(int i) { return fmt::format("65f0c0ff{:016x}", i); }
std::string public_key(int i) { return fmt::format("k{:07d}", i); }
std::string private_key(int i) { return fmt::format("bench-private-{:010d}", i); }

// One or two roles; mostly one, as in real orgs.
Roles random_roles(std::mt19937& rng) {
  Roles roles{kRoles[rng() % kRoles.size()]};
  if (rng() % 4 == 0) roles.insert(kRoles[rng() % kRoles.size()]);
  return roles;
}

Roles different_roles(std::mt19937& rng, const Roles& old) {
  for (;;) {
    Roles roles = random_roles(rng);
    if (roles != old) return roles;
  }
}

int unassigned_project(std::mt19937& rng, const Assignments& assigned, int projects) {
  for (;;) {
    const int p = static_cast<int>(rng() % projects);
    if (!assigned.count(p)) return p;
  }
}

json roles_json(const Roles& roles) { return json(std::vector<std::string>(roles.begin(), roles.end())); }

json projects_json(const Assignments& assignments) {
  json out = json::object();
  for (const auto& [p, roles] : assignments) out[project_id(p)] = roles_json(roles);
  return out;
}

std::string toml_roles(const Roles& roles) {
  std::string out = "[";
  for (const auto& role : roles) out += (out.size() > 1 ? ", \"" : "\"") + role + "\"";
  return out + "]";
}

}  // namespace

ActionMix mix_for(int actions) {
  ActionMix mix;
  mix.remove = actions * 5 / 100;
  mix.unassign = actions * 25 / 100;
  mix.update = actions * 20 / 100;
  mix.assign = actions - mix.remove - mix.unassign - mix.update;
  return mix;
}

Workload make_workload(const WorkloadSpec& spec) {
  if (spec.keys < 2 || spec.projects < 8) throw std::invalid_argument("need at least 2 keys and 8 projects");
  if (spec.actions < 0 || spec.actions > 2 * (spec.keys - 1)) {
    throw std::invalid_argument(fmt::format("{} actions need at least {} keys", spec.actions, spec.actions / 2 + 1));
  }
  std::mt19937 rng(spec.seed);
  Workload w;
  w.spec = spec;
  w.org_id = "5a0a1e7e0f2912c554080adc";
  w.admin_public_key = public_key(0);
  w.admin_private_key = private_key(0);
  w.expected = mix_for(spec.actions);

  // The live org: every key but the admin key in 2 to 6 random projects.
  std::vector<Assignments> live(spec.keys);
  for (int k = 1; k < spec.keys; ++k) {
    const int count = 2 + static_cast<int>(rng() % 5);
    while (static_cast<int>(live[k].size()) < count) {
      live[k][unassigned_project(rng, live[k], spec.projects)] = random_roles(rng);
    }
    w.assignments += count;
  }

  // The file: the same, with one change on each of `actions` distinct random keys.
  std::vector<Assignments> desired = live;
  std::vector<bool> absent(spec.keys, false);
  std::vector<int> order(spec.keys - 1);
  std::iota(order.begin(), order.end(), 1);
  std::shuffle(order.begin(), order.end(), rng);
  for (int i = 0; i < w.expected.remove; ++i) absent[order.at(i)] = true;
  // The other changes go to the remaining keys in turn; a key gets a second change (on another
  // project) only when there are more changes than keys. Changes never overlap, so the plan has
  // exactly `expected` actions.
  const std::vector<int> changeable(order.begin() + w.expected.remove, order.end());
  std::vector<std::set<int>> touched(spec.keys);
  std::size_t cursor = 0;
  auto change = [&](const char* what, const std::function<bool(int)>& try_change) {
    for (std::size_t attempt = 0; attempt < 4 * changeable.size() + 16; ++attempt) {
      if (try_change(changeable.at(cursor++ % changeable.size()))) return;
    }
    throw std::invalid_argument(fmt::format("cannot place another {} in {} keys", what, spec.keys));
  };
  // A random project the key has had since the start and that no change has touched yet.
  auto untouched = [&](int k) -> std::optional<int> {
    std::vector<int> candidates;
    for (const auto& [p, roles] : desired[k]) {
      if (live[k].count(p) && !touched[k].count(p)) candidates.push_back(p);
    }
    if (candidates.empty()) return std::nullopt;
    return candidates[rng() % candidates.size()];
  };
  for (int i = 0; i < w.expected.unassign; ++i) {
    change("unassign", [&](int k) {
      auto p = untouched(k);
      if (!p || desired[k].size() < 2) return false;  // keep every declared key in some project
      desired[k].erase(*p);
      touched[k].insert(*p);
      return true;
    });
  }
  for (int i = 0; i < w.expected.update; ++i) {
    change("update", [&](int k) {
      auto p = untouched(k);
      if (!p) return false;
      desired[k][*p] = different_roles(rng, desired[k][*p]);
      touched[k].insert(*p);
      return true;
    });
  }
  for (int i = 0; i < w.expected.assign; ++i) {
    change("assign", [&](int k) {
      if (static_cast<int>(live[k].size() + touched[k].size()) + 1 >= spec.projects) return false;
      int p = 0;
      do {
        p = static_cast<int>(rng() % spec.projects);
      } while (live[k].count(p) || desired[k].count(p));
      desired[k][p] = random_roles(rng);
      touched[k].insert(p);
      return true;
    });
  }

  json projects = json::array();
  for (int p = 0; p < spec.projects; ++p) {
    projects.push_back({{"id", project_id(p)}, {"name", fmt::format("project-{:05d}", p)}});
  }
  // Two entries per listed key, the same in the org and the file: read, compared, no action.
  auto access_list = [&](int k) -> std::optional<json> {
    if (k == 0 || absent[k] || spec.access_list_every <= 0 || k % spec.access_list_every != 1) return std::nullopt;
    return json::array({"127.0.0.1/32", fmt::format("10.{}.{}.0/24", (k / 256) % 256, k % 256)});
  };
  json keys = json::array();
  for (int k = 0; k < spec.keys; ++k) {
    json key = {{"id", key_id(k)},
                {"public_key", public_key(k)},
                {"private_key", private_key(k)},
                {"desc", k == 0 ? "keyform-bench admin" : fmt::format("service key {}", k)},
                {"org_roles", json::array({k == 0 ? "ORG_OWNER" : "ORG_MEMBER"})},
                {"projects", projects_json(live[k])}};
    if (auto entries = access_list(k)) key["access_list"] = *entries;
    keys.push_back(std::move(key));
  }
  w.fixture = {{"org", {{"id", w.org_id}, {"name", "keyform-bench"}}}, {"projects", projects}, {"keys", keys}};

  std::string toml = fmt::format(
      "# Generated by keyform-bench: {} keys x {} projects, {} planned actions.\n"
      "[target]\napi = \"atlas-v2\"\norg_id = \"{}\"\n\n[policy]\nundeclared_keys = \"ignore\"\n",
      spec.keys, spec.projects, spec.actions, w.org_id);
  json desired_keys = json::array();
  for (int k = 1; k < spec.keys; ++k) {
    toml += fmt::format("\n[[keys]]\npublic_key = \"{}\"\n", public_key(k));
    if (absent[k]) {
      toml += "state = \"absent\"\n";
      desired_keys.push_back({{"id", key_id(k)}, {"public_key", public_key(k)}, {"absent", true}});
      continue;
    }
    if (auto entries = access_list(k)) {
      toml += fmt::format("access_list = {}\n", entries->dump());
      ++w.access_lists;
    }
    toml += "[keys.projects]\n";
    for (const auto& [p, roles] : desired[k]) toml += fmt::format("\"{}\" = {}\n", project_id(p), toml_roles(roles));
    desired_keys.push_back({{"id", key_id(k)},
                            {"public_key", public_key(k)},
                            {"absent", false},
                            {"projects", projects_json(desired[k])}});
  }
  w.config_toml = std::move(toml);
  w.desired = {{"org_id", w.org_id}, {"keys", desired_keys}};
  return w;
}

namespace {

std::string per_project_toml(const Workload& w) {
  std::string toml = fmt::format(
      "# Generated by keyform-bench: {} projects x {} role updates, listed project by project.\n"
      "[target]\napi = \"atlas-v2\"\norg_id = \"{}\"\n\n[policy]\nundeclared_keys = \"ignore\"\n",
      w.spec.projects, w.expected.total() / std::max(1, w.spec.projects), w.org_id);
  for (const auto& key : w.desired.at("keys")) {
    toml += fmt::format("\n[[keys]]\npublic_key = \"{}\"\n[keys.projects]\n", key.at("public_key").get<std::string>());
    for (const auto& [p, roles] : key.at("projects").items()) toml += fmt::format("\"{}\" = {}\n", p, roles.dump());
  }
  return toml;
}

}  // namespace

Workload make_per_project_workload(int projects, int writes_per_project) {
  Workload w;
  w.spec = {projects * writes_per_project + 1, projects, projects * writes_per_project, 0, 0};
  w.org_id = "5a0a1e7e0f2912c554080adc";
  w.admin_public_key = public_key(0);
  w.admin_private_key = private_key(0);
  w.expected = {0, w.spec.actions, 0, 0};
  json project_list = json::array(), keys = json::array(), desired_keys = json::array();
  for (int p = 0; p < projects; ++p) {
    project_list.push_back({{"id", project_id(p)}, {"name", fmt::format("project-{:05d}", p)}});
  }
  keys.push_back({{"id", key_id(0)}, {"public_key", public_key(0)}, {"private_key", private_key(0)},
                  {"desc", "keyform-bench admin"}, {"org_roles", json::array({"ORG_OWNER"})},
                  {"projects", json::object()}});
  for (int k = 1; k <= w.spec.actions; ++k) {
    const std::string project = project_id((k - 1) / writes_per_project);
    keys.push_back({{"id", key_id(k)}, {"public_key", public_key(k)}, {"private_key", private_key(k)},
                    {"desc", fmt::format("service key {}", k)}, {"org_roles", json::array({"ORG_MEMBER"})},
                    {"projects", {{project, json::array({"GROUP_READ_ONLY"})}}}});
    desired_keys.push_back({{"id", key_id(k)}, {"public_key", public_key(k)}, {"absent", false},
                            {"projects", {{project, json::array({"GROUP_CLUSTER_MANAGER"})}}}});
  }
  w.assignments = w.spec.actions;
  w.fixture = {{"org", {{"id", w.org_id}, {"name", "keyform-bench"}}}, {"projects", project_list}, {"keys", keys}};
  w.desired = {{"org_id", w.org_id}, {"keys", desired_keys}};
  w.config_toml = per_project_toml(w);
  return w;
}

std::optional<ActionMix> plan_summary(const std::string& output) {
  static const std::regex line(R"(Plan: (\d+) to assign, (\d+) to update, (\d+) to unassign, (\d+) to delete\.)");
  std::smatch m;
  if (!std::regex_search(output, m, line)) return std::nullopt;
  return ActionMix{std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]), std::stoi(m[4])};
}

int count_mismatches(const json& state, const json& desired) {
  std::map<std::string, const json*> live;
  for (const auto& key : state.at("keys")) live[key.at("public_key").get<std::string>()] = &key;
  int mismatches = 0;
  for (const auto& key : desired.at("keys")) {
    auto it = live.find(key.at("public_key").get<std::string>());
    if (key.at("absent").get<bool>()) {
      mismatches += it != live.end();
      continue;
    }
    if (it == live.end()) {
      ++mismatches;
      continue;
    }
    // Roles compared as sets: the sandbox sorts them, the file lists them sorted too.
    std::map<std::string, std::set<std::string>> have, want;
    const json have_json = it->second->value("projects", json::object());
    for (const auto& [p, roles] : have_json.items()) {
      have[p] = roles.get<std::set<std::string>>();
    }
    for (const auto& [p, roles] : key.at("projects").items()) want[p] = roles.get<std::set<std::string>>();
    mismatches += have != want;
  }
  return mismatches;
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}

}  // namespace bench
