#include "cli/gitops.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/planner.h"

namespace keyform {

ApiConnection connect_to(const ResolvedTarget& target, const CommonOptions& common) {
  const Credentials credentials = credentials_for(*target.family, common);
  return connect(*target.family, target.base_url, credentials, target.org_id, common);
}

std::optional<Config> optional_config(const CommonOptions& common, bool wanted) {
  if (common.config_given) return load_config(common.config_path);
  if (!wanted) return std::nullopt;
  std::error_code ignored;
  if (!std::filesystem::exists(common.config_path, ignored)) return std::nullopt;
  return load_config(common.config_path);
}

std::optional<Config> config_for_target(const CommonOptions& common, bool wanted) {
  if (common.config_given || !wanted) return optional_config(common, wanted);
  std::error_code error;
  const auto size = std::filesystem::file_size(common.config_path, error);
  if (error || size == 0) return std::nullopt;
  try {
    return load_config(common.config_path);
  } catch (const CommandError& e) {
    const std::string message = e.what();
    std::cerr << "Note: not using " << common.config_path << " for the target: "
              << message.substr(0, message.find('\n')) << "\n";
    return std::nullopt;
  }
}

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path temp = target.parent_path() / ("." + target.filename().string() + ".tmp." + std::to_string(getpid()));
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file << content;
    file.flush();
    if (!file) {
      std::error_code ignored;
      fs::remove(temp, ignored);
      throw CommandError("cannot write " + path + ": " + std::strerror(errno));
    }
  }
  std::error_code error;
  fs::rename(temp, target, error);
  if (error) {
    std::error_code ignored;
    fs::remove(temp, ignored);
    throw CommandError("cannot write " + path + ": " + error.message());
  }
}

}  // namespace keyform
