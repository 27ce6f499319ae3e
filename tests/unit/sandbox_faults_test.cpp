// Fault specs (--fault METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER]): parsing, matching, the
// answers, and the injector's counting. The faults over HTTP are in sandbox_server_test.cpp.
#include "sandbox/faults.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

namespace keyform_test_sandbox_faults {

using namespace keyform::sandbox;
using nlohmann::json;

namespace {

std::string error_of(const std::string& spec) {
  try {
    parse_fault(spec);
  } catch (const FaultSyntaxError& error) {
    return error.what();
  }
  return "";
}

std::string header(const Reply& reply, const std::string& name) {
  for (const auto& [n, v] : reply.headers) {
    if (n == name) return v;
  }
  return "";
}

}  // namespace

TEST_CASE("sandbox faults: valid specs") {
  Fault f = parse_fault("GET:/orgs/[0-9a-f]+/apiKeys$:503:2:7");
  CHECK(f.method == "GET");
  CHECK(f.path_pattern == "/orgs/[0-9a-f]+/apiKeys$");
  CHECK(f.status == 503);
  CHECK(f.count == 2);
  CHECK(f.retry_after == 7);
  CHECK_FALSE(f.after_apply);
  CHECK_FALSE(f.drops_connection());
  CHECK(f.spec == "GET:/orgs/[0-9a-f]+/apiKeys$:503:2:7");

  f = parse_fault("post:/groups/.*:0+:1");
  CHECK(f.method == "POST");
  CHECK(f.status == 0);
  CHECK(f.after_apply);
  CHECK(f.drops_connection());
  CHECK_FALSE(f.retry_after.has_value());

  f = parse_fault("*:.*:429:1000000:0");
  CHECK(f.method == "*");
  CHECK(f.retry_after == 0);
  CHECK(f.count == 1000000);
  for (const char* status : {"500", "502", "503", "504", "429", "502+"}) {
    CHECK_NOTHROW(parse_fault(std::string("DELETE:/x:") + status + ":1"));
  }
}

TEST_CASE("sandbox faults: bad specs are refused with the reason") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"GET:/x:503:0", "COUNT \"0\""},
      {"GET:/x:503:-1", "COUNT \"-1\""},
      {"GET:/x:503:1x", "COUNT \"1x\""},
      {"GET:/x:503:99999999999999999999999", "COUNT"},
      {"GET:/x:503", "too few"},
      {"", "too few"},
      {"GET:/a:b:503:1:2", "too many"},
      {"GET:/a(?:b):503:1:2", "PATH_REGEX may not contain ':'"},
      {"GET::503:1", "PATH_REGEX is empty"},
      {"GET:(unclosed:503:1", "not a valid ECMAScript regex"},
      {"GET:[z-a]:503:1", "not a valid ECMAScript regex"},
      {"GET:/x:404:1", "STATUS \"404\""},
      {"GET:/x:200:1", "STATUS \"200\""},
      {"GET:/x:205:1", "STATUS \"205\""},
      {"GET:/x:abc:1", "STATUS \"abc\""},
      {"GET:/x:+:1", "STATUS \"+\""},
      {"GET:/x:503++:1", "STATUS \"503++\""},
      {"GET:/x: 503:1", "STATUS \" 503\""},
      {"G-T:/x:503:1", "METHOD \"G-T\""},
      {":/x:503:1", "METHOD \"\""},
      {"GET:/x:503:1:", "RETRY_AFTER \"\""},
      {"GET:/x:503:1:-5", "RETRY_AFTER \"-5\""},
      {"GET:/x:503:1:86401", "RETRY_AFTER \"86401\""},
      {"GET:/x:0:1:5", "RETRY_AFTER needs a STATUS that answers"},
  };
  for (const auto& [spec, reason] : cases) {
    INFO(spec);
    const std::string message = error_of(spec);
    CHECK(message.find(reason) != std::string::npos);
    CHECK(message.find("\"" + spec + "\"") != std::string::npos);  // names the whole spec
    CHECK(message.find("METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER]") != std::string::npos);
  }
}

TEST_CASE("sandbox faults: matching by method and a regex searched in the path") {
  const Fault any = parse_fault("*:/apiKeys/:503:1");
  CHECK(fault_matches(any, "DELETE", "/api/atlas/v2/groups/g/apiKeys/k"));
  CHECK(fault_matches(any, "GET", "/api/atlas/v2/orgs/o/apiKeys/k"));
  CHECK_FALSE(fault_matches(any, "GET", "/api/atlas/v2/orgs/o/apiKeys"));

  const Fault post = parse_fault("POST:/groups/.*:0:1");
  CHECK(fault_matches(post, "POST", "/api/atlas/v2/groups/g/apiKeys/k"));
  CHECK_FALSE(fault_matches(post, "PATCH", "/api/atlas/v2/groups/g/apiKeys/k"));
  CHECK_FALSE(fault_matches(post, "post", "/api/atlas/v2/groups/g/apiKeys/k"));  // methods are sent upper case
  CHECK_FALSE(fault_matches(post, "POST", "/api/atlas/v2/orgs/o/apiKeys/k"));

  const Fault anchored = parse_fault("GET:^/api/atlas/v2/orgs/[^/]+/apiKeys$:500:1");
  CHECK(fault_matches(anchored, "GET", "/api/atlas/v2/orgs/5a0a1e7e0f2912c554080adc/apiKeys"));
  CHECK_FALSE(fault_matches(anchored, "GET", "/api/atlas/v1.0/orgs/5a0a1e7e0f2912c554080adc/apiKeys"));
  CHECK_FALSE(fault_matches(anchored, "GET", "/api/atlas/v2/orgs/5a0a1e7e0f2912c554080adc/apiKeys/k"));
}

TEST_CASE("sandbox faults: each status answers the documented error body") {
  const std::vector<std::tuple<int, std::string, std::string>> expected = {
      {429, "RATE_LIMITED", "Too Many Requests"},
      {500, "UNEXPECTED_ERROR", "Internal Server Error"},
      {502, "BAD_GATEWAY", "Bad Gateway"},
      {503, "SERVICE_UNAVAILABLE", "Service Unavailable"},
      {504, "GATEWAY_TIMEOUT", "Gateway Timeout"},
  };
  for (const auto& [status, code, reason] : expected) {
    const Reply reply = fault_reply(parse_fault("GET:/x:" + std::to_string(status) + ":1"), "/x/y");
    CHECK(reply.status == status);
    CHECK(reply.content_type == "application/json");
    REQUIRE(reply.body);
    CHECK((*reply.body)["error"] == status);
    CHECK((*reply.body)["errorCode"] == code);
    CHECK((*reply.body)["reason"] == reason);
    CHECK((*reply.body)["parameters"] == json::array());
    CHECK((*reply.body)["detail"].get<std::string>().find("/x/y") != std::string::npos);
    CHECK(reply.headers.empty());
  }
  const Reply limited = fault_reply(parse_fault("DELETE:/x:429:1:3"), "/x");
  CHECK(header(limited, "Retry-After") == "3");
  CHECK_THROWS_AS(fault_reply(parse_fault("DELETE:/x:0:1"), "/x"), std::logic_error);
}

TEST_CASE("sandbox faults: 204 claims success with no body (a lost or lagging write)") {
  const Fault lost = parse_fault("DELETE:/orgs/:204:2");
  CHECK(lost.status == 204);
  CHECK_FALSE(lost.drops_connection());
  CHECK_FALSE(lost.after_apply);
  const Reply reply = fault_reply(lost, "/api/atlas/v2/orgs/o/apiKeys/k");
  CHECK(reply.status == 204);
  CHECK_FALSE(reply.body.has_value());
  CHECK(render_body(reply).empty());
  CHECK(reply.headers.empty());
  CHECK(error_of("GET:/x:203:1").find("0, 204, 429, 500, 502, 503, 504") != std::string::npos);
}

TEST_CASE("sandbox faults: a fault with a body answers that body, with any status") {
  const Fault garbage = parse_fault("GET:/apiKeys:200:1", std::string("<html>502</html>"));
  CHECK(garbage.status == 200);
  const Reply reply = fault_reply(garbage, "/x");
  CHECK(reply.status == 200);
  CHECK(render_body(reply) == "<html>502</html>");
  CHECK(reply.content_type == "application/json");
  CHECK(render_body(fault_reply(parse_fault("GET:/x:404:1:9", std::string("")), "/x")).empty());
  CHECK(header(fault_reply(parse_fault("GET:/x:404:1:9", std::string("{}")), "/x"), "Retry-After") == "9");
  // Without a body, 200 has nothing to answer; with one, status 0 and 600 are still no answers.
  CHECK(error_of("GET:/x:200:1").find("STATUS \"200\"") != std::string::npos);
  CHECK_THROWS_AS(parse_fault("GET:/x:0:1", std::string("{}")), FaultSyntaxError);
  CHECK_THROWS_AS(parse_fault("GET:/x:600:1", std::string("{}")), FaultSyntaxError);
  CHECK_THROWS_AS(parse_fault("GET:/x:199:1", std::string("{}")), FaultSyntaxError);
}

TEST_CASE("sandbox faults: the injector uses up counts in the order faults were added") {
  FaultInjector injector;
  CHECK_FALSE(injector.take("GET", "/a").has_value());
  injector.add(parse_fault("GET:/a:503:2:1"));
  injector.add(parse_fault("*:/a:500:1"));
  injector.add(parse_fault("DELETE:/b:0:1"));

  CHECK_FALSE(injector.take("GET", "/c").has_value());
  auto first = injector.take("GET", "/a");
  REQUIRE(first);
  CHECK(first.value().status == 503);
  CHECK(injector.take("GET", "/a").value().status == 503);
  CHECK(injector.take("GET", "/a").value().status == 500);  // the first is used up, the second matches
  CHECK_FALSE(injector.take("GET", "/a").has_value());
  CHECK(injector.take("DELETE", "/b").value().drops_connection());
  CHECK_FALSE(injector.take("DELETE", "/b").has_value());

  const json listing = injector.to_json()["faults"];
  REQUIRE(listing.size() == 3);
  CHECK(listing[0]["spec"] == "GET:/a:503:2:1");
  CHECK(listing[0]["method"] == "GET");
  CHECK(listing[0]["path_regex"] == "/a");
  CHECK(listing[0]["status"] == 503);
  CHECK(listing[0]["retry_after"] == 1);
  CHECK(listing[0]["count"] == 2);
  CHECK(listing[0]["remaining"] == 0);
  CHECK(listing[1]["retry_after"].is_null());
  CHECK(listing[2]["after_apply"] == false);

  injector.add(parse_fault("GET:/a:502+:3"));
  CHECK(injector.to_json()["faults"][3]["remaining"] == 3);
  CHECK(injector.to_json()["faults"][3]["after_apply"] == true);
  injector.clear();
  CHECK(injector.to_json()["faults"].empty());
  CHECK_FALSE(injector.take("GET", "/a").has_value());
}

TEST_CASE("sandbox faults: concurrent requests never use a failure twice") {
  FaultInjector injector;
  injector.add(parse_fault("*:.*:503:500"));
  std::atomic<int> faulted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (injector.take("GET", "/x")) ++faulted;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(faulted == 500);
  CHECK(injector.to_json()["faults"][0]["remaining"] == 0);
}

}  // namespace keyform_test_sandbox_faults
