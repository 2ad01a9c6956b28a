#!/usr/bin/env bash
# The lab's SSH side, end to end with real sshd: the lab starts both halls;
# the controller's key runs the forced command (`version` through
# SSH_ORIGINAL_COMMAND) in hall A and hall B and nothing else; a changed or
# unknown host key and a foreign client key are refused; stop leaves no
# sshd behind.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
: "${DH_BIN:?set DH_BIN to the build directory}" "${DH_SRC:?set DH_SRC to the source tree}"
lab="$DH_SRC/tests/lab/lab.sh"
dir=$(mktemp -d --suffix=.dh-lab-ssh)
trap 'bash "$lab" stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
sshc() { ssh -F "$dir/ssh_config" "$@"; }

pa=$(freeport 127.0.0.2) pb=$(freeport 127.0.0.3)
bash "$lab" start "$dir" --agent "$DH_BIN/drillhall-agent" app-a=127.0.0.2:$pa app-b=127.0.0.3:$pb
want="drillhall-agent $("$DH_BIN/drillhall-agent" version | awk '{print $2}')"
[ "$want" != "drillhall-agent " ] || fail "drillhall-agent version printed nothing"

# 1. the forced command answers `version` in both halls
for hp in 127.0.0.2:$pa 127.0.0.3:$pb; do
	out=$(sshc -p "${hp#*:}" "${hp%:*}" version) || fail "version via $hp"
	[[ "$out" == "$want" || "$out" == "$want "* ]] || fail "version via $hp said '$out'"
done
echo "ok: version through the forced command in hall A and hall B"

# 2. the key runs nothing else
set +e
out=$(sshc -p "$pa" 127.0.0.2 'cat /etc/passwd' 2>&1); rc=$?
set -e
[ $rc = 2 ] || fail "another command exited $rc"
grep -q 'root:' <<<"$out" && fail "another command ran"
grep -q 'only runs jobs' <<<"$out" || fail "no refusal message: $out"
fwdport=$(freeport 127.0.0.1)
set +e
# ssh itself in the background (not the sshc function's subshell), so that
# the kill below reaches it and no session outlives the test
ssh -F "$dir/ssh_config" -p "$pa" -N -L 127.0.0.1:$fwdport:127.0.0.1:$pa \
	-o ExitOnForwardFailure=yes -o ConnectTimeout=5 127.0.0.2 </dev/null >/dev/null 2>&1 &
fwd=$!
set -e
sleep 1
if (exec 3<>/dev/tcp/127.0.0.1/$fwdport) 2>/dev/null; then
	# the listener may exist client-side; the channel must still be refused
	out=$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$fwdport; head -c 4 <&3' 2>/dev/null || true)
	[ -z "$out" ] || fail "port forwarding through the controller key works"
fi
kill "$fwd" 2>/dev/null || true
wait "$fwd" 2>/dev/null || true
wait "$fwd" 2>/dev/null || true
echo "ok: other commands and forwarding refused"

# 3. a changed host key is refused (no TOFU), and so is an unknown one
ssh-keygen -q -t ed25519 -N '' -f "$dir/impostor"
sed "s|^\[127.0.0.3\]:$pb .*|[127.0.0.3]:$pb $(cut -d' ' -f1,2 "$dir/impostor.pub")|" \
	"$dir/known_hosts" >"$dir/known_hosts.changed"
set +e
out=$(sshc -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$dir/known_hosts.changed" \
	-o LogLevel=ERROR -p "$pb" 127.0.0.3 version 2>&1); rc=$?
set -e
[ $rc = 255 ] || fail "changed host key: exit $rc"
grep -qi 'host key' <<<"$out" || fail "changed host key: no host key message: $out"
: >"$dir/known_hosts.empty"
set +e
sshc -o UserKnownHostsFile="$dir/known_hosts.empty" -p "$pa" 127.0.0.2 version >/dev/null 2>&1
rc=$?
set -e
[ $rc = 255 ] || fail "unknown host key: exit $rc"
echo "ok: changed and unknown host keys refused"

# 4. a key other than the controller's gets nothing
ssh-keygen -q -t ed25519 -N '' -f "$dir/stranger"
set +e
ssh -F /dev/null -i "$dir/stranger" -o IdentitiesOnly=yes -o User=root \
	-o UserKnownHostsFile="$dir/known_hosts" -o StrictHostKeyChecking=yes \
	-o BatchMode=yes -p "$pa" 127.0.0.2 version >/dev/null 2>&1
rc=$?
set -e
[ $rc = 255 ] || fail "a foreign key was let in (exit $rc)"
echo "ok: a foreign client key is refused"

# 5. stop leaves nothing running and closes the ports
bash "$lab" stop "$dir"
for pf in "$dir"/hosts/*/sshd.pid; do
	[ -e "$pf" ] && fail "pid file left: $pf"
done
for hp in 127.0.0.2:$pa 127.0.0.3:$pb; do
	(exec 3<>"/dev/tcp/${hp%:*}/${hp#*:}") 2>/dev/null && fail "$hp still accepts"
done
pgrep -f -- "$dir/hosts" >/dev/null && fail "processes of the lab left"
echo "ok: lab stopped cleanly"
echo "PASS lab_ssh"
