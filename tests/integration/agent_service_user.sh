#!/usr/bin/env bash
# The agent as it runs in production: a service user, not root. A backup
# holding a mode-000 file (as /etc/shadow is) and a mode-000 directory is
# verified, not blamed — the agent owns its restored copy and makes it
# readable first (tar and restic). A restic repository the agent may only
# read (read-only files, no lock can be written) is tested, with
# --no-lock, instead of waiting on the lock. A restored file the agent
# still cannot read is `error`, never evidence against the backup.
source "$(dirname "$0")/agent_lib.bash"
command -v restic >/dev/null || { echo "restic not installed"; exit 1; }
U=dh-agent-test
if ! id -u "$U" >/dev/null 2>&1; then # as tests/lab/lab.sh ensure_user makes its users
	useradd --system --no-create-home --home-dir / --shell /bin/sh \
		--comment "drillhall agent test" --password '*' "$U"
fi
G=$(id -gn "$U")
as_agent() { setpriv --reuid="$U" --regid="$G" --clear-groups "$@"; }
run_as_agent() { # run_as_agent JOBFILE -> rec.json, rc
	set +e
	as_agent "$AGENT" --config "$T/agent.ini" run --local "$1" >"$T/rec.json" 2>"$T/run.err"
	rc=$?
	set -e
}
chmod 755 "$T"
write_ini "[action copy]" "command = /bin/cp -a $T/data/. ." \
	"[action when]" "command = /bin/date -u +%Y-%m-%dT%H:%M:%SZ" \
	"[action copy-and-wait]" "command = /bin/sh $T/copy-and-wait.sh"
chown "$U:$G" "$T/scratch" "$T/spool"
chmod 644 "$T/agent.ini"

# the data: a mode-000 file, a mode-000 directory with a file in it
mkdir -p "$T/data/etc" "$T/data/locked"
printf 'root:*:19000:0:99999:7:::\n' >"$T/data/etc/shadow"
printf 'secret\n' >"$T/data/locked/inner.txt"
printf 'plain\n' >"$T/data/plain.txt"
"$AGENT" manifest "$T/data" >"$T/manifest.sha256"
chmod 644 "$T/manifest.sha256"
chmod 000 "$T/data/etc/shadow" "$T/data/locked"
verify='[{"kind": "manifest", "arg": "'"$T"'/manifest.sha256"}, {"kind": "min_files", "n": 3}, {"kind": "file", "arg": "etc/shadow"}]'
chmod 755 "$T/backup"

# tar, extracted by the service user
mkdir -p "$T/backup/archives"
tar -C "$T/data" -cf "$T/backup/archives/sys.tar" .
chmod -R a+rX "$T/backup/archives"
tar -tvf "$T/backup/archives/sys.tar" | grep '^---------- .*etc/shadow' >/dev/null ||
	not_ok "the archive does not hold a mode-000 file"
job "$T/j-tar.json" tar "$(jq -n --arg r "$T/backup/archives" --argjson v "$verify" '{
	method: "tar", repository: $r, verify: $v }')"
chmod 644 "$T/j-tar.json"
run_as_agent "$T/j-tar.json"
expect_rc "tar with mode-000 entries, as $U" 0
expect "tar: mode-000 file and directory verified" '.verdict == "passed" and .files_verified == 3'
scratch_empty "tar as $U"

# restic: the repository belongs to the service user but is read-only to it
R="$T/backup/repo"
echo pw >"$T/pw"
restic -q init -r "$R" --password-file "$T/pw" --no-cache
(cd "$T/data" && restic -q -r "$R" --password-file "$T/pw" --no-cache backup .)
chown -R "$U:$G" "$R" "$T/pw"
chmod -R a-w "$R"
job "$T/j-restic.json" restic "$(jq -n --arg r "$R" --arg pw "$T/pw" --argjson v "$verify" '{
	method: "restic", repository: $r, password_file: $pw, verify: $v }')" 86400 3600 60
chmod 644 "$T/j-restic.json"
start=$(date +%s)
run_as_agent "$T/j-restic.json"
took=$(( $(date +%s) - start ))
expect_rc "restic, read-only repository, mode-000 entries, as $U" 0
expect "restic: read-only repository tested, mode-000 file and directory verified" \
	'.verdict == "passed" and .files_verified == 3'
[ "$took" -lt 30 ] && ok "restic did not wait on a lock ($took s)" || not_ok "restic took $took s"
[ -z "$(find "$R/locks" -type f)" ] && ok "no lock written into the repository" || not_ok "a lock was written"
scratch_empty "restic as $U"

# what the agent still cannot read (root takes the file away mid-restore) is an error
cat >"$T/copy-and-wait.sh" <<SH
cp -a "$T/data/plain.txt" .
echo "\$PWD" >"$T/restored-at"
while [ ! -e "$T/taken" ]; do sleep 0.1; done
SH
chmod 644 "$T/copy-and-wait.sh"
chmod 777 "$T"
"$AGENT" manifest "$T/data" 2>/dev/null | grep ' plain.txt$' >"$T/plain.sha256" || true
chmod 644 "$T/plain.sha256"
job "$T/j-taken.json" taken "$(jq -n --arg m "$T/plain.sha256" '{method: "action",
	restore_action: "copy-and-wait", backup_time_action: "when",
	verify: [ {kind: "manifest", arg: $m} ] }')"
chmod 644 "$T/j-taken.json"
as_agent "$AGENT" --config "$T/agent.ini" run --local "$T/j-taken.json" >"$T/rec.json" 2>"$T/run.err" &
agent=$!
for _ in $(seq 100); do [ -s "$T/restored-at" ] && break; sleep 0.1; done
where=$(cat "$T/restored-at")
chown root:root "$where/plain.txt" && chmod 000 "$where/plain.txt"
touch "$T/taken"
set +e; wait "$agent"; rc=$?; set -e
expect_rc "a file the agent cannot read" 2
expect "a file the agent cannot read is error, not evidence" \
	'.verdict == "error" and (.error | contains("cannot read 1 of its own restored files")) and
	any(.mismatches[]; .path == "plain.txt" and (.problem | startswith("unreadable")))'
chmod 755 "$T"
[ -n "${DH_DEBUG:-}" ] && jq -c ".checks[]" "$T/rec.json"
finish
