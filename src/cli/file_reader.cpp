#include "cli/file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keyform {
namespace {

// Closes on every path out, exceptions included.
struct OpenFile {
  int fd;
  ~OpenFile() {
    if (fd >= 0) close(fd);
  }
};

FileReadError cannot_read(const std::string& path, const std::string& what, int error) {
  return {FileReadError::Kind::unreadable, what + " " + path + ": cannot read it: " + std::strerror(error)};
}

FileReadError too_large(const std::string& path, const std::string& what) {
  return {FileReadError::Kind::too_large,
          what + " " + path + " is larger than " + std::to_string(kMaxFileBytes / (1024 * 1024)) + " MiB"};
}

// Reads to the end, but never more than one byte past the limit: enough to know it is exceeded.
std::string read_capped(int fd, const std::string& path, const std::string& what) {
  std::string text;
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n == 0) return text;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw cannot_read(path, what, errno);
    }
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) throw too_large(path, what);
  }
}

}  // namespace

std::string read_input_file(const std::string& path, const std::string& what) {
  // O_NONBLOCK only for the open: a FIFO must not hang keyform before anything is checked.
  const OpenFile file{open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) throw cannot_read(path, what, errno);
  struct stat info {};
  if (fstat(file.fd, &info) != 0) throw cannot_read(path, what, errno);
  if (S_ISDIR(info.st_mode)) {
    throw FileReadError(FileReadError::Kind::directory, what + " " + path + " is a directory, not a file");
  }
  // The size on disk refuses a huge file without reading it; read_capped catches one that grows.
  if (S_ISREG(info.st_mode) && static_cast<std::size_t>(info.st_size) > kMaxFileBytes) {
    throw too_large(path, what);
  }
  const int flags = fcntl(file.fd, F_GETFL);
  if (flags < 0 || fcntl(file.fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    throw cannot_read(path, what, errno);
  }
  return read_capped(file.fd, path, what);
}

}  // namespace keyform
