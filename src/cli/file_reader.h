// Every file the command line reads (the config, a saved plan, a file `plan --out` would
// replace) goes through one reader with one size limit, so each refuses the same way.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace keyform {

// A saved plan of a 10 000-key org is a few MiB and the API's largest accepted answer is 64 MiB;
// nothing keyform reads legitimately comes near. One limit, so no file is refused by one command
// and read by another.
constexpr std::size_t kMaxFileBytes = 64 * 1024 * 1024;

struct FileReadError : std::runtime_error {
  enum class Kind { unreadable, directory, too_large };
  FileReadError(Kind kind, const std::string& message) : std::runtime_error(message), kind(kind) {}
  Kind kind;  // a caller may add its own hint, e.g. to a config that is not there
};

// The whole file. `what` names it in messages ("config", "apply: plan file"). Throws
// FileReadError: "WHAT PATH: cannot read it: REASON", "WHAT PATH is a directory, not a file",
// "WHAT PATH is larger than 64 MiB". Opening never blocks (a FIFO without a writer reads as
// empty), and a file that grows while it is read is still cut off at the limit.
std::string read_input_file(const std::string& path, const std::string& what);

}  // namespace keyform
