// A small org with service accounts beside keyform's own key (issue 14), on atlas-v2 or
// cloud-manager, for service_account_test.cpp. Secrets expire relative to the moment the test
// runs, so "expires in 5 days" stays true whenever the suite runs. The scene keeps every keyform
// run, so a test can check them for the secrets it learns only once they are delivered.
#pragma once

#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "create_key_fixture.h"
#include "fixtures.h"
#include "harness.h"
#include "key_attributes_fixture.h"

namespace e2e::sa {

using attrs::Family;
using attrs::contains;
using nlohmann::json;

inline const std::string kDeployer = "mdb_sa_id_65f0c0ffee000000000000a1";
inline const std::string kReporter = "mdb_sa_id_65f0c0ffee000000000000a2";
inline const std::string kEtl = "mdb_sa_id_65f0c0ffee000000000000a3";
inline const std::string kStray = "mdb_sa_id_65f0c0ffee000000000000a4";
inline const std::string kKeyformSa = "mdb_sa_id_65f0c0ffee000000000000a5";

inline const std::string kNoChanges = "No changes. The org matches the configuration.";

// RFC 3339 UTC, `days` from now (negative: in the past).
inline std::string utc_in_days(double days) {
  const std::time_t when = std::time(nullptr) + static_cast<std::time_t>(days * 86400);
  std::tm tm{};
  gmtime_r(&when, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

inline std::time_t utc_seconds(const std::string& rfc3339) {
  std::tm tm{};
  if (!strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return -1;
  return timegm(&tm);
}

// Fixture secret number `n`: its id and its value.
inline std::string secret_id(int n) {
  char id[32];
  std::snprintf(id, sizeof id, "65f0c0ffee00000000%06d", n);
  return id;
}
inline std::string secret_value(int n) { return "mdb_sa_sk_fixture-secret-" + std::to_string(n); }

// Fixture secret number `n`, expiring `days` from now.
inline json secret(int n, double days) {
  return {{"id", secret_id(n)}, {"secret", secret_value(n)}, {"expires_at", utc_in_days(days)}};
}

// `secrets` is a vector: a braced list of one json value would be that value, not an array of it.
inline json account(const std::string& client_id, const std::string& name, const json& projects,
                    const std::vector<json>& secrets, const json& org_roles = {"ORG_MEMBER"},
                    const json& access_list = json::array()) {
  return {{"client_id", client_id},   {"name", name},         {"description", name + " account"},
          {"org_roles", org_roles},   {"projects", projects}, {"access_list", access_list},
          {"secrets", secrets}};
}

// keyform's key (ORG_OWNER, prod owner), one bystander key, and `accounts`.
inline json org_with_accounts(const std::vector<json>& accounts) {
  json org = attrs::org_with({attrs::admin_key(), attrs::fixture_key("analyst1", "analytics team", {"ORG_MEMBER"},
                                                                     json::array())});
  org["service_accounts"] = accounts;
  return org;
}

// Every secret value in a fixture: none may ever appear in keyform's output.
inline std::vector<std::string> account_secrets_of(const json& fixture) {
  std::vector<std::string> out = secrets_of(fixture);
  for (const auto& a : fixture.value("service_accounts", json::array())) {
    for (const auto& s : a.value("secrets", json::array())) out.push_back(s["secret"]);
    if (a.contains("client_secret")) out.push_back(a["client_secret"]);
  }
  return out;
}

// One service account of GET /__sandbox/state, or null when the org has none by that id.
inline json state_account(const json& state, const std::string& client_id) {
  for (const auto& a : state.value("service_accounts", json::array())) {
    if (a["client_id"] == client_id) return a;
  }
  return nullptr;
}

inline std::vector<json> accounts_named(const json& state, const std::string& name) {
  std::vector<json> out;
  for (const auto& a : state.value("service_accounts", json::array())) {
    if (a["name"] == name) out.push_back(a);
  }
  return out;
}

inline std::set<std::string> secret_ids(const json& account) {
  std::set<std::string> out;
  for (const auto& s : account["secrets"]) out.insert(s["id"].get<std::string>());
  return out;
}

// POST /api/oauth/token with `secret`, as a consumer of the account would: the HTTP status.
inline int token_status(const Sandbox& sandbox, const std::string& client_id, const std::string& secret) {
  httplib::Client client(sandbox.base_url());
  client.set_basic_auth(client_id, secret);
  const auto result = client.Post("/api/oauth/token", "grant_type=client_credentials",
                                  "application/x-www-form-urlencoded");
  return result ? result->status : 0;
}

// One line of --secrets-out for a service account secret, parsed.
struct DeliveredSecret {
  std::string client_id, name, secret_id, secret, expires_at, org_id;
};

inline DeliveredSecret delivered_secret_from(const std::string& line) {
  const json doc = json::parse(line);
  CHECK(doc.size() == 7);  // the six documented fields and created_at
  CHECK(doc.contains("created_at"));
  return {doc.at("client_id"), doc.at("name"),   doc.at("secret_id"),
          doc.at("secret"),    doc.at("expires_at"), doc.at("org_id")};
}

// "METHOD path" of every write the sandbox served (challenges left out), in order.
inline std::vector<std::string> writes_of(const Sandbox& sandbox) {
  std::vector<std::string> out;
  for (const auto& r : sandbox.writes()) {
    if (r["status"] == 401) continue;
    out.push_back(r["method"].get<std::string>() + " " + r["path"].get<std::string>());
  }
  return out;
}

// A plan's actions as "kind name" (the service account's name, or a key's public key).
inline std::multiset<std::string> action_names(const json& actions) {
  std::multiset<std::string> out;
  for (const auto& a : actions) {
    const json& who = a.contains("service_account") ? a["service_account"]["name"] : a["key"]["public_key"];
    out.insert(a["action"].get<std::string>() + " " + (who.is_string() ? who.get<std::string>() : "?"));
  }
  return out;
}

// The warning codes of a JSON plan, one per warning.
inline std::multiset<std::string> warning_codes(const json& plan) {
  std::multiset<std::string> out;
  for (const auto& w : plan.value("warnings", json::array())) out.insert(w.at("code").get<std::string>());
  return out;
}

// One sandbox, one file, keyform running as kfadmin1 (or, with `as_account`, as a service
// account); every run is kept.
struct Scene {
  const Family& family;
  json fixture;
  Sandbox sandbox;
  TempDir dir;
  std::map<std::string, std::string> env;
  RunHistory history;
  std::vector<std::string> learnt;  // secrets delivered during the test

  Scene(const Family& f, json org, const std::string& accounts_toml, const std::string& policy = "")
      : family(f), fixture(std::move(org)), sandbox(fixture), env(keyform_env(sandbox, kAdmin, kAdminSecret)) {
    write_config(accounts_toml, policy);
  }

  void write_config(const std::string& accounts_toml, const std::string& policy = "") const {
    dir.write("keyform.toml", attrs::target_for(family, sandbox, policy) + accounts_toml);
  }

  // keyform signs in as the service account `client_id` with its fixture secret `value`.
  void sign_in_as_account(const std::string& client_id, const std::string& value) {
    env.erase("MONGODB_ATLAS_PUBLIC_API_KEY");
    env.erase("MONGODB_ATLAS_PRIVATE_API_KEY");
    env["MONGODB_ATLAS_CLIENT_ID"] = client_id;
    env["MONGODB_ATLAS_CLIENT_SECRET"] = value;
  }

  RunResult run(const std::vector<std::string>& args) {
    RunResult r = keyform(args, env, dir.path());
    for (const auto& s : account_secrets_of(fixture)) {
      CHECK_MESSAGE(!contains(r.all(), s), "a fixture secret leaked into keyform's output");
    }
    return history.add(std::move(r));
  }

  std::string path(const std::string& name) const { return dir.path() + "/" + name; }
  std::string org_path() const { return family.base_path + "/orgs/" + kOrg; }
  json account(const std::string& client_id) const { return state_account(sandbox.state(), client_id); }

  // The lines of a --secrets-out file, each learnt as a secret.
  std::vector<DeliveredSecret> deliveries(const std::string& name) {
    std::vector<DeliveredSecret> out;
    for (const auto& line : create::lines_of(read_file(path(name)))) {
      out.push_back(delivered_secret_from(line));
      learnt.push_back(out.back().secret);
    }
    return out;
  }

  // No delivered secret in any run's output, nor in a file of the scene other than `sinks`.
  void check_secrets_kept(const std::set<std::string>& sinks) const {
    history.check_none_shows(learnt);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      if (sinks.count(entry.path().filename().string()) || !entry.is_regular_file()) continue;
      const std::string text = read_file(entry.path().string());
      for (const auto& s : learnt) CHECK_MESSAGE(!contains(text, s), "a secret was written to " << entry.path());
    }
  }

  // plan --detailed-exitcode says the org matches the file.
  void check_converged() {
    const RunResult again = run({"plan", "--detailed-exitcode"});
    INFO(again.all());
    CHECK(again.exit_code == 0);
    CHECK(contains(again.out, kNoChanges));
  }
};

}  // namespace e2e::sa
