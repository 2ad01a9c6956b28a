#!/usr/bin/env bash
# The two-hall lab: real sshd instances on loopback addresses standing in
# for the servers of hall A (127.0.0.2) and hall B (127.0.0.3), each bound
# to the controller's key through a forced command, all inside one per-run
# directory. Used by the integration tests, the benchmarks and the demo.
#
#   lab.sh start DIR [--agent BIN] [--hosts N] [NAME=ADDR:PORT ...]
#   lab.sh stop DIR
#
# start creates in DIR (which should be a fresh temporary directory):
#   controller_key(.pub)   the controller's ed25519 key (no passphrase)
#   known_hosts            [ADDR]:PORT entries for every host (no TOFU)
#   hostkey-ADDR           one host key per address (per hall)
#   hosts/NAME/            sshd_config, authorized_keys, agent.ini, spool/,
#                          scratch/, sshd.pid, sshd.log
#   backup/                the backup root every agent.ini allows
#   hosts.txt              "NAME ADDR PORT HALL" per host
#   pssh-hosts             "root@ADDR:PORT" per host (parallel-ssh -h)
#   ssh_config             ssh -F options: controller key, known_hosts, strict
# Hosts default to app-a=127.0.0.2:2201 and app-b=127.0.0.3:2202; --hosts N
# instead spreads N hosts over 127.0.0.10.. (port 2222) for the fan-out
# benchmark. The SSH user is root: the lab runs as root like the tests, and
# PermitRootLogin forced-commands-only lets that key run only the agent.
# stop kills every sshd of DIR by its pid file and waits for it to go;
# callers should `trap 'lab.sh stop DIR' EXIT`.
set -euo pipefail

SSHD=/usr/sbin/sshd

die() { echo "lab.sh: $*" >&2; exit 2; }

hall_of() {
	case "$1" in
	127.0.0.2) echo A ;;
	127.0.0.3) echo B ;;
	*) echo "$1" ;;
	esac
}

wait_port() { # addr port: until it accepts, at most ~10 s
	for _ in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

host_key() { # dir addr -> path of the (created once) host key of addr
	local k="$1/hostkey-$2"
	[ -f "$k" ] || ssh-keygen -q -t ed25519 -N '' -C "drillhall-lab-$2" -f "$k"
	echo "$k"
}

write_host() { # dir agent name addr port
	local dir=$1 agent=$2 name=$3 addr=$4 port=$5
	local h="$dir/hosts/$name" key
	key=$(host_key "$dir" "$addr")
	mkdir -p "$h/spool" "$h/scratch"
	chmod 700 "$h/spool"
	cat >"$h/agent.ini" <<-EOF
	[agent]
	scratch = $h/scratch
	spool = $h/spool
	backup_roots = $dir/backup
	EOF
	printf 'restrict,from="127.0.0.0/8",command="%s --config %s run" %s\n' \
		"$agent" "$h/agent.ini" "$(cat "$dir/controller_key.pub")" >"$h/authorized_keys"
	cat >"$h/sshd_config" <<-EOF
	ListenAddress $addr:$port
	HostKey $key
	PidFile $h/sshd.pid
	AuthorizedKeysFile $h/authorized_keys
	AuthenticationMethods publickey
	PubkeyAuthentication yes
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	PermitRootLogin forced-commands-only
	AllowUsers root
	PermitUserEnvironment no
	StrictModes no
	UsePAM no
	UseDNS no
	X11Forwarding no
	AllowTcpForwarding no
	MaxStartups 200:30:400
	LogLevel VERBOSE
	EOF
	echo "[$addr]:$port $(cut -d' ' -f1,2 "$key.pub")" >>"$dir/known_hosts"
	echo "$name $addr $port $(hall_of "$addr")" >>"$dir/hosts.txt"
	echo "root@$addr:$port" >>"$dir/pssh-hosts"
}

start_host() { # dir name addr port
	local h="$1/hosts/$2"
	"$SSHD" -f "$h/sshd_config" -E "$h/sshd.log" ||
		die "sshd for $2 did not start; see $h/sshd.log"
	wait_port "$3" "$4" || die "sshd for $2 does not accept on $3:$4; see $h/sshd.log"
}

cmd_start() {
	local dir=$1 agent=${DH_BIN:+$DH_BIN/drillhall-agent} n=0
	local specs=()
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--agent) agent=$2; shift 2 ;;
		--hosts) n=$2; shift 2 ;;
		*=*:*) specs+=("$1"); shift ;;
		*) die "unknown argument '$1'" ;;
		esac
	done
	[ -n "$agent" ] || die "no agent: give --agent BIN or set DH_BIN"
	[ -x "$agent" ] || die "agent $agent is not executable"
	agent=$(cd "$(dirname "$agent")" && pwd)/$(basename "$agent")
	[ "$(id -u)" = 0 ] || die "the lab runs sshd and must run as root"
	[ -d "$dir" ] || mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ -e "$dir/hosts.txt" ] && die "$dir already holds a lab; stop it or use a fresh dir"
	if [ "$n" -gt 0 ]; then
		[ "$n" -le 240 ] || die "--hosts at most 240"
		for i in $(seq 1 "$n"); do
			specs+=("$(printf 'bench-%02d' "$i")=127.0.0.$((9 + i)):2222")
		done
	elif [ ${#specs[@]} -eq 0 ]; then
		specs=(app-a=127.0.0.2:2201 app-b=127.0.0.3:2202)
	fi
	mkdir -p /run/sshd "$dir/backup" "$dir/hosts"
	chmod 700 "$dir"
	ssh-keygen -q -t ed25519 -N '' -C drillhall-controller -f "$dir/controller_key"
	: >"$dir/known_hosts"; : >"$dir/hosts.txt"; : >"$dir/pssh-hosts"
	cat >"$dir/ssh_config" <<-EOF
	Host *
	  User root
	  IdentityFile $dir/controller_key
	  IdentitiesOnly yes
	  UserKnownHostsFile $dir/known_hosts
	  GlobalKnownHostsFile /dev/null
	  StrictHostKeyChecking yes
	  BatchMode yes
	  LogLevel ERROR
	EOF
	local s name addr port
	for s in "${specs[@]}"; do
		name=${s%%=*}; addr=${s#*=}; port=${addr##*:}; addr=${addr%:*}
		[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "bad host name '$name'"
		[[ "$addr" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "$name: not loopback: $addr"
		write_host "$dir" "$agent" "$name" "$addr" "$port"
	done
	while read -r name addr port _; do
		start_host "$dir" "$name" "$addr" "$port"
	done <"$dir/hosts.txt"
	echo "lab: $(wc -l <"$dir/hosts.txt") host(s) up in $dir"
}

# The pid in file, if it is an sshd started for this lab dir.
lab_pid() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$2" || return 1
	echo "$pid"
}

cmd_stop() {
	local dir=$1 pf pid left
	[ -d "$dir/hosts" ] || return 0
	dir=$(cd "$dir" && pwd)
	for pf in "$dir"/hosts/*/sshd.pid; do
		[ -e "$pf" ] || continue
		pid=$(lab_pid "$pf" "$dir") && kill "$pid" 2>/dev/null || true
	done
	for _ in $(seq 1 50); do
		left=0
		for pf in "$dir"/hosts/*/sshd.pid; do
			[ -e "$pf" ] || continue
			lab_pid "$pf" "$dir" >/dev/null && left=1
		done
		[ $left = 0 ] && break
		sleep 0.1
	done
	for pf in "$dir"/hosts/*/sshd.pid; do
		[ -e "$pf" ] || continue
		pid=$(lab_pid "$pf" "$dir") && kill -9 "$pid" 2>/dev/null || true
		rm -f "$pf"
	done
	echo "lab: stopped $dir"
}

[ $# -ge 2 ] || die "usage: lab.sh start DIR [--agent BIN] [--hosts N] [NAME=ADDR:PORT ...] | lab.sh stop DIR"
case "$1" in
start) shift; cmd_start "$@" ;;
stop) cmd_stop "$2" ;;
*) die "unknown command '$1'" ;;
esac
