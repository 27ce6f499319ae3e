// API key IP access lists (…/orgs/{O}/apiKeys/{K}/accessList[/{E}]) and their enforcement: a key
// whose list is not empty may call only from an address inside one of its entries.
//
// Bodies are checked against the v2 spec's patterns and then parsed (address.h), so what the
// sandbox accepts is what both accept: ipAddress "203.0.113.7" or IPv6 as 8 lower-case groups;
// cidrBlock "198.51.100.0/24" (IPv6 with "::" only at the start or end, lower case). A path
// entry is the address, or the CIDR with "/" sent as %2F (or %2f); it must fit the spec's path
// pattern, and it names the entry with the same value whatever the spelling.
// Statuses, every family alike: list 200; add 200 with the first page of the whole list, 409
// DUPLICATE_ACCESS_LIST_ENTRY when an entry is there already (nothing is added); get one 200;
// delete 204, 404 ACCESS_LIST_ENTRY_NOT_FOUND, 400 CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY when
// the requesting key removes the entry holding the requesting address. Malformed entries: 400
// INVALID_IP_ADDRESS_OR_CIDR_NOTATION.
#pragma once

#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace keyform::sandbox {

Reply list_access_list(const OrgState& state, const Call& call);
Reply add_access_entries(OrgState& state, const Call& call);
Reply get_access_entry(const OrgState& state, const Call& call);
Reply delete_access_entry(OrgState& state, const Call& call);

// {"cidrBlock", "ipAddress" (single addresses only), "created", "count", "links"}
nlohmann::json access_entry_json(const AccessEntry& entry);

// An add request's body: a non-empty array of {"ipAddress"} or {"cidrBlock"} objects, checked as
// above. Throws ApiError 400.
std::vector<Network> access_list_body_networks(std::string_view body);
// The entry a path names (still percent-encoded, "192.0.2.0%2F24"). Throws ApiError 400.
Network access_list_path_network(const std::string& raw);

// Whether `client_address` (as the socket reports it) is inside an entry of `access_list`.
bool is_on_access_list(const std::vector<AccessEntry>& access_list, std::string_view client_address);

// For every authenticated request before it is served. Throws ApiError 403
// IP_ADDRESS_NOT_ON_ACCESS_LIST when the caller (an API key or a service account) has a
// non-empty access list and `client_address` is in none of its entries.
void require_allowed_address(const OrgState& state, const Principal& principal,
                             std::string_view client_address);

}  // namespace keyform::sandbox
