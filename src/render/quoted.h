// A value shown between double quotes (desc "CI deployer" -> "CI deployer (payments)"). Escaping
// control characters is not enough there: a description such as `a" -> "b` would read as the end
// of one value and the start of another. A quote inside the value is backslash-escaped too, which
// stays unambiguous because escape_text already doubles every backslash.
#pragma once

#include <string>
#include <string_view>

#include "core/escape.h"

namespace keyform {

namespace detail {
inline std::string escape_quotes(const std::string& escaped, std::string_view quote_escape) {
  std::string out;
  for (char c : escaped) {
    if (c == '"') out += quote_escape;
    else out += c;
  }
  return out;
}
}  // namespace detail

// For a terminal: "a\"b".
inline std::string quoted_text(std::string_view value) {
  return "\"" + detail::escape_quotes(escape_text(value), "\\\"") + "\"";
}

// For markdown: renders as "a\"b" (markdown itself would swallow a single backslash before a quote).
inline std::string quoted_markdown(std::string_view value) {
  return "\"" + detail::escape_quotes(escape_markdown(value), "\\\\\"") + "\"";
}

}  // namespace keyform
