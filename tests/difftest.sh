#!/bin/sh
# Differential test: `sshfwd -G` must print exactly what `ssh -G` prints
# (stdout and exit status) over a few thousand generated configs and command
# lines. See tests/difftest.py for the generator.
#
# Environment (set by the automake harness): SSHFWD, TOP_SRCDIR.
# Tunables: DIFFTEST_COUNT (default 1500), DIFFTEST_SEED (default 1, so
# every CI run checks the same cases; set it to explore), DIFFTEST_JOBS,
# DIFFTEST_KEEP (directory for standalone reproducers of failing cases),
# DIFFTEST_LEAK_EVERY (default 10: with an ASan build LeakSanitizer stays on
# for every 10th case only; its exit-time scan costs ~80 ms CPU per run, more
# than ssh -G itself; dump_corpus.sh and the fuzzer check leaks on every run).
# Cost: ~0.16 s CPU per case with an ASan sshfwd, so 1500 cases take about
# two minutes on 2 idle cores.
#
# Exit 77 (skip) only when ssh is not installed, or when this build's
# sshfwd has no -G mode yet ("not available in this build").
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${SSHFWD:=./sshfwd}"
PYTHON=${PYTHON3:-python3}

if ! command -v ssh >/dev/null 2>&1; then
	echo "difftest: SKIP: ssh (OpenSSH client) is not installed"
	exit 77
fi
if ! command -v "$PYTHON" >/dev/null 2>&1; then
	echo "difftest: FAIL: $PYTHON not found (CI installs python3)"
	exit 1
fi
probe=$("$SSHFWD" -G -F /dev/null difftest-probe </dev/null 2>&1)
case $probe in
*"not available in this build"*)
	echo "difftest: SKIP: sshfwd -G is not built yet: $probe"
	exit 77 ;;
esac

count=${DIFFTEST_COUNT:-1500}
seed=${DIFFTEST_SEED:-1}
jobs=${DIFFTEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
set -- --seed "$seed" --count "$count" --jobs "$jobs" --sshfwd "$SSHFWD" \
    --leak-check-every "${DIFFTEST_LEAK_EVERY:-10}"
[ -n "${DIFFTEST_KEEP:-}" ] && set -- "$@" --keep-failures "$DIFFTEST_KEEP"
echo "difftest: $PYTHON $TOP_SRCDIR/tests/difftest.py $*"
exec "$PYTHON" "$TOP_SRCDIR/tests/difftest.py" "$@"
