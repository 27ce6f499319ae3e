#!/usr/bin/env python3
"""Checks the published JSON Schemas against what keyform really reads and writes:
every examples/*.toml and real `keyform export` output against schemas/keyform.schema.json, real
`keyform plan --format json` output and plan files (`plan --out`) against schemas/plan.schema.json
(also with a declared access_list, so every key action kind appears), the plan file with every
action kind, service accounts included, that keyform writes (tests/corpus/valid/
plan_file_every_kind.json, kept equal to keyform's output by a unit test), and real `keyform show
--format json` (also with --access-lists) output against schemas/show.schema.json (keyform-sandbox
running the example org; access lists are served by sandbox faults carrying the API's page body). A plan file's checksum is recomputed here as the schema documents it.
Also checks that broken documents are rejected, so the check itself can fail."""
import argparse
import copy
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request

import jsonschema

failures = 0
ORG = "5a0a1e7e0f2912c554080adc"
CI_KEY_ID = "65f0c0ffee00000000000002"  # zmmrboas in examples/sandbox-org.json
KEY_KINDS = ("create_key", "assign", "update_roles", "update_key", "add_access_entry", "unassign", "remove_access_entry", "delete_key")
SERVICE_ACCOUNT_KINDS = ("create_service_account", "update_service_account", "create_secret", "delete_secret",
                         "delete_service_account")
ALL_KINDS = KEY_KINDS + SERVICE_ACCOUNT_KINDS
DEPLOYER = "mdb_sa_id_0123456789abcdef01234567"
IDLE = "mdb_sa_id_76543210fedcba9876543210"


def check(ok, what):
    global failures
    print(("ok      " if ok else "FAILED  ") + what)
    failures += 0 if ok else 1


def valid(validator, doc):
    errors = list(validator.iter_errors(doc))
    for e in errors[:3]:
        print("        ", "/".join(map(str, e.absolute_path)), e.message)
    return not errors


def start_sandbox(args, fixture, work):
    port_file = os.path.join(work, "port")
    proc = subprocess.Popen([args.sandbox, "--fixture", fixture, "--port", "0", "--port-file", port_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, int(open(port_file).read())
        time.sleep(0.025)
    proc.kill()
    sys.exit("keyform-sandbox did not start")


def keyform(args, env, *argv):
    return subprocess.run([args.keyform, *argv], env=env, capture_output=True, text=True)


def serve_access_list(port, key_id, entries):
    """The next GET of the key's access list answers with `entries` (a sandbox fault carrying the
    Admin API's page body), so this check needs no sandbox that stores access lists."""
    path = f"/api/atlas/v2/orgs/{ORG}/apiKeys/{key_id}/accessList"
    page = {"results": [{"cidrBlock": e} for e in entries], "totalCount": len(entries)}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/__sandbox/faults", method="POST",
                                     data=json.dumps({"spec": f"GET:^{path}$:200:1", "body": json.dumps(page)}).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).close()


def check_access_list_plan(args, env, port, work, validator):
    """A plan with the access-list kinds, as keyform prints it and saves it: the example config with
    an access_list for zmmrboas, whose live list (one IPv4 network, one IPv6 network) differs."""
    with open(os.path.join(args.source, "examples", "keyform.toml"), encoding="utf-8") as f:
        text = f.read()
    # A new description too, so the plan also has an update_key.
    declared = text.replace('desc = "CI deployer"\n', 'desc = "CI deployer (payments)"\naccess_list = ["203.0.113.7"]\n', 1)
    check(declared != text, "the example config has zmmrboas's desc line to add an access_list after")
    # And a key named by a description no key has, so the plan also has a create_key.
    declared += '\n[[keys]]\ndesc = "CI deployer (next)"\naccess_list = ["192.0.2.0/24"]\nprojects = {}\n'

    config = os.path.join(work, "access-list.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(declared)
    live = ["198.51.100.0/24", "2001:db8::/32"]

    serve_access_list(port, CI_KEY_ID, live)
    printed = keyform(args, env, "plan", "-c", config, "--format", "json")
    check(printed.returncode == 0, "keyform plan --format json with a declared access_list succeeds")
    if printed.returncode != 0:
        print("        ", printed.stderr.strip()[:300])
        return None
    plan = json.loads(printed.stdout)
    check(valid(validator, plan), "a plan with access-list actions matches plan.schema.json")
    entries = {(a["action"], a["entry"]) for a in plan["actions"] if "entry" in a and a["key"]["id"] is not None}
    check(entries == {("add_access_entry", "203.0.113.7/32"), ("remove_access_entry", "198.51.100.0/24"),
                      ("remove_access_entry", "2001:0db8:0000:0000:0000:0000:0000:0000/32")},
          "the plan adds the declared entry and removes the two live ones, in canonical form")
    check({a["action"] for a in plan["actions"]} == set(KEY_KINDS),
          "the access-list plan has every key action kind")

    serve_access_list(port, CI_KEY_ID, live)
    plan_file = os.path.join(work, "access-list-plan.json")
    saved = keyform(args, env, "plan", "-c", config, "--out", plan_file)
    check(saved.returncode == 0, "keyform plan --out with a declared access_list succeeds")
    if saved.returncode == 0:
        with open(plan_file, encoding="utf-8") as f:
            saved_plan = json.load(f)
        check(valid(validator, saved_plan), "a plan file with access-list actions matches plan.schema.json")
        check(saved_plan["access_lists_read"] == [CI_KEY_ID], "the plan file names the one access list it read")
    return plan


def check_new_kinds(validator, plan):
    """What keyform prints for the issue-12 kinds, and what the schema refuses."""
    update = next(a for a in plan["actions"] if a["action"] == "update_key")
    check(set(update["before"]) == set(update["after"]) and update["after"], "update_key names the same fields before and after")
    check(all("reason_code" in a for a in plan["actions"] + plan["skipped"]), "every action and skipped one has a reason_code")
    check(set(plan["summary"]) == set(ALL_KINDS), "the summary counts every action kind")

    def refused(what, edit):
        broken = copy.deepcopy(plan)
        edit(broken)
        check(not valid(validator, broken), what + " is rejected by the schema")

    entry = lambda d: next(a for a in d["actions"] if a["action"] == "remove_access_entry")
    refused("an access-list entry that is not canonical (no prefix)", lambda d: entry(d).update(entry="203.0.113.7"))
    refused("an IPv6 entry that is not fully expanded", lambda d: entry(d).update(entry="2001:db8::/32"))
    refused("an IPv6 entry in upper case", lambda d: entry(d).update(entry="2001:0DB8:0000:0000:0000:0000:0000:0000/32"))
    refused("an access-list action without its entry", lambda d: entry(d).pop("entry"))
    refused("an access-list action with a project", lambda d: entry(d).update(project={"id": "0" * 24, "name": "x"}))
    refused("an access-list action with project roles", lambda d: entry(d).update(roles_before=["GROUP_OWNER"]))
    refused("an access-list action with another kind's reason_code", lambda d: entry(d).update(reason_code="declared"))
    pick = lambda d: next(a for a in d["actions"] if a["action"] == "update_key")
    refused("an update_key without after", lambda d: pick(d).pop("after"))
    refused("an update_key with an entry", lambda d: pick(d).update(entry="203.0.113.7/32"))
    refused("an update_key whose before has an unknown field", lambda d: pick(d)["before"].update(name="x"))
    refused("an update_key that changes nothing", lambda d: pick(d).update(before={}, after={}))
    refused("an update_key with a project role as org role", lambda d: pick(d)["after"].update(org_roles=["GROUP_OWNER"]))
    refused("before/after on an assign",
            lambda d: next(a for a in d["actions"] if a["action"] == "assign").update(before={"desc": "x"}, after={"desc": "y"}))
    refused("an unknown reason_code", lambda d: d["actions"][0].update(reason_code="because"))
    create = lambda d: next(a for a in d["actions"] if a["action"] == "create_key")
    check(create(plan)["key"]["id"] is None and create(plan)["key"]["public_key"] is None,
          "a create_key names its key by desc, with null id and public_key")
    check(set(create(plan)["after"]) == {"desc", "org_roles"}, "a create_key's after has desc and org_roles")
    refused("a create_key with an id", lambda d: create(d)["key"].update(id="0" * 24))
    refused("a create_key without org_roles", lambda d: create(d)["after"].pop("org_roles"))
    refused("a create_key with before", lambda d: create(d).update(before={"desc": "x"}))
    refused("an update_key naming a key with no id", lambda d: pick(d)["key"].update(id=None, public_key=None))
    refused("an action without a reason_code", lambda d: d["actions"][0].pop("reason_code"))
    refused("a summary without update_key", lambda d: d["summary"].pop("update_key"))


def check_every_kind_plan_file(args, validator):
    """The plan file keyform writes for a plan with every kind (keys and service accounts)."""
    path = os.path.join(args.source, "tests", "corpus", "valid", "plan_file_every_kind.json")
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    check(valid(validator, doc), "a plan file with every action kind matches plan.schema.json")
    check({a["action"] for a in doc["actions"]} == set(ALL_KINDS), "that plan file has every action kind")
    check(set(doc["summary"]) == set(ALL_KINDS), "its summary counts every action kind")
    unsealed = {k: v for k, v in doc.items() if k != "checksum"}
    canonical = json.dumps(unsealed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    check(hashlib.sha256(canonical.encode("utf-8")).hexdigest() == doc["checksum"],
          "its checksum is SHA-256 of its canonical form")
    on_accounts = [a for a in doc["actions"] if "service_account" in a]
    check(all("key" not in a for a in on_accounts) and {a["action"] for a in on_accounts} >= {"assign", "unassign"},
          "service-account actions name a service_account instead of a key, with the shared kinds too")

    def pick(d, kind):
        return next(a for a in d["actions"] if a["action"] == kind)

    def refused(what, edit):
        broken = copy.deepcopy(doc)
        edit(broken)
        check(not valid(validator, broken), what + " is rejected by the schema")

    refused("a service-account kind on a key",
            lambda d: pick(d, "create_secret").update(key={"id": "0" * 24, "public_key": "x", "desc": ""}) or
            pick(d, "create_secret").pop("service_account"))
    refused("a key-only kind on a service account",
            lambda d: pick(d, "delete_key").update(service_account={"client_id": DEPLOYER, "name": "x"}) or
            pick(d, "delete_key").pop("key"))
    refused("an action with both key and service_account",
            lambda d: next(a for a in d["actions"] if "key" in a).update(service_account={"client_id": DEPLOYER, "name": "x"}))
    refused("a malformed client id", lambda d: pick(d, "create_secret")["service_account"].update(client_id="mdb_sa_id_1"))
    refused("a create_service_account with a client id",
            lambda d: pick(d, "create_service_account")["service_account"].update(client_id=DEPLOYER))
    refused("a delete_secret naming a new service account",
            lambda d: pick(d, "delete_secret")["service_account"].update(client_id=None))
    refused("a create_service_account without secret_expires_after_hours",
            lambda d: pick(d, "create_service_account")["after"].pop("secret_expires_after_hours"))
    refused("a create_service_account with a key's desc",
            lambda d: pick(d, "create_service_account")["after"].update(desc="x"))
    refused("an update_service_account with an unknown field", lambda d: pick(d, "update_service_account")["before"].update(x=1))
    refused("a create_secret without hours", lambda d: pick(d, "create_secret").update(after={}))
    refused("a delete_secret without its secret", lambda d: pick(d, "delete_secret").pop("secret"))
    refused("a secret on an assign", lambda d: pick(d, "assign").update(secret={"id": "0" * 24, "expires_at": "x"}))
    refused("a delete_service_account without assignments_before",
            lambda d: pick(d, "delete_service_account").pop("assignments_before"))
    refused("a delete_secret with another kind's reason_code", lambda d: pick(d, "delete_secret").update(reason_code="declared"))
    refused("access_lists_read with a malformed client id", lambda d: d["access_lists_read"].append("mdb_sa_id_x"))


def check_live_service_account_plan(args, env, validator, work):
    """A real plan and plan file of service-account changes (keyform-sandbox at MONGODB_ATLAS_BASE_URL
    in `env`, serving the two accounts check_show_service_accounts adds) against plan.schema.json."""
    config = os.path.join(work, "accounts", "keyform.toml")
    with open(config, "w", encoding="utf-8") as f:
        f.write(f'[target]\napi = "atlas-v2"\norg_id = "{ORG}"\n\n[policy]\nundeclared_service_accounts = "delete"\n\n'
                f'[[service_accounts]]\nclient_id = "{DEPLOYER}"\nname = "payments-deployer-2"\n'
                f'access_list = ["198.51.100.0/24"]\n[service_accounts.projects]\n"payments-staging" = ["GROUP_READ_ONLY"]\n\n'
                f'[[service_accounts]]\nname = "new-bot"\ndescription = "a new bot"\nprojects = {{}}\n')
    printed = keyform(args, env, "plan", "-c", config, "--format", "json")
    check(printed.returncode == 0, "keyform plan --format json of service-account changes succeeds")
    if printed.returncode != 0:
        print("        ", printed.stderr.strip()[:300])
        return
    plan = json.loads(printed.stdout)
    check(valid(validator, plan), "a live plan of service-account changes matches plan.schema.json")
    check({a["action"] for a in plan["actions"]} ==
          {"create_service_account", "update_service_account", "assign", "unassign", "add_access_entry",
           "remove_access_entry", "delete_service_account"},
          "the live plan has every service-account kind but the secret ones, which need expiring secrets")
    check(all("service_account" in a and "key" not in a for a in plan["actions"]), "its actions name service accounts")
    plan_file = os.path.join(work, "accounts", "plan.json")
    saved = keyform(args, env, "plan", "-c", config, "--out", plan_file)
    check(saved.returncode == 0, "keyform plan --out of service-account changes succeeds")
    if saved.returncode == 0:
        with open(plan_file, encoding="utf-8") as f:
            saved_plan = json.load(f)
        check(valid(validator, saved_plan), "a plan file of service-account changes matches plan.schema.json")
        check(saved_plan.get("service_accounts_read") == {"projects": [DEPLOYER, IDLE], "access_lists": [DEPLOYER]},
              "the plan file records which service-account projects and access lists it read")
        broken = copy.deepcopy(saved_plan)
        broken["service_accounts_read"]["projects"].append("mdb_sa_id_x")
        check(not valid(validator, broken), "a plan file with a malformed client id in service_accounts_read is rejected")


def check_show_service_accounts(args, env, validator, graph, work, plan_validator):
    """Real `show --access-lists --format json` of an org with service accounts against the schema;
    the example org has none, and show says so with an empty list."""
    check(graph.get("service_accounts") == [] and graph["summary"].get("service_accounts") == 0,
          "show of an org without service accounts lists none (read, not omitted)")
    with open(os.path.join(args.source, "examples", "sandbox-org.json"), encoding="utf-8") as f:
        fixture = json.load(f)
    prod = next(p["id"] for p in fixture["projects"] if p["name"] == "payments-prod")
    fixture["service_accounts"] = [
        {"client_id": DEPLOYER, "name": "payments-deployer", "description": "deploys", "org_roles": ["ORG_MEMBER"],
         "projects": {prod: ["GROUP_OWNER"]}, "access_list": ["203.0.113.0/24"],
         "secrets": [{"id": "65f0c0ffee00000000000111", "secret": "mdb_sa_sk_schema-check",
                      "expires_at": "2031-01-01T00:00:00Z"}]},
        {"client_id": IDLE, "name": "idle", "description": "no access",
         "org_roles": ["ORG_READ_ONLY"], "projects": {}, "access_list": [], "secrets": []}]
    os.makedirs(os.path.join(work, "accounts"), exist_ok=True)
    path = os.path.join(work, "accounts", "org.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fixture, f)
    proc, port = start_sandbox(args, path, os.path.join(work, "accounts"))
    try:
        accounts_env = {**env, "MONGODB_ATLAS_BASE_URL": f"http://127.0.0.1:{port}"}
        shown = keyform(args, accounts_env, "show", "--org", ORG, "--access-lists", "--format", "json")
        check_live_service_account_plan(args, accounts_env, plan_validator, work)
    finally:
        proc.terminate()
        proc.wait()
    check(shown.returncode == 0, "keyform show --access-lists of an org with service accounts succeeds")
    if shown.returncode != 0:
        print("        ", shown.stderr.strip()[:300])
        return
    check("mdb_sa_sk_schema-check" not in shown.stdout, "show never prints a secret's value")
    shown = json.loads(shown.stdout)
    check(valid(validator, shown), "show with service accounts matches show.schema.json")
    accounts = shown.get("service_accounts", [])
    check([a["name"] for a in accounts] == ["idle", "payments-deployer"] and shown["summary"]["service_accounts"] == 2,
          "show lists every service account, by name")
    check(accounts[1]["projects"] == [{"id": prod, "name": "payments-prod", "roles": ["GROUP_OWNER"]}]
          and accounts[1]["access_list"] == ["203.0.113.0/24"] and accounts[0]["secrets"] == [],
          "show gives each service account its projects, access list and secrets")
    for what, edit in (("a malformed client id", lambda a: a.update(client_id="sa-1")),
                       ("a secret with its value", lambda a: a["secrets"][0].update(secret="s3cr3t")),
                       ("a secret without expiry", lambda a: a["secrets"][0].pop("expires_at")),
                       ("an account without secrets", lambda a: a.pop("secrets"))):
        broken = copy.deepcopy(shown)
        edit(broken["service_accounts"][1])
        check(not valid(validator, broken), f"a show document with {what} is rejected by the schema")


def check_config_service_accounts(validator, example):
    with open(example, "rb") as f:
        config = tomllib.load(f)
    config["policy"] = {**config.get("policy", {}), "undeclared_service_accounts": "unassign", "secret_rotation_days": 14}
    config["service_accounts"] = [
        {"client_id": DEPLOYER, "name": "payments-deployer", "description": "deploys payments", "org_roles": ["ORG_MEMBER"],
         "access_list": ["203.0.113.0/24"], "secret_expires_after_hours": 2160, "projects": {"payments-prod": ["GROUP_OWNER"]}},
        {"name": "reports-reader", "description": "reads reports", "projects": {}},
        {"client_id": "mdb_sa_id_76543210fedcba9876543210", "state": "absent"}]
    check(valid(validator, config), "a config with service accounts matches keyform.schema.json")
    for what, edit in (("a malformed client id", lambda a: a.update(client_id="mdb_sa_id_xyz")),
                       ("a name with a pipe", lambda a: a.update(name="pay|ments")),
                       ("a present account without projects", lambda a: a.pop("projects")),
                       ("zero secret hours", lambda a: a.update(secret_expires_after_hours=0))):
        broken = copy.deepcopy(config)
        edit(broken["service_accounts"][0])
        check(not valid(validator, broken), f"a config with {what} is rejected by the schema")


def check_show_attributes(validator, graph):
    check(all(isinstance(k["org_roles"], list) for k in graph["keys"]) and any(k["org_roles"] for k in graph["keys"]),
          "show lists every key's org roles")
    check(all("access_list" not in k for k in graph["keys"]), "show without --access-lists has no access_list")
    with_list = copy.deepcopy(graph)
    with_list["keys"][0]["access_list"] = ["198.51.100.0/24", "2001:0db8:0000:0000:0000:0000:0000:0001/128"]
    check(valid(validator, with_list), "a show document with canonical access lists matches show.schema.json")
    for what, edit in (("an org role that is a project role", lambda k: k.update(org_roles=["GROUP_OWNER"])),
                       ("a key without org_roles", lambda k: k.pop("org_roles")),
                       ("a non-canonical access-list entry", lambda k: k.update(access_list=["198.51.100.1"]))):
        broken = copy.deepcopy(with_list)
        edit(broken["keys"][0])
        check(not valid(validator, broken), f"a show document with {what} is rejected by the schema")


def check_show_access_lists(args, env, port, validator):
    """`show --access-lists --format json` against the schema, each key's list served by a fault."""
    with open(os.path.join(args.source, "examples", "sandbox-org.json"), encoding="utf-8") as f:
        ids = [key["id"] for key in json.load(f)["keys"]]
    for key_id in ids:
        serve_access_list(port, key_id, ["203.0.113.7/32"] if key_id == CI_KEY_ID else [])
    shown = keyform(args, env, "show", "--org", ORG, "--access-lists", "--format", "json")
    check(shown.returncode == 0, "keyform show --access-lists --format json succeeds")
    if shown.returncode != 0:
        print("        ", shown.stderr.strip()[:300])
        return
    graph = json.loads(shown.stdout)
    check(valid(validator, graph), "show --access-lists output matches show.schema.json")
    lists = {k["id"]: k.get("access_list") for k in graph["keys"]}
    check(sorted(lists) == sorted(ids) and all(lists[i] == (["203.0.113.7/32"] if i == CI_KEY_ID else []) for i in ids),
          "show --access-lists gives every key its access_list")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keyform", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()

    load = lambda name: json.load(open(os.path.join(args.source, "schemas", name)))
    config_validator = jsonschema.Draft202012Validator(load("keyform.schema.json"))
    plan_validator = jsonschema.Draft202012Validator(load("plan.schema.json"))
    show_validator = jsonschema.Draft202012Validator(load("show.schema.json"))

    examples = sorted(glob.glob(os.path.join(args.source, "examples", "*.toml")))
    check(len(examples) > 0, "examples/ has configs")
    for path in examples:
        with open(path, "rb") as f:
            check(valid(config_validator, tomllib.load(f)), f"{os.path.relpath(path, args.source)} matches keyform.schema.json")
    with open(examples[0], "rb") as f:
        broken = tomllib.load(f)
    broken["keys"][0]["projects"]["payments-prod"] = ["READ_ONLY"]
    check(not valid(config_validator, broken), "a config with a bad role is rejected by the schema")
    check_config_service_accounts(config_validator, examples[0])

    with tempfile.TemporaryDirectory() as work:
        proc, port = start_sandbox(args, os.path.join(args.source, "examples", "sandbox-org.json"), work)
        try:
            env = {"PATH": "/usr/bin:/bin", "MONGODB_ATLAS_BASE_URL": f"http://127.0.0.1:{port}",
                   "MONGODB_ATLAS_PUBLIC_API_KEY": "kfadmin1",
                   "MONGODB_ATLAS_PRIVATE_API_KEY": "9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01"}
            config = os.path.join(args.source, "examples", "keyform.toml")
            before = keyform(args, env, "plan", "-c", config, "--format", "json")
            check(before.returncode == 0, "keyform plan --format json succeeds")
            plan = json.loads(before.stdout)
            check(len(plan["actions"]) > 0 and len(plan["skipped"]) > 0, "the example plan has actions and skipped keys")
            check(valid(plan_validator, plan), "the example plan matches plan.schema.json")
            kinds = {a["action"] for a in plan["actions"]}
            check(kinds == {"assign", "update_roles", "unassign", "delete_key"},
                  "the example exercises the four project and delete kinds")
            with_lists = check_access_list_plan(args, env, port, work, plan_validator)
            if with_lists:
                check_new_kinds(plan_validator, with_lists)

            broken = copy.deepcopy(plan)
            broken["actions"][0]["action"] = "destroy"
            check(not valid(plan_validator, broken), "an unknown action kind is rejected by the schema")
            broken = copy.deepcopy(plan)
            next(a for a in broken["actions"] if a["action"] == "delete_key")["project"] = {"id": "0" * 24, "name": "x"}
            check(not valid(plan_validator, broken), "a delete_key with a project is rejected by the schema")

            deletion = next(a for a in plan["actions"] if a["action"] == "delete_key")
            check(len(deletion["assignments_before"]) > 0, "the example's delete_key carries the projects the key loses")
            check(isinstance(plan["warnings"], list), "the plan has a warnings array")
            broken = copy.deepcopy(plan)
            next(a for a in broken["actions"] if a["action"] == "delete_key").pop("assignments_before")
            check(not valid(plan_validator, broken), "a delete_key without assignments_before is rejected by the schema")
            broken = copy.deepcopy(plan)
            broken["actions"][0]["assignments_before"] = []
            check(not valid(plan_validator, broken), "assignments_before on another action is rejected by the schema")
            broken = copy.deepcopy(plan)
            next(a for a in broken["actions"] if a["action"] == "delete_key")["assignments_before"][0]["roles"] = []
            check(not valid(plan_validator, broken), "a lost project without roles is rejected by the schema")
            broken = copy.deepcopy(plan)
            del broken["warnings"]
            check(not valid(plan_validator, broken), "a plan without warnings is rejected by the schema")
            broken = copy.deepcopy(plan)
            broken["warnings"] = [1]
            check(not valid(plan_validator, broken), "a warning that is neither an object nor a string is rejected by the schema")
            broken["warnings"] = [{"message": "no code"}]
            check(not valid(plan_validator, broken), "a warning object without a code is rejected by the schema")
            check_every_kind_plan_file(args, plan_validator)

            plan_file = os.path.join(work, "plan.json")
            saved = keyform(args, env, "plan", "-c", config, "--out", plan_file)
            check(saved.returncode == 0, "keyform plan --out writes a plan file")
            with open(plan_file, encoding="utf-8") as f:
                saved_plan = json.load(f)
            check(valid(plan_validator, saved_plan), "a plan file matches plan.schema.json")
            unsealed = {k: v for k, v in saved_plan.items() if k != "checksum"}
            canonical = json.dumps(unsealed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            check(hashlib.sha256(canonical.encode("utf-8")).hexdigest() == saved_plan["checksum"],
                  "a plan file's checksum is SHA-256 of its canonical form, as the schema documents")
            extras = ("fingerprint", "access_lists_read", "config_sha256")
            check({k: v for k, v in unsealed.items() if k not in extras} == plan,
                  "a plan file is the --format json document plus the hashes and access_lists_read")
            check(saved_plan.get("access_lists_read") == [], "the example's plan file read no access list")
            check(not valid(plan_validator, unsealed), "a plan file without its checksum is rejected by the schema")
            broken = copy.deepcopy(saved_plan)
            del broken["access_lists_read"]
            check(not valid(plan_validator, broken), "a plan file without access_lists_read is rejected by the schema")
            broken = copy.deepcopy(saved_plan)
            broken["fingerprint"] = "not-a-hash"
            check(not valid(plan_validator, broken), "a plan file with a malformed fingerprint is rejected by the schema")

            shown = keyform(args, env, "show", "--org", ORG, "--format", "json")
            check(shown.returncode == 0, "keyform show --format json succeeds")
            graph = json.loads(shown.stdout)
            check(len(graph["keys"]) > 0 and valid(show_validator, graph), "show output matches show.schema.json")
            broken = copy.deepcopy(graph)
            broken["keys"][0]["projects"].append({"id": "0" * 24, "name": "x", "roles": ["READ_ONLY"]})
            check(not valid(show_validator, broken), "a show document with a bad role is rejected by the schema")
            check_show_attributes(show_validator, graph)
            check_show_service_accounts(args, env, show_validator, graph, work, plan_validator)
            check_show_access_lists(args, env, port, show_validator)

            for flags in (["--org", ORG], ["--org", ORG, "--by-name"]):
                command = " ".join(["keyform export", *flags])
                exported = keyform(args, env, "export", *flags)
                check(exported.returncode == 0, f"{command} succeeds")
                check(valid(config_validator, tomllib.loads(exported.stdout)), f"{command} output matches keyform.schema.json")

            applied = keyform(args, env, "apply", "-c", config, "--auto-approve", "--format", "json")
            check(applied.returncode == 0, "keyform apply succeeds")
            result = json.loads(applied.stdout)
            check(result["succeeded"] is True and result["interrupted"] is False and result["interrupted_by"] is None,
                  "apply --format json says it was not interrupted")
            after = keyform(args, env, "plan", "-c", config, "--format", "json")
            empty = json.loads(after.stdout)
            check(empty["actions"] == [] and valid(plan_validator, empty), "an empty plan matches plan.schema.json")
        finally:
            proc.terminate()
            proc.wait()

    print(f"{failures} failed" if failures else "all schema checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
