// AdminClient's service-account calls: the reads a plan needs, the check of a write whose answer
// was lost, and the two creates that hand out a secret and so must never run twice.
#include <algorithm>
#include <set>

#include "api/admin_client.h"
#include "api/service_account_requests.h"
#include "api/service_account_responses.h"
#include "core/escape.h"
#include "util/parallel.h"

namespace keyform {
namespace {

using Clock = std::chrono::steady_clock;

// The accounts of `live` named in `client_ids`, each once (two jobs on one account would race).
std::vector<LiveServiceAccount*> accounts_among(LiveState& live, const std::vector<std::string>& client_ids) {
  const std::set<std::string> wanted(client_ids.begin(), client_ids.end());
  std::vector<LiveServiceAccount*> found;
  for (auto& account : live.service_accounts) {
    if (wanted.count(account.client_id)) found.push_back(&account);
  }
  return found;
}

Principal account_principal(const std::string& client_id) {
  return {client_id, "", "", PrincipalKind::service_account};
}

// Whether the account as read now shows what an update_service_account was to do.
bool account_shows(const Action& action, const LiveServiceAccount& account) {
  return (!action.after.name || account.name == *action.after.name) &&
         (!action.after.desc || account.description == *action.after.desc) &&
         (!action.after.org_roles || account.org_roles == *action.after.org_roles);
}

bool has_secret(const LiveServiceAccount& account, const std::string& secret_id) {
  return std::any_of(account.secrets.begin(), account.secrets.end(),
                     [&](const LiveSecret& secret) { return secret.id == secret_id; });
}

std::string account_text(const std::string& client_id, const std::string& name) {
  return "service account \"" + escape_text(name) + "\" (" + escape_text(client_id) + ")";
}

// A body that holds a secret is wiped once parsed, whatever the parse did.
struct WipeBody {
  std::string& body;
  ~WipeBody() { wipe(body); }
};

}  // namespace

void AdminClient::read_service_accounts(LiveState& live) {
  live.service_accounts = read_listing<LiveServiceAccount>(
      "service account", [&](int page) { return list_service_accounts_request(family_, org_id_, page); },
      parse_service_accounts_page);
  live.service_accounts_read = true;
}

std::map<std::string, std::vector<std::string>> AdminClient::read_account_projects(const std::string& client_id) {
  const auto projects = read_listing<RolesIn>(
      "project",
      [&](int page) { return list_service_account_projects_request(family_, org_id_, client_id, page); },
      parse_service_account_projects_page);
  std::map<std::string, std::vector<std::string>> roles;
  for (const auto& project : projects) roles[project.id] = project.roles;
  return roles;
}

// Per account or per project, whichever is fewer listings (each at least one call); a tie reads
// per account, whose pages are smaller.
void AdminClient::read_service_account_projects(LiveState& live, const std::vector<std::string>& client_ids) {
  const std::vector<LiveServiceAccount*> accounts = accounts_among(live, client_ids);
  if (accounts.empty()) return;
  const int workers = pool_.max_connections();
  if (accounts.size() <= live.projects.size()) {
    parallel_for_or_throw(static_cast<int>(accounts.size()), workers, [&](int i) {
      accounts[i]->project_roles = read_account_projects(accounts[i]->client_id);
    });
    return;
  }
  std::vector<std::vector<RolesIn>> members(live.projects.size());
  parallel_for_or_throw(static_cast<int>(members.size()), workers, [&](int i) {
    members[i] = read_listing<RolesIn>(
        "service account",
        [&](int page) { return list_project_service_accounts_request(family_, live.projects[i].id, page); },
        parse_project_service_accounts_page);
  });
  std::map<std::string, LiveServiceAccount*> by_id;
  for (LiveServiceAccount* account : accounts) {
    account->project_roles.emplace();
    by_id.emplace(account->client_id, account);
  }
  for (size_t i = 0; i < members.size(); ++i) {
    for (auto& member : members[i]) {
      auto it = by_id.find(member.id);
      if (it != by_id.end()) (*it->second->project_roles)[live.projects[i].id] = std::move(member.roles);
    }
  }
}

std::vector<std::string> AdminClient::read_account_access_list(const std::string& client_id) {
  const auto entries = read_listing<AccessEntry>(
      "access-list entry",
      [&](int page) { return list_service_account_access_list_request(family_, org_id_, client_id, page); },
      parse_access_list_page);
  std::vector<std::string> list;
  for (const auto& entry : entries) list.push_back(entry.id);
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
  return list;
}

void AdminClient::read_service_account_access_lists(LiveState& live, const std::vector<std::string>& client_ids) {
  if (client_ids.empty()) return;  // nothing asked: nothing to refuse either (cloud-manager)
  if (!family_.service_account_access_lists) {
    throw std::logic_error("the " + std::string(family_.name) + " API has no service-account access lists");
  }
  const std::vector<LiveServiceAccount*> accounts = accounts_among(live, client_ids);
  parallel_for_or_throw(static_cast<int>(accounts.size()), pool_.max_connections(), [&](int i) {
    accounts[i]->access_list = read_account_access_list(accounts[i]->client_id);
  });
}

// The account as it is now; nullopt when it is gone (404).
std::optional<LiveServiceAccount> AdminClient::read_account(const std::string& client_id, Deadline deadline) {
  const ApiRequest request = get_service_account_request(family_, org_id_, client_id);
  const HttpResponse response = call(request, nullptr, deadline);
  if (response.status == 404) return std::nullopt;
  if (!is_success(response.status)) {
    throw ApiError(describe_call(request) + ": " + describe_failure(response), response.status);
  }
  try {
    return parse_service_account_response(response.body);
  } catch (const ResponseError& e) {
    throw ApiError(describe_call(request) + ": unexpected response: " + e.what(), response.status);
  }
}

// An account that is gone has lost its projects, secrets and access list with it.
bool AdminClient::account_action_in_effect(const Action& action, Deadline deadline) {
  const std::string& id = action.key.id;
  const bool gone_is_done = action.kind == ActionKind::delete_service_account ||
                            action.kind == ActionKind::delete_secret || action.removes();
  try {
    if (info(action.kind).scope == Scope::project) {
      const auto projects = read_account_projects(id);
      auto it = projects.find(action.project->id);
      if (action.kind == ActionKind::unassign) return it == projects.end();
      return it != projects.end() && it->second == action.roles_after;
    }
    if (info(action.kind).scope == Scope::access_entry) {
      const std::vector<std::string> list = read_account_access_list(id);
      const bool present = std::find(list.begin(), list.end(), *action.entry) != list.end();
      return action.kind == ActionKind::add_access_entry ? present : !present;
    }
    const std::optional<LiveServiceAccount> account = read_account(id, deadline);
    if (!account) return gone_is_done;
    if (action.kind == ActionKind::delete_secret) return !has_secret(*account, action.secret->id);
    return action.kind == ActionKind::update_service_account && account_shows(action, *account);
  } catch (const ApiError& e) {
    return e.status == 404 && gone_is_done;  // a listing of an account that is gone
  } catch (const std::exception&) {
    return false;  // cannot tell: treat as not done, so the write is retried
  }
}

std::vector<std::string> AdminClient::client_ids_named(const std::string& name) {
  std::vector<std::string> ids;
  LiveState live;
  read_service_accounts(live);
  for (const auto& account : live.service_accounts) {
    if (account.name == name && std::find(ids.begin(), ids.end(), account.client_id) == ids.end()) ids.push_back(account.client_id);
  }
  return ids;
}

std::string AdminClient::take_back(const Action& remove) {
  const ApiRequest request = action_request(family_, org_id_, remove);
  try {
    const HttpResponse response = call(request, [&](Deadline until) { return action_in_effect(remove, until); });
    if (is_success(response.status) || response.status == 404) return "";
    return describe_call(request) + ": " + describe_failure(response);
  } catch (const std::exception& e) {
    return describe_call(request) + ": " + e.what();
  }
}

std::string AdminClient::delete_created_service_account(const std::string& client_id) {
  Action remove;
  remove.kind = ActionKind::delete_service_account;
  remove.key = account_principal(client_id);
  return take_back(remove);
}

std::string AdminClient::delete_created_secret(const std::string& client_id, const std::string& secret_id) {
  Action remove;
  remove.kind = ActionKind::delete_secret;
  remove.key = account_principal(client_id);
  remove.secret = SecretInfo{secret_id, ""};
  return take_back(remove);
}

// A 201 whose body is unusable still made an account: it is taken back, since nobody has its secret.
CreatedSecret AdminClient::created_account_from(HttpResponse& response, const ApiRequest& request) {
  WipeBody wipe_body{response.body};
  try {
    return parse_created_service_account(response.body);
  } catch (const ResponseError& e) {
    const std::string id = created_client_id(response.body);
    const std::string taken_back = id.empty() ? "" : delete_created_service_account(id);
    throw ApiError(describe_call(request) + ": unexpected response: " + e.what() +
                       (id.empty()               ? ""
                        : taken_back.empty() ? "; the service account was deleted again"
                                             : "; deleting it again failed too (" + taken_back + "): SERVICE ACCOUNT " +
                                                   escape_text(id) + " IS ORPHANED, delete it by hand"),
                   response.status);
  }
}

CreatedSecret AdminClient::created_secret_from(HttpResponse& response, const ApiRequest& request,
                                               const Action& action) {
  WipeBody wipe_body{response.body};
  try {
    return parse_created_secret(response.body, action.key.id, action.key.desc);
  } catch (const ResponseError& e) {
    const std::string id = created_secret_id(response.body);
    const std::string taken_back = id.empty() ? "" : delete_created_secret(action.key.id, id);
    throw ApiError(describe_call(request) + ": unexpected response: " + e.what() +
                       (id.empty()               ? ""
                        : taken_back.empty() ? "; the secret was deleted again"
                                             : "; deleting it again failed too (" + taken_back + "): SECRET " +
                                                   escape_text(id) + " IS ORPHANED, delete it by hand"),
                   response.status);
  }
}

CreatedSecret AdminClient::create_service_account(const Action& action) {
  const ApiRequest request = action_request(family_, org_id_, action);
  const std::string name = *action.after.name;  // the request has it, or it threw
  HttpResponse response = create_once(
      request,
      {"the service account", "the service account", "the only copy of its secret",
       "a service account named \"" + escape_text(name) + "\"",
       [&](Deadline) { return client_ids_named(name); },
       [&](const std::string& id) { return delete_created_service_account(id); },
       [&](const std::string& id) { return account_text(id, name); },
       [](const std::string& id) { return "SERVICE ACCOUNT " + escape_text(id); }},
      Clock::now() + retry_.timeout);
  return created_account_from(response, request);
}

CreatedSecret AdminClient::create_secret(const Action& action) {
  const ApiRequest request = action_request(family_, org_id_, action);
  const Deadline deadline = Clock::now() + retry_.timeout;
  const std::string who = account_text(action.key.id, action.key.desc);
  std::optional<LiveServiceAccount> before = read_account(action.key.id, deadline);
  if (!before) throw ApiError(describe_call(request) + ": " + who + " is gone", 404);
  // Secrets that appeared after a lost answer are taken for its own (one another writer added in
  // that moment would be too: the API gives no way to tell them apart).
  const auto new_secrets = [&](Deadline until) {
    std::vector<std::string> made;
    const std::optional<LiveServiceAccount> now = read_account(action.key.id, until);
    for (const auto& secret : now ? now->secrets : std::vector<LiveSecret>{}) {
      if (!has_secret(*before, secret.id)) made.push_back(secret.id);
    }
    return made;
  };
  HttpResponse response = create_once(
      request,
      {"a secret", "the secret", "its only copy", "a new secret of " + who, new_secrets,
       [&](const std::string& id) { return delete_created_secret(action.key.id, id); },
       [](const std::string& id) { return "secret " + escape_text(id); },
       [&](const std::string& id) { return "SECRET " + escape_text(id) + " OF " + who; }},
      deadline);
  return created_secret_from(response, request, action);
}

}  // namespace keyform
