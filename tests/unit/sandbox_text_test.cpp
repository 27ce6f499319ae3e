// The sandbox's small text helpers that the new routes lean on (text.h).
#include "sandbox/text.h"

#include <doctest/doctest.h>

#include <string>

namespace keyform_test_sandbox_text {

using namespace keyform::sandbox;

TEST_CASE("sandbox text: percent_decode decodes %XX only") {
  CHECK(percent_decode("192.0.2.0%2F24") == "192.0.2.0/24");
  CHECK(percent_decode("192.0.2.0%2f24") == "192.0.2.0/24");
  CHECK(percent_decode("a+b%20c") == "a+b c");  // a path, not a form: "+" stays
  CHECK(percent_decode("%") == "%");
  CHECK(percent_decode("100%") == "100%");
  CHECK(percent_decode("%2") == "%2");
  CHECK(percent_decode("%zz%41") == "%zzA");
  CHECK(percent_decode("") == "");
}

TEST_CASE("sandbox text: utf8_length counts characters, not bytes") {
  CHECK(utf8_length("") == 0);
  CHECK(utf8_length("desc") == 4);
  CHECK(utf8_length("d\xc3\xa9sc") == 4);          // é: 2 bytes
  CHECK(utf8_length("\xe2\x82\xac") == 1);         // €: 3 bytes
  CHECK(utf8_length("\xf0\x9f\x94\x91 key") == 5);  // 🔑: 4 bytes
}

}  // namespace keyform_test_sandbox_text
