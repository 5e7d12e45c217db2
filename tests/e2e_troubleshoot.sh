#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_troubleshoot: provoke every failure the README's Troubleshooting table
# and sshfwd(1)'s DIAGNOSTICS describe, and check that the client says what
# happened (ssh's own message) and, within the next lines, what to try
# ("  hint: ..."):
#
#   bind-eacces   -L on a port below 1024 without CAP_NET_BIND_SERVICE
#   bind-inuse    -L on a local port another process holds; the hint must
#                 name that process ("... (pid N)")
#   refused       -L to a closed port: the channel open fails
#   prohibited    -L through an sshd with PermitOpen set: the open is refused
#   remote-inuse  -R on a port the server cannot bind
#   key-refused   an identity the server does not authorize
#   hostkey       a known_hosts entry with another key for the host
#
# CLIENT=ssh runs the same scenarios with OpenSSH and checks only ssh's
# messages, which proves that each scenario provokes what it claims to.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR
failures=0

# expect NAME LOG SSH_ERE HINT_ERE: wait for ssh's message; with CLIENT
# sshfwd, a "  hint: " line matching HINT_ERE must follow it within 3 lines.
# Records a failure and goes on.
expect() {
	local name=$1 log=$2 ssh_re=$3 hint_re=$4
	if topo_wait_log "$log" "$ssh_re" 20; then
		if [ "$CLIENT" = ssh ]; then
			echo "ok $name: $(grep -Em1 -- "$ssh_re" "$log")"
			return 0
		fi
		# the hint is written right after the message: give it a moment
		topo_wait_log "$log" "^  hint: .*$hint_re" 5
		if awk -v w="$ssh_re" -v h="^  hint: .*$hint_re" '
			$0 ~ w { left = 3; next }
			left > 0 { if ($0 ~ h) ok = 1; left-- }
			END { exit !ok }' "$log"; then
			echo "ok $name:"
			grep -EA3 -- "$ssh_re" "$log" | grep -E -- "$ssh_re|^  hint: " |
				sed 's/^/    /'
			return 0
		fi
	fi
	echo "FAIL: $name: expected message not found; client log:" >&2
	sed 's/^/    /' "$log" >&2
	failures=$((failures + 1))
}

lecho=$(topo_server lecho root echo 127.0.0.1:0)
echo1=$(topo_server echo1 h1 echo 127.0.0.1:0)

note "bind-eacces: a port below 1024 without CAP_NET_BIND_SERVICE"
low=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 0)
if [ "$low" -le 1000 ] || ! command -v setpriv >/dev/null 2>&1; then
	echo "skipped: ports from $low up are unprivileged here (or no setpriv)"
else
	cmd=("$(client_cmd)" -F "$TOPO_CFG" -N -L "1000:127.0.0.1:$echo1" h1)
	setsid setpriv --bounding-set -net_bind_service --inh-caps -net_bind_service \
		"${cmd[@]}" </dev/null >"$D/eacces.log" 2>&1 &
	pid=$!
	echo "$pid" >>"$D/pgids"
	expect bind-eacces "$D/eacces.log" \
		'bind \[?127\.0\.0\.1\]?:1000: Permission denied' \
		'ports below 1024 need privileges'
	client_stop "$pid"
fi

note "bind-inuse: a local port another process holds"
taken=$(topo_server taken root echo 127.0.0.1:0)
# an explicit address: with "localhost" the ::1 listener would still work
client_start inuse -L "127.0.0.1:$taken:127.0.0.1:$echo1" h1
expect bind-inuse "$D/inuse.log" \
	"bind \\[?127\\.0\\.0\\.1\\]?:$taken: Address already in use" \
	"port $taken.*\\(pid [0-9]+\\)"
client_stop "$CLIENT_PID"

note "refused: the target of a forward is closed"
lp=$(topo_freeport)
client_start refused -L "$lp:127.0.0.1:7999" h1
client_wait_ready "$CLIENT_PID" root "$lp"
nk expect-closed "127.0.0.1:$lp" --timeout 20 >/dev/null
expect refused "$D/refused.log" \
	'open failed: connect failed: Connection refused' \
	'could not reach 127\.0\.0\.1 port 7999'
client_stop "$CLIENT_PID"

note "prohibited: an sshd whose PermitOpen forbids the target"
sed -e 's/^Port 22$/Port 2222/' -e "s|^PidFile .*|PidFile $D/h1/sshd-locked.pid|" \
	-e 's/^PermitOpen any$/PermitOpen 127.0.0.1:1/' "$D/h1/sshd_config" >"$D/h1/sshd_locked"
/usr/sbin/sshd -t -f "$D/h1/sshd_locked" || fail "sshd -t rejects $D/h1/sshd_locked"
topo_bg sshd-locked h1 /usr/sbin/sshd -f "$D/h1/sshd_locked" -D -e
topo_wait_tcp h1 2222 10 || fail "the locked sshd on h1 did not start"
cat >"$D/locked_config" <<CFG
Host h1-locked
	HostName $TOPO_ADDR_h1
	Port 2222
	HostKeyAlias $TOPO_ADDR_h1
Include $TOPO_CFG
CFG
lp=$(topo_freeport)
CLIENT_CFG="$D/locked_config" client_start prohibited -L "$lp:127.0.0.1:$echo1" h1-locked
client_wait_ready "$CLIENT_PID" root "$lp"
nk expect-closed "127.0.0.1:$lp" --timeout 20 >/dev/null
expect prohibited "$D/prohibited.log" \
	'open failed: administratively prohibited' \
	'AllowTcpForwarding.*PermitOpen'
client_stop "$CLIENT_PID"

note "remote-inuse: the server cannot listen on the remote port"
topo_server rtaken h1 echo 127.0.0.1:7401 >/dev/null
# an explicit bind address: with "localhost" sshd would also try ::1 and
# report success if that bind worked
client_start rinuse -o ExitOnForwardFailure=no -R "127.0.0.1:7401:127.0.0.1:$lecho" h1
expect remote-inuse "$D/rinuse.log" \
	'remote port forwarding failed for listen port 7401' \
	'AllowTcpForwarding.*GatewayPorts'
client_stop "$CLIENT_PID"

note "key-refused: an identity the server does not authorize"
topo_keygen "$D/stranger_key" stranger
sed "s|$TOPO_KEY|$D/stranger_key|" "$TOPO_CFG" >"$D/stranger_config"
lp=$(topo_freeport)
CLIENT_CFG="$D/stranger_config" client_start keyrefused -L "$lp:127.0.0.1:$echo1" h1
expect key-refused "$D/keyrefused.log" \
	'Permission denied \(publickey' \
	'authorized_keys'
client_stop "$CLIENT_PID"

note "hostkey: known_hosts holds another key for h1"
topo_keygen "$D/bogus_hostkey" bogus
echo "$TOPO_ADDR_h1 $(cut -d' ' -f1,2 "$D/bogus_hostkey.pub")" >"$D/bad_known_hosts"
grep -v "^$TOPO_ADDR_h1 " "$TOPO_KNOWN_HOSTS" >>"$D/bad_known_hosts"
sed "s|UserKnownHostsFile .*|UserKnownHostsFile $D/bad_known_hosts|" "$TOPO_CFG" >"$D/badkh_config"
lp=$(topo_freeport)
CLIENT_CFG="$D/badkh_config" client_start hostkey -L "$lp:127.0.0.1:$echo1" h1
expect hostkey "$D/hostkey.log" \
	'Host key for .* has changed and you have requested strict checking' \
	'if the new key is expected, remove line [0-9]+ of'
client_stop "$CLIENT_PID"

[ "$failures" -eq 0 ] || fail "$failures troubleshooting message(s) missing ($CLIENT)"
pass "every troubleshooting message is produced ($CLIENT)"
