#!/usr/bin/env python3
"""Every problem type the code raises is listed in docs/problems.md, and nothing else is.

Types are the slugs of `Problem(<status>, "<slug>"` (also both arms of a `cond ? "a" : "b"`),
of catalog's `conflict("<slug>"` and of the transport's own answers (session.cpp). A listed
type is a `### \\`slug\\`` heading, several slugs to a heading allowed.
Usage: problem_catalogue_test.py SOURCE_DIR
"""
import glob
import os
import re
import sys

root = sys.argv[1]
raised = set()
sources = glob.glob(os.path.join(root, "services/**/*.[ch]pp"), recursive=True)
for path in sources:
    text = open(path, encoding="utf-8").read()
    for match in re.finditer(
        r'Problem\(\s*\d{3},\s*(?:[^"\n]*\?\s*)?"([a-z0-9-]+)"(?:\s*:\s*"([a-z0-9-]+)")?', text
    ):
        raised.update(slug for slug in match.groups() if slug)
    raised.update(re.findall(r'conflict\(\s*"([a-z0-9-]+)"', text))
    raised.update(re.findall(r'slug = "([a-z0-9-]+)"', text))

catalogue = open(os.path.join(root, "docs/problems.md"), encoding="utf-8").read()
listed = set()
for heading in re.findall(r"^### (.+)$", catalogue, re.MULTILINE):
    listed.update(re.findall(r"`([a-z0-9-]+)`", heading))

missing = sorted(raised - listed)
stale = sorted(listed - raised)
for slug in missing:
    print(f"FAIL {slug}: raised by the code, not in docs/problems.md")
for slug in stale:
    print(f"FAIL {slug}: in docs/problems.md, raised nowhere")
print(f"{len(raised)} problem types raised, {len(listed)} listed")
sys.exit(1 if missing or stale else 0)
