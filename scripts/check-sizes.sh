#!/usr/bin/env bash
# Size limits of ../shared/STYLE.md rule 15 and ARCHITECTURE.md: no C file
# over 800 lines, no function over 60 (a definition's body from the "{"
# at column 0 to the "}" at column 0, as the house style writes them).
# Prints every offender, the largest file and function, exit 1 on any.
# Usage: scripts/check-sizes.sh [TREE]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
exec python3 - <<'PY'
import re, subprocess
files = [f for f in subprocess.run(["git", "ls-files", "-co", "--exclude-standard",
         "agent", "controller", "include"], capture_output=True, text=True,
         check=True).stdout.split() if f.endswith((".c", ".h"))]
bad, big_file, big_fn = [], ("", 0), ("", 0)
for f in files:
    try:
        lines = open(f, encoding="utf-8", errors="replace").read().split("\n")
    except FileNotFoundError:
        continue
    n = len(lines) - (lines[-1] == "")
    big_file = max(big_file, (f, n), key=lambda x: x[1])
    if n > 800:
        bad.append(f"{f}: {n} lines (at most 800)")
    start = None
    for i, l in enumerate(lines):
        if l == "{" and i > 0 and re.search(r"\)\s*$", lines[i - 1]):
            start = i
        elif l == "}" and start is not None:
            length = i - start - 1
            m = re.match(r"(\w+)\(", lines[start - 1]) or re.search(r"(\w+)\(", lines[start - 1])
            j = start - 1
            while m is None and j > 0:
                j -= 1
                m = re.match(r"(\w+)\(", lines[j])
            name = f"{f}:{start}: {m.group(1) if m else '?'}"
            big_fn = max(big_fn, (name, length), key=lambda x: x[1])
            if length > 60:
                bad.append(f"{name}() is {length} lines (at most 60)")
            start = None
for b in bad:
    print(b)
print(f"check-sizes: {len(files)} files; largest {big_file[0]} ({big_file[1]} lines); "
      f"longest function {big_fn[0]}() ({big_fn[1]} lines)")
raise SystemExit(1 if bad else 0)
PY
