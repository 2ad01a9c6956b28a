#!/usr/bin/env bash
# The two-hall lab: real sshd instances on loopback addresses standing in
# for the servers of hall A (127.0.0.2) and hall B (127.0.0.3), each bound
# to the controller's key through a forced command, all inside one per-run
# directory. Used by the integration tests, the benchmarks and the demo.
#
#   lab.sh start DIR [--agent BIN] [--controller BIN]
#                    [--hosts N | --inventory FILE | NAME=ADDR:PORT ...]
#                    [--user USER] [--url URL] [--backup-root DIR]
#                    [--agent-ini-extra FILE] [--ca-file PEM]
#                    [--pg NAME=ADDR:PORT --pg NAME=ADDR:PORT]
#   lab.sh stop DIR
#
# start creates in DIR (which should be a fresh temporary directory):
#   controller_key(.pub)   the controller's ed25519 key (no passphrase)
#   known_hosts            [ADDR]:PORT entries for every host (no TOFU)
#   hostkey-ADDR           one host key per address (per hall)
#   hosts/NAME/            sshd_config, authorized_keys, agent.ini, spool/,
#                          scratch/, sshd.pid, sshd.log; authorized_keys is
#                          the host's line of `drillhall hosts
#                          --authorized-keys --from 127.0.0.0/8` (the
#                          controller binary: --controller, else drillhall
#                          beside the agent), kept in authorized_keys.json
#   backup/                the backup root every agent.ini allows (plus any
#                          --backup-root; --agent-ini-extra FILE is appended
#                          to every agent.ini, e.g. [action NAME] sections;
#                          --ca-file sets ca_file, the controller's CA, for
#                          a controller URL over https)
#   hosts.txt              "NAME ADDR PORT HALL USER" per host
#   pssh-hosts             "USER@ADDR:PORT" per host (parallel-ssh -h)
#   ssh_config             ssh -F options: controller key, known_hosts, strict
#   inventory.ini          the lab as a plans/inventory.ini (controller url
#                          from --url, ssh_key and known_hosts of the lab,
#                          each host's agent and agent_config)
# Hosts default to app-a=127.0.0.2:2201 and app-b=127.0.0.3:2202; --hosts N
# spreads N hosts over 127.0.0.10.. (port 2222) for the fan-out benchmark;
# --inventory takes every [host NAME] (address, port, hall, user) of a
# plans/inventory.ini. The SSH user is root unless --user or the inventory
# names another: the lab runs as root like the tests, and PermitRootLogin
# forced-commands-only lets that key run only the agent. Another user is
# created (system account) when absent, owns its host's spool and scratch,
# and needs DIR's parent directories to be traversable.
# --pg twice (primary first, then standby) also starts a replicated
# PostgreSQL in DIR/pg (tests/lab/pg.sh): each node on its address and
# port, and the agent.ini of the lab host NAME gets that node's actions
# (fence, stop, write-marker, check-marker, promote, check-primary,
# check-standby, rejoin-as-standby). DIR and its parents must be
# traversable by the postgres user.
# stop kills every sshd of DIR by its pid file and waits for it to go;
# callers should `trap 'lab.sh stop DIR' EXIT`. It stops DIR's PostgreSQL
# nodes first.
set -euo pipefail

SSHD=/usr/sbin/sshd
top=$(cd "$(dirname "$0")/../.." && pwd)
extra_roots=
ini_extra=
ca_file=

die() { echo "lab.sh: $*" >&2; exit 2; }

hall_of() {
	case "$1" in
	127.0.0.2) echo A ;;
	127.0.0.3) echo B ;;
	*) echo "lab-${1//./-}" ;; # a valid hall id of its own
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

write_host() { # dir agent name addr port hall user
	local dir=$1 agent=$2 name=$3 addr=$4 port=$5 hall=$6 user=$7
	local h="$dir/hosts/$name" key
	key=$(host_key "$dir" "$addr")
	mkdir -p "$h/spool" "$h/scratch"
	chmod 700 "$h/spool"
	[ "$user" = root ] || chown "$user" "$h/spool" "$h/scratch"
	cat >"$h/agent.ini" <<-EOF
	[agent]
	scratch = $h/scratch
	spool = $h/spool
	backup_roots = $dir/backup${extra_roots:+ $extra_roots}
	EOF
	[ -z "$ca_file" ] || echo "ca_file = $ca_file" >>"$h/agent.ini"
	if [ -n "$ini_extra" ]; then
		echo >>"$h/agent.ini"
		cat "$ini_extra" >>"$h/agent.ini"
	fi
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
	AllowUsers $user
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
	echo "$name $addr $port $hall $user" >>"$dir/hosts.txt"
	echo "$user@$addr:$port" >>"$dir/pssh-hosts"
}

# "NAME ADDR PORT HALL USER" for every [host NAME] of a plans inventory.ini
read_inventory() {
	awk '
	function flush() { if (name != "") print name, addr, port, hall, user; name = "" }
	{ sub(/[ \t]+;.*$/, ""); sub(/^[ \t]+/, ""); sub(/[ \t]+$/, "") }
	/^\[host [^]]+\]$/ { flush(); name = substr($0, 7, length($0) - 7)
		addr = port = hall = ""; user = "root"; next }
	/^\[/ { flush(); next }
	name != "" && /=/ { k = $0; sub(/[ \t]*=.*/, "", k); v = $0; sub(/^[^=]*=[ \t]*/, "", v)
		if (k == "address") addr = v; else if (k == "port") port = v
		else if (k == "hall") hall = v; else if (k == "user") user = v }
	END { flush() }' "$1"
}

write_ssh_config() { # dir: per-host blocks first (ssh takes the first value)
	local name addr port hall user
	while read -r name addr port hall user; do
		printf 'Host %s\n  HostName %s\n  Port %s\n  User %s\n' "$name" "$addr" "$port" "$user"
	done <"$1/hosts.txt" >"$1/ssh_config"
	cat >>"$1/ssh_config" <<-EOF
	Host *
	  User root
	  IdentityFile $1/controller_key
	  IdentitiesOnly yes
	  UserKnownHostsFile $1/known_hosts
	  GlobalKnownHostsFile /dev/null
	  StrictHostKeyChecking yes
	  BatchMode yes
	  LogLevel ERROR
	EOF
}

ensure_user() {
	[ "$1" = root ] && return 0
	[[ "$1" =~ ^[a-z_][a-z0-9_-]*$ ]] || die "bad user name '$1'"
	if ! id -u "$1" >/dev/null 2>&1; then
		# password "*": no password login, but not locked (sshd refuses locked users)
		useradd --system --no-create-home --home-dir / --shell /bin/sh \
			--comment "drillhall lab agent" --password '*' "$1" ||
			die "cannot create user $1"
		echo "lab: created system user $1" >&2
	elif [ "$(getent passwd "$1" | cut -d: -f5)" = "drillhall lab agent" ]; then
		usermod --password "*" --home / "$1" # ours, from an older lab: keep it usable
	fi
}

write_inventory() { # dir url agent
	local name addr port hall user
	{
		echo "; the lab $1 as an inventory (tests/lab/lab.sh)"
		echo "[controller]"
		echo "url = $2"
		echo "ssh_key = $1/controller_key"
		echo "known_hosts = $1/known_hosts"
		for hall in $(awk '{print $4}' "$1/hosts.txt" | sort -u); do
			printf '\n[hall %s]\nname = Lab hall %s\n' "$hall" "$hall"
		done
		while read -r name addr port hall user; do
			printf '\n[host %s]\nhall = %s\naddress = %s\nport = %s\nuser = %s\n' \
				"$name" "$hall" "$addr" "$port" "$user"
			printf 'agent = %s\nagent_config = %s\n' "$3" "$1/hosts/$name/agent.ini"
		done <"$1/hosts.txt"
	} >"$1/inventory.ini"
}

# Every host's authorized_keys as the operator makes it: from the
# controller, `drillhall hosts --authorized-keys` over the lab's inventory
# (and the shipped policy, which that command needs to load a plan), so
# every lab login proves the line it prints.
write_authorized_keys() { # dir controller-binary
	local dir=$1 p=$1/authorized-keys-plans name line
	mkdir -p "$p/systems"
	cp "$top/plans/policy.ini" "$p/policy.ini"
	cp "$dir/inventory.ini" "$p/inventory.ini"
	: >"$p/controller.ini"
	"$2" --config "$p/controller.ini" --plans "$p" hosts --authorized-keys \
		--from 127.0.0.0/8 --format json >"$dir/authorized_keys.json" ||
		die "drillhall hosts --authorized-keys failed"
	while read -r name _; do
		line=$(jq -r --arg h "$name" '.authorized_keys[] | select(.host == $h) | .line' \
			"$dir/authorized_keys.json")
		[ -n "$line" ] || die "no authorized_keys line for $name"
		echo "$line" >"$dir/hosts/$name/authorized_keys"
	done <"$dir/hosts.txt"
}

start_host() { # dir name addr port
	local h="$1/hosts/$2"
	if (exec 3<>"/dev/tcp/$3/$4") 2>/dev/null; then
		die "$3:$4 (host $2) is already taken; is another lab running?"
	fi
	"$SSHD" -f "$h/sshd_config" -E "$h/sshd.log" ||
		die "sshd for $2 did not start; see $h/sshd.log"
	wait_port "$3" "$4" || die "sshd for $2 does not accept on $3:$4; see $h/sshd.log"
}

cmd_start() {
	local dir=$1 agent=${DH_BIN:+$DH_BIN/drillhall-agent} n=0 inv= user= url=http://127.0.0.1:8080
	local dh=
	local specs=() pgs=()
	shift
	while [ $# -gt 0 ]; do
		case "$1" in
		--agent) agent=$2; shift 2 ;;
		--controller) dh=$2; shift 2 ;;
		--hosts) n=$2; shift 2 ;;
		--inventory) inv=$2; shift 2 ;;
		--user) user=$2; shift 2 ;;
		--url) url=$2; shift 2 ;;
		--backup-root) extra_roots="${extra_roots:+$extra_roots }$2"; shift 2 ;;
		--ca-file) ca_file=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
		--agent-ini-extra) ini_extra=$(cd "$(dirname "$2")" && pwd)/$(basename "$2"); shift 2 ;;
		--pg) pgs+=("$2"); shift 2 ;;
		*=*:*) specs+=("$1"); shift ;;
		*) die "unknown argument '$1'" ;;
		esac
	done
	[ -n "$agent" ] || die "no agent: give --agent BIN or set DH_BIN"
	[ -x "$agent" ] || die "agent $agent is not executable"
	agent=$(cd "$(dirname "$agent")" && pwd)/$(basename "$agent")
	dh=${dh:-$(dirname "$agent")/drillhall}
	[ -x "$dh" ] || die "controller $dh is not executable (give --controller BIN)"
	[ "$(id -u)" = 0 ] || die "the lab runs sshd and must run as root"
	[ -d "$dir" ] || mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ -e "$dir/hosts.txt" ] && die "$dir already holds a lab; stop it or use a fresh dir"
	if [ -n "$inv" ]; then
		[ -r "$inv" ] || die "cannot read inventory $inv"
		while read -r name addr port hall u; do
			specs+=("$name=$addr:$port/$hall/$u")
		done < <(read_inventory "$inv")
		[ ${#specs[@]} -gt 0 ] || die "no [host] sections in $inv"
	elif [ "$n" -gt 0 ]; then
		[ "$n" -le 240 ] || die "--hosts at most 240"
		for i in $(seq 1 "$n"); do
			# halls A and B alternately, as a municipality spreads its servers
			specs+=("$(printf 'bench-%02d' "$i")=127.0.0.$((9 + i)):2222/$( ((i % 2)) && echo A || echo B)/${user:-root}")
		done
	elif [ ${#specs[@]} -eq 0 ]; then
		specs=(app-a=127.0.0.2:2201 app-b=127.0.0.3:2202)
	fi
	mkdir -p /run/sshd "$dir/backup" "$dir/hosts"
	chmod 755 "$dir" # keys inside are 0600; other users may run agents
	ssh-keygen -q -t ed25519 -N '' -C drillhall-controller -f "$dir/controller_key"
	: >"$dir/known_hosts"; : >"$dir/hosts.txt"; : >"$dir/pssh-hosts"
	local s name addr port hall u rest
	for s in "${specs[@]}"; do
		# NAME=ADDR:PORT[/HALL/USER]
		name=${s%%=*}; rest=${s#*=}; addr=${rest%%:*}; rest=${rest#*:}
		port=${rest%%/*}; hall=$(hall_of "$addr"); u=${user:-root}
		if [[ "$rest" == */*/* ]]; then
			rest=${rest#*/}; hall=${rest%%/*}; u=${user:-${rest#*/}}
		fi
		[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "bad host name '$name'"
		[[ "$addr" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "$name: not loopback: $addr"
		[[ "$port" =~ ^[0-9]+$ ]] || die "$name: bad port '$port'"
		ensure_user "$u"
		write_host "$dir" "$agent" "$name" "$addr" "$port" "$hall" "$u"
	done
	[ ${#pgs[@]} = 0 ] || [ ${#pgs[@]} = 2 ] || die "--pg twice: the primary's NAME=ADDR:PORT, then the standby's"
	for s in "${pgs[@]}"; do
		[ -f "$dir/hosts/${s%%=*}/agent.ini" ] || die "--pg ${s%%=*}: no lab host of that name"
		bash "$top/tests/lab/pg.sh" actions "$dir" "${s%%=*}" >>"$dir/hosts/${s%%=*}/agent.ini"
	done
	write_inventory "$dir" "$url" "$agent"
	write_authorized_keys "$dir" "$dh"
	write_ssh_config "$dir"
	while read -r name addr port _; do
		start_host "$dir" "$name" "$addr" "$port"
	done <"$dir/hosts.txt"
	[ ${#pgs[@]} = 0 ] || bash "$top/tests/lab/pg.sh" start "$dir" "${pgs[@]}"
	echo "lab: $(wc -l <"$dir/hosts.txt") host(s) up in $dir"
}

# The pid in file, if it is an sshd started for this lab dir.
lab_pid() {
	local pid
	pid=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F "$2" >/dev/null || return 1
	echo "$pid"
}

cmd_stop() {
	local dir=$1 pf pid left
	[ -d "$dir/hosts" ] || return 0
	dir=$(cd "$dir" && pwd)
	[ ! -e "$dir/pg/nodes.txt" ] || bash "$top/tests/lab/pg.sh" stop "$dir" || true
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
	local killed=()
	for pf in "$dir"/hosts/*/sshd.pid; do
		[ -e "$pf" ] || continue
		pid=$(lab_pid "$pf" "$dir") && kill -9 "$pid" 2>/dev/null && killed+=("$pid")
		rm -f "$pf"
	done
	for pid in "${killed[@]}"; do # gone, listeners closed, before we return
		while [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
			sleep 0.05
		done
	done
	echo "lab: stopped $dir"
}

[ $# -ge 2 ] || die "usage: lab.sh start DIR [--agent BIN] [--controller BIN] [--hosts N | --inventory FILE | NAME=ADDR:PORT ...] [--user USER] [--url URL] [--backup-root DIR] [--agent-ini-extra FILE] [--ca-file PEM] [--pg NAME=ADDR:PORT --pg NAME=ADDR:PORT] | lab.sh stop DIR"
case "$1" in
start) shift; cmd_start "$@" ;;
stop) cmd_stop "$2" ;;
*) die "unknown command '$1'" ;;
esac
