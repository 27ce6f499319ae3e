// The Admin API operations on the org state: listings, assignments, deletions. No HTTP here; the
// server has already authenticated, checked media types, matched the route and parsed the query.
#pragma once

#include "sandbox/family.h"
#include "sandbox/fixture.h"
#include "sandbox/reply.h"
#include "sandbox/routes.h"

#include <string_view>

namespace keyform::sandbox {

// Who is calling. Every key and service account may do everything today; this is where role
// enforcement (say, ORG_OWNER for deletions) would look.
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
};

// Runs one operation. Mutates `state` for writes; the caller holds the state lock.
// Throws ApiError for 400 (bad body) and 404 (unknown org, project, key or assignment).
Reply execute(OrgState& state, const Call& call);

// One key as listings show it: the private key masked, one role object per org role and per
// (project, role) pair.
nlohmann::json key_json(const OrgState& state, const ApiKey& key);

// "********-****-****-" + the last 12 characters.
std::string masked_private_key(std::string_view private_key);

}  // namespace keyform::sandbox
