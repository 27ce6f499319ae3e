// UTF-8 decoding and the Unicode letter/number test the service account name and description
// rules need. No locale is involved: the answers are the same on every machine.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyform {

// The code points of valid UTF-8 text (shortest form, no surrogates, at most U+10FFFF), or
// nullopt for anything else.
std::optional<std::vector<char32_t>> decode_utf8(std::string_view text);

// True for a code point of the general categories L (letters: Lu Ll Lt Lm Lo) and N (numbers: Nd
// Nl No), i.e. what the regexes \p{L} and \p{N} match, as of Unicode 14.0.
bool is_letter_or_number(char32_t c);

// "U+0007": how messages name a code point they refuse.
std::string code_point_name(char32_t c);

}  // namespace keyform
