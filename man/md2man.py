#!/usr/bin/env python3
"""Converts the small markdown subset of man/*.md into a man page (roff), at build time.

    md2man.py SOURCE.md OUTPUT NAME SECTION VERSION

The subset: '# HEADING' (.SH), '## Heading' (.SS), paragraphs, '- ' bullets, '**term**' alone on a
line (a .TP entry: the lines after it are its body), ``` blocks (verbatim), and inline `code` (bold)
and *words* (italic). Enough for keyform.toml(5); pandoc would be a large build dependency for it.
"""
import re
import sys


def escape(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text)


def inline(text):
    text = escape(text)
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)
    return re.sub(r"\*([^*\s][^*]*)\*", r"\\fI\1\\fR", text)


def convert(lines):
    out, verbatim = [], False
    for line in lines:
        if line.startswith("```"):
            out += [".RS 4", ".nf"] if not verbatim else [".fi", ".RE"]
            verbatim = not verbatim
        elif verbatim:
            out.append(escape(line) if line else "")
        elif line.startswith("## "):
            out.append(".SS " + inline(line[3:]))
        elif line.startswith("# "):
            out.append(".SH " + inline(line[2:]))
        elif not line.strip():
            out.append(".PP")
        elif line.startswith("- "):
            out += [".IP \\(bu 2", inline(line[2:])]
        elif re.fullmatch(r"\*\*.+\*\*", line):
            out += [".TP", "\\fB" + escape(line[2:-2]) + "\\fR"]
        else:
            out.append(inline(line.strip()))
    if verbatim:
        raise SystemExit("md2man: a ``` block is not closed")
    return out


def main():
    source, output, name, section, version = sys.argv[1:6]
    with open(source, encoding="utf-8") as f:
        body = convert(f.read().splitlines())
    header = [f'.TH {name.upper()} {section} "" "keyform {version}" "keyform manual"']
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(header + body) + "\n")


if __name__ == "__main__":
    main()
