#!/usr/bin/env python3
"""The GitHub Action's shell steps (action/*.sh), run as action.yml runs them, with the variables a
runner sets (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_EVENT_PATH with a pull_request event, ...),
against the real keyform and keyform-sandbox and a fake GitHub API (fake_github.py).

    action_steps_test.py --keyform BIN --sandbox BIN --source DIR [TEST_NAME...]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import fake_github

ADMIN_PUBLIC = "kfadmin1"
ADMIN_PRIVATE = "9f1c2a6e-3b7d-4e21-8a55-0c6b9d2f1e01"  # a test value from examples/sandbox-org.json
PR = 7
MARKER = "<!-- keyform-plan -->"


class World:
    """One sandbox, one fake GitHub, one repository checkout (with examples/keyform.toml)."""

    def __init__(self, args):
        self.args = args
        self.tmp = tempfile.mkdtemp(prefix="keyform-action-test.")
        self.repo = os.path.join(self.tmp, "repo")
        os.makedirs(os.path.join(self.repo, "org"))
        shutil.copy(os.path.join(args.source, "examples/keyform.toml"), os.path.join(self.repo, "org"))
        self.server, self.github, self.api_url = fake_github.serve()
        self.sandbox, self.base_url = self.start_sandbox()
        self.event = self.write_event({"pull_request": {"number": PR}})

    def start_sandbox(self):
        port_file = os.path.join(self.tmp, "port")
        proc = subprocess.Popen([self.args.sandbox, "--fixture",
                                 os.path.join(self.args.source, "examples/sandbox-org.json"),
                                 "--port", "0", "--port-file", port_file],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file).read().strip():
                return proc, f"http://127.0.0.1:{open(port_file).read().strip()}"
            time.sleep(0.1)
        proc.kill()
        raise RuntimeError("keyform-sandbox did not start")

    def write_event(self, event):
        path = os.path.join(self.tmp, f"event-{len(os.listdir(self.tmp))}.json")
        with open(path, "w") as f:
            json.dump(event, f)
        return path

    def close(self):
        self.sandbox.kill()
        self.sandbox.wait()
        self.server.shutdown()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def env(self, extra):
        """What a runner gives a composite step, plus the step's own env: block (extra)."""
        bin_dir = os.path.join(self.tmp, "bin")
        os.makedirs(bin_dir, exist_ok=True)
        # keyform, and the python3 running this test (the scripts' python3; a version manager's
        # shim first in PATH can take seconds per start on a loaded machine).
        for name, target in (("keyform", self.args.keyform), ("python3", sys.executable)):
            if not os.path.exists(os.path.join(bin_dir, name)):
                os.symlink(target, os.path.join(bin_dir, name))
        env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "HOME": self.tmp, "CI": "true",
               "GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme/atlas-access", "GITHUB_API_URL": self.api_url,
               "GITHUB_EVENT_PATH": self.event, "GITHUB_EVENT_NAME": "pull_request",
               "GITHUB_SHA": "a" * 40, "GITHUB_ACTION_PATH": self.args.source,
               "GITHUB_OUTPUT": os.path.join(self.tmp, "output"),
               "GITHUB_STEP_SUMMARY": os.path.join(self.tmp, "summary.md"),
               "GITHUB_PATH": os.path.join(self.tmp, "path"), "RUNNER_TEMP": self.tmp,
               "GITHUB_TOKEN": fake_github.TOKEN, "MONGODB_ATLAS_BASE_URL": self.base_url,
               "INPUT_WORKING_DIRECTORY": "org", "INPUT_CONFIG": "keyform.toml",
               "INPUT_PLAN_ARTIFACT": "keyform-plan"}
        # Under the sanitizers (CI), keyform and the sandbox report through these.
        env.update({k: v for k, v in os.environ.items() if k.split("_")[0] in ("ASAN", "UBSAN", "LSAN")})
        env.update(extra)
        return env

    def step(self, script, **extra):
        """Runs action/SCRIPT in the workspace as a composite step would: (exit status, outputs, log)."""
        for name in ("output", "summary.md"):
            open(os.path.join(self.tmp, name), "w").close()
        proc = subprocess.run([os.path.join(self.args.source, "action", script)], cwd=self.repo,
                              env=self.env(extra), capture_output=True, text=True, timeout=120)
        outputs = dict(line.split("=", 1) for line in open(os.path.join(self.tmp, "output")).read().splitlines())
        self.summary = open(os.path.join(self.tmp, "summary.md")).read()
        return proc.returncode, outputs, proc.stdout + proc.stderr

    def plan_and_comment(self, **extra):
        creds = {"MONGODB_ATLAS_PUBLIC_API_KEY": ADMIN_PUBLIC, "MONGODB_ATLAS_PRIVATE_API_KEY": ADMIN_PRIVATE}
        creds.update(extra)
        status, plan, log = self.step("plan.sh", **creds)
        self.plan_summary = self.summary
        check(status == 0, f"plan.sh exits 0 whatever keyform said, got {status}: {log}")
        status, comment, log = self.step("comment.sh", COMMENT_FILE=plan["comment-file"])
        check(status == 0, f"comment.sh: {status}: {log}")
        return plan, comment


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def calls(requests):
    return [(r["method"], r["path"]) for r in requests]


def ours(world):
    return [c for c in world.github.comments.get(PR, []) if c["body"].startswith(MARKER)]


def test_plan_posts_one_comment_then_updates_it(world):
    # 120 earlier comments: the action's own lands on the second page of the listing. One of them
    # quotes the marker (someone replying): it is not the action's and must not be edited.
    for i in range(120):
        world.github.add_comment(PR, f"> {MARKER}\nquoted" if i == 5 else f"comment {i}")
    plan, comment = world.plan_and_comment()
    check(plan["exit-code"] == "2" and plan["has-changes"] == "true", f"outputs with changes: {plan}")
    saved = json.load(open(plan["plan-file"]))
    check(saved["summary"]["delete_key"] == 1, f"the saved plan is keyform's plan file: {saved['summary']}")
    posts = [r for r in world.github.writes() if r["method"] == "POST"]
    check(len(posts) == 1 and posts[0]["path"] == f"/repos/acme/atlas-access/issues/{PR}/comments",
          f"one comment posted: {calls(world.github.writes())}")
    body = posts[0]["body"]["body"]
    markdown = open(os.path.join(world.tmp, "keyform", "plan.md")).read().rstrip("\n")
    check(body.startswith(MARKER + "\n") and markdown in body and "oldci001" in body,
          f"the body is the marker and keyform's markdown plan: {body}")
    check(markdown in world.plan_summary, "the plan is in the job summary")
    first_id = int(comment["comment-id"])

    plan, comment = world.plan_and_comment()
    writes = world.github.writes()
    check(len(writes) == 2 and writes[1]["method"] == "PATCH"
          and writes[1]["path"] == f"/repos/acme/atlas-access/issues/comments/{first_id}",
          f"the second run edits the same comment: {calls(writes)}")
    check(len(ours(world)) == 1 and comment["comment-id"] == str(first_id), "still one plan comment")
    check(any(r["query"].get("page") == ["2"] for r in world.github.requests), "the listing is read past page 1")


def test_apply_saved_plan_then_plan_says_no_changes(world):
    plan, _ = world.plan_and_comment()
    status, outputs, log = world.step("apply.sh", PLAN_FILE=plan["plan-file"],
                                      MONGODB_ATLAS_PUBLIC_API_KEY=ADMIN_PUBLIC,
                                      MONGODB_ATLAS_PRIVATE_API_KEY=ADMIN_PRIVATE)
    check(status == 0 and outputs["exit-code"] == "0", f"apply of the saved plan: {outputs} {log}")
    plan, comment = world.plan_and_comment()
    check(plan["exit-code"] == "0" and plan["has-changes"] == "false", f"no changes after apply: {plan}")
    check(len(ours(world)) == 1 and "No changes" in ours(world)[0]["body"], f"the comment says so: {ours(world)}")
    check(world.github.writes()[-1]["method"] == "PATCH", "updated, not posted again")


def test_apply_of_an_edited_plan_fails_and_says_so(world):
    plan, _ = world.plan_and_comment()
    saved = json.load(open(plan["plan-file"]))
    saved["actions"] = saved["actions"][1:]
    json.dump(saved, open(plan["plan-file"], "w"))
    status, outputs, log = world.step("apply.sh", PLAN_FILE=plan["plan-file"],
                                      MONGODB_ATLAS_PUBLIC_API_KEY=ADMIN_PUBLIC,
                                      MONGODB_ATLAS_PRIVATE_API_KEY=ADMIN_PRIVATE)
    check(outputs["exit-code"] == "1" and "::error::keyform apply failed" in log, f"refused: {outputs} {log}")


def test_apply_checks_the_plan_against_the_config_input(world):
    plan, _ = world.plan_and_comment()
    config = open(os.path.join(world.repo, "org", "keyform.toml")).read()
    other = config.replace("5a0a1e7e0f2912c554080adc", "5a0a1e7e0f2912c554080add")
    check(other != config, "the copy names another org")
    open(os.path.join(world.repo, "org", "other.toml"), "w").write(other)
    status, outputs, log = world.step("apply.sh", PLAN_FILE=plan["plan-file"], INPUT_CONFIG="other.toml",
                                      MONGODB_ATLAS_PUBLIC_API_KEY=ADMIN_PUBLIC,
                                      MONGODB_ATLAS_PRIVATE_API_KEY=ADMIN_PRIVATE)
    check(outputs["exit-code"] == "1", f"a plan for another org than the config is refused: {log}")


def test_failed_plan_comments_the_error_and_never_the_secret(world):
    wrong = "00000000-dead-beef-0000-000000000000"
    plan, _ = world.plan_and_comment(MONGODB_ATLAS_PRIVATE_API_KEY=wrong)
    check(plan["exit-code"] == "1" and plan["has-changes"] == "false", f"outputs of a failed plan: {plan}")
    check("plan-file" not in plan, "no plan to upload when the plan failed")
    body = ours(world)[0]["body"]
    check("**keyform plan failed** (exit 1)" in body and "<pre>" in body, f"the error is in the comment: {body}")
    everything = json.dumps(world.github.requests) + world.plan_summary
    check(wrong not in everything and ADMIN_PRIVATE not in everything, "no private key reaches GitHub")


def test_comment_on_a_fork_warns_without_failing(world):
    world.github.refuse_writes = True
    plan, comment = world.plan_and_comment()
    check("comment-id" not in comment and plan["exit-code"] == "2", f"no comment, outputs kept: {comment}")


def test_no_comment_outside_a_pull_request(world):
    world.event = world.write_event({"ref": "refs/heads/main"})
    world.plan_and_comment()
    check(not world.github.requests, f"no call to GitHub for a push: {calls(world.github.requests)}")


def test_comment_tag_keeps_two_comments_apart(world):
    world.plan_and_comment()
    status, plan, _ = world.step("plan.sh", INPUT_COMMENT_TAG="team-b", MONGODB_ATLAS_PUBLIC_API_KEY=ADMIN_PUBLIC,
                                 MONGODB_ATLAS_PRIVATE_API_KEY=ADMIN_PRIVATE)
    world.step("comment.sh", COMMENT_FILE=plan["comment-file"], INPUT_COMMENT_TAG="team-b")
    bodies = [c["body"].splitlines()[0] for c in world.github.comments[PR]]
    check(bodies == [MARKER, "<!-- keyform-plan:team-b -->"], f"two comments, one per tag: {bodies}")


def comment_body(world, exit_code, plan_md="", stderr="", config="keyform.toml"):
    """What action/plan_comment.py writes for this keyform output."""
    files = {name: os.path.join(world.tmp, name) for name in ("md", "err", "out")}
    open(files["md"], "w").write(plan_md)
    open(files["err"], "w").write(stderr)
    subprocess.run([sys.executable, os.path.join(world.args.source, "action/plan_comment.py"), "--marker", MARKER,
                    "--exit-code", str(exit_code), "--plan-md", files["md"], "--stderr", files["err"],
                    "--config", config, "--artifact", "keyform-plan", "--out", files["out"]], check=True)
    return open(files["out"]).read()


def test_comment_body_escapes_what_keyform_did_not_write(world):
    body = comment_body(world, 2, "**Plan: 1 to assign.**\n", config="a`b``c\nd.toml")
    check("Config: ```a`b``c d.toml```" in body, f"the path is one code span no backtick in it ends: {body}")
    body = comment_body(world, 1, stderr="Error: </pre><img src=x onerror=alert(1)> @team & *bold*")
    check("<pre>Error: &lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt; @team &amp; *bold*</pre>" in body,
          f"keyform's error cannot close the <pre> block: {body}")


def test_comment_body_shortens_a_plan_too_long_for_github(world):
    plan_md = "## keyform plan\n\n**Plan: 40000 to assign.**\n\n" + "| k | p |\n" * 40000
    body = comment_body(world, 2, plan_md)
    check(len(body) < 65536 and "**Plan: 40000 to assign.**" in body and "too long for a comment" in body,
          f"the summary line and a pointer: {len(body)} characters")
    check(body.startswith(MARKER), "still found again by its marker")


def prepare(world, **inputs):
    env = {"INPUT_MODE": "plan", "MONGODB_ATLAS_PRIVATE_API_KEY": "line1\nline2"}
    env.update(inputs)
    return world.step("prepare.sh", **env)


def test_prepare_masks_secrets_and_refuses_bad_inputs(world):
    status, _, log = prepare(world)
    check(status == 0 and "::add-mask::line1\n::add-mask::line2\n" in log, f"each line masked: {log}")
    check("::add-mask::" + fake_github.TOKEN in log, "the token is masked too")
    for bad in ({"INPUT_MODE": "destroy"}, {"INPUT_COMMENT": "yes"}, {"INPUT_COMMENT_TAG": "x-->y"},
                {"INPUT_PLAN_FROM": "yesterday"}, {"MONGODB_ATLAS_PRIVATE_API_KEY": ""}):
        status, _, log = prepare(world, **bad)
        check(status == 1 and "::error::" in log, f"refused: {bad}: {log}")


def test_find_run_picks_the_reviewed_run_with_the_plan(world):
    head = "b" * 40
    world.github.pulls_of_commit["a" * 40] = [{"number": PR, "merge_commit_sha": "a" * 40, "head": {"sha": head}}]
    world.github.runs = [{"id": run, "workflow": "plan-on-pull-request.yml", "head_sha": head,
                          "event": "pull_request", "status": "success"} for run in (333, 222)]
    world.github.artifacts = {333: [{"name": "keyform-plan", "expired": True}],
                              222: [{"name": "keyform-plan", "expired": False}]}
    status, outputs, log = world.step("find-run.sh", INPUT_PLAN_WORKFLOW="plan-on-pull-request.yml")
    check(status == 0 and outputs.get("run-id") == "222", f"the run whose artifact is alive: {outputs} {log}")
    world.github.pulls_of_commit.clear()
    status, outputs, log = world.step("find-run.sh")
    check(status == 1 and "did not come from a pull request" in log, f"a direct push is refused: {log}")


def test_install_downloads_this_machines_deb(world):
    arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    world.github.releases["v1.2.3"] = ["keyform_1.2.3_other.deb", f"keyform_1.2.3_{arch}.deb", "keyform.tar.gz"]
    recorder = os.path.join(world.tmp, "installed")
    os.makedirs(recorder)
    status, _, log = world.step("install.sh", INPUT_VERSION="v1.2.3", KEYFORM_REPOSITORY="acme/keyform",
                                KEYFORM_DEB_INSTALL=f"cp -t {recorder}")
    check(status == 0, f"install.sh: {log}")
    check(os.listdir(recorder) == [f"keyform_1.2.3_{arch}.deb"], f"this machine's package: {os.listdir(recorder)}")
    check(open(os.path.join(recorder, os.listdir(recorder)[0]), "rb").read() == world.github.asset_bytes, "its bytes")
    download = [r for r in world.github.requests if r["path"].startswith("/assets/")]
    check(download[0]["accept"] == "application/octet-stream", f"asked for the file itself: {download}")
    status, _, log = world.step("install.sh", INPUT_VERSION="v9", KEYFORM_REPOSITORY="",
                                GITHUB_ACTION_PATH="/home/runner/work/_actions/acme/keyform/v1")
    check(status == 1 and "release v9 of acme/keyform: HTTP 404" in log,
          f"a missing release is an error; the repository read from the action's path: {log}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keyform", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("tests", nargs="*")
    args = parser.parse_args()
    args.keyform, args.sandbox, args.source = map(os.path.abspath, (args.keyform, args.sandbox, args.source))
    tests = [(name, fn) for name, fn in globals().items()
             if name.startswith("test_") and (not args.tests or name in args.tests)]
    failed = 0
    for name, fn in tests:
        world = World(args)
        start = time.monotonic()
        try:
            fn(world)
            print(f"PASS {name} ({time.monotonic() - start:.1f} s)")
        except Exception:
            failed += 1
            print(f"FAIL {name}\n{traceback.format_exc()}")
        finally:
            world.close()
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed or not tests else 0


if __name__ == "__main__":
    sys.exit(main())
