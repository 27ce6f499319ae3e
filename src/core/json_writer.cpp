#include "core/json_writer.h"

#include <charconv>
#include <stdexcept>

namespace keyform {
namespace {

constexpr std::size_t kIndent = 2;  // dump(2)

// The escape nlohmann writes for a byte below 0x20, a quote or a backslash; null for the rest.
const char* short_escape(unsigned char c) {
  switch (c) {
    case '\b': return "\\b";
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\f': return "\\f";
    case '\r': return "\\r";
    case '"': return "\\\"";
    case '\\': return "\\\\";
    default: return nullptr;
  }
}

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

void append_control(std::string& out, unsigned char c) {
  if (const char* escape = short_escape(c)) {
    out += escape;
    return;
  }
  constexpr char kHex[] = "0123456789abcdef";  // nlohmann writes \u%04x: lowercase
  const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(escaped, sizeof escaped);
}

[[noreturn]] void invalid_utf8(std::string_view text, std::size_t at) {
  constexpr char kHex[] = "0123456789ABCDEF";
  const auto byte = static_cast<unsigned char>(text[at]);
  throw std::invalid_argument("invalid UTF-8 byte at index " + std::to_string(at) + ": 0x" + kHex[byte >> 4] +
                              kHex[byte & 0xF]);
}

bool continuation(std::string_view text, std::size_t at) {
  return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
}

// The length of the well-formed UTF-8 sequence at `at` (Unicode table 3-7: shortest form, no
// surrogates, at most U+10FFFF: what nlohmann's decoder accepts), or 0.
std::size_t sequence_length(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  const auto next = at + 1 < text.size() ? static_cast<unsigned char>(text[at + 1]) : 0;
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  else if (lead == 0xE0) length = next >= 0xA0 && next <= 0xBF ? 3 : 0;
  else if (lead == 0xED) length = next >= 0x80 && next <= 0x9F ? 3 : 0;
  else if (lead >= 0xE1 && lead <= 0xEF) length = 3;
  else if (lead == 0xF0) length = next >= 0x90 && next <= 0xBF ? 4 : 0;
  else if (lead == 0xF4) length = next >= 0x80 && next <= 0x8F ? 4 : 0;
  else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
  for (std::size_t i = 1; i < length; ++i) {
    if (!continuation(text, at + i)) return 0;
  }
  return length;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80 && !needs_escape(c)) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = sequence_length(text, i);
      if (length == 0) invalid_utf8(text, i);
      i += length;
      continue;
    }
    out.append(text, plain, i - plain);
    append_control(out, c);
    plain = ++i;
  }
  out.append(text, plain, text.size() - plain);
  out += '"';
}

void JsonWriter::newline_and_indent(std::size_t depth) {
  out_ += '\n';
  out_.append(depth * kIndent, ' ');
}

// A member's value follows its key on the same line; an array element starts a new line.
void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (levels_.empty()) return;
  Level& level = levels_.back();
  if (level.object) throw std::logic_error("JsonWriter: a value in an object without a key");
  out_ += level.empty ? "" : ",";
  level.empty = false;
  newline_and_indent(levels_.size());
}

JsonWriter& JsonWriter::key(std::string_view name) {
  if (levels_.empty() || !levels_.back().object || after_key_) throw std::logic_error("JsonWriter: a key outside an object");
  Level& level = levels_.back();
  // nlohmann's objects are std::maps: their keys come out sorted, so these must be written so.
  if (!level.empty && !(level.last_key < name)) {
    throw std::logic_error("JsonWriter: key \"" + std::string(name) + "\" after \"" + std::string(level.last_key) +
                           "\" (nlohmann writes keys in sorted order)");
  }
  out_ += level.empty ? "" : ",";
  level.empty = false;
  level.last_key = name;
  newline_and_indent(levels_.size());
  append_json_string(out_, name);
  out_ += ": ";
  after_key_ = true;
  return *this;
}

void JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  levels_.push_back({true});
}

void JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  levels_.push_back({false});
}

void JsonWriter::close(char bracket) {
  const bool empty = levels_.back().empty;
  levels_.pop_back();
  if (!empty) newline_and_indent(levels_.size());
  out_ += bracket;
}

void JsonWriter::end_object() {
  if (levels_.empty() || !levels_.back().object || after_key_) throw std::logic_error("JsonWriter: unbalanced end_object");
  close('}');
}

void JsonWriter::end_array() {
  if (levels_.empty() || levels_.back().object) throw std::logic_error("JsonWriter: unbalanced end_array");
  close(']');
}

void JsonWriter::string(std::string_view text) {
  before_value();
  append_json_string(out_, text);
}

void JsonWriter::number(long long value) {
  before_value();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out_.append(digits, end);
}

void JsonWriter::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

void JsonWriter::strings(const std::vector<std::string>& texts) {
  begin_array();
  for (const auto& text : texts) string(text);
  end_array();
}

}  // namespace keyform
