// Which files a command may write its output to. A plan or an export written over the very
// configuration it was made from destroys the reviewed file; a plan written over an unrelated
// file destroys that. Both are checked before any request, so nothing is lost and no call is made.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace keyform {

// True when `text` is a JSON object with "format_version" and "fingerprint": a plan file some
// keyform wrote (it need not be valid or current; it is about to be replaced by a newer one).
bool is_keyform_plan(std::string_view text);

// Why `plan --out out` must not write to `out`, or nothing: it is the configuration file
// `config_path` (the same device and inode, however either is spelt: ./keyform.toml, a symlink,
// a hard link), or it exists and is not a regular file holding a keyform plan. A file that does
// not exist yet is fine.
std::optional<std::string> plan_out_problem(const std::string& out, const std::string& config_path);

// True when file descriptor `fd` is open on the file `path` names (same device and inode), as
// stdout is under `keyform export > keyform.toml`. False when either cannot be looked at.
bool fd_is_file(int fd, const std::string& path);

}  // namespace keyform
