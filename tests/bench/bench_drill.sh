#!/usr/bin/env bash
# Drill benchmark (issue 8): the controller's time per action job beside
# plain OpenSSH on the same lab host in the same run, and the phase times
# of a real PostgreSQL failover drill.
#  - drillhall: `run failover` of a drill of 20 no-op action steps
#    (`[action noop]` = /bin/true on app-b) and of the same drill with 1
#    step; the time per action job is the difference of the wall times /
#    19, so preflight, health, failback and the record cancel out;
#  - OpenSSH: `ssh -F LAB/ssh_config app-b true`, 20 times in a row (the
#    forced command runs the agent, which answers and refuses `true`: one
#    round trip to the same sshd and agent binary);
#  - the ratio; the goal is <= 1.2 x;
#  - a drill of the shipped sql-kluster [failover] on the lab's real
#    PostgreSQL pair (tests/lab/pg.sh), each phase's start and duration
#    from the record's checks.
#
#   DH_BIN=build DH_SRC=. tests/bench/bench_drill.sh [ROUNDS]
set -euo pipefail
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
source "$DH_SRC/tests/integration/lib.bash"
rounds=${1:-3}
lab="$DH_SRC/tests/lab/lab.sh"
dir=$(mktemp -d --suffix=.dh-bench-drill)
chmod 711 "$dir" # the postgres user reaches its data dirs inside
trap 'lab_cleanup "$dir"' EXIT
die() { echo "bench_drill: $*" >&2; exit 1; }

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\\n\", $1 }"; }
median() { sort -g | awk '{ v[NR] = $1 } END { printf "%.4f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3) qa=$(freeport 127.0.0.2) qb=$(freeport 127.0.0.3)
printf '[action noop]\ncommand = /bin/true\n' >"$dir/actions.ini"
bash "$lab" start "$dir/lab" --agent "$DH_BIN/drillhall-agent" --url "http://127.0.0.1:9" \
	--agent-ini-extra "$dir/actions.ini" --pg "db-a1=127.0.0.2:$qa" --pg "db-b1=127.0.0.3:$qb" \
	app-b=127.0.0.3:$pb app-a=127.0.0.2:$pa db-a1=127.0.0.2:$(freeport 127.0.0.2) \
	db-b1=127.0.0.3:$(freeport 127.0.0.3) >"$dir/lab.out" 2>&1 || { cat "$dir/lab.out" >&2; die "the lab did not start"; }
p="$dir/plans"
mkdir -p "$p/systems"
write_policy "$p/policy.ini" Labbkommun IT-enheten nowindows
cp "$dir/lab/inventory.ini" "$p/inventory.ini"
noop_system() { # ID STEPS: STEPS no-op steps on app-b, health = app-b's sshd port
	{
		printf '[system]\nname = Bench %s\nboard = KS\nclassified = 2025-01-15\navailability = 3\nrto = 1m\n' "$1"
		printf '[failover]\nprimary = app-a\nstandby = app-b\n'
		for _ in $(seq 1 "$2"); do echo "step = app-b noop"; done
		printf 'health = tcp app-b:%s\nfailback = app-b noop\ntimeout = 60s\n' "$pb"
	} >"$p/systems/$1.ini"
}
noop_system noop-20 20
noop_system noop-1 1
{
	printf '[system]\nname = SQL-kluster\nboard = KS\nclassified = 2025-02-10\navailability = 4\n\n'
	awk '/^\[failover\]/ { on = 1 } /^\[/ && !/^\[failover\]/ { on = 0 } on' "$DH_SRC/plans/systems/sql-kluster.ini" |
		sed -e "s/db-a1:5432/db-a1:$qa/" -e "s/db-b1:5432/db-b1:$qb/"
} >"$p/systems/sql-kluster.ini"
"$DH_BIN/drillhall" check --plans "$p" >"$dir/check.out" 2>&1 || { cat "$dir/check.out" >&2; die "the plan does not check"; }
dh() { "$DH_BIN/drillhall" --plans "$p" --db "$dir/dh.db" --config /dev/null "$@"; }
drill_time() { # ID: wall seconds of one passing drill
	local t0 t1
	t0=$(now)
	dh run failover "$1" --format json >"$dir/$1.json" 2>"$dir/$1.err" ||
		{ tail -n 20 "$dir/$1.err" >&2; die "drill $1 did not pass"; }
	t1=$(now)
	calc "$t1 - $t0"
}
ssh_time() { # 20 x ssh app-b true, wall seconds
	local t0 t1 rc
	t0=$(now)
	for _ in $(seq 1 20); do
		rc=0
		ssh -F "$dir/lab/ssh_config" app-b true >/dev/null 2>&1 || rc=$?
		[ $rc != 255 ] || die "ssh to app-b failed"
	done
	t1=$(now)
	calc "$t1 - $t0"
}

echo "bench_drill: $rounds rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$dir/per-action" && : >"$dir/per-ssh"
for r in $(seq 1 "$rounds"); do
	d20=$(drill_time noop-20)
	d1=$(drill_time noop-1)
	s20=$(ssh_time)
	calc "($d20 - $d1) / 19" >>"$dir/per-action"
	calc "$s20 / 20" >>"$dir/per-ssh"
	printf '  round %d: drill of 20 steps %.3f s, of 1 step %.3f s; 20 x ssh true %.3f s\n' "$r" "$d20" "$d1" "$s20"
done
act=$(median <"$dir/per-action") ssh=$(median <"$dir/per-ssh")
printf 'per action job (median of %d): drillhall %.1f ms, OpenSSH `ssh host true` %.1f ms, ratio %.2f x (goal <= 1.2 x)\n' \
	"$rounds" "$(calc "$act * 1000")" "$(calc "$ssh * 1000")" "$(calc "$act / $ssh")"

t0=$(now)
dh run failover sql-kluster --format json >"$dir/pg.json" 2>"$dir/pg.err" || true
t1=$(now)
printf 'PostgreSQL drill (sql-kluster, lab pair): verdict %s, wall %.1f s, rto_actual %s s; phases:\n' \
	"$(jq -r .verdict "$dir/pg.json")" "$(calc "$t1 - $t0")" "$(jq -r .rto_actual_s "$dir/pg.json")"
jq -r '.checks[] | select(.detail | test("^started ")) |
	"\(.name)\t\(.detail | capture("^started (?<at>[^,]+), (?<s>[0-9.]+) s") | "\(.at)\t\(.s) s")\t\(.verdict)"' \
	"$dir/pg.json" | awk -F '\t' '{ printf "  %-40s %s  %8s  %s\n", $1, $2, $3, $4 }'

