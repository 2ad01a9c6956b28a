#!/usr/bin/env bash
# The layer check (../shared/ARCHITECTURE.md "Which way calls go"): reads
# every #include "..." of the project's C files and fails when one points
# up a layer or when modules include each other in a circle. Run by
# test.sh; prints one line per problem and a summary, exit 1 on any.
#
# Layers, high to low (a file may include its own folder and lower layers):
#   controller: main.c | cli serve | http sched notify | render jobs |
#               store | eval | plan config | shared
#   agent:      main.c cli.c | run.c | restore events action.c |
#               config.c proc.c | shared
# Usage: scripts/check-layers.sh [TREE]   (default: this checkout)
#   shared:     include/dh + agent/common (never the programs' code)
# Documented exception: cli/ may include serve/ (they share a layer).
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
exec python3 - <<'PY'
import os, re, sys, subprocess

RANKS = {
    "controller": {"main.c": 7, "cli": 6, "serve": 6, "http": 5, "sched": 5,
                   "notify": 5, "render": 4, "jobs": 4, "store": 3, "eval": 2,
                   "plan": 1, "config": 1},
    "agent": {"main.c": 6, "cli": 5, "run": 4, "restore": 3, "events": 3,
              "action": 3, "config": 2, "proc": 2},
}
EXCEPTIONS = {("controller/cli", "controller/serve")}

def files():
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard",
                          "controller", "agent", "include"],
                         capture_output=True, text=True, check=True).stdout.split()
    return [f for f in out if f.endswith((".c", ".h")) and os.path.exists(f)]

def unit(path):
    """(program, layer name, module) of a source path; module = path without extension."""
    parts = path.split("/")
    mod = os.path.splitext(path)[0]
    if parts[0] == "include" or parts[:2] == ["agent", "common"]:
        return ("shared", "shared", mod if parts[0] != "include" else "agent/common/" + os.path.splitext(parts[-1])[0])
    prog = parts[0]
    if len(parts) == 2:  # a top-level file: agent/run.c, controller/main.c
        name = parts[1] if parts[1] == "main.c" else os.path.splitext(parts[1])[0]
        return (prog, name, mod)
    return (prog, parts[1], mod)

def rank(u):
    prog, layer, _ = u
    return 0 if prog == "shared" else RANKS[prog].get(layer)

def resolve(src, inc):
    """The project file an #include "inc" of src names, or None (system)."""
    prog = src.split("/")[0]
    cands = [os.path.join(os.path.dirname(src), inc), "include/" + inc]
    if prog in ("controller", "agent"):
        cands.append(prog + "/" + inc)
    cands.append("agent/common/" + inc)
    for c in cands:
        c = os.path.normpath(c)
        if os.path.exists(c):
            return c
    return None

problems = []
graph = {}
for f in files():
    u = unit(f)
    if rank(u) is None:
        problems.append(f"{f}: folder '{u[1]}' has no layer in scripts/check-layers.sh")
        continue
    for n, line in enumerate(open(f, encoding="utf-8", errors="replace"), 1):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not m:
            continue
        t = resolve(f, m.group(1))
        if t is None:
            continue
        v = unit(t)
        graph.setdefault(u[2], set()).add(v[2])
        if u[0] != "shared" and v[0] not in ("shared", u[0]):
            problems.append(f"{f}:{n}: {u[0]} includes {t} of {v[0]}")
            continue
        if u[0] == "shared" and v[0] != "shared":
            problems.append(f"{f}:{n}: shared code includes {t} of {v[0]}")
            continue
        if u[2] == v[2] or (u[0], u[1]) == (v[0], v[1]):
            continue
        pair = (f"{u[0]}/{u[1]}", f"{v[0]}/{v[1]}")
        if pair in EXCEPTIONS:
            continue
        rv = rank(v)
        if rv is not None and rv >= rank(u):
            problems.append(f"{f}:{n}: {u[1]} (layer {rank(u)}) includes {t} of {v[1]} (layer {rv}): not a lower layer")

# Circles between modules (a .c and its .h are one module).
WHITE, GREY, BLACK = 0, 1, 2
color, stack = {}, []
def dfs(a):
    color[a] = GREY
    stack.append(a)
    for b in sorted(graph.get(a, ())):
        if b == a:
            continue
        if color.get(b, WHITE) == GREY:
            cyc = stack[stack.index(b):] + [b]
            problems.append("include circle: " + " -> ".join(cyc))
        elif color.get(b, WHITE) == WHITE:
            dfs(b)
    stack.pop()
    color[a] = BLACK
sys.setrecursionlimit(10000)
for a in sorted(graph):
    if color.get(a, WHITE) == WHITE:
        dfs(a)

for p in problems:
    print(p)
mods = len(graph)
edges = sum(len(v) for v in graph.values())
if problems:
    print(f"check-layers: {len(problems)} problem(s) in {mods} modules, {edges} includes")
    sys.exit(1)
print(f"check-layers: ok, {mods} modules, {edges} project includes, no include points up, no circle")
PY
