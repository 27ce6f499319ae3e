// How messages name a file's type and permissions, for the two files keyform refuses when others
// could read them: the credentials file and --secrets-out.
#pragma once

#include <sys/stat.h>

#include <cstdio>
#include <string>

namespace keyform {

// "a directory", "a FIFO", …: what a path that should be a regular file is instead.
inline const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

// "0644"
inline std::string octal_mode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace keyform
