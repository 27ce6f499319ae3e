// Parsing what the Admin API answers: list pages, and error bodies. Pure and strict: a body
// that is not what the API documents raises ResponseError instead of being half-understood.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/created_key.h"
#include "core/live_state.h"

namespace keyform {

struct ResponseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<long> total_count;
};

// A page of GET /orgs/{O}/apiKeys: each key with its project roles (roles carrying a groupId) and
// its org roles (ORG_* roles of `org_id`; of any org when empty).
Page<LiveKey> parse_keys_page(std::string_view body, std::string_view org_id = {});

// One key: GET /orgs/{O}/apiKeys/{K}.
LiveKey parse_key_response(std::string_view body, std::string_view org_id = {});

// The answer to POST /orgs/{O}/apiKeys: the new key, with the only copy of its private key the API
// will ever send. Every copy the parse made is wiped before it returns; throws ResponseError (never
// naming the secret) when the answer lacks an id, a public key or a private key in clear.
CreatedKey parse_created_key(std::string_view body, std::string_view org_id = {});

// One entry of a key's IP access list, as a canonical CIDR ("203.0.113.7/32"); `id` because the
// listing checks (api/listing.h) find repeats by it.
struct AccessEntry {
  std::string id;
};
// A page of GET /orgs/{O}/apiKeys/{K}/accessList.
Page<AccessEntry> parse_access_list_page(std::string_view body);

// A page of GET /orgs/{O}/groups.
Page<LiveProject> parse_projects_page(std::string_view body);

// The documented error body; fields are empty when the body is not one.
struct ApiErrorBody {
  std::string error_code;
  std::string detail;
};
// Also reads OAuth errors ({"error": "invalid_client", "error_description": …}).
ApiErrorBody parse_error_body(std::string_view body);

// ?envelope=true answers 200 and puts the real status in the body ({"status": 404, "content": …},
// or "status" beside "results"). The real status, or nullopt when the body is no envelope.
std::optional<long> enveloped_status(std::string_view body);

}  // namespace keyform
