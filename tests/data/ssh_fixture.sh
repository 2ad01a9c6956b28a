#!/usr/bin/env bash
# A throwaway sshd for the SSH dispatch tests (not the two-hall lab):
#   ssh_fixture.sh start DIR ADDR PORT   keys, config, sshd on ADDR:PORT
#   ssh_fixture.sh rekey DIR             new host key, sshd restarted (a "changed" key)
#   ssh_fixture.sh stop DIR
# DIR gets client_key (authorized with a forced command), known_hosts
# pinning the host key as "[ADDR]:PORT", sshd.log, and `executed`, one
# line per command the forced command ran. The forced command answers
# "version", echoes the job for "run" (or execs DIR/agent when present),
# and refuses anything else with exit 3. Needs root (sshd) and
# /usr/sbin/sshd.
# Logins are as the system user dh-fixture (shell /bin/sh, created when
# absent), as a real agent's service account: root's login shell here
# reads rc files that cost ~0.8 s of CPU per login and would make the
# tests measure them. DIR is handed to that user; its parent directories
# must be traversable (o+x).
set -euo pipefail
cmd=$1 dir=$2

wait_port() {
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
		sleep 0.05
	done
	echo "ssh_fixture: sshd did not start on $1:$2" >&2
	cat "$dir/sshd.log" >&2
	return 1
}

start_sshd() {
	mkdir -p /run/sshd
	: >"$dir/sshd.log"
	/usr/sbin/sshd -D -e -f "$dir/sshd_config" 2>>"$dir/sshd.log" &
	echo $! >"$dir/sshd.pid"
	wait_port "$(cat "$dir/addr")" "$(cat "$dir/port")"
}

stop_sshd() {
	if [ -f "$dir/sshd.pid" ]; then
		kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null || break; sleep 0.05; done
		rm -f "$dir/sshd.pid"
	fi
}

pin() {
	echo "[$(cat "$dir/addr")]:$(cat "$dir/port") $(cut -d' ' -f1,2 "$dir/host_key.pub")" >"$dir/known_hosts"
}

ensure_user() {
	id -u dh-fixture >/dev/null 2>&1 && return 0
	# password "*": no password login, but not locked (sshd refuses locked users)
	useradd --system --no-create-home --home-dir / --shell /bin/sh \
		--comment "drillhall ssh fixture" --password '*' dh-fixture 2>/dev/null ||
		id -u dh-fixture >/dev/null 2>&1 # another fixture created it meanwhile
}

case $cmd in
start)
	addr=$3 port=$4
	mkdir -p "$dir"
	echo "$addr" >"$dir/addr"
	echo "$port" >"$dir/port"
	ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
	ssh-keygen -q -t ed25519 -N '' -f "$dir/other_key"
	cat >"$dir/forced.sh" <<FORCED
#!/bin/sh
echo "\$SSH_ORIGINAL_COMMAND" >>"$dir/executed"
if [ -x "$dir/agent" ]; then exec "$dir/agent"; fi
case "\$SSH_ORIGINAL_COMMAND" in
version) echo "drillhall-agent 0.1.0-fixture" ;;
run) cat >"$dir/last_job"; echo "accepted \$(wc -c <"$dir/last_job")" ;;
sleep) sleep 30 ;;
*) echo "refused: \$SSH_ORIGINAL_COMMAND" >&2; exit 3 ;;
esac
FORCED
	chmod 755 "$dir/forced.sh"
	echo "command=\"$dir/forced.sh\",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding $(cat "$dir/client_key.pub")" >"$dir/authorized_keys"
	cat >"$dir/sshd_config" <<CFG
Port $port
ListenAddress $addr
HostKey $dir/host_key
AuthorizedKeysFile $dir/authorized_keys
PidFile $dir/sshd.pid.sshd
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
LogLevel VERBOSE
MaxStartups 200
MaxSessions 50
CFG
	pin
	ensure_user
	chown -R dh-fixture "$dir"
	start_sshd
	;;
rekey)
	stop_sshd
	rm -f "$dir/host_key" "$dir/host_key.pub"
	ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
	start_sshd   # known_hosts keeps the old key
	;;
stop)
	stop_sshd
	;;
*)
	echo "usage: ssh_fixture.sh start DIR ADDR PORT | rekey DIR | stop DIR" >&2
	exit 2
	;;
esac
