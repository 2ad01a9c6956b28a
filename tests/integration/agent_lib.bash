# Shared helpers for the agent integration tests (sourced, not a test:
# ctest only runs *.sh). Each test gets a temp dir with its own agent.ini,
# scratch and backup root, removed on exit; nothing depends on /srv or /etc.
set -euo pipefail

AGENT=${DH_BIN:?DH_BIN must name the build directory}/drillhall-agent
T=$(mktemp -d --suffix=.dh-agent-test)
cleanup() { chmod -R u+w "$T" 2>/dev/null || true; rm -rf "$T"; }
trap cleanup EXIT
mkdir -p "$T/scratch" "$T/spool" "$T/backup"
export RESTIC_CACHE_DIR="$T/restic-cache"
fails=0
checks=0

write_ini() { # extra lines appended (actions)
	{
		printf '[agent]\nscratch = %s\nspool = %s\nbackup_roots = %s\n' \
			"$T/scratch" "$T/spool" "$T/backup"
		printf '%s\n' "$@"
	} >"$T/agent.ini"
}

# job FILE ID METHOD-JSON [RPO_S] [RTO_S] [TIMEOUT_S] — restore object as JSON
job() {
	jq -n --arg id "$2" --argjson restore "$3" --argjson rpo "${4:-86400}" \
		--argjson rto "${5:-3600}" --argjson timeout "${6:-600}" '{
		v: 3, job: $id, kind: "restore", system: "sys", host: "test-host",
		token: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		url: "https://127.0.0.1:8443", plan_revision: "rev1",
		rpo_target_s: $rpo, rto_target_s: $rto, timeout_s: $timeout,
		restore: $restore }' >"$1"
}

# run_job JOBFILE -> $T/rec.json, $rc
run_job() {
	set +e
	"$AGENT" --config "$T/agent.ini" run --local "$1" >"$T/rec.json" 2>"$T/run.err"
	rc=$?
	set -e
}

ok() { checks=$((checks + 1)); echo "ok - $*"; }
not_ok() {
	checks=$((checks + 1)); fails=$((fails + 1)); echo "not ok - $*"
	[ -f "$T/run.err" ] && sed 's/^/#   /' "$T/run.err" | tail -n 20
	[ -s "$T/rec.json" ] && jq -c '{verdict, error, checks, mismatches}' "$T/rec.json" | sed 's/^/#   /'
	return 0
}
expect() { # expect DESCRIPTION JQ-EXPRESSION (on rec.json)
	if jq -e "$2" "$T/rec.json" >/dev/null 2>&1; then ok "$1"; else not_ok "$1 ($2)"; fi
}
expect_rc() { if [ "$rc" -eq "$2" ]; then ok "$1: exit $2"; else not_ok "$1: exit $rc, wanted $2"; fi; }
scratch_empty() {
	if [ -z "$(find "$T/scratch" -mindepth 2 -print -quit)" ]; then ok "$1: scratch target removed"
	else not_ok "$1: scratch not empty: $(find "$T/scratch" -mindepth 2 | head -3)"; fi
}
finish() {
	echo "# $checks checks, $fails failed"
	[ "$fails" -eq 0 ]
}
