#include "api/admin_client.h"

#include <doctest/doctest.h>

#include "plan_builders.h"

#include <set>

#include <nlohmann/json.hpp>

#ifndef KEYFORM_TEST_TIME_SCALE
#define KEYFORM_TEST_TIME_SCALE 1  // 4 under ASan+UBSan: the bound is about the optimised build
#endif

#include <httplib.h>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace keyform_test_admin_client {

using namespace keyform;
using keyform::testing::make_action;

namespace {
HttpResponse response(long status, std::string body) { return {status, std::move(body), std::nullopt, false, std::nullopt}; }
}  // namespace

TEST_CASE("every family's success answers count as success; envelopes give the real status") {
  CHECK(effective_status(response(204, "")) == 204);                  // v2 DELETE / POST
  CHECK(effective_status(response(200, "")) == 200);                  // public v1.0 DELETE
  CHECK(effective_status(response(200, "{}")) == 200);                // Atlas v1.0 DELETE
  CHECK(effective_status(response(200, R"({"id":"x","roles":[]})")) == 200);
  CHECK(effective_status(response(200, R"({"status":204,"content":{}})")) == 204);
  CHECK(effective_status(response(200, R"({"status":403,"content":{"errorCode":"X"}})")) == 403);
  CHECK(effective_status(response(404, R"({"status":200,"content":{}})")) == 404);  // only 200s are envelopes
}

TEST_CASE("failures show status, errorCode and detail") {
  CHECK(describe_failure(response(403, R"({"detail":"Not the project's creator.","error":403,"errorCode":"NOT_ORG_GROUP_CREATOR"})")) ==
        "403 NOT_ORG_GROUP_CREATOR: Not the project's creator.");
  CHECK(describe_failure(response(503, "<html>down</html>")) == "503");
  CHECK(describe_failure(response(200, R"({"status":404,"content":{"errorCode":"API_KEY_NOT_FOUND","detail":"gone"}})")) ==
        "200 API_KEY_NOT_FOUND: gone");
  CHECK(describe_failure(response(401, R"({"errorCode":"UNAUTHORIZED"})")).find("401 UNAUTHORIZED (check the credentials") == 0);
}

// ---- retries, against a scripted local HTTP server -------------------------------------------

namespace {

struct Scripted {
  int status;
  std::string body;
  std::string retry_after;  // header value, empty for none
  std::string www_authenticate = "";  // header value, empty for none
  std::chrono::milliseconds delay{0};  // before answering (cut short when the server stops)
};

// Answers once the script is used up; the argument counts those requests from 0.
using Endless = std::function<Scripted(int)>;

const std::string kProjects = R"({"results":[],"totalCount":0})";

// An HTTP server that answers each request with the next scripted response (then 200 "{}"),
// and records what it was asked. The project listing, which keyform reads side by side with
// the key listing, always answers one empty page and is not recorded, so scripts stay ordered.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::deque<Scripted> script, Endless endless = nullptr)
      : script_(std::move(script)), endless_(std::move(endless)) {
    server_.set_keep_alive_max_count(1000);
    server_.set_tcp_nodelay(true);  // else each answer waits out a delayed ACK (40 ms)
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      if (req.path.ends_with("/groups")) {
        res.set_content(kProjects, "application/json");
        return;
      }
      std::unique_lock lock(mutex_);
      seen_.push_back(req.method + " " + req.path);
      Scripted next{200, "{}", ""};
      if (!script_.empty()) {
        next = script_.front();
        script_.pop_front();
      } else if (endless_) {
        next = endless_(after_script_++);
      }
      stopped_.wait_for(lock, next.delay, [&] { return stopping_; });
      res.status = next.status;
      if (!next.retry_after.empty()) res.set_header("Retry-After", next.retry_after);
      if (!next.www_authenticate.empty()) res.set_header("WWW-Authenticate", next.www_authenticate);
      res.set_content(next.body, "application/json");
    };
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    server_.Patch(".*", handler);
    server_.Delete(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~ScriptedServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stopped_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  httplib::Server server_;
  std::deque<Scripted> script_;
  Endless endless_;
  int after_script_ = 0;
  std::vector<std::string> seen_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stopping_ = false;
  std::thread thread_;
  int port_ = 0;
};

// How the harness's connections are made: digest credentials, HTTP options.
struct Connections {
  HttpOptions http;
  bool digest = false;
};

struct Harness {
  ScriptedServer server;
  ConnectionPool pool;
  DigestAuth auth;
  std::vector<std::chrono::milliseconds> sleeps;
  std::vector<std::string> warnings;
  std::mutex warnings_mutex;  // both listings may warn at once
  AdminClient client;

  Harness(std::deque<Scripted> script, RetryPolicy policy = {}, Connections connections = {}, Endless endless = nullptr)
      : server(std::move(script), std::move(endless)),
        pool([url = server.url(), connections] {
               auto http = std::make_unique<HttpClient>(url, connections.http);
               if (connections.digest) http->use_digest("abcdefgh", "0f1e2d3c-secret");
               return http;
             },
             4),
        client(*find_family("atlas-v2"), pool, auth, "5a0a1e7e0f2912c554080adc", policy,
               ClientHooks{[this](std::chrono::milliseconds d) { sleeps.push_back(d); }, [] { return 0.5; },
                           [this](const std::string& line) {
                             std::lock_guard lock(warnings_mutex);
                             warnings.push_back(line);
                           }}) {}
};

const std::string kKeysPage1 =
    R"({"results":[{"id":"65f0c0ffee0000000000000a","publicKey":"abcdefgh","roles":[]}],"totalCount":1})";
Action unassign_action() {
  return make_action(ActionKind::unassign, {"65f0c0ffee0000000000000a", "abcdefgh", ""}, ProjectInfo{"6523b7e0c1b52d0f1a2b3c4d", "p"},
          {"GROUP_OWNER"}, {}, "", {});
}

}  // namespace

TEST_CASE("retry delays: Retry-After wins, else exponential with jitter, capped") {
  RetryPolicy policy;
  CHECK(retry_delay(policy, 1, 7L, 0.0) == std::chrono::milliseconds(7000));
  CHECK(retry_delay(policy, 1, std::nullopt, 0.0) == std::chrono::milliseconds(250));
  CHECK(retry_delay(policy, 1, std::nullopt, 1.0) == std::chrono::milliseconds(500));
  CHECK(retry_delay(policy, 3, std::nullopt, 1.0) == std::chrono::milliseconds(2000));
  CHECK(retry_delay(policy, 20, std::nullopt, 1.0) == std::chrono::milliseconds(30000));
  CHECK(is_transient(429));
  CHECK(is_transient(503));
  CHECK(is_transient(0));
  CHECK_FALSE(is_transient(500));
  CHECK_FALSE(is_transient(404));
}

TEST_CASE("transient answers on reads are retried, honouring Retry-After") {
  Harness h({{503, R"({"errorCode":"SERVICE_UNAVAILABLE","detail":"try later"})", "2"},
             {429, R"({"errorCode":"RATE_LIMITED"})", ""},
             {200, kKeysPage1, ""}});
  const LiveState live = h.client.read_org();
  CHECK(live.keys.size() == 1);
  CHECK(h.sleeps == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(2000), std::chrono::milliseconds(750)});
  REQUIRE(h.warnings.size() == 2);
  CHECK(h.warnings[0].find("retry: GET /api/atlas/v2/orgs/5a0a1e7e0f2912c554080adc/apiKeys?pageNum=1&itemsPerPage=500: "
                           "503 SERVICE_UNAVAILABLE: try later; retrying in 2.0s (attempt 2 of 6)") == 0);
  CHECK(h.server.seen().size() == 3);
}

TEST_CASE("retries are bounded by the attempt count") {
  RetryPolicy policy;
  policy.max_retries = 2;
  Harness h({{503, "", ""}, {503, "", ""}, {503, "", ""}, {503, "", ""}}, policy);
  try {
    h.client.read_org();
    FAIL("read_org should have failed");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()).find("503 (gave up after 3 attempts)") != std::string::npos);
    CHECK(e.status == 503);
  }
  CHECK(h.server.seen().size() == 3);
}

TEST_CASE("retries are bounded by the timeout") {
  RetryPolicy policy;
  policy.timeout = std::chrono::milliseconds(1000);
  Harness h({{429, "", "5"}}, policy);
  CHECK_THROWS_AS(h.client.read_org(), ApiError);
  CHECK(h.sleeps.empty());  // waiting 5 s would pass the 1 s budget: give up at once
}

TEST_CASE("permanent errors are not retried") {
  Harness h({{500, R"({"errorCode":"UNEXPECTED_ERROR","detail":"boom"})", ""}});
  try {
    h.client.execute(unassign_action());
    FAIL("execute should have failed");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()) ==
          "DELETE /api/atlas/v2/groups/6523b7e0c1b52d0f1a2b3c4d/apiKeys/65f0c0ffee0000000000000a: 500 UNEXPECTED_ERROR: boom");
  }
  CHECK(h.server.seen().size() == 1);
}

TEST_CASE("a 404 on an unassign means someone else did it: success with a note") {
  Harness h({{404, R"({"errorCode":"API_KEY_NOT_FOUND","detail":"gone"})", ""}});
  CHECK(h.client.execute(unassign_action()) == "already gone: 404 API_KEY_NOT_FOUND: gone");
}

TEST_CASE("a write answered 502 is checked before it is repeated") {
  SUBCASE("it took effect: not repeated") {
    // 502 on the DELETE, then the key read shows the key no longer in the project.
    Harness h({{502, "", ""}, {200, R"({"id":"65f0c0ffee0000000000000a","publicKey":"abcdefgh","roles":[]})", ""}});
    CHECK(h.client.execute(unassign_action()) == "");
    CHECK(h.server.seen() == std::vector<std::string>{
                                 "DELETE /api/atlas/v2/groups/6523b7e0c1b52d0f1a2b3c4d/apiKeys/65f0c0ffee0000000000000a",
                                 "GET /api/atlas/v2/orgs/5a0a1e7e0f2912c554080adc/apiKeys/65f0c0ffee0000000000000a"});
    REQUIRE(h.warnings.size() == 1);
    CHECK(h.warnings[0].find("but the change is in effect") != std::string::npos);
  }
  SUBCASE("it did not: repeated") {
    const std::string still_assigned =
        R"({"id":"65f0c0ffee0000000000000a","publicKey":"abcdefgh","roles":[{"groupId":"6523b7e0c1b52d0f1a2b3c4d","roleName":"GROUP_OWNER"}]})";
    Harness h({{502, "", ""}, {200, still_assigned, ""}, {204, "", ""}});
    CHECK(h.client.execute(unassign_action()) == "");
    CHECK(h.server.seen().size() == 3);
    CHECK(h.server.seen()[2].starts_with("DELETE "));
  }
}

TEST_CASE("pages after the first are all requested, and the items kept in page order") {
  std::deque<Scripted> script;
  // totalCount 1200 with 500 per page: three pages; projects: one empty page.
  auto page = [](int from, int count) {
    nlohmann::json results = nlohmann::json::array();
    for (int i = from; i < from + count; ++i) {
      char id[25];
      std::snprintf(id, sizeof id, "%024x", i);
      results.push_back({{"id", id}, {"publicKey", "k" + std::to_string(i)}, {"roles", nlohmann::json::array()}});
    }
    return nlohmann::json{{"results", results}, {"totalCount", 1200}}.dump();
  };
  // The server answers in arrival order, so make every page identical in shape and check counts.
  Harness h({{200, page(0, 500), ""}, {200, page(500, 500), ""}, {200, page(1000, 200), ""}});
  const LiveState live = h.client.read_org();
  CHECK(live.keys.size() == 1200);
  std::set<std::string> ids;
  for (const auto& k : live.keys) ids.insert(k.id);
  CHECK(ids.size() == 1200);
}

// ---- consistent listings -----------------------------------------------------------------------

namespace {

const std::string kKeysListing = "GET /api/atlas/v2/orgs/5a0a1e7e0f2912c554080adc/apiKeys";

std::string key_id(int i) {
  char id[25];
  std::snprintf(id, sizeof id, "65f0%020x", i);
  return id;
}

// A page of keys with ids key_id(from) … key_id(from + count - 1).
std::string keys_page(int from, int count, std::optional<long> total) {
  nlohmann::json results = nlohmann::json::array();
  for (int i = from; i < from + count; ++i) {
    results.push_back({{"id", key_id(i)}, {"publicKey", "k" + std::to_string(i)}, {"roles", nlohmann::json::array()}});
  }
  nlohmann::json page{{"results", results}};
  if (total) page["totalCount"] = *total;
  return page.dump();
}

std::string page_with_twice(const std::string& id) {
  const nlohmann::json key{{"id", id}, {"publicKey", "abcdefgh"}, {"roles", nlohmann::json::array()}};
  return nlohmann::json{{"results", {key, key}}, {"totalCount", 2}}.dump();
}

// The ApiError read_org throws, or "" when it returns.
std::string read_failure(Harness& h) {
  try {
    h.client.read_org();
    return "";
  } catch (const ApiError& e) {
    CHECK(e.status == 0);
    return e.what();
  }
}

}  // namespace

TEST_CASE("listing: a key listed twice is warned about and read again; the consistent read is used") {
  Harness h({{200, page_with_twice(key_id(1)), ""}, {200, keys_page(1, 2, 2), ""}});
  const LiveState live = h.client.read_org();
  REQUIRE(live.keys.size() == 2);
  CHECK(live.keys[0].id == key_id(1));
  CHECK(live.keys[1].id == key_id(2));
  REQUIRE(h.warnings.size() == 1);
  CHECK(h.warnings[0] == "warning: " + kKeysListing + ": inconsistent listing: key " + key_id(1) +
                             " appears twice (twice on page 1); reading it again from page 1");
  CHECK(h.server.seen().size() == 2);
}

TEST_CASE("listing: inconsistent twice is an error saying what was wrong, never a read") {
  SUBCASE("a key twice on one page") {
    Harness h({{200, page_with_twice(key_id(1)), ""}, {200, page_with_twice(key_id(1)), ""}});
    CHECK(read_failure(h) == kKeysListing + ": inconsistent listing: key " + key_id(1) +
                                 " appears twice (twice on page 1); read twice, inconsistent both times: "
                                 "not planning from it");
    CHECK(h.warnings.size() == 1);
  }
  SUBCASE("page 2 repeats the last key of page 1 (a key created between the two reads)") {
    // The order pages are answered in is the order they are asked for: page 1 first, then page 2.
    Harness h({{200, keys_page(0, 500, 1000), ""}, {200, keys_page(499, 500, 1000), ""},
               {200, keys_page(0, 500, 1000), ""}, {200, keys_page(499, 500, 1000), ""}});
    CHECK(read_failure(h) == kKeysListing + ": inconsistent listing: key " + key_id(499) +
                                 " appears twice (page 1 and page 2); read twice, inconsistent both times: "
                                 "not planning from it");
    CHECK(h.server.seen().size() == 4);
  }
  SUBCASE("totalCount changes between pages") {
    Harness h({{200, keys_page(0, 500, 1000), ""}, {200, keys_page(500, 500, 1001), ""},
               {200, keys_page(0, 500, 1000), ""}, {200, keys_page(500, 500, 1001), ""}});
    CHECK(read_failure(h).find("inconsistent listing: totalCount changed between pages: 1000 on page 1, 1001 on page 2") !=
          std::string::npos);
  }
  SUBCASE("a page with more keys than asked for") {
    Harness h({{200, keys_page(0, 501, 501), ""}, {200, keys_page(0, 501, 501), ""}});
    CHECK(read_failure(h).find("page 1 holds 501 items, more than the 500 per page requested") != std::string::npos);
  }
}

TEST_CASE("listing: a proxy that drops the query string is caught at page 2") {
  // Page 1 is full and has no totalCount, so keyform asks for page 2, and gets page 1 again.
  Harness h({}, {}, {}, [](int) { return Scripted{200, keys_page(0, 500, std::nullopt), ""}; });
  CHECK(read_failure(h).find("inconsistent listing: page 2 repeats page 1 (does a proxy drop the query string?)") !=
        std::string::npos);
  CHECK(h.server.seen().size() == 4);  // pages 1 and 2, twice
}

TEST_CASE("listing: a listing that never ends fails, bounded in requests and time") {
  // New keys on every page, forever, and no totalCount.
  Harness h({}, {}, {}, [](int n) { return Scripted{200, keys_page(n * 500, 500, std::nullopt), ""}; });
  const auto start = std::chrono::steady_clock::now();
  CHECK(read_failure(h).find("inconsistent listing: more than 50000 items by page 101") != std::string::npos);
  const auto took = std::chrono::steady_clock::now() - start;
  MESSAGE("an endless listing failed after ", std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms");
  CHECK(h.server.seen().size() == 2 * 101);
  CHECK(took < KEYFORM_TEST_TIME_SCALE * std::chrono::seconds(30));  // generous: a few seconds on a loaded CI machine
}

TEST_CASE("listing: a body over the cap counts as inconsistent: read again, then fail") {
  Connections small;
  small.http.max_body_bytes = 10000;  // one key is about 80 bytes
  SUBCASE("the second read is fine") {
    Harness h({{200, keys_page(0, 200, 200), ""}, {200, keys_page(0, 2, 2), ""}}, {}, small);
    CHECK(h.client.read_org().keys.size() == 2);
    REQUIRE(h.warnings.size() == 1);
    CHECK(h.warnings[0].find("inconsistent listing: page 1: response body larger than 10000 bytes; reading it again") !=
          std::string::npos);
  }
  SUBCASE("twice over the cap") {
    Harness h({{200, keys_page(0, 200, 200), ""}, {200, keys_page(0, 200, 200), ""}}, {}, small);
    CHECK(read_failure(h) == kKeysListing + ": inconsistent listing: page 1: response body larger than 10000 bytes; "
                                            "read twice, inconsistent both times: not planning from it");
    CHECK(h.server.seen().size() == 2);  // not retried as a transient failure
  }
}

TEST_CASE("a body over the cap on a write fails at once, not retried") {
  Connections small;
  small.http.max_body_bytes = 100;
  Harness h({{200, std::string(1000, ' '), ""}}, {}, small);
  try {
    h.client.execute(unassign_action());
    FAIL("execute should have failed");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()) ==
          "DELETE /api/atlas/v2/groups/6523b7e0c1b52d0f1a2b3c4d/apiKeys/65f0c0ffee0000000000000a: "
          "response body larger than 100 bytes");
    CHECK(e.status == 0);
  }
  CHECK(h.server.seen().size() == 1);
  CHECK(h.sleeps.empty());
}

// ---- bounds on one call ------------------------------------------------------------------------

TEST_CASE("the timeout bounds one call in wall time, retries and slow answers included") {
  RetryPolicy policy;
  policy.timeout = std::chrono::seconds(2);
  Harness h({}, policy, {}, [](int) { return Scripted{200, "{}", "", "", std::chrono::seconds(4)}; });
  const auto start = std::chrono::steady_clock::now();
  try {
    h.client.execute(unassign_action());
    FAIL("execute should have failed");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()).find("the call's 2.0s time budget spent)") != std::string::npos);
    CHECK(e.status == 0);
  }
  const auto took = std::chrono::steady_clock::now() - start;
  MESSAGE("a 2 s budget against a 4 s server took ", std::chrono::duration_cast<std::chrono::milliseconds>(took).count(), " ms");
  CHECK(took >= std::chrono::milliseconds(1900));
  CHECK(took < std::chrono::milliseconds(3500));
}

TEST_CASE("endless 401 stale=true answers end after max_retries + 1 attempts") {
  RetryPolicy policy;
  policy.max_retries = 2;
  Harness h({}, policy, Connections{{}, true}, [](int n) {
    Scripted stale{401, R"({"error":401,"errorCode":"UNAUTHORIZED"})", ""};
    stale.www_authenticate = "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"n" + std::to_string(n) +
                             "\", algorithm=MD5, qop=\"auth\", stale=true";
    return stale;
  });
  try {
    h.client.execute(unassign_action());
    FAIL("execute should have failed");
  } catch (const ApiError& e) {
    CHECK(std::string(e.what()).find("401 stale=true again") != std::string::npos);
    CHECK(std::string(e.what()).find("(gave up after 3 attempts)") != std::string::npos);
    CHECK(e.status == 401);
  }
  // Each attempt: the challenge libcurl answers, then a second stale answer that ends it.
  CHECK(h.server.seen().size() == 2 * (policy.max_retries + 1));
  for (const auto& request : h.server.seen()) CHECK(request.starts_with("DELETE "));  // no write was in doubt
  CHECK(h.sleeps.size() == 2);
}

TEST_CASE("error details from the API are escaped: no control character reaches a message") {
  CHECK(describe_failure(response(403, R"({"errorCode":"X\u001b[2J","detail":"line\n  + assign to prod\r"})")) ==
        "403 X\\x1b[2J: line\\n  + assign to prod\\r");
}

TEST_CASE("rate limits: read once per page in their own media type; refused or garbled, keyform learns them instead") {
  const std::string set = R"({"endpointSetId": "w", "endpointSetName": "writes", "scope": "ORGANIZATION",
    "endpoints": [{"method": "POST", "path": "/api/atlas/v2/orgs/{orgId}/apiKeys"}], "capacity": {"value": 5},
    "refillRate": {"value": 1}, "refillDurationSeconds": {"value": 1}})";
  SUBCASE("read") {
    Harness h({{200, R"({"results": [)" + set + R"(], "totalCount": 1})", ""}});
    const std::vector<EndpointSet> sets = h.client.read_rate_limits();
    REQUIRE(sets.size() == 1);
    CHECK(sets[0].name == "writes");
    CHECK(h.server.seen() == std::vector<std::string>{"GET /api/atlas/v2/rateLimits"});
    CHECK(h.warnings.empty());
  }
  for (const int status : {403, 404, 406}) {
    CAPTURE(status);
    Harness h({{status, R"({"errorCode": "X"})", ""}});
    CHECK(h.client.read_rate_limits().empty());
    CHECK(h.warnings.empty());  // not every key may read them: nothing to say
  }
  SUBCASE("a failure is one attempt and one line, never a retry") {
    Harness h({{503, R"({"errorCode": "SERVICE_UNAVAILABLE"})", "1"}});
    CHECK(h.client.read_rate_limits().empty());
    CHECK(h.server.seen().size() == 1);
    CHECK(h.sleeps.empty());
    REQUIRE(h.warnings.size() == 1);
    CHECK(h.warnings[0].find("503 SERVICE_UNAVAILABLE") != std::string::npos);
  }
  SUBCASE("a set that cannot be paced to is refused as a whole") {
    Harness h({{200, R"({"results": [{"endpointSetId": "w", "scope": "ORGANIZATION", "endpoints": []}]})", ""}});
    CHECK(h.client.read_rate_limits().empty());
    REQUIRE(h.warnings.size() == 1);
    CHECK(h.warnings[0].find("endpoints") != std::string::npos);
  }
}

TEST_CASE("pacing: a paced 429 waits in the pacer, not in the retry backoff, and is tried again") {
  Harness h({{429, R"({"errorCode": "RATE_LIMITED"})", "2"}, {200, R"({"id": "x"})", ""}});
  Pacer pacer({}, "5a0a1e7e0f2912c554080adc");
  h.client.pace_with(&pacer, /*read_limits=*/false);
  h.client.execute(unassign_action());
  CHECK(h.server.seen().size() == 2);
  REQUIRE(h.sleeps.size() == 1);  // the pacer's wait for the next turn: Retry-After
  CHECK(h.sleeps[0] >= std::chrono::milliseconds(1900));
  REQUIRE(h.warnings.size() == 1);
  CHECK(h.warnings[0].find("retrying when the rate limit allows") != std::string::npos);
}

TEST_CASE("pacing: a paced call sleeps its whole wait, never a fraction of a millisecond less") {
  // 3 tokens a second is one every 333.3 ms: sent after 333 ms, the call reaches the server before
  // its token and is refused (the e2e pacing test saw that about once in 20 runs).
  Harness h({{204, "", ""}, {204, "", ""}});
  const Pacer::Clock::time_point frozen = Pacer::Clock::now();
  Pacer pacer({{"w", "writes", LimitScope::organization, {{"DELETE", "/api/atlas/v2/groups/{g}/apiKeys/{k}"}}, 1, 3}},
              "5a0a1e7e0f2912c554080adc", [frozen] { return frozen; });
  h.client.pace_with(&pacer, /*read_limits=*/false);
  h.client.execute(unassign_action());
  CHECK(h.sleeps.empty());  // the bucket's one token
  h.client.execute(unassign_action());
  REQUIRE(h.sleeps.size() == 1);
  CHECK(h.sleeps[0] == std::chrono::milliseconds(334));
}

}  // namespace keyform_test_admin_client
