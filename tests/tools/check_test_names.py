#!/usr/bin/env python3
"""Fails when a Catch2 TEST_CASE name holds a ';' or starts with '-'.

catch_discover_tests hands each name to CTest, which splits it at ';' into a
filter that matches nothing: such a test then runs no assertion and still
reports Passed. A name starting with '-' is read by Catch as an option, so its
test never runs either. This check keeps both from coming back.
"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
literal = r'"(?:[^"\\]|\\.)*"'
test_case = re.compile(r"TEST_CASE\(\s*(" + literal + r"(?:\s*" + literal + r")*)")
bad = []
for path in sorted(root.rglob("*.cpp")):
    if any(part.startswith("build") for part in path.relative_to(root).parts):
        continue
    text = path.read_text(encoding="utf-8", errors="replace")
    for m in test_case.finditer(text):
        if ";" in m.group(1) or m.group(1).startswith('"-'):
            line = text.count("\n", 0, m.start()) + 1
            bad.append(f"{path.relative_to(root)}:{line}: {m.group(1)}")
for b in bad:
    print(f"a test name with ';' or a leading '-' (CTest would run nothing for it): {b}")
print(f"{len(bad)} bad test names")
sys.exit(1 if bad else 0)
