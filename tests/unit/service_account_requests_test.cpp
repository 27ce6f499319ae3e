#include "api/service_account_requests.h"

#include <doctest/doctest.h>

#include <regex>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace keyform_test_service_account_requests {

using namespace keyform;
using nlohmann::json;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kGroup = "6523b7e0c1b52d0f1a2b3c4d";
const std::string kSa = "mdb_sa_id_0123456789abcdef01234567";

// The service-account operations of ../shared/reference/atlas-v2-operations.json (method, path
// template, the query parameters it takes), copied verbatim: a request keyform sends must be one.
struct Operation {
  std::string method;
  std::string path;
  std::vector<std::string> query;
};
const std::vector<Operation> kV2Operations = {
    {"GET", "/api/atlas/v2/orgs/{orgId}/serviceAccounts", {"itemsPerPage", "pageNum", "includeSystemManaged"}},
    {"POST", "/api/atlas/v2/orgs/{orgId}/serviceAccounts", {}},
    {"GET", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}", {}},
    {"PATCH", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}", {}},
    {"DELETE", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}", {}},
    {"GET", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/groups", {"itemsPerPage", "pageNum"}},
    {"POST", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets", {}},
    {"DELETE", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}", {}},
    {"GET", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList", {"includeCount", "itemsPerPage", "pageNum"}},
    {"POST", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList", {"includeCount", "itemsPerPage", "pageNum"}},
    {"DELETE", "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}", {}},
    {"GET", "/api/atlas/v2/groups/{groupId}/serviceAccounts", {"itemsPerPage", "pageNum", "includeSystemManaged"}},
    {"POST", "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite", {}},
    {"PATCH", "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}", {}},
    {"DELETE", "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}", {}},
};

// Whether `request` is one of the operations: its path matches a template ({x}: one segment) and
// each query parameter is one the operation takes.
bool documented(const ApiRequest& request) {
  const std::string path = request.path.substr(0, request.path.find('?'));
  const std::string query = request.path.find('?') == std::string::npos ? "" : request.path.substr(request.path.find('?') + 1);
  for (const auto& op : kV2Operations) {
    const std::string pattern = std::regex_replace(op.path, std::regex(R"(\{[A-Za-z]+\})"), "[^/]+");
    if (op.method != request.method || !std::regex_match(path, std::regex(pattern))) continue;
    bool known = true;
    for (std::size_t start = 0; start < query.size();) {
      const std::size_t end = std::min(query.find('&', start), query.size());
      const std::string name = query.substr(start, query.find('=', start) - start);
      known = known && std::find(op.query.begin(), op.query.end(), name) != op.query.end();
      start = end + 1;
    }
    if (known) return true;
  }
  return false;
}

Principal account() { return {kSa, "", "deployer", PrincipalKind::service_account}; }

Action of(ActionKind kind) {
  Action a;
  a.kind = kind;
  a.key = account();
  return a;
}

Action with_project(ActionKind kind) {
  Action a = of(kind);
  a.project = ProjectInfo{kGroup, "payments-prod"};
  a.roles_after = {"GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"};
  return a;
}

Action with_entry(ActionKind kind, const std::string& cidr) {
  Action a = of(kind);
  a.entry = cidr;
  return a;
}

Action create_account() {
  Action a = of(ActionKind::create_service_account);
  a.key.id.clear();
  a.after = {std::string("deploys payments"), std::vector<std::string>{"ORG_MEMBER"}, std::string("deployer"), 2160};
  return a;
}

Action create_secret() {
  Action a = of(ActionKind::create_secret);
  a.after.expires_after_hours = 720;
  return a;
}

Action delete_secret() {
  Action a = of(ActionKind::delete_secret);
  a.secret = SecretInfo{"65f0c0ffee00000000000001", "2026-01-01T00:00:00Z"};
  return a;
}

Action update_account() {
  Action a = of(ActionKind::update_service_account);
  a.after.desc = "new words";
  a.after.org_roles = std::vector<std::string>{"ORG_MEMBER", "ORG_READ_ONLY"};
  return a;
}

std::vector<ApiRequest> every_request(const ApiFamily& family) {
  std::vector<ApiRequest> requests = {
      list_service_accounts_request(family, kOrg, 1),
      get_service_account_request(family, kOrg, kSa),
      list_service_account_projects_request(family, kOrg, kSa, 2),
      list_project_service_accounts_request(family, kGroup, 1),
  };
  for (const Action& a : {create_account(), update_account(), of(ActionKind::delete_service_account), create_secret(),
                          delete_secret(), with_project(ActionKind::assign), with_project(ActionKind::update_roles),
                          with_project(ActionKind::unassign)}) {
    requests.push_back(service_account_action_request(family, kOrg, a));
  }
  if (family.service_account_access_lists) {
    requests.push_back(list_service_account_access_list_request(family, kOrg, kSa, 1));
    requests.push_back(service_account_action_request(family, kOrg, with_entry(ActionKind::add_access_entry, "203.0.113.0/24")));
    requests.push_back(service_account_action_request(family, kOrg, with_entry(ActionKind::remove_access_entry, "203.0.113.0/24")));
  }
  return requests;
}

}  // namespace

TEST_CASE("service account requests: every one keyform sends on atlas-v2 is a documented operation") {
  for (const ApiRequest& request : every_request(*find_family("atlas-v2"))) {
    CAPTURE(request.method + " " + request.path);
    CHECK(documented(request));
    CHECK(request.media_type == "application/vnd.atlas.2024-08-05+json");
  }
  // The check itself can fail: a key path or an unknown query parameter is no SA operation.
  CHECK_FALSE(documented({"GET", "/api/atlas/v2/orgs/" + kOrg + "/serviceAccounts?includeCount=false", {}, ""}));
  CHECK_FALSE(documented({"DELETE", "/api/atlas/v2/orgs/" + kOrg + "/serviceAccounts/" + kSa + "/groups", {}, ""}));
}

TEST_CASE("service account requests: paths and bodies on atlas-v2") {
  const ApiFamily& v2 = *find_family("atlas-v2");
  const std::string org = "/api/atlas/v2/orgs/" + kOrg + "/serviceAccounts";
  const std::string assignment = "/api/atlas/v2/groups/" + kGroup + "/serviceAccounts/" + kSa;

  // includeSystemManaged is never sent: its default (false) keeps system-managed accounts out.
  CHECK(list_service_accounts_request(v2, kOrg, 3).path == org + "?pageNum=3&itemsPerPage=500");
  CHECK(list_service_account_projects_request(v2, kOrg, kSa, 1).path == org + "/" + kSa + "/groups?pageNum=1&itemsPerPage=500");
  CHECK(list_project_service_accounts_request(v2, kGroup, 1).path ==
        "/api/atlas/v2/groups/" + kGroup + "/serviceAccounts?pageNum=1&itemsPerPage=500");

  const ApiRequest create = service_account_action_request(v2, kOrg, create_account());
  CHECK(create.method == "POST");
  CHECK(create.path == org);
  CHECK(json::parse(*create.body) == json{{"name", "deployer"},
                                          {"description", "deploys payments"},
                                          {"roles", {"ORG_MEMBER"}},
                                          {"secretExpiresAfterHours", 2160}});

  const ApiRequest update = service_account_action_request(v2, kOrg, update_account());
  CHECK(update.method == "PATCH");
  CHECK(update.path == org + "/" + kSa);
  CHECK(json::parse(*update.body) == json{{"description", "new words"}, {"roles", {"ORG_MEMBER", "ORG_READ_ONLY"}}});

  const ApiRequest secret = service_account_action_request(v2, kOrg, create_secret());
  CHECK(secret.path == org + "/" + kSa + "/secrets");
  CHECK(json::parse(*secret.body) == json{{"secretExpiresAfterHours", 720}});
  CHECK(service_account_action_request(v2, kOrg, delete_secret()).path ==
        org + "/" + kSa + "/secrets/65f0c0ffee00000000000001");

  const ApiRequest invite = service_account_action_request(v2, kOrg, with_project(ActionKind::assign));
  CHECK(invite.method == "POST");
  CHECK(invite.path == assignment + ":invite");
  CHECK(json::parse(*invite.body) == json{{"roles", {"GROUP_CLUSTER_MANAGER", "GROUP_READ_ONLY"}}});
  const ApiRequest roles = service_account_action_request(v2, kOrg, with_project(ActionKind::update_roles));
  CHECK(roles.method == "PATCH");
  CHECK(roles.path == assignment);
  // Unassign leaves the account in the org: /groups/…, never /orgs/….
  const ApiRequest unassign = service_account_action_request(v2, kOrg, with_project(ActionKind::unassign));
  CHECK(unassign.method == "DELETE");
  CHECK(unassign.path == assignment);
  CHECK_FALSE(unassign.body);

  const ApiRequest net = service_account_action_request(v2, kOrg, with_entry(ActionKind::add_access_entry, "203.0.113.0/24"));
  CHECK(net.path == org + "/" + kSa + "/accessList");
  CHECK(json::parse(*net.body) == json::parse(R"([{"cidrBlock":"203.0.113.0/24"}])"));
  const ApiRequest host = service_account_action_request(v2, kOrg, with_entry(ActionKind::add_access_entry, "198.51.100.7/32"));
  CHECK(json::parse(*host.body) == json::parse(R"([{"ipAddress":"198.51.100.7"}])"));
  CHECK(service_account_action_request(v2, kOrg, with_entry(ActionKind::remove_access_entry, "203.0.113.0/24")).path ==
        org + "/" + kSa + "/accessList/203.0.113.0%2F24");
}

TEST_CASE("service account requests: cloud-manager's public v1.0 paths in application/json, no access lists") {
  const ApiFamily& cm = *find_family("cloud-manager");
  for (const ApiRequest& request : every_request(cm)) {
    CAPTURE(request.method + " " + request.path);
    CHECK(request.path.starts_with("/api/public/v1.0/"));
    CHECK(request.media_type == "application/json");
  }
  CHECK(service_account_action_request(cm, kOrg, with_project(ActionKind::assign)).path ==
        "/api/public/v1.0/groups/" + kGroup + "/serviceAccounts/" + kSa + ":invite");
  CHECK_THROWS_AS(list_service_account_access_list_request(cm, kOrg, kSa, 1), std::logic_error);
  CHECK_THROWS_AS(service_account_action_request(cm, kOrg, with_entry(ActionKind::add_access_entry, "203.0.113.0/24")),
                  std::logic_error);
}

TEST_CASE("service account requests: none on atlas-v1 or ops-manager, none for a key's kind or a missing field") {
  for (auto name : {"atlas-v1", "ops-manager"}) {
    CAPTURE(name);
    const ApiFamily& family = *find_family(name);
    CHECK_FALSE(family.manages_service_accounts());
    CHECK_THROWS_AS(list_service_accounts_request(family, kOrg, 1), std::logic_error);
    CHECK_THROWS_AS(service_account_action_request(family, kOrg, with_project(ActionKind::assign)), std::logic_error);
  }
  const ApiFamily& v2 = *find_family("atlas-v2");
  CHECK_THROWS_AS(service_account_action_request(v2, kOrg, of(ActionKind::delete_key)), std::logic_error);
  CHECK_THROWS_AS(service_account_action_request(v2, kOrg, of(ActionKind::create_secret)), std::logic_error);
  CHECK_THROWS_AS(service_account_action_request(v2, kOrg, of(ActionKind::delete_secret)), std::logic_error);
  // The family's one entry point sends a service account's action here.
  CHECK(action_request(v2, kOrg, with_project(ActionKind::assign)).path.ends_with(":invite"));
}

}  // namespace keyform_test_service_account_requests
