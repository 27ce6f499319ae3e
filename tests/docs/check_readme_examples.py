#!/usr/bin/env python3
"""The README shows a walkthrough's files exactly as its test runs them.

check_readme_examples.py SOURCE_DIR [WALKTHROUGH]: every examples/WALKTHROUGH/*.toml (rotation,
the default, or migration) must appear in README.md as a ```toml block holding exactly that
file's text. Exit 1 naming each file that does not, with a
diff against the README block most like it, so the README cannot drift from what is tested.
"""
import difflib
import pathlib
import re
import sys

TOML_BLOCK = re.compile(r"^```toml\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def toml_blocks(readme: str) -> list[str]:
    return [match.group(1) for match in TOML_BLOCK.finditer(readme)]


def drift(name: str, text: str, blocks: list[str]) -> str:
    """Why no README block is `text`: a diff against the closest one, or that there is none."""
    closest = max(blocks, key=lambda b: difflib.SequenceMatcher(None, b, text).ratio(), default=None)
    if closest is None:
        return f"FAIL: README.md has no ```toml block, so it does not show {name}\n"
    diff = difflib.unified_diff(closest.splitlines(keepends=True), text.splitlines(keepends=True),
                                "README.md (closest ```toml block)", name)
    return f"FAIL: README.md does not show {name} verbatim:\n" + "".join(diff)


def main() -> int:
    source = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    walkthrough = sys.argv[2] if len(sys.argv) > 2 else "rotation"
    files = sorted((source / "examples" / walkthrough).glob("*.toml"))
    if not files:
        print(f"FAIL: no examples/{walkthrough}/*.toml under {source}")
        return 1
    blocks = toml_blocks((source / "README.md").read_text(encoding="utf-8"))
    failures = 0
    for path in files:
        name = str(path.relative_to(source))
        text = path.read_text(encoding="utf-8")
        if text in blocks:
            print(f"README.md shows {name} verbatim")
        else:
            print(drift(name, text, blocks), end="")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
