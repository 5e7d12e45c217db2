#!/bin/sh
# demo.sh: the README's demo (`./quickstart.sh demo` runs
# `sh tests/demo.sh build/sshfwd`).
#
# Starts a throwaway OpenSSH sshd on 127.0.0.1 (a free high port, keys
# generated in a temp dir), a small web server on loopback, then sshfwd with a
# generated config holding one LocalForward; fetches 8 MiB through the
# forward and shows what happened: the config, the plan, sshfwd's log, what
# sshd saw, the bytes received and a checksum comparison. Everything it
# starts is stopped and the temp dir removed on exit, also on failure or ^C.
# No namespaces and no root needed (as root it creates sshd's /run/sshd).
# Exit status 0 only when every byte arrived intact.
set -u

SSHFWD=${1:-${SSHFWD:-build/sshfwd}}
case $SSHFWD in /*) ;; *) SSHFWD=$(pwd)/$SSHFWD ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
NETKIT=$HERE/lib/netkit.py
SIZE=8M
SEED=2026

if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

TMP=
PIDS=
# shellcheck disable=SC2317 # invoked by the traps
cleanup() {
	st=$?
	trap - EXIT INT TERM HUP
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	sleep 0.2
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
	done
	[ -n "$TMP" ] && rm -rf "$TMP"
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

say() {
	printf '\n== %s\n' "$*"
}

die() {
	printf 'demo: %s\n' "$*" >&2
	exit 1
}

indent() {
	sed 's/^/   | /'
}

nk() {
	"$PY" -I "$NETKIT" "$@"
}

# wait_port PORT SECS [PID]: until 127.0.0.1:PORT listens (PID must live).
# ss when there is one: a probe connection would show up in the logs.
wait_port() {
	i=0
	while [ "$i" -lt $(($2 * 10)) ]; do
		if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
			return 1
		fi
		if command -v ss >/dev/null 2>&1; then
			[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ] && return 0
		elif "$PY" -I -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' "$1" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

for t in /usr/sbin/sshd ssh-keygen "$PY"; do
	command -v "$t" >/dev/null 2>&1 || die "$t is missing (apt-get install openssh-server python3)"
done
[ -x "$SSHFWD" ] || die "$SSHFWD is not an executable; build first (./quickstart.sh demo does)"

TMP=$(mktemp -d /tmp/sshfwd-demo.XXXXXX)
USER_NAME=$(id -un)
[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd && chmod 755 /run/sshd

say "1. A throwaway sshd on 127.0.0.1 with freshly generated keys"
ssh-keygen -q -t ed25519 -N '' -C sshfwd-demo-host -f "$TMP/ssh_host_ed25519_key" || die "ssh-keygen"
ssh-keygen -q -t ed25519 -N '' -C sshfwd-demo-user -f "$TMP/id_ed25519" || die "ssh-keygen"
cp "$TMP/id_ed25519.pub" "$TMP/authorized_keys"
SSHD_PORT=$(nk freeport)
cat >"$TMP/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $SSHD_PORT
HostKey $TMP/ssh_host_ed25519_key
PidFile $TMP/sshd.pid
AuthorizedKeysFile $TMP/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
AllowTcpForwarding yes
PrintMotd no
UseDNS no
LogLevel VERBOSE
EOF
/usr/sbin/sshd -f "$TMP/sshd_config" -D -e </dev/null >"$TMP/sshd.log" 2>&1 &
SSHD_PID=$!
PIDS="$PIDS $SSHD_PID"
wait_port "$SSHD_PORT" 15 "$SSHD_PID" || {
	cat "$TMP/sshd.log" >&2
	die "sshd did not start"
}
echo "   sshd (OpenSSH, pid $SSHD_PID) listens on 127.0.0.1:$SSHD_PORT"
echo "   host key: $(ssh-keygen -lf "$TMP/ssh_host_ed25519_key.pub")"

say "2. A web server on loopback: the service we want to reach through SSH"
# Not through the nk function: `nk ... &` would record a subshell's PID.
"$PY" -I "$NETKIT" serve-http 127.0.0.1:0 --portfile "$TMP/http.port" --tag sshfwd-demo \
	</dev/null >"$TMP/http.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ ! -s "$TMP/http.port" ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -s "$TMP/http.port" ] || die "the web server did not start"
HTTP_PORT=$(cat "$TMP/http.port")
echo "   http://127.0.0.1:$HTTP_PORT/bytes/N serves N bytes of seeded random data"

say "3. An ssh_config that sshfwd (and ssh) reads"
LOCAL_PORT=$(nk freeport)
echo "[127.0.0.1]:$SSHD_PORT $(cut -d' ' -f1,2 "$TMP/ssh_host_ed25519_key.pub")" >"$TMP/known_hosts"
cat >"$TMP/ssh_config" <<EOF
Host demo
	HostName 127.0.0.1
	Port $SSHD_PORT
	User $USER_NAME
	IdentityFile $TMP/id_ed25519
	IdentitiesOnly yes
	UserKnownHostsFile $TMP/known_hosts
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	ExitOnForwardFailure yes
	LocalForward 127.0.0.1:$LOCAL_PORT 127.0.0.1:$HTTP_PORT
EOF
indent <"$TMP/ssh_config"

say "4. The plan: sshfwd --dry-run -F ssh_config demo"
if "$SSHFWD" --dry-run -F "$TMP/ssh_config" demo >"$TMP/plan.txt" 2>&1; then
	indent <"$TMP/plan.txt"
else
	indent <"$TMP/plan.txt"
	echo "   (no plan from this build; going on)"
fi

say "5. Start the forward: sshfwd -F ssh_config -N -v demo"
"$SSHFWD" -F "$TMP/ssh_config" -N -v demo </dev/null >"$TMP/sshfwd.log" 2>&1 &
FWD_PID=$!
PIDS="$FWD_PID $PIDS"
if ! wait_port "$LOCAL_PORT" 30 "$FWD_PID"; then
	indent <"$TMP/sshfwd.log"
	if grep -q "not available in this build" "$TMP/sshfwd.log"; then
		die "this build of sshfwd cannot forward yet (the launcher is not built)"
	fi
	die "sshfwd did not open 127.0.0.1:$LOCAL_PORT"
fi
echo "   sshfwd (pid $FWD_PID) listens on 127.0.0.1:$LOCAL_PORT -> (ssh) -> 127.0.0.1:$HTTP_PORT"

say "6. Traffic: GET http://127.0.0.1:$LOCAL_PORT/bytes/$SIZE through the forward"
URL="http://127.0.0.1:$LOCAL_PORT/bytes/$SIZE?seed=$SEED"
start=$(date +%s.%N)
if command -v curl >/dev/null 2>&1; then
	curl -sS --max-time 60 -D "$TMP/headers" -o "$TMP/received" "$URL" || die "the download through the forward failed"
else
	"$PY" -I -c 'import sys, urllib.request as u
r = u.urlopen(sys.argv[1], timeout=60)
open(sys.argv[2], "wb").write(r.read())
open(sys.argv[3], "w").write("".join("%s: %s\n" % kv for kv in r.getheaders()))' \
		"$URL" "$TMP/received" "$TMP/headers" || die "the download through the forward failed"
fi
end=$(date +%s.%N)
got_bytes=$(wc -c <"$TMP/received" | tr -d ' ')
got_sha=$(sha256sum <"$TMP/received" | cut -d' ' -f1)
want_sha=$(nk pattern-sha --size "$SIZE" --seed "$SEED")
want_bytes=$("$PY" -I -c 'import sys; sys.path.insert(0, sys.argv[1]); import netkit; print(netkit.parse_size(sys.argv[2]))' "$HERE/lib" "$SIZE")
secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
grep -i '^X-Served-By' "$TMP/headers" | tr -d '\r' | indent
echo "   bytes received: $got_bytes (expected $want_bytes) in $secs s"
echo "   sha256 received: $got_sha"
echo "   sha256 expected: $want_sha"

say "7. What sshfwd logged"
indent <"$TMP/sshfwd.log"

say "8. What sshd saw"
grep -E 'Accepted|Connection from|direct-tcpip|forward|Disconnected|Received disconnect' "$TMP/sshd.log" | indent

say "9. Stop sshfwd (SIGTERM)"
kill "$FWD_PID" 2>/dev/null
i=0
while kill -0 "$FWD_PID" 2>/dev/null && [ "$i" -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$FWD_PID" 2>/dev/null; then
	echo "   sshfwd did not exit within 5 s of SIGTERM"
else
	wait "$FWD_PID"
	echo "   sshfwd exited with status $?"
fi

echo
if [ "$got_bytes" = "$want_bytes" ] && [ "$got_sha" = "$want_sha" ]; then
	echo "demo OK: $got_bytes bytes went through sshfwd's LocalForward intact (sha256 match)."
	exit 0
fi
echo "demo FAILED: the bytes received differ from the bytes sent." >&2
exit 1
