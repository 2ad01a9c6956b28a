#!/usr/bin/env bash
# A replicated PostgreSQL for the two-hall lab: a primary on a hall-A
# address and an asynchronous streaming standby on a hall-B address, each
# a real Debian PostgreSQL (initdb, pg_basebackup, pg_ctl, pg_rewind) with
# its own data directory, unix socket directory and log inside the lab's
# directory, run as the `postgres` system user (the tools refuse root).
# Started by `lab.sh start DIR --pg NAME=ADDR:PORT --pg NAME=ADDR:PORT`,
# stopped by `lab.sh stop DIR`; usable alone as well:
#
#   pg.sh start DIR PRIMARY=ADDR:PORT STANDBY=ADDR:PORT
#   pg.sh stop DIR
#   pg.sh actions DIR NAME        the [action ...] sections of host NAME's
#                                 agent.ini (each runs `pg.sh do` from argv)
#   pg.sh do DIR NAME ACTION      one action on node NAME (what agents run):
#       fence | stop              stop the node (fast shutdown); a stopped
#                                 node is fenced already
#       write-marker              INSERT $DRILLHALL_MARKER into drillhall_marker
#       check-marker              SELECT it; exit 1 when it is not there
#       promote                   pg_ctl promote, wait until not in recovery
#       check-primary             running and not in recovery
#       check-standby             in recovery, streaming from the other node,
#                                 and replay has reached the other node's
#                                 current WAL position (not the state word:
#                                 an un-rewound node says "streaming" too)
#       rejoin-as-standby         stop, CHECKPOINT on the other node (the
#                                 primary), pg_rewind from it (or a fresh
#                                 pg_basebackup when rewind is impossible),
#                                 start as its standby, wait until caught up
#   pg.sh sql DIR NAME SQL        psql -At on node NAME (tests)
#   pg.sh replication DIR NAME off|on   stop or resume the standby's WAL
#                                 receiver (primary_conninfo, reload)
#
# Node settings (listen_addresses, port, socket dir, primary_conninfo)
# live in DIR/pg/NAME/node.conf, outside the data directory, included by
# postgresql.conf, so the copy tools (pg_basebackup, pg_rewind), which copy
# the other node's configuration files, cannot swap them; the copied
# postgresql.auto.conf is emptied after each copy. Replication is
# asynchronous (no synchronous_standby_names: writes on a promoted node
# must not wait for a standby that is gone). Authentication is `trust`
# from 127.0.0.0/8 and the sockets: loopback lab only.
set -euo pipefail

PGUSER_OS=postgres
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "pg.sh: $*" >&2; exit 2; }

pgbin() { # the newest installed server version's bin directory
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && [ -x "$d/pg_ctl" ] || die "no PostgreSQL server under /usr/lib/postgresql (scripts/deps.sh installs it)"
	echo "$d"
}
BIN=$(pgbin)

as_pg() { # run as the PostgreSQL user (from root, or as that user)
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PGUSER_OS" -- "$@"
	elif [ "$(id -un)" = "$PGUSER_OS" ]; then
		"$@"
	else
		die "run as root or as $PGUSER_OS, not $(id -un)"
	fi
}

# node NAME: sets addr port peer paddr pport nd (node dir) of NAME in $pg
node() {
	local n a p
	addr='' peer=''
	while read -r n a p; do
		if [ "$n" = "$1" ]; then addr=$a port=$p; else peer=$n paddr=$a pport=$p; fi
	done <"$pg/nodes.txt"
	[ -n "$addr" ] || die "no PostgreSQL node $1 in $pg"
	nd=$pg/$1
}

q() { # ADDR PORT SQL [psql -v args...]: one value, SQL read from stdin (variables work)
	local a=$1 p=$2 sql=$3
	shift 3
	printf '%s\n' "$sql" | "$BIN/psql" -X -At -q -v ON_ERROR_STOP=1 -h "$a" -p "$p" -U postgres -d postgres "$@"
}

running() { as_pg "$BIN/pg_ctl" -D "$nd/data" status >/dev/null 2>&1; }

write_node_conf() { # NAME [off]: node.conf of NAME (primary_conninfo to the other node)
	node "$1"
	local ci="host=$paddr port=$pport user=postgres application_name=$1"
	[ "${2:-}" = off ] && ci=
	cat >"$nd/node.conf" <<-EOF
	# node $1 of the lab (pg.sh); included last by postgresql.conf
	listen_addresses = '$addr'
	port = $port
	unix_socket_directories = '$nd/sock'
	primary_conninfo = '$ci'
	EOF
	chmod 644 "$nd/node.conf"
}

after_copy() { # the copied auto.conf may name the other node's settings
	echo "# empty: node settings are in ../node.conf (pg.sh)" | as_pg tee "$nd/data/postgresql.auto.conf" >/dev/null
}

start_node() {
	as_pg "$BIN/pg_ctl" -D "$nd/data" -l "$nd/postgres.log" -w -t 60 start >/dev/null ||
		{ tail -n 20 "$nd/postgres.log" >&2; die "node $1 did not start; see $nd/postgres.log"; }
}

stop_node() { # fast shutdown; true when it is not running
	running || return 0
	as_pg "$BIN/pg_ctl" -D "$nd/data" -m fast -w -t 60 stop >/dev/null
}

# standby_state NAME: status 0 when NAME is a caught-up streaming standby
# of the other node, else 1 and why not on stdout
standby_state() {
	local want got st
	running || { echo "$1 is not running"; return 1; }
	[ "$(q "$addr" "$port" 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t ] ||
		{ echo "$1 is not in recovery"; return 1; }
	# the other node's position first: replay must reach it
	want=$(q "$paddr" "$pport" 'SELECT pg_current_wal_lsn()' 2>/dev/null) ||
		{ echo "the other node $peer does not answer as a primary"; return 1; }
	st=$(q "$addr" "$port" 'SELECT status FROM pg_stat_wal_receiver' 2>/dev/null) || st=
	[ "$st" = streaming ] || { echo "$1's WAL receiver is '${st:-not running}', not streaming"; return 1; }
	got=$(q "$addr" "$port" 'SELECT pg_last_wal_replay_lsn()' 2>/dev/null) || got=
	[ -n "$got" ] && [ "$(q "$addr" "$port" "SELECT '$got'::pg_lsn >= '$want'::pg_lsn" 2>/dev/null)" = t ] ||
		{ echo "$1 replayed up to ${got:-nothing}, $peer is at $want"; return 1; }
}

rejoin() { # NAME: standby of the other node again; one line says how
	local why how i
	[ "$(q "$paddr" "$pport" 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] ||
		{ echo "$peer is not a running primary: nothing to follow"; return 1; }
	stop_node
	# pg_rewind reads the new primary's timeline from its control file,
	# which only a checkpoint after the promote updates
	q "$paddr" "$pport" CHECKPOINT
	if as_pg "$BIN/pg_rewind" -D "$nd/data" --no-sync \
		--source-server="host=$paddr port=$pport user=postgres dbname=postgres" >"$nd/rewind.log" 2>&1; then
		how="pg_rewind from $peer: $(tail -n 1 "$nd/rewind.log" | sed 's/^pg_rewind: //')"
	else
		how="pg_rewind impossible ($(tail -n 1 "$nd/rewind.log" | sed 's/^pg_rewind: //')), copied anew by pg_basebackup from $peer"
		as_pg rm -rf "$nd/data"
		as_pg "$BIN/pg_basebackup" -h "$paddr" -p "$pport" -U postgres -D "$nd/data" -X stream -c fast --no-sync >&2 ||
			{ echo "$how: pg_basebackup failed"; return 1; }
	fi
	after_copy
	as_pg touch "$nd/data/standby.signal"
	write_node_conf "$1"
	start_node "$1"
	for i in $(seq 1 300); do
		why=$(standby_state "$1") && { echo "$how; $1 streams from $peer and has caught up"; return 0; }
		sleep 0.1
	done
	echo "$how; $1 did not catch up within 30 s: $why"
	return 1
}

cmd_do() { # DIR NAME ACTION
	local why
	node "$2"
	case "$3" in
	fence | stop)
		stop_node && echo "$2 stopped: takes no connections" ;;
	write-marker)
		[ -n "${DRILLHALL_MARKER:-}" ] || { echo "no DRILLHALL_MARKER"; exit 1; }
		q "$addr" "$port" "INSERT INTO drillhall_marker (marker, system, job) VALUES (:'m', :'s', :'j')" \
			-v m="$DRILLHALL_MARKER" -v s="${DRILLHALL_SYSTEM:-}" -v j="${DRILLHALL_JOB:-}"
		echo "marker written into drillhall_marker on $2" ;;
	check-marker)
		[ -n "${DRILLHALL_MARKER:-}" ] || { echo "no DRILLHALL_MARKER"; exit 1; }
		if [ "$(q "$addr" "$port" "SELECT count(*) FROM drillhall_marker WHERE marker = :'m'" -v m="$DRILLHALL_MARKER")" = 1 ]; then
			echo "marker found on $2"
		else
			echo "marker not found on $2"; exit 1
		fi ;;
	promote)
		running || { echo "$2 is not running"; exit 1; }
		[ "$(q "$addr" "$port" 'SELECT pg_is_in_recovery()')" = t ] || { echo "$2 is already a primary"; exit 1; }
		as_pg "$BIN/pg_ctl" -D "$nd/data" -w -t 60 promote >/dev/null
		for _ in $(seq 1 300); do
			[ "$(q "$addr" "$port" 'SELECT pg_is_in_recovery()')" = f ] &&
				{ echo "$2 promoted: primary on timeline $(q "$addr" "$port" "SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")"; exit 0; }
			sleep 0.1
		done
		echo "$2 still in recovery 30 s after the promote"; exit 1 ;;
	check-primary)
		running || { echo "$2 is not running"; exit 1; }
		[ "$(q "$addr" "$port" 'SELECT pg_is_in_recovery()')" = f ] || { echo "$2 is in recovery"; exit 1; }
		echo "$2 is a primary" ;;
	check-standby)
		why=$(standby_state "$2") || { echo "$why"; exit 1; }
		echo "$2 streams from $peer, replay caught up" ;;
	rejoin-as-standby)
		rejoin "$2" ;;
	*) die "unknown action '$3'" ;;
	esac
}

cmd_actions() { # DIR NAME
	local a t
	[[ "$2" =~ ^[A-Za-z0-9._-]+$ ]] || die "bad node name '$2'"
	for a in fence stop write-marker check-marker promote check-primary check-standby rejoin-as-standby; do
		t=30s
		[ "$a" = rejoin-as-standby ] && t=120s
		printf '\n[action %s]\ncommand = %s/pg.sh do %s %s %s\ntimeout = %s\n' "$a" "$here" "$1" "$2" "$a" "$t"
	done
}

cmd_start() { # DIR PRIMARY=ADDR:PORT STANDBY=ADDR:PORT
	local spec name rest a p prim stby i why
	[ "$(id -u)" = 0 ] || die "start as root (the nodes run as $PGUSER_OS)"
	id -u "$PGUSER_OS" >/dev/null 2>&1 || die "no user $PGUSER_OS (the postgresql package creates it)"
	[ -e "$pg/nodes.txt" ] && die "$pg already holds a PostgreSQL pair"
	mkdir -p "$pg"
	chmod 755 "$pg"
	runuser -u "$PGUSER_OS" -- test -x "$pg" ||
		die "$PGUSER_OS cannot reach $pg: make its parent directories traversable (chmod o+x)"
	: >"$pg/nodes.txt"
	for spec in "$@"; do
		name=${spec%%=*}; rest=${spec#*=}; a=${rest%%:*}; p=${rest#*:}
		[[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "bad node name '$name'"
		[[ "$a" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "$name: not loopback: $a"
		[[ "$p" =~ ^[0-9]+$ ]] || die "$name: bad port '$p'"
		! (exec 3<>"/dev/tcp/$a/$p") 2>/dev/null || die "$a:$p (node $name) is already taken"
		echo "$name $a $p" >>"$pg/nodes.txt"
		install -d -o "$PGUSER_OS" -m 700 "$pg/$name" "$pg/$name/sock"
	done
	[ "$(wc -l <"$pg/nodes.txt")" = 2 ] || die "give two nodes: PRIMARY=ADDR:PORT STANDBY=ADDR:PORT"
	prim=${1%%=*} stby=${2%%=*}
	node "$prim"
	as_pg "$BIN/initdb" -D "$nd/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$nd/initdb.log" 2>&1 ||
		{ cat "$nd/initdb.log" >&2; die "initdb failed"; }
	as_pg tee -a "$nd/data/postgresql.conf" >/dev/null <<-EOF

	# the lab's pair (pg.sh): the same on both nodes
	wal_level = replica
	wal_log_hints = on              # pg_rewind needs it
	max_wal_senders = 5
	wal_keep_size = 256MB
	hot_standby = on
	shared_buffers = 16MB
	max_connections = 30
	fsync = off                     # a throw-away lab: speed over durability
	include_if_exists = '../node.conf'
	EOF
	as_pg tee "$nd/data/pg_hba.conf" >/dev/null <<-EOF
	local all all trust
	host all all 127.0.0.0/8 trust
	host replication all 127.0.0.0/8 trust
	EOF
	write_node_conf "$prim"
	start_node "$prim"
	q "$addr" "$port" 'CREATE TABLE drillhall_marker (marker text PRIMARY KEY, system text, job text, at timestamptz NOT NULL DEFAULT now())'
	node "$stby"
	as_pg "$BIN/pg_basebackup" -h "$paddr" -p "$pport" -U postgres -D "$nd/data" -X stream -R -c fast --no-sync ||
		die "pg_basebackup of $stby failed"
	after_copy
	write_node_conf "$stby"
	start_node "$stby"
	for i in $(seq 1 300); do
		why=$(standby_state "$stby") && break
		[ "$i" = 300 ] && die "$stby does not stream: $why"
		sleep 0.1
	done
	echo "pg: primary $prim on $paddr:$pport, standby $stby on $addr:$port streaming ($(basename "$(dirname "$BIN")"))"
}

cmd_stop() { # every node of DIR, fast, then immediate; only postmasters of this dir
	local name a p pid
	[ -e "$pg/nodes.txt" ] || return 0
	while read -r name a p; do
		nd=$pg/$name
		[ -e "$nd/data/postmaster.pid" ] || continue
		as_pg "$BIN/pg_ctl" -D "$nd/data" -m fast -w -t 20 stop >/dev/null 2>&1 ||
			as_pg "$BIN/pg_ctl" -D "$nd/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
		pid=$(head -n 1 "$nd/data/postmaster.pid" 2>/dev/null) || continue
		if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F "$nd/data" >/dev/null; then
			kill -9 "$pid" 2>/dev/null || true
		fi
	done <"$pg/nodes.txt"
}

[ $# -ge 2 ] || die "usage: pg.sh start DIR PRIMARY=ADDR:PORT STANDBY=ADDR:PORT | stop DIR | actions DIR NAME | do DIR NAME ACTION | sql DIR NAME SQL | replication DIR NAME off|on"
cmd=$1
dir=$(cd "$2" 2>/dev/null && pwd) || die "no directory $2"
pg=$dir/pg
shift 2
cd / # the tools run as postgres, who may not enter the caller's directory
case "$cmd" in
start) [ $# = 2 ] || die "start needs PRIMARY=ADDR:PORT STANDBY=ADDR:PORT"; cmd_start "$@" ;;
stop) cmd_stop ;;
actions) [ $# = 1 ] || die "actions needs NAME"; cmd_actions "$dir" "$1" ;;
do) [ $# = 2 ] || die "do needs NAME ACTION"; cmd_do "$dir" "$1" "$2" ;;
sql) [ $# = 2 ] || die "sql needs NAME SQL"; node "$1"; q "$addr" "$port" "$2" ;;
replication)
	[ $# = 2 ] && { [ "$2" = off ] || [ "$2" = on ]; } || die "replication needs NAME off|on"
	node "$1"
	write_node_conf "$1" "$([ "$2" = off ] && echo off)"
	as_pg "$BIN/pg_ctl" -D "$nd/data" reload >/dev/null
	echo "replication to $1: $2" ;;
*) die "unknown command '$cmd'" ;;
esac
