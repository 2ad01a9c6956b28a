#!/usr/bin/env bash
# Benchmark: a generated 2,000-system plan (random dependency DAG, every
# section filled), timing `drillhall check` and `drillhall plan --format
# json`. Goal: check <= 100 ms. Peers on the same files: `cat` of every
# file (the I/O floor) and Python's configparser reading them all (another
# INI reader, interpreter start-up included).
#   tests/bench/bench_plan.sh [BUILD_DIR]     (default: build)
#   DH_BENCH_SYSTEMS=N                        (default: 2000)
#   DH_BENCH_KEEP=DIR                         keep the generated plan in DIR
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/build}/drillhall
n=${DH_BENCH_SYSTEMS:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || { echo "bench: build first ($bin missing)" >&2; exit 2; }

python3 - "$work/plans" "$n" "$top/plans/policy.ini" <<'PY'
import os, random, sys
out, n, policy = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(42)
os.makedirs(f"{out}/systems")
open(f"{out}/policy.ini", "w").write(open(policy).read())
inv = ["[controller]", "url = https://127.0.0.1:8443",
       "ssh_key = /etc/drillhall/id_ed25519", "known_hosts = /etc/drillhall/known_hosts",
       "[hall A]", "name = Öst", "[hall B]", "name = Väst"]
for i in range(40):
    hall = "AB"[i % 2]
    inv += [f"[host h{i}]", f"hall = {hall}", f"address = 127.0.0.{2 + i % 2}",
            f"port = {2201 + i}", "user = drillhall", "agent = /usr/local/bin/drillhall-agent"]
open(f"{out}/inventory.ini", "w").write("\n".join(inv) + "\n")
rto = {0: 14 * 86400, 1: 72 * 3600, 2: 86400, 3: 4 * 3600, 4: 3600}
level = {}
for i in range(n):
    t = random.choice([0, 1, 2, 2, 2, 3, 3, 4])
    level[i] = t
    # dependencies on earlier systems only: a DAG
    deps = sorted({random.randrange(i) for _ in range(random.randint(0, 3))}) if i else []
    L = ["[system]", f"name = System {i} – verksamhetssystem", f"board = Nämnd {i % 12}",
         f"object = Förvaltningsobjekt {i % 30}", f"system_owner = Ägare {i}",
         f"contact = s{i}@example.se", "classified = 2025-01-01",
         f"confidentiality = {random.randint(0, 4)}", f"integrity = {random.randint(0, 4)}",
         f"availability = {t}", f"traceability = {random.randint(0, 4)}"]
    if deps:
        L.append("depends_on = " + ", ".join(f"s{d:05d}" for d in deps))
    L += [f"supplier = Leverantör {i % 50} AB", "supplier_rto = 1h",
          f"reserve_routine = Reservrutin {i}: papper och telefon.", "",
          "[restore]", f"host = h{(2 * i + 1) % 40}"]
    m = i % 3
    if m == 0:
        L += ["method = restic", f"repository = /srv/backup/restic/s{i}",
              f"password_file = /etc/drillhall/secrets/s{i}"]
    elif m == 1:
        L += ["method = tar", f"repository = /srv/backup/tar/s{i}", "pattern = *.tar.gz"]
    else:
        L += ["method = action", "restore_action = restore-db", "backup_time_action = backup-time"]
    L += [f"verify = manifest /srv/backup/manifests/s{i}.sha256", "verify = min_files 100",
          "verify = file data/db.sqlite", "verify = action check-db", "timeout = 2h", "keep = no"]
    if t >= 3:
        a, b = (2 * i) % 40, (2 * i + 1) % 40
        L += ["", "[failover]", f"primary = h{a}", f"standby = h{b}",
              f"marker_write = h{a} write-marker", f"marker_check = h{b} check-marker",
              f"step = h{b} promote", f"health = tcp h{b}:5432",
              f"health = http https://h{b}.example.se/health", f"failback = h{a} rejoin",
              "timeout = 30m"]
    open(f"{out}/systems/s{i:05d}.ini", "w").write("\n".join(L) + "\n")
PY
plans=$work/plans
if [ -n "${DH_BENCH_KEEP:-}" ]; then rm -rf "$DH_BENCH_KEEP"; cp -r "$plans" "$DH_BENCH_KEEP"; fi
files=$(find "$plans" -name '*.ini' | wc -l)
bytes=$(cat "$plans"/*.ini "$plans"/systems/*.ini | wc -c)
rc=0
"$bin" check --plans "$plans" --format json >"$work/check.json" || rc=$?
echo "plan: $n systems, $files files, $bytes bytes; check exit $rc," \
	"$(jq '.errors' "$work/check.json") errors, $(jq '.warnings' "$work/check.json") warnings"
[ "$rc" -le 1 ] || { echo "bench: check failed to run" >&2; exit 1; }
cat >"$work/peer.py" <<'PY'
import configparser, glob, sys
for f in glob.glob(sys.argv[1] + "/systems/*.ini") + [sys.argv[1] + "/policy.ini"]:
    configparser.ConfigParser(strict=False, interpolation=None).read(f, encoding="utf-8")
PY

if command -v hyperfine >/dev/null; then
	hyperfine -N -i --warmup 3 --min-runs 20 --export-json "$work/h.json" \
		-n check "$bin check --plans $plans" \
		-n "plan --format json" "$bin plan --plans $plans --format json" \
		-n "peer: cat all files" "sh -c 'cat $plans/*.ini $plans/systems/*.ini'" \
		-n "peer: python configparser" "python3 $work/peer.py $plans" >/dev/null
	jq -r '.results[] | "\(.command): mean \(.mean * 1000 | floor) ms, min \(.min * 1000 | floor) ms, max \(.max * 1000 | floor) ms (\(.times | length) runs)"' "$work/h.json"
	mean=$(jq '.results[0].mean * 1000 | floor' "$work/h.json")
else
	t() { local s e; s=$(date +%s%N); for _ in 1 2 3 4 5 6 7 8 9 10; do "$@" >/dev/null 2>&1 || true; done; e=$(date +%s%N); echo $(((e - s) / 10000000)); }
	mean=$(t "$bin" check --plans "$plans")
	echo "check: mean $mean ms (10 runs)"
	echo "plan --format json: mean $(t "$bin" plan --plans "$plans" --format json) ms"
	echo "peer: cat all files: mean $(t sh -c "cat $plans/*.ini $plans/systems/*.ini") ms"
	echo "peer: python configparser: mean $(t python3 "$work/peer.py" "$plans") ms"
fi
if [ "$mean" -le 100 ]; then
	echo "goal: check <= 100 ms: met (${mean} ms)"
else
	echo "goal: check <= 100 ms: NOT met (${mean} ms)"
fi
