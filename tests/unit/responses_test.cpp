#include "api/responses.h"

#include <doctest/doctest.h>

namespace keyform_test_responses {

using namespace keyform;

namespace {
const char* kKeysPage = R"({
  "results": [
    {"id": "65f0c0ffee0000000000000a", "publicKey": "abcdefgh", "desc": "CI", "privateKey": "********-****-****-1234",
     "roles": [{"orgId": "5a0a1e7e0f2912c554080adc", "roleName": "ORG_OWNER"},
               {"orgId": "5a0a1e7e0f2912c554080adc", "roleName": "ORG_MEMBER"},
               {"orgId": "5a0a1e7e0f2912c554080adc", "roleName": "ORG_OWNER"},
               {"groupId": "6523b7e0c1b52d0f1a2b3c4d", "roleName": "GROUP_READ_ONLY"},
               {"groupId": "6523b7e0c1b52d0f1a2b3c4d", "roleName": "GROUP_OWNER"},
               {"groupId": "6523b7e0c1b52d0f1a2b3c4e", "roleName": "GROUP_OWNER"}]},
    {"id": "65f0c0ffee0000000000000b", "publicKey": "ijklmnop", "roles": []}
  ],
  "totalCount": 7, "links": []})";
}

TEST_CASE("a keys page gives every key's project roles and org roles, sorted and unique") {
  const Page<LiveKey> page = parse_keys_page(kKeysPage);
  CHECK(page.total_count == 7);
  REQUIRE(page.items.size() == 2);
  const LiveKey& k = page.items[0];
  CHECK(k.id == "65f0c0ffee0000000000000a");
  CHECK(k.public_key == "abcdefgh");
  CHECK(k.desc == "CI");
  CHECK(k.project_roles.size() == 2);
  CHECK(k.project_roles.at("6523b7e0c1b52d0f1a2b3c4d") == std::vector<std::string>{"GROUP_OWNER", "GROUP_READ_ONLY"});
  CHECK(page.items[1].desc.empty());
  CHECK(page.items[1].project_roles.empty());
  CHECK(k.org_roles == std::vector<std::string>{"ORG_MEMBER", "ORG_OWNER"});
  CHECK(page.items[1].org_roles.empty());
}

TEST_CASE("a projects page") {
  const Page<LiveProject> page = parse_projects_page(
      R"({"results":[{"id":"6523b7e0c1b52d0f1a2b3c4d","name":"payments-prod","orgId":"x"}]})");
  CHECK_FALSE(page.total_count.has_value());
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].name == "payments-prod");
}

TEST_CASE("envelope=true list pages (a status beside results) parse the same") {
  const Page<LiveProject> page =
      parse_projects_page(R"({"status":200,"results":[{"id":"6523b7e0c1b52d0f1a2b3c4d","name":"p"}],"totalCount":1})");
  CHECK(page.items.size() == 1);
  CHECK(page.total_count == 1);
}

TEST_CASE("malformed pages are refused, not half-read") {
  const char* bad[] = {
      "",
      "<html>502 Bad Gateway</html>",
      R"({"results": [)",
      R"([1,2])",
      R"({"totalCount": 1})",
      R"({"results": {}})",
      R"({"results": [1]})",
      R"({"results": [{"publicKey": "abcdefgh"}]})",
      R"({"results": [{"id": 5, "publicKey": "abcdefgh"}]})",
      R"({"results": [{"id": "x", "publicKey": "abcdefgh", "roles": "GROUP_OWNER"}]})",
      R"({"results": [{"id": "x", "publicKey": "abcdefgh", "roles": [{"groupId": "g"}]}]})",
      R"({"results": [], "totalCount": "many"})",
      R"({"results": [], "totalCount": -1})",
  };
  for (const char* body : bad) {
    CAPTURE(body);
    CHECK_THROWS_AS(parse_keys_page(body), ResponseError);
  }
}

TEST_CASE("error bodies give errorCode and detail, also inside an envelope") {
  ApiErrorBody e = parse_error_body(
      R"({"detail":"No API key with ID x exists.","error":404,"errorCode":"API_KEY_NOT_FOUND","parameters":[],"reason":"Not Found"})");
  CHECK(e.error_code == "API_KEY_NOT_FOUND");
  CHECK(e.detail == "No API key with ID x exists.");
  e = parse_error_body(R"({"status":404,"content":{"errorCode":"GROUP_NOT_FOUND","detail":"d"}})");
  CHECK(e.error_code == "GROUP_NOT_FOUND");
  CHECK(parse_error_body("").error_code.empty());
  CHECK(parse_error_body("not json").detail.empty());
  CHECK(parse_error_body(R"({"errorCode": 5})").error_code.empty());
}

TEST_CASE("OAuth error bodies") {
  const ApiErrorBody e = parse_error_body(R"({"error":"invalid_client","error_description":"Client authentication failed."})");
  CHECK(e.error_code == "invalid_client");
  CHECK(e.detail == "Client authentication failed.");
}

TEST_CASE("envelope=true: the real status is read from the body") {
  CHECK(enveloped_status(R"({"status":404,"content":{"errorCode":"API_KEY_NOT_FOUND"}})") == 404);
  CHECK(enveloped_status(R"({"status":204,"content":{}})") == 204);
  CHECK(enveloped_status(R"({"status":200,"results":[],"totalCount":0})") == 200);
  CHECK_FALSE(enveloped_status("").has_value());  // 204 / empty 200 bodies
  CHECK_FALSE(enveloped_status("{}").has_value());
  CHECK_FALSE(enveloped_status(R"({"id":"x","status":"ACTIVE"})").has_value());  // an ordinary object
  CHECK_FALSE(enveloped_status(R"({"status":200})").has_value());
}

TEST_CASE("an enveloped single object is unwrapped before parsing") {
  const Page<LiveProject> page = parse_projects_page(
      R"({"status":200,"content":{"results":[{"id":"6523b7e0c1b52d0f1a2b3c4d","name":"p"}],"totalCount":1}})");
  CHECK(page.items.size() == 1);
}

TEST_CASE("a created key's answer gives its id, public key and the private key in clear") {
  const std::string body =
      R"({"id":"65f0c0ffee00000000000009","desc":"CI deployer","publicKey":"newkey01",)"
      R"("privateKey":"b1946ac9-2f3e-4c1d-9d2a-0123456789ab","roles":[{"orgId":"5a0a1e7e0f2912c554080adc",)"
      R"("roleName":"ORG_MEMBER"}],"links":[]})";
  const CreatedKey key = parse_created_key(body, "5a0a1e7e0f2912c554080adc");
  CHECK(key.id == "65f0c0ffee00000000000009");
  CHECK(key.public_key == "newkey01");
  CHECK(key.private_key.reveal() == "b1946ac9-2f3e-4c1d-9d2a-0123456789ab");
  // ?envelope=true wraps it.
  const CreatedKey wrapped = parse_created_key(R"({"status":200,"content":)" + body + "}");
  CHECK(wrapped.private_key.reveal() == "b1946ac9-2f3e-4c1d-9d2a-0123456789ab");
}

TEST_CASE("a created key's answer without a usable private key is refused, without echoing it") {
  const std::string head = R"({"id":"65f0c0ffee00000000000009","desc":"x","publicKey":"newkey01")";
  CHECK_THROWS_WITH_AS(parse_created_key(head + "}"), doctest::Contains("comes without its \"privateKey\""),
                       ResponseError);
  CHECK_THROWS_WITH_AS(parse_created_key(head + R"(,"privateKey":""})"), doctest::Contains("without"), ResponseError);
  CHECK_THROWS_WITH_AS(parse_created_key(head + R"(,"privateKey":"********-****-****-db2c132ca78d"})"),
                       doctest::Contains("redacted"), ResponseError);
  CHECK_THROWS_AS(parse_created_key(R"({"desc":"x","publicKey":"newkey01","privateKey":"s3cr3t-s3cr3t"})"),
                  ResponseError);
  try {
    parse_created_key(R"({"id":"65f0c0ffee00000000000009","publicKey":7,"privateKey":"s3cr3t-s3cr3t"})");
    FAIL("accepted");
  } catch (const ResponseError& e) {
    CHECK(std::string(e.what()).find("s3cr3t") == std::string::npos);
  }
}


// The listings are read with simdjson (api/page_json.h) and the rest with nlohmann: the edges
// where two JSON readers could disagree are pinned here.
TEST_CASE("listing pages: what the JSON reader refuses and accepts at its edges") {
  const char* refused[] = {
      R"({"results": []} x)",                                  // trailing garbage
      R"({"results": [], "totalCount": 1.0})",                 // not an integer
      R"({"results": [], "totalCount": 18446744073709551615})",  // beyond a long
      R"({"results": [], "totalCount": null})",
      "{\"results\": [{\"id\": \"x\", \"publicKey\": \"abcdefgh\", \"desc\": \"\xff\"}]}",  // not UTF-8
      R"({"results": [{"id": "x", "publicKey": "abcdefgh", "roles": null}]})",
      R"({"results": [{"id": "x", "publicKey": "abcdefgh", "roles": [{"roleName": 5}]}]})",
  };
  for (const char* body : refused) {
    CAPTURE(body);
    CHECK_THROWS_AS(parse_keys_page(body), ResponseError);
  }
  const Page<LiveKey> page =
      parse_keys_page(R"({"results": [{"id": "x", "publicKey": "abcdefgh", "desc": null}], "totalCount": 0})");
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].desc.empty());
  CHECK(page.total_count == 0);
  CHECK_THROWS_WITH_AS(parse_keys_page(R"({"results": [{"id": "x", "publicKey": 7}]})"),
                       "field \"publicKey\" is not a string", ResponseError);
  CHECK_THROWS_WITH_AS(parse_projects_page(R"({"results": [{"name": "p"}]})"), "missing field \"id\"", ResponseError);
}

TEST_CASE("a body naming one member twice is refused, at any depth, in every listing") {
  // The first "id" is a declared key's, the second another's: which one a reader keeps is up to it.
  const char* keys[] = {
      R"({"results": [], "results": [{"id": "x", "publicKey": "abcdefgh"}]})",
      R"({"results": [{"id": "65f0c0ffee0000000000000a", "publicKey": "abcdefgh", "id": "65f0c0ffee0000000000000b"}]})",
      R"({"results": [{"id": "x", "publicKey": "abcdefgh", "\u0069d": "y"}]})",  // the same name, escaped
      R"({"results": [{"id": "x", "publicKey": "abcdefgh", "roles": [{"groupId": "g", "roleName": "GROUP_OWNER", "roleName": "GROUP_READ_ONLY"}]}]})",
      R"({"results": [{"id": "x", "publicKey": "abcdefgh", "links": [{"a": {"rel": "self", "rel": "next"}}]}]})",
  };
  for (const char* body : keys) {
    CAPTURE(body);
    CHECK_THROWS_AS(parse_keys_page(body), ResponseError);
  }
  CHECK_THROWS_WITH_AS(parse_projects_page(R"({"results": [{"id": "p", "name": "a", "name": "b"}]})"),
                       "a JSON object has the member \"name\" twice", ResponseError);
  CHECK_THROWS_AS(parse_key_response(R"({"status": 200, "content": {"id": "x", "publicKey": "a", "publicKey": "b"}})"),
                  ResponseError);
  // The name is the API's text: escaped before it reaches a terminal, so it cannot forge a line.
  CHECK_THROWS_WITH_AS(parse_keys_page(R"({"results": [], "a\nError: x\u001b[2J": 1, "a\nError: x\u001b[2J": 2})"),
                       "a JSON object has the member \"a\\nError: x\\x1b[2J\" twice", ResponseError);
  // Same value in two different objects, or a name and its prefix, are not repeats.
  const Page<LiveKey> page = parse_keys_page(
      R"({"results": [{"id": "x", "publicKey": "abcdefgh", "idx": 1}, {"id": "y", "publicKey": "ijklmnop"}]})");
  CHECK(page.items.size() == 2);
}

TEST_CASE("one key, bare or in an envelope") {
  const char* key = R"({"id":"65f0c0ffee0000000000000a","publicKey":"abcdefgh","desc":"d \"q\" \u00e9",)"
                    R"("roles":[{"groupId":"6523b7e0c1b52d0f1a2b3c4d","roleName":"GROUP_OWNER"}]})";
  for (const std::string& body : {std::string(key), R"({"status":200,"content":)" + std::string(key) + "}"}) {
    const LiveKey k = parse_key_response(body);
    CHECK(k.id == "65f0c0ffee0000000000000a");
    CHECK(k.desc == "d \"q\" \xc3\xa9");
    CHECK(k.project_roles.at("6523b7e0c1b52d0f1a2b3c4d") == std::vector<std::string>{"GROUP_OWNER"});
  }
  CHECK_THROWS_WITH_AS(parse_key_response("[]"), "key response is not a JSON object", ResponseError);
}

}  // namespace keyform_test_responses
