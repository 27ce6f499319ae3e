// The service-account operations: first without HTTP (bodies, statuses, state changes, roles),
// then over loopback HTTP (media types per family, the families that serve them, the secret a
// create shows once obtaining a token, access lists with %2F).
#include "sandbox/family.h"
#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"
#include "sandbox/routes.h"
#include "sandbox/service_accounts.h"
#include "sandbox_http_client.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>

namespace keyform_test_sandbox_service_account_api {

using namespace keyform::sandbox;
using namespace sandbox_test;
using nlohmann::json;

namespace {

constexpr const char* org = "5a0a1e7e0f2912c554080adc";
constexpr const char* prod = "6523b7e0c1b52d0f1a2b3c4d";
constexpr const char* dev = "6523b7e0c1b52d0f1a2b3c4e";
constexpr const char* deployer = "mdb_sa_id_65f0c0ffee0000000000aaaa";
constexpr const char* deployer_secret = "mdb_sa_sk_deployer-secret-01";
constexpr const char* owner_password = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
constexpr const char* sa_type = "application/vnd.atlas.2024-08-05+json";

// zmmrboas is ORG_OWNER; abcdefgh is a member and GROUP_OWNER of prod. The deployer is in prod.
OrgState org_state() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c4d", "name": "payments-prod"},
                 {"id": "6523b7e0c1b52d0f1a2b3c4e", "name": "payments-dev"}],
    "keys": [
      {"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas",
       "private_key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "org_roles": ["ORG_OWNER"]},
      {"id": "65f0c0ffee0000000000000b", "public_key": "abcdefgh",
       "private_key": "11111111-2222-3333-4444-555555555555", "org_roles": ["ORG_MEMBER"],
       "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_OWNER"]}}
    ],
    "service_accounts": [
      {"client_id": "mdb_sa_id_65f0c0ffee0000000000aaaa", "name": "payments-deployer",
       "description": "deploys payments",
       "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_CLUSTER_MANAGER"]},
       "secrets": [{"id": "65f0c0ffee0000000000bb01", "secret": "mdb_sa_sk_deployer-secret-01",
                    "expires_at": "2999-01-01T00:00:00Z"}]}]
  })");
}

Principal owner{Principal::Kind::api_key, "zmmrboas"};
Principal member{Principal::Kind::api_key, "abcdefgh"};

// One operation in process on atlas-v2 (family 0) or public-v1 (family 2); errors as replies.
Reply run(OrgState& state, const std::string& method, const std::string& rest,
          const std::string& body = "", const Principal& principal = owner, int family_index = 0) {
  const Family& family = families()[static_cast<std::size_t>(family_index)];
  try {
    Route route = match_route(family, method, rest);
    Query query = parse_query({}, family, route.operation);
    return execute(state, Call{family, route, query, body, "http://sandbox/x", principal});
  } catch (const ApiError& error) {
    return error_reply(error);
  }
}

std::string code(const Reply& reply) { return reply.body ? reply.body->value("errorCode", "") : ""; }
std::string accounts() { return fmt::format("/orgs/{}/serviceAccounts", org); }
std::string account(const std::string& id = deployer) { return accounts() + "/" + id; }
std::string in_project(const char* project, const std::string& id = deployer) {
  return fmt::format("/groups/{}/serviceAccounts/{}", project, id);
}

const char* create_body =
    R"({"name": "ci-runner", "description": "runs CI", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 24})";

}  // namespace

TEST_CASE("sandbox service accounts: listing and reading never show a secret in clear") {
  OrgState state = org_state();
  Reply listing = run(state, "GET", accounts());
  REQUIRE(listing.status == 200);
  CHECK(listing.content_type == sa_type);
  CHECK(listing.body->at("totalCount") == 1);
  const json& sa = listing.body->at("results")[0];
  CHECK(sa["clientId"] == deployer);
  CHECK(sa["name"] == "payments-deployer");
  CHECK(sa["description"] == "deploys payments");
  CHECK(sa["roles"] == json{"ORG_MEMBER"});
  CHECK(sa["createdAt"] == "2024-01-01T00:00:00Z");
  CHECK(sa["secrets"] == json::parse(R"([{"id": "65f0c0ffee0000000000bb01",
    "createdAt": "2024-01-01T00:00:00Z", "expiresAt": "2999-01-01T00:00:00Z", "lastUsedAt": null,
    "maskedSecretValue": "mdb_sa_sk_****t-01"}])"));
  CHECK(listing.body->dump().find(deployer_secret) == std::string::npos);
  CHECK(run(state, "GET", account()).body->at("name") == "payments-deployer");
  CHECK(code(run(state, "GET", account("mdb_sa_id_65f0c0ffee0000000000ffff"))) == "SERVICE_ACCOUNT_NOT_FOUND");
  CHECK(code(run(state, "GET", account("mdb_sa_id_1"))) == "INVALID_ATTRIBUTE");

  Reply groups = run(state, "GET", account() + "/groups");
  CHECK(groups.body->at("results") ==
        json::parse(fmt::format(R"([{{"groupId": "{}", "roles": ["GROUP_CLUSTER_MANAGER"]}}])", prod)));
  Reply members = run(state, "GET", fmt::format("/groups/{}/serviceAccounts", prod));
  REQUIRE(members.body->at("results").size() == 1);
  CHECK(members.body->at("results")[0]["roles"] == json{"GROUP_CLUSTER_MANAGER"});
  CHECK(run(state, "GET", fmt::format("/groups/{}/serviceAccounts", dev)).body->at("totalCount") == 0);
}

TEST_CASE("sandbox service accounts: create answers 201 with the secret in clear once") {
  OrgState state = org_state();
  Reply created = run(state, "POST", accounts(), create_body);
  REQUIRE(created.status == 201);
  const json& body = *created.body;
  const std::string client_id = body["clientId"];
  CHECK(std::regex_match(client_id, std::regex("mdb_sa_id_[0-9a-f]{24}")));
  CHECK(body["roles"] == json{"ORG_MEMBER"});
  REQUIRE(body["secrets"].size() == 1);
  const std::string secret = body["secrets"][0]["secret"];
  CHECK(secret.starts_with("mdb_sa_sk_"));
  const ServiceAccount* stored = state.find_service_account(client_id);
  REQUIRE(stored);
  CHECK(stored->accepts(secret, "2024-01-01T00:00:00Z"));
  CHECK(stored->secrets[0].expires_at > stored->secrets[0].created_at);
  CHECK(run(state, "GET", account(client_id)).body->dump().find(secret) == std::string::npos);
}

TEST_CASE("sandbox service accounts: bodies are checked, the 400 naming the field") {
  OrgState state = org_state();
  auto create_error = [&](json body) {
    Reply reply = run(state, "POST", accounts(), body.dump());
    CHECK(reply.status == 400);
    return reply.body->at("parameters").empty() ? code(reply)
                                                : code(reply) + " " + reply.body->at("parameters")[0].get<std::string>();
  };
  json valid = json::parse(create_body);
  auto without = [&](const char* field) { json b = valid; b.erase(field); return b; };
  auto with = [&](const char* field, json value) { json b = valid; b[field] = std::move(value); return b; };
  CHECK(create_error(without("name")) == "MISSING_ATTRIBUTE name");
  CHECK(create_error(without("description")) == "MISSING_ATTRIBUTE description");
  CHECK(create_error(without("roles")) == "MISSING_ATTRIBUTE roles");
  CHECK(create_error(without("secretExpiresAfterHours")) == "MISSING_ATTRIBUTE secretExpiresAfterHours");
  CHECK(create_error(with("name", "ci/runner")) == "INVALID_JSON_ATTRIBUTE name");
  CHECK(create_error(with("name", std::string(65, 'n'))) == "INVALID_JSON_ATTRIBUTE name");
  CHECK(create_error(with("description", "")) == "INVALID_JSON_ATTRIBUTE description");
  CHECK(create_error(with("roles", json{"GROUP_OWNER"})) == "INVALID_ENUM_VALUE GROUP_OWNER");
  CHECK(create_error(with("secretExpiresAfterHours", 0)) == "INVALID_JSON_ATTRIBUTE secretExpiresAfterHours");
  CHECK(create_error(with("secretExpiresAfterHours", "24")) == "INVALID_JSON_ATTRIBUTE secretExpiresAfterHours");
  CHECK(create_error(with("desc", "x")) == "INVALID_JSON_ATTRIBUTE desc");
  CHECK(state.service_accounts.size() == 1);  // nothing was created

  // An update checks every field before it changes any.
  Reply bad_update = run(state, "PATCH", account(), R"({"name": "renamed", "roles": ["ORG_WIZARD"]})");
  CHECK(bad_update.status == 400);
  CHECK(state.find_service_account(deployer)->name == "payments-deployer");
  CHECK(code(run(state, "POST", account() + "/secrets", R"({"hours": 1})")) == "INVALID_JSON_ATTRIBUTE");
  CHECK(code(run(state, "POST", account() + "/secrets", "{}")) == "MISSING_ATTRIBUTE");
}

TEST_CASE("sandbox service accounts: update, secrets and delete change the org") {
  OrgState state = org_state();
  Reply updated = run(state, "PATCH", account(),
                      R"({"name": "payments-ci", "description": null, "roles": ["ORG_READ_ONLY"]})");
  REQUIRE(updated.status == 200);
  CHECK(updated.body->at("name") == "payments-ci");
  CHECK(updated.body->at("description") == "deploys payments");  // null leaves it
  CHECK(updated.body->at("roles") == json{"ORG_READ_ONLY"});

  Reply secret = run(state, "POST", account() + "/secrets", R"({"secretExpiresAfterHours": 8})");
  REQUIRE(secret.status == 201);
  const std::string id = secret.body->at("id");
  CHECK(secret.body->at("secret").get<std::string>().starts_with("mdb_sa_sk_"));
  CHECK(state.find_service_account(deployer)->secrets.size() == 2);
  CHECK(run(state, "DELETE", account() + "/secrets/" + id).status == 204);
  CHECK(code(run(state, "DELETE", account() + "/secrets/" + id)) == "SERVICE_ACCOUNT_SECRET_NOT_FOUND");
  CHECK(state.find_service_account(deployer)->secrets.size() == 1);

  CHECK(run(state, "DELETE", account()).status == 204);
  CHECK(state.find_service_account(deployer) == nullptr);
  CHECK(run(state, "GET", fmt::format("/groups/{}/serviceAccounts", prod)).body->at("totalCount") == 0);
}

TEST_CASE("sandbox service accounts: invite, change and remove in a project") {
  OrgState state = org_state();
  Reply invited = run(state, "POST", in_project(dev) + ":invite", R"({"roles": ["GROUP_READ_ONLY"]})");
  REQUIRE(invited.status == 200);
  CHECK(invited.body->at("roles") == json{"GROUP_READ_ONLY"});
  CHECK(invited.body->at("clientId") == deployer);
  Reply again = run(state, "POST", in_project(dev) + ":invite", R"({"roles": ["GROUP_OWNER"]})");
  CHECK(again.status == 409);
  CHECK(code(again) == "SERVICE_ACCOUNT_ALREADY_IN_GROUP");
  CHECK(state.find_service_account(deployer)->project_roles.at(dev) == std::set<std::string>{"GROUP_READ_ONLY"});
  CHECK(code(run(state, "POST", in_project(dev) + ":invite", R"({"roles": []})")) == "MISSING_ATTRIBUTE");
  CHECK(code(run(state, "POST", in_project(dev) + ":invite", R"({"roles": ["ORG_OWNER"]})")) == "INVALID_ROLE");
  CHECK(run(state, "POST", in_project(dev) + ":invite",
            R"({"roles": ["GROUP_OWNER", "GROUP_OWNER"]})").status == 400);
  CHECK(run(state, "GET", in_project(dev) + ":invite").status == 405);

  Reply changed = run(state, "PATCH", in_project(dev), R"({"roles": ["GROUP_OWNER", "GROUP_READ_ONLY"]})");
  REQUIRE(changed.status == 200);
  CHECK(changed.body->at("roles") == json{"GROUP_OWNER", "GROUP_READ_ONLY"});
  CHECK(run(state, "DELETE", in_project(dev)).status == 204);
  CHECK(code(run(state, "DELETE", in_project(dev))) == "SERVICE_ACCOUNT_NOT_IN_GROUP");
  CHECK(code(run(state, "PATCH", in_project(dev), R"({"roles": ["GROUP_OWNER"]})")) == "SERVICE_ACCOUNT_NOT_IN_GROUP");
  CHECK(state.find_service_account(deployer) != nullptr);  // still in the org
  CHECK(code(run(state, "POST", in_project("6523b7e0c1b52d0f1a2b3c4f") + ":invite",
                 R"({"roles": ["GROUP_OWNER"]})")) == "GROUP_NOT_FOUND");
}

TEST_CASE("sandbox service accounts: writes need ORG_OWNER; project changes GROUP_OWNER there") {
  OrgState state = org_state();
  Reply create = run(state, "POST", accounts(), create_body, member);
  CHECK(create.status == 403);
  CHECK(create.body->at("detail") ==
        "API key abcdefgh lacks the Organization Owner role (ORG_OWNER), needed to create a service account.");
  CHECK(run(state, "POST", account() + "/secrets", R"({"secretExpiresAfterHours": 8})", member).status == 403);
  CHECK(run(state, "POST", in_project(prod) + ":invite", R"({"roles": ["GROUP_OWNER"]})", member).status == 403);
  CHECK(run(state, "PATCH", in_project(prod), R"({"roles": ["GROUP_READ_ONLY"]})", member).status == 200);
  CHECK(run(state, "DELETE", in_project(prod), "", member).status == 204);
  CHECK(run(state, "GET", accounts(), "", member).status == 200);

  // A service account is held to its own roles: the deployer is only ORG_MEMBER.
  Principal as_deployer{Principal::Kind::service_account, deployer};
  Reply by_account = run(state, "DELETE", account(), "", as_deployer);
  CHECK(by_account.status == 403);
  CHECK(by_account.body->at("detail").get<std::string>().starts_with("Service account " + std::string(deployer)));
}

TEST_CASE("sandbox service accounts: access lists on atlas-v2, with %2F in the path") {
  OrgState state = org_state();
  Reply added = run(state, "POST", account() + "/accessList",
                    R"([{"cidrBlock": "203.0.113.0/24"}, {"ipAddress": "198.51.100.7"}])");
  REQUIRE(added.status == 200);
  CHECK(added.body->at("totalCount") == 2);
  const json& first = added.body->at("results")[0];
  CHECK(first["cidrBlock"] == "203.0.113.0/24");
  CHECK(first.contains("createdAt"));
  CHECK(first["requestCount"] == 0);
  CHECK(added.body->at("results")[1]["ipAddress"] == "198.51.100.7");
  CHECK(run(state, "POST", account() + "/accessList", R"([{"ipAddress": "198.51.100.7"}])").status == 409);
  CHECK(run(state, "DELETE", account() + "/accessList/203.0.113.0%2F24").status == 204);
  CHECK(code(run(state, "DELETE", account() + "/accessList/203.0.113.0%2F24")) == "ACCESS_LIST_ENTRY_NOT_FOUND");
  CHECK(run(state, "GET", account() + "/accessList").body->at("totalCount") == 1);
  // Cloud Manager documents no access list for service accounts.
  CHECK(run(state, "GET", account() + "/accessList", "", owner, 2).status == 404);
  CHECK(run(state, "GET", accounts(), "", owner, 2).status == 200);
}

TEST_CASE("sandbox service accounts: only atlas-v2 and public-v1 serve them") {
  OrgState state = org_state();
  CHECK(run(state, "GET", accounts(), "", owner, 0).status == 200);
  CHECK(run(state, "GET", accounts(), "", owner, 1).status == 404);
  Reply cloud = run(state, "POST", accounts(), create_body, owner, 2);
  CHECK(cloud.status == 201);
  CHECK(cloud.content_type == "application/json");
}

TEST_CASE("sandbox service accounts over HTTP: the 2024-08-05 media type, and a new secret's token") {
  Running server(org_state());
  DigestClient admin(server, "zmmrboas", owner_password);
  const std::string v2 = "/api/atlas/v2";
  auto sa_headers = [](bool body) {
    httplib::Headers h{{"Accept", sa_type}};
    if (body) h.emplace("Content-Type", sa_type);
    return h;
  };
  auto listed = admin.send("GET", v2 + accounts(), sa_headers(false));
  REQUIRE(listed);
  CHECK(listed->status == 200);
  CHECK(listed->get_header_value("Content-Type") == sa_type);
  CHECK(admin.send("GET", v2 + accounts(), v2_headers())->status == 406);
  CHECK(admin.send("POST", v2 + accounts(), {{"Accept", sa_type}, {"Content-Type", v2_type}},
                   create_body)->status == 415);
  CHECK(admin.send("GET", "/api/public/v1.0" + accounts(), {{"Accept", "application/json"}})->status == 200);

  auto created = admin.send("POST", v2 + accounts(), sa_headers(true), create_body);
  REQUIRE(created);
  REQUIRE(created->status == 201);
  const json account_json = json::parse(created->body);
  const std::string client_id = account_json["clientId"];
  const std::string secret = account_json["secrets"][0]["secret"];

  auto http = server.client();
  http.set_basic_auth(client_id, secret);
  auto token = http.Post("/api/oauth/token", "grant_type=client_credentials",
                         "application/x-www-form-urlencoded");
  REQUIRE(token);
  REQUIRE(token->status == 200);
  httplib::Headers bearer{{"Accept", sa_type},
                          {"Authorization", "Bearer " + json::parse(token->body)["access_token"].get<std::string>()}};
  auto read = server.client().Get((v2 + accounts()).c_str(), bearer);
  REQUIRE(read);
  CHECK(read->status == 200);
  // ORG_MEMBER only: it may read, not create.
  auto write = server.client().Post((v2 + accounts()).c_str(), bearer, create_body, sa_type);
  REQUIRE(write);
  CHECK(write->status == 403);

  const json log = server.admin_get("/__sandbox/requests");
  CHECK(log.dump().find(secret) == std::string::npos);
  bool logged_create = false;
  for (const json& entry : log["requests"]) logged_create |= entry["created_key_id"] == client_id;
  CHECK(logged_create);
  CHECK(server.admin_get("/__sandbox/state").dump().find(secret) == std::string::npos);

  // Deleting the account ends its tokens.
  CHECK(admin.send("DELETE", v2 + account(client_id), {{"Accept", sa_type}})->status == 204);
  auto after = server.client().Get((v2 + accounts()).c_str(), bearer);
  REQUIRE(after);
  CHECK(after->status == 401);
}

}  // namespace keyform_test_sandbox_service_account_api
