#include "sandbox/service_account_access_list.h"

#include "sandbox/access_list.h"
#include "sandbox/operation_kit.h"
#include "sandbox/service_accounts.h"
#include "sandbox/timestamps.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

Reply entries_reply(const ServiceAccount& account, const Call& call) {
  std::vector<const AccessEntry*> items;
  for (const AccessEntry& entry : account.access_list) items.push_back(&entry);
  Page listing = page(items, call, service_account_entry_json, [](long long) { return json::object(); });
  Reply reply = account_reply(call, std::move(listing.body));
  reply.padding = listing.padding;
  return reply;
}

bool listed(const ServiceAccount& account, const Network& network) {
  return std::any_of(account.access_list.begin(), account.access_list.end(),
                     [&](const AccessEntry& entry) { return entry.network == network; });
}

}  // namespace

json service_account_entry_json(const AccessEntry& entry) {
  json body = {{"cidrBlock", to_string(entry.network)},
               {"createdAt", entry.created},
               {"requestCount", 0}};
  if (entry.network.is_single_address()) body["ipAddress"] = to_string(entry.network.address);
  return body;
}

Reply list_service_account_access_list(const OrgState& state, const Call& call) {
  return entries_reply(require_service_account(state, call.route.client_id), call);
}

// All or nothing, as for keys: none of the entries may be listed already or repeat another.
Reply add_service_account_access_entries(OrgState& state, const Call& call) {
  ServiceAccount& account = require_service_account(state, call.route.client_id);
  const std::vector<Network> networks = access_list_body_networks(call.body);
  for (std::size_t i = 0; i < networks.size(); ++i) {
    const auto before = networks.begin() + static_cast<long>(i);
    if (listed(account, networks[i]) || std::find(networks.begin(), before, networks[i]) != before) {
      throw ApiError(409, "DUPLICATE_ACCESS_LIST_ENTRY",
                     fmt::format("The access list entry {} already exists for service account {}.",
                                 to_string(networks[i]), account.client_id),
                     {to_string(networks[i])});
    }
  }
  const std::string created = utc_now();
  for (const Network& network : networks) account.access_list.push_back({network, created});
  return entries_reply(account, call);
}

Reply delete_service_account_access_entry(OrgState& state, const Call& call) {
  ServiceAccount& account = require_service_account(state, call.route.client_id);
  const Network network = access_list_path_network(call.route.entry);
  auto it = std::find_if(account.access_list.begin(), account.access_list.end(),
                         [&](const AccessEntry& entry) { return entry.network == network; });
  if (it == account.access_list.end()) {
    throw ApiError(404, "ACCESS_LIST_ENTRY_NOT_FOUND",
                   fmt::format("Service account {} has no access list entry {}.", account.client_id,
                               to_string(network)),
                   {account.client_id, to_string(network)});
  }
  const bool is_caller = call.principal.kind == Principal::Kind::service_account &&
                         call.principal.name == account.client_id;
  if (is_caller && is_on_access_list({*it}, call.client_address)) {
    throw ApiError(400, "CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY",
                   fmt::format("You cannot remove the requesting IP address {} from the requesting "
                               "service account {}.",
                               call.client_address, account.client_id),
                   {to_string(network)});
  }
  account.access_list.erase(it);
  return no_body(call, 204);
}

}  // namespace keyform::sandbox
