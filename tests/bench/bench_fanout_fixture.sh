#!/usr/bin/env bash
# Fan-out benchmark: `drillhall hosts` against N hosts in two halls (one sshd per host
# on 127.0.0.2, distinct ports, each with the forced command of
# tests/data/ssh_fixture.sh, which answers "version" as the agent does)
# beside parallel-ssh (pssh) running `version` on the same hosts with the
# same key and known_hosts, in the same run. Goal: drillhall <= 0.5 x pssh.
#   tests/bench/bench_fanout_fixture.sh [BUILD_DIR] [HOSTS] [ROUNDS]
# (tests/bench/bench_fanout.sh, from the lab, measures the same with the
# real agent; this one needs only the SSH test fixture.)
# Needs root (sshd) and parallel-ssh.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
source "$src/tests/integration/lib.bash"
bin=${1:-${DH_BIN:-$src/build}}/drillhall
n=${2:-50} rounds=${3:-3}
command -v parallel-ssh >/dev/null || { echo "bench_fanout: needs parallel-ssh (pssh)"; exit 2; }
work=$(mktemp -d)
chmod 755 "$work" # the fixture's login user reaches its DIR below
cleanup() {
	for d in "$work"/h*; do [ -d "$d" ] && bash "$src/tests/data/ssh_fixture.sh" stop "$d"; done
	rm -rf "$work"
}
trap cleanup EXIT

ports=$(python3 -c "
import socket
ss=[socket.socket() for _ in range($n)]
for s in ss: s.bind(('127.0.0.2',0))
print(' '.join(str(s.getsockname()[1]) for s in ss))")
i=0
for p in $ports; do
	i=$((i + 1))
	bash "$src/tests/data/ssh_fixture.sh" start "$work/h$i" 127.0.0.2 "$p" >/dev/null &
	[ $((i % 10)) = 0 ] && wait
done
wait
# One controller key and one known_hosts for all hosts, as in production.
cp "$work/h1/client_key" "$work/key"
: >"$work/known_hosts"; : >"$work/pssh_hosts"
mkdir -p "$work/plans/systems"
write_policy "$work/plans/policy.ini" bench IT
printf '[controller]\nurl = http://127.0.0.1:1\nssh_key = %s\nknown_hosts = %s\n[hall A]\nname = A\n[hall B]\nname = B\n' \
	"$work/key" "$work/known_hosts" >"$work/plans/inventory.ini"
i=0
for p in $ports; do
	i=$((i + 1))
	[ $i -gt 1 ] && sed "s|^\(command=\"[^\"]*\"[^ ]*\) .*|\1 $(cat "$work/h1/client_key.pub")|" \
		"$work/h$i/authorized_keys" >"$work/h$i/ak" && mv "$work/h$i/ak" "$work/h$i/authorized_keys"
	cat "$work/h$i/known_hosts" >>"$work/known_hosts"
	echo "dh-fixture@127.0.0.2:$p" >>"$work/pssh_hosts"
	printf '[host h%d]\nhall = %s\naddress = 127.0.0.2\nport = %d\nuser = dh-fixture\n' "$i" "$([ $((i % 2)) = 0 ] && echo A || echo B)" "$p" >>"$work/plans/inventory.ini"
done

# Each measurement starts on a quiet machine: sshd children of the
# previous one have exited. Prints "WALL CPU" (CPU = the client's user+sys,
# children included: what the tool itself costs, apart from the servers).
t() {
	sleep 3
	/usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >"$work/out" 2>&1 || true
	awk '{printf "%.3f %.2f", $1, $2 + $3}' "$work/time"
}
echo "== $n hosts, $rounds rounds (wall seconds, client CPU seconds)"
dh_total=0 ps_total=0
for r in $(seq "$rounds"); do
	read -r d dc <<<"$(t "$bin" hosts --plans "$work/plans" --config /dev/null)"
	ok=$(grep -c 'drillhall-agent 0.1.0-fixture' "$work/out" || true)
	read -r p pc <<<"$(t parallel-ssh -h "$work/pssh_hosts" -p "$n" -t 30 -i \
		-x "-i $work/key -o UserKnownHostsFile=$work/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes -o IdentitiesOnly=yes" \
		version)"
	pok=$(grep -c 'drillhall-agent 0.1.0-fixture' "$work/out" || true)
	echo "round $r: drillhall hosts $d s, cpu $dc s ($ok/$n answered)   parallel-ssh $p s, cpu $pc s ($pok/$n answered)"
	dh_total=$(python3 -c "print($dh_total + $d)"); ps_total=$(python3 -c "print($ps_total + $p)")
done
python3 -c "print(f'mean: drillhall hosts {$dh_total/$rounds:.3f} s, parallel-ssh {$ps_total/$rounds:.3f} s, ratio {$dh_total/$ps_total:.2f} (goal <= 0.5)')"
