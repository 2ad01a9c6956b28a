#!/usr/bin/env bash
# The Debian packages (SPEC "Installing"), built by cpack from the build
# this test runs in (the binaries hold no install path, so the build
# under test is the build packaged; under ASan the packages carry the
# sanitizer runtime and are checked all the same):
#   - dpkg-deb -I / -c: names, version from the project, Depends from the
#     shared libraries (the agent's without SQLite, libssh2, libmicrohttpd),
#     conffiles, maintainer scripts, every file where it belongs;
#   - dpkg -x into a scratch root: the installed binaries' --help and
#     version, the shipped controller.ini and example plans pass check, the
#     shipped agent.ini is read by flush, and the postinst made nothing yet;
#   - lintian: no error (its warnings are printed);
#   - systemd-analyze verify on the units with the scratch root as root
#     (the binaries and man pages they name must be there): no complaint;
#   - groff -ww -z and man -l on the man pages: no warning; every command
#     and option of the programs' --help, every plan, controller.ini and
#     agent.ini key of the loaders' tables is in its man page.
set -euo pipefail
source "$(dirname "$0")/lib.bash"
source "$(dirname "$0")/expect.bash"
for tool in cpack dpkg-deb dpkg lintian systemd-analyze groff man fakeroot; do
	command -v "$tool" >/dev/null || { echo "packages: $tool is missing (scripts/deps.sh)"; exit 1; }
done
work=$(mktemp -d)
lintian_pid=
trap '[ -z "$lintian_pid" ] || kill "$lintian_pid" 2>/dev/null || true; wait; rm -rf "$work"' EXIT
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$DH_BIN/CMakeCache.txt")
[ -n "$version" ] || { echo "packages: no project version in $DH_BIN/CMakeCache.txt"; exit 1; }
for m in drillhall.1.gz drillhall-agent.8.gz drillhall-plan.5.gz; do
	[ -f "$DH_BIN/man/$m" ] || { echo "packages: $DH_BIN/man/$m was not built (scdoc)"; exit 1; }
done

# ---- build
start=$(date +%s)
(cd "$work" && cpack --config "$DH_BIN/CPackConfig.cmake" -G DEB -B "$work/pkg") >"$work/cpack.log" 2>&1 ||
	{ cat "$work/cpack.log"; echo "packages: cpack failed"; exit 1; }
ctl=$work/pkg/drillhall_${version}-1_amd64.deb
agt=$work/pkg/drillhall-agent_${version}-1_amd64.deb
arch=$(dpkg --print-architecture)
ctl=${ctl/_amd64/_$arch}
agt=${agt/_amd64/_$arch}
for f in "$ctl" "$agt"; do
	[ -f "$f" ] || { ls "$work/pkg"; echo "packages: $f was not made"; exit 1; }
done
echo "packages: built $(basename "$ctl") and $(basename "$agt") in $(($(date +%s) - start)) s"

# lintian takes longest: it reads both packages while the rest is checked
lintian --no-cfg --allow-root --display-info "$ctl" "$agt" >"$work/lintian.out" 2>&1 &
lintian_pid=$!

# ---- control fields
field() { dpkg-deb -f "$1" "$2"; }
has_dep() { # PKG-FILE LIB: LIB is in Depends
	field "$1" Depends | tr ',' '\n' | sed 's/^ *//; s/ .*//' | grep -x "$2" >/dev/null
}
[ "$(field "$ctl" Package)" = drillhall ] || fail "controller package is '$(field "$ctl" Package)'"
[ "$(field "$agt" Package)" = drillhall-agent ] || fail "agent package is '$(field "$agt" Package)'"
for f in "$ctl" "$agt"; do
	[ "$(field "$f" Version)" = "$version-1" ] || fail "$(basename "$f"): Version $(field "$f" Version), wanted $version-1"
	for lib in libc6 libcurl4 libjansson4 libssl3 libinih1 adduser; do
		has_dep "$f" "$lib" || fail "$(basename "$f"): Depends lacks $lib: $(field "$f" Depends)"
	done
done
for lib in libssh2-1 libsqlite3-0 libmicrohttpd12; do
	has_dep "$ctl" "$lib" || fail "controller Depends lacks $lib: $(field "$ctl" Depends)"
	! has_dep "$agt" "$lib" || fail "the agent depends on $lib (it must stay small): $(field "$agt" Depends)"
done
has_dep "$agt" libarchive13 || fail "agent Depends lacks libarchive13: $(field "$agt" Depends)"

# ---- control files: conffiles and maintainer scripts
mkdir -p "$work/ctl-control" "$work/agt-control"
dpkg-deb -e "$ctl" "$work/ctl-control"
dpkg-deb -e "$agt" "$work/agt-control"
printf '/etc/drillhall/controller.ini\n/etc/drillhall/plans/policy.ini\n/etc/drillhall/plans/inventory.ini\n' >"$work/want"
diff "$work/want" "$work/ctl-control/conffiles" >/dev/null || fail "controller conffiles: $(cat "$work/ctl-control/conffiles")"
[ "$(cat "$work/agt-control/conffiles")" = /etc/drillhall/agent.ini ] || fail "agent conffiles: $(cat "$work/agt-control/conffiles")"
for d in ctl-control agt-control; do
	for s in postinst prerm postrm; do
		[ -x "$work/$d/$s" ] || { fail "$d: no executable $s"; continue; }
		sh -n "$work/$d/$s" || fail "$d/$s: shell syntax"
	done
	grep -E 'adduser .*--system' "$work/$d/postinst" >/dev/null || fail "$d/postinst makes no system user"
	grep -F '@' "$work/$d/postinst" | grep -F '@DH_' >/dev/null && fail "$d/postinst: placeholder left"
done
grep -F 'ensure_dir /var/lib/drillhall/spool 0700' "$work/agt-control/postinst" >/dev/null ||
	fail "agent postinst: spool is not made 0700"
grep -F 'ensure_dir /var/lib/drillhall/scratch 0700' "$work/agt-control/postinst" >/dev/null ||
	fail "agent postinst: scratch is not made 0700"
grep -F 'chmod 0600 /etc/drillhall/id_ed25519' "$work/ctl-control/postinst" >/dev/null ||
	fail "controller postinst: the key is not made 0600"

# ---- contents: every file where it belongs, nothing else
list() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ {print $6}' | sort; }
list "$ctl" >"$work/ctl.files"
list "$agt" >"$work/agt.files"
for p in ./usr/bin/drillhall ./etc/drillhall/controller.ini ./etc/drillhall/plans/policy.ini \
	./etc/drillhall/plans/inventory.ini ./lib/systemd/system/drillhall.service \
	./usr/share/man/man1/drillhall.1.gz ./usr/share/man/man5/drillhall-plan.5.gz \
	./usr/share/doc/drillhall/copyright ./usr/share/doc/drillhall/changelog.Debian.gz \
	./usr/share/doc/drillhall/examples/plans/policy.ini; do
	grep -x -- "$p" "$work/ctl.files" >/dev/null || fail "controller package lacks $p"
done
for p in ./usr/bin/drillhall-agent ./etc/drillhall/agent.ini \
	./lib/systemd/system/drillhall-agent-flush.service ./lib/systemd/system/drillhall-agent-flush.timer \
	./usr/share/man/man8/drillhall-agent.8.gz ./usr/share/doc/drillhall-agent/copyright \
	./usr/share/doc/drillhall-agent/changelog.Debian.gz; do
	grep -x -- "$p" "$work/agt.files" >/dev/null || fail "agent package lacks $p"
done
[ "$(grep -c '^./usr/share/doc/drillhall/examples/plans/systems/' "$work/ctl.files")" = \
	"$(ls "$DH_SRC"/plans/systems/*.ini | wc -l)" ] || fail "not every example system is shipped"
stray=$(grep -vE '^\./(usr/bin|etc/drillhall|lib/systemd/system|usr/share/(man|doc))/' \
	"$work/ctl.files" "$work/agt.files" || true)
[ -z "$stray" ] || fail "files outside their places: $stray"
grep -E 'drillhall-agent|agent\.ini' "$work/ctl.files" >/dev/null && fail "the controller package holds agent files"
grep -E 'bin/drillhall$|controller\.ini' "$work/agt.files" >/dev/null && fail "the agent package holds controller files"
dpkg-deb -c "$ctl" | grep ' ./usr/bin/drillhall$' | grep '^-rwxr-xr-x root/root' >/dev/null ||
	fail "usr/bin/drillhall is not 0755 root"

# ---- installed into a scratch root: the binaries run from there
root=$work/root
for f in "$ctl" "$agt"; do dpkg -x "$f" "$root"; done
expect 0 "$root/usr/bin/drillhall" --help
grep '^usage: drillhall ' "$work/out" >/dev/null || fail "drillhall --help: $(head -2 "$work/out")"
expect 0 "$root/usr/bin/drillhall" hosts --help
grep -F -- '--authorized-keys' "$work/out" >/dev/null || fail "hosts --help lacks --authorized-keys"
expect 0 "$root/usr/bin/drillhall-agent" --help
grep '^usage: drillhall-agent ' "$work/out" >/dev/null || fail "drillhall-agent --help: $(head -2 "$work/out")"
expect 0 "$root/usr/bin/drillhall-agent" version
grep -x "drillhall-agent $version (protocol [0-9]*)" "$work/out" >/dev/null ||
	fail "drillhall-agent version: '$(cat "$work/out")', wanted $version"
# the shipped controller.ini is read, and the shipped example plans check
expect 0 "$root/usr/bin/drillhall" --config "$root/etc/drillhall/controller.ini" \
	--plans "$root/usr/share/doc/drillhall/examples/plans" check
[ -d "$root/var/lib/drillhall" ] && fail "dpkg -x made /var/lib/drillhall: only postinst should"
# the shipped agent.ini is read (its paths moved into the scratch root)
mkdir -p "$root/srv/backup"
sed "s|= /|= $root/|" "$root/etc/drillhall/agent.ini" >"$work/agent.ini"
expect 0 "$root/usr/bin/drillhall-agent" --config "$work/agent.ini" flush

# ---- lintian: errors fail
wait "$lintian_pid" || true
lintian_pid=
cat "$work/lintian.out"
if grep '^E: ' "$work/lintian.out" >/dev/null; then fail "lintian reports errors"; fi
grep -E '^(E|W|I|N): ' "$work/lintian.out" >/dev/null || [ ! -s "$work/lintian.out" ] ||
	fail "lintian said something unexpected"

# ---- systemd-analyze verify: the units as installed, in a root holding
# the system's own units (targets they name) and the package's files
cp -an /lib/systemd/system/. "$root/lib/systemd/system/"
MANPATH=$root/usr/share/man systemd-analyze verify --root="$root" \
	/lib/systemd/system/drillhall.service /lib/systemd/system/drillhall-agent-flush.service \
	/lib/systemd/system/drillhall-agent-flush.timer >"$work/verify.out" 2>&1 ||
	fail "systemd-analyze verify failed"
if [ -s "$work/verify.out" ]; then fail "systemd-analyze verify: $(cat "$work/verify.out")"; fi
grep -x 'OnUnitActiveSec=5min' "$root/lib/systemd/system/drillhall-agent-flush.timer" >/dev/null ||
	fail "the flush timer is not every 5 minutes"
grep -x 'ExecStart=/usr/bin/drillhall-agent --config /etc/drillhall/agent.ini flush' \
	"$root/lib/systemd/system/drillhall-agent-flush.service" >/dev/null || fail "flush unit runs the wrong command"

# ---- man pages: groff -ww -z and man -l, no warning
for m in man1/drillhall.1.gz man5/drillhall-plan.5.gz man8/drillhall-agent.8.gz; do
	zcat "$root/usr/share/man/$m" | LC_ALL=C groff -ww -z -man >"$work/groff.out" 2>&1 ||
		fail "groff $m failed"
	[ ! -s "$work/groff.out" ] || fail "groff $m: $(cat "$work/groff.out")"
	MANWIDTH=80 man -l --warnings=w "$root/usr/share/man/$m" 2>"$work/man.err" >"$work/man.out" ||
		fail "man -l $m failed"
	[ ! -s "$work/man.err" ] || fail "man -l $m: $(cat "$work/man.err")"
	[ "$(wc -l <"$work/man.out")" -gt 40 ] || fail "man -l $m: only $(wc -l <"$work/man.out") lines"
done
# every command and option in the programs' own --help is in their man
# page, so a new command or option without documentation fails here
commands() { awk '/^commands:/ {f = 1; next} /^$/ {f = 0} f && /^  [a-z]/ {print $1}'; }
documents() { # MAN-PAGE BIN: every command word and --option of BIN's help is in MAN-PAGE
	local page=$1 bin=$2 c o
	zcat "$page" >"$work/page"
	for c in $("$bin" --help | commands); do
		grep -F "\\fB$c" "$work/page" >/dev/null || fail "$(basename "$page") lacks the command $c"
		for o in $("$bin" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			grep -E -- "$o([^a-z-]|$)" "$work/page" >/dev/null ||
				fail "$(basename "$page") lacks $c's option $o"
		done
	done
}
documents "$root/usr/share/man/man1/drillhall.1.gz" "$root/usr/bin/drillhall"
documents "$root/usr/share/man/man8/drillhall-agent.8.gz" "$root/usr/bin/drillhall-agent"
# every key and section of the loaders' tables is in the page for its file
# (plans: drillhall-plan(5); controller.ini: drillhall(1); agent.ini:
# drillhall-agent(8)), so a new key without documentation fails here
has_keys() { # MAN-PAGE SOURCE-FILE: names read from the source, one a line on stdin
	local page=$1 src=$2 k n=0
	zcat "$page" >"$work/page"
	while read -r k; do
		n=$((n + 1))
		grep -F "\\fB$k\\fR" "$work/page" >/dev/null || grep -F "\\fB[$k" "$work/page" >/dev/null ||
			fail "$(basename "$page") lacks '$k' ($src)"
	done
	[ "$n" -gt 3 ] || fail "found only $n names in $src: has its table changed shape?"
}
# (fed by process substitution, not a pipe: a pipe would run has_keys in a
# subshell and lose its failures)
has_keys "$root/usr/share/man/man5/drillhall-plan.5.gz" controller/plan/load.c < <(
	grep -oE '(KEY|KEYL|KEYS|LIST)\("[a-z_]+"|^\s*\{ "[a-z_]+", K_|SEC\(F_[A-Z]+, "[a-z]+"' \
		"$DH_SRC/controller/plan/load.c" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
has_keys "$root/usr/share/man/man1/drillhall.1.gz" controller/config/config.c < <(
	grep -oE '\{ "[a-z_]+", C_' "$DH_SRC/controller/config/config.c" | grep -oE '"[a-z_]+"' | tr -d '"')
has_keys "$root/usr/share/man/man8/drillhall-agent.8.gz" agent/config.c < <(
	grep -oE '\{ SEC_[A-Z]+, "[a-z_]+"' "$DH_SRC/agent/config.c" | grep -oE '"[a-z_]+"' | tr -d '"')

echo "packages: $(wc -l <"$work/ctl.files") files in drillhall, $(wc -l <"$work/agt.files") in drillhall-agent, $(($(date +%s) - start)) s"
[ "$fails" -eq 0 ]
