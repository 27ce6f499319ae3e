// Shapes of identifiers and role names as the Admin API defines them.
// Deliberately not shared with src/core: the sandbox is an independent check of the client,
// so it must not inherit the client's mistakes.
#pragma once

#include <string_view>

namespace keyform::sandbox {

// Org, project and key ids: exactly 24 lowercase hex digits.
bool is_object_id(std::string_view text);

// ^GROUP_[A-Z_]+$ — anything else cannot be a project role.
bool is_project_role(std::string_view text);

// ^ORG_[A-Z_]+$
bool is_org_role(std::string_view text);

// One of the org roles the v2 spec's enum lists (ORG_OWNER, ORG_MEMBER, ORG_GROUP_CREATOR,
// ORG_BILLING_ADMIN, ORG_BILLING_READ_ONLY, ORG_STREAM_PROCESSING_ADMIN, ORG_READ_ONLY): what
// PATCH /orgs/{O}/apiKeys/{K} accepts.
bool is_documented_org_role(std::string_view text);

// Service-account client ids: "mdb_sa_id_" + 24 hex digits (either case, as the spec's pattern).
bool is_client_id(std::string_view text);

// A service account's name or description: the spec's ^[\p{L}\p{N}\-_.,' ]*$. Without a Unicode
// table, ASCII is checked exactly and any non-ASCII UTF-8 character counts as a letter (so the
// sandbox accepts a few symbols Atlas would refuse, never the reverse for ASCII).
bool is_account_text(std::string_view text);

}  // namespace keyform::sandbox
