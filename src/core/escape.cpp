#include "core/escape.h"

#include <cstdint>
#include <cstdio>
#include <optional>

namespace keyform {
namespace {

std::string hex_byte(unsigned char c) {
  char text[8];
  std::snprintf(text, sizeof text, "\\x%02x", c);
  return text;
}

std::string unicode_escape(std::uint32_t code) {
  char text[12];
  std::snprintf(text, sizeof text, "\\u%04x", static_cast<unsigned>(code));
  return text;
}

// Decodes one UTF-8 sequence at text[i]: the code point and its length, or nothing when the bytes
// are not valid UTF-8 (overlong forms, surrogates and values past U+10FFFF included).
struct Decoded {
  std::uint32_t code;
  std::size_t length;
};
std::optional<Decoded> decode(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  std::uint32_t code = 0, minimum = 0;
  if (lead < 0x80) return Decoded{lead, 1};
  if (lead >= 0xc2 && lead <= 0xdf) length = 2, code = lead & 0x1f, minimum = 0x80;
  else if (lead >= 0xe0 && lead <= 0xef) length = 3, code = lead & 0x0f, minimum = 0x800;
  else if (lead >= 0xf0 && lead <= 0xf4) length = 4, code = lead & 0x07, minimum = 0x10000;
  else return std::nullopt;
  if (i + length > text.size()) return std::nullopt;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(k) & 0xc0) != 0x80) return std::nullopt;
    code = (code << 6) | (byte(k) & 0x3f);
  }
  if (code < minimum || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return std::nullopt;
  return Decoded{code, length};
}

bool is_bidi_control(std::uint32_t code) {
  return code == 0x061c || code == 0x200e || code == 0x200f || (code >= 0x202a && code <= 0x202e) ||
         (code >= 0x2066 && code <= 0x2069);
}

void append_escaped(std::string& out, std::string_view text, bool escape_backslash = true) {
  for (std::size_t i = 0; i < text.size();) {
    const auto decoded = decode(text, i);
    if (!decoded) {
      out += hex_byte(static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    const std::uint32_t code = decoded->code;
    if (code == '\\') out += escape_backslash ? "\\\\" : "\\";
    else if (code == '\n') out += "\\n";
    else if (code == '\r') out += "\\r";
    else if (code == '\t') out += "\\t";
    else if (code < 0x20 || code == 0x7f) out += hex_byte(static_cast<unsigned char>(code));
    else if ((code >= 0x80 && code <= 0x9f) || is_bidi_control(code)) out += unicode_escape(code);
    else out.append(text.substr(i, decoded->length));
    i += decoded->length;
  }
}

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_escaped(out, text);
  return out;
}

std::string escape_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (true) {
    const std::size_t end = text.find('\n');
    append_escaped(out, text.substr(0, end), /*escape_backslash=*/false);
    if (end == std::string_view::npos) break;
    out += '\n';
    text.remove_prefix(end + 1);
  }
  return out;
}

std::string escape_markdown(std::string_view text) {
  std::string out;
  for (char c : escape_text(text)) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '\\': case '|': case '*': case '_': case '`': case '[': case ']': case '#': case '~': case '!':
        out += '\\';
        out += c;
        break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace keyform
