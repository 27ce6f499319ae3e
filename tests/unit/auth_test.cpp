#include "api/auth.h"

#include <doctest/doctest.h>

#include "api/responses.h"

namespace keyform_test_auth {

using namespace keyform;
using std::chrono::seconds;

namespace {
const SteadyTime t0{};
AccessToken token(long lifetime) { return {"tok", seconds(lifetime), t0}; }
}  // namespace

TEST_CASE("a token is renewed when less than a quarter of its life, at most 60 s, is left") {
  CHECK_FALSE(needs_renewal(token(3600), t0 + seconds(3539)));
  CHECK(needs_renewal(token(3600), t0 + seconds(3540)));  // 60 s left: the cap
  CHECK_FALSE(needs_renewal(token(100), t0 + seconds(74)));
  CHECK(needs_renewal(token(100), t0 + seconds(75)));  // a quarter left
  CHECK(needs_renewal(token(100), t0 + seconds(500)));
}

TEST_CASE("token responses") {
  const AccessToken t = parse_token_response(R"({"access_token":"abc","expires_in":3600,"token_type":"Bearer"})", t0);
  CHECK(t.value == "abc");
  CHECK(t.lifetime == seconds(3600));
  for (const char* bad : {"", "[]", R"({"expires_in":3600})", R"({"access_token":"","expires_in":3600})",
                          R"({"access_token":"a","expires_in":0})", R"({"access_token":"a","expires_in":"3600"})",
                          R"({"access_token":"a","expires_in":60,"token_type":"MAC"})"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(parse_token_response(bad, t0), ResponseError);
  }
}

TEST_CASE("bearer auth fetches once, renews on schedule, and once after a 401") {
  SteadyTime now = t0;
  int fetched = 0;
  BearerAuth auth([&] { ++fetched; return AccessToken{"tok" + std::to_string(fetched), seconds(100), now}; },
                  [&] { return now; });
  CHECK(auth.headers() == std::vector<std::string>{"Authorization: Bearer tok1"});
  now += seconds(70);
  CHECK(auth.headers() == std::vector<std::string>{"Authorization: Bearer tok1"});
  CHECK(auth.fetch_count() == 1);
  now += seconds(5);  // 25 s left of 100: renew
  CHECK(auth.headers() == std::vector<std::string>{"Authorization: Bearer tok2"});
  CHECK(auth.fetch_count() == 2);

  const std::vector<std::string> rejected = auth.headers();
  CHECK(auth.renew_after_unauthorized(rejected));
  CHECK(auth.headers() == std::vector<std::string>{"Authorization: Bearer tok3"});
  // A concurrent call rejected with the old token just retries with the new one.
  CHECK(auth.renew_after_unauthorized(rejected));
  CHECK(auth.headers() == std::vector<std::string>{"Authorization: Bearer tok3"});
  CHECK_FALSE(auth.renew_after_unauthorized(auth.headers()));  // a fresh token rejected again: give up
  CHECK(auth.fetch_count() == 3);
}

TEST_CASE("digest auth adds nothing and never retries") {
  DigestAuth auth;
  CHECK(auth.headers().empty());
  CHECK_FALSE(auth.renew_after_unauthorized({}));
}

}  // namespace keyform_test_auth
