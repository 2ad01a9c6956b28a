#!/usr/bin/env bash
# drillhall check on two systems restoring from one restic repository
# (issue 12): a warning at the later system's [restore] naming both and the
# repository when nothing tells them apart (also written with a trailing
# slash, also with equal filters); none when a host, tag or path differs;
# snapshot filters on tar are errors with file:line; plan shows the filters.
set -euo pipefail
bin=${DH_BIN:?}/drillhall
src=${DH_SRC:?}
now=2026-11-27T12:00:00Z
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/integration/expect.bash
. "$(dirname "$0")/expect.bash"
plan() { # plan NAME REPO-A FILTERS-A REPO-B FILTERS-B (filters: lines, "" for none)
	local d=$work/$1
	rm -rf "$d" && mkdir -p "$d/systems"
	cp "$src/tests/data/plans/base/policy.ini" "$src/tests/data/plans/base/inventory.ini" "$d/"
	sys "$d" payroll "$2" "$3"
	sys "$d" procapita "$4" "$5"
	echo "$d"
}
sys() { # sys DIR ID REPO FILTERS
	printf '[system]\nname = %s\nboard = B\nclassified = 2025-01-01\navailability = 2\n\n[restore]\nhost = backup-b1\nmethod = restic\nrepository = %s\npassword_file = /etc/drillhall/pw\n%s\n' \
		"$2" "$3" "$4" >"$1/systems/$2.ini"
}
warned() { grep -q "^systems/procapita.ini:7: warning: systems payroll and procapita restore from one restic repository $1 without a snapshot filter" "$work/out"; }

d=$(plan none /srv/restic "" /srv/restic "")
expect 0 "$bin" check --plans "$d" --now "$now"
warned /srv/restic || fail "no filters: no warning ($(cat "$work/out"))"
expect 0 "$bin" check --plans "$d" --now "$now" --format json
jq -e '.problems[] | select(.severity == "warning" and .file == "systems/procapita.ini" and .line == 7 and (.message | contains("payroll and procapita")))' \
	"$work/out" >/dev/null || fail "no filters: json warning"

d=$(plan slash /srv/restic "" /srv/restic// "")
expect 0 "$bin" check --plans "$d" --now "$now"
warned /srv/restic// || fail "trailing slash: no warning"

d=$(plan same /srv/restic "snapshot_host = app-a1" /srv/restic "snapshot_host = app-a1")
expect 0 "$bin" check --plans "$d" --now "$now"
warned /srv/restic || fail "equal hosts: no warning"

apart() { # apart FILTERS-A FILTERS-B: told apart, no warning
	d=$(plan apart /srv/restic "$1" /srv/restic "$2")
	expect 0 "$bin" check --plans "$d" --now "$now"
	grep -q "warning: systems payroll and procapita" "$work/out" && fail "told apart ($1 / $2): warned"
	return 0
}
apart "snapshot_host = app-a1" "snapshot_host = app-b1"
apart "" "snapshot_tag = procapita"
apart "snapshot_host = app-a1" "snapshot_host = app-a1
snapshot_path = /srv/procapita"

d=$(plan other /srv/restic-a "" /srv/restic-b "")
expect 0 "$bin" check --plans "$d" --now "$now"
grep -q "one restic repository" "$work/out" && fail "two repositories: warned"

# a filter on tar is an error at its line
d=$(plan tar /srv/restic "" /srv/restic-b "")
printf '[system]\nname = T\nboard = B\nclassified = 2025-01-01\navailability = 2\n\n[restore]\nhost = backup-b1\nmethod = tar\nrepository = /srv/t\nsnapshot_tag = x\n' >"$d/systems/t.ini"
expect 1 "$bin" check --plans "$d" --now "$now"
grep -q "^systems/t.ini:11: error: 'snapshot_tag' does not apply to \[restore\] method tar" "$work/out" ||
	fail "filter on tar: $(cat "$work/out")"

# plan shows the filters (json: null when absent)
d=$(plan shown /srv/restic "snapshot_host = app-a1" /srv/restic "snapshot_tag = pc
snapshot_path = /srv/pc")
expect 0 "$bin" plan --plans "$d" --now "$now" --format json
jq -e '[.systems[] | .restore | {snapshot_host, snapshot_tag, snapshot_path}] ==
	[{"snapshot_host":"app-a1","snapshot_tag":null,"snapshot_path":null},
	 {"snapshot_host":null,"snapshot_tag":"pc","snapshot_path":"/srv/pc"}]' "$work/out" >/dev/null ||
	fail "plan json filters: $(jq -c '[.systems[].restore]' "$work/out" 2>&1 | head -c 400)"
expect 0 "$bin" plan --plans "$d" --now "$now"
grep -q "app-a1" "$work/out" && grep -q "/srv/pc" "$work/out" || fail "plan text filters"

[ "$fails" -eq 0 ] && echo "ok - plan_shared_repo"
exit $((fails > 0))
