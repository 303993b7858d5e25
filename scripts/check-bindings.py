#!/usr/bin/env python3
"""Every file of the UI's generated bindings (ui/src/lib/bindings) is used:
imported by the UI's own code, or by a binding that is. A type the window
never sees should not be exported to it; prints the unused ones, exit 1."""
import os
import re
import sys

ui = sys.argv[1] if len(sys.argv) > 1 else "ui/src"
bindings = os.path.join(ui, "lib", "bindings")
IMPORT = re.compile(r"""from\s+["']([^"']+)["']""")


def imports(path):
    text = open(path, encoding="utf-8").read()
    for spec in IMPORT.findall(text):
        if spec.startswith("."):
            target = os.path.normpath(os.path.join(os.path.dirname(path), spec))
            for candidate in (target, target + ".ts", os.path.join(target, "index.ts")):
                if os.path.isfile(candidate):
                    yield candidate
                    break


files = {os.path.normpath(os.path.join(d, f)) for d, _, fs in os.walk(ui) for f in fs if f.endswith((".ts", ".svelte"))}
generated = {f for f in files if f.startswith(os.path.normpath(bindings) + os.sep)}
seen, todo = set(), [f for f in files - generated]
while todo:
    f = todo.pop()
    for target in imports(f):
        if target not in seen:
            seen.add(target)
            todo.append(target)
unused = sorted(generated - seen)
for f in unused:
    print(f"{f}: generated but used by nothing in the UI")
sys.exit(1 if unused else 0)
