// A small org and a file that declares one key by its description only, so keyform creates it
// (issue 13), on any API family, for create_key_test.cpp. The scene keeps every keyform run, so
// a test can check them for the private keys it learns only once they are delivered.
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "fixtures.h"
#include "harness.h"
#include "key_attributes_fixture.h"

namespace e2e::create {

using attrs::Family;
using attrs::contains;
using nlohmann::json;

inline const std::string kDesc = "CI deployer (payments)";

// The new key's access list lets it call from loopback, so it can sign in to the sandbox with the
// delivered secret; ORG_OWNER lets it read the whole org (a wrong secret is a 401, not a 403).
inline std::string new_key_toml(const std::string& org_roles = "[\"ORG_OWNER\"]") {
  return "[[keys]]\npublic_key = \"kfadmin1\"\n[keys.projects]\n\"payments-prod\" = [\"GROUP_OWNER\"]\n\n"
         "[[keys]]\ndesc = \"" + kDesc + "\"\norg_roles = " + org_roles +
         "\naccess_list = [\"127.0.0.1\", \"203.0.113.0/24\"]\n[keys.projects]\n"
         "\"payments-staging\" = [\"GROUP_READ_ONLY\"]\n";
}

// The org before the create: keyform's own key and one bystander.
inline json small_org() {
  return attrs::org_with({attrs::admin_key(), attrs::fixture_key("analyst1", "analytics team", {"ORG_MEMBER"},
                                                                 json::array())});
}

// One line of --secrets-out, parsed.
struct Delivered {
  std::string public_key, id, desc, private_key, org_id, created_at;
};

inline Delivered delivered_from(const std::string& line) {
  const json doc = json::parse(line);
  CHECK(doc.size() == 6);  // exactly the documented fields
  return {doc.at("public_key"), doc.at("id"), doc.at("desc"), doc.at("private_key"), doc.at("org_id"),
          doc.at("created_at")};
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

inline int mode_of(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) return -1;
  return static_cast<int>(info.st_mode & 07777);
}

// The shape of the sandbox's private keys (and of Atlas's): anything like it in an output is suspect.
inline bool looks_like_private_key(const std::string& text) {
  static const std::regex uuid("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  return std::regex_search(text, uuid);
}

// The keys of a sandbox state whose description is `desc`.
inline std::vector<json> keys_with_desc(const json& state, const std::string& desc) {
  std::vector<json> out;
  for (const auto& key : state["keys"]) {
    if (key["desc"] == desc) out.push_back(key);
  }
  return out;
}

// Requests of the sandbox log that made a key (created_key_id set), also when the answer was lost.
inline std::vector<json> creates_in_log(const Sandbox& sandbox) {
  const json requests = sandbox.requests();  // bound to a name: the loop must not outlive it
  std::vector<json> out;
  for (const auto& r : requests) {
    if (!r.value("created_key_id", std::string()).empty()) out.push_back(r);
  }
  return out;
}

// "METHOD path -> status" of every write the sandbox saw (digest challenges left out), in order.
inline std::vector<std::string> write_log(const Sandbox& sandbox) {
  std::vector<std::string> out;
  for (const auto& r : sandbox.writes()) {
    if (r["status"] == 401) continue;
    out.push_back(r["method"].get<std::string>() + " " + r["path"].get<std::string>() + " -> " +
                  std::to_string(r["status"].get<int>()));
  }
  return out;
}

// One sandbox, one file with a key to create, keyform running as kfadmin1; every run is kept.
struct Scene {
  const Family& family;
  json fixture;
  Sandbox sandbox;
  TempDir dir;
  std::map<std::string, std::string> env;
  RunHistory history;
  std::vector<std::string> learnt;  // private keys delivered during the test

  Scene(const Family& f, json org, const std::string& keys_toml = new_key_toml())
      : family(f), fixture(std::move(org)), sandbox(fixture), env(keyform_env(sandbox, kAdmin, kAdminSecret)) {
    if (family.api == "ops-manager") env.erase("MONGODB_ATLAS_BASE_URL");
    dir.write("keyform.toml", attrs::target_for(family, sandbox, "") + keys_toml);
  }

  RunResult run(const std::vector<std::string>& args) { return run_with(env, args); }

  // As the key `public_key` with `private_key` (e.g. the key a run created).
  RunResult run_as(const std::string& public_key, const std::string& private_key,
                   const std::vector<std::string>& args) {
    auto as_key = env;
    as_key["MONGODB_ATLAS_PUBLIC_API_KEY"] = public_key;
    as_key["MONGODB_ATLAS_PRIVATE_API_KEY"] = private_key;
    return run_with(as_key, args);
  }

  RunResult run_with(const std::map<std::string, std::string>& with_env, const std::vector<std::string>& args) {
    RunResult r = keyform(args, with_env, dir.path());
    for (const auto& secret : secrets_of(fixture)) {
      CHECK_MESSAGE(!contains(r.all(), secret), "a fixture private key leaked into keyform's output");
    }
    return history.add(std::move(r));
  }

  std::string path(const std::string& name) const { return dir.path() + "/" + name; }
  std::string org_path() const { return family.base_path + "/orgs/" + kOrg; }

  // The one line of a --secrets-out file, learnt as a secret.
  Delivered only_delivery(const std::string& name) {
    const auto lines = lines_of(read_file(path(name)));
    REQUIRE(lines.size() == 1);
    Delivered d = delivered_from(lines.front());
    learnt.push_back(d.private_key);
    return d;
  }

  // At the end of a test: no delivered private key in any run's output, nor in any file of the
  // scene but the places it was delivered to (`sinks`).
  void check_secrets_kept(const std::set<std::string>& sinks) const {
    history.check_none_shows(learnt);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
      if (sinks.count(entry.path().filename().string()) || !entry.is_regular_file()) continue;
      const std::string text = read_file(entry.path().string());
      for (const auto& secret : learnt) {
        CHECK_MESSAGE(!contains(text, secret), "a private key was written to " << entry.path().filename().string());
      }
    }
  }
};

}  // namespace e2e::create
