#include "core/principal_json.h"

#include "core/escape.h"
#include "core/ids.h"
#include "core/json_fields.h"
#include "core/roles.h"

namespace keyform {

using nlohmann::json;
using namespace json_fields;

namespace {

constexpr std::string_view kClientIdPrefix = "mdb_sa_id_";

// "an unassign", "a create_secret": the kind as a message names it.
std::string kind_name(ActionKind kind) {
  const std::string_view name = to_string(kind);
  const bool vowel = !name.empty() && std::string_view("aeiou").find(name[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + escape_text(name);
}

// Which kinds may name a principal that does not exist yet: its create, and what it is given
// with it (the project access and access-list entries the file declares for it).
bool may_name_new(ActionKind kind) {
  return info(kind).creates_key || kind == ActionKind::assign || kind == ActionKind::add_access_entry;
}

Principal key_at(const json& entry, const std::string& path, ActionKind kind) {
  const json& key = object_at(entry, path, "key");
  const std::string where = path + ".key";
  only_fields(key, where, {"id", "public_key", "desc"});
  if (!member(key, where, "id").is_null()) {
    if (info(kind).creates_key) bad(where + ".id", "is set on a create_key (a new key has no id yet)");
    return {id_at(key, where, "id"), string_at(key, where, "public_key"), string_at(key, where, "desc")};
  }
  if (!may_name_new(kind)) bad(where + ".id", "is null on " + kind_name(kind) + " (it needs a key that exists)");
  if (!member(key, where, "public_key").is_null()) bad(where + ".public_key", "is set on a key with no id");
  return {"", "", nonempty_string_at(key, where, "desc")};
}

// A service account's name is never empty (1-64 characters): it is how a new one is known.
Principal service_account_at(const json& entry, const std::string& path, ActionKind kind) {
  const json& account = object_at(entry, path, "service_account");
  const std::string where = path + ".service_account";
  only_fields(account, where, {"client_id", "name"});
  Principal out{"", "", nonempty_string_at(account, where, "name"), PrincipalKind::service_account};
  if (member(account, where, "client_id").is_null()) {
    if (!may_name_new(kind)) {
      bad(where + ".client_id", "is null on " + kind_name(kind) + " (it needs a service account that exists)");
    }
    return out;
  }
  if (info(kind).creates_key) {
    bad(where + ".client_id", "is set on a create_service_account (a new service account has no client id yet)");
  }
  out.id = string_at(account, where, "client_id");
  if (!is_service_account_client_id(out.id)) bad(where + ".client_id", "is not a client id (mdb_sa_id_ and 24 hex digits)");
  return out;
}

bool names_allowed(Principals allowed, PrincipalKind kind) {
  if (allowed == Principals::both) return true;
  return (allowed == Principals::keys) == (kind == PrincipalKind::api_key);
}

int positive_hours_at(const json& parent, const std::string& path, const char* name) {
  const json& value = member(parent, path, name);
  if (!value.is_number_integer() || value.get<long long>() <= 0 || value.get<long long>() > 0x7fffffff) {
    bad(path + "." + name, "is not a positive whole number of hours");
  }
  return static_cast<int>(value.get<long long>());
}

// The fields a service account's create or update names; what is absent is not changed.
KeyAttributes fields_at(const json& entry, const std::string& path, const char* side, bool after) {
  const json& object = object_at(entry, path, side);
  const std::string where = path + "." + side;
  KeyAttributes out;
  // A name or description being set is never empty; the live one may be (read from the API).
  auto text = [&](const char* name) { return after ? nonempty_string_at(object, where, name) : string_at(object, where, name); };
  if (object.contains("name")) out.name = text("name");
  if (object.contains("description")) out.desc = text("description");
  if (object.contains("org_roles")) {
    out.org_roles = roles_at(object, where, "org_roles", is_org_role, "an org role (ORG_ and capitals)");
    if (out.org_roles->empty()) bad(where + ".org_roles", "is empty (a service account keeps at least one org role)");
  }
  return out;
}

void refuse_before(const json& entry, const std::string& path, ActionKind kind) {
  if (entry.contains("before")) bad(path, "is " + kind_name(kind) + " with before (it has nothing before)");
}

void read_create(Action& a, const json& entry, const std::string& path) {
  refuse_before(entry, path, a.kind);
  const std::string where = path + ".after";
  only_fields(object_at(entry, path, "after"), where, {"name", "description", "org_roles", "secret_expires_after_hours"});
  a.after = fields_at(entry, path, "after", true);
  if (!a.after.name || *a.after.name != a.key.desc) bad(where + ".name", "is not the new service account's name");
  if (!a.after.desc) bad(where, "has no description (a service account is created with one)");
  if (!a.after.org_roles) bad(where, "has no org_roles (a service account is created with at least one)");
  a.after.expires_after_hours = positive_hours_at(entry["after"], where, "secret_expires_after_hours");
}

void read_update(Action& a, const json& entry, const std::string& path) {
  for (const char* side : {"before", "after"}) {
    only_fields(object_at(entry, path, side), path + "." + side, {"name", "description", "org_roles"});
  }
  a.before = fields_at(entry, path, "before", false);
  a.after = fields_at(entry, path, "after", true);
  if (a.after.empty()) bad(path, "is an update_service_account that changes nothing");
  if (a.before.name.has_value() != a.after.name.has_value() || a.before.desc.has_value() != a.after.desc.has_value() ||
      a.before.org_roles.has_value() != a.after.org_roles.has_value()) {
    bad(path, "is an update_service_account whose before and after name different fields");
  }
  if (a.before.name && a.before.name == a.after.name) bad(path, "is an update_service_account that does not change name");
  if (a.before.desc && a.before.desc == a.after.desc) {
    bad(path, "is an update_service_account that does not change description");
  }
  if (a.before.org_roles && a.before.org_roles == a.after.org_roles) {
    bad(path, "is an update_service_account that does not change org_roles");
  }
}

void read_new_secret(Action& a, const json& entry, const std::string& path) {
  refuse_before(entry, path, a.kind);
  only_fields(object_at(entry, path, "after"), path + ".after", {"expires_after_hours"});
  a.after.expires_after_hours = positive_hours_at(entry["after"], path + ".after", "expires_after_hours");
}

}  // namespace

bool is_service_account_client_id(std::string_view text) {
  if (text.size() != kClientIdPrefix.size() + 24 || !text.starts_with(kClientIdPrefix)) return false;
  for (char c : text.substr(kClientIdPrefix.size())) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

Principal principal_at(const json& entry, const std::string& path, ActionKind kind) {
  const bool key = entry.contains("key"), account = entry.contains("service_account");
  if (key == account) bad(path, key ? "has both key and service_account" : "has no \"key\" and no \"service_account\"");
  const PrincipalKind named = key ? PrincipalKind::api_key : PrincipalKind::service_account;
  if (!names_allowed(info(kind).principals, named)) {
    bad(path, "is " + kind_name(kind) + (key ? " on a key (it is for service accounts only)" : " on a service account (it is for keys only)"));
  }
  return key ? key_at(entry, path, kind) : service_account_at(entry, path, kind);
}

void read_service_account_attributes(Action& a, const json& entry, const std::string& path) {
  switch (a.kind) {
    case ActionKind::create_service_account: return read_create(a, entry, path);
    case ActionKind::update_service_account: return read_update(a, entry, path);
    case ActionKind::create_secret: return read_new_secret(a, entry, path);
    default: break;
  }
}

}  // namespace keyform
