# Sourced by the check/plan scripts that count failures instead of stopping
# at the first: fail MSG says it and counts it in $fails (the script ends
# with `[ "$fails" -eq 0 ]`); expect CODE CMD... runs CMD with stdout and
# stderr in $work/out and $work/err and fails unless it exits CODE.
# Needs $work set.
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
	local want=$1 rc=0
	shift
	"$@" >"$work/out" 2>"$work/err" || rc=$?
	[ "$rc" -eq "$want" ] || fail "exit $rc, wanted $want: $* ($(head -c 300 "$work/err"))"
}
