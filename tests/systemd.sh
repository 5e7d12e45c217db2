#!/bin/sh
# contrib/sshfwd@.service.in, instantiated as sshfwd@db-tunnel.service with
# ExecStart pointing at the built sshfwd, passes `systemd-analyze verify`
# (as a user unit when a user manager can be simulated, else as a system
# unit), and keeps its contract: sshfwd --reconnect -N <alias>, restarts on
# failure with a delay and a start limit, logs to the journal, never -f.
set -u
: "${SSHFWD:?run from make check}" "${TOP_SRCDIR:?run from make check}"
unit=$TOP_SRCDIR/contrib/sshfwd@.service.in
command -v systemd-analyze >/dev/null 2>&1 ||
    { echo "SKIP: systemd-analyze is not installed"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sshfwd-systemd.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bindir=$(cd "$(dirname "$SSHFWD")" && pwd)
inst="$tmp/sshfwd@db-tunnel.service"
# the substitution the Makefile makes, with the build directory as bindir
sed -e "s|@bindir[@]|$bindir|g" "$unit" >"$inst"

# --man=no: the page is not installed yet when make check runs.
mkdir -m 700 "$tmp/run"
out=$(XDG_RUNTIME_DIR=$tmp/run systemd-analyze --user --man=no verify \
    "$inst" 2>&1)
rc=$?
how="--user"
if [ $rc -ne 0 ] && printf '%s\n' "$out" | grep -q 'Failed to initialize manager'; then
	out=$(systemd-analyze --man=no verify "$inst" 2>&1)
	rc=$?
	how="(system)"
fi
if [ $rc -ne 0 ] || printf '%s\n' "$out" | grep -q 'sshfwd@'; then
	echo "FAIL: systemd-analyze $how verify (exit $rc):"
	printf '%s\n' "$out"
	fail=1
else
	echo "ok: systemd-analyze $how verify"
fi

# want LINE: the instantiated unit has this exact line
want() {
	if grep -qxF -- "$1" "$inst"; then
		echo "ok: $1"
	else
		echo "FAIL: no line '$1'"
		fail=1
	fi
}
want "ExecStart=$bindir/sshfwd --reconnect -N -- %i"
want "Restart=on-failure"
grep -q '^RestartSec=[1-9]' "$inst" || { echo "FAIL: no RestartSec"; fail=1; }
grep -q '^StartLimitIntervalSec=[1-9]' "$inst" ||
    { echo "FAIL: no StartLimitIntervalSec"; fail=1; }
grep -q '^StartLimitBurst=[1-9]' "$inst" ||
    { echo "FAIL: no StartLimitBurst"; fail=1; }
grep -q '^ExecStart=.* -f' "$inst" && { echo "FAIL: ExecStart forks (-f)"; fail=1; }
grep -q '^Standard\(Output\|Error\)=' "$inst" &&
    grep -qv '^Standard\(Output\|Error\)=journal' "$inst" &&
    { echo "FAIL: output not to the journal"; fail=1; }
want "WantedBy=default.target"
grep -q '@bindir@' "$inst" && { echo "FAIL: @bindir@ left"; fail=1; }

# The unit's command line parses, and the instance name reaches sshfwd as
# the destination even after "--" (checked through -G, which needs no
# network; while -G is not built yet only the parse is checked).
out=$("$SSHFWD" -G -F none --reconnect -N -- db-tunnel 2>&1)
rc=$?
if printf '%s\n' "$out" | grep -q '^usage:'; then
	echo "FAIL: sshfwd rejects '--reconnect -N -- db-tunnel':"
	printf '%s\n' "$out"
	fail=1
elif [ $rc -eq 0 ] && ! printf '%s\n' "$out" | grep -qx 'host db-tunnel'; then
	echo "FAIL: -G of the unit's command line has no 'host db-tunnel'"
	fail=1
else
	echo "ok: sshfwd accepts the unit's command line"
fi
exit $fail
