// AdminClient's service-account calls against a local server that answers by route: the reads
// (checked listings, the fewer-calls choice), the writes (and the check of a lost answer), and
// the two creates that must never run twice.
#include "api/admin_client.h"

#include <doctest/doctest.h>
#include <httplib.h>

#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

namespace keyform_test_service_account_client {

using namespace keyform;
using nlohmann::json;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kSa = "mdb_sa_id_0123456789abcdef01234567";
const std::string kSa2 = "mdb_sa_id_0123456789abcdef0123456b";
const std::string kP1 = "6523b7e0c1b52d0f1a2b3c41";
const std::string kP2 = "6523b7e0c1b52d0f1a2b3c42";
const std::string kSecretValue = "mdb_sa_sk_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const std::string kV2Type = "application/vnd.atlas.2024-08-05+json";
const std::string kOrgPath = "/api/atlas/v2/orgs/" + kOrg + "/serviceAccounts";

struct Answer {
  int status;
  std::string body;
};

// Answers "METHOD /path" (query ignored) with the next scripted answer for that route, the last
// one again when only one is left; 404 for a route with no script. Records every request as
// "METHOD target" and its Accept and Content-Type.
class RoutedServer {
 public:
  RoutedServer() {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      seen_.push_back(req.method + " " + req.target);
      accept_.push_back(req.get_header_value("Accept"));
      if (!req.body.empty()) content_types_.push_back(req.get_header_value("Content-Type"));
      bodies_.push_back(req.body);
      Answer answer{404, R"({"errorCode":"NOT_FOUND","detail":"no route"})"};
      auto route = routes_.find(req.method + " " + req.target.substr(0, req.target.find('?')));
      if (route != routes_.end() && !route->second.empty()) {
        answer = route->second.front();
        if (route->second.size() > 1) route->second.pop_front();
      }
      res.status = answer.status;
      res.set_content(answer.body, "application/json");
    };
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    server_.Patch(".*", handler);
    server_.Delete(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~RoutedServer() {
    server_.stop();
    thread_.join();
  }
  void on(const std::string& route, std::deque<Answer> answers) {
    std::lock_guard lock(mutex_);
    routes_[route] = std::move(answers);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  std::vector<std::string> accepts() {
    std::lock_guard lock(mutex_);
    return accept_;
  }
  std::vector<std::string> content_types() {
    std::lock_guard lock(mutex_);
    return content_types_;
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  int count(const std::string& prefix) {
    std::lock_guard lock(mutex_);
    return static_cast<int>(std::count_if(seen_.begin(), seen_.end(), [&](auto& s) { return s.starts_with(prefix); }));
  }

 private:
  httplib::Server server_;
  std::map<std::string, std::deque<Answer>> routes_;
  std::vector<std::string> seen_, accept_, content_types_, bodies_;
  std::mutex mutex_;
  std::thread thread_;
  int port_ = 0;
};

struct Harness {
  RoutedServer server;
  ConnectionPool pool;
  DigestAuth auth;
  std::vector<std::string> warnings;
  std::mutex warnings_mutex;
  AdminClient client;

  explicit Harness(const char* family = "atlas-v2")
      : pool([url = server.url()] { return std::make_unique<HttpClient>(url); }, 4),
        client(*find_family(family), pool, auth, kOrg, RetryPolicy{},
               ClientHooks{[](std::chrono::milliseconds) {}, [] { return 0.5; },
                           [this](const std::string& line) {
                             std::lock_guard lock(warnings_mutex);
                             warnings.push_back(line);
                           }}) {}
};

json secret_json(const std::string& id, const std::string& expires) {
  return {{"id", id}, {"createdAt", "2026-01-01T00:00:00Z"}, {"expiresAt", expires}, {"maskedSecretValue", "mdb_sa_sk_****1234"}};
}

json account_json(const std::string& id, const std::string& name, json roles = {"ORG_MEMBER"},
                  json secrets = json::array()) {
  return {{"clientId", id}, {"name", name}, {"description", "d " + name}, {"roles", roles}, {"secrets", secrets},
          {"createdAt", "2026-01-01T00:00:00Z"}};
}

// A vector, not a json: a braced list of one object would be that object, not an array of it.
std::string page(const std::vector<json>& results, std::optional<long> total = std::nullopt) {
  json body{{"results", results}};
  body["totalCount"] = total.value_or(static_cast<long>(results.size()));
  return body.dump();
}

Principal account(const std::string& id = kSa, const std::string& name = "deployer") {
  return {id, "", name, PrincipalKind::service_account};
}

Action project_action(ActionKind kind, std::vector<std::string> roles_after) {
  Action a;
  a.kind = kind;
  a.key = account();
  a.project = ProjectInfo{kP1, "payments-prod"};
  a.roles_after = std::move(roles_after);
  return a;
}

Action create_account_action(const std::string& name = "deployer") {
  Action a;
  a.kind = ActionKind::create_service_account;
  a.key = {"", "", name, PrincipalKind::service_account};
  a.after.name = name;
  a.after.desc = "deploys";
  a.after.org_roles = std::vector<std::string>{"ORG_MEMBER"};
  a.after.expires_after_hours = 2160;
  return a;
}

Action create_secret_action() {
  Action a;
  a.kind = ActionKind::create_secret;
  a.key = account();
  a.after.expires_after_hours = 720;
  return a;
}

std::string created_account_body(const std::string& id, const std::string& name) {
  json secret = secret_json("65f0c0ffee00000000000099", "2026-04-01T00:00:00Z");
  secret["secret"] = kSecretValue;
  return account_json(id, name, {"ORG_MEMBER"}, json::array({secret})).dump();
}

template <typename F>
std::string failure_of(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  FAIL("the call did not fail");
  return "";
}

}  // namespace

// ---- reads -------------------------------------------------------------------------------------

TEST_CASE("service accounts: the org listing fills accounts, org roles sorted and unique, and secrets") {
  Harness h;
  h.server.on("GET " + kOrgPath,
              {{200, page({account_json(kSa, "deployer", {"ORG_OWNER", "ORG_MEMBER", "ORG_OWNER"},
                                        {secret_json("65f0c0ffee00000000000001", "2026-03-01T00:00:00Z")}),
                           account_json(kSa2, "reader", json::array())})}});
  LiveState live;
  h.client.read_service_accounts(live);
  CHECK(live.service_accounts_read);
  REQUIRE(live.service_accounts.size() == 2);
  const LiveServiceAccount& first = live.service_accounts[0];
  CHECK(first.client_id == kSa);
  CHECK(first.name == "deployer");
  CHECK(first.description == "d deployer");
  CHECK(first.org_roles == std::vector<std::string>{"ORG_MEMBER", "ORG_OWNER"});
  REQUIRE(first.secrets.size() == 1);
  CHECK(first.secrets[0].id == "65f0c0ffee00000000000001");
  CHECK(first.secrets[0].created_at == "2026-01-01T00:00:00Z");
  CHECK(first.secrets[0].expires_at == "2026-03-01T00:00:00Z");
  CHECK_FALSE(first.project_roles.has_value());
  CHECK(live.service_accounts[1].org_roles.empty());
  // Never includeSystemManaged: its default keeps the system-managed accounts out.
  CHECK(h.server.seen() == std::vector<std::string>{"GET " + kOrgPath + "?pageNum=1&itemsPerPage=500"});
  CHECK(h.server.accepts() == std::vector<std::string>{kV2Type});
}

TEST_CASE("service accounts: the listing is checked like the key listing: read again once, then an error") {
  const std::string twice = page({account_json(kSa, "a"), account_json(kSa, "a")});
  SUBCASE("healed on the second read") {
    Harness h;
    h.server.on("GET " + kOrgPath, {{200, twice}, {200, page({account_json(kSa, "a")})}});
    LiveState live;
    h.client.read_service_accounts(live);
    CHECK(live.service_accounts.size() == 1);
    REQUIRE(h.warnings.size() == 1);
    CHECK(h.warnings[0] == "warning: GET " + kOrgPath + ": inconsistent listing: service account " + kSa +
                               " appears twice (twice on page 1); reading it again from page 1");
  }
  SUBCASE("inconsistent twice: no read at all") {
    Harness h;
    h.server.on("GET " + kOrgPath, {{200, twice}});
    LiveState live;
    CHECK(failure_of([&] { h.client.read_service_accounts(live); }).find("read twice, inconsistent both times") !=
          std::string::npos);
    CHECK_FALSE(live.service_accounts_read);
    CHECK(live.service_accounts.empty());
  }
}

namespace {

LiveState org_with(int accounts, int projects) {
  LiveState live;
  const std::vector<std::string> ids{kSa, kSa2, "mdb_sa_id_0123456789abcdef0123456c"};
  for (int i = 0; i < accounts; ++i) live.service_accounts.push_back({ids[i], "sa" + std::to_string(i), "", {}});
  const std::vector<std::string> groups{kP1, kP2, "6523b7e0c1b52d0f1a2b3c43"};
  for (int i = 0; i < projects; ++i) live.projects.push_back({groups[i], "p" + std::to_string(i)});
  return live;
}

}  // namespace

TEST_CASE("service account projects: one listing per account when that is fewer calls") {
  Harness h;
  h.server.on("GET " + kOrgPath + "/" + kSa + "/groups",
              {{200, page({{{"groupId", kP2}, {"roles", {"GROUP_READ_ONLY", "GROUP_OWNER"}}}})}});
  LiveState live = org_with(2, 3);
  h.client.read_service_account_projects(live, {kSa, kSa, "mdb_sa_id_ffffffffffffffffffffffff"});
  CHECK(h.server.seen() == std::vector<std::string>{"GET " + kOrgPath + "/" + kSa + "/groups?pageNum=1&itemsPerPage=500"});
  REQUIRE(live.service_accounts[0].project_roles);
  CHECK(*live.service_accounts[0].project_roles ==
        std::map<std::string, std::vector<std::string>>{{kP2, {"GROUP_OWNER", "GROUP_READ_ONLY"}}});
  CHECK_FALSE(live.service_accounts[1].project_roles.has_value());  // not asked for
}

TEST_CASE("service account projects: one listing per project when that is fewer calls") {
  Harness h;
  const std::string p1 = "/api/atlas/v2/groups/" + kP1 + "/serviceAccounts";
  h.server.on("GET " + p1, {{200, page({{{"clientId", kSa}, {"roles", {"GROUP_OWNER"}}},
                                        {{"clientId", "mdb_sa_id_ffffffffffffffffffffffff"}, {"roles", {"GROUP_OWNER"}}}})}});
  h.server.on("GET /api/atlas/v2/groups/" + kP2 + "/serviceAccounts", {{200, page({})}});
  LiveState live = org_with(3, 2);
  h.client.read_service_account_projects(live, {kSa, kSa2, "mdb_sa_id_0123456789abcdef0123456c"});
  CHECK(h.server.seen().size() == 2);
  CHECK(h.server.count("GET " + p1 + "?pageNum=1&itemsPerPage=500") == 1);
  CHECK(*live.service_accounts[0].project_roles ==
        std::map<std::string, std::vector<std::string>>{{kP1, {"GROUP_OWNER"}}});
  // Read, and in no project: an empty map, not "unread".
  REQUIRE(live.service_accounts[1].project_roles.has_value());
  CHECK(live.service_accounts[1].project_roles->empty());
}

TEST_CASE("service account projects: a project listing inconsistent twice fails the read") {
  Harness h;
  const json member{{"clientId", kSa}, {"roles", {"GROUP_OWNER"}}};
  h.server.on("GET /api/atlas/v2/groups/" + kP1 + "/serviceAccounts", {{200, page({member, member})}});
  LiveState live = org_with(3, 1);
  CHECK(failure_of([&] { h.client.read_service_account_projects(live, {kSa, kSa2, "mdb_sa_id_0123456789abcdef0123456c"}); })
            .find("service account " + kSa + " appears twice") != std::string::npos);
}

TEST_CASE("service account access lists: one checked listing per account, canonical CIDRs; v2 only") {
  Harness h;
  h.server.on("GET " + kOrgPath + "/" + kSa + "/accessList",
              {{200, page({{{"cidrBlock", "203.0.113.0/24"}, {"createdAt", "x"}},
                           {{"ipAddress", "198.51.100.7"}, {"cidrBlock", "198.51.100.7/32"}}})}});
  LiveState live = org_with(2, 0);
  h.client.read_service_account_access_lists(live, {kSa});
  CHECK(*live.service_accounts[0].access_list == std::vector<std::string>{"198.51.100.7/32", "203.0.113.0/24"});
  CHECK_FALSE(live.service_accounts[1].access_list.has_value());
  Harness cm("cloud-manager");
  CHECK_THROWS_AS(cm.client.read_service_account_access_lists(live, {kSa}), std::logic_error);
  // Every plan on cloud-manager asks for none: that is no call, not an error (it was one).
  CHECK_NOTHROW(cm.client.read_service_account_access_lists(live, {}));
}

// ---- writes ------------------------------------------------------------------------------------

TEST_CASE("service account assign: POST :invite with the roles, in the 2024-08-05 media type") {
  Harness h;
  const std::string invite = "POST /api/atlas/v2/groups/" + kP1 + "/serviceAccounts/" + kSa + ":invite";
  h.server.on(invite, {{200, account_json(kSa, "deployer", {"GROUP_OWNER"}).dump()}});
  CHECK(h.client.execute(project_action(ActionKind::assign, {"GROUP_OWNER"})) == "");
  CHECK(h.server.seen() == std::vector<std::string>{invite});
  CHECK(json::parse(h.server.bodies()[0]) == json{{"roles", {"GROUP_OWNER"}}});
  CHECK(h.server.content_types() == std::vector<std::string>{kV2Type});
  CHECK(h.server.accepts() == std::vector<std::string>{kV2Type});
}

TEST_CASE("service account assign: already in the project is accepted only with the planned roles") {
  const std::string invite = "POST /api/atlas/v2/groups/" + kP1 + "/serviceAccounts/" + kSa + ":invite";
  const std::string conflict = R"({"errorCode":"SERVICE_ACCOUNT_ALREADY_IN_GROUP","detail":"already"})";
  SUBCASE("same roles") {
    Harness h;
    h.server.on(invite, {{409, conflict}});
    h.server.on("GET " + kOrgPath + "/" + kSa + "/groups", {{200, page({{{"groupId", kP1}, {"roles", {"GROUP_OWNER"}}}})}});
    CHECK(h.client.execute(project_action(ActionKind::assign, {"GROUP_OWNER"})) == "already assigned with these roles");
  }
  SUBCASE("other roles") {
    Harness h;
    h.server.on(invite, {{409, conflict}});
    h.server.on("GET " + kOrgPath + "/" + kSa + "/groups",
                {{200, page({{{"groupId", kP1}, {"roles", {"GROUP_READ_ONLY"}}}})}});
    CHECK(failure_of([&] { h.client.execute(project_action(ActionKind::assign, {"GROUP_OWNER"})); }) ==
          invite + ": 409 SERVICE_ACCOUNT_ALREADY_IN_GROUP: already");
  }
}

TEST_CASE("service account writes: update roles, unassign, account and secret deletes, org update") {
  Harness h;
  const std::string assignment = "/api/atlas/v2/groups/" + kP1 + "/serviceAccounts/" + kSa;
  h.server.on("PATCH " + assignment, {{200, "{}"}});
  h.server.on("DELETE " + assignment, {{404, R"({"errorCode":"SERVICE_ACCOUNT_NOT_IN_GROUP","detail":"not in"})"}});
  h.server.on("DELETE " + kOrgPath + "/" + kSa + "/secrets/65f0c0ffee00000000000001", {{204, ""}});
  h.server.on("PATCH " + kOrgPath + "/" + kSa, {{200, account_json(kSa, "renamed").dump()}});
  h.server.on("DELETE " + kOrgPath + "/" + kSa, {{204, ""}});

  CHECK(h.client.execute(project_action(ActionKind::update_roles, {"GROUP_OWNER"})) == "");
  CHECK(h.client.execute(project_action(ActionKind::unassign, {})) ==
        "already gone: 404 SERVICE_ACCOUNT_NOT_IN_GROUP: not in");
  Action del_secret;
  del_secret.kind = ActionKind::delete_secret;
  del_secret.key = account();
  del_secret.secret = SecretInfo{"65f0c0ffee00000000000001", "2026-01-01T00:00:00Z"};
  CHECK(h.client.execute(del_secret) == "");
  Action update;
  update.kind = ActionKind::update_service_account;
  update.key = account();
  update.after.name = "renamed";
  CHECK(h.client.execute(update) == "");
  Action del;
  del.kind = ActionKind::delete_service_account;
  del.key = account();
  CHECK(h.client.execute(del) == "");

  const auto seen = h.server.seen();
  CHECK(seen == std::vector<std::string>{"PATCH " + assignment, "DELETE " + assignment,
                                         "DELETE " + kOrgPath + "/" + kSa + "/secrets/65f0c0ffee00000000000001",
                                         "PATCH " + kOrgPath + "/" + kSa, "DELETE " + kOrgPath + "/" + kSa});
  CHECK(json::parse(h.server.bodies()[0]) == json{{"roles", {"GROUP_OWNER"}}});
  CHECK(json::parse(h.server.bodies()[3]) == json{{"name", "renamed"}});  // only what changes
  for (const auto& accept : h.server.accepts()) CHECK(accept == kV2Type);
}

TEST_CASE("service account writes whose answer was lost are checked before they are repeated") {
  SUBCASE("an org update that took effect is not repeated") {
    Harness h;
    h.server.on("PATCH " + kOrgPath + "/" + kSa, {{502, ""}});
    h.server.on("GET " + kOrgPath + "/" + kSa, {{200, account_json(kSa, "renamed").dump()}});
    Action update;
    update.kind = ActionKind::update_service_account;
    update.key = account();
    update.after.name = "renamed";
    CHECK(h.client.execute(update) == "");
    CHECK(h.server.seen() == std::vector<std::string>{"PATCH " + kOrgPath + "/" + kSa, "GET " + kOrgPath + "/" + kSa});
  }
  SUBCASE("a secret delete that did not happen is repeated") {
    Harness h;
    const std::string secret = kOrgPath + "/" + kSa + "/secrets/65f0c0ffee00000000000001";
    h.server.on("DELETE " + secret, {{504, ""}, {204, ""}});
    h.server.on("GET " + kOrgPath + "/" + kSa,
                {{200, account_json(kSa, "a", {"ORG_MEMBER"}, {secret_json("65f0c0ffee00000000000001", "x")}).dump()}});
    Action del_secret;
    del_secret.kind = ActionKind::delete_secret;
    del_secret.key = account();
    del_secret.secret = SecretInfo{"65f0c0ffee00000000000001", "x"};
    CHECK(h.client.execute(del_secret) == "");
    CHECK(h.server.count("DELETE " + secret) == 2);
  }
  SUBCASE("an unassign of an account that is gone is in effect") {
    Harness h;
    const std::string assignment = "/api/atlas/v2/groups/" + kP1 + "/serviceAccounts/" + kSa;
    h.server.on("DELETE " + assignment, {{502, ""}});
    // No route for …/groups: 404, the account is gone.
    CHECK(h.client.execute(project_action(ActionKind::unassign, {})) == "");
    CHECK(h.server.count("DELETE " + assignment) == 1);
  }
}

TEST_CASE("service account access-list entries: SA paths, %2F for a network, the entry's field by its kind") {
  Harness h;
  h.server.on("POST " + kOrgPath + "/" + kSa + "/accessList", {{200, page({})}});
  h.server.on("DELETE " + kOrgPath + "/" + kSa + "/accessList/203.0.113.0%2F24", {{204, ""}});
  Action add;
  add.kind = ActionKind::add_access_entry;
  add.key = account();
  add.entry = "198.51.100.7/32";
  CHECK(h.client.execute(add) == "");
  Action remove = add;
  remove.kind = ActionKind::remove_access_entry;
  remove.entry = "203.0.113.0/24";
  CHECK(h.client.execute(remove) == "");
  CHECK(json::parse(h.server.bodies()[0]) == json::parse(R"([{"ipAddress":"198.51.100.7"}])"));
  CHECK(h.server.seen()[1] == "DELETE " + kOrgPath + "/" + kSa + "/accessList/203.0.113.0%2F24");
}

TEST_CASE("service accounts on cloud-manager: public v1.0 paths, application/json, any 2xx") {
  Harness h("cloud-manager");
  const std::string org = "/api/public/v1.0/orgs/" + kOrg + "/serviceAccounts";
  h.server.on("DELETE " + org + "/" + kSa, {{200, ""}});
  h.server.on("POST /api/public/v1.0/groups/" + kP1 + "/serviceAccounts/" + kSa + ":invite", {{200, "{}"}});
  Action del;
  del.kind = ActionKind::delete_service_account;
  del.key = account();
  CHECK(h.client.execute(del) == "");
  CHECK(h.client.execute(project_action(ActionKind::assign, {"GROUP_OWNER"})) == "");
  for (const auto& accept : h.server.accepts()) CHECK(accept == "application/json");
  CHECK(h.server.content_types() == std::vector<std::string>{"application/json"});
}

// ---- creates -----------------------------------------------------------------------------------

TEST_CASE("create_service_account: the account's client id and first secret, from a 201") {
  Harness h;
  h.server.on("POST " + kOrgPath, {{201, created_account_body(kSa, "deployer")}});
  const CreatedSecret created = h.client.create_service_account(create_account_action());
  CHECK(created.client_id == kSa);
  CHECK(created.name == "deployer");
  CHECK(created.secret_id == "65f0c0ffee00000000000099");
  CHECK(created.expires_at == "2026-04-01T00:00:00Z");
  CHECK(created.secret.reveal() == kSecretValue);
  CHECK(json::parse(h.server.bodies()[0]) == json{{"name", "deployer"},
                                                  {"description", "deploys"},
                                                  {"roles", {"ORG_MEMBER"}},
                                                  {"secretExpiresAfterHours", 2160}});
  CHECK(h.server.content_types() == std::vector<std::string>{kV2Type});
}

TEST_CASE("create_service_account is never repeated blindly") {
  const std::string listing = "GET " + kOrgPath;
  SUBCASE("the lost answer made the account: it is deleted again, and the call fails naming it") {
    Harness h;
    h.server.on("POST " + kOrgPath, {{502, ""}});
    h.server.on(listing, {{200, page({account_json(kSa, "deployer"), account_json(kSa2, "other")})}});
    h.server.on("DELETE " + kOrgPath + "/" + kSa, {{204, ""}});
    const std::string error = failure_of([&] { h.client.create_service_account(create_account_action()); });
    CHECK(error.find("the answer was lost after the service account was made") != std::string::npos);
    CHECK(error.find("service account \"deployer\" (" + kSa + ") was deleted again") != std::string::npos);
    CHECK(h.server.count("POST ") == 1);
    CHECK(h.server.count("DELETE " + kOrgPath + "/" + kSa) == 1);
    CHECK(h.server.count("DELETE " + kOrgPath + "/" + kSa2) == 0);
  }
  SUBCASE("deleting it fails too: IS ORPHANED") {
    Harness h;
    h.server.on("POST " + kOrgPath, {{504, ""}});
    h.server.on(listing, {{200, page({account_json(kSa, "deployer")})}});
    h.server.on("DELETE " + kOrgPath + "/" + kSa, {{403, R"({"errorCode":"FORBIDDEN","detail":"no"})"}});
    CHECK(failure_of([&] { h.client.create_service_account(create_account_action()); })
              .find("SERVICE ACCOUNT " + kSa + " IS ORPHANED") != std::string::npos);
  }
  SUBCASE("the lost answer made nothing: the create is repeated") {
    Harness h;
    h.server.on("POST " + kOrgPath, {{503, ""}, {201, created_account_body(kSa, "deployer")}});
    h.server.on(listing, {{200, page({})}});
    CHECK(h.client.create_service_account(create_account_action()).client_id == kSa);
    CHECK(h.server.count("POST ") == 2);
    CHECK(h.server.count(listing) == 1);  // looked before repeating, even after a 503
  }
  SUBCASE("the look itself fails: stop, saying what to look for") {
    Harness h;
    h.server.on("POST " + kOrgPath, {{502, ""}});
    h.server.on(listing, {{500, R"({"errorCode":"UNEXPECTED_ERROR","detail":"boom"})"}});
    CHECK(failure_of([&] { h.client.create_service_account(create_account_action()); })
              .find("look for a service account named \"deployer\" before running apply again") != std::string::npos);
    CHECK(h.server.count("POST ") == 1);
  }
}

TEST_CASE("a created account whose answer lacks the secret in clear is taken back; the secret never in the error") {
  Harness h;
  json body = json::parse(created_account_body(kSa, "deployer"));
  body["secrets"][0]["secret"] = "mdb_sa_sk_****" + kSecretValue.substr(kSecretValue.size() - 4);
  h.server.on("POST " + kOrgPath, {{201, body.dump()}});
  h.server.on("DELETE " + kOrgPath + "/" + kSa, {{204, ""}});
  const std::string error = failure_of([&] { h.client.create_service_account(create_account_action()); });
  CHECK(error.find("comes with its secret masked; the service account was deleted again") != std::string::npos);
  CHECK(error.find(kSecretValue.substr(kSecretValue.size() - 4)) == std::string::npos);
}

TEST_CASE("create_secret: the new secret of the account, delivered with the account's name") {
  Harness h;
  h.server.on("GET " + kOrgPath + "/" + kSa, {{200, account_json(kSa, "deployer").dump()}});
  json secret = secret_json("65f0c0ffee00000000000077", "2026-05-01T00:00:00Z");
  secret["secret"] = kSecretValue;
  h.server.on("POST " + kOrgPath + "/" + kSa + "/secrets", {{201, secret.dump()}});
  const CreatedSecret created = h.client.create_secret(create_secret_action());
  CHECK(created.client_id == kSa);
  CHECK(created.name == "deployer");
  CHECK(created.secret_id == "65f0c0ffee00000000000077");
  CHECK(created.expires_at == "2026-05-01T00:00:00Z");
  CHECK(created.secret.reveal() == kSecretValue);
  CHECK(json::parse(h.server.bodies().back()) == json{{"secretExpiresAfterHours", 720}});
}

TEST_CASE("create_secret is never repeated blindly: a secret the lost answer made is deleted again") {
  Harness h;
  const json old_secret = secret_json("65f0c0ffee00000000000001", "2026-02-01T00:00:00Z");
  h.server.on("GET " + kOrgPath + "/" + kSa,
              {{200, account_json(kSa, "deployer", {"ORG_MEMBER"}, {old_secret}).dump()},
               {200, account_json(kSa, "deployer", {"ORG_MEMBER"},
                                  {old_secret, secret_json("65f0c0ffee00000000000002", "2026-05-01T00:00:00Z")})
                         .dump()}});
  h.server.on("POST " + kOrgPath + "/" + kSa + "/secrets", {{502, ""}});
  h.server.on("DELETE " + kOrgPath + "/" + kSa + "/secrets/65f0c0ffee00000000000002", {{204, ""}});
  const std::string error = failure_of([&] { h.client.create_secret(create_secret_action()); });
  CHECK(error.find("the answer was lost after the secret was made") != std::string::npos);
  CHECK(error.find("secret 65f0c0ffee00000000000002 was deleted again") != std::string::npos);
  CHECK(h.server.count("POST ") == 1);
  CHECK(h.server.count("DELETE " + kOrgPath + "/" + kSa + "/secrets/65f0c0ffee00000000000001") == 0);
}

TEST_CASE("take back what could not be delivered: gone (404 too) is \"\", else what failed") {
  Harness h;
  h.server.on("DELETE " + kOrgPath + "/" + kSa, {{404, R"({"errorCode":"SERVICE_ACCOUNT_NOT_FOUND"})"}});
  h.server.on("DELETE " + kOrgPath + "/" + kSa + "/secrets/65f0c0ffee00000000000002",
              {{403, R"({"errorCode":"FORBIDDEN","detail":"no"})"}});
  CHECK(h.client.delete_created_service_account(kSa) == "");
  CHECK(h.client.delete_created_secret(kSa, "65f0c0ffee00000000000002") ==
        "DELETE " + kOrgPath + "/" + kSa + "/secrets/65f0c0ffee00000000000002: 403 FORBIDDEN: no");
}

}  // namespace keyform_test_service_account_client
