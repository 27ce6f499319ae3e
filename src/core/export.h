// `keyform export`: the live org written as a keyform.toml that declares every key with exactly
// its current assignments, description, org roles and (where read and not empty) access list, so
// that `keyform plan` on it reports no changes. Pure: data in, text out.
#pragma once

#include <string>
#include <string_view>

#include "core/live_state.h"

namespace keyform {

struct ExportOptions {
  std::string api;       // the [target] api to write
  std::string base_url;  // written as [target] base_url unless empty
  bool by_name = false;  // name projects by name where that is unambiguous (else by id)
  std::string generator;  // e.g. "keyform 0.1.0": named in the header comment
};

// A TOML basic string: quoted, with quotes, backslashes and control characters escaped and
// invalid UTF-8 replaced by U+FFFD, so any text round-trips through a TOML parser.
std::string toml_string(std::string_view text);

// True when `name` can stand for its project in a config: not empty, not shaped like an id
// (24 hex digits would be read as one), and carried by exactly one project of the org.
bool can_name_project_by_name(const LiveState& live, std::string_view name);

// Service accounts (when live.service_accounts_read) follow the keys as [[service_accounts]] by
// client id, with name, description, org roles, access list (atlas-v2 only: where read and not
// empty) and projects; no secret setting. A name two accounts share, or one the file would refuse,
// is left out with a comment, as is a description the file would refuse.
//
// A value the file cannot hold (a description that is empty, too long or has control characters,
// an org role or access-list entry the parser would refuse) is left out, so plans leave it alone,
// and a "# desc not written: …" comment says why. Access lists are written for keys whose
// access_list was read and has entries (host addresses without /32 or /128).
std::string export_config(const LiveState& live, const ExportOptions& options);

// `export --mirror-key`: the key named by public key (or, when no key has that public key, by id),
// or why there is none to mirror (unknown, or a public key two keys share).
struct KeyLookup {
  const LiveKey* key = nullptr;
  std::string problem;  // set when key is null; quotes the argument escaped
};
KeyLookup find_key_to_mirror(const LiveState& live, std::string_view public_key);

// One [[service_accounts]] entry, named `name` (checked by the caller: service_account_text.h) and
// without client_id, so a plan creates it: the key's org roles, projects and access list (as a
// comment when options.api has no service-account access lists), and its desc fitted to the
// account character set (a comment says when it was changed). Ready to paste below a [target].
std::string mirror_key_entry(const LiveState& live, const LiveKey& key, const std::string& name,
                             const ExportOptions& options);

}  // namespace keyform
