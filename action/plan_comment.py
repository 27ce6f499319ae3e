#!/usr/bin/env python3
"""Writes the pull-request comment (and job summary) for one `keyform plan` run.

keyform escapes every string from the API or the config in its markdown plan; what this adds is
escaped here: the config path (a code span) and, when the plan failed, keyform's stderr (HTML
escaped inside <pre>, where markdown cannot start a table, a link or a mention)."""
import argparse
import html
import re

# GitHub refuses a comment over 65 536 characters; leave room for the lines around the plan.
MAX_PLAN_CHARS = 60000
# keyform's error is its last lines; a run that warned a lot keeps those.
MAX_STDERR_CHARS = 20000


def code_span(text):
    """`text` as a markdown code span that no backtick in it can end (CommonMark: a fence
    longer than any backtick run inside), on one line."""
    text = " ".join(text.splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def plan_section(plan_md):
    if len(plan_md) <= MAX_PLAN_CHARS:
        return plan_md.rstrip("\n")
    summary = next((line for line in plan_md.splitlines() if line.startswith("**Plan:")), "")
    return (f"{summary}\n\nThe plan is {len(plan_md)} characters long, too long for a comment: "
            "the job summary and the saved plan artifact hold all of it.")


def failure_section(stderr, exit_code):
    stderr = stderr.strip()
    if len(stderr) > MAX_STDERR_CHARS:
        stderr = "…" + stderr[-MAX_STDERR_CHARS:]
    return (f"**keyform plan failed** (exit {exit_code}): nothing can be applied from this run.\n\n"
            f"<pre>{html.escape(stderr)}</pre>")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--marker", required=True)
    parser.add_argument("--exit-code", type=int, required=True)
    parser.add_argument("--plan-md", required=True)
    parser.add_argument("--stderr", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--artifact", default="")
    parser.add_argument("--full", action="store_true", help="never shorten (the job summary)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    plan_md = open(args.plan_md, encoding="utf-8", errors="replace").read()
    stderr = open(args.stderr, encoding="utf-8", errors="replace").read()
    lines = [args.marker]
    footer = f"Config: {code_span(args.config)}"
    if args.exit_code in (0, 2):
        lines.append(plan_md.rstrip("\n") if args.full else plan_section(plan_md))
        if args.artifact and args.exit_code == 2:
            footer += (f" · saved plan: the artifact {code_span(args.artifact)}; applying it makes exactly these "
                       "changes, or none if the org changed since.")
    else:
        lines.append(failure_section(stderr, args.exit_code))
    lines += ["", f"<sub>{footer}</sub>"]
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
