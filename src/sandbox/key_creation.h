// POST /orgs/{O}/apiKeys: a new org API key with fresh credentials, in every family. The answer
// (200, not 201, as the spec says) is the only place its private key is ever shown in clear:
// listings and GETs mask it (masked_private_key), the request log and /__sandbox/state never hold
// it. The key is a principal at once: digest with its public and private key works on the next
// request, with its org roles, no project and an empty access list.
#pragma once

#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"

#include <string>
#include <string_view>
#include <vector>

namespace keyform::sandbox {

// The body {"desc": 1-250 characters, "roles": [documented org roles, at least one]}, both
// required, nothing else. Throws ApiError 400: INVALID_JSON (not a JSON object),
// MISSING_ATTRIBUTE, INVALID_JSON_ATTRIBUTE (unknown field, wrong type, bad desc) or
// INVALID_ENUM_VALUE (a role), the parameters naming the attribute or role.
struct KeyRequest {
  std::string desc;
  std::vector<std::string> org_roles;
};
KeyRequest parse_key_request(std::string_view body);

// A fresh id (24 lowercase hex), public key (8 lowercase letters) and private key (a UUID's
// 8-4-4-4-12 lowercase hex, 128 random bits), none of which any key of `state` has.
struct Credentials {
  std::string id;
  std::string public_key;
  std::string private_key;
};
Credentials new_credentials(const OrgState& state);

// Adds the key to `state` and answers 200 with ApiKeyUserDetails, privateKey in clear. Descriptions
// need not be unique (nor are they in Atlas). The caller's permission is already checked.
Reply create_key(OrgState& state, const Call& call);

}  // namespace keyform::sandbox
