#!/bin/bash
# launcher_cli: the sshfwd binary end to end on loopback against a real
# sshd: forwards declared in a config file (LocalForward, RemoteForward 0,
# DynamicForward) through a ProxyJump chain of two hops, -f backgrounding
# once every forward is up, -E log file, "Allocated port" reporting, and a
# clean exit on SIGTERM. Needs sshd, ssh-keygen, socat and curl (77 = skip).
set -u
SSHFWD=${SSHFWD:-./sshfwd}
for t in /usr/sbin/sshd ssh-keygen socat curl; do
	command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t missing"; exit 77; }
done
D=$(mktemp -d /tmp/sshfwd-cli.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	sleep 0.2
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$D/log" ] && sed 's/^/  log: /' "$D/log"; exit 1; }
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
waitport() { for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }

ssh-keygen -q -t ed25519 -N '' -f "$D/host" || fail keygen
ssh-keygen -q -t ed25519 -N '' -f "$D/id" || fail keygen
cp "$D/id.pub" "$D/authorized_keys"
SP=$(freeport)
cat >"$D/sshd.conf" <<E
Port $SP
ListenAddress 127.0.0.1
HostKey $D/host
PidFile none
AuthorizedKeysFile $D/authorized_keys
StrictModes no
UsePAM no
PermitRootLogin yes
E
/usr/sbin/sshd -f "$D/sshd.conf" -D -e 2>"$D/sshd.log" &
PIDS+=($!)
waitport "$SP" || fail "sshd did not start"
echo "[127.0.0.1]:$SP $(cut -d' ' -f1,2 "$D/host.pub")" >"$D/known_hosts"

EP=$(freeport)
socat "TCP-LISTEN:$EP,bind=127.0.0.1,reuseaddr,fork" EXEC:cat &
PIDS+=($!)
waitport "$EP" || fail "echo server did not start"
LP=$(freeport)
DP=$(freeport)
cat >"$D/config" <<E
Host *
  HostName 127.0.0.1
  Port $SP
  User $(id -un)
  IdentityFile $D/id
  IdentitiesOnly yes
  UserKnownHostsFile $D/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
Host dest
  ProxyJump jump
  LocalForward $LP 127.0.0.1:$EP
  RemoteForward 0 127.0.0.1:$EP
  DynamicForward $DP
  ExitOnForwardFailure yes
E

# -f: the foreground process must return 0 once every forward is up.
timeout 30 "$SSHFWD" -F "$D/config" -f -N -E "$D/log" dest || fail "sshfwd -f exited $?"
BG=$(pgrep -f "sshfwd -F $D/config" | head -1)
[ -n "$BG" ] || fail "no background sshfwd"
PIDS+=("$BG")

# The front end execs the libssh runner in place: the running tunnel is
# one process named sshfwd (ps, pkill -x), and sshfwd itself stays free
# of libssh (the point of the split: fast -G/--lint/--dry-run starts).
[ "$(cat "/proc/$BG/comm")" = sshfwd ] || fail "process name '$(cat "/proc/$BG/comm")', not sshfwd"
[ "$(pgrep -c -f "sshfwd -F $D/config")" = 1 ] || fail "more than one sshfwd process"
if command -v ldd >/dev/null 2>&1 && ldd "$SSHFWD" | grep -q libssh; then
	fail "$SSHFWD links libssh; only sshfwd-run should"
fi

out=$(printf 'hello through the tunnel' | socat -t 5 - "TCP:127.0.0.1:$LP")
[ "$out" = "hello through the tunnel" ] || fail "LocalForward echo: '$out'"

RP=$(sed -n 's/^Allocated port \([0-9]*\) for remote forward to 127.0.0.1:'"$EP"'$/\1/p' "$D/log")
[ -n "$RP" ] || fail "no Allocated port line"
out=$(printf 'remote' | socat -t 5 - "TCP:127.0.0.1:$RP")
[ "$out" = "remote" ] || fail "RemoteForward 0 echo: '$out'"

# SOCKS5 with a remote name, through the DynamicForward: plain-TCP echo
# answers whatever curl sends, so check the request line came back.
out=$(curl -s --max-time 10 --socks5-hostname "127.0.0.1:$DP" \
	"http://localhost:$EP/probe" 2>&1 -o - --http0.9 | head -1)
case "$out" in GET\ /probe*) ;; *) fail "SOCKS5: '$out'" ;; esac

kill -TERM "$BG"
for _ in $(seq 1 100); do kill -0 "$BG" 2>/dev/null || break; sleep 0.05; done
kill -0 "$BG" 2>/dev/null && fail "still running after SIGTERM"
(exec 3<>"/dev/tcp/127.0.0.1/$LP") 2>/dev/null && fail "listener still bound"
echo "PASS: sshfwd -f with config forwards over two hops"
