#include "cli/secret_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/credentials.h"
#include "cli/child_process.h"
#include "core/escape.h"
#include "util/errno_text.h"
#include "util/fd.h"
#include "util/file_mode.h"

namespace keyform {
namespace {

// Wipes a buffer that held the secret on every way out of a scope.
struct WipeOnExit {
  std::string& text;
  ~WipeOnExit() { wipe(text); }
};


// ---------------------------------------------------------------------------------------------
// --secrets-out FILE


// Why an existing secrets file must not receive a private key, or nothing. Checked on the name
// (lstat) before any write to the org, and again on the opened file (fstat) at each delivery:
// the file may have changed in between.
std::optional<std::string> existing_file_problem(const struct stat& info, const std::string& shown) {
  if (S_ISLNK(info.st_mode)) return std::string("it is a symbolic link; name the file itself");
  if (!S_ISREG(info.st_mode)) return std::string("it is ") + file_kind(info.st_mode) + ", not a regular file";
  // Whoever owns the file can open its mode again, or read it.
  if (info.st_uid != geteuid()) {
    return "it is owned by another user (uid " + std::to_string(info.st_uid) + "); name a file of your own";
  }
  if (info.st_mode & (S_IRWXG | S_IRWXO)) {
    const char* what = (info.st_mode & (S_IRGRP | S_IROTH)) ? "lets others read it" : "gives others access to it";
    return "mode " + octal_mode(info.st_mode) + " " + what + "; chmod 600 " + shown + " or name another file";
  }
  return std::nullopt;
}

// A missing file is created at the first delivery: its directory must exist and take it.
std::optional<std::string> directory_problem(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  struct stat info {};
  if (stat(dir.c_str(), &info) != 0) return "its directory " + escape_text(dir) + " cannot be used: " + errno_text(errno);
  if (!S_ISDIR(info.st_mode)) return escape_text(dir) + " is not a directory";
  if (faccessat(AT_FDCWD, dir.c_str(), W_OK | X_OK, AT_EACCESS) != 0) {
    return "cannot create it in " + escape_text(dir) + ": " + errno_text(errno);
  }
  return std::nullopt;
}

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// JSON string escaping for the secret, written straight into a buffer reserved to its final size:
// a string that grows reallocates and frees its old buffer, a copy of the secret nobody wipes.
std::size_t json_escaped_size(std::string_view text) {
  std::size_t size = 0;
  for (const char c : text) size += (c == '"' || c == '\\') ? 2 : static_cast<unsigned char>(c) < 0x20 ? 6 : 1;
  return size;
}

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
}

std::string json_string(const std::string& text) {
  // replace: an invalid byte in a description must not make the delivery throw.
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What one delivery hands over, whatever made the secret (a new key, a service account secret):
// the record's fields around the secret, and the command's KEYFORM_* variables.
struct Delivery {
  std::vector<std::pair<std::string, std::string>> head;  // JSON fields before the secret, in order
  std::string secret_field;                                // "private_key" or "secret"
  std::vector<std::pair<std::string, std::string>> tail;  // after it (created_at is added)
  std::vector<std::string> variables;                      // "KEYFORM_…=value"
  std::string label;                                       // names it in the command's log lines
  const Secret& secret;
};

Delivery delivery_of(const NewKeySecret& key) {
  return {{{"public_key", key.public_key}, {"id", key.id}, {"desc", key.desc}},
          "private_key",
          {{"org_id", key.org_id}},
          {"KEYFORM_PUBLIC_KEY=" + key.public_key, "KEYFORM_KEY_ID=" + key.id, "KEYFORM_KEY_DESC=" + key.desc,
           "KEYFORM_ORG_ID=" + key.org_id},
          key.public_key,
          key.private_key};
}

Delivery delivery_of(const NewServiceAccountSecret& sa) {
  return {{{"client_id", sa.client_id}, {"name", sa.name}, {"secret_id", sa.secret_id}},
          "secret",
          {{"expires_at", sa.expires_at}, {"org_id", sa.org_id}},
          {"KEYFORM_CLIENT_ID=" + sa.client_id, "KEYFORM_SA_NAME=" + sa.name, "KEYFORM_SECRET_ID=" + sa.secret_id,
           "KEYFORM_SECRET_EXPIRES_AT=" + sa.expires_at, "KEYFORM_ORG_ID=" + sa.org_id},
          sa.client_id,
          sa.secret};
}

std::string json_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) out += json_string(name) + ":" + json_string(value) + ",";
  return out;
}

// One JSON Lines record. Only the secret is escaped by hand (see above); the secret comes from a
// parsed JSON answer, so it is valid UTF-8 and needs no more than JSON's own escapes.
std::string secret_line(const Delivery& delivery, const std::string& created_at) {
  const std::string& secret = delivery.secret.reveal();
  const std::string head = "{" + json_fields(delivery.head) + json_string(delivery.secret_field) + ":\"";
  const std::string tail = "\"," + json_fields(delivery.tail) + "\"created_at\":" + json_string(created_at) + "}\n";
  std::string line;
  line.reserve(head.size() + json_escaped_size(secret) + tail.size());
  line += head;
  append_json_escaped(line, secret);
  line += tail;
  return line;  // moved out: the buffer is handed over, not copied
}

class SecretsFile : public SecretSink {
 public:
  SecretsFile(std::string path, std::function<std::chrono::system_clock::time_point()> now)
      : path_(std::move(path)), shown_(escape_text(path_)), now_(std::move(now)) {}

  void deliver(const NewKeySecret& key) override { deliver_one(delivery_of(key)); }
  void deliver(const NewServiceAccountSecret& secret) override { deliver_one(delivery_of(secret)); }

  std::string describe() const override { return "--secrets-out " + shown_; }

  std::runtime_error error(const std::string& what) const { return std::runtime_error(describe() + ": " + what); }

 private:
  void deliver_one(const Delivery& delivery) {
    std::string line = secret_line(delivery, rfc3339_utc(now_()));
    const WipeOnExit wiped{line};
    const std::lock_guard lock(mutex_);
    append(line);
  }

  void append(const std::string& line) const {
    // O_NOFOLLOW: a symlink planted since the check is refused, not followed. O_NONBLOCK: a FIFO
    // planted since then fails to open (or is refused below) instead of blocking the apply.
    const Fd file(open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
                       0600));
    if (!file.is_open()) {
      throw error(errno == ELOOP ? "it is a symbolic link; name the file itself" : "cannot open it: " + errno_text(errno));
    }
    struct stat info {};
    if (fstat(file.get(), &info) != 0) throw error("cannot check it: " + errno_text(errno));
    if (auto problem = existing_file_problem(info, shown_)) throw error(*problem);
    write_line(file.get(), line);
    if (fsync(file.get()) != 0) throw error("cannot sync it to disk: " + errno_text(errno));
  }

  // One write() per record: with O_APPEND, records of concurrent writers never interleave.
  void write_line(int fd, const std::string& line) const {
    ssize_t written = 0;
    do written = write(fd, line.data(), line.size());
    while (written < 0 && errno == EINTR);
    if (written < 0) throw error("cannot write to it: " + errno_text(errno));
    if (static_cast<std::size_t>(written) != line.size()) {
      throw error("wrote only " + std::to_string(written) + " of " + std::to_string(line.size()) +
                  " bytes of the record (disk full?)");
    }
  }

  std::string path_;
  std::string shown_;
  std::function<std::chrono::system_clock::time_point()> now_;
  std::mutex mutex_;
};

// ---------------------------------------------------------------------------------------------
// --secrets-command CMD: splitting the command line

constexpr std::string_view kShellOperators = "|&;<>()";

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

std::runtime_error split_error(const std::string& what) { return std::runtime_error("--secrets-command: " + what); }

// '…': everything up to the next single quote, literally. Returns the index of the closing quote.
std::size_t take_single_quoted(const std::string& line, std::size_t open, std::string& word) {
  const std::size_t close = line.find('\'', open + 1);
  if (close == std::string::npos) throw split_error("unbalanced single quote");
  word.append(line, open + 1, close - open - 1);
  return close;
}

// "…": a backslash escapes only " \ $ ` and newline (a backslash-newline disappears); anything
// else, $ and ` included, is literal. Returns the index of the closing quote.
std::size_t take_double_quoted(const std::string& line, std::size_t open, std::string& word) {
  for (std::size_t i = open + 1; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') return i;
    if (c == '\\' && i + 1 < line.size() && std::string_view("\"\\$`\n").find(line[i + 1]) != std::string_view::npos) {
      if (line[++i] != '\n') word += line[i];
      continue;
    }
    word += c;
  }
  throw split_error("unbalanced double quote");
}

// ---------------------------------------------------------------------------------------------
// --secrets-command CMD: running it

// Every KEYFORM_ variable is keyform's to set: one inherited from the caller must not pose as the
// delivery's (a stale KEYFORM_CLIENT_ID beside a key's variables).
bool is_keyform_variable(std::string_view name) { return name.starts_with("KEYFORM_"); }

std::vector<std::string> command_environment(const std::vector<std::string>& base, const Delivery& delivery) {
  std::vector<std::string> env;
  for (const std::string& entry : base) {
    const std::string name(variable_name(entry));
    if (entry.find('=') == std::string::npos || is_credential_variable(name) || is_keyform_variable(name)) continue;
    env.push_back(entry);
  }
  env.insert(env.end(), delivery.variables.begin(), delivery.variables.end());
  return env;
}

// The shown part with every whole occurrence of the secret replaced: redacting the collected
// text, not each read, catches a secret split across two reads.
std::string redacted(const CapturedOutput& output, std::string_view secret) {
  const std::string_view raw = output.raw;
  const std::size_t shown = std::min(raw.size(), kShownOutputBytes);
  std::string text;
  std::size_t at = 0;
  while (at < shown) {
    const std::size_t hit = secret.empty() ? std::string_view::npos : raw.find(secret, at);
    text.append(raw.substr(at, std::min(hit, shown) - at));
    if (hit >= shown) break;
    text += "[redacted]";
    at = hit + secret.size();
  }
  return text;
}

std::string duration_text(std::chrono::milliseconds limit) {
  if (limit.count() % 1000 == 0) return std::to_string(limit.count() / 1000) + " s";
  return std::to_string(limit.count()) + " ms";
}

class SecretsCommand : public SecretSink {
 public:
  SecretsCommand(std::vector<std::string> words, std::ostream& log, SecretsCommandOptions options)
      : words_(std::move(words)), log_(log), options_(std::move(options)) {}

  void deliver(const NewKeySecret& key) override { deliver_one(delivery_of(key)); }
  void deliver(const NewServiceAccountSecret& secret) override { deliver_one(delivery_of(secret)); }

  std::string describe() const override { return "--secrets-command " + escape_text(words_[0]); }

 private:
  void deliver_one(const Delivery& delivery) {
    const std::string& secret = delivery.secret.reveal();
    const auto& base = options_.environment ? *options_.environment : inherited_environment();
    CapturedOutput captured(secret.size());
    ChildRun outcome;
    try {
      outcome = run_child_process(words_, command_environment(base, delivery), secret, options_.time_limit, captured);
    } catch (const std::runtime_error& e) {
      throw failure(e.what());
    }
    show_output(delivery.label, redacted(captured, secret), captured.truncated());
    if (outcome.timed_out) throw failure("timed out after " + duration_text(options_.time_limit) + " (killed)");
    if (const std::string problem = status_problem(outcome.status); !problem.empty()) throw failure(problem);
  }

  std::runtime_error failure(const std::string& what) const { return std::runtime_error(describe() + ": " + what); }

  // The whole block under one lock: deliveries run side by side, and their lines must not mix.
  void show_output(const std::string& label, const std::string& text, bool truncated) {
    if (text.empty() && !truncated) return;
    const std::string prefix = "secrets-command (" + escape_text(label) + "): ";
    std::string block;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      block += prefix + escape_text(std::string_view(text).substr(start, end - start)) + "\n";
      start = end + 1;
    }
    if (truncated) block += prefix + "(output truncated)\n";
    const std::lock_guard lock(log_mutex_);
    log_ << block << std::flush;
  }

  std::vector<std::string> words_;
  std::ostream& log_;
  SecretsCommandOptions options_;
  std::mutex log_mutex_;
};

}  // namespace

std::unique_ptr<SecretSink> open_secrets_file(const std::string& path,
                                              std::function<std::chrono::system_clock::time_point()> now) {
  if (path.empty()) throw std::runtime_error("--secrets-out needs a file name");
  auto sink = std::make_unique<SecretsFile>(path, std::move(now));
  struct stat info {};
  if (lstat(path.c_str(), &info) == 0) {
    if (auto problem = existing_file_problem(info, escape_text(path))) throw sink->error(*problem);
  } else if (errno != ENOENT) {
    throw sink->error("cannot check it: " + errno_text(errno));
  } else if (auto problem = directory_problem(path)) {
    throw sink->error(*problem);
  }
  return sink;
}

std::unique_ptr<SecretSink> secrets_command(const std::string& command_line, std::ostream& log,
                                            SecretsCommandOptions options) {
  return std::make_unique<SecretsCommand>(split_command_words(command_line), log, std::move(options));
}

std::vector<std::string> split_command_words(const std::string& command_line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command_line.size(); ++i) {
    const char c = command_line[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::exchange(word, {}));
      in_word = false;
      continue;
    }
    if (c == '\\' && i + 1 < command_line.size() && command_line[i + 1] == '\n') {
      ++i;  // a line continuation: not even an empty word
      continue;
    }
    if (kShellOperators.find(c) != std::string_view::npos) {
      throw split_error(std::string("'") + c + "' is shell syntax and keyform runs no shell: quote it, or write sh -c '…'");
    }
    in_word = true;
    if (c == '\'') {
      i = take_single_quoted(command_line, i, word);
    } else if (c == '"') {
      i = take_double_quoted(command_line, i, word);
    } else if (c == '\\') {
      if (++i == command_line.size()) throw split_error("the command ends with a backslash");
      word += command_line[i];
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) throw split_error("the command is empty");
  return words;
}

bool is_credential_variable(const std::string& name) {
  return std::any_of(kCredentialEnvVariables.begin(), kCredentialEnvVariables.end(),
                     [&](const char* credential) { return name == credential; });
}

}  // namespace keyform
