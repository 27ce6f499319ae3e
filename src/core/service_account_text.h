// Free text fitted to what a service account's description (or name) may hold: the spec's
// ^[\p{L}\p{N}\-_.,' ]*$ (is_service_account_char, core/service_account_config.h). Used to turn an
// API key's desc into a service account's description when moving off the key.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace keyform {

// `text` made acceptable: typographic apostrophes become ', combining marks are dropped, every
// other character outside the set (and every invalid UTF-8 byte) becomes a space; runs of spaces
// collapse, the ends are trimmed, and the result is cut to max_chars code points. May be empty.
std::string fit_service_account_text(std::string_view text, std::size_t max_chars);

}  // namespace keyform
