// The sandbox over real HTTP on loopback: digest handshakes, keep-alive, families, envelope,
// bearer tokens, latency, concurrency and the /__sandbox/ endpoints.
#include "sandbox/digest.h"
#include "sandbox/fixture.h"
#include "sandbox/server.h"
#include "sandbox_http_client.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace keyform_test_sandbox_server {

using namespace keyform::sandbox;
using namespace sandbox_test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr const char* org = "5a0a1e7e0f2912c554080adc";
constexpr const char* prod = "6523b7e0c1b52d0f1a2b3c4d";
constexpr const char* dev = "6523b7e0c1b52d0f1a2b3c4e";
constexpr const char* key_a = "65f0c0ffee0000000000000a";
constexpr const char* key_b = "65f0c0ffee0000000000000b";
constexpr const char* password_a = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

OrgState org_state() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c4d", "name": "payments-prod"},
                 {"id": "6523b7e0c1b52d0f1a2b3c4e", "name": "payments-dev"}],
    "keys": [
      {"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas", "private_key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
       "org_roles": ["ORG_OWNER"], "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_READ_ONLY"]}},
      {"id": "65f0c0ffee0000000000000b", "public_key": "abcdefgh", "private_key": "11111111-2222-3333-4444-555555555555",
       "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_OWNER"], "6523b7e0c1b52d0f1a2b3c4e": ["GROUP_READ_ONLY"]}}
    ],
    "service_accounts": [{"client_id": "mdb_sa_id_1", "client_secret": "mdb_sa_sk_1"}]
  })");
}

std::string keys_target(const std::string& base) {
  return fmt::format("{}/orgs/{}/apiKeys", base, org);
}
std::string assignment_target(const std::string& base, const char* project, const char* key) {
  return fmt::format("{}/groups/{}/apiKeys/{}", base, project, key);
}

}  // namespace

TEST_CASE("sandbox server: refuses non-loopback hosts") {
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.1.2.3"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("localhost"));
  CHECK_FALSE(is_loopback_host("0.0.0.0"));
  CHECK_FALSE(is_loopback_host("192.168.1.10"));
  CHECK_FALSE(is_loopback_host("::"));
  Sandbox sandbox(org_state());
  CHECK_THROWS_AS(sandbox.start("0.0.0.0", 0), std::runtime_error);
}

TEST_CASE("sandbox server: digest handshake, then one nonce for the whole keep-alive connection") {
  Running server(org_state());
  DigestClient client(server, "zmmrboas", password_a);
  const std::string target = keys_target("/api/atlas/v2") + "?pageNum=1&itemsPerPage=1";

  auto first = client.raw("GET", target, v2_headers());
  REQUIRE(first);
  CHECK(first->status == 401);
  const std::string challenge = first->get_header_value("WWW-Authenticate");
  CHECK(challenge.starts_with(R"(Digest realm="MMS Public API", domain="", nonce=")"));
  CHECK(challenge.ends_with(R"(algorithm=MD5, qop="auth", stale=false)"));
  CHECK(json::parse(first->body)["error"] == 401);

  for (int i = 0; i < 3; ++i) {
    auto response = client.send("GET", target, v2_headers());
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK(response->get_header_value("Content-Type") == v2_type);
    CHECK(json::parse(response->body)["totalCount"] == 2);
  }

  json log = server.admin_get("/__sandbox/requests")["requests"];
  REQUIRE(log.size() == 5);  // the raw 401, the client's own challenge, three answers
  CHECK(log[1]["challenged"] == true);
  CHECK(log[1]["auth"] == "none");
  for (int i = 2; i < 5; ++i) {
    CHECK(log[i]["status"] == 200);
    CHECK(log[i]["auth"] == "digest");
    CHECK(log[i]["user"] == "zmmrboas");
    CHECK(log[i]["challenged"] == false);
    CHECK(log[i]["connection"] == log[0]["connection"]);  // keep-alive: one TCP connection
    CHECK(log[i]["seq"] == i + 1);
  }
  CHECK(log[2]["path"] == keys_target("/api/atlas/v2"));
  CHECK(log[2]["query"] == "pageNum=1&itemsPerPage=1");
  CHECK(log[2]["accept"] == v2_type);
  CHECK(log.dump().find(password_a) == std::string::npos);
}

TEST_CASE(
    "sandbox server: replayed nc, wrong password, wrong uri and unknown users get a fresh "
    "challenge") {
  Running server(org_state());
  DigestClient client(server, "zmmrboas", password_a);
  const std::string target = keys_target("/api/atlas/v1.0");
  REQUIRE(client.send("GET", target)->status == 200);

  const std::string authorization = client.authorization("GET", target);
  CHECK(client.raw("GET", target, {{"Authorization", authorization}})->status == 200);
  auto replay = client.raw("GET", target, {{"Authorization", authorization}});
  CHECK(replay->status == 401);
  CHECK(replay->get_header_value("WWW-Authenticate").ends_with("stale=false"));
  CHECK(json::parse(replay->body)["detail"] ==
        "The digest nc must be greater than the last one sent with this nonce.");

  const std::string other = target + "?pageNum=2";
  CHECK(
      client.raw("GET", other, {{"Authorization", client.authorization("GET", target)}})->status ==
      401);

  DigestClient wrong_password(server, "zmmrboas", "00000000-0000-0000-0000-000000000000");
  CHECK(wrong_password.send("GET", target)->status == 401);
  DigestClient unknown(server, "nobodyxx", password_a);
  CHECK(unknown.send("GET", target)->status == 401);
}

TEST_CASE("sandbox server: expired nonces are answered with stale=true") {
  SandboxOptions options;
  options.nonce_ttl = 1s;
  Running server(org_state(), options);
  DigestClient client(server, "zmmrboas", password_a);
  const std::string target = keys_target("/api/public/v1.0");
  REQUIRE(client.send("GET", target)->status == 200);
  std::this_thread::sleep_for(1100ms);
  auto stale = client.raw("GET", target, {{"Authorization", client.authorization("GET", target)}});
  CHECK(stale->status == 401);
  CHECK(stale->get_header_value("WWW-Authenticate").ends_with("stale=true"));
  CHECK(client.send("GET", target)->status == 200);  // answers the new nonce
}

TEST_CASE("sandbox server: family statuses over HTTP, and the cascade in /__sandbox/state") {
  Running server(org_state());
  DigestClient client(server, "zmmrboas", password_a);

  auto assign = client.send("POST", assignment_target("/api/atlas/v2", dev, key_a),
                            v2_headers(true), R"([{"roles": ["GROUP_OWNER"]}])");
  CHECK(assign->status == 204);
  CHECK(assign->body.empty());
  auto unsupported = client.send("POST", assignment_target("/api/atlas/v2", dev, key_a),
                                 {{"Accept", v2_type}, {"Content-Type", "application/json"}},
                                 R"([{"roles": ["GROUP_OWNER"]}])");
  CHECK(unsupported->status == 415);
  CHECK(
      client.send("GET", keys_target("/api/atlas/v2"), {{"Accept", "application/json"}})->status ==
      406);

  auto v1_assign =
      client.send("PATCH", assignment_target("/api/atlas/v1.0", dev, key_b),
                  {{"Content-Type", "application/json"}}, R"({"roles": ["GROUP_OWNER"]})");
  CHECK(v1_assign->status == 200);
  CHECK(v1_assign->get_header_value("Content-Type") == "application/json");
  CHECK(client
            .send("POST", assignment_target("/api/atlas/v1.0", dev, key_b),
                  {{"Content-Type", "application/json"}}, R"({"roles": ["GROUP_OWNER"]})")
            ->status == 405);

  auto v1_unassign = client.send("DELETE", assignment_target("/api/atlas/v1.0", dev, key_b));
  CHECK(v1_unassign->status == 200);
  CHECK(v1_unassign->body == "{}");
  auto cm_delete =
      client.send("DELETE", fmt::format("/api/public/v1.0/orgs/{}/apiKeys/{}", org, key_b));
  CHECK(cm_delete->status == 200);
  CHECK(cm_delete->body.empty());
  auto v2_delete = client.send(
      "DELETE", fmt::format("/api/atlas/v2/orgs/{}/apiKeys/{}", org, key_b), v2_headers());
  CHECK(v2_delete->status == 404);
  CHECK(json::parse(v2_delete->body)["errorCode"] == "API_KEY_NOT_FOUND");
  CHECK(v2_delete->get_header_value("Content-Type") == "application/json");

  json state = server.admin_get("/__sandbox/state");
  REQUIRE(state["keys"].size() == 1);
  CHECK(state["keys"][0]["projects"] ==
        json::parse(R"({"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_READ_ONLY"],
                                                        "6523b7e0c1b52d0f1a2b3c4e": ["GROUP_OWNER"]})"));
  CHECK(state.dump().find("private") == std::string::npos);
}

TEST_CASE("sandbox server: envelope and pretty") {
  Running server(org_state());
  DigestClient client(server, "zmmrboas", password_a);
  auto missing = client.send("GET",
                             fmt::format("/api/atlas/v2/orgs/{}/apiKeys/{}?envelope=true", org,
                                         "65f0c0ffee00000000000fff"),
                             v2_headers());
  CHECK(missing->status == 200);
  json body = json::parse(missing->body);
  CHECK(body["status"] == 404);
  CHECK(body["content"]["errorCode"] == "API_KEY_NOT_FOUND");

  auto deleted = client.send(
      "DELETE", assignment_target("/api/atlas/v2", prod, key_a) + "?envelope=true&pretty=true",
      v2_headers());
  CHECK(deleted->status == 200);
  CHECK(deleted->body == "{\n  \"content\": {},\n  \"status\": 204\n}");

  auto list = client.send("GET", keys_target("/api/atlas/v2") + "?envelope=true", v2_headers());
  CHECK(json::parse(list->body)["status"] == 200);
  CHECK(json::parse(list->body)["results"].size() == 2);

  // A challenge is never enveloped: the client has to see the 401.
  auto challenge = client.raw("GET", keys_target("/api/atlas/v2") + "?envelope=true", v2_headers());
  CHECK(challenge->status == 401);

  json log = server.admin_get("/__sandbox/requests")["requests"];
  CHECK(log[1]["status"] == 404);  // the real status, not the envelope's 200
}

TEST_CASE("sandbox server: service account tokens on v2 only") {
  Running server(org_state());
  auto http = server.client();
  http.set_basic_auth("mdb_sa_id_1", "mdb_sa_sk_1");
  auto issued = http.Post("/api/oauth/token", "grant_type=client_credentials",
                          "application/x-www-form-urlencoded");
  REQUIRE(issued);
  REQUIRE(issued->status == 200);
  const std::string token = json::parse(issued->body)["access_token"];
  CHECK(json::parse(issued->body)["expires_in"] == 3600);

  auto bearer = server.client();
  httplib::Headers headers{{"Accept", v2_type}, {"Authorization", "Bearer " + token}};
  CHECK(bearer.Get(keys_target("/api/atlas/v2").c_str(), headers)->status == 200);
  auto on_v1 =
      bearer.Get(keys_target("/api/atlas/v1.0").c_str(), {{"Authorization", "Bearer " + token}});
  CHECK(on_v1->status == 401);
  CHECK(on_v1->get_header_value("WWW-Authenticate").starts_with("Digest "));
  auto unknown = bearer.Get(keys_target("/api/atlas/v2").c_str(),
                            {{"Accept", v2_type}, {"Authorization", "Bearer nope"}});
  CHECK(unknown->status == 401);
  CHECK(unknown->get_header_value("WWW-Authenticate").starts_with("Bearer "));

  auto bad = server.client();
  bad.set_basic_auth("mdb_sa_id_1", "wrong");
  auto refused = bad.Post("/api/oauth/token", "grant_type=client_credentials",
                          "application/x-www-form-urlencoded");
  CHECK(refused->status == 401);
  CHECK(json::parse(refused->body)["error"] == "invalid_client");

  json log = server.admin_get("/__sandbox/requests")["requests"];
  REQUIRE(log.size() == 5);
  CHECK(log[0]["auth"] == "basic");
  CHECK(log[0]["user"] == "mdb_sa_id_1");
  CHECK(log[1]["auth"] == "bearer");
  CHECK(log[1]["user"] == "mdb_sa_id_1");
  CHECK(log[2]["challenged"] == true);
  CHECK(log[3]["challenged"] == false);
  CHECK(log.dump().find(token) == std::string::npos);
  CHECK(log.dump().find("mdb_sa_sk_1") == std::string::npos);
}

TEST_CASE("sandbox server: unknown paths, latency and clearing the log") {
  SandboxOptions options;
  options.latency = 150ms;
  Running server(org_state(), options);
  auto http = server.client();
  const auto start = std::chrono::steady_clock::now();
  auto unknown = http.Get("/api/atlas/v3/orgs");
  CHECK(std::chrono::steady_clock::now() - start >= 150ms);
  CHECK(unknown->status == 404);
  CHECK(json::parse(unknown->body)["errorCode"] == "RESOURCE_NOT_FOUND");

  CHECK(server.admin_get("/__sandbox/requests")["requests"].size() == 1);
  CHECK(http.Delete("/__sandbox/requests")->status == 204);
  CHECK(server.admin_get("/__sandbox/requests")["requests"].empty());
  CHECK(http.Get("/__sandbox/nothing")->status == 404);
}

TEST_CASE("sandbox server: concurrent clients") {
  Running server(org_state());
  constexpr int clients = 6;
  constexpr int requests = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      DigestClient client(server, t % 2 ? "zmmrboas" : "abcdefgh",
                          t % 2 ? password_a : "11111111-2222-3333-4444-555555555555");
      for (int i = 0; i < requests; ++i) {
        // Each key writes where it is allowed to: zmmrboas is ORG_OWNER, abcdefgh owns prod.
        auto target = fmt::format("/api/atlas/v2/groups/{}/apiKeys/{}", t % 2 ? dev : prod, key_a);
        auto r = client.send(i % 2 ? "DELETE" : "POST", target, v2_headers(i % 2 == 0),
                             i % 2 ? "" : R"([{"roles": ["GROUP_READ_ONLY"]}])");
        if (r && (r->status == 204 || r->status == 404)) ++ok;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(ok == clients * requests);
  json log = server.admin_get("/__sandbox/requests")["requests"];
  CHECK(log.size() == clients * (requests + 1));
  for (std::size_t i = 0; i < log.size(); ++i) CHECK(log[i]["seq"] == i + 1);
}

// ---- injected faults (--fault, POST /__sandbox/faults) -------------------------------------

namespace {

SandboxOptions with_faults(std::initializer_list<const char*> specs) {
  SandboxOptions options;
  for (const char* spec : specs) options.faults.push_back(parse_fault(spec));
  return options;
}

json state_projects(const Running& server, const std::string& key_id) {
  const json state = server.admin_get("/__sandbox/state");
  for (const auto& key : state["keys"]) {
    if (key["id"] == key_id) return key["projects"];
  }
  return nullptr;
}

}  // namespace

TEST_CASE("sandbox server: a fault answers after authentication, with Retry-After, and is logged") {
  Running server(org_state(), with_faults({"GET:/orgs/[0-9a-f]+/apiKeys$:503:1:2"}));
  DigestClient client(server, "zmmrboas", password_a);
  auto unavailable = client.send("GET", keys_target("/api/atlas/v2") + "?pageNum=1", v2_headers());
  REQUIRE(unavailable);
  CHECK(unavailable->status == 503);
  CHECK(unavailable->get_header_value("Retry-After") == "2");
  const json body = json::parse(unavailable->body);
  CHECK(body["errorCode"] == "SERVICE_UNAVAILABLE");
  CHECK(body["error"] == 503);
  auto served = client.send("GET", keys_target("/api/atlas/v2") + "?pageNum=1", v2_headers());
  REQUIRE(served);
  CHECK(served->status == 200);
  CHECK_FALSE(served->has_header("Retry-After"));

  const json log = server.admin_get("/__sandbox/requests")["requests"];
  REQUIRE(log.size() == 3);  // the challenge did not use up the fault
  CHECK(log[0]["status"] == 401);
  CHECK(log[0]["fault"] == false);
  CHECK(log[1]["status"] == 503);
  CHECK(log[1]["fault"] == true);
  CHECK(log[1]["query"] == "pageNum=1");
  CHECK(log[2]["status"] == 200);
  CHECK(log[2]["fault"] == false);
  CHECK(server.admin_get("/__sandbox/faults")["faults"][0]["remaining"] == 0);
}

TEST_CASE("sandbox server: a wrong password meets a challenge, not the fault") {
  Running server(org_state(), with_faults({"*:.*:429:1"}));
  DigestClient wrong(server, "zmmrboas", "00000000-0000-0000-0000-000000000000");
  CHECK(wrong.send("GET", keys_target("/api/atlas/v1.0"))->status == 401);
  CHECK(server.admin_get("/__sandbox/faults")["faults"][0]["remaining"] == 1);
  DigestClient right(server, "zmmrboas", password_a);
  CHECK(right.send("GET", keys_target("/api/atlas/v1.0"))->status == 429);
  CHECK(right.send("GET", keys_target("/api/atlas/v1.0"))->status == 200);
}

TEST_CASE("sandbox server: status 0 drops the connection without applying the write") {
  Running server(org_state(), with_faults({"POST:/groups/:0:1"}));
  DigestClient client(server, "zmmrboas", password_a);
  const std::string target = assignment_target("/api/atlas/v2", dev, key_a);
  const std::string roles = R"([{"roles": ["GROUP_OWNER"]}])";
  auto dropped = client.send("POST", target, v2_headers(true), roles);
  CHECK_FALSE(dropped);  // no answer at all
  CHECK(dropped.error() != httplib::Error::Success);
  CHECK_FALSE(state_projects(server, key_a).contains(dev));

  auto again = client.send("POST", target, v2_headers(true), roles);  // a new connection
  REQUIRE(again);
  CHECK(again->status == 204);
  CHECK(state_projects(server, key_a)[dev] == json::array({"GROUP_OWNER"}));

  const json log = server.admin_get("/__sandbox/requests")["requests"];
  REQUIRE(log.size() == 3);
  CHECK(log[1]["method"] == "POST");
  CHECK(log[1]["status"] == 0);
  CHECK(log[1]["fault"] == true);
  CHECK(log[2]["status"] == 204);
  CHECK(log[2]["connection"] != log[1]["connection"]);
}

TEST_CASE("sandbox server: a '+' fault applies the write, then fails it") {
  Running server(org_state(), with_faults({"DELETE:/groups/:0+:1", "PATCH:/groups/:502+:1"}));
  DigestClient client(server, "zmmrboas", password_a);

  auto lost = client.send("DELETE", assignment_target("/api/atlas/v2", prod, key_a), v2_headers());
  CHECK_FALSE(lost);
  CHECK_FALSE(state_projects(server, key_a).contains(prod));  // although nobody was told
  auto repeat = client.send("DELETE", assignment_target("/api/atlas/v2", prod, key_a), v2_headers());
  REQUIRE(repeat);
  CHECK(repeat->status == 404);  // the repeat finds it gone

  auto gateway = client.send("PATCH", assignment_target("/api/atlas/v2", prod, key_b), v2_headers(true),
                             R"({"roles": ["GROUP_READ_ONLY"]})");
  REQUIRE(gateway);
  CHECK(gateway->status == 502);
  CHECK(json::parse(gateway->body)["errorCode"] == "BAD_GATEWAY");
  CHECK(state_projects(server, key_b)[prod] == json::array({"GROUP_READ_ONLY"}));

  const json log = server.admin_get("/__sandbox/requests")["requests"];
  REQUIRE(log.size() == 4);
  CHECK(log[1]["status"] == 0);
  CHECK(log[1]["fault"] == true);
  CHECK(log[2]["status"] == 404);
  CHECK(log[2]["fault"] == false);
  CHECK(log[3]["status"] == 502);
  CHECK(log[3]["fault"] == true);
}

TEST_CASE("sandbox server: faults added, listed and cleared at run time") {
  Running server(org_state());
  auto http = server.client();
  auto added = http.Post("/__sandbox/faults", "  GET:/orgs/:500:2\n", "text/plain");
  REQUIRE(added);
  CHECK(added->status == 201);
  CHECK(json::parse(added->body)["faults"][0]["remaining"] == 2);
  auto bad = http.Post("/__sandbox/faults", "GET:/orgs/:500:0", "text/plain");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  CHECK(json::parse(bad->body)["errorCode"] == "INVALID_FAULT");
  CHECK(json::parse(bad->body)["detail"].get<std::string>().find("COUNT \"0\"") != std::string::npos);

  DigestClient client(server, "abcdefgh", "11111111-2222-3333-4444-555555555555");
  CHECK(client.send("GET", keys_target("/api/public/v1.0"))->status == 500);
  CHECK(json::parse(server.admin_get("/__sandbox/faults").dump())["faults"][0]["remaining"] == 1);
  CHECK(http.Delete("/__sandbox/faults")->status == 204);
  CHECK(server.admin_get("/__sandbox/faults")["faults"].empty());
  CHECK(client.send("GET", keys_target("/api/public/v1.0"))->status == 200);
  // The admin endpoints themselves never meet a fault.
  REQUIRE(http.Post("/__sandbox/faults", "*:.*:503:5", "text/plain")->status == 201);
  CHECK(http.Get("/__sandbox/state")->status == 200);
  CHECK(server.admin_get("/__sandbox/faults")["faults"][0]["remaining"] == 5);
}

TEST_CASE("sandbox server: a fault added as JSON answers its own body") {
  Running server(org_state());
  auto http = server.client();
  const json fault = {{"spec", "GET:/groups$:200:1"}, {"body", R"({"results": [{"id": 1}], "totalCount": -1)"}};
  auto added = http.Post("/__sandbox/faults", fault.dump(), "application/json");
  REQUIRE(added);
  CHECK(added->status == 201);
  CHECK(json::parse(added->body)["faults"][0]["body"] == fault["body"]);
  for (const char* bad : {R"({"spec": 1})", R"({"body": "x"})", R"({"spec": "GET:/x:200:1", "body": 2})", "{nope"}) {
    auto refused = http.Post("/__sandbox/faults", bad, "application/json");
    REQUIRE(refused);
    CHECK(refused->status == 400);
    CHECK(json::parse(refused->body)["errorCode"] == "INVALID_FAULT");
  }
  DigestClient client(server, "zmmrboas", password_a);
  auto lie = client.send("GET", fmt::format("/api/atlas/v2/orgs/{}/groups?envelope=true", org), v2_headers());
  REQUIRE(lie);
  CHECK(lie->status == 200);
  CHECK(lie->body == fault["body"]);  // as is: not enveloped, not re-serialized
  auto truth = client.send("GET", fmt::format("/api/atlas/v2/orgs/{}/groups", org), v2_headers());
  REQUIRE(truth);
  CHECK(json::parse(truth->body)["totalCount"] == 2);
}

TEST_CASE("sandbox server: the token endpoint meets faults only with valid client credentials") {
  Running server(org_state(), with_faults({"POST:/api/oauth/token:429:1:1"}));
  auto bad = server.client();
  bad.set_basic_auth("mdb_sa_id_1", "wrong");
  CHECK(bad.Post("/api/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded")
            ->status == 401);
  auto good = server.client();
  good.set_basic_auth("mdb_sa_id_1", "mdb_sa_sk_1");
  auto limited =
      good.Post("/api/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded");
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(limited->get_header_value("Retry-After") == "1");
  CHECK(json::parse(limited->body)["errorCode"] == "RATE_LIMITED");
  CHECK(good.Post("/api/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded")
            ->status == 200);
}

}  // namespace keyform_test_sandbox_server
