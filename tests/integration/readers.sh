#!/usr/bin/env bash
# Read-only commands read in a read transaction and never wait for the
# writer (SPEC "Events to the controller", last paragraph): while another
# connection holds the database's write lock for 8 s (as serve does while
# it stores a batch), `history`, `status` and `audit verify` each answer
# within 4 s, from the last commit, and exit as they would otherwise.
set -euo pipefail
bin=${DH_BIN:?}/drillhall src=${DH_SRC:?}
work=$(mktemp -d)
cleanup() { kill "$holder" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
holder=
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db=$work/dh.db
dh() { "$bin" --plans "$src/plans" --db "$db" --now 2026-11-30T12:00:00Z "$@"; }

dh status >/dev/null # creates and migrates the database
# (the holder waits up to 10 s for the lock: the probe below takes it for
# an instant, and a holder without a busy timeout would lose that race)
sqlite3 -cmd '.timeout 10000' "$db" <<'SQL' &
BEGIN IMMEDIATE;
CREATE TABLE writer_holds_the_lock(x);
.system sleep 8
COMMIT;
SQL
holder=$!
# until the writer holds the lock: a second writer is refused at once
for _ in $(seq 100); do
	sqlite3 -cmd '.timeout 0' "$db" 'BEGIN IMMEDIATE; ROLLBACK;' 2>/dev/null || break
	sleep 0.05
done
sqlite3 -cmd '.timeout 0' "$db" 'BEGIN IMMEDIATE; ROLLBACK;' 2>/dev/null &&
	fail "the holder never took the write lock"

for cmd in "history" "status" "audit verify"; do
	start=$(date +%s%N)
	# shellcheck disable=SC2086
	timeout 4 "$bin" --plans "$src/plans" --db "$db" --now 2026-11-30T12:00:00Z $cmd \
		>"$work/out" 2>"$work/err" || {
		rc=$?
		[ "$rc" = 124 ] && fail "$cmd waited for the writer"
		fail "$cmd exited $rc: $(cat "$work/err")"
	}
	took=$((($(date +%s%N) - start) / 1000000))
	echo "ok: $cmd answered in ${took} ms while the write lock was held"
done
grep -q 'intact' "$work/out" || fail "audit verify did not report the chain: $(cat "$work/out")"
kill -0 "$holder" 2>/dev/null || fail "the writer let go before the readers finished"
echo "ok: readers never waited for the writer"
