// Who a plan action is about, in the plan document: a key as {"key": {id, public_key, desc}} or a
// service account as {"service_account": {client_id, name}} (client_id null for one the plan
// creates), and the service-account kinds' own before/after values, read back strictly
// (core/plan_json_writer writes them); plan_json.cpp uses them for every action.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/plan.h"

namespace keyform {

// "mdb_sa_id_" followed by 24 hex digits (the API's clientId pattern allows either case).
bool is_service_account_client_id(std::string_view text);

// The principal an action names, checked against its kind: exactly one of "key" and
// "service_account", of a principal the kind can name (ActionKindInfo::principals), with an id
// unless the kind may name one still to be created. Throws PlanJsonError.
Principal principal_at(const nlohmann::json& entry, const std::string& path, ActionKind kind);

// create_service_account, update_service_account and create_secret: their before/after objects,
// as core/plan_json_writer writes them, with each kind's rules (a create has every field and no
// before; an update changes each field it names). Throws PlanJsonError.
void read_service_account_attributes(Action& a, const nlohmann::json& entry, const std::string& path);

}  // namespace keyform
