# What the notification tests share (notify.sh, notify_events.sh,
# notify_drill.sh; sourced, not a test): the root check, a work directory
# with an exit trap that stops the sinks, serve and the lab, fail, the
# ports (lport for serve, hport the webhook receiver, sport the SMTP sink),
# the sinks of tests/integration/notify_sinks.py writing $hooks and
# $mails, serve on $plans, $db and $work/controller.ini, and counting and
# waiting for what arrived.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
src=${DH_SRC:?} bin=${DH_BIN:?}
lab=$src/tests/lab/lab.sh
sinks=$src/tests/integration/notify_sinks.py
[ "$(id -u)" = 0 ] || { echo "FAIL: $(basename "$0" .sh) needs root (the lab starts sshd)" >&2; exit 1; }
work=$(mktemp -d)
cleanup() {
	for p in ${hook:-} ${mail:-}; do kill "$p" 2>/dev/null || true; done
	lab_cleanup "$work" "${pid:-}"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -n 30 "$work"/*.log "$work"/*.err 2>/dev/null >&2; exit 1; }
lport=$(freeport 127.0.0.1) hport=$(freeport 127.0.0.1) sport=$(freeport 127.0.0.1)
hooks=$work/hooks.jsonl mails=$work/mails

start_mail() { /usr/bin/python3 "$sinks" smtp "$sport" "$mails" & mail=$!; }
start_hook() {
	/usr/bin/python3 "$sinks" webhook "$hport" "$hooks" &
	hook=$!
	python3 "$src/tests/integration/evsend.py" up "http://127.0.0.1:$hport/" --wait 10 >/dev/null 2>&1 || true
}
stop_hook() { kill "$hook"; wait "$hook" 2>/dev/null || true; hook=; }
start_serve() {
	"$bin/drillhall" --plans "$plans" --db "$db" serve --config "$work/controller.ini" \
		--listen "127.0.0.1:$lport" 2>>"$work/serve.log" &
	pid=$!
	python3 "$src/tests/integration/evsend.py" up "http://127.0.0.1:$lport/healthz" --wait 10 ||
		fail "serve did not come up"
}
hook_count() { [ -f "$hooks" ] && wc -l <"$hooks" || echo 0; }
mail_count() { find "$mails" -name '*.eml' 2>/dev/null | wc -l; }
wait_for() { # SECONDS WHAT COMMAND...: until COMMAND succeeds
	local t=$1 what=$2
	shift 2
	for _ in $(seq $((t * 5))); do "$@" && return 0; sleep 0.2; done
	fail "timed out waiting for $what (hooks $(hook_count), mails $(mail_count))"
}
both() { [ "$(hook_count)" -ge "$1" ] && [ "$(mail_count)" -ge "$1" ]; } # N of each at least
