#include "api/credentials.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace keyform_test_credentials {

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

namespace {

struct stat file_status(mode_t mode, uid_t owner) {
  struct stat info {};
  info.st_mode = mode;
  info.st_uid = owner;
  return info;
}

std::string problem_of(mode_t mode, uid_t owner, uid_t euid = 1000) {
  return credentials_file_problem(file_status(mode, owner), euid, "creds.toml").value_or("");
}

// A scratch directory with a private credentials file in it, removed at the end.
struct CredentialsDir {
  std::string path;
  std::string file;
  CredentialsDir() {
    char pattern[] = "/tmp/keyform-credentials-XXXXXX";
    REQUIRE(mkdtemp(pattern));
    path = pattern;
    file = path + "/creds.toml";
    std::ofstream(file) << "public_api_key = \"abcdefgh\"\nprivate_api_key = \"s3cr3t-value\"\n";
    chmod(file.c_str(), 0600);
  }
  ~CredentialsDir() { std::filesystem::remove_all(path); }
};

std::string file_error(const std::string& path) {
  try {
    credentials_from_file(path);
  } catch (const CredentialsError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a credentials file must be a regular file") {
  CHECK(problem_of(S_IFDIR | 0700, 1000) == "creds.toml: the credentials file is a directory, not a regular file");
  CHECK(problem_of(S_IFIFO | 0600, 1000) == "creds.toml: the credentials file is a FIFO, not a regular file");
  CHECK(problem_of(S_IFCHR | 0600, 1000) == "creds.toml: the credentials file is a device, not a regular file");
  CHECK(problem_of(S_IFSOCK | 0600, 1000) == "creds.toml: the credentials file is a socket, not a regular file");
  CHECK_FALSE(credentials_file_problem(file_status(S_IFREG | 0600, 1000), 1000, "creds.toml"));
  CHECK_FALSE(credentials_file_problem(file_status(S_IFREG | 0400, 1000), 1000, "creds.toml"));
}

TEST_CASE("a credentials file owned by another user is refused, even with mode 600") {
  CHECK(problem_of(S_IFREG | 0600, 0, 1000) ==
        "creds.toml: the credentials file is owned by another user (uid 0; keyform runs as uid 1000): it must "
        "belong to the user running keyform");
  // root is no exception: another user's file could be rewritten by that user.
  CHECK(problem_of(S_IFREG | 0600, 1000, 0).find("owned by another user (uid 1000; keyform runs as uid 0)") !=
        std::string::npos);
}

TEST_CASE("a credentials file with any permission bit for group or others is refused") {
  for (mode_t bits : {0640, 0620, 0610, 0604, 0602, 0601, 0660, 0644, 0666, 0777}) {
    CAPTURE(bits);
    const std::string problem = problem_of(S_IFREG | bits, 1000);
    CHECK(problem.find("creds.toml: group or others have access to the credentials file (mode 0") == 0);
    CHECK(problem.find("chmod 600 creds.toml") != std::string::npos);
  }
  CHECK(problem_of(S_IFREG | 0640, 1000).find("(mode 0640)") != std::string::npos);
}

TEST_CASE("credentials_from_file checks the file it opens, after following links") {
  CredentialsDir dir;
  const Credentials c = credentials_from_file(dir.file);
  REQUIRE(c.digest);
  CHECK(c.digest->private_key == "s3cr3t-value");

  chmod(dir.file.c_str(), 0640);
  CHECK(file_error(dir.file).find("group or others have access to the credentials file (mode 0640)") !=
        std::string::npos);
  chmod(dir.file.c_str(), 0600);

  // A link is judged by what it points to: the private file behind it is fine, a directory is not.
  const std::string link = dir.path + "/link.toml";
  REQUIRE(symlink(dir.file.c_str(), link.c_str()) == 0);
  CHECK(credentials_from_file(link).digest);
  const std::string dir_link = dir.path + "/dir-link.toml";
  REQUIRE(symlink(dir.path.c_str(), dir_link.c_str()) == 0);
  CHECK(file_error(dir_link) == dir_link + ": the credentials file is a directory, not a regular file");

  CHECK(file_error(dir.path + "/missing.toml").find("cannot open the credentials file: No such file") !=
        std::string::npos);
}

TEST_CASE("a FIFO as credentials file is refused at once, not waited on") {
  CredentialsDir dir;
  const std::string fifo = dir.path + "/fifo.toml";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // Without O_NONBLOCK the open would wait for a writer, and this test would hang.
  CHECK(file_error(fifo) == fifo + ": the credentials file is a FIFO, not a regular file");
}

TEST_CASE("a credentials file of another user is refused") {
  CredentialsDir dir;
  // As root, hand the file to nobody; otherwise a root-owned file of the system stands in.
  std::string foreign = dir.file;
  if (geteuid() == 0) {
    REQUIRE(chown(dir.file.c_str(), 65534, 65534) == 0);
  } else {
    foreign = "/etc/hostname";
    REQUIRE(std::filesystem::exists(foreign));
  }
  CHECK(file_error(foreign).find("the credentials file is owned by another user") != std::string::npos);
}

}  // namespace keyform_test_credentials
