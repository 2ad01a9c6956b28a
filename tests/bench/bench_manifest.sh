#!/usr/bin/env bash
# Benchmark: `drillhall-agent manifest` against the usual peer
#   find . -type f -print0 | sort -z | xargs -0 sha256sum
# on the same trees in the same run, page cache warm (each run once
# first), best of $RUNS. (a) 512 MiB in 8 files, (b) 40,000 files of 4 KiB.
# Prints both times, the speed-up and our peak RSS (/usr/bin/time -v), and
# `openssl speed` single-core SHA-256 for reference. Also checks that both
# tools agree on every hash. Data lives under /tmp and is removed at exit.
#   DH_BIN=build-dir (default ./build)   RUNS=n (default 3)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
agent=${DH_BIN:-$top/build}/drillhall-agent
runs=${RUNS:-3}
[ -x "$agent" ] || { echo "build first: $agent missing" >&2; exit 2; }
D=$(mktemp -d --suffix=.dh-bench)
trap 'rm -rf "$D"' EXIT

echo "== data ($(nproc) cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg) —"
echo "   other work on the machine takes cores from the parallel hashing)"
mkdir -p "$D/a" "$D/b"
for i in $(seq 1 8); do head -c $((64 * 1024 * 1024)) /dev/urandom >"$D/a/big$i.bin"; done
python3 - "$D/b" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(40):
    os.makedirs(f"{root}/d{d:02}", exist_ok=True)
    for f in range(1000):
        with open(f"{root}/d{d:02}/f{f:04}", "wb") as fh:
            fh.write(os.urandom(4096))
PY
echo "(a) 8 x 64 MiB, (b) 40000 x 4 KiB under $D"

ours() { "$agent" manifest "$1" >/dev/null; }
peer() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum >/dev/null); }
best() { # best FN DIR -> seconds (best of $runs)
	local best="" t0 t1 s
	for _ in $(seq "$runs"); do
		t0=$(date +%s%N); "$1" "$2"; t1=$(date +%s%N)
		s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
		if [ -z "$best" ] || awk -v x="$s" -v y="$best" 'BEGIN { exit !(x < y) }'; then best=$s; fi
	done
	echo "$best"
}
# peak RSS in MiB and CPU seconds (user+sys) of one run of ours
rss_cpu() { /usr/bin/time -v "$agent" manifest "$1" 2>&1 >/dev/null | awk -F: '
	/User time/ || /System time/ { cpu += $2 }
	/Maximum resident set size/ { rss = $2 / 1024 }
	END { printf "%.1f MiB, CPU %.2f s", rss, cpu }'; }

for set in a b; do
	# correctness first (also warms the page cache for both tools)
	diff <("$agent" manifest "$D/$set") \
		<(cd "$D/$set" && find . -type f -print0 | sort -z | xargs -0 sha256sum |
			sed 's|  \./|  |' | LC_ALL=C sort -k2) >/dev/null ||
		{ echo "MISMATCH between drillhall-agent and sha256sum on ($set)"; exit 1; }
	peer "$D/$set"
	t_ours=$(best ours "$D/$set")
	t_peer=$(best peer "$D/$set")
	mem=$(rss_cpu "$D/$set")
	speedup=$(awk -v p="$t_peer" -v o="$t_ours" 'BEGIN { printf "%.2f", p / o }')
	case $set in
	a) label="(a) 512 MiB in 8 files"; mib=512 ;;
	b) label="(b) 40000 files of 4 KiB"; mib=$((40000 * 4 / 1024)) ;;
	esac
	echo "== $label"
	printf '  drillhall-agent manifest : %7.3f s  (%s MiB/s)\n' "$t_ours" \
		"$(awk -v m="$mib" -v t="$t_ours" 'BEGIN { printf "%.0f", m / t }')"
	printf '  find|sort|xargs sha256sum: %7.3f s  (%s MiB/s)\n' "$t_peer" \
		"$(awk -v m="$mib" -v t="$t_peer" 'BEGIN { printf "%.0f", m / t }')"
	echo "  speed-up: ${speedup}x    ours: peak RSS ${mem}"
done

echo "== reference: openssl speed -evp sha256 -bytes 16384 -seconds 3 (one core)"
openssl speed -evp sha256 -bytes 16384 -seconds 3 2>/dev/null |
	awk '/^sha256/ || /^SHA256/ { v = $NF; sub(/k$/, "", v);
		printf "  %.0f MiB/s per core\n", v * 1000 / 1048576 }'
