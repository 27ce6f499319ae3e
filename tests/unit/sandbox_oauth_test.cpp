// Service accounts: Basic parsing, token lifetime and the token endpoint's answers.
#include "sandbox/oauth.h"

#include <doctest/doctest.h>

namespace keyform_test_sandbox_oauth {

using namespace keyform::sandbox;
using namespace std::chrono_literals;

namespace {

// base64("mdb_sa_id_1:mdb_sa_sk_1")
const std::string good_basic = "Basic bWRiX3NhX2lkXzE6bWRiX3NhX3NrXzE=";

bool only_client_1(const BasicCredentials& c) {
  return c.user == "mdb_sa_id_1" && c.password == "mdb_sa_sk_1";
}

}  // namespace

TEST_CASE("sandbox oauth: Basic and Bearer headers") {
  auto basic = parse_basic_authorization(good_basic);
  REQUIRE(basic);
  CHECK(basic->user == "mdb_sa_id_1");
  CHECK(basic->password == "mdb_sa_sk_1");
  CHECK(parse_basic_authorization("Basic YTpi")->user == "a");  // "a:b", no padding
  CHECK_FALSE(parse_basic_authorization("Basic !!!!"));
  CHECK_FALSE(parse_basic_authorization("Basic YWJj"));  // "abc": no colon
  CHECK_FALSE(parse_basic_authorization("Bearer abc"));
  CHECK(parse_bearer_authorization("Bearer abc") == "abc");
  CHECK_FALSE(parse_bearer_authorization("Bearer "));
  CHECK_FALSE(parse_bearer_authorization(good_basic));
}

TEST_CASE("sandbox oauth: tokens expire") {
  TokenStore tokens(60s);
  const auto t0 = Clock::now();
  const std::string token = tokens.issue("mdb_sa_id_1", t0);
  CHECK(token.size() == 64);
  CHECK(tokens.client_of(token, t0 + 59s) == "mdb_sa_id_1");
  CHECK_FALSE(tokens.client_of(token, t0 + 60s));
  CHECK_FALSE(tokens.client_of("unknown", t0));
}

TEST_CASE("sandbox oauth: the token endpoint") {
  TokenStore tokens(3600s);
  TokenRequest request{"POST", good_basic, "application/x-www-form-urlencoded",
                       "grant_type=client_credentials"};

  Reply ok = token_endpoint(request, only_client_1, tokens);
  REQUIRE(ok.status == 200);
  CHECK((*ok.body)["token_type"] == "Bearer");
  CHECK((*ok.body)["expires_in"] == 3600);
  CHECK(tokens.client_of((*ok.body)["access_token"].get<std::string>()) == "mdb_sa_id_1");

  TokenRequest bad_secret = request;
  bad_secret.authorization = "Basic bWRiX3NhX2lkXzE6d3Jvbmc=";  // mdb_sa_id_1:wrong
  Reply denied = token_endpoint(bad_secret, only_client_1, tokens);
  CHECK(denied.status == 401);
  CHECK((*denied.body)["error"] == "invalid_client");

  TokenRequest json_body = request;
  json_body.content_type = "application/json";
  CHECK(token_endpoint(json_body, only_client_1, tokens).status == 400);

  TokenRequest password_grant = request;
  password_grant.body = "grant_type=password";
  CHECK((*token_endpoint(password_grant, only_client_1, tokens).body)["error"] ==
        "unsupported_grant_type");

  TokenRequest get = request;
  get.method = "GET";
  CHECK(token_endpoint(get, only_client_1, tokens).status == 405);
}

}  // namespace keyform_test_sandbox_oauth
