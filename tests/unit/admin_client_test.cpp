#include "api/admin_client.h"

#include <doctest/doctest.h>

#include <set>

#include <nlohmann/json.hpp>

using namespace keyform;

namespace {
HttpResponse response(long status, std::string body) { return {status, std::move(body), std::nullopt}; }
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

#include <httplib.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

namespace {

struct Scripted {
  int status;
  std::string body;
  std::string retry_after;  // header value, empty for none
};

const std::string kProjects = R"({"results":[],"totalCount":0})";

// An HTTP server that answers each request with the next scripted response (then 200 "{}"),
// and records what it was asked. The project listing, which keyform reads side by side with
// the key listing, always answers one empty page and is not recorded, so scripts stay ordered.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::deque<Scripted> script) : script_(std::move(script)) {
    server_.set_keep_alive_max_count(1000);
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      if (req.path.ends_with("/groups")) {
        res.set_content(kProjects, "application/json");
        return;
      }
      std::lock_guard lock(mutex_);
      seen_.push_back(req.method + " " + req.path);
      Scripted next{200, "{}", ""};
      if (!script_.empty()) {
        next = script_.front();
        script_.pop_front();
      }
      res.status = next.status;
      if (!next.retry_after.empty()) res.set_header("Retry-After", next.retry_after);
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
  std::vector<std::string> seen_;
  std::mutex mutex_;
  std::thread thread_;
  int port_ = 0;
};

struct Harness {
  ScriptedServer server;
  ConnectionPool pool;
  DigestAuth auth;
  std::vector<std::chrono::milliseconds> sleeps;
  std::vector<std::string> warnings;
  AdminClient client;

  Harness(std::deque<Scripted> script, RetryPolicy policy = {})
      : server(std::move(script)),
        pool([url = server.url()] { return std::make_unique<HttpClient>(url); }, 4),
        client(*find_family("atlas-v2"), pool, auth, "5a0a1e7e0f2912c554080adc", policy,
               ClientHooks{[this](std::chrono::milliseconds d) { sleeps.push_back(d); }, [] { return 0.5; },
                           [this](const std::string& line) { warnings.push_back(line); }}) {}
};

const std::string kKeysPage1 =
    R"({"results":[{"id":"65f0c0ffee0000000000000a","publicKey":"abcdefgh","roles":[]}],"totalCount":1})";
Action unassign_action() {
  return {ActionKind::unassign, {"65f0c0ffee0000000000000a", "abcdefgh", ""}, ProjectInfo{"6523b7e0c1b52d0f1a2b3c4d", "p"},
          {"GROUP_OWNER"}, {}, ""};
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
