// A service account's IP access list (…/orgs/{O}/serviceAccounts/{C}/accessList[/{E}]), atlas-v2
// only: Cloud Manager documents none. Bodies and path entries as for API keys (access_list.h,
// "%2F" for a CIDR's slash). Entries are ServiceAccountIPAccessListEntry {cidrBlock, ipAddress
// (single addresses only), createdAt, requestCount}: other names than a key's entries.
// Statuses as the spec gives them: list 200; add 200 with the first page of the whole list, 409
// DUPLICATE_ACCESS_LIST_ENTRY when an entry is there already (nothing added); delete 204, 404
// ACCESS_LIST_ENTRY_NOT_FOUND, 400 CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY when the calling
// account removes the entry holding its own address. Enforced by require_allowed_address.
#pragma once

#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"

#include <nlohmann/json_fwd.hpp>

namespace keyform::sandbox {

Reply list_service_account_access_list(const OrgState& state, const Call& call);
Reply add_service_account_access_entries(OrgState& state, const Call& call);
Reply delete_service_account_access_entry(OrgState& state, const Call& call);

nlohmann::json service_account_entry_json(const AccessEntry& entry);

}  // namespace keyform::sandbox
