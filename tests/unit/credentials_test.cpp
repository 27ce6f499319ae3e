#include "api/credentials.h"

#include <doctest/doctest.h>

#include <map>

using namespace keyform;

namespace {
EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

std::string error_of(std::map<std::string, std::string> vars) {
  try {
    credentials_from_env(env(vars));
  } catch (const CredentialsError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("API key credentials, current and older names") {
  Credentials c = credentials_from_env(env({{"MONGODB_ATLAS_PUBLIC_API_KEY", "abcdefgh"}, {"MONGODB_ATLAS_PRIVATE_API_KEY", "s"}}));
  REQUIRE(c.digest);
  CHECK(c.digest->public_key == "abcdefgh");
  CHECK(c.self_public_key() == "abcdefgh");
  CHECK_FALSE(c.service_account);
  c = credentials_from_env(env({{"MONGODB_ATLAS_PUBLIC_KEY", "old"}, {"MONGODB_ATLAS_PRIVATE_KEY", "s"}}));
  CHECK(c.digest->public_key == "old");
  c = credentials_from_env(env({{"MONGODB_ATLAS_PUBLIC_API_KEY", "new"}, {"MONGODB_ATLAS_PUBLIC_KEY", "old"},
                                {"MONGODB_ATLAS_PRIVATE_KEY", "s"}}));
  CHECK(c.digest->public_key == "new");
}

TEST_CASE("a service account wins over an API key") {
  const Credentials c = credentials_from_env(env({{"MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_x"}, {"MONGODB_ATLAS_CLIENT_SECRET", "s"},
                                                  {"MONGODB_ATLAS_PUBLIC_API_KEY", "abcdefgh"}, {"MONGODB_ATLAS_PRIVATE_API_KEY", "p"}}));
  REQUIRE(c.service_account);
  CHECK(c.service_account->client_id == "mdb_sa_id_x");
  CHECK_FALSE(c.digest);
  CHECK(c.self_public_key().empty());
}

TEST_CASE("missing or half credentials are clear errors that show no value") {
  CHECK(error_of({}).find("no credentials: set MONGODB_ATLAS_PUBLIC_API_KEY") == 0);
  CHECK(error_of({{"MONGODB_ATLAS_PUBLIC_API_KEY", "abcdefgh"}}) ==
        "MONGODB_ATLAS_PRIVATE_API_KEY is not set but MONGODB_ATLAS_PUBLIC_API_KEY is: set both");
  CHECK(error_of({{"MONGODB_ATLAS_CLIENT_SECRET", "topsecret"}}) ==
        "MONGODB_ATLAS_CLIENT_ID is not set but MONGODB_ATLAS_CLIENT_SECRET is: set both");
}

TEST_CASE("a credentials file") {
  Credentials c = parse_credentials_file("public_api_key = \"abcdefgh\"\nprivate_api_key = \"s3cr3t-value\"\n", "creds.toml");
  REQUIRE(c.digest);
  CHECK(c.digest->public_key == "abcdefgh");
  CHECK(c.digest->private_key == "s3cr3t-value");
  c = parse_credentials_file("client_id = \"mdb_sa_id_x\"\nclient_secret = \"mdb_sa_sk_y\"\n", "creds.toml");
  REQUIRE(c.service_account);
  CHECK(c.service_account->client_secret == "mdb_sa_sk_y");
}

TEST_CASE("bad credentials files are refused without quoting a value") {
  auto error = [](const std::string& text) {
    try {
      parse_credentials_file(text, "creds.toml");
    } catch (const CredentialsError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(error("private_api_key = \"s3cr3t-value\"\n").find("creds.toml: expected both") == 0);
  CHECK(error("").find("creds.toml: expected both") == 0);
  CHECK(error("public_api_key = 5\nprivate_api_key = \"x\"").find("public_api_key must be a non-empty string") !=
        std::string::npos);
  CHECK(error("public_key = \"abcdefgh\"").find("unknown field \"public_key\"") != std::string::npos);
  const std::string broken = error("private_api_key = \"s3cr3t-value");
  CHECK(broken.find("creds.toml:1:") == 0);
  CHECK(broken.find("s3cr3t") == std::string::npos);
}
