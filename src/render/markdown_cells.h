// Pieces of markdown built from untrusted strings, shared by the plan and show renderers. A
// backslash does not escape anything inside a code span, so a value with a backtick in it could
// close the span and inject markup: only values made of plainly safe characters (ids, public keys,
// role names as the API spells them) get a code span; anything else is escaped inline text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/escape.h"

namespace keyform {

inline bool is_code_safe(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '-' || c == '.' || c == ':' || c == '/' || c == ' ' || c == ',';
    if (!safe) return false;
  }
  return true;
}

// `text` when that is safe, else the escaped text without a code span.
inline std::string md_code(std::string_view text) {
  return is_code_safe(text) ? "`" + std::string(text) + "`" : escape_markdown(text);
}

// Items as code spans (or escaped text), comma-separated; `none` when there is none.
inline std::string md_list(const std::vector<std::string>& items, std::string_view none) {
  if (items.empty()) return std::string(none);
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + md_code(item);
  return out;
}

}  // namespace keyform
