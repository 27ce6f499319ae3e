#include "sandbox/access_list.h"

#include "sandbox/operation_kit.h"
#include "sandbox/timestamps.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <regex>
#include <string>
#include <vector>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

// The v2 spec's patterns (UserAccessListRequest.ipAddress and .cidrBlock, and the {ipAddress}
// path parameter, whose "\:" is written ":"), searched as JSON Schema does: unanchored.
const std::regex& ip_address_pattern() {
  static const std::regex pattern(
      R"(^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$)");
  return pattern;
}

const std::regex& cidr_block_pattern() {
  static const std::regex pattern(
      R"(^((([0-9]{1,3}\.){3}[0-9]{1,3})|(:{0,2}([0-9a-f]{1,4}:){0,7}[0-9a-f]{1,4}[:]{0,2}))((%2[fF]|/)[0-9]{1,3})+$)");
  return pattern;
}

const std::regex& path_entry_pattern() {
  static const std::regex pattern(
      R"(^([0-9]{1,3}\.){3}[0-9]{1,3}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}:){1,6}:(%2[fF][0-9]{1,3})?$)");
  return pattern;
}

[[noreturn]] void bad_entry(const std::string& attribute, const std::string& detail) {
  throw ApiError(400, "INVALID_IP_ADDRESS_OR_CIDR_NOTATION",
                 fmt::format("Invalid {}: {}.", attribute, detail), {attribute});
}

// Longer than any address or CIDR can be spelt ("%2F" included). Checked before the pattern:
// libstdc++'s std::regex recurses once per character and a 1 MiB body would overflow the stack.
constexpr std::size_t max_entry_length = 64;

// The pattern first, then the value: each refuses things the other lets through.
Network checked_network(const std::string& text, const std::regex& pattern,
                        const std::string& attribute) {
  if (text.size() > max_entry_length) {
    bad_entry(attribute, fmt::format("{} characters is longer than any address", text.size()));
  }
  if (!std::regex_search(text, pattern)) {
    bad_entry(attribute, fmt::format("\"{}\" does not match the pattern of {}", text, attribute));
  }
  std::string slashed = text;  // the body pattern allows %2F too
  for (std::size_t at = 0; (at = slashed.find('%', at)) != std::string::npos; ++at) {
    if (slashed.compare(at, 3, "%2F") == 0 || slashed.compare(at, 3, "%2f") == 0) {
      slashed.replace(at, 3, "/");
    }
  }
  try {
    return parse_network(slashed);
  } catch (const AddressError& error) {
    bad_entry(attribute, error.what());
  }
}

Network element_network(const json& element) {
  if (!element.is_object()) bad_attribute("accessList", "each element must be an object.");
  for (const auto& [name, value] : element.items()) {
    if (name != "ipAddress" && name != "cidrBlock") bad_attribute(name, "unknown attribute.");
    if (!value.is_string()) bad_attribute(name, "expected a string.");
  }
  if (element.size() != 1) {
    bad_attribute("accessList", "each element needs exactly one of ipAddress and cidrBlock.");
  }
  // Not `*element.items().begin()`: that proxy dies with the temporary items() (ASan caught it).
  const auto only = element.begin();
  const std::string name = only.key();
  const std::string& text = only.value().get_ref<const std::string&>();
  if (name == "ipAddress") {
    return checked_network(text, ip_address_pattern(), name);
  }
  return checked_network(text, cidr_block_pattern(), name);
}

}  // namespace

std::vector<Network> access_list_body_networks(std::string_view body) {
  const json parsed = parse_body(body);
  if (!parsed.is_array() || parsed.empty()) {
    throw ApiError(400, "INVALID_JSON",
                   R"(Expected a non-empty JSON array of {"ipAddress": ...} or {"cidrBlock": ...} objects.)");
  }
  std::vector<Network> networks;
  for (const json& element : parsed) networks.push_back(element_network(element));
  return networks;
}

Network access_list_path_network(const std::string& raw) {
  return checked_network(raw, path_entry_pattern(), "ipAddress");
}

namespace {

const AccessEntry* find_entry(const ApiKey& key, const Network& network) {
  auto it = std::find_if(key.access_list.begin(), key.access_list.end(),
                         [&](const AccessEntry& entry) { return entry.network == network; });
  return it == key.access_list.end() ? nullptr : &*it;
}

[[noreturn]] void duplicate(const ApiKey& key, const Network& network) {
  throw ApiError(409, "DUPLICATE_ACCESS_LIST_ENTRY",
                 fmt::format("The access list entry {} already exists for API key {}.",
                             to_string(network), key.id),
                 {to_string(network)});
}

// The entry the path names; 404 when the key has none with that value.
const AccessEntry& require_entry(const ApiKey& key, const std::string& raw) {
  const Network network = access_list_path_network(raw);
  const AccessEntry* entry = find_entry(key, network);
  if (!entry) {
    throw ApiError(404, "ACCESS_LIST_ENTRY_NOT_FOUND",
                   fmt::format("API key {} has no access list entry {}.", key.id, to_string(network)),
                   {key.id, to_string(network)});
  }
  return *entry;
}

// Made-up entries for listing faults: fd00::/8 host addresses, distinct per n.
json synthetic_entry(long long n) {
  IpAddress address{true, {}};
  address.bytes[0] = 0xfd;
  for (int i = 15; i >= 8; --i, n >>= 8) address.bytes[static_cast<std::size_t>(i)] = n & 0xff;
  return access_entry_json({Network{address, 128}, "2024-01-01T00:00:00Z"});
}

Page entries_page(const ApiKey& key, const Call& call) {
  std::vector<const AccessEntry*> items;
  for (const AccessEntry& entry : key.access_list) items.push_back(&entry);
  return page(items, call, access_entry_json, synthetic_entry);
}

bool is_callers_entry(const ApiKey& key, const AccessEntry& entry, const Call& call) {
  if (call.principal.kind != Principal::Kind::api_key || call.principal.name != key.public_key) {
    return false;
  }
  const auto address = parse_peer_address(call.client_address);
  return address && contains(entry.network, *address);
}

}  // namespace

json access_entry_json(const AccessEntry& entry) {
  json body = {{"cidrBlock", to_string(entry.network)},
               {"created", entry.created},
               {"count", 0},
               {"links", json::array()}};
  if (entry.network.is_single_address()) body["ipAddress"] = to_string(entry.network.address);
  return body;
}

Reply list_access_list(const OrgState& state, const Call& call) {
  return ok(call, entries_page(require_key(state, call.route.key_id), call));
}

// All or nothing: every element is checked, and none may be on the list or repeat another.
Reply add_access_entries(OrgState& state, const Call& call) {
  ApiKey& key = require_key(state, call.route.key_id);
  const std::vector<Network> networks = access_list_body_networks(call.body);
  for (std::size_t i = 0; i < networks.size(); ++i) {
    if (find_entry(key, networks[i]) ||
        std::find(networks.begin(), networks.begin() + static_cast<long>(i), networks[i]) !=
            networks.begin() + static_cast<long>(i)) {
      duplicate(key, networks[i]);
    }
  }
  const std::string created = utc_now();
  for (const Network& network : networks) key.access_list.push_back({network, created});
  return ok(call, entries_page(key, call));
}

Reply get_access_entry(const OrgState& state, const Call& call) {
  const ApiKey& key = require_key(state, call.route.key_id);
  return ok(call, access_entry_json(require_entry(key, call.route.entry)));
}

// 204 in every family: the reference gives 204 for v2, Cloud Manager and Ops Manager alike.
Reply delete_access_entry(OrgState& state, const Call& call) {
  ApiKey& key = require_key(state, call.route.key_id);
  const AccessEntry& entry = require_entry(key, call.route.entry);
  if (is_callers_entry(key, entry, call)) {
    throw ApiError(400, "CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY",
                   fmt::format("You cannot remove the requesting IP address {} from the requesting "
                               "organization API key {}.",
                               call.client_address, key.public_key),
                   {to_string(entry.network)});
  }
  key.access_list.erase(key.access_list.begin() + (&entry - key.access_list.data()));
  return no_body(call, 204);
}

bool is_on_access_list(const std::vector<AccessEntry>& access_list, std::string_view client_address) {
  const auto address = parse_peer_address(client_address);
  return address && std::any_of(access_list.begin(), access_list.end(), [&](const AccessEntry& entry) {
           return contains(entry.network, *address);
         });
}

void require_allowed_address(const OrgState& state, const Principal& principal,
                             std::string_view client_address) {
  const bool is_key = principal.kind == Principal::Kind::api_key;
  const ApiKey* key = is_key ? state.find_key_by_public_key(principal.name) : nullptr;
  const ServiceAccount* account = is_key ? nullptr : state.find_service_account(principal.name);
  const std::vector<AccessEntry>* list =
      key ? &key->access_list : account ? &account->access_list : nullptr;
  if (!list || list->empty() || is_on_access_list(*list, client_address)) return;
  throw ApiError(403, "IP_ADDRESS_NOT_ON_ACCESS_LIST",
                 fmt::format("IP address {} is not allowed to access this resource: it is not on "
                             "the access list of {} {}.",
                             client_address, is_key ? "API key" : "service account", principal.name),
                 {std::string(client_address)});
}

}  // namespace keyform::sandbox
