#include "api/admin_client.h"

#include <doctest/doctest.h>

using namespace keyform;

namespace {
HttpResponse response(long status, std::string body) { return {status, std::move(body), std::nullopt}; }
}  // namespace

TEST_CASE("every family's success answers count as success; envelopes give the real status") {
  CHECK(effective_status(response(204, "")) == 204);                  // v2 DELETE / POST
  CHECK(effective_status(response(200, "")) == 200);                  // public v1.0 DELETE
  CHECK(effective_status(response(200, "{}")) == 200);                // Atlas v1.0 DELETE
  CHECK(effective_status(response(200, R"({"id":"x","roles":[]})")) == 200);
  CHECK(effective_status(response(200, R"({"status":204,"content":{}})")) == 204);
  CHECK(effective_status(response(200, R"({"status":403,"content":{"errorCode":"X"}})")) == 403);
  CHECK(effective_status(response(404, R"({"status":200,"content":{}})")) == 404);  // only 200s are envelopes
}

TEST_CASE("failures show status, errorCode and detail") {
  CHECK(describe_failure(response(403, R"({"detail":"Not the project's creator.","error":403,"errorCode":"NOT_ORG_GROUP_CREATOR"})")) ==
        "403 NOT_ORG_GROUP_CREATOR: Not the project's creator.");
  CHECK(describe_failure(response(503, "<html>down</html>")) == "503");
  CHECK(describe_failure(response(200, R"({"status":404,"content":{"errorCode":"API_KEY_NOT_FOUND","detail":"gone"}})")) ==
        "200 API_KEY_NOT_FOUND: gone");
  CHECK(describe_failure(response(401, R"({"errorCode":"UNAUTHORIZED"})")).find("401 UNAUTHORIZED (check the credentials") == 0);
}
