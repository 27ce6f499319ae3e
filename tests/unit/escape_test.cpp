#include <doctest/doctest.h>

#include "core/escape.h"

namespace keyform_test_escape {

using keyform::escape_lines;
using keyform::escape_markdown;
using keyform::escape_text;

TEST_CASE("escape_text keeps printable ASCII and valid UTF-8 as they are") {
  CHECK(escape_text("CI deployer (payments)") == "CI deployer (payments)");
  CHECK(escape_text("équipe données — 東京") == "équipe données — 東京");
  CHECK(escape_text("") == "");
}

TEST_CASE("escape_text makes every control character visible: a description cannot forge a plan line") {
  CHECK(escape_text("x\n  + assign to prod\x1b[2J\r") == "x\\n  + assign to prod\\x1b[2J\\r");
  CHECK(escape_text(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(escape_text("tab\there") == "tab\\there");
  CHECK(escape_text("\x7f") == "\\x7f");
  CHECK(escape_text("\x07\x08\x0b\x0c") == "\\x07\\x08\\x0b\\x0c");
}

TEST_CASE("escape_text escapes C1 controls, bidi overrides and invalid UTF-8") {
  CHECK(escape_text("\xc2\x9b" "31m") == "\\u009b31m");                  // CSI as a C1 control
  CHECK(escape_text("\xc2\x85") == "\\u0085");                           // NEL
  CHECK(escape_text("ok \xe2\x80\xae" "dlrow") == "ok \\u202edlrow");    // RIGHT-TO-LEFT OVERRIDE
  CHECK(escape_text("\xe2\x81\xa6x\xe2\x81\xa9") == "\\u2066x\\u2069");  // isolates
  CHECK(escape_text("\xe2\x80\x8f") == "\\u200f");                       // RIGHT-TO-LEFT MARK
  CHECK(escape_text("\xff\xfe") == "\\xff\\xfe");
  CHECK(escape_text("\xc0\xaf") == "\\xc0\\xaf");                        // overlong '/'
  CHECK(escape_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");               // a surrogate
  CHECK(escape_text("\xe2\x82") == "\\xe2\\x82");                        // truncated sequence
}

TEST_CASE("escape_text escapes the backslash, so a literal \\x1b in a string cannot pass for an escape") {
  CHECK(escape_text("a\\x1b") == "a\\\\x1b");
}

TEST_CASE("escape_lines keeps keyform's own line breaks and escapes inside each line") {
  CHECK(escape_lines("line one\nline \x1b[2Jtwo") == "line one\nline \\x1b[2Jtwo");
  CHECK(escape_lines("a\r\nb") == "a\\r\nb");
  // Parts escaped once already keep their single backslash.
  CHECK(escape_lines("detail: " + escape_text("x\x1by")) == "detail: x\\x1by");
}

TEST_CASE("escape_markdown keeps a cell a cell: table, emphasis, code, link and HTML syntax is inert") {
  CHECK(escape_markdown("a|b") == "a\\|b");
  CHECK(escape_markdown("*bold* _it_ `code` [x](y) <b>") == "\\*bold\\* \\_it\\_ \\`code\\` \\[x\\](y) &lt;b&gt;");
  CHECK(escape_markdown("</details>") == "&lt;/details&gt;");
  CHECK(escape_markdown("x\n| fake | row |") == "x\\\\n\\| fake \\| row \\|");
  CHECK(escape_markdown("plain text") == "plain text");
}

}  // namespace keyform_test_escape
