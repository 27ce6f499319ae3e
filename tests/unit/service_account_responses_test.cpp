#include "api/service_account_responses.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace keyform_test_service_account_responses {

using namespace keyform;
using nlohmann::json;

namespace {

const std::string kSa = "mdb_sa_id_0123456789abcdef01234567";
const std::string kValue = "mdb_sa_sk_0f1e2d3c4b5a69788796a5b4c3d2e1f0";

json secret(const std::string& id, std::optional<std::string> value = std::nullopt) {
  json s{{"id", id}, {"createdAt", "2026-01-01T00:00:00Z"}, {"expiresAt", "2026-04-01T00:00:00Z"},
         {"lastUsedAt", nullptr}, {"maskedSecretValue", "mdb_sa_sk_****e1f0"}};
  if (value) s["secret"] = *value;
  return s;
}

json created(json secrets) {
  return {{"clientId", kSa}, {"name", "deployer"}, {"description", "d"}, {"roles", {"ORG_MEMBER"}},
          {"createdAt", "2026-01-01T00:00:00Z"}, {"secrets", std::move(secrets)}};
}

std::string failure(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const ResponseError& e) {
    return e.what();
  }
  FAIL("the parse did not fail");
  return "";
}

}  // namespace

TEST_CASE("service accounts page: fields, sorted roles, secrets, totalCount, and envelopes") {
  const json body{{"results", {created({secret("65f0c0ffee00000000000001")})}}, {"totalCount", 7}};
  const Page<LiveServiceAccount> page = parse_service_accounts_page(body.dump());
  CHECK(page.total_count == 7);
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].client_id == kSa);
  CHECK(page.items[0].secrets.at(0).expires_at == "2026-04-01T00:00:00Z");
  const LiveServiceAccount one = parse_service_account_response(json{{"status", 200}, {"content", created(json::array())}}.dump());
  CHECK(one.client_id == kSa);
  CHECK(one.org_roles == std::vector<std::string>{"ORG_MEMBER"});
}

TEST_CASE("service accounts page: what the spec does not allow is an error, escaped") {
  CHECK(failure([] { parse_service_accounts_page(R"({"results":[{"name":"x"}]})"); }) == "missing field \"clientId\"");
  CHECK(failure([] { parse_service_accounts_page(R"({"results":[{"clientId":"a\u001b","roles":"ORG_OWNER"}]})"); }) ==
        "service account a\\x1b: \"roles\" is not an array");
  CHECK(failure([] { parse_service_accounts_page(R"({"results":[{"clientId":"a","secrets":[{"id":"s"}]}]})"); }) ==
        "missing field \"expiresAt\"");
}

TEST_CASE("project roles pages: by project of an account, by account of a project") {
  const auto projects = parse_service_account_projects_page(
      R"({"results":[{"groupId":"6523b7e0c1b52d0f1a2b3c4d","roles":["GROUP_OWNER","GROUP_OWNER","GROUP_READ_ONLY"]}],"totalCount":1})");
  REQUIRE(projects.items.size() == 1);
  CHECK(projects.items[0].id == "6523b7e0c1b52d0f1a2b3c4d");
  CHECK(projects.items[0].roles == std::vector<std::string>{"GROUP_OWNER", "GROUP_READ_ONLY"});
  const auto members = parse_project_service_accounts_page(json{{"results", {created(json::array())}}}.dump());
  CHECK(members.items.at(0).id == kSa);
  CHECK_FALSE(members.total_count.has_value());
  CHECK_THROWS_AS(parse_service_account_projects_page(R"({"results":[{"roles":[]}]})"), ResponseError);
}

TEST_CASE("a created account: its client id, name and first secret in clear") {
  const CreatedSecret c = parse_created_service_account(created({secret("65f0c0ffee00000000000099", kValue)}).dump());
  CHECK(c.client_id == kSa);
  CHECK(c.name == "deployer");
  CHECK(c.secret_id == "65f0c0ffee00000000000099");
  CHECK(c.expires_at == "2026-04-01T00:00:00Z");
  CHECK(c.secret.reveal() == kValue);
}

TEST_CASE("a created account or secret without its value in clear is an error that never names it") {
  CHECK(failure([] { parse_created_service_account(created(json::array()).dump()); }) ==
        "the created service account " + kSa + " comes without a secret");
  CHECK(failure([] { parse_created_service_account(created({secret("s")}).dump()); })
            .find("comes without its secret's value") != std::string::npos);
  const std::string masked = failure([] { parse_created_secret(secret("s", "mdb_sa_sk_****e1f0").dump(), kSa, "n"); });
  CHECK(masked == "the created secret of service account " + kSa + " comes with its secret masked");
  // The id is still found, so that what was made can be taken back.
  CHECK(created_client_id(created({secret("s", kValue)}).dump()) == kSa);
  CHECK(created_secret_id(secret("65f0c0ffee00000000000099", kValue).dump()) == "65f0c0ffee00000000000099");
  CHECK(created_client_id("not json") == "");
}

TEST_CASE("a created secret: id, expiry and value; the account's client id and name from the caller") {
  const CreatedSecret c = parse_created_secret(secret("65f0c0ffee00000000000077", kValue).dump(), kSa, "deployer");
  CHECK(c.client_id == kSa);
  CHECK(c.name == "deployer");
  CHECK(c.secret_id == "65f0c0ffee00000000000077");
  CHECK(c.secret.reveal() == kValue);
}

}  // namespace keyform_test_service_account_responses
