#!/usr/bin/env bash
# The restore test against real restic: a clean restore passes; a backup
# whose content differs from the manifest (flipped byte, truncated,
# deleted, extra file) fails naming the file; a stale backup fails on rpo;
# a damaged pack fails; a missing repository, one outside backup_roots
# (also by prefix trick) and a wrong password are errors, not failures.
source "$(dirname "$0")/agent_lib.bash"
command -v restic >/dev/null || { echo "restic not installed"; exit 1; }

write_ini
R="$T/backup/repo"
echo secret-password >"$T/pw"
restic -q init -r "$R" --password-file "$T/pw" --no-cache
mkdir -p "$T/data/sub dir"
printf 'hello\n' >"$T/data/a.txt"
head -c 100000 /dev/urandom >"$T/data/sub dir/big.bin"
printf 'x' >"$T/data/sub dir/one"
"$AGENT" manifest "$T/data" >"$T/manifest.sha256"

backup() { # backup DIR [restic backup flags]
	local d=$1; shift
	(cd "$d" && restic -q -r "$R" --password-file "$T/pw" --no-cache backup "$@" .)
}
restic_job() { # restic_job FILE ID [rpo]
	job "$1" "$2" "$(jq -n --arg r "$R" --arg pw "$T/pw" --arg m "$T/manifest.sha256" '{
		method: "restic", repository: $r, password_file: $pw,
		verify: [ {kind: "manifest", arg: $m}, {kind: "min_files", n: 3},
			{kind: "min_bytes", n: 100000}, {kind: "file", arg: "a.txt"} ] }')" "${3:-86400}"
}

backup "$T/data"
restic_job "$T/j1.json" clean
run_job "$T/j1.json"
expect_rc "clean restore" 0
expect "clean restore passes" '.verdict == "passed"'
expect "files and bytes verified" '.files_verified == 3 and .bytes_verified == 100007'
expect "rpo and rto are checks" '[.checks[].name] | index("rpo") != null and index("rto") != null'
expect "snapshot and backup time recorded" '.snapshot.id != null and .backup_at != null and .snapshot.time == .backup_at and .snapshot.archive == null'
expect "no secret in the record" '(tostring | contains("secret-password") or contains("0123456789abcdef0123")) | not'
scratch_empty "clean restore"

variant() { # variant NAME MUTATION-COMMAND EXPECTED-PATH EXPECTED-PROBLEM-PREFIX
	rm -rf "$T/v" && cp -a "$T/data" "$T/v"
	(cd "$T/v" && eval "$2")
	backup "$T/v"
	restic_job "$T/j-$1.json" "$1"
	run_job "$T/j-$1.json"
	expect_rc "$1" 1
	expect "$1 fails" '.verdict == "failed"'
	expect "$1 names $3" "any(.mismatches[]; .path == \"$3\" and (.problem | startswith(\"$4\")))"
	scratch_empty "$1"
}
variant flipped "printf 'X' | dd of='sub dir/big.bin' bs=1 seek=500 conv=notrunc 2>/dev/null" "sub dir/big.bin" changed
variant truncated "truncate -s 5000 'sub dir/big.bin'" "sub dir/big.bin" changed
variant deleted "rm a.txt" a.txt missing
variant extra "echo surprise >new.txt" new.txt extra

# stale: the only (so newest) snapshot of a second repository is from 2020
R1=$R R="$T/backup/stale"
restic -q init -r "$R" --password-file "$T/pw" --no-cache
backup "$T/data" --time "2020-01-01 00:00:00"
restic_job "$T/j-stale.json" stale 3600
run_job "$T/j-stale.json"
R=$R1
expect_rc "stale backup" 1
expect "stale backup fails on rpo" 'any(.checks[]; .name == "rpo" and .verdict == "failed") and .rpo_actual_s > 3600'
expect "stale backup restores fine otherwise" 'any(.checks[]; .name == "restore" and .verdict == "passed")'

# damaged pack: flip bytes in the middle of the largest data pack
backup "$T/data"
pack=$(find "$R/data" -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
chmod u+w "$pack"
size=$(stat -c %s "$pack")
printf 'DAMAGED!' | dd of="$pack" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
restic_job "$T/j-damaged.json" damaged
run_job "$T/j-damaged.json"
expect_rc "damaged pack" 1
expect "damaged pack fails" '.verdict == "failed"'
expect "damaged pack: restore check failed" 'any(.checks[]; .name == "restore" and .verdict == "failed")'
scratch_empty "damaged pack"

# errors, not failures
job "$T/j-missing.json" missing "$(jq -n --arg r "$T/backup/nope" --arg pw "$T/pw" '{method: "restic", repository: $r, password_file: $pw}')"
run_job "$T/j-missing.json"
expect_rc "missing repository" 2
expect "missing repository is error" '.verdict == "error" and (.error | contains("nope"))'

mkdir -p "$T/backup2/repo"
job "$T/j-prefix.json" prefix "$(jq -n --arg r "$T/backup2/repo" --arg pw "$T/pw" '{method: "restic", repository: $r, password_file: $pw}')"
run_job "$T/j-prefix.json"
expect "prefix trick /backup2 is outside /backup" '.verdict == "error" and (.error | contains("outside the backup_roots"))'

ln -s "$T/backup2/repo" "$T/backup/link"
job "$T/j-link.json" link "$(jq -n --arg r "$T/backup/link" --arg pw "$T/pw" '{method: "restic", repository: $r, password_file: $pw}')"
run_job "$T/j-link.json"
expect "symlink out of backup_roots is refused" '.verdict == "error" and (.error | contains("outside"))'

echo wrong >"$T/badpw"
job "$T/j-pw.json" badpw "$(jq -n --arg r "$R" --arg pw "$T/badpw" '{method: "restic", repository: $r, password_file: $pw}')"
run_job "$T/j-pw.json"
expect "wrong password is error" '.verdict == "error"'

mkdir -p "$T/scratch/sys/reused"
restic_job "$T/j-reused.json" reused
run_job "$T/j-reused.json"
expect "an existing target is refused, not removed" '.verdict == "error" and (.error | contains("fresh target"))'
[ -d "$T/scratch/sys/reused" ] && ok "existing target left alone" || not_ok "existing target was removed"
finish
