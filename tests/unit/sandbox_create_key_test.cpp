// POST /orgs/{O}/apiKeys: the body's rules and the new credentials without HTTP; then over real
// HTTP on loopback in every family: the private key in clear in the answer only, the new key
// signing in with digest at once, media types, roles, the request log and the faults a client's
// failure paths need.
#include "sandbox/family.h"
#include "sandbox/fixture.h"
#include "sandbox/key_creation.h"
#include "sandbox/operations.h"
#include "sandbox/random.h"
#include "sandbox/reply.h"
#include "sandbox/routes.h"
#include "sandbox/server.h"
#include "sandbox_http_client.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace keyform_test_sandbox_create_key {

using namespace keyform::sandbox;
using namespace sandbox_test;
using nlohmann::json;

namespace {

constexpr const char* org = "5a0a1e7e0f2912c554080adc";
constexpr const char* project = "6523b7e0c1b52d0f1a2b3c4d";
constexpr const char* owner_password = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
constexpr const char* member_password = "11111111-2222-3333-4444-555555555555";

// The member is GROUP_OWNER of a project: enough to assign there, not to create keys.
OrgState org_state() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c4d", "name": "payments-prod"}],
    "keys": [
      {"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas", "private_key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
       "org_roles": ["ORG_OWNER"]},
      {"id": "65f0c0ffee0000000000000b", "public_key": "abcdefgh", "private_key": "11111111-2222-3333-4444-555555555555",
       "desc": "member", "org_roles": ["ORG_MEMBER"], "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_OWNER"]}}
    ]
  })");
}

bool matches(const std::string& text, const char* pattern) {
  return std::regex_match(text, std::regex(pattern));
}

// --- Without HTTP -------------------------------------------------------------------------------

Reply create_in_process(OrgState& state, const std::string& body,
                        Principal principal = {Principal::Kind::api_key, "zmmrboas"}) {
  const Family& family = families()[0];
  try {
    Route route = match_route(family, "POST", fmt::format("/orgs/{}/apiKeys", org));
    Query query = parse_query({}, family, route.operation);
    return execute(state, Call{family, route, query, body, "http://sandbox/api/atlas/v2/orgs/x/apiKeys",
                               principal});
  } catch (const ApiError& error) {
    return error_reply(error);
  }
}

std::string error_code(const Reply& reply) {
  return reply.body ? reply.body->value("errorCode", "") : "";
}

// --- Over HTTP ----------------------------------------------------------------------------------

std::string keys_target(const Family& family) {
  return fmt::format("{}/orgs/{}/apiKeys", family.base_path, org);
}

httplib::Headers body_headers(const Family& family) {
  if (family.versioned) return v2_headers(true);
  return {{"Content-Type", "application/json"}};
}

httplib::Result create(DigestClient& client, const Family& family, const json& body) {
  return client.send("POST", keys_target(family), body_headers(family), body.dump());
}

json parsed(const httplib::Result& result) {
  REQUIRE(result);
  return json::parse(result->body);
}

std::string api_error_code(const httplib::Result& result) { return parsed(result).value("errorCode", ""); }

json created_entries(const Running& server) {
  json entries = json::array();
  const json log = server.admin_get("/__sandbox/requests");  // kept: the loop reads into it
  for (const json& r : log["requests"]) {
    if (r["created_key_id"] != "") entries.push_back(r);
  }
  return entries;
}

// Redirects this process's stdout and stderr into a temporary file while it lives: what the
// in-process sandbox printed, if anything.
class CapturedOutput {
 public:
  CapturedOutput() : file_(std::tmpfile()), out_(dup(1)), err_(dup(2)) {
    flush();
    dup2(fileno(file_), 1);
    dup2(fileno(file_), 2);
  }
  ~CapturedOutput() {
    restore();
    std::fclose(file_);
  }
  std::string text() {
    restore();
    std::string content;
    std::rewind(file_);
    for (int c; (c = std::fgetc(file_)) != EOF;) content += static_cast<char>(c);
    return content;
  }

 private:
  static void flush() {
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
  }
  void restore() {
    if (out_ < 0) return;
    flush();
    dup2(out_, 1);
    dup2(err_, 2);
    close(out_);
    close(err_);
    out_ = err_ = -1;
  }
  std::FILE* file_;
  int out_;
  int err_;
};

}  // namespace

TEST_CASE("sandbox create key: bad bodies answer 400 naming the field, and create nothing") {
  OrgState state = org_state();
  struct Case {
    std::string body;
    const char* code;
    json parameters;
  };
  const std::string long_desc(251, 'x');
  const std::vector<Case> cases = {
      {"{}", "MISSING_ATTRIBUTE", {"desc"}},
      {R"({"roles": ["ORG_MEMBER"]})", "MISSING_ATTRIBUTE", {"desc"}},
      {R"({"desc": "ci"})", "MISSING_ATTRIBUTE", {"roles"}},
      {R"({"desc": "ci", "roles": []})", "MISSING_ATTRIBUTE", {"roles"}},
      {R"({"desc": "", "roles": ["ORG_MEMBER"]})", "INVALID_JSON_ATTRIBUTE", {"desc"}},
      {json{{"desc", long_desc}, {"roles", {"ORG_MEMBER"}}}.dump(), "INVALID_JSON_ATTRIBUTE", {"desc"}},
      {R"({"desc": 5, "roles": ["ORG_MEMBER"]})", "INVALID_JSON_ATTRIBUTE", {"desc"}},
      {R"({"desc": null, "roles": ["ORG_MEMBER"]})", "INVALID_JSON_ATTRIBUTE", {"desc"}},
      {R"({"desc": "ci", "roles": "ORG_MEMBER"})", "INVALID_JSON_ATTRIBUTE", {"roles"}},
      {R"({"desc": "ci", "roles": [1]})", "INVALID_JSON_ATTRIBUTE", {"roles"}},
      {R"({"desc": "ci", "roles": ["GROUP_OWNER"]})", "INVALID_ENUM_VALUE", {"GROUP_OWNER"}},
      {R"({"desc": "ci", "roles": ["ORG_MEMBER", "ORG_READ_ONYL"]})", "INVALID_ENUM_VALUE", {"ORG_READ_ONYL"}},
      {R"({"desc": "ci", "roles": ["ORG_MEMBER"], "publicKey": "zzzzzzzz"})", "INVALID_JSON_ATTRIBUTE",
       {"publicKey"}},
      {R"([{"desc": "ci", "roles": ["ORG_MEMBER"]}])", "INVALID_JSON", json::array()},
      {"not json", "INVALID_JSON", json::array()},
      {"", "INVALID_JSON", json::array()},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    Reply reply = create_in_process(state, c.body);
    CHECK(reply.status == 400);
    CHECK(error_code(reply) == std::string(c.code));
    CHECK(reply.body->at("parameters") == c.parameters);
  }
  CHECK(state.keys.size() == 2);
  // The limit counts characters, not bytes: 250 two-byte characters are fine.
  std::string unicode_desc;
  for (int i = 0; i < 250; ++i) unicode_desc += "\xc3\xa9";
  CHECK(create_in_process(state, json{{"desc", unicode_desc}, {"roles", {"ORG_MEMBER"}}}.dump()).status == 200);
}

TEST_CASE("sandbox create key: every documented org role, duplicates dropped, descriptions may repeat") {
  OrgState state = org_state();
  const json roles = {"ORG_OWNER",         "ORG_MEMBER",  "ORG_GROUP_CREATOR",   "ORG_BILLING_ADMIN",
                      "ORG_BILLING_READ_ONLY", "ORG_STREAM_PROCESSING_ADMIN", "ORG_READ_ONLY", "ORG_OWNER"};
  Reply first = create_in_process(state, json{{"desc", "member"}, {"roles", roles}}.dump());
  REQUIRE(first.status == 200);
  CHECK(first.body->at("roles").size() == 7);
  CHECK(first.body->at("roles")[0] == json{{"orgId", org}, {"roleName", "ORG_OWNER"}});
  // "member" is also the fixture key's description: Atlas does not make descriptions unique.
  Reply second = create_in_process(state, R"({"desc": "member", "roles": ["ORG_MEMBER"]})");
  REQUIRE(second.status == 200);
  CHECK(second.body->at("id") != first.body->at("id"));
  CHECK(state.keys.size() == 4);
}

TEST_CASE("sandbox create key: only an Organization Owner (or a service account) may create") {
  OrgState state = org_state();
  Reply denied = create_in_process(state, R"({"desc": "ci", "roles": ["ORG_MEMBER"]})",
                                   {Principal::Kind::api_key, "abcdefgh"});
  CHECK(denied.status == 403);
  CHECK(error_code(denied) == "USER_UNAUTHORIZED");
  CHECK(denied.body->at("detail") ==
        "API key abcdefgh lacks the Organization Owner role (ORG_OWNER), needed to create an API key.");
  CHECK(state.keys.size() == 2);
  Reply by_account = create_in_process(state, R"({"desc": "ci", "roles": ["ORG_MEMBER"]})",
                                       {Principal::Kind::service_account, "mdb_sa_id_x"});
  CHECK(by_account.status == 200);
}

TEST_CASE("sandbox create key: fresh credentials have the real shapes and never repeat") {
  OrgState state = org_state();
  std::set<std::string> ids, public_keys, private_keys;
  for (int i = 0; i < 200; ++i) {
    const Credentials c = new_credentials(state);
    CHECK(matches(c.id, "[0-9a-f]{24}"));
    CHECK(matches(c.public_key, "[a-z]{8}"));
    CHECK(matches(c.private_key, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    ids.insert(c.id);
    public_keys.insert(c.public_key);
    private_keys.insert(c.private_key);
  }
  CHECK(ids.size() == 200);
  CHECK(public_keys.size() == 200);
  CHECK(private_keys.size() == 200);
  // Every letter turns up: no letter is left out by the draw (200 x 8 letters, P(miss) ~ 1e-26).
  std::set<char> letters;
  for (const std::string& key : public_keys) letters.insert(key.begin(), key.end());
  CHECK(letters.size() == 26);
  CHECK(random_lowercase_letters(0).empty());
  CHECK(random_lowercase_letters(1000).size() == 1000);
}

TEST_CASE("sandbox create key over HTTP: 200 with the private key in clear once, masked after") {
  for (const Family& family : families()) {
    CAPTURE(family.name);
    Running server(org_state());
    DigestClient owner(server, "zmmrboas", owner_password);
    auto answer = create(owner, family, {{"desc", "CI deployer (payments)"}, {"roles", {"ORG_MEMBER"}}});
    REQUIRE(answer);
    REQUIRE(answer->status == 200);  // the spec says 200, not 201
    CHECK(answer->get_header_value("Content-Type") == std::string(family.media_type));
    const json key = parsed(answer);
    const std::string id = key["id"], public_key = key["publicKey"], secret = key["privateKey"];
    CHECK(matches(id, "[0-9a-f]{24}"));
    CHECK(matches(public_key, "[a-z]{8}"));
    CHECK(matches(secret, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    CHECK(key["desc"] == "CI deployer (payments)");
    CHECK(key["roles"] == json::array({{{"orgId", org}, {"roleName", "ORG_MEMBER"}}}));
    CHECK(key["links"] == json::parse(fmt::format(R"([{{"rel": "self", "href": "http://127.0.0.1:{}{}/{}"}}])",
                                                  server.port, keys_target(family), id)));

    const std::string masked = masked_private_key(secret);
    auto one = owner.send("GET", keys_target(family) + "/" + id, family.versioned ? v2_headers() : httplib::Headers{});
    CHECK(parsed(one)["privateKey"] == masked);
    CHECK(one->body.find(secret) == std::string::npos);
    auto listing = owner.send("GET", keys_target(family), family.versioned ? v2_headers() : httplib::Headers{});
    const json results = parsed(listing)["results"];
    REQUIRE(results.size() == 3);
    CHECK(results[2]["id"] == id);
    CHECK(results[2]["privateKey"] == masked);
    CHECK(listing->body.find(secret) == std::string::npos);
    const json state = server.admin_get("/__sandbox/state");
    CHECK(state["keys"][2]["public_key"] == public_key);
    CHECK(state["keys"][2]["projects"] == json::object());
    CHECK(state["keys"][2]["access_list"] == json::array());
    CHECK(state.dump().find(secret) == std::string::npos);
  }
}

TEST_CASE("sandbox create key over HTTP: the new key signs in at once, with its org roles") {
  Running server(org_state());
  const Family& v2 = families()[0];
  const Family& cloud = families()[2];
  DigestClient owner(server, "zmmrboas", owner_password);
  const json admin = parsed(create(owner, v2, {{"desc", "new owner"}, {"roles", {"ORG_OWNER"}}}));
  const json member = parsed(create(owner, v2, {{"desc", "new member"}, {"roles", {"ORG_MEMBER"}}}));

  // An ORG_OWNER key made a moment ago lists keys and creates keys, in another family too.
  DigestClient as_admin(server, admin["publicKey"], admin["privateKey"]);
  CHECK(as_admin.send("GET", keys_target(cloud))->status == 200);
  CHECK(create(as_admin, cloud, {{"desc", "made by a made key"}, {"roles", {"ORG_READ_ONLY"}}})->status == 200);

  // An ORG_MEMBER one reads, and is refused writes as any member is.
  DigestClient as_member(server, member["publicKey"], member["privateKey"]);
  CHECK(as_member.send("GET", keys_target(v2), v2_headers())->status == 200);
  auto own_list = as_member.send("GET", keys_target(v2) + "/" + member["id"].get<std::string>() + "/accessList",
                                 v2_headers());
  CHECK(parsed(own_list)["results"] == json::array());
  auto refused = create(as_member, v2, {{"desc", "nope"}, {"roles", {"ORG_OWNER"}}});
  CHECK(refused->status == 403);
  CHECK(api_error_code(refused) == "USER_UNAUTHORIZED");
  CHECK(as_member.send("DELETE", keys_target(v2) + "/" + admin["id"].get<std::string>(), v2_headers())->status ==
        403);

  // A wrong password for the new key is still a 401; a deleted key signs in no more.
  DigestClient impostor(server, member["publicKey"], "00000000-0000-0000-0000-000000000000");
  CHECK(impostor.send("GET", keys_target(v2), v2_headers())->status == 401);
  CHECK(owner.send("DELETE", keys_target(v2) + "/" + member["id"].get<std::string>(), v2_headers())->status ==
        204);
  DigestClient after_delete(server, member["publicKey"], member["privateKey"]);
  CHECK(after_delete.send("GET", keys_target(v2), v2_headers())->status == 401);
  CHECK(server.admin_get("/__sandbox/state")["keys"].size() == 4);
}

TEST_CASE("sandbox create key over HTTP: media types, the error body and a member caller") {
  Running server(org_state());
  const Family& v2 = families()[0];
  const Family& v1 = families()[1];
  DigestClient owner(server, "zmmrboas", owner_password);
  const std::string body = R"({"desc": "ci", "roles": ["ORG_MEMBER"]})";
  auto plain_accept = owner.send("POST", keys_target(v2), {{"Accept", "application/json"}, {"Content-Type", v2_type}}, body);
  CHECK(plain_accept->status == 406);
  CHECK(api_error_code(plain_accept) == "INVALID_VERSION_OR_MEDIA_TYPE");
  auto plain_body = owner.send("POST", keys_target(v2), {{"Accept", v2_type}, {"Content-Type", "application/json"}}, body);
  CHECK(plain_body->status == 415);
  auto dated_v1 = owner.send("POST", keys_target(v1), {{"Accept", v2_type}, {"Content-Type", "application/json"}}, body);
  CHECK(dated_v1->status == 406);
  const char* later = "application/vnd.atlas.2024-08-05+json";
  CHECK(owner.send("POST", keys_target(v2), {{"Accept", later}, {"Content-Type", later}}, body)->status == 200);

  // The Admin API's error body, as for every other 400.
  auto bad = create(owner, v1, {{"desc", "ci"}, {"roles", {"GROUP_OWNER"}}});
  CHECK(bad->status == 400);
  const json error = parsed(bad);
  CHECK(error["error"] == 400);
  CHECK(error["errorCode"] == "INVALID_ENUM_VALUE");
  CHECK(error["reason"] == "Bad Request");
  CHECK(error["parameters"] == json::array({"GROUP_OWNER"}));
  CHECK(error["detail"].get<std::string>().find("roles") != std::string::npos);

  DigestClient member(server, "abcdefgh", member_password);
  auto refused = create(member, v1, json::parse(body));
  CHECK(refused->status == 403);
  CHECK(api_error_code(refused) == "USER_UNAUTHORIZED");
  CHECK(server.admin_get("/__sandbox/state")["keys"].size() == 3);  // only the 2024-08-05 create
}

TEST_CASE("sandbox create key over HTTP: the request log counts creates and never holds a secret") {
  Running server(org_state());
  DigestClient owner(server, "zmmrboas", owner_password);
  std::vector<std::string> secrets;
  std::vector<std::string> ids;
  std::string printed;
  {
    CapturedOutput output;  // nothing the sandbox prints may carry a secret either
    for (const Family& family : families()) {
      const json key = parsed(create(owner, family, {{"desc", "ci"}, {"roles", {"ORG_MEMBER"}}}));
      secrets.push_back(key["privateKey"]);
      ids.push_back(key["id"]);
      DigestClient as_new(server, key["publicKey"], key["privateKey"]);
      as_new.send("GET", keys_target(family), family.versioned ? v2_headers() : httplib::Headers{});
    }
    create(owner, families()[0], {{"desc", ""}, {"roles", {"ORG_MEMBER"}}});  // a 400 is no create
    printed = output.text();
  }
  const json entries = created_entries(server);
  REQUIRE(entries.size() == 3);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CHECK(entries[i]["created_key_id"] == ids[i]);
    CHECK(entries[i]["method"] == "POST");
    CHECK(entries[i]["path"] == keys_target(families()[i]));
    CHECK(entries[i]["status"] == 200);
  }
  const std::string log = server.admin_get("/__sandbox/requests").dump();
  for (const std::string& secret : secrets) {
    CHECK(log.find(secret) == std::string::npos);
    CHECK(log.find(secret.substr(secret.size() - 12)) == std::string::npos);  // not even masked
    CHECK(printed.find(secret) == std::string::npos);
  }
}

TEST_CASE("sandbox create key over HTTP: faults fail the create, lose its answer, fail the delete") {
  Running server(org_state());
  const Family& v2 = families()[0];
  DigestClient owner(server, "zmmrboas", owner_password);
  const json body = {{"desc", "ci"}, {"roles", {"ORG_MEMBER"}}};

  SUBCASE("the create answers 500 or 503 and makes nothing") {
    for (const auto& [spec, status] : {std::pair{"POST:/apiKeys$:503:1:2", 503}, std::pair{"POST:/apiKeys$:500:1", 500}}) {
      CAPTURE(spec);
      CHECK(owner.raw("POST", "/__sandbox/faults", {}, spec)->status == 201);
      auto failed = create(owner, v2, body);
      CHECK(failed->status == status);
      CHECK(server.admin_get("/__sandbox/state")["keys"].size() == 2);
    }
    CHECK(created_entries(server).empty());
    CHECK(create(owner, v2, body)->status == 200);  // the faults are used up
  }

  SUBCASE("the key is made but the connection drops before the answer") {
    CHECK(owner.raw("POST", "/__sandbox/faults", {}, "POST:/apiKeys$:0+:1")->status == 201);
    auto lost = create(owner, v2, body);
    CHECK_FALSE(lost);  // no answer at all
    const json keys = server.admin_get("/__sandbox/state")["keys"];
    REQUIRE(keys.size() == 3);
    CHECK(keys[2]["desc"] == "ci");
    const json entries = created_entries(server);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["created_key_id"] == keys[2]["id"]);
    CHECK(entries[0]["status"] == 0);
    CHECK(entries[0]["fault"] == true);
  }

  SUBCASE("the delete of the new key fails, so a rollback would") {
    const std::string id = parsed(create(owner, v2, body))["id"];
    const std::string spec = "DELETE:/orgs/[0-9a-f]{24}/apiKeys/[0-9a-f]{24}$:500:1";
    CHECK(owner.raw("POST", "/__sandbox/faults", {}, spec)->status == 201);
    auto failed = owner.send("DELETE", keys_target(v2) + "/" + id, v2_headers());
    CHECK(failed->status == 500);
    CHECK(server.admin_get("/__sandbox/state")["keys"].size() == 3);
    CHECK(owner.send("DELETE", keys_target(v2) + "/" + id, v2_headers())->status == 204);
    CHECK(server.admin_get("/__sandbox/state")["keys"].size() == 2);
  }
}

}  // namespace keyform_test_sandbox_create_key
