// decode_utf8 and is_letter_or_number: the character rules of service account names.
#include "core/unicode.h"

#include <doctest/doctest.h>

namespace keyform_test_unicode {

using namespace keyform;

TEST_CASE("decode_utf8: code points of valid UTF-8 only") {
  CHECK(decode_utf8("") == std::vector<char32_t>{});
  CHECK(decode_utf8("a\xC3\xA9\xE6\x9D\xB1\xF0\x9F\x9A\x80") == std::vector<char32_t>{U'a', 0xE9, 0x6771, 0x1F680});
  CHECK_FALSE(decode_utf8("\xC3").has_value());              // truncated
  CHECK_FALSE(decode_utf8("\x80").has_value());              // a stray continuation byte
  CHECK_FALSE(decode_utf8("\xC0\xAF").has_value());          // overlong '/'
  CHECK_FALSE(decode_utf8("\xED\xA0\x80").has_value());      // a surrogate
  CHECK_FALSE(decode_utf8("\xF4\x90\x80\x80").has_value());  // past U+10FFFF
  CHECK_FALSE(decode_utf8("\xFF").has_value());
}

TEST_CASE("is_letter_or_number: Unicode categories L and N, nothing else") {
  for (char32_t c : {U'a', U'Z', U'0', U'9', char32_t{0xE9}, char32_t{0x6771} /* 東 */, char32_t{0x0663} /* Arabic 3 */,
                     char32_t{0x00B2} /* ² (No) */, char32_t{0x2163} /* Ⅳ (Nl) */, char32_t{0x0391} /* Α */,
                     char32_t{0x1D400} /* 𝐀 */, char32_t{0x20000} /* CJK ext B */}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(is_letter_or_number(c));
  }
  for (char32_t c : {U' ', U'-', U'_', U'/', U':', char32_t{0x00A0}, char32_t{0x0301} /* combining acute */,
                     char32_t{0x202E} /* RLO */, char32_t{0x200B} /* zero width space */, char32_t{0x1F680} /* 🚀 */,
                     char32_t{0x0000}, char32_t{0x0085}, char32_t{0xE000} /* private use */, char32_t{0x10FFFF}}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK_FALSE(is_letter_or_number(c));
  }
}

}  // namespace keyform_test_unicode
