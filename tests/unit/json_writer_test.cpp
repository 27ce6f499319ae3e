#include "core/json_writer.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace keyform_test_json_writer {

using namespace keyform;
using nlohmann::json;

namespace {

std::string streamed_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

bool nlohmann_refuses(const std::string& text) {
  try {
    (void)json(text).dump(2);
    return false;
  } catch (const json::type_error&) {
    return true;
  }
}

}  // namespace

TEST_CASE("json writer: every ASCII byte is escaped as nlohmann escapes it") {
  for (int c = 0; c < 0x80; ++c) {
    const std::string text = std::string("a") + static_cast<char>(c) + "b";
    CAPTURE(c);
    CHECK(streamed_string(text) == json(text).dump(2));
  }
}

TEST_CASE("json writer: UTF-8 is kept as it is, at every sequence length and boundary") {
  for (const std::string text : {"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xef\xbf\xbf", "\xed\x9f\xbf",
                                 "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "caf\xc3\xa9 \xe2\x80\xae \xc2\x9b!"}) {
    CAPTURE(text);
    CHECK(streamed_string(text) == json(text).dump(2));
    CHECK(streamed_string(text) == "\"" + text + "\"");
  }
}

TEST_CASE("json writer: text that is not UTF-8 is refused wherever nlohmann refuses it") {
  // Stray continuation, overlong forms, surrogates, beyond U+10FFFF, bytes never used, cut sequences.
  for (const std::string text : {"\x80", "a\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xe0\x9f\xbf",
                                 "\xed\xa0\x80", "\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
                                 "\xf5\x80\x80\x80", "\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "a\xc3(b"}) {
    CAPTURE(text);
    REQUIRE(nlohmann_refuses(text));
    CHECK_THROWS_AS(streamed_string(text), std::invalid_argument);
  }
}

TEST_CASE("json writer: nested containers, empty ones and scalars come out as dump(2) writes them") {
  const json expected = {{"a", json::array()},
                         {"b", json::object()},
                         {"c", {{"d", {1, -2, 9007199254740993LL}}, {"e", {json::object(), json::array(), nullptr}}}},
                         {"f", true},
                         {"g", false},
                         {"h", {"x", "y\n"}}};
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("a").begin_array();
  w.end_array();
  w.key("b").begin_object();
  w.end_object();
  w.key("c").begin_object();
  w.key("d").begin_array();
  w.number(1);
  w.number(-2);
  w.number(9007199254740993LL);
  w.end_array();
  w.key("e").begin_array();
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.end_array();
  w.null();
  w.end_array();
  w.end_object();
  w.key("f").boolean(true);
  w.key("g").boolean(false);
  w.key("h").strings({"x", "y\n"});
  w.end_object();
  CHECK(out == expected.dump(2));
}

TEST_CASE("json writer: keys out of nlohmann's sorted order are a programming error, not a changed document") {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("reason").string("x");
  CHECK_THROWS_AS(w.key("action"), std::logic_error);
  CHECK_THROWS_AS(w.key("reason"), std::logic_error);  // twice is out of order too
  CHECK_NOTHROW(w.key("reason_code").string("y"));
}

TEST_CASE("json writer: a value without its key, or an unbalanced close, is refused") {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  CHECK_THROWS_AS(w.string("no key"), std::logic_error);
  CHECK_THROWS_AS(w.end_array(), std::logic_error);
  w.end_object();
  CHECK_THROWS_AS(w.end_object(), std::logic_error);
  CHECK(out == "{}");
}

}  // namespace keyform_test_json_writer
