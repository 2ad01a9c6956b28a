#!/usr/bin/env bash
# Write errors during the restore, for every method: the scratch directory
# is a 2 MiB tmpfs and the backup holds 4 x 2 MiB of data. Each method's
# `restore` check fails naming the file and the cause (no space left), so
# files full of zeros can never pass min_files / min_bytes / file checks.
source "$(dirname "$0")/agent_lib.bash"
command -v restic >/dev/null || { echo "restic not installed"; exit 1; }
mounted=""
trap 'if [ -n "$mounted" ]; then umount "$mounted" 2>/dev/null || true; fi; cleanup' EXIT

write_ini "[action copy]" "command = /bin/cp -a $T/data/. ." \
	"[action when]" "command = /bin/date -u +%Y-%m-%dT%H:%M:%SZ"
mkdir -p "$T/data"
for i in 1 2 3 4; do head -c 2097152 /dev/urandom >"$T/data/f$i"; done
"$AGENT" manifest "$T/data" >"$T/manifest.sha256"
mount -t tmpfs -o size=2m tmpfs "$T/scratch"
mounted="$T/scratch"
verifies='[{"kind": "min_files", "n": 4}, {"kind": "min_bytes", "n": 8388608}, {"kind": "file", "arg": "f4"}]'
full_disk() { # full_disk NAME FILE-PATTERN — rec.json shows the write error
	expect_rc "$1" 1
	expect "$1: failed" '.verdict == "failed"'
	expect "$1: restore check names the file and the cause" \
		"any(.checks[]; .name == \"restore\" and .verdict == \"failed\" and
		(.detail | test(\"$2\") and test(\"[Nn]o space left on device\")))"
	scratch_empty "$1"
}

# tar: libarchive's failed write() is only a warning to it
mkdir -p "$T/backup/archives"
tar -C "$T/data" -cf "$T/backup/archives/sys.tar" .
job "$T/j-tar.json" tar "$(jq -n --argjson v "$verifies" --arg r "$T/backup/archives" '{
	method: "tar", repository: $r, verify: $v }')"
run_job "$T/j-tar.json"
full_disk "tar onto a full disk" "cannot (write|create|finish) \\\\./f[1-4]: "

# the same archive gzipped (data reaches libarchive in other block sizes)
gzip -1 -c "$T/backup/archives/sys.tar" >"$T/backup/archives/sys2.tar.gz"
run_job "$T/j-tar.json"
full_disk "tar.gz onto a full disk" "cannot (write|create|finish) \\\\./f[1-4]: "

# restic: it goes on after a failed write ("ignoring error for") and exits 1
R="$T/backup/repo"
echo pw >"$T/pw"
restic -q init -r "$R" --password-file "$T/pw" --no-cache
(cd "$T/data" && restic -q -r "$R" --password-file "$T/pw" --no-cache backup .)
job "$T/j-restic.json" restic "$(jq -n --argjson v "$verifies" --arg r "$R" --arg pw "$T/pw" '{
	method: "restic", repository: $r, password_file: $pw, verify: $v }')"
run_job "$T/j-restic.json"
full_disk "restic onto a full disk" "could not be written: /f[1-4]: write .*/f[1-4]: "

# action: its exit code (cp reports the full disk and exits 1)
job "$T/j-act.json" act "$(jq -n --argjson v "$verifies" '{method: "action",
	restore_action: "copy", backup_time_action: "when", verify: $v }')"
run_job "$T/j-act.json"
expect_rc "action onto a full disk" 1
expect "action onto a full disk: restore fails on its exit status" \
	'.verdict == "failed" and any(.checks[]; .name == "restore" and .verdict == "failed" and (.detail | contains("exit status 1")))'
expect "action onto a full disk: its output names the cause" '.output | test("[Nn]o space left on device")'
scratch_empty "action onto a full disk"

# the same restores with room to spare pass (the failures above are the disk's)
umount "$T/scratch"
mounted=""
for j in tar restic act; do
	run_job "$T/j-$j.json"
	expect "$j with room to spare passes" '.verdict == "passed"'
done
[ -n "${DH_DEBUG:-}" ] && jq -c ".checks[]" "$T/rec.json"
finish
