// The failure modes keyform must survive, served over loopback HTTP: listing faults
// (--listing-fault), slow writes (--write-latency-ms), a server that calls every nonce stale
// (--stale-nonces), writes lost behind a 204 (--fault ...:204:N) and role enforcement (403).
#include "sandbox/fixture.h"
#include "sandbox/listing_faults.h"
#include "sandbox/server.h"
#include "sandbox_http_client.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace keyform_test_sandbox_failure_modes {

using namespace keyform::sandbox;
using namespace sandbox_test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr const char* org = "5a0a1e7e0f2912c554080adc";
constexpr const char* p1 = "6523b7e0c1b52d0f1a2b3c41";
constexpr const char* p2 = "6523b7e0c1b52d0f1a2b3c42";
constexpr const char* p3 = "6523b7e0c1b52d0f1a2b3c43";
constexpr const char* k1 = "65f0c0ffee00000000000001";
constexpr const char* k2 = "65f0c0ffee00000000000002";
constexpr const char* k3 = "65f0c0ffee00000000000003";
constexpr const char* k4 = "65f0c0ffee00000000000004";
constexpr const char* k5 = "65f0c0ffee00000000000005";
constexpr const char* admin_secret = "9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01";
constexpr const char* owner_secret = "22222222-2222-2222-2222-222222222222";
constexpr const char* member_secret = "33333333-3333-3333-3333-333333333333";

constexpr const char* v2 = "/api/atlas/v2";
constexpr const char* v1 = "/api/atlas/v1.0";
constexpr const char* public_v1 = "/api/public/v1.0";

// kfadmin1 is ORG_OWNER; owner001 owns p1 and reads p2; member01 only reads p1.
OrgState five_keys() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c41", "name": "alpha"},
                 {"id": "6523b7e0c1b52d0f1a2b3c42", "name": "beta"},
                 {"id": "6523b7e0c1b52d0f1a2b3c43", "name": "gamma"}],
    "keys": [
      {"id": "65f0c0ffee00000000000001", "public_key": "kfadmin1", "private_key": "9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01",
       "org_roles": ["ORG_OWNER"]},
      {"id": "65f0c0ffee00000000000002", "public_key": "owner001", "private_key": "22222222-2222-2222-2222-222222222222",
       "projects": {"6523b7e0c1b52d0f1a2b3c41": ["GROUP_OWNER"], "6523b7e0c1b52d0f1a2b3c42": ["GROUP_READ_ONLY"]}},
      {"id": "65f0c0ffee00000000000003", "public_key": "member01", "private_key": "33333333-3333-3333-3333-333333333333",
       "projects": {"6523b7e0c1b52d0f1a2b3c41": ["GROUP_READ_ONLY"]}},
      {"id": "65f0c0ffee00000000000004", "public_key": "key00004", "private_key": "44444444-4444-4444-4444-444444444444"},
      {"id": "65f0c0ffee00000000000005", "public_key": "key00005", "private_key": "55555555-5555-5555-5555-555555555555"}
    ],
    "service_accounts": [{"client_id": "mdb_sa_id_1", "client_secret": "mdb_sa_sk_1"}]
  })");
}

SandboxOptions with_listing_faults(std::initializer_list<const char*> specs) {
  SandboxOptions options;
  for (const char* spec : specs) options.listing_faults.push_back(parse_listing_fault(spec));
  return options;
}

httplib::Headers headers_for(const std::string& base, bool with_body = false) {
  if (base == v2) return v2_headers(with_body);
  return with_body ? httplib::Headers{{"Content-Type", "application/json"}} : httplib::Headers{};
}

std::string listing(const std::string& base, const std::string& what, long long page, long long per_page) {
  return fmt::format("{}/orgs/{}/{}?pageNum={}&itemsPerPage={}", base, org, what, page, per_page);
}

json get_page(DigestClient& client, const std::string& base, const std::string& what, long long page,
              long long per_page) {
  auto response = client.send("GET", listing(base, what, page, per_page), headers_for(base));
  REQUIRE(response);
  REQUIRE(response->status == 200);
  return json::parse(response->body);
}

std::vector<std::string> ids(const json& page) {
  std::vector<std::string> out;
  for (const json& item : page["results"]) out.push_back(item["id"]);
  return out;
}

bool is_object_id(const std::string& id) {
  return id.size() == 24 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The `fault` flag of every answered (non-401) request in the log, in order.
std::vector<bool> fault_flags(const Running& server) {
  std::vector<bool> out;
  const json log = server.admin_get("/__sandbox/requests");
  for (const json& entry : log["requests"]) {
    if (entry["status"] != 401) out.push_back(entry["fault"]);
  }
  return out;
}

json state_key(const Running& server, const std::string& id) {
  const json state = server.admin_get("/__sandbox/state");
  for (const json& key : state["keys"]) {
    if (key["id"] == id) return key;
  }
  return nullptr;
}

std::string assignment(const std::string& base, const char* project, const char* key) {
  return fmt::format("{}/groups/{}/apiKeys/{}", base, project, key);
}

std::string org_key(const std::string& base, const char* key) {
  return fmt::format("{}/orgs/{}/apiKeys/{}", base, org, key);
}

}  // namespace

// ---- listing faults ---------------------------------------------------------------------

TEST_CASE("sandbox failure modes: duplicate, on every family, then one clean re-read") {
  for (const char* base : {v2, v1, public_v1}) {
    INFO(base);
    Running server(five_keys(), with_listing_faults({"apiKeys:duplicate:1"}));
    DigestClient client(server, "kfadmin1", admin_secret);
    const json first = get_page(client, base, "apiKeys", 1, 2);
    CHECK(ids(first) == std::vector<std::string>{k1, k2, k1});
    CHECK(first["totalCount"] == 5);
    CHECK(first["results"][2] == first["results"][0]);
    CHECK(ids(get_page(client, base, "apiKeys", 2, 2)) == std::vector<std::string>{k3, k4});
    CHECK(ids(get_page(client, base, "apiKeys", 1, 2)) == std::vector<std::string>{k1, k2});  // pass 2
    CHECK(ids(get_page(client, base, "groups", 1, 2)) == std::vector<std::string>{p1, p2});   // untouched
    CHECK(fault_flags(server) == std::vector<bool>{true, true, false, false});
    CHECK(server.admin_get("/__sandbox/listing-faults")["listing_faults"][0]["passes_used"] == 1);
  }
}

TEST_CASE("sandbox failure modes: shift serves page 1's last item again at the top of page 2") {
  Running server(five_keys(), with_listing_faults({"apiKeys:shift"}));
  DigestClient client(server, "kfadmin1", admin_secret);
  const json page1 = get_page(client, v2, "apiKeys", 1, 2);
  const json page2 = get_page(client, v2, "apiKeys", 2, 2);
  const json page3 = get_page(client, v2, "apiKeys", 3, 2);
  CHECK(ids(page1) == std::vector<std::string>{k1, k2});
  CHECK(ids(page2) == std::vector<std::string>{k2, k3});
  CHECK(ids(page3) == std::vector<std::string>{k4, k5});
  for (const json& page : {page1, page2, page3}) CHECK(page["totalCount"] == 5);
}

TEST_CASE("sandbox failure modes: ignore-page answers page 1 to every page request") {
  Running server(five_keys(), with_listing_faults({"groups:ignore-page"}));
  DigestClient client(server, "kfadmin1", admin_secret);
  for (int page = 1; page <= 3; ++page) {
    const json body = get_page(client, v1, "groups", page, 2);
    CHECK(ids(body) == std::vector<std::string>{p1, p2});
    CHECK(body["totalCount"] == 3);
  }
}

TEST_CASE("sandbox failure modes: count-drift counts one more after page 1") {
  Running server(five_keys(), with_listing_faults({"apiKeys:count-drift"}));
  DigestClient client(server, "kfadmin1", admin_secret);
  CHECK(get_page(client, v2, "apiKeys", 1, 2)["totalCount"] == 5);
  const json page2 = get_page(client, v2, "apiKeys", 2, 2);
  CHECK(page2["totalCount"] == 6);
  CHECK(ids(page2) == std::vector<std::string>{k3, k4});
  CHECK(get_page(client, v2, "apiKeys", 3, 2)["totalCount"] == 6);
}

TEST_CASE("sandbox failure modes: oversized puts itemsPerPage + 1 items on page 1") {
  Running server(five_keys(), with_listing_faults({"groups:oversized", "apiKeys:oversized"}));
  DigestClient client(server, "kfadmin1", admin_secret);
  const json groups = get_page(client, v2, "groups", 1, 2);
  REQUIRE(ids(groups).size() == 3);
  CHECK(ids(groups)[0] == p1);
  CHECK(ids(groups)[1] == p2);
  const json extra = groups["results"][2];
  CHECK(is_object_id(extra["id"]));
  CHECK(extra["id"] != p3);
  CHECK(extra["orgId"] == org);
  CHECK(extra["name"].is_string());
  CHECK(groups["totalCount"] == 3);

  // Fewer keys than itemsPerPage: synthetic keys fill page 1 up to 501 distinct ids.
  const json keys = get_page(client, v2, "apiKeys", 1, 500);
  const std::vector<std::string> key_ids = ids(keys);
  REQUIRE(key_ids.size() == 501);
  CHECK(std::vector<std::string>(key_ids.begin(), key_ids.begin() + 5) ==
        std::vector<std::string>{k1, k2, k3, k4, k5});
  CHECK(std::set<std::string>(key_ids.begin(), key_ids.end()).size() == 501);
  const json synthetic = keys["results"][5];
  CHECK(is_object_id(synthetic["id"]));
  CHECK(synthetic["publicKey"].get<std::string>().size() == 8);
  CHECK(synthetic["roles"].is_array());
  CHECK(keys["totalCount"] == 5);
}

TEST_CASE("sandbox failure modes: no-count omits totalCount only") {
  Running server(five_keys(), with_listing_faults({"apiKeys:no-count:1"}));
  DigestClient client(server, "kfadmin1", admin_secret);
  const json page = get_page(client, public_v1, "apiKeys", 1, 2);
  CHECK_FALSE(page.contains("totalCount"));
  CHECK(ids(page) == std::vector<std::string>{k1, k2});
  CHECK(page.contains("links"));
  CHECK(get_page(client, public_v1, "apiKeys", 1, 2)["totalCount"] == 5);
}

TEST_CASE("sandbox failure modes: endless serves full pages of new ids for any pageNum") {
  Running server(five_keys(), with_listing_faults({"apiKeys:endless"}));
  DigestClient client(server, "kfadmin1", admin_secret);
  std::set<std::string> seen;
  for (long long page : {1'000'000'000LL, 1LL, 2LL, 3LL}) {  // any page, page 1 or not
    const json body = get_page(client, v2, "apiKeys", page, 3);
    CHECK_FALSE(body.contains("totalCount"));
    REQUIRE(body["results"].size() == 3);
    for (const json& key : body["results"]) {
      CHECK(is_object_id(key["id"]));
      const std::string public_key = key["publicKey"];
      CHECK(public_key.size() == 8);
      CHECK(public_key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos);
      seen.insert(key["id"]);
    }
  }
  CHECK(seen.size() == 12);
  for (const char* real : {k1, k2, k3, k4, k5}) CHECK_FALSE(seen.count(real));
}

TEST_CASE("sandbox failure modes: huge pads the body past 65 MiB and keeps it valid JSON") {
  Running server(five_keys(), with_listing_faults({"apiKeys:huge:1"}));
  DigestClient client(server, "kfadmin1", admin_secret);
  REQUIRE(client.send("GET", listing(v2, "groups", 1, 2), v2_headers())->status == 200);  // a nonce
  // Received chunk by chunk: chunks of nothing but spaces are counted, the rest kept and parsed,
  // so the test neither holds nor parses 65 MiB.
  const std::string target = listing(v2, "apiKeys", 1, 2);
  httplib::Headers headers = v2_headers();
  headers.emplace("Authorization", client.authorization("GET", target));
  std::size_t received = 0;
  std::string kept;
  const std::string spaces(CPPHTTPLIB_RECV_BUFSIZ, ' ');
  auto response = server.client().Get(target.c_str(), headers, [&](const char* data, std::size_t size) {
    received += size;
    if (size > spaces.size() || std::memcmp(data, spaces.data(), size) != 0) kept.append(data, size);
    return true;
  });
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(received > 65u * 1024 * 1024);
  CHECK(response->get_header_value("Content-Length") == std::to_string(received));
  CHECK(kept.size() < 3 * CPPHTTPLIB_RECV_BUFSIZ);  // the rest was whitespace
  const json body = json::parse(kept);
  CHECK(ids(body) == std::vector<std::string>{k1, k2});
  CHECK(body["totalCount"] == 5);
  auto normal = client.send("GET", target, v2_headers());  // the next pass
  REQUIRE(normal);
  CHECK(normal->body.size() < 4096);
  CHECK(json::parse(normal->body) == body);
}

TEST_CASE("sandbox failure modes: listing faults added, listed and cleared at run time") {
  Running server(five_keys());
  auto http = server.client();
  auto added = http.Post("/__sandbox/listing-faults", " apiKeys:no-count:1\n", "text/plain");
  REQUIRE(added);
  CHECK(added->status == 201);
  CHECK(json::parse(added->body)["listing_faults"][0]["spec"] == "apiKeys:no-count:1");
  added = http.Post("/__sandbox/listing-faults", R"({"spec": "groups:duplicate"})", "application/json");
  REQUIRE(added);
  CHECK(added->status == 201);
  CHECK(json::parse(added->body)["listing_faults"].size() == 2);
  for (const char* bad : {"apiKeys:sideways", R"({"spec": 1})", R"({"mode": "x"})", "{nope", ""}) {
    INFO(bad);
    auto refused = http.Post("/__sandbox/listing-faults", bad, "text/plain");
    REQUIRE(refused);
    CHECK(refused->status == 400);
    CHECK(json::parse(refused->body)["errorCode"] == "INVALID_FAULT");
  }

  DigestClient client(server, "kfadmin1", admin_secret);
  CHECK_FALSE(get_page(client, v2, "apiKeys", 1, 2).contains("totalCount"));
  CHECK(ids(get_page(client, v2, "groups", 1, 2)) == std::vector<std::string>{p1, p2, p1});
  CHECK(http.Delete("/__sandbox/listing-faults")->status == 204);
  CHECK(server.admin_get("/__sandbox/listing-faults")["listing_faults"].empty());
  CHECK(ids(get_page(client, v2, "groups", 1, 2)) == std::vector<std::string>{p1, p2});
}

// ---- slow writes, stale nonces, lost writes ---------------------------------------------

TEST_CASE("sandbox failure modes: --write-latency-ms delays writes after authentication, not reads") {
  SandboxOptions options;
  options.write_latency = 400ms;
  Running server(five_keys(), options);
  DigestClient client(server, "kfadmin1", admin_secret);
  REQUIRE(client.send("GET", listing(v2, "apiKeys", 1, 2), v2_headers())->status == 200);

  auto start = std::chrono::steady_clock::now();
  CHECK(client.send("GET", listing(v2, "groups", 1, 2), v2_headers())->status == 200);
  CHECK(std::chrono::steady_clock::now() - start < 400ms);

  // A challenge for a write is not delayed: the sleep comes after authentication.
  start = std::chrono::steady_clock::now();
  auto challenge = server.client().Delete(assignment(v2, p1, k2).c_str(), v2_headers());
  REQUIRE(challenge);
  CHECK(challenge->status == 401);
  CHECK(std::chrono::steady_clock::now() - start < 400ms);

  // The write takes effect only after the delay: while it is in flight, the org is unchanged.
  start = std::chrono::steady_clock::now();
  int status = 0;
  std::thread writer([&] { status = client.send("DELETE", assignment(v2, p1, k2), v2_headers())->status; });
  std::this_thread::sleep_for(150ms);
  CHECK(state_key(server, k2)["projects"].contains(p1));
  writer.join();
  CHECK(std::chrono::steady_clock::now() - start >= 400ms);
  CHECK(status == 204);
  CHECK_FALSE(state_key(server, k2)["projects"].contains(p1));
}

TEST_CASE("sandbox failure modes: --stale-nonces answers every valid digest request 401 stale=true") {
  SandboxOptions options;
  options.stale_nonces = true;
  Running server(five_keys(), options);
  DigestClient client(server, "kfadmin1", admin_secret);
  auto response = client.send("GET", listing(v2, "apiKeys", 1, 2), v2_headers());  // answers once
  REQUIRE(response);
  CHECK(response->status == 401);
  const std::string challenge = response->get_header_value("WWW-Authenticate");
  CHECK(challenge.starts_with("Digest "));
  CHECK(challenge.ends_with("stale=true"));
  CHECK(header_param(challenge, "nonce") != client.nonce());  // a fresh nonce every time
  CHECK(json::parse(response->body)["detail"].get<std::string>().find("--stale-nonces") != std::string::npos);
  CHECK(client.send("DELETE", org_key(v2, k5), v2_headers())->status == 401);
  CHECK(state_key(server, k5) != nullptr);

  // Wrong credentials are still wrong, not stale; bearer tokens are unaffected.
  DigestClient wrong(server, "kfadmin1", owner_secret);
  auto refused = wrong.send("GET", listing(v2, "apiKeys", 1, 2), v2_headers());
  CHECK(refused->get_header_value("WWW-Authenticate").ends_with("stale=false"));
  auto http = server.client();
  http.set_basic_auth("mdb_sa_id_1", "mdb_sa_sk_1");
  auto token = http.Post("/api/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded");
  REQUIRE(token);
  httplib::Headers bearer{{"Accept", v2_type},
                          {"Authorization", "Bearer " + json::parse(token->body)["access_token"].get<std::string>()}};
  CHECK(server.client().Get(listing(v2, "apiKeys", 1, 2).c_str(), bearer)->status == 200);

  // Every stale answer is in the log, as a challenged 401 to a digest request.
  const json log = server.admin_get("/__sandbox/requests")["requests"];
  int stale = 0;
  for (const json& entry : log) {
    if (entry["auth"] == "digest" && entry["user"] == "kfadmin1" && entry["status"] == 401) {
      CHECK(entry["challenged"] == true);
      ++stale;
    }
  }
  CHECK(stale == 5);  // GET: answer and one retry; DELETE: the same; the wrong password: one
}

TEST_CASE("sandbox failure modes: a 204 fault claims success and drops the write") {
  Running server(five_keys(), [] {
    SandboxOptions options;
    options.faults.push_back(parse_fault("DELETE:/orgs/[0-9a-f]+/apiKeys/:204:1"));
    return options;
  }());
  DigestClient client(server, "kfadmin1", admin_secret);
  auto lost = client.send("DELETE", org_key(public_v1, k5));
  REQUIRE(lost);
  CHECK(lost->status == 204);
  CHECK(lost->body.empty());
  CHECK(state_key(server, k5) != nullptr);  // nothing happened
  auto real = client.send("DELETE", org_key(public_v1, k5));
  REQUIRE(real);
  CHECK(real->status == 200);  // the family's own answer
  CHECK(state_key(server, k5) == nullptr);
  const json log = server.admin_get("/__sandbox/requests")["requests"];
  REQUIRE(log.size() == 3);
  CHECK(log[1]["status"] == 204);
  CHECK(log[1]["fault"] == true);
  CHECK(log[2]["status"] == 200);
  CHECK(log[2]["fault"] == false);
}

// ---- roles ------------------------------------------------------------------------------

TEST_CASE("sandbox failure modes: writes without the role are 403 with the documented body") {
  Running server(five_keys());
  DigestClient member(server, "member01", member_secret);
  auto denied = member.send("DELETE", org_key(v2, k5), v2_headers());
  REQUIRE(denied);
  CHECK(denied->status == 403);
  CHECK(denied->get_header_value("Content-Type") == "application/json");
  CHECK(json::parse(denied->body) ==
        json{{"detail",
              "API key member01 lacks the Organization Owner role (ORG_OWNER), needed to delete an API key."},
             {"error", 403},
             {"errorCode", "USER_UNAUTHORIZED"},
             {"parameters", json::array()},
             {"reason", "Forbidden"}});
  CHECK(state_key(server, k5) != nullptr);
  CHECK(get_page(member, v2, "apiKeys", 1, 5)["totalCount"] == 5);  // reads are unaffected

  // A project owner may change assignments in its project only, and may not delete keys.
  DigestClient owner(server, "owner001", owner_secret);
  CHECK(owner.send("POST", assignment(v2, p1, k4), v2_headers(true), R"([{"roles": ["GROUP_READ_ONLY"]}])")
            ->status == 204);
  auto elsewhere = owner.send("PATCH", assignment(v2, p2, k2), v2_headers(true), R"({"roles": ["GROUP_OWNER"]})");
  REQUIRE(elsewhere);
  CHECK(elsewhere->status == 403);
  CHECK(json::parse(elsewhere->body)["detail"] ==
        fmt::format("API key owner001 lacks the Organization Owner role (ORG_OWNER) or the Project Owner "
                    "role (GROUP_OWNER) in project {}, needed to change API key assignments there.",
                    p2));
  CHECK(owner.send("DELETE", org_key(v2, k4), v2_headers())->status == 403);
  DigestClient v1_member(server, "member01", member_secret);
  CHECK(v1_member.send("PATCH", assignment(v1, p1, k4), headers_for(v1, true), R"({"roles": ["GROUP_OWNER"]})")
            ->status == 403);
  CHECK(v1_member.send("DELETE", assignment(public_v1, p1, k3))->status == 403);

  const json log = server.admin_get("/__sandbox/requests")["requests"];
  int forbidden = 0;
  for (const json& entry : log) forbidden += entry["status"] == 403;
  CHECK(forbidden == 5);
}

TEST_CASE("sandbox failure modes: roles are checked as they are at the time of the call") {
  Running server(five_keys());
  DigestClient admin(server, "kfadmin1", admin_secret);
  DigestClient owner(server, "owner001", owner_secret);
  const std::string roles = R"([{"roles": ["GROUP_READ_ONLY"]}])";
  CHECK(owner.send("POST", assignment(v2, p3, k4), v2_headers(true), roles)->status == 403);
  CHECK(admin.send("POST", assignment(v2, p3, k2), v2_headers(true), R"([{"roles": ["GROUP_OWNER"]}])")
            ->status == 204);
  CHECK(owner.send("POST", assignment(v2, p3, k4), v2_headers(true), roles)->status == 204);  // granted
  CHECK(admin.send("DELETE", assignment(v2, p3, k2), v2_headers())->status == 204);
  CHECK(owner.send("DELETE", assignment(v2, p3, k4), v2_headers())->status == 403);  // revoked
  CHECK(state_key(server, k4)["projects"].contains(p3));
}

TEST_CASE("sandbox failure modes: service accounts (no roles in fixtures) may write") {
  Running server(five_keys());
  auto http = server.client();
  http.set_basic_auth("mdb_sa_id_1", "mdb_sa_sk_1");
  auto token = http.Post("/api/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded");
  REQUIRE(token);
  const httplib::Headers bearer{
      {"Accept", v2_type},
      {"Authorization", "Bearer " + json::parse(token->body)["access_token"].get<std::string>()}};
  auto deleted = server.client().Delete(org_key(v2, k5).c_str(), bearer);
  REQUIRE(deleted);
  CHECK(deleted->status == 204);
  CHECK(state_key(server, k5) == nullptr);
}

}  // namespace keyform_test_sandbox_failure_modes
