#include "sandbox/text.h"

#include <algorithm>
#include <cctype>

namespace keyform::sandbox {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool istarts_with(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && iequals(text.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string media_type(std::string_view header_value) {
  std::string_view type = trim(header_value.substr(0, header_value.find(';')));
  std::string result(type);
  std::transform(result.begin(), result.end(), result.begin(), lower);
  return result;
}

std::vector<std::string> accepted_media_types(std::string_view accept) {
  std::vector<std::string> types;
  while (!accept.empty()) {
    std::size_t comma = accept.find(',');
    std::string type = media_type(accept.substr(0, comma));
    if (!type.empty()) types.push_back(std::move(type));
    accept = comma == std::string_view::npos ? std::string_view() : accept.substr(comma + 1);
  }
  return types;
}

}  // namespace keyform::sandbox
