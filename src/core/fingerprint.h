// What a saved plan depends on, as one hash: the live org's keys (id, public key, description,
// org roles, project roles, and the access list when it was read) and projects (id, name). Pure; the same org gives the same fingerprint whatever order the API
// lists it in, and any change to a key, a role or a project's id or name gives another one.
#pragma once

#include <string>
#include <string_view>

#include "core/live_state.h"

namespace keyform {

// SHA-256 of `bytes` as 64 lowercase hex digits (OpenSSL).
std::string sha256_hex(std::string_view bytes);

// True for exactly 64 lowercase hex digits: the shape of every hash keyform writes.
bool is_sha256_hex(std::string_view text);

// The canonical, order-independent text the fingerprint hashes. Every string is length-prefixed,
// so no value can be crafted to look like another line.
std::string canonical_live_state(const LiveState& live);

// sha256_hex(canonical_live_state(live)).
std::string live_fingerprint(const LiveState& live);

}  // namespace keyform
