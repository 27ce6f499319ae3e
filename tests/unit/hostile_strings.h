// Strings an attacker who can edit a key description or a project name would try, and the checks
// every human-facing renderer must pass with them: no raw control character or bidi override in
// the output, and no line (or table row) that the same output with a harmless string lacks.
#pragma once

#include <algorithm>

#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <vector>

namespace keyform::testing {

// A fake plan line with a screen clear and a carriage return; a right-to-left override; a C1 CSI;
// markdown's table, code span and fold syntax.
inline const std::vector<std::string> kHostile = {
    "x\n  + assign to prod\x1b[2J\r",
    "ok \xe2\x80\xae" "dlrow",
    "\xc2\x9b" "31mred",
    "a|b| fake | row |",
    "tick`</details><script>`x",
    "\r\n| injected | row | here | now |\n",
    std::string("nul\0" "byte\x7f", 9),
};

// The first raw control byte, C1 control or bidi control in `text`, as its offset, or npos.
// `\n` is allowed: it is how renderers separate their own lines.
inline std::size_t find_raw_control(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    const auto third = i + 2 < text.size() ? static_cast<unsigned char>(text[i + 2]) : 0;
    if ((c < 0x20 && c != '\n') || c == 0x7f) return i;
    if (c == 0xc2 && next >= 0x80 && next <= 0x9f) return i;           // C1
    if (c == 0xd8 && next == 0x9c) return i;                           // U+061C
    if (c == 0xe2 && next == 0x80 && (third == 0x8e || third == 0x8f || (third >= 0xaa && third <= 0xae))) return i;
    if (c == 0xe2 && next == 0x81 && third >= 0xa6 && third <= 0xa9) return i;
  }
  return std::string_view::npos;
}

inline std::size_t count_lines(std::string_view text) { return std::count(text.begin(), text.end(), '\n'); }

// Lines that start a markdown table row.
inline std::size_t count_rows(std::string_view text) {
  std::size_t rows = 0;
  for (std::size_t at = 0; at < text.size();) {
    if (text[at] == '|') ++rows;
    const std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return rows;
}

// Backticks that open or close a code span: not those a backslash escapes.
inline std::size_t count_code_ticks(std::string_view text) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\') ++i;
    else if (text[i] == '`') ++n;
  }
  return n;
}

// No code span left open at the end of a line (a hostile backtick would leave one).
inline bool every_line_closes_its_code_spans(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    if (count_code_ticks(text.substr(at, end - at)) % 2 != 0) return false;
    at = end + 1;
  }
  return true;
}

inline std::size_t count_of(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// `render` of a hostile value has the shape of `render` of a harmless one: the same number of
// lines (and table rows, folds and code spans for markdown), and no raw control character.
template <typename Render>
void check_unforgeable(const Render& render, bool markdown) {
  const std::string benign = render("benign");
  for (const auto& s : kHostile) {
    CAPTURE(s);
    const std::string out = render(s);
    CAPTURE(out);
    CHECK(find_raw_control(out) == std::string::npos);
    CHECK(count_lines(out) == count_lines(benign));
    if (markdown) {
      CHECK(count_rows(out) == count_rows(benign));
      CHECK(count_of(out, "</details>") == count_of(benign, "</details>"));
      CHECK(count_of(out, "<script") == 0);
      CHECK(every_line_closes_its_code_spans(out));
    }
  }
}

}  // namespace keyform::testing
