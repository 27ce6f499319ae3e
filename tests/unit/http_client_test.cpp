#include "api/http_client.h"

#include <doctest/doctest.h>

using namespace keyform;

TEST_CASE("traced header lines never carry credentials") {
  CHECK(redact_header_line("Authorization: Digest username=\"abcdefgh\", response=\"0a1b\"") == "Authorization: [redacted]");
  CHECK(redact_header_line("authorization: Bearer eyJhbGciOi") == "authorization: [redacted]");
  CHECK(redact_header_line("Proxy-Authorization: Basic dXNlcjpwYXNz") == "Proxy-Authorization: [redacted]");
  CHECK(redact_header_line("Set-Cookie: session=abc") == "Set-Cookie: [redacted]");
  CHECK(redact_header_line("Accept: application/json") == "Accept: application/json");
  CHECK(redact_header_line("GET /api/atlas/v2/orgs HTTP/1.1") == "GET /api/atlas/v2/orgs HTTP/1.1");
}
