#include "core/timestamp.h"

#include <doctest/doctest.h>

namespace keyform_test_timestamp {

using namespace keyform;

TEST_CASE("rfc3339: the forms the Admin API writes, to Unix seconds and back") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2026-11-30T22:29:46Z") == 1796077786);
  CHECK(parse_rfc3339("2026-11-30T22:29:46.123Z") == 1796077786);
  CHECK(parse_rfc3339("2026-11-30T23:29:46+01:00") == 1796077786);
  CHECK(parse_rfc3339("2026-11-30T21:29:46-01:00") == 1796077786);
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800);
  CHECK(format_rfc3339(1796077786) == "2026-11-30T22:29:46Z");
  CHECK(format_rfc3339(1709164800) == "2024-02-29T00:00:00Z");
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
  for (std::int64_t t : {0LL, 951782400LL, 4102444799LL, 1796077786LL}) CHECK(parse_rfc3339(format_rfc3339(t)) == t);
}

TEST_CASE("rfc3339: anything else is refused, not guessed") {
  for (const char* bad : {"", "2026-11-30", "2026-11-30T22:29:46", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                          "2026-11-31T00:00:00Z", "2026-11-30T24:00:00Z", "2026-11-30T22:29:46.Z",
                          "2026-11-30T22:29:46+0100", "2026-11-30 22:29:46Z", "2026-11-30T22:29:46Zjunk",
                          "+026-11-30T22:29:46Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
}

}  // namespace keyform_test_timestamp
