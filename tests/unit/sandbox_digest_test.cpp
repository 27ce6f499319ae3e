// Server-side digest authentication: the MD5 helper, header parsing, and the nonce rules.
#include "sandbox/digest.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace keyform_test_sandbox_digest {

using namespace keyform::sandbox;
using namespace std::chrono_literals;

namespace {

std::string nonce_of(const std::string& challenge) {
  const std::string marker = "nonce=\"";
  auto start = challenge.find(marker) + marker.size();
  return challenge.substr(start, challenge.find('"', start) - start);
}

// What a well-behaved client sends for `target` with the given nonce and count.
DigestCredentials answer(const std::string& nonce, const std::string& nc, const std::string& target,
                         const std::string& password, const std::string& method = "GET") {
  DigestCredentials c{
      "zmmrboas", std::string(digest_realm), nonce, target, "", "auth", nc, "0a4f113b", "MD5"};
  c.response = digest_response(c, password, method);
  return c;
}

const std::optional<std::string> password = std::string("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
const std::string target = "/api/atlas/v2/orgs/5a0a1e7e0f2912c554080adc/apiKeys?pageNum=1";

}  // namespace

TEST_CASE("sandbox digest: md5_hex matches known vectors") {
  CHECK(md5_hex("") == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(md5_hex("abc") == "900150983cd24fb0d6963f7d28e17f72");
}

TEST_CASE("sandbox digest: digest_response reproduces the RFC 2617 example") {
  DigestCredentials c{"Mufasa",
                      "testrealm@host.com",
                      "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                      "/dir/index.html",
                      "",
                      "auth",
                      "00000001",
                      "0a4f113b",
                      ""};
  CHECK(digest_response(c, "Circle Of Life", "GET") == "6629fae49393a05397450978507c4ef1");
}

TEST_CASE("sandbox digest: parsing the Authorization header") {
  auto c = parse_digest_authorization(
      R"(Digest username="zmmrboas", realm="MMS Public API", nonce="abc", uri="/x?a=1,b", )"
      R"(cnonce="c\"n", nc=00000001, qop=auth, response="0123", algorithm=MD5)");
  REQUIRE(c);
  CHECK(c->username == "zmmrboas");
  CHECK(c->uri == "/x?a=1,b");
  CHECK(c->cnonce == "c\"n");
  CHECK(c->nc == "00000001");
  CHECK(c->qop == "auth");
  CHECK(c->algorithm == "MD5");

  CHECK_FALSE(parse_digest_authorization(""));
  CHECK_FALSE(parse_digest_authorization("Basic Zm9vOmJhcg=="));
  CHECK_FALSE(parse_digest_authorization(
      R"(Digest username="u", realm="r", nonce="n", uri="/")"));  // no qop etc.
  CHECK_FALSE(parse_digest_authorization(R"(Digest username="u", username="v")"));
  CHECK_FALSE(parse_digest_authorization(R"(Digest username="unterminated)"));
}

TEST_CASE("sandbox digest: challenge format") {
  DigestAuth auth(300s);
  const std::string challenge = auth.challenge(false);
  CHECK(challenge.starts_with(R"(Digest realm="MMS Public API", domain="", nonce=")"));
  CHECK(challenge.ends_with(R"(", algorithm=MD5, qop="auth", stale=false)"));
  CHECK(nonce_of(challenge).size() == 32);
  CHECK(auth.challenge(true).ends_with("stale=true"));
  CHECK(nonce_of(auth.challenge(false)) != nonce_of(challenge));
}

TEST_CASE("sandbox digest: verification rules") {
  DigestAuth auth(300s);
  const auto t0 = Clock::now();
  const std::string nonce = nonce_of(auth.challenge(false, t0));

  SUBCASE("a correct answer is accepted and the nonce can be reused with a higher nc") {
    CHECK(auth.verify(answer(nonce, "00000001", target, *password), "GET", target, password, t0) ==
          DigestVerdict::accepted);
    CHECK(auth.verify(answer(nonce, "00000002", target, *password), "GET", target, password, t0) ==
          DigestVerdict::accepted);
    CHECK(auth.verify(answer(nonce, "0000000a", target, *password), "GET", target, password, t0) ==
          DigestVerdict::accepted);
  }
  SUBCASE("replaying an nc, or going backwards, is rejected") {
    CHECK(auth.verify(answer(nonce, "00000002", target, *password), "GET", target, password, t0) ==
          DigestVerdict::accepted);
    CHECK(auth.verify(answer(nonce, "00000002", target, *password), "GET", target, password, t0) ==
          DigestVerdict::replayed);
    CHECK(auth.verify(answer(nonce, "00000001", target, *password), "GET", target, password, t0) ==
          DigestVerdict::replayed);
  }
  SUBCASE("a wrong password or an unknown user is rejected") {
    CHECK(auth.verify(answer(nonce, "00000001", target, "wrong-password"), "GET", target, password,
                      t0) == DigestVerdict::bad_credentials);
    CHECK(auth.verify(answer(nonce, "00000001", target, *password), "GET", target, std::nullopt,
                      t0) == DigestVerdict::bad_credentials);
    // A failed attempt does not use up the nc.
    CHECK(auth.verify(answer(nonce, "00000001", target, *password), "GET", target, password, t0) ==
          DigestVerdict::accepted);
  }
  SUBCASE("a nonce the server never issued is rejected") {
    CHECK(auth.verify(answer("feedfacefeedfacefeedfacefeedface", "00000001", target, *password),
                      "GET", target, password, t0) == DigestVerdict::unknown_nonce);
  }
  SUBCASE("the uri must be the request's target, and the method must match") {
    const std::string other = "/api/atlas/v2/orgs/5a0a1e7e0f2912c554080adc/apiKeys?pageNum=2";
    CHECK(auth.verify(answer(nonce, "00000001", other, *password), "GET", target, password, t0) ==
          DigestVerdict::wrong_uri);
    CHECK(auth.verify(answer(nonce, "00000001", target, *password, "GET"), "DELETE", target,
                      password, t0) == DigestVerdict::bad_credentials);
  }
  SUBCASE("qop, realm, algorithm and nc format are checked") {
    auto c = answer(nonce, "00000001", target, *password);
    c.algorithm = "SHA-256";
    CHECK(auth.verify(c, "GET", target, password, t0) == DigestVerdict::unsupported);
    c = answer(nonce, "1", target, *password);  // nc must be 8 hex digits
    CHECK(auth.verify(c, "GET", target, password, t0) == DigestVerdict::unsupported);
    c = answer(nonce, "00000001", target, *password);
    c.qop = "auth-int";
    c.response = digest_response(c, *password, "GET");
    CHECK(auth.verify(c, "GET", target, password, t0) == DigestVerdict::unsupported);
    c = answer(nonce, "00000001", target, *password);
    c.realm = "other";
    c.response = digest_response(c, *password, "GET");
    CHECK(auth.verify(c, "GET", target, password, t0) == DigestVerdict::unsupported);
  }
  SUBCASE("an expired nonce is stale when the answer is otherwise right") {
    const auto later = t0 + 301s;
    CHECK(auth.verify(answer(nonce, "00000001", target, *password), "GET", target, password,
                      later) == DigestVerdict::stale);
    CHECK(auth.verify(answer(nonce, "00000001", target, "wrong-password"), "GET", target, password,
                      later) == DigestVerdict::bad_credentials);
    CHECK(auth.verify(answer(nonce, "00000001", target, *password), "GET", target, password,
                      t0 + 300s) == DigestVerdict::accepted);
  }
}

}  // namespace keyform_test_sandbox_digest
