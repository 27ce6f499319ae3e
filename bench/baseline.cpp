#include "baseline.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace bench {
namespace {

using nlohmann::json;
using Roles = std::set<std::string>;

constexpr const char* kMediaType = "application/vnd.atlas.2023-01-01+json";
constexpr int kPageSize = 500;

struct Reply {
  long status = 0;
  std::string body;
};

size_t append(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) throw std::runtime_error(fmt::format("{} is not set", name));
  return value;
}

// `curl --digest -u USER:PASS -X METHOD URL`: a new handle, so a new connection and a new
// challenge, for every call.
class NaiveClient {
 public:
  NaiveClient()
      : base_(env("MONGODB_ATLAS_BASE_URL") + "/api/atlas/v2"),
        user_(env("MONGODB_ATLAS_PUBLIC_API_KEY")),
        password_(env("MONGODB_ATLAS_PRIVATE_API_KEY")) {}

  Reply call(const std::string& method, const std::string& path, const std::optional<std::string>& body = {}) {
    CURL* curl = curl_easy_init();
    if (!curl) throw std::runtime_error("curl_easy_init failed");
    Reply reply;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, (std::string("Accept: ") + kMediaType).c_str());
    if (body) headers = curl_slist_append(headers, (std::string("Content-Type: ") + kMediaType).c_str());
    const std::string url = base_ + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_DIGEST);
    curl_easy_setopt(curl, CURLOPT_USERNAME, user_.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password_.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (body) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
    }
    if (method != "GET") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    const CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK) throw std::runtime_error(fmt::format("{} {}: {}", method, path, curl_easy_strerror(code)));
    return reply;
  }

  Reply must(const std::string& method, const std::string& path, const std::optional<std::string>& body = {}) {
    Reply reply = call(method, path, body);
    if (reply.status < 200 || reply.status > 299) {
      throw std::runtime_error(fmt::format("{} {}: HTTP {}: {}", method, path, reply.status, reply.body));
    }
    return reply;
  }

  // Page by page until totalCount items have been read.
  std::vector<json> list(const std::string& path) {
    std::vector<json> items;
    for (int page = 1;; ++page) {
      const json body = json::parse(must("GET", fmt::format("{}?pageNum={}&itemsPerPage={}", path, page, kPageSize)).body);
      for (const auto& item : body.at("results")) items.push_back(item);
      const auto total = body.value("totalCount", static_cast<long>(items.size()));
      if (static_cast<long>(items.size()) >= total || body.at("results").empty()) return items;
    }
  }

 private:
  std::string base_;
  std::string user_;
  std::string password_;
};

struct Write {
  std::string method;
  std::string path;
  std::optional<std::string> body;
};

json roles_array(const Roles& roles) { return json(std::vector<std::string>(roles.begin(), roles.end())); }

}  // namespace

int run_baseline(const std::string& mode, const std::string& desired_file) {
  try {
    std::ifstream in(desired_file);
    const json desired = json::parse(in);
    const std::string org = desired.at("org_id").get<std::string>();
    NaiveClient api;
    const std::vector<json> keys = api.list("/orgs/" + org + "/apiKeys");
    const std::vector<json> projects = api.list("/orgs/" + org + "/groups");
    std::set<std::string> project_ids;
    for (const auto& p : projects) project_ids.insert(p.at("id").get<std::string>());

    std::map<std::string, std::map<std::string, Roles>> live;  // key id -> project id -> roles
    for (const auto& key : keys) {
      auto& assignments = live[key.at("id").get<std::string>()];
      for (const auto& role : key.at("roles")) {
        if (role.contains("groupId")) assignments[role.at("groupId")].insert(role.at("roleName").get<std::string>());
      }
    }

    // The diff, in keyform's phase order: assigns and updates, unassigns, deletes.
    std::vector<Write> grants, removals, deletions;
    for (const auto& key : desired.at("keys")) {
      const std::string id = key.at("id").get<std::string>();
      auto it = live.find(id);
      if (it == live.end()) {
        if (key.at("absent").get<bool>()) continue;
        throw std::runtime_error("declared key " + key.at("public_key").get<std::string>() + " does not exist");
      }
      if (key.at("absent").get<bool>()) {
        deletions.push_back({"DELETE", "/orgs/" + org + "/apiKeys/" + id, std::nullopt});
        continue;
      }
      const auto& have = it->second;
      for (const auto& [project, roles_json] : key.at("projects").items()) {
        if (!project_ids.count(project)) throw std::runtime_error("declared project " + project + " does not exist");
        const Roles want = roles_json.get<Roles>();
        const std::string path = "/groups/" + project + "/apiKeys/" + id;
        auto had = have.find(project);
        if (had == have.end()) {
          grants.push_back({"POST", path, json::array({{{"roles", roles_array(want)}}}).dump()});
        } else if (had->second != want) {
          grants.push_back({"PATCH", path, json{{"roles", roles_array(want)}}.dump()});
        }
      }
      for (const auto& [project, roles] : have) {
        if (!key.at("projects").contains(project)) {
          removals.push_back({"DELETE", "/groups/" + project + "/apiKeys/" + id, std::nullopt});
        }
      }
    }
    long assigns = 0;
    for (const auto& w : grants) assigns += w.method == "POST";
    std::printf("Plan: %ld to assign, %ld to update, %zu to unassign, %zu to delete.\n", assigns,
                static_cast<long>(grants.size()) - assigns, removals.size(), deletions.size());
    if (mode != "apply") return 0;
    std::printf("\nApplying...\n");
    std::fflush(stdout);
    for (const auto* phase : {&grants, &removals, &deletions}) {
      for (const auto& w : *phase) api.must(w.method, w.path, w.body);
    }
    std::printf("Apply complete: %zu changes.\n", grants.size() + removals.size() + deletions.size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "baseline: %s\n", e.what());
    return 1;
  }
}

}  // namespace bench
