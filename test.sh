#!/usr/bin/env bash
# Run every test drillhall has: installs its dependencies, builds with
# -Werror, runs the unit and integration tests, runs them again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and fuzzes each parser for
# a bounded time. Exit 0 only when all of it passed.
#   ./test.sh            everything
#   DH_FUZZ_SECONDS=N    seconds per fuzz target (default 60; 0 skips)
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
jobs=$(nproc)

scripts/deps.sh

echo "== layers, sizes, format"
scripts/check-layers.sh
scripts/check-sizes.sh
git ls-files -z '*.c' '*.h' | xargs -0 clang-format --dry-run --Werror
echo "format: clang-format finds nothing to change"

echo "== build (Werror)"
cmake -S . -B build -DDH_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== tests under ASan/UBSan"
cmake -S . -B build-asan -DDH_WERROR=ON -DDH_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-asan --output-on-failure -j"$jobs"

fuzz_seconds=${DH_FUZZ_SECONDS:-60}
if [ "$fuzz_seconds" -gt 0 ] && ls tests/fuzz/fuzz_*.c >/dev/null 2>&1; then
	echo "== fuzz (${fuzz_seconds}s per target)"
	CC=clang cmake -S . -B build-fuzz -DDH_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-fuzz -j"$jobs"
	for src in tests/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		corpus="tests/fuzz/corpus/${name#fuzz_}"
		work=$(mktemp -d)
		[ -d "$corpus" ] && cp -r "$corpus"/. "$work"/
		echo "-- $name"
		build-fuzz/"$name" -max_total_time="$fuzz_seconds" -max_len=65536 \
			-print_final_stats=1 "$work" 2>&1 | tail -n 12
		rm -rf "$work"
	done
fi
echo "== all tests passed"
