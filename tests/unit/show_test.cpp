#include "render/show.h"

#include <doctest/doctest.h>

#include "hostile_strings.h"

namespace keyform_test_show {

using namespace keyform;
using namespace keyform::testing;
using nlohmann::json;

namespace {

const PlanTarget kTarget{"atlas-v2", "5a0a1e7e0f2912c554080adc", "https://cloud.mongodb.com"};
const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kStage = "6523b7e0c1b52d0f1a2b3c02";
const std::string kEmpty = "6523b7e0c1b52d0f1a2b3c03";
const std::string kGhost = "6523b7e0c1b52d0f1a2b3c09";  // assigned, but not in the project listing

LiveState org() {
  LiveState live;
  live.org_id = kTarget.org_id;
  live.projects = {{kStage, "staging"}, {kProd, "payments-prod"}, {kEmpty, "unused|<b>"}};
  live.keys = {
      {"65f0c0ffee0000000000000b", "opskey01", "ops\nteam", {{kProd, {"GROUP_OWNER"}}, {kStage, {"GROUP_READ_ONLY", "GROUP_OWNER"}}},
       {"ORG_MEMBER", "ORG_BILLING_ADMIN"}},
      {"65f0c0ffee0000000000000a", "cikey001", "CI | deployer", {{kProd, {"GROUP_READ_ONLY"}}, {kGhost, {"GROUP_OWNER"}}},
       {"ORG_MEMBER"}},
      {"65f0c0ffee0000000000000c", "idlekey1", "", {}},
  };
  return live;
}

}  // namespace

TEST_CASE("show text: every key with its projects and roles, then every project") {
  const std::string text = render_show_text(org(), kTarget, false);
  CHECK(text.find('\033') == std::string::npos);
  CHECK(text.starts_with("Org 5a0a1e7e0f2912c554080adc (atlas-v2, https://cloud.mongodb.com): 3 keys, 4 projects, 4 assignments.\n"));
  CHECK(text.find("  key cikey001 \"CI | deployer\" (65f0c0ffee0000000000000a)\n"
                  "    org roles: ORG_MEMBER\n"
                  "    (not in the project listing) (6523b7e0c1b52d0f1a2b3c09): GROUP_OWNER\n"
                  "    payments-prod (6523b7e0c1b52d0f1a2b3c01): GROUP_READ_ONLY\n") != std::string::npos);
  CHECK(text.find("  key idlekey1 (65f0c0ffee0000000000000c)\n    org roles: none\n    no project access\n") !=
        std::string::npos);
  CHECK(text.find("    org roles: ORG_BILLING_ADMIN, ORG_MEMBER\n") != std::string::npos);  // sorted
  CHECK(text.find("access list") == std::string::npos);  // not read, so not shown (not "empty")
  CHECK(text.find("key opskey01 \"ops\\nteam\"") != std::string::npos);  // no line break from a desc
  CHECK(text.find("  unused|<b> (6523b7e0c1b52d0f1a2b3c03): 0 keys\n") != std::string::npos);
  CHECK(text.find("  payments-prod (6523b7e0c1b52d0f1a2b3c01): 2 keys\n") != std::string::npos);
  // Keys sorted by public key, projects by name.
  CHECK(text.find("key cikey001") < text.find("key idlekey1"));
  CHECK(text.find("key idlekey1") < text.find("key opskey01"));
  CHECK(render_show_text(org(), kTarget, true).find("\033[1m") != std::string::npos);
}

TEST_CASE("show json: keys with projects and roles, projects with their keys, a summary") {
  const json doc = show_to_json(org(), kTarget);
  CHECK(doc["format_version"] == kShowFormatVersion);
  CHECK(doc["target"] == json{{"api", "atlas-v2"}, {"org_id", kTarget.org_id}, {"base_url", kTarget.base_url}});
  REQUIRE(doc["keys"].size() == 3);
  CHECK(doc["keys"][0]["public_key"] == "cikey001");
  CHECK(doc["keys"][0]["desc"] == "CI | deployer");
  CHECK(doc["keys"][0]["projects"] ==
        json::parse(R"([{"id":"6523b7e0c1b52d0f1a2b3c09","name":"","roles":["GROUP_OWNER"]},
                        {"id":"6523b7e0c1b52d0f1a2b3c01","name":"payments-prod","roles":["GROUP_READ_ONLY"]}])"));
  CHECK(doc["keys"][1]["projects"] == json::array());
  CHECK(doc["keys"][0]["org_roles"] == json{"ORG_MEMBER"});
  CHECK(doc["keys"][1]["org_roles"] == json::array());
  CHECK(doc["keys"][2]["org_roles"] == json{"ORG_BILLING_ADMIN", "ORG_MEMBER"});
  for (const auto& key : doc["keys"]) CHECK_FALSE(key.contains("access_list"));
  REQUIRE(doc["projects"].size() == 4);
  CHECK(doc["projects"][1] == json{{"id", kProd}, {"name", "payments-prod"},
                                   {"key_ids", {"65f0c0ffee0000000000000a", "65f0c0ffee0000000000000b"}}});
  CHECK(doc["summary"] == json{{"keys", 3}, {"projects", 4}, {"assignments", 4}});
  CHECK(json::parse(render_show_json(org(), kTarget)) == doc);
}

TEST_CASE("show markdown: a key table, a keys x projects matrix, and safe cells") {
  const std::string md = render_show_markdown(org(), kTarget);
  CHECK(md.find('\033') == std::string::npos);
  CHECK(md.find("**3 keys, 4 projects, 4 assignments.**") != std::string::npos);
  CHECK(md.find("| Key | Description | Org roles | Projects and roles |\n|---|---|---|---|\n") != std::string::npos);
  CHECK(md.find("| `cikey001` | CI \\| deployer | `ORG_MEMBER` | ") != std::string::npos);
  CHECK(md.find("| `idlekey1` |  | — | — |\n") != std::string::npos);
  CHECK(md.find("| `opskey01` | ops\\\\nteam | `ORG_BILLING_ADMIN`, `ORG_MEMBER` | ") != std::string::npos);
  CHECK(md.find("Access list") == std::string::npos);
  // The matrix: one column per project (by name), one row per key, roles without GROUP_.
  CHECK(md.find("| Key | 6523b7e0c1b52d0f1a2b3c09 | payments-prod | staging | unused\\|&lt;b&gt; |\n|---|---|---|---|---|\n") !=
        std::string::npos);
  CHECK(md.find("| `cikey001` | OWNER | READ\\_ONLY |  |  |\n") != std::string::npos);
  CHECK(md.find("| `idlekey1` |  |  |  |  |\n") != std::string::npos);
  CHECK(md.find("| `opskey01` |  | OWNER | OWNER, READ\\_ONLY |  |\n") != std::string::npos);
  CHECK(md.find("<b>") == std::string::npos);
  CHECK(md.find("<details>") == std::string::npos);
}

TEST_CASE("show markdown folds a large matrix") {
  LiveState live = org();
  for (int i = 0; i < 200; ++i) live.keys.push_back({"65f0c0ffee00000000000" + std::to_string(100 + i), "k" + std::to_string(i), "", {}});
  const std::string md = render_show_markdown(live, kTarget);
  CHECK(md.find("<details><summary>Show the 203 × 4 matrix</summary>") != std::string::npos);
}

namespace {

// org() as `show --access-lists` reads it: every key's list, one of them empty.
LiveState org_with_access_lists() {
  LiveState live = org();
  live.keys[0].access_list = std::vector<std::string>{"198.51.100.0/24", "203.0.113.7/32"};
  live.keys[1].access_list = std::vector<std::string>{"2001:0db8:0000:0000:0000:0000:0000:0001/128"};
  live.keys[2].access_list = std::vector<std::string>{};
  return live;
}

}  // namespace

TEST_CASE("show --access-lists text: one line per key, an empty list says so") {
  const std::string text = render_show_text(org_with_access_lists(), kTarget, false);
  CHECK(text.find("  key cikey001 \"CI | deployer\" (65f0c0ffee0000000000000a)\n"
                  "    org roles: ORG_MEMBER\n"
                  "    access list: 2001:0db8:0000:0000:0000:0000:0000:0001/128\n"
                  "    (not in the project listing)") != std::string::npos);
  CHECK(text.find("    org roles: none\n    access list: empty\n    no project access\n") != std::string::npos);
  CHECK(text.find("    access list: 198.51.100.0/24, 203.0.113.7/32\n") != std::string::npos);
  CHECK(count_of(text, "access list:") == 3);
}

TEST_CASE("show --access-lists json: access_list per key, present only when read") {
  LiveState live = org_with_access_lists();
  json doc = show_to_json(live, kTarget);
  CHECK(doc["keys"][0]["access_list"] == json{"2001:0db8:0000:0000:0000:0000:0000:0001/128"});
  CHECK(doc["keys"][1]["access_list"] == json::array());  // read and empty: present
  CHECK(doc["keys"][2]["access_list"] == json{"198.51.100.0/24", "203.0.113.7/32"});
  live.keys[1].access_list.reset();  // cikey001, first in the document
  doc = show_to_json(live, kTarget);
  CHECK_FALSE(doc["keys"][0].contains("access_list"));  // not read: absent, not empty
  CHECK(doc["keys"][1]["access_list"] == json::array());
}

TEST_CASE("show --access-lists markdown: an access-list column") {
  const std::string md = render_show_markdown(org_with_access_lists(), kTarget);
  CHECK(md.find("| Key | Description | Org roles | Projects and roles | Access list |\n|---|---|---|---|---|\n") !=
        std::string::npos);
  CHECK(md.find("| `idlekey1` |  | — | — | empty |\n") != std::string::npos);
  CHECK(md.find("| `2001:0db8:0000:0000:0000:0000:0000:0001/128` |\n") != std::string::npos);
  CHECK(md.find("| `198.51.100.0/24`, `203.0.113.7/32` |\n") != std::string::npos);
  LiveState partly = org_with_access_lists();
  partly.keys[1].access_list.reset();
  CHECK(render_show_markdown(partly, kTarget).find("| `cikey001` | CI \\| deployer | `ORG_MEMBER` | ") !=
        std::string::npos);
  CHECK(render_show_markdown(partly, kTarget).find(" | not read |\n") != std::string::npos);
}

namespace {

// Every string of the org the API controls set to `s`.
LiveState org_of(const std::string& s) {
  LiveState live;
  live.org_id = kTarget.org_id;
  live.projects = {{kStage, s}, {kProd, "prod " + s}};
  live.keys = {
      {"65f0c0ffee0000000000000b", s, s, {{kProd, {s}}, {kStage, {"GROUP_OWNER", "GROUP_" + s}}}, {"ORG_" + s, s},
       std::vector<std::string>{s, "203.0.113.7/32"}},
      {"65f0c0ffee0000000000000a", "pk" + s, s, {{kGhost, {s}}}, {s}, std::vector<std::string>{}},
  };
  return live;
}

}  // namespace

TEST_CASE("hostile strings cannot forge show text") {
  check_unforgeable([](const std::string& s) { return render_show_text(org_of(s), kTarget, false); }, false);
  const std::string text = render_show_text(org_of(kHostile[0]), kTarget, false);
  CHECK(text.find("key x\\n  + assign to prod\\x1b[2J\\r \"x\\n  + assign to prod\\x1b[2J\\r\"") != std::string::npos);
  CHECK(count_of(render_show_text(org_of(kHostile[0]), kTarget, true), "\033") ==
        count_of(render_show_text(org_of("benign"), kTarget, true), "\033"));
}

TEST_CASE("hostile strings cannot forge show markdown, and a backtick cannot open a code span") {
  check_unforgeable([](const std::string& s) { return render_show_markdown(org_of(s), kTarget); }, true);
  const std::string md = render_show_markdown(org_of("tick`x"), kTarget);
  CHECK(md.find("| tick\\`x | tick\\`x |") != std::string::npos);  // public key and desc, both escaped text
  const json doc = show_to_json(org_of(kHostile[0]), kTarget);
  CHECK(doc["keys"][1]["desc"] == kHostile[0]);  // JSON keeps the exact strings
}

}  // namespace keyform_test_show
