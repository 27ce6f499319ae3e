#include "core/fingerprint.h"

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace keyform {
namespace {

// "<byte length>:<bytes>", so that "a b" + "c" and "a" + "b c" never serialize alike.
void field(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1 || length != 32) {
    throw std::runtime_error("SHA-256 failed (OpenSSL)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

namespace {

// " <label> <count> <field>…", sorted and unique, so the fingerprint does not depend on how the
// caller built the list.
void append_sorted(std::string& line, const char* label, std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  line += label + std::to_string(values.size());
  for (const auto& value : values) {
    line += ' ';
    field(line, value);
  }
}

// One service account as one line: what the plan reads of it, secrets by id and expiry (their
// values are never read). What was not read is marked so, never taken as empty.
std::string service_account_line(const LiveServiceAccount& a) {
  std::string line = "service-account ";
  field(line, a.client_id);
  line += " name ";
  field(line, a.name);
  line += " description ";
  field(line, a.description);
  append_sorted(line, " org-roles ", a.org_roles);
  if (a.project_roles) {
    line += " projects-read";
    for (const auto& [project_id, roles] : *a.project_roles) {
      line += " project ";
      field(line, project_id);
      append_sorted(line, " roles ", roles);
    }
  }
  if (a.access_list) append_sorted(line, " access-list ", *a.access_list);
  std::vector<std::string> secrets;
  for (const auto& secret : a.secrets) {
    std::string text;
    field(text, secret.id);
    text += ' ';
    field(text, secret.expires_at);
    secrets.push_back(std::move(text));
  }
  append_sorted(line, " secrets ", std::move(secrets));
  return line;
}

}  // namespace

std::string canonical_live_state(const LiveState& live) {
  std::vector<const LiveProject*> projects;
  for (const auto& p : live.projects) projects.push_back(&p);
  std::sort(projects.begin(), projects.end(),
            [](const LiveProject* a, const LiveProject* b) { return std::tie(a->id, a->name) < std::tie(b->id, b->name); });

  // Each key becomes one line; sorting the lines makes the key order irrelevant (and keeps a key
  // listed twice by a shifting page distinct from a key listed once).
  std::vector<std::string> keys;
  for (const auto& k : live.keys) {
    std::string line = "key ";
    field(line, k.id);
    line += ' ';
    field(line, k.public_key);
    line += " desc ";
    field(line, k.desc);
    append_sorted(line, " org-roles ", k.org_roles);
    // project_roles is a map: already ordered by project id.
    for (const auto& [project_id, roles] : k.project_roles) {
      line += " project ";
      field(line, project_id);
      append_sorted(line, " roles ", roles);
    }
    // An access list not read is not the same as an empty one.
    if (k.access_list) append_sorted(line, " access-list ", *k.access_list);
    keys.push_back(std::move(line));
  }
  std::sort(keys.begin(), keys.end());

  std::string out = "keyform-live-state 2\norg ";
  field(out, live.org_id);
  out += '\n';
  for (const auto* p : projects) {
    out += "project ";
    field(out, p->id);
    out += ' ';
    field(out, p->name);
    out += '\n';
  }
  for (const auto& line : keys) out += line + '\n';
  // Only when read: a plan without service accounts keeps the fingerprint it always had.
  if (live.service_accounts_read) {
    std::vector<std::string> accounts;
    for (const auto& a : live.service_accounts) accounts.push_back(service_account_line(a));
    std::sort(accounts.begin(), accounts.end());
    out += "service-accounts " + std::to_string(accounts.size()) + '\n';
    for (const auto& line : accounts) out += line + '\n';
  }
  return out;
}

std::string live_fingerprint(const LiveState& live) { return sha256_hex(canonical_live_state(live)); }

}  // namespace keyform
