#include "core/service_account_text.h"

#include <cstdio>
#include <utility>

namespace keyform {
namespace {

// Letters and digits keyform knows to be \p{L} or \p{N} (inclusive ranges, ascending). Symbols,
// punctuation and marks inside these blocks are left out (e.g. U+00D7, U+0482-U+0489, U+064B-U+065F).
constexpr std::pair<char32_t, char32_t> kLettersAndDigits[] = {
    {0x30, 0x39},       {0x41, 0x5A},       {0x61, 0x7A},       {0xAA, 0xAA},       {0xB5, 0xB5},
    {0xBA, 0xBA},       {0xC0, 0xD6},       {0xD8, 0xF6},       {0xF8, 0x2C1},      {0x370, 0x373},
    {0x376, 0x377},     {0x37B, 0x37D},     {0x386, 0x386},     {0x388, 0x38A},     {0x38C, 0x38C},
    {0x38E, 0x3A1},     {0x3A3, 0x3F5},     {0x3F7, 0x481},     {0x48A, 0x52F},     {0x531, 0x556},
    {0x561, 0x587},     {0x5D0, 0x5EA},     {0x620, 0x64A},     {0x660, 0x669},     {0x671, 0x6D3},
    {0x904, 0x939},     {0x966, 0x96F},     {0xE01, 0xE30},     {0xE50, 0xE59},     {0x1100, 0x1159},
    {0x1E00, 0x1EFF},   {0x3041, 0x3096},   {0x30A1, 0x30FA},   {0x3400, 0x4DB5},   {0x4E00, 0x9FCC},
    {0xAC00, 0xD7A3},   {0xFF10, 0xFF19},   {0xFF21, 0xFF3A},   {0xFF41, 0xFF5A},
};

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

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string code_point_name(char32_t c) {
  char name[16];
  std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(c));
  return name;
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

bool is_service_account_char(char32_t c) {
  if (c == '-' || c == '_' || c == '.' || c == ',' || c == '\'' || c == ' ') return true;
  for (const auto& [low, high] : kLettersAndDigits) {
    if (c < low) return false;
    if (c <= high) return true;
  }
  return false;
}

std::optional<std::string> service_account_text_problem(std::string_view text, std::string_view what,
                                                        std::size_t max_chars) {
  const std::string subject(what);
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++chars) {
    const CodePoint c = decode(text, i);
    if (c.length == 0) return subject + " is not valid UTF-8 (byte " + std::to_string(i + 1) + ")";
    if (!is_service_account_char(c.value)) {
      return subject + " has " + code_point_name(c.value) + " at character " + std::to_string(chars + 1) +
             ": only letters, digits, spaces and - _ . , ' are allowed";
    }
    i += c.length;
  }
  if (chars == 0 || chars > max_chars) {
    return subject + " must be 1 to " + std::to_string(max_chars) + " characters, found " + std::to_string(chars);
  }
  return std::nullopt;
}

std::string fit_service_account_text(std::string_view text, std::size_t max_chars) {
  std::string kept;
  for (std::size_t i = 0; i < text.size();) {
    const CodePoint c = decode(text, i);
    i += c.length == 0 ? 1 : c.length;
    if (c.length != 0 && is_combining_mark(c.value)) continue;  // "e" + U+0301 keeps its "e"
    if (c.length != 0 && is_service_account_char(c.value)) {
      append_utf8(kept, c.value);
    } else {
      kept += c.length != 0 && is_typographic_apostrophe(c.value) ? '\'' : ' ';
    }
  }
  return collapse_and_cut(kept, max_chars);
}

}  // namespace keyform
