#!/usr/bin/env bash
# Install the Debian packages drillhall builds, tests and demos with.
# Quiet and quick when everything is already there; needs root (or sudo)
# otherwise. Called by test.sh and demo.sh, so a fresh machine needs
# nothing by hand.
set -euo pipefail

packages=(
	build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
	libssh2-1-dev libcurl4-openssl-dev libsqlite3-dev libinih-dev
	libcmocka-dev libssl-dev libjansson-dev libmicrohttpd-dev
	libarchive-dev openssh-server openssh-client restic tar sqlite3 openssl jq pssh
	python3 procps iproute2 time tzdata postgresql python3-prometheus-client python3-aiosmtpd
	libsodium-dev chromium-driver python3-selenium
	scdoc groff-base man-db dpkg-dev fakeroot lintian systemd file
	chromium poppler-utils fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
