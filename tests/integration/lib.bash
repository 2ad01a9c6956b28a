# Shared helpers for the integration and bench scripts (sourced, not a
# test: ctest only runs *.sh; it sets no options and no trap): a free
# loopback port, the standard policy.ini with its five availability
# levels, and the exit traps of a script that runs one server, or the
# two-hall lab, from a temp dir.

# sqlite3: the CLI with a 10 s busy timeout, for every script that reads or
# writes a database while `serve` or `run` holds it: without one, the CLI
# fails at once with "database is locked" whenever it meets a writer.
sqlite3() { command sqlite3 -cmd '.timeout 10000' "$@"; }

# freeport ADDR: a TCP port free on ADDR now.
freeport() { python3 -c "import socket; s=socket.socket(); s.bind(('$1',0)); print(s.getsockname()[1])"; }

# write_policy FILE NAME OWNER [nowindows]: the standard policy, levels 0..4
# (rpo 7d 24h 4h 1h 0, backup_rpo 7d 24h 4h 1h 1h as SPEC's shipped policy,
# rto 14d 72h 24h 4h 1h, a restore test every 30d, no
# failover drills), unclassified at 2, failover from 3; [windows] unless nowindows.
write_policy() {
	local lv=(7d 24h 4h 1h 0) lb=(7d 24h 4h 1h 1h) lt=(14d 72h 24h 4h 1h) i
	{
		printf '[plan]\nname = %s\nowner = %s\ntimezone = Europe/Stockholm\n' "$2" "$3"
		printf 'unclassified_level = 2\nfailover_required_from = 3\n'
		[ "${4:-}" = nowindows ] ||
			printf '[windows]\nrestore = mon-sun 22:00-06:00\nfailover = sat 01:00-05:00\n'
		for i in 0 1 2 3 4; do
			printf '[availability %d]\nrpo = %s\nbackup_rpo = %s\nrto = %s\nrestore_test_every = 30d\nfailover_drill_every = never\n' \
				"$i" "${lv[$i]}" "${lb[$i]}" "${lt[$i]}"
		done
	} >"$1"
}

# serve_plain WORK: start `drillhall serve` ($bin) on a free loopback port
# with a database WORK/dh.db, stderr in WORK/serve.log, and wait for its
# /healthz; sets port, db, base and pid (for stop_and_remove). Exits 1 when
# it does not come up within 10 s.
serve_plain() {
	port=$(freeport 127.0.0.1)
	db=$1/dh.db
	base=http://127.0.0.1:$port
	"$bin" serve --db "$db" --listen "127.0.0.1:$port" --config /dev/null 2>"$1/serve.log" &
	pid=$!
	python3 "$DH_SRC/tests/integration/evsend.py" up "$base/healthz" --wait 10 || {
		echo "FAIL: serve did not come up" >&2
		cat "$1/serve.log" >&2
		exit 1
	}
}

# stop_and_remove DIR: the exit trap of a script running one server, $pid
# when set: kill it, wait for children, remove DIR.
stop_and_remove() {
	# (an `a && kill` whose kill fails would end the trap under set -e,
	# leaving the server running and ctest waiting on its output)
	if [ -n "${pid:-}" ]; then kill "$pid" 2>/dev/null || true; fi
	wait 2>/dev/null || true
	rm -rf "$1"
}

# lab_cleanup DIR [PID]: the exit trap of a script running the lab
# (tests/lab/lab.sh) in DIR/lab: kill PID when set, stop the lab and the
# detached jobs of this run (only ours, by their path), wait, remove DIR.
lab_cleanup() {
	if [ -n "${2:-}" ]; then kill "$2" 2>/dev/null || true; fi
	bash "$DH_SRC/tests/lab/lab.sh" stop "$1/lab" >/dev/null 2>&1 || true
	for p in $(pgrep -f -- "$1/lab/hosts" || true); do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$1"
}
