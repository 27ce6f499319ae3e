// [[service_accounts]] entries of keyform.toml, and the shapes of a service account's client id,
// name and description as the Admin API spec states them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/config_reader.h"

namespace keyform {

// The API's limits, in characters (code points).
constexpr std::size_t kMaxServiceAccountNameChars = 64;
constexpr std::size_t kMaxServiceAccountDescriptionChars = 250;

// "mdb_sa_id_" followed by 24 hex digits of either case: the spec's ^mdb_sa_id_[a-fA-F\d]{24}$.
bool is_client_id(std::string_view text);

// A character the spec's ^[\p{L}\p{N}\-_.,' ]*$ allows in a name or description: a Unicode
// letter or number, or one of - _ . , ' and the space U+0020 (no other white space).
bool is_service_account_char(char32_t c);

// What keeps `text` from being a service account `field` ("name" or "description") of 1 to
// `max_chars` characters, as a message starting with `field`, or nothing. The message never
// echoes the text: a refused value may hold anything.
std::optional<std::string> service_account_text_problem(std::string_view field, std::string_view text,
                                                        std::size_t max_chars);

// Parses the top-level service_accounts array into `out`, reporting through `reader`: each entry,
// then entries sharing a name or a client id.
void parse_service_accounts(ConfigReader& reader, const toml::node& node,
                            std::vector<DeclaredServiceAccount>& out);

// Refuses what the target's API family cannot do with service accounts: none at all with
// atlas-v1 and ops-manager, no access list with cloud-manager.
void check_service_account_family(ConfigReader& reader, const Config& config);

}  // namespace keyform
