#!/usr/bin/env bash
# Put Prometheus's `promtool` into DIR (default: build/tools) without
# installing the Prometheus server: `apt-get download` the Debian package
# `prometheus` and `dpkg -x` only its files into a scratch directory.
# Prints the path of promtool. Used by tests/integration/metrics.sh and
# the benchmark; quick when DIR already holds it.
#   scripts/get-promtool.sh [DIR]
set -euo pipefail
dir=${1:-$(dirname "$0")/../build/tools}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if [ ! -x "$dir/promtool" ]; then
	scratch=$(mktemp -d)
	trap 'rm -rf "$scratch"' EXIT
	(cd "$scratch" && apt-get download prometheus >/dev/null 2>&1) || {
		echo "get-promtool: apt-get download prometheus failed" >&2
		exit 1
	}
	dpkg -x "$scratch"/prometheus_*.deb "$scratch/x"
	cp "$scratch/x/usr/bin/promtool" "$dir/promtool.tmp"
	mv "$dir/promtool.tmp" "$dir/promtool"
fi
echo "$dir/promtool"
