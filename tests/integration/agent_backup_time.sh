#!/usr/bin/env bash
# The backup's time, for every method: a time more than 5 minutes in the
# future is a clock fault — the `backup` check fails naming the time and
# how far ahead it is, never a fresh backup (restic: an old snapshot
# stamped tomorrow beside the real newest one; tar: an archive with a
# future mtime; action: a backup_time_action printing a future time). The
# tar default pattern takes archives only, never a newer checksum or
# signature file beside them. backup_time_action's first line is read as
# RFC 3339 in every form it allows (`date --rfc-3339=seconds` among them).
source "$(dirname "$0")/agent_lib.bash"
command -v restic >/dev/null || { echo "restic not installed"; exit 1; }

mkdir -p "$T/data/d"
printf 'one\n' >"$T/data/d/one.txt"
"$AGENT" manifest "$T/data" >"$T/manifest.sha256"
clock_fault() { # clock_fault NAME — rec.json is a clock fault, nothing restored
	expect "$1: failed" '.verdict == "failed"'
	expect "$1: backup check names the clock fault and how far ahead" \
		'any(.checks[]; .name == "backup" and .verdict == "failed" and
		(.detail | test("dated 20[0-9-]+T[0-9:]+Z, (23h5[0-9]m[0-9]*s?|24h|1d) ahead of this host.s clock: a clock fault")))'
	expect "$1: never a fresh backup (no backup time, no rpo, no restore)" \
		'.backup_at == null and .rpo_actual_s == null and ([.checks[] | select(.name == "rpo" or .name == "restore")] | length == 0)'
	scratch_empty "$1"
}
tomorrow=$(date -d '+1 day' '+%Y-%m-%d %H:%M:%S')

# restic: the real newest snapshot (now) and an older one stamped tomorrow
write_ini
R="$T/backup/repo"
echo pw >"$T/pw"
restic -q init -r "$R" --password-file "$T/pw" --no-cache
(cd "$T/data" && restic -q -r "$R" --password-file "$T/pw" --no-cache backup --time "$tomorrow" .)
(cd "$T/data" && restic -q -r "$R" --password-file "$T/pw" --no-cache backup .)
job "$T/j-restic.json" restic "$(jq -n --arg r "$R" --arg pw "$T/pw" '{
	method: "restic", repository: $r, password_file: $pw }')"
run_job "$T/j-restic.json"
expect_rc "restic snapshot from tomorrow" 1
clock_fault "restic snapshot from tomorrow"
expect "restic: the snapshot is named" '.snapshot.id as $s | $s != null and .snapshot.time != null and any(.checks[]; .name == "backup" and (.detail | contains($s)))'

# tar: an archive whose mtime is tomorrow beside an honest one
A="$T/backup/archives"
mkdir -p "$A"
tar -C "$T/data" -czf "$A/sys-1.tar.gz" .
tar -C "$T/data" -czf "$A/sys-2.tar.gz" .
touch -d '1 hour ago' "$A/sys-1.tar.gz"
touch -d "$tomorrow" "$A/sys-2.tar.gz"
job "$T/j-tar.json" tarfuture "$(jq -n --arg r "$A" '{method: "tar", repository: $r}')"
run_job "$T/j-tar.json"
expect_rc "tar archive from tomorrow" 1
clock_fault "tar archive from tomorrow"
expect "tar: the archive is named" "any(.checks[]; .name == \"backup\" and (.detail | contains(\"$A/sys-2.tar.gz\")))"

# tar within the 5 minutes of allowed skew is a fresh backup
touch -d '+2 minutes' "$A/sys-2.tar.gz"
run_job "$T/j-tar.json"
expect "tar: 2 minutes ahead is within the skew allowed, a fresh backup" '.verdict == "passed" and .rpo_actual_s == 0'

# action: backup_time_action printing tomorrow
job "$T/j-act.json" actfuture '{"method": "action", "restore_action": "copy", "backup_time_action": "future"}'
printf '#!/bin/sh\ndate -u -d "+1 day" +%%Y-%%m-%%dT%%H:%%M:%%SZ\n' >"$T/future.sh"
write_ini "[action future]" "command = /bin/sh $T/future.sh" \
	"[action copy]" "command = /bin/cp -a $T/data/. ."
run_job "$T/j-act.json"
expect_rc "action time from tomorrow" 1
clock_fault "action time from tomorrow"

# the tar default pattern: each kind of sidecar file, newer than the archive
rm -f "$A"/*
tar -C "$T/data" -cJf "$A/x.tar.xz" .
touch -d '1 hour ago' "$A/x.tar.xz"
for side in md5 sha256 sig asc; do
	printf 'not an archive\n' >"$A/x.tar.xz.$side"
	job "$T/j-side-$side.json" "side-$side" "$(jq -n --arg r "$A" --arg m "$T/manifest.sha256" '{
		method: "tar", repository: $r, verify: [ {kind: "manifest", arg: $m} ] }')"
	run_job "$T/j-side-$side.json"
	expect "default pattern skips a newer .$side" \
		".verdict == \"passed\" and .snapshot.archive == \"$A/x.tar.xz\""
done
for suffix in tar tar.gz tgz tar.bz2 tar.zst; do
	case $suffix in
	tar) tar -C "$T/data" -cf "$A/y.$suffix" . ;;
	tar.gz | tgz) tar -C "$T/data" -czf "$A/y.$suffix" . ;;
	tar.bz2) tar -C "$T/data" -cjf "$A/y.$suffix" . ;;
	tar.zst) tar -C "$T/data" --zstd -cf "$A/y.$suffix" . ;;
	esac
	touch -d '1 minute ago' "$A/y.$suffix"
	touch "$A/y.$suffix.sha256"
	job "$T/j-suf.json" "suffix-${suffix//./-}" "$(jq -n --arg r "$A" '{method: "tar", repository: $r}')"
	run_job "$T/j-suf.json"
	expect "default pattern takes *.$suffix" ".verdict == \"passed\" and .snapshot.archive == \"$A/y.$suffix\""
	rm -f "$A/y.$suffix" "$A/y.$suffix.sha256"
done

# backup_time_action output in every RFC 3339 form
for fmt in "date --rfc-3339=seconds" "date --rfc-3339=ns" "date -u +%Y-%m-%dT%H:%M:%SZ" \
	"date -u +%Y-%m-%dt%H:%M:%S.%3Nz" "date +%Y-%m-%dT%H:%M:%S%:z" \
	"TZ=Asia/Kathmandu date +%Y-%m-%dT%H:%M:%S%:z" "TZ=Pacific/Kiritimati date --rfc-3339=seconds"; do
	printf '#!/bin/sh\n%s | sed "s/$/\\r/"\necho second line\n' "$fmt" >"$T/when.sh"
	write_ini "[action when]" "command = /bin/sh $T/when.sh" "[action copy]" "command = /bin/cp -a $T/data/. ."
	job "$T/j-fmt.json" fmt '{"method": "action", "restore_action": "copy", "backup_time_action": "when"}' 3600
	run_job "$T/j-fmt.json"
	expect "backup_time_action '$fmt' (CRLF) is read" \
		'.verdict == "passed" and .rpo_actual_s >= 0 and .rpo_actual_s < 60'
done
finish
