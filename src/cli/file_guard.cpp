#include "cli/file_guard.h"

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli/file_reader.h"

namespace keyform {
namespace {

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

std::string refusal(const std::string& out, const std::string& why) {
  return "plan: refusing to write the plan to " + out + ": " + why + "; nothing was written and no request made";
}

}  // namespace

bool is_keyform_plan(std::string_view text) {
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return doc.is_object() && doc.contains("format_version") && doc.contains("fingerprint");
}

std::optional<std::string> plan_out_problem(const std::string& out, const std::string& config_path) {
  struct stat target {};
  // Nothing there (or nothing reachable): the write itself reports what is wrong.
  if (stat(out.c_str(), &target) != 0) return std::nullopt;
  struct stat config {};
  if (stat(config_path.c_str(), &config) == 0 && same_file(target, config)) {
    return refusal(out, "it is the configuration file " + config_path + " (the same file); use another name, such "
                        "as plan.json");
  }
  if (!S_ISREG(target.st_mode)) return refusal(out, "it exists and is not a regular file");
  std::string text;
  try {
    // The reader's limit is apply's: a file it refuses is not a plan anyone could apply.
    text = read_input_file(out, "plan file");
  } catch (const FileReadError& e) {
    return refusal(out, std::string("it exists and cannot be checked to be a keyform plan file (") + e.what() + ")");
  }
  if (!is_keyform_plan(text)) {
    return refusal(out, "it exists and is not a keyform plan file (a JSON object with format_version and "
                        "fingerprint); remove it first if it may be replaced");
  }
  return std::nullopt;
}

bool fd_is_file(int fd, const std::string& path) {
  struct stat opened {}, named {};
  if (fstat(fd, &opened) != 0 || stat(path.c_str(), &named) != 0) return false;
  return same_file(opened, named);
}

}  // namespace keyform
