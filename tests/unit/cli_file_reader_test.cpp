#include "cli/file_reader.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>

namespace keyform_test_cli_file_reader {

using namespace keyform;

namespace {

struct Scratch {
  std::string path;
  Scratch() {
    char pattern[] = "/tmp/keyform-file-reader-XXXXXX";
    REQUIRE(mkdtemp(pattern));
    path = pattern;
  }
  ~Scratch() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name, std::ios::binary) << text;
    return path + "/" + name;
  }
  // A sparse file of `size` bytes: the limit is tested with the real constant, without writing it.
  std::string sized(const std::string& name, std::size_t size) const {
    const std::string file = path + "/" + name;
    const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, static_cast<off_t>(size)) == 0);
    close(fd);
    return file;
  }
};

std::string error_of(const std::string& path, const std::string& what = "config") {
  try {
    read_input_file(path, what);
  } catch (const FileReadError& e) {
    return e.what();
  }
  return "";
}

std::optional<FileReadError::Kind> kind_of(const std::string& path) {
  try {
    read_input_file(path, "config");
  } catch (const FileReadError& e) {
    return e.kind;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("file reader: one limit, 64 MiB, for every file the CLI reads") {
  CHECK(kMaxFileBytes == 64u * 1024 * 1024);
}

TEST_CASE("file reader: the whole file, bytes as they are") {
  Scratch dir;
  constexpr char kBytes[] = "[target]\r\norg_id = \"x\"\0tail\xff";  // CRLF, a NUL, not UTF-8
  const std::string text(kBytes, sizeof kBytes - 1);
  CHECK(read_input_file(dir.write("keyform.toml", text), "config") == text);
  CHECK(read_input_file(dir.write("empty.toml", ""), "config").empty());
}

TEST_CASE("file reader: a missing file, a directory, an unreadable file, each named with what it is for") {
  Scratch dir;
  CHECK(error_of(dir.path + "/missing.toml") ==
        "config " + dir.path + "/missing.toml: cannot read it: No such file or directory");
  CHECK(kind_of(dir.path + "/missing.toml") == FileReadError::Kind::unreadable);
  CHECK(error_of(dir.path, "apply: plan file") == "apply: plan file " + dir.path + " is a directory, not a file");
  CHECK(kind_of(dir.path) == FileReadError::Kind::directory);
  const std::string locked = dir.write("locked.json", "{}");
  chmod(locked.c_str(), 0);
  if (geteuid() != 0) {  // root reads it anyway
    CHECK(error_of(locked, "apply: plan file") ==
          "apply: plan file " + locked + ": cannot read it: Permission denied");
  }
}

TEST_CASE("file reader: exactly the limit is read, one byte more is refused before reading") {
  Scratch dir;
  CHECK(read_input_file(dir.sized("at-limit.json", kMaxFileBytes), "plan file").size() == kMaxFileBytes);
  const std::string over = dir.sized("over.json", kMaxFileBytes + 1);
  CHECK(error_of(over, "apply: plan file") == "apply: plan file " + over + " is larger than 64 MiB");
  CHECK(kind_of(over) == FileReadError::Kind::too_large);
}

TEST_CASE("file reader: a stream past the limit is cut off while it is read") {
  Scratch dir;
  const std::string fifo = dir.path + "/fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // No writer: the open does not hang, and the FIFO reads as empty.
  CHECK(read_input_file(fifo, "config").empty());
  // /dev/zero never ends and has no size to check up front: only the limit while reading stops it.
  CHECK(error_of("/dev/zero") == "config /dev/zero is larger than 64 MiB");
}

}  // namespace keyform_test_cli_file_reader
