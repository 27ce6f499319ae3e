// A streaming JSON writer whose output is byte-identical to nlohmann::json::dump(2) of the same
// document: two-space indentation, "key": value, empty containers as {} and [], strings escaped
// as nlohmann escapes them (UTF-8 kept, controls as \n or \u001b). It exists for speed: a plan of
// 40 000 actions built as nlohmann objects first costs one map per action and most of the render.
//
// nlohmann sorts object keys (std::map), so callers must write each object's keys in ascending
// byte order; the writer checks it and throws std::logic_error otherwise, so a wrongly ordered
// field fails every test that writes it instead of silently changing the document.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace keyform {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // The next member's name; `name` must outlive the object (keyform passes literals).
  JsonWriter& key(std::string_view name);

  void string(std::string_view text);
  void number(long long value);
  void boolean(bool value);
  void null();
  void strings(const std::vector<std::string>& texts);  // an array of strings

 private:
  struct Level {
    bool object;
    bool empty = true;
    std::string_view last_key{};
  };
  void before_value();
  void close(char bracket);
  void newline_and_indent(std::size_t depth);

  std::string& out_;
  std::vector<Level> levels_;
  bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included, appended to `out` exactly as nlohmann's dump
// writes it (ensure_ascii off). Throws std::invalid_argument on text that is not valid UTF-8,
// where nlohmann throws its type_error 316.
void append_json_string(std::string& out, std::string_view text);

}  // namespace keyform
