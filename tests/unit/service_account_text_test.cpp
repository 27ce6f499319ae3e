#include "core/service_account_text.h"

#include <doctest/doctest.h>

#include "core/service_account_config.h"

#include <string>
#include <vector>

namespace keyform_test_service_account_text {

using namespace keyform;

namespace {

std::string repeat(const std::string& unit, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += unit;
  return out;
}

}  // namespace

TEST_CASE("fitting a description: replaced, collapsed, trimmed, cut at a character") {
  const auto fit = [](const std::string& text) { return fit_service_account_text(text, kMaxServiceAccountDescriptionChars); };
  CHECK(fit("deploys payments") == "deploys payments");
  CHECK(fit("CI/CD: deploy (prod)!") == "CI CD deploy prod");
  CHECK(fit("  it\u2019s   the \"main\" key\n\tline two\x01\x7f ") == "it's the main key line two");
  CHECK(fit("Cafe\u0301 ☃ 漢字") == "Cafe 漢字");  // a combining accent is dropped, its letter kept
  CHECK(fit("Ünïcödé Straße ١٢٣") == "Ünïcödé Straße ١٢٣");  // letters and numbers of any script stay
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
    const std::string fitted = fit_service_account_text(sample, kMaxServiceAccountDescriptionChars);
    if (!fitted.empty()) CHECK(service_account_text_problem("d", fitted, kMaxServiceAccountDescriptionChars) == std::nullopt);
  }
}

}  // namespace keyform_test_service_account_text
