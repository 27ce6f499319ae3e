#include "core/url.h"

#include <doctest/doctest.h>

namespace keyform_test_url {

using namespace keyform;

TEST_CASE("base URLs: https anywhere, plain http only to loopback") {
  CHECK(check_base_url("https://cloud.mongodb.com") == BaseUrlCheck::ok);
  CHECK(check_base_url("https://opsmanager.example.com:8443/base") == BaseUrlCheck::ok);
  CHECK(check_base_url("http://127.0.0.1:8080") == BaseUrlCheck::ok);
  CHECK(check_base_url("http://localhost") == BaseUrlCheck::ok);
  CHECK(check_base_url("http://[::1]:9000") == BaseUrlCheck::ok);
  CHECK(check_base_url("http://cloud.mongodb.com") == BaseUrlCheck::insecure);
  CHECK(check_base_url("http://127.0.0.1.evil.com") == BaseUrlCheck::insecure);
  CHECK(check_base_url("ftp://127.0.0.1") == BaseUrlCheck::insecure);
  CHECK(check_base_url("cloud.mongodb.com") == BaseUrlCheck::malformed);
  CHECK(check_base_url("https://user:pw@cloud.mongodb.com") == BaseUrlCheck::malformed);
  CHECK(check_base_url("https://cloud.mongodb.com?x=1") == BaseUrlCheck::malformed);
  CHECK(check_base_url("https://") == BaseUrlCheck::malformed);
}

}  // namespace keyform_test_url
