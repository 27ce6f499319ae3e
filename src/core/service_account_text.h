// The text a service account's name and description may hold. The Admin API allows
// ^[\p{L}\p{N}\-_.,' ]*$ (names 1-64 characters, descriptions 1-250). keyform accepts a subset of
// \p{L} and \p{N} it can name without a Unicode database: the letters and digits of ASCII, Latin
// (with its extensions and IPA), Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Thai,
// Hangul, kana, CJK ideographs and the fullwidth forms. Whatever keyform accepts the API accepts;
// a rare letter outside these scripts is refused (and replaced when a description is fitted).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace keyform {

constexpr std::size_t kServiceAccountNameMax = 64;
constexpr std::size_t kServiceAccountDescriptionMax = 250;

// One code point of the set: a letter or digit as above, or one of - _ . , ' and space.
bool is_service_account_char(char32_t c);

// Why `text` cannot be a service account's `what` ("name", "description") of 1..max_chars code
// points of the set, as "name must …" / "name has …", or nothing. Names the offending character
// by code point and position, never echoes the text.
std::optional<std::string> service_account_text_problem(std::string_view text, std::string_view what,
                                                        std::size_t max_chars);

// `text` made acceptable: typographic apostrophes become ', combining marks are dropped, every
// other character outside the set (and every invalid UTF-8 byte) becomes a space; runs of spaces
// collapse, the ends are trimmed, and the result is cut to max_chars code points. May be empty.
std::string fit_service_account_text(std::string_view text, std::size_t max_chars);

}  // namespace keyform
