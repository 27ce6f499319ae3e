#include "core/service_account_text.h"

#include "core/service_account_config.h"

namespace keyform {
namespace {

struct CodePoint {
  char32_t value = 0;
  std::size_t length = 0;  // 0: not valid UTF-8 (overlong, surrogate, cut short, > U+10FFFF)
};

CodePoint decode(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return {c, 1};
  std::size_t length = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (length == 0 || i + length > text.size()) return {};
  char32_t code = c & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {};
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF))) return {};
  if (code >= 0xD800 && code <= 0xDFFF) return {};
  return {code, length};
}

bool is_typographic_apostrophe(char32_t c) { return c == 0x2018 || c == 0x2019 || c == 0x2032; }
bool is_combining_mark(char32_t c) { return c >= 0x300 && c <= 0x36F; }

// Spaces collapsed and trimmed, then cut to `max_chars` code points (all of `text` is valid UTF-8).
std::string collapse_and_cut(const std::string& text, std::size_t max_chars) {
  std::string out;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size() && chars < max_chars;) {
    const std::size_t length = decode(text, i).length;
    const bool space = text[i] == ' ';
    if (!space || (!out.empty() && out.back() != ' ')) {
      out.append(text, i, length);
      ++chars;
    }
    i += length;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string fit_service_account_text(std::string_view text, std::size_t max_chars) {
  std::string kept;
  for (std::size_t i = 0; i < text.size();) {
    const CodePoint c = decode(text, i);
    const std::size_t at = i;
    i += c.length == 0 ? 1 : c.length;
    if (c.length == 0) {
      kept += ' ';
    } else if (is_service_account_char(c.value)) {
      kept.append(text.substr(at, c.length));
    } else if (!is_combining_mark(c.value)) {  // "e" + U+0301 keeps its "e", without a space
      kept += is_typographic_apostrophe(c.value) ? '\'' : ' ';
    }
  }
  return collapse_and_cut(kept, max_chars);
}

}  // namespace keyform
