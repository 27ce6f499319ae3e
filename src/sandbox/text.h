// Small text helpers for HTTP header values (case-insensitive tokens, media types).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace keyform::sandbox {

bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);
std::string_view trim(std::string_view text);

// "Application/JSON; charset=utf-8" -> "application/json"
std::string media_type(std::string_view header_value);

// "%XX" sequences decoded ("+" stays "+"); a '%' without two hex digits after it is kept as is.
std::string percent_decode(std::string_view text);

// Unicode characters in UTF-8 text (bytes that do not continue a sequence); the API's length
// limits count characters, not bytes.
std::size_t utf8_length(std::string_view text);

// "a, b;q=0.5" -> {"a", "b"} (media types of an Accept header, parameters dropped)
std::vector<std::string> accepted_media_types(std::string_view accept);

}  // namespace keyform::sandbox
