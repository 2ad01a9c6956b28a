#!/usr/bin/env bash
# `drillhall hosts --authorized-keys` against a real sshd: the lab
# (tests/lab/lab.sh) writes its authorized_keys with the command, here
# for an agent installed under a path with a space and a quote, so the
# line's quoting is proved by sshd and the user's shell running it: the
# agent answers `version` and runs nothing else. A line with another
# from= is refused by sshd. The text format, and the refusals (no public
# key, a private key where the public one belongs, --from without
# --authorized-keys, a --from that would break out of its quotes), each
# with exit 2 and a message.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/expect.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
lab="$DH_SRC/tests/lab/lab.sh"
work=$(mktemp -d)
chmod 755 "$work"
trap 'lab_cleanup "$work"' EXIT
dh=$DH_BIN/drillhall

agent_dir="$work/agent dir/it's"
mkdir -p "$agent_dir"
cp "$DH_BIN/drillhall-agent" "$agent_dir/drillhall-agent"
pa=$(freeport 127.0.0.2)
bash "$lab" start "$work/lab" --agent "$agent_dir/drillhall-agent" --controller "$dh" \
	app-a=127.0.0.2:"$pa" >/dev/null
ak=$work/lab/hosts/app-a/authorized_keys
want_cmd="command=\"'$work/agent dir/it'\\''s/drillhall-agent' --config $work/lab/hosts/app-a/agent.ini run\""
grep -F "restrict,from=\"127.0.0.0/8\",$want_cmd ssh-ed25519 " "$ak" >/dev/null ||
	fail "authorized_keys: $(cat "$ak")"
[ "$(wc -l <"$ak")" = 1 ] || fail "authorized_keys has $(wc -l <"$ak") lines"

# sshd and sh run the quoted path: the agent answers, and runs nothing else
sshc() { ssh -F "$work/lab/ssh_config" -p "$pa" 127.0.0.2 "$@"; }
out=$(sshc version) || fail "version through the forced command failed"
[[ "$out" == "drillhall-agent "* ]] || fail "version said '$out'"
rc=0
sshc 'cat /etc/passwd' >"$work/out" 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "another command exited $rc: $(cat "$work/out")"
grep '^root:' "$work/out" >/dev/null && fail "another command ran"
echo "ok: the printed line runs the agent under a quoted path, and nothing else"

# from= is enforced: a line for another controller address is refused
plans=$work/lab/authorized-keys-plans
"$dh" --config "$plans/controller.ini" --plans "$plans" hosts --authorized-keys \
	--from 10.9.9.9 --format json | jq -r '.authorized_keys[0].line' >"$ak"
grep -F 'restrict,from="10.9.9.9",' "$ak" >/dev/null || fail "--from 10.9.9.9: $(cat "$ak")"
rc=0
sshc version >"$work/out" 2>&1 || rc=$?
[ "$rc" = 255 ] || fail "a key limited to 10.9.9.9 logged in from 127.0.0.1 (exit $rc)"
echo "ok: from= keeps the key to the controller's address"

# text: a comment naming the host, then the line
expect 0 "$dh" --config "$plans/controller.ini" --plans "$plans" hosts --authorized-keys
[ "$(sed -n 1p "$work/out")" = "# app-a: root@127.0.0.2 port $pa" ] || fail "text head: $(head -1 "$work/out")"
line=$(sed -n 2p "$work/out")
[[ "$line" == "restrict,$want_cmd ssh-ed25519 "*" drillhall-controller" ]] || fail "text line: $line"

# refusals
expect 2 "$dh" --config "$plans/controller.ini" --plans "$plans" hosts --from 10.0.0.1
grep -F -- '--from goes with --authorized-keys' "$work/err" >/dev/null || fail "--from alone: $(cat "$work/err")"
expect 2 "$dh" --config "$plans/controller.ini" --plans "$plans" hosts --authorized-keys \
	--from '1.2.3.4",command="sh'
grep -F -- "--from '1.2.3.4\",command=\"sh': only addresses" "$work/err" >/dev/null || fail "bad --from: $(cat "$work/err")"
[ -s "$work/out" ] && fail "bad --from printed lines: $(cat "$work/out")"
cp "$work/lab/controller_key" "$work/lab/controller_key.pub"
expect 2 "$dh" --config "$plans/controller.ini" --plans "$plans" hosts --authorized-keys
grep -F "private key, not a public key line" "$work/err" >/dev/null || fail "private key: $(cat "$work/err")"
rm "$work/lab/controller_key.pub"
expect 2 "$dh" --config "$plans/controller.ini" --plans "$plans" hosts --authorized-keys
grep -F "ssh-keygen -y -f $work/lab/controller_key" "$work/err" >/dev/null || fail "no public key: $(cat "$work/err")"
echo "ok: refusals exit 2 and say why"
[ "$fails" -eq 0 ]
