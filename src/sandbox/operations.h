// The Admin API operations on the org state: listings, assignments, deletions. No HTTP here; the
// server has already authenticated, checked media types, matched the route and parsed the query.
#pragma once

#include "sandbox/family.h"
#include "sandbox/fixture.h"
#include "sandbox/listing_faults.h"
#include "sandbox/reply.h"
#include "sandbox/routes.h"

#include <string_view>

namespace keyform::sandbox {

// Who is calling; permissions.h decides what it may do.
struct Principal {
  enum class Kind { api_key, service_account } kind = Kind::api_key;
  std::string name;  // public key or client id
};

struct Call {
  const Family& family;
  const Route& route;
  const Query& query;
  std::string_view body;
  std::string_view self_href;  // the request's own URL, for the page's "self" link
  const Principal& principal;
  // Set by the server for the listings while a listing fault is due (listing_faults.h).
  std::optional<ListingMode> listing_mode{};
  // The client's address as the socket reports it, for access lists (access_list.h).
  std::string_view client_address = "127.0.0.1";
};

// Runs one operation. Mutates `state` for writes; the caller holds the state lock.
// The server has also checked the caller's address against its key's access list (access_list.h).
// Throws ApiError for 400 (bad body), 403 (the caller lacks the role, see permissions.h), 404 (unknown org, project, key,
// assignment or access-list entry) and 409 (an access-list entry already there).
Reply execute(OrgState& state, const Call& call);

// One key as listings show it: the private key masked, one role object per org role and per
// (project, role) pair.
nlohmann::json key_json(const OrgState& state, const ApiKey& key);

// "********-****-****-" + the last 12 characters.
std::string masked_private_key(std::string_view private_key);

}  // namespace keyform::sandbox
