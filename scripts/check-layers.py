#!/usr/bin/env python3
"""The core crate's modules stand in layers: each module imports only modules
of lower layers (read from `crate::X` paths outside #[cfg(test)] blocks), so
there is no import cycle, features never import each other (what they share
lives in `domain`), and `plots` knows no feature. Prints every edge that breaks
this and exits 1; a new top-level module must be given a layer here."""
import os
import re
import sys

LAYERS = [
    ["error"],
    ["about", "files", "progress"],
    ["db", "logging", "plots", "links"],
    ["domain"],
    ["install", "sandbox", "seed"],
    ["profiles"],
    ["connection"],
    # Features: each stands on the layers above, never on another feature.
    ["concurrency", "health", "integrity", "monitor", "overview", "shipments", "simulate", "timeline"],
]
# The front end and the binary may use everything.
TOP = {"cli", "main", "lib"}

root = sys.argv[1] if len(sys.argv) > 1 else "src"
layer = {m: i for i, mods in enumerate(LAYERS) for m in mods}
modules = {
    name.removesuffix(".rs")
    for name in os.listdir(root)
    if name.endswith(".rs") or os.path.isdir(os.path.join(root, name))
} - TOP
problems = [f"module `{m}` has no layer in scripts/check-layers.py" for m in sorted(modules - set(layer))]
edges = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if not f.endswith(".rs"):
            continue
        rel = os.path.relpath(os.path.join(dirpath, f), root)
        src = rel.split(os.sep)[0].removesuffix(".rs")
        if src in TOP:
            continue
        text = open(os.path.join(dirpath, f), encoding="utf-8").read().split("#[cfg(test)]")[0]
        for m in re.finditer(r"crate::([a-z_]+)", text):
            dst = m.group(1)
            if dst != src and dst in modules:
                edges.setdefault((src, dst), rel)
for (src, dst), where in sorted(edges.items()):
    if src in layer and dst in layer and layer[dst] >= layer[src]:
        kind = "a feature imports another feature" if layer[src] == layer[dst] == len(LAYERS) - 1 else "imports a module of its own or a higher layer"
        problems.append(f"{src} -> {dst} ({where}): {kind}")
for p in problems:
    print(p)
if problems:
    sys.exit(1)
print(f"{len(edges)} imports between {len(modules)} modules, all downwards")
