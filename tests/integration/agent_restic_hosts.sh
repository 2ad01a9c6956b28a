#!/usr/bin/env bash
# Two hosts back up into one restic repository (issue 12): the system's own
# host a1 last backed up 10 days ago, the other host b2 a minute ago.
# Without a filter the newest snapshot (b2's) is taken and the record says
# so; with snapshot_host, _tag or _path the system's own, 10 days old, is
# taken and fails on rpo; a filter nothing matches fails the backup check;
# a filter on another method is refused.
source "$(dirname "$0")/agent_lib.bash"
command -v restic >/dev/null || { echo "restic not installed"; exit 1; }

write_ini
R="$T/backup/repo"
echo secret-password >"$T/pw"
restic -q init -r "$R" --password-file "$T/pw" --no-cache
mkdir -p "$T/a1/srv-a" "$T/b2/srv-b"
printf 'a1 data\n' >"$T/a1/srv-a/a.txt"
printf 'b2 data\n' >"$T/b2/srv-b/b.txt"
old=$(date -u -d '10 days ago' '+%Y-%m-%d %H:%M:%S')
new=$(date -u -d '1 minute ago' '+%Y-%m-%d %H:%M:%S')
restic -q -r "$R" --password-file "$T/pw" --no-cache backup --host a1 --tag sys-a \
	--time "$old" "$T/a1/srv-a"
restic -q -r "$R" --password-file "$T/pw" --no-cache backup --host b2 --tag sys-b \
	--time "$new" "$T/b2/srv-b"

# hosts_job FILE ID FILTERS-JSON: rpo 1 day
hosts_job() {
	job "$1" "$2" "$(jq -n --arg r "$R" --arg pw "$T/pw" --argjson f "$3" '{
		method: "restic", repository: $r, password_file: $pw,
		verify: [ {kind: "min_files", n: 1} ] } + $f')" 86400
}

hosts_job "$T/none.json" none '{}'
run_job "$T/none.json"
expect_rc "no filter" 0
expect "no filter: the newest snapshot, b2's, passes" '.verdict == "passed"'
expect "no filter: the record names host b2" '.snapshot_host == "b2"'
expect "no filter: and its paths" ".snapshot_paths == [\"$T/b2/srv-b\"]"
expect "no filter: the backup check names host b2" \
	'any(.checks[]; .name == "backup" and (.detail | contains("of host b2")))'

filtered() { # filtered NAME FILTERS-JSON
	hosts_job "$T/$1.json" "$1" "$2"
	run_job "$T/$1.json"
	expect_rc "$1" 1
	expect "$1: a1's own snapshot, 10 days old, fails on rpo" \
		'.verdict == "failed" and any(.checks[]; .name == "rpo" and .verdict == "failed") and .rpo_actual_s > 86400 * 9'
	expect "$1: the record names host a1 and its path" \
		".snapshot_host == \"a1\" and .snapshot_paths == [\"$T/a1/srv-a\"]"
	expect "$1: the backup check names host a1" \
		'any(.checks[]; .name == "backup" and (.detail | contains("of host a1")))'
}
filtered host '{"snapshot_host": "a1"}'
filtered tag '{"snapshot_tag": "sys-a"}'
filtered path "$(jq -n --arg p "$T/a1/srv-a" '{snapshot_path: $p}')"
filtered all "$(jq -n --arg p "$T/a1/srv-a" '{snapshot_host: "a1", snapshot_tag: "sys-a", snapshot_path: $p}')"

# the filters narrow together: host b2 with a1's tag matches nothing
hosts_job "$T/nomatch.json" nomatch '{"snapshot_host": "b2", "snapshot_tag": "sys-a"}'
run_job "$T/nomatch.json"
expect_rc "no snapshot matches" 1
expect "no snapshot matches: the backup check fails naming the filters" \
	'.verdict == "failed" and any(.checks[]; .name == "backup" and .verdict == "failed" and (.detail | contains("--host=b2 --tag=sys-a")))'

# a value that looks like an option stays a value (one argv entry "--host=-v")
hosts_job "$T/dash.json" dash '{"snapshot_host": "-v"}'
run_job "$T/dash.json"
expect_rc "dash host" 1
expect "dash host: matches nothing, is not an option" \
	'any(.checks[]; .name == "backup" and .verdict == "failed" and (.detail | contains("--host=-v")))'

# a filter on another method, a tag with a comma, an older protocol: refused
mkdir -p "$T/backup/tars"
job "$T/tar.json" tarf "$(jq -n --arg r "$T/backup/tars" '{method: "tar", repository: $r, snapshot_host: "a1"}')"
run_job "$T/tar.json"
if [ "$rc" -eq 2 ] && grep -q "apply to method restic only" "$T/run.err"; then ok "filter on tar refused"
else not_ok "filter on tar: exit $rc"; fi
hosts_job "$T/comma.json" comma '{"snapshot_tag": "sys-a,sys-b"}'
run_job "$T/comma.json"
if [ "$rc" -eq 2 ] && grep -q "malformed" "$T/run.err"; then ok "tag with a comma refused"
else not_ok "tag with a comma: exit $rc"; fi
jq '.v = 1' "$T/host.json" >"$T/v1.json"
run_job "$T/v1.json"
if [ "$rc" -eq 2 ] && grep -q "protocol version 1, this agent speaks 3" "$T/run.err"; then
	ok "a protocol 1 job is refused, naming both versions"
else not_ok "protocol 1 job: exit $rc"; fi
finish
