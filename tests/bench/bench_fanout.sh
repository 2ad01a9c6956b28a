#!/usr/bin/env bash
# Fan-out benchmark (issue 4): ask N hosts for their agent version through
# the forced command, with `drillhall hosts` and with its peer
# `parallel-ssh` (Debian pssh) on the same lab in the same run. Each host
# is a real sshd on its own loopback address (tests/lab/lab.sh --hosts N).
# Prints the median and best wall time of R rounds per tool and the ratio;
# the goal is drillhall <= 0.5 x pssh. Unlike bench_fanout_fixture.sh (one address,
# many ports, a stand-in agent) every host here has its own address and
# runs the real drillhall-agent behind the forced command.
#
#   DH_BIN=build DH_SRC=. tests/bench/bench_fanout.sh [HOSTS] [ROUNDS]
#
# When the controller in DH_BIN has no `hosts` command yet, only the peer
# is measured and the script says so (exit 0); it never prints a figure it
# did not measure.
set -euo pipefail
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
hosts=${1:-50}
rounds=${2:-5}
lab="$DH_SRC/tests/lab/lab.sh"
dir=$(mktemp -d --suffix=.dh-bench-fanout)
chmod 755 "$dir" # sshd reads authorized_keys as the service account
trap 'bash "$lab" stop "$dir/lab" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

command -v parallel-ssh >/dev/null || { echo "bench_fanout: parallel-ssh missing (apt-get install pssh)" >&2; exit 2; }

now() { date +%s.%N; }
# median and min of the numbers on stdin
stats() { sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f\n", m, v[1] }'; }

mkdir -p "$dir/lab"
# The agent runs as a service account (/bin/sh, no rc files), as the
# inventory specifies and as on a real server: an interactive login shell
# (root's bashrc here) would add the same cost to both tools and measure
# the shell instead of the fan-out.
bash "$lab" start "$dir/lab" --agent "$DH_BIN/drillhall-agent" --hosts "$hosts" \
	--user drillhall >/dev/null
echo "bench_fanout: $hosts hosts (one sshd each on 127.0.0.10..), $rounds rounds, $(nproc) cores"

run_pssh() {
	local n
	parallel-ssh -h "$dir/lab/pssh-hosts" -p "$hosts" -t 30 -x "-F $dir/lab/ssh_config" \
		-o "$dir/pssh-out" -e "$dir/pssh-err" version >"$dir/pssh.log" ||
		{ echo "bench_fanout: parallel-ssh failed:" >&2; grep -v SUCCESS "$dir/pssh.log" >&2
		  cat "$dir"/pssh-err/* >&2; exit 1; }
	n=$(cat "$dir"/pssh-out/* | grep -c '^drillhall-agent ')
	[ "$n" = "$hosts" ] || { echo "bench_fanout: pssh got $n of $hosts versions" >&2; exit 1; }
	rm -rf "$dir/pssh-out"
}

has_hosts=no
if "$DH_BIN/drillhall" --help 2>&1 | grep -E '^ +hosts' >/dev/null; then
	has_hosts=yes
	mkdir -p "$dir/plans/systems"
	cp "$DH_SRC/plans/policy.ini" "$dir/plans/policy.ini"
	cp "$dir/lab/inventory.ini" "$dir/plans/inventory.ini"
fi

run_drillhall() {
	"$DH_BIN/drillhall" --plans "$dir/plans" --db "$dir/bench.db" hosts --format json \
		>"$dir/hosts.json"
	local n
	# hosts whose agent version came back: objects below the root with a
	# non-empty string under a key naming a version
	n=$(jq '[.[]? | .. | objects | select(any(to_entries[];
		(.key | test("version")) and (.value | type == "string") and .value != ""))]
		| length' "$dir/hosts.json")
	[ "$n" = "$hosts" ] || { echo "bench_fanout: drillhall hosts got $n of $hosts versions" >&2; exit 1; }
}

# one warm-up each (page cache, sshd first-connection work), then rounds
run_pssh
[ $has_hosts = yes ] && run_drillhall
: >"$dir/t.pssh"; : >"$dir/t.dh"
for _ in $(seq 1 "$rounds"); do
	t0=$(now); run_pssh; t1=$(now)
	echo "$t1 - $t0" | bc >>"$dir/t.pssh"
	if [ $has_hosts = yes ]; then
		t0=$(now); run_drillhall; t1=$(now)
		echo "$t1 - $t0" | bc >>"$dir/t.dh"
	fi
done

read -r pmed pmin < <(stats <"$dir/t.pssh")
printf '%-28s %10s %10s\n' tool "median s" "best s"
printf '%-28s %10s %10s\n' "parallel-ssh -p $hosts" "$pmed" "$pmin"
if [ $has_hosts = yes ]; then
	read -r dmed dmin < <(stats <"$dir/t.dh")
	printf '%-28s %10s %10s\n' "drillhall hosts" "$dmed" "$dmin"
	printf 'ratio drillhall/pssh (median): %s (goal <= 0.5)\n' \
		"$(echo "scale=3; $dmed / $pmed" | bc)"
else
	echo "drillhall hosts: not in this build ($DH_BIN/drillhall has no 'hosts' command); peer only"
fi
