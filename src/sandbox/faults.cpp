#include "sandbox/faults.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace keyform::sandbox {
namespace {

constexpr std::string_view syntax = "METHOD:PATH_REGEX:STATUS:COUNT[:RETRY_AFTER]";
constexpr long max_count = 1'000'000'000;
constexpr long max_retry_after = 86'400;

struct StatusInfo {
  int status;
  std::string_view error_code;
  std::string_view detail;
};

constexpr StatusInfo statuses[] = {
    {429, "RATE_LIMITED", "Too many requests; the rate limit for this resource was exceeded."},
    {500, "UNEXPECTED_ERROR", "Unexpected error."},
    {502, "BAD_GATEWAY", "Bad gateway."},
    {503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable."},
    {504, "GATEWAY_TIMEOUT", "Gateway timeout."},
};

const StatusInfo* status_info(int status) {
  for (const StatusInfo& info : statuses) {
    if (info.status == status) return &info;
  }
  return nullptr;
}

[[noreturn]] void fail(std::string_view spec, const std::string& why) {
  throw FaultSyntaxError(fmt::format("bad fault \"{}\": {} (expected {})", spec, why, syntax));
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// Plain decimal digits only: no sign, no spaces, no overflow.
std::optional<long> number(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// 204 claims success without serving: the write is lost (or lags), and the client is not told.
constexpr int kNoContent = 204;

bool answers_without_body(long status) { return status == kNoContent; }

std::string allowed_statuses() {
  std::string out = fmt::format("0, {}", kNoContent);
  for (const StatusInfo& info : statuses) out += fmt::format(", {}", info.status);
  return out;
}

}  // namespace

Fault parse_fault(std::string_view spec, std::optional<std::string> body) {
  const auto fields = split(spec, ':');
  if (fields.size() > 5) fail(spec, "too many ':'-separated fields (PATH_REGEX may not contain ':')");
  if (fields.size() < 4) fail(spec, "too few ':'-separated fields");

  Fault fault;
  fault.spec = std::string(spec);

  const std::string_view method = fields[0];
  if (method.empty() ||
      !(method == "*" || std::all_of(method.begin(), method.end(), [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        }))) {
    fail(spec, fmt::format("METHOD \"{}\" is not an HTTP method or *", method));
  }
  fault.method = std::string(method);
  std::transform(fault.method.begin(), fault.method.end(), fault.method.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; });

  fault.path_pattern = std::string(fields[1]);
  if (fault.path_pattern.empty()) fail(spec, "PATH_REGEX is empty (use .* for any path)");
  try {
    fault.path = std::regex(fault.path_pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    fail(spec, fmt::format("PATH_REGEX \"{}\" is not a valid ECMAScript regex: {}", fault.path_pattern,
                           error.what()));
  }

  std::string_view status = fields[2];
  if (status.ends_with('+')) {
    fault.after_apply = true;
    status.remove_suffix(1);
  }
  const auto code = number(status);
  if (body) {
    if (!code || *code < 200 || *code > 599) {
      fail(spec, fmt::format("STATUS \"{}\" is not from 200 to 599 (a fault with a body answers)", fields[2]));
    }
  } else if (!code || (*code != 0 && !answers_without_body(*code) &&
                        !status_info(static_cast<int>(*code)))) {
    fail(spec, fmt::format("STATUS \"{}\" is not one of {} (optionally followed by '+')", fields[2],
                           allowed_statuses()));
  }
  fault.status = static_cast<int>(*code);
  fault.body = std::move(body);

  const auto count = number(fields[3]);
  if (!count || *count < 1 || *count > max_count) {
    fail(spec, fmt::format("COUNT \"{}\" is not an integer from 1 to {}", fields[3], max_count));
  }
  fault.count = *count;

  if (fields.size() == 5) {
    const auto seconds = number(fields[4]);
    if (!seconds || *seconds > max_retry_after) {
      fail(spec, fmt::format("RETRY_AFTER \"{}\" is not a number of seconds from 0 to {}", fields[4],
                             max_retry_after));
    }
    if (fault.drops_connection()) fail(spec, "RETRY_AFTER needs a STATUS that answers (not 0)");
    fault.retry_after = *seconds;
  }
  return fault;
}

bool fault_matches(const Fault& fault, std::string_view method, std::string_view path) {
  if (fault.method != "*" && fault.method != method) return false;
  return std::regex_search(path.begin(), path.end(), fault.path);
}

Reply fault_reply(const Fault& fault, std::string_view path) {
  Headers headers;
  if (fault.retry_after) headers.emplace_back("Retry-After", std::to_string(*fault.retry_after));
  if (fault.body) {
    Reply reply{fault.status, std::nullopt, "application/json", std::move(headers)};
    reply.raw_body = fault.body;
    return reply;
  }
  if (answers_without_body(fault.status)) {
    return Reply{fault.status, std::nullopt, "application/json", std::move(headers)};
  }
  const StatusInfo* info = status_info(fault.status);
  if (!info) {
    // parse_fault never lets such a fault through; a dropped connection has no answer at all.
    throw std::logic_error(fmt::format("fault \"{}\" has no answer", fault.spec));
  }
  return error_reply(ApiError(fault.status, std::string(info->error_code),
                              fmt::format("{} (fault injected by keyform-sandbox on {})", info->detail, path),
                              {}, std::move(headers)));
}

void FaultInjector::add(Fault fault) {
  std::lock_guard lock(mutex_);
  const long count = fault.count;
  entries_.push_back({std::move(fault), count});
}

std::optional<Fault> FaultInjector::take(std::string_view method, std::string_view path) {
  std::lock_guard lock(mutex_);
  for (Entry& entry : entries_) {
    if (entry.remaining > 0 && fault_matches(entry.fault, method, path)) {
      --entry.remaining;
      return entry.fault;
    }
  }
  return std::nullopt;
}

nlohmann::json FaultInjector::to_json() const {
  std::lock_guard lock(mutex_);
  auto faults = nlohmann::json::array();
  for (const Entry& entry : entries_) {
    const Fault& f = entry.fault;
    faults.push_back({{"spec", f.spec},
                      {"method", f.method},
                      {"path_regex", f.path_pattern},
                      {"status", f.status},
                      {"after_apply", f.after_apply},
                      {"retry_after", f.retry_after ? nlohmann::json(*f.retry_after) : nlohmann::json()},
                      {"body", f.body ? nlohmann::json(*f.body) : nlohmann::json()},
                      {"count", f.count},
                      {"remaining", entry.remaining}});
  }
  return {{"faults", faults}};
}

void FaultInjector::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

}  // namespace keyform::sandbox
