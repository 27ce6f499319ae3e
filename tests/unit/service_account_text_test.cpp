#include "core/service_account_text.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace keyform;

namespace {

std::string repeat(const std::string& unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

std::optional<std::string> name_problem(const std::string& text) {
  return service_account_text_problem(text, "name", kServiceAccountNameMax);
}

}  // namespace

TEST_CASE("service account characters: letters and digits of many scripts, and - _ . , ' space") {
  for (char32_t c : {U'a', U'Z', U'0', U'9', U'-', U'_', U'.', U',', U'\'', U' ', U'é', U'ß', U'ж', U'Ω', U'漢',
                     U'ア', U'한', U'א', U'ب', U'١', U'１', U'ª'}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(is_service_account_char(c));
  }
  for (char32_t c : {U'/', U':', U'(', U'!', U'"', U'\\', U'\n', U'\t', U'\0', U'×', U'÷', U'☃', U'’', U'\u0301',
                     U'\u202e', U'\u0482', U'\U0001F600'}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK_FALSE(is_service_account_char(c));
  }
}

TEST_CASE("a service account name is 1 to 64 characters of the set, counted as code points") {
  CHECK_FALSE(name_problem("payments-deployer").has_value());
  CHECK_FALSE(name_problem("Zahlungen, Müller's team_2.0").has_value());
  CHECK_FALSE(name_problem(repeat("é", 64)).has_value());  // 128 bytes, 64 characters
  CHECK(name_problem("") == "name must be 1 to 64 characters, found 0");
  CHECK(name_problem(repeat("a", 65)) == "name must be 1 to 64 characters, found 65");
  CHECK(name_problem("ops/ci") == "name has U+002F at character 4: only letters, digits, spaces and - _ . , ' are allowed");
  CHECK(name_problem("ok\n[[keys]]") ==
        "name has U+000A at character 3: only letters, digits, spaces and - _ . , ' are allowed");
  CHECK(name_problem("é☃") == "name has U+2603 at character 2: only letters, digits, spaces and - _ . , ' are allowed");
  CHECK(name_problem("bad \xff") == "name is not valid UTF-8 (byte 5)");
  CHECK(name_problem("overlong \xc0\xaf") == "name is not valid UTF-8 (byte 10)");
  CHECK(service_account_text_problem(repeat("a", 250), "description", kServiceAccountDescriptionMax) == std::nullopt);
  CHECK(service_account_text_problem(repeat("a", 251), "description", kServiceAccountDescriptionMax) ==
        "description must be 1 to 250 characters, found 251");
}

TEST_CASE("fitting a description: replaced, collapsed, trimmed, cut at a character") {
  const auto fit = [](const std::string& text) { return fit_service_account_text(text, kServiceAccountDescriptionMax); };
  CHECK(fit("deploys payments") == "deploys payments");
  CHECK(fit("CI/CD: deploy (prod)!") == "CI CD deploy prod");
  CHECK(fit("  it\u2019s   the \"main\" key\n\tline two\x01\x7f ") == "it's the main key line two");
  CHECK(fit("Cafe\u0301 ☃ 漢字") == "Cafe 漢字");  // a combining accent is dropped, its letter kept
  CHECK(fit("bad \xff\xfe bytes") == "bad bytes");
  CHECK(fit("☃☃ ()") == "");
  CHECK(fit("") == "");
  CHECK(fit(repeat("a", 300)) == repeat("a", 250));
  CHECK(fit(repeat("é", 251)) == repeat("é", 250));
  CHECK(fit(repeat("a", 249) + " b") == repeat("a", 249));  // no trailing space after the cut
  CHECK(fit_service_account_text("a/b/c", 3) == "a b");
}

TEST_CASE("a fitted description is always one the set accepts, or empty") {
  const std::vector<std::string> samples = {
      "CI \"deployer\"\nline two\\ \x01\x7f ☃", "x\n  + assign to prod\x1b[2J\r", "ok \xe2\x80\xae" "dlrow",
      "\xc2\x9b" "31mred", "tick`</details><script>`x", repeat("日本/", 200), repeat(" ", 10), "'''---...,,,___"};
  for (const auto& sample : samples) {
    CAPTURE(sample);
    const std::string fitted = fit_service_account_text(sample, kServiceAccountDescriptionMax);
    if (!fitted.empty()) CHECK(service_account_text_problem(fitted, "d", kServiceAccountDescriptionMax) == std::nullopt);
  }
}
