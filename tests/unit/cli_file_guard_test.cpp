#include "cli/file_guard.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace keyform_test_cli_file_guard {

using namespace keyform;

namespace {

struct Scratch {
  std::string path;
  Scratch() {
    char pattern[] = "/tmp/keyform-file-guard-XXXXXX";
    REQUIRE(mkdtemp(pattern));
    path = pattern;
  }
  ~Scratch() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name, std::ios::binary) << text;
    return path + "/" + name;
  }
};

const std::string kPlan = R"({"format_version": 1, "fingerprint": "abc", "actions": []})";

std::string problem(const std::string& out, const std::string& config) {
  return plan_out_problem(out, config).value_or("");
}

}  // namespace

TEST_CASE("a keyform plan is a JSON object with format_version and fingerprint") {
  CHECK(is_keyform_plan(kPlan));
  CHECK(is_keyform_plan(R"({"fingerprint": null, "format_version": "x"})"));  // stale or broken: still ours
  CHECK_FALSE(is_keyform_plan(R"({"format_version": 1})"));
  CHECK_FALSE(is_keyform_plan(R"({"fingerprint": "abc"})"));
  CHECK_FALSE(is_keyform_plan(R"([{"format_version": 1, "fingerprint": "abc"}])"));
  CHECK_FALSE(is_keyform_plan("[target]\norg_id = \"5a0a1e7e0f2912c554080adc\"\n"));
  CHECK_FALSE(is_keyform_plan(""));
  CHECK_FALSE(is_keyform_plan(kPlan.substr(0, kPlan.size() - 1)));  // truncated
}

TEST_CASE("plan --out may create a file, or replace an earlier plan") {
  Scratch dir;
  const std::string config = dir.write("keyform.toml", "[target]\n");
  CHECK_FALSE(plan_out_problem(dir.path + "/plan.json", config));
  CHECK_FALSE(plan_out_problem(dir.write("plan.json", kPlan), config));
}

TEST_CASE("plan --out refuses the configuration file however it is spelt") {
  Scratch dir;
  const std::string config = dir.write("keyform.toml", "[target]\n");
  const std::string expected = "it is the configuration file " + config + " (the same file)";
  CHECK(problem(config, config).find(expected) != std::string::npos);
  CHECK(problem(dir.path + "/./keyform.toml", config).find(expected) != std::string::npos);
  const std::string symlinked = dir.path + "/symlink.json";
  REQUIRE(symlink(config.c_str(), symlinked.c_str()) == 0);
  CHECK(problem(symlinked, config).find(expected) != std::string::npos);
  const std::string hardlinked = dir.path + "/hardlink.json";
  REQUIRE(link(config.c_str(), hardlinked.c_str()) == 0);
  CHECK(problem(hardlinked, config).find(expected) != std::string::npos);
  // Even a config that happens to look like a plan is the config.
  const std::string plan_like = dir.write("plan-like.json", kPlan);
  CHECK(problem(plan_like, plan_like).find("it is the configuration file") != std::string::npos);
}

TEST_CASE("plan --out refuses an existing file that is not a keyform plan") {
  Scratch dir;
  const std::string config = dir.write("keyform.toml", "[target]\n");
  const std::string notes = dir.write("notes.txt", "my notes\n");
  CHECK(problem(notes, config) ==
        "plan: refusing to write the plan to " + notes +
            ": it exists and is not a keyform plan file (a JSON object with format_version and fingerprint); "
            "remove it first if it may be replaced; nothing was written and no request made");
  CHECK(problem(dir.write("other.json", R"({"name": "package"})"), config).find("is not a keyform plan") !=
        std::string::npos);
  CHECK(problem(dir.write("empty.json", ""), config).find("is not a keyform plan") != std::string::npos);
  CHECK(problem(dir.path, config).find("it exists and is not a regular file") != std::string::npos);
}

TEST_CASE("plan --out refuses an existing file larger than any file keyform reads") {
  Scratch dir;
  const std::string config = dir.write("keyform.toml", "[target]\n");
  const std::string huge = dir.path + "/huge.json";
  const int fd = open(huge.c_str(), O_WRONLY | O_CREAT, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(ftruncate(fd, 64 * 1024 * 1024 + 1) == 0);  // sparse: nothing is written
  close(fd);
  CHECK(problem(huge, config) == "plan: refusing to write the plan to " + huge +
                                     ": it exists and cannot be checked to be a keyform plan file (plan file " + huge +
                                     " is larger than 64 MiB); nothing was written and no request made");
}

TEST_CASE("fd_is_file: is a descriptor open on the file a path names") {
  Scratch dir;
  const std::string config = dir.write("keyform.toml", "[target]\n");
  const int fd = open(config.c_str(), O_WRONLY | O_APPEND);
  REQUIRE(fd >= 0);
  CHECK(fd_is_file(fd, config));
  CHECK(fd_is_file(fd, dir.path + "/./keyform.toml"));
  CHECK_FALSE(fd_is_file(fd, dir.write("other.toml", "")));
  CHECK_FALSE(fd_is_file(fd, dir.path + "/missing.toml"));
  close(fd);
  CHECK_FALSE(fd_is_file(fd, config));  // closed
}

}  // namespace keyform_test_cli_file_guard
