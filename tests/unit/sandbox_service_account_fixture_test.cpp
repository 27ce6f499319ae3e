// Service accounts in the sandbox's fixture: the full form (name, roles, projects, access list,
// secrets with expiry) and the older login-only form; which secrets obtain OAuth tokens.
#include "sandbox/fixture.h"
#include "sandbox/ids.h"
#include "sandbox/timestamps.h"
#include "sandbox_http_client.h"

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

namespace keyform_test_sandbox_service_account_fixture {

using namespace keyform::sandbox;
using nlohmann::json;

namespace {

constexpr const char* client_id = "mdb_sa_id_65f0c0ffee0000000000aaaa";
constexpr const char* live_secret = "mdb_sa_sk_live-secret-0001";
constexpr const char* expired_secret = "mdb_sa_sk_expired-secret-02";

json fixture_with_account() {
  return json::parse(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c4d", "name": "payments-prod"}],
    "keys": [],
    "service_accounts": [
      {"client_id": "mdb_sa_id_65f0c0ffee0000000000aaaa", "name": "payments-deployer",
       "description": "deploys payments", "org_roles": ["ORG_OWNER"],
       "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_CLUSTER_MANAGER"]},
       "access_list": ["203.0.113.0/24"],
       "secrets": [
         {"id": "65f0c0ffee0000000000bb01", "secret": "mdb_sa_sk_live-secret-0001",
          "expires_at": "2999-01-01T00:00:00Z"},
         {"id": "65f0c0ffee0000000000bb02", "secret": "mdb_sa_sk_expired-secret-02",
          "expires_at": "2000-01-01T00:00:00Z"}]},
      {"client_id": "mdb_sa_id_1", "client_secret": "mdb_sa_sk_1"}]
  })");
}

std::string error_of(const json& fixture) {
  try {
    parse_fixture(fixture.dump());
    return "";
  } catch (const FixtureError& error) {
    return error.what();
  }
}

json& account(json& fixture) { return fixture["service_accounts"][0]; }

}  // namespace

TEST_CASE("sandbox service-account fixture: the full form loads with its roles, projects and secrets") {
  const OrgState state = parse_fixture(fixture_with_account().dump());
  const ServiceAccount* sa = state.find_service_account(client_id);
  REQUIRE(sa);
  CHECK_FALSE(sa->login_only);
  CHECK(sa->name == "payments-deployer");
  CHECK(sa->description == "deploys payments");
  CHECK(sa->org_roles == std::vector<std::string>{"ORG_OWNER"});
  CHECK(sa->project_roles.at("6523b7e0c1b52d0f1a2b3c4d") ==
        std::set<std::string>{"GROUP_CLUSTER_MANAGER"});
  REQUIRE(sa->access_list.size() == 1);
  REQUIRE(sa->secrets.size() == 2);
  CHECK(sa->secrets[0].expires_at == "2999-01-01T00:00:00Z");
  CHECK(state.find_service_account("mdb_sa_id_1")->login_only);

  json minimal = fixture_with_account();
  for (const char* field : {"org_roles", "projects", "access_list", "secrets"}) account(minimal).erase(field);
  const OrgState bare_state = parse_fixture(minimal.dump());
  const ServiceAccount* bare = bare_state.find_service_account(client_id);
  CHECK(bare->org_roles == std::vector<std::string>{"ORG_MEMBER"});
  CHECK(bare->secrets.empty());
}

TEST_CASE("sandbox service-account fixture: bad entries are refused naming the place") {
  auto with = [](const char* field, json value) {
    json f = fixture_with_account();
    account(f)[field] = std::move(value);
    return error_of(f);
  };
  CHECK(with("client_id", "mdb_sa_id_65f0") ==
        "service_accounts[0].client_id: \"mdb_sa_id_65f0\" is not \"mdb_sa_id_\" and 24 hex digits");
  CHECK(with("name", "pay/ments") ==
        "service_accounts[0].name: expected 1 to 64 letters, digits, spaces or -_.,'");
  CHECK(with("name", std::string(65, 'a')).starts_with("service_accounts[0].name: expected 1 to 64"));
  CHECK(with("name", std::string(64, 'a')) == "");
  CHECK(with("name", "zahlungsdienst Über") == "");  // letters beyond ASCII
  CHECK(with("description", std::string(251, 'd')).starts_with("service_accounts[0].description"));
  CHECK(with("org_roles", json{"ORG_WIZARD"}) ==
        "service_accounts[0].org_roles: invalid role \"ORG_WIZARD\"");
  CHECK(with("projects", json{{"6523b7e0c1b52d0f1a2b3c4f", {"GROUP_READ_ONLY"}}}) ==
        "service_accounts[0].projects.6523b7e0c1b52d0f1a2b3c4f: no such project in \"projects\"");
  CHECK(with("access_list", json{"300.0.0.1"}).starts_with("service_accounts[0].access_list[0]"));
  CHECK(with("colour", "red") == "service_accounts[0]: unknown field \"colour\"");
  CHECK(with("secrets", json{{{"id", "65f0c0ffee0000000000bb01"}, {"secret", "short"},
                              {"expires_at", "2999-01-01T00:00:00Z"}}}) ==
        "service_accounts[0].secrets[0].secret: must be at least 16 characters");
  CHECK(with("secrets", json{{{"id", "65f0c0ffee0000000000bb01"}, {"secret", live_secret},
                              {"expires_at", "2999-01-01"}}}) ==
        "service_accounts[0].secrets[0].expires_at: expected a UTC timestamp like "
        "\"2030-01-01T00:00:00Z\"");
  json shared_secret_id = fixture_with_account();
  json other = account(shared_secret_id);
  other["client_id"] = "mdb_sa_id_65f0c0ffee0000000000cccc";
  other["secrets"].erase(1);
  shared_secret_id["service_accounts"].push_back(other);
  CHECK(error_of(shared_secret_id) == "fixture: duplicate secret id \"65f0c0ffee0000000000bb01\"");
  json twice = fixture_with_account();
  twice["service_accounts"].push_back(account(twice));
  CHECK(error_of(twice) == "fixture: duplicate client id \"mdb_sa_id_65f0c0ffee0000000000aaaa\"");
}

TEST_CASE("sandbox service-account fixture: only live, unexpired secrets are accepted") {
  const OrgState state = parse_fixture(fixture_with_account().dump());
  const ServiceAccount& sa = *state.find_service_account(client_id);
  const std::string now = utc_now();
  CHECK(sa.accepts(live_secret, now));
  CHECK_FALSE(sa.accepts(expired_secret, now));
  CHECK_FALSE(sa.accepts("mdb_sa_sk_1", now));
  // Expiry is exclusive: a secret is dead at the second it expires.
  CHECK_FALSE(sa.accepts(live_secret, "2999-01-01T00:00:00Z"));
  CHECK(sa.accepts(live_secret, "2998-12-31T23:59:59Z"));
  CHECK(state.find_service_account("mdb_sa_id_1")->accepts("mdb_sa_sk_1", now));
}

TEST_CASE("sandbox service-account fixture: public_state lists full accounts without secrets") {
  const json state = public_state(parse_fixture(fixture_with_account().dump()));
  REQUIRE(state["service_accounts"].size() == 1);  // the login-only account is not shown
  CHECK(state["service_accounts"][0] == json::parse(R"({
    "client_id": "mdb_sa_id_65f0c0ffee0000000000aaaa", "name": "payments-deployer",
    "description": "deploys payments", "org_roles": ["ORG_OWNER"],
    "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_CLUSTER_MANAGER"]},
    "access_list": ["203.0.113.0/24"],
    "secrets": [{"id": "65f0c0ffee0000000000bb01", "expires_at": "2999-01-01T00:00:00Z"},
                {"id": "65f0c0ffee0000000000bb02", "expires_at": "2000-01-01T00:00:00Z"}]})"));
  const std::string text = state.dump();
  CHECK(text.find("live-secret") == std::string::npos);
  CHECK(text.find("expired-secret") == std::string::npos);
}

TEST_CASE("sandbox service-account fixture: the token endpoint takes live secrets only") {
  sandbox_test::Running server(parse_fixture(fixture_with_account().dump()));
  auto token_status = [&](const char* id, const char* secret) {
    auto http = server.client();
    http.set_basic_auth(id, secret);
    auto response = http.Post("/api/oauth/token", "grant_type=client_credentials",
                              "application/x-www-form-urlencoded");
    REQUIRE(response);
    return response->status;
  };
  CHECK(token_status(client_id, live_secret) == 200);
  CHECK(token_status(client_id, expired_secret) == 401);
  CHECK(token_status(client_id, "mdb_sa_sk_1") == 401);
  CHECK(token_status("mdb_sa_id_1", "mdb_sa_sk_1") == 200);
}

TEST_CASE("sandbox timestamps: the one shape, and time order as text order") {
  CHECK(is_utc_timestamp("2024-01-01T00:00:00Z"));
  CHECK_FALSE(is_utc_timestamp("2024-13-01T00:00:00Z"));
  CHECK_FALSE(is_utc_timestamp("2024-01-01T00:00:00+00:00"));
  CHECK_FALSE(is_utc_timestamp("2024-01-01 00:00:00Z"));
  CHECK(utc_timestamp(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00Z");
  CHECK(is_client_id("mdb_sa_id_0123456789abcdefABCDEF01"));
  CHECK_FALSE(is_client_id("mdb_sa_id_0123456789abcdefABCDEF0g"));
}

}  // namespace keyform_test_sandbox_service_account_fixture
