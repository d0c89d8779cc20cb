#!/usr/bin/env python3
"""Scans the .sql files under a directory for constructs that TiDB, Vitess or Galera do not
support or do not keep (docs/scale-out.md): triggers, stored procedures and functions, events,
foreign-key cascades, and reliance on AUTO_INCREMENT order. Comments and string literals are
ignored. Prints one line per finding (file:line: rule: text) and exits 1 if there is any.

    tests/tools/scan_sql_portability.py DIR
"""
import pathlib
import re
import sys

CREATE = r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?"
RULES = [
    ("trigger", re.compile(CREATE + r"TRIGGER\b", re.I)),
    ("stored routine", re.compile(CREATE + r"(?:AGGREGATE\s+)?(?:PROCEDURE|FUNCTION)\b", re.I)),
    ("stored routine call", re.compile(r"\bCALL\s+`?\w", re.I)),
    ("event", re.compile(r"\b(?:CREATE|ALTER)\s+(?:DEFINER\s*=\s*\S+\s+)?EVENT\b|\bevent_scheduler\b", re.I)),
    ("foreign-key cascade",
     re.compile(r"\bON\s+(?:DELETE|UPDATE)\s+(?:CASCADE|SET\s+NULL|SET\s+DEFAULT)\b", re.I)),
    # Ids are unique, not ordered by time: TiDB hands each server its own range and Galera
    # interleaves nodes (auto_increment_increment), so "the highest id is the newest" is false.
    ("AUTO_INCREMENT order", re.compile(r"\bLAST_INSERT_ID\s*\(", re.I)),
    ("AUTO_INCREMENT order", re.compile(r"\bORDER\s+BY\s+(?:`?\w+`?\.)?`?id`?\b", re.I)),
    ("AUTO_INCREMENT order", re.compile(r"\b(?:MAX|MIN)\s*\(\s*(?:`?\w+`?\.)?`?id`?\s*\)", re.I)),
]


def blank_comments_and_strings(text):
    """The text with comments and quoted strings replaced by spaces (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("--", i) and (i + 2 >= n or text[i + 2] in " \t\r\n") or c == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
        elif c in "'\"":
            end = i + 1
            while end < n and text[end] != c:
                end += 2 if text[end] == "\\" else 1
            end = min(end + 1, n)
        else:
            out.append(c)
            i += 1
            continue
        out.append(re.sub(r"[^\n]", " ", text[i:end]))
        i = end
    return "".join(out)


def scan(directory):
    findings = []
    for path in sorted(pathlib.Path(directory).rglob("*.sql")):
        original = path.read_text(encoding="utf-8")
        code = blank_comments_and_strings(original)
        lines = original.splitlines()
        for rule, pattern in RULES:
            for match in pattern.finditer(code):
                line = code.count("\n", 0, match.start()) + 1
                findings.append(f"{path}:{line}: {rule}: {lines[line - 1].strip()}")
    return findings


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    findings = scan(sys.argv[1])
    for finding in findings:
        print(finding)
    files = len(list(pathlib.Path(sys.argv[1]).rglob("*.sql")))
    if files == 0:
        print(f"no .sql files under {sys.argv[1]}", file=sys.stderr)
        return 2
    print(f"{files} files scanned, {len(findings)} findings", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
