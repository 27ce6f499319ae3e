// The example org (examples/sandbox-org.json) and the credentials of its keys, shared by the
// end-to-end tests.
#pragma once

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "harness.h"

namespace e2e {

inline const std::string kOrg = "5a0a1e7e0f2912c554080adc";
inline const std::string kProd = "6523b7e0c1b52d0f1a2b3c4d";
inline const std::string kStaging = "6523b7e0c1b52d0f1a2b3c4e";
inline const std::string kAnalytics = "6523b7e0c1b52d0f1a2b3c4f";
inline const std::string kLegacy = "6523b7e0c1b52d0f1a2b3c50";
inline const std::string kAdmin = "kfadmin1";
inline const std::string kAdminSecret = "9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01";

inline nlohmann::json example_org() { return nlohmann::json::parse(read_file(source_path("examples/sandbox-org.json"))); }

// Every private key in a fixture: none may ever appear in keyform's output.
inline std::vector<std::string> secrets_of(const nlohmann::json& fixture) {
  std::vector<std::string> out;
  for (const auto& key : fixture["keys"]) out.push_back(key["private_key"]);
  return out;
}

// Neither a fixture's private key nor its last 12 characters (the API's masked form) in a run's output.
inline void check_no_secrets(const RunResult& r, const nlohmann::json& fixture) {
  for (const auto& secret : secrets_of(fixture)) {
    CHECK_MESSAGE(r.all().find(secret) == std::string::npos, "a private key leaked into keyform's output");
    CHECK(r.all().find(secret.substr(secret.size() - 12)) == std::string::npos);
  }
}

inline std::string target_toml(const std::string& extra_policy = "") {
  return "[target]\napi = \"atlas-v2\"\norg_id = \"" + kOrg + "\"\n\n[policy]\n" + extra_policy + "\n";
}

// The sandbox state once examples/keyform.toml has been applied to examples/sandbox-org.json.
inline void check_matches_example_config(const nlohmann::json& state) {
  using nlohmann::json;
  CHECK(assignments(state, "zmmrboas") ==
        json{{kProd, {"GROUP_READ_ONLY"}}, {kStaging, {"GROUP_CLUSTER_MANAGER", "GROUP_OWNER"}}});
  CHECK(assignments(state, "analyst1") == json{{kAnalytics, {"GROUP_DATA_ACCESS_READ_ONLY", "GROUP_READ_ONLY"}}});
  CHECK_FALSE(has_key(state, "oldci001"));                                 // state = "absent"
  CHECK(assignments(state, "contrac1") == json::object());                 // undeclared: unassigned
  CHECK(assignments(state, "breakgl1") == json{{kProd, {"GROUP_OWNER"}}});  // protected: untouched
  CHECK(assignments(state, kAdmin) == json{{kProd, {"GROUP_OWNER"}}});      // keyform's own key
}

}  // namespace e2e
