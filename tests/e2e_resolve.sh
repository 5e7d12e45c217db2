#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_resolve: name lookups do not stall the forwards, and failed lookups
# are reported in ssh's words. The client runs in a mount namespace whose
# /etc/resolv.conf names a nameserver that swallows every query (a
# "blackhole" on the test host's veth address) and whose nsswitch.conf asks
# files then dns.
#   - slow: a connection to a -R forward whose target is a name only DNS
#     could know starts a lookup that hangs; while it hangs, 1 MiB must
#     still cross a -L forward of the same client, and the remote forward's
#     failure must not have been reported yet (a blocking lookup would
#     hold the whole event loop until the nameserver times out); then it is
#     reported as ssh does ("connect_to X: unknown host (...)").
#   - unknown: HostName that no source knows (nsswitch "files" only): the
#     client exits 255 with "Could not resolve hostname X: Name or service
#     not known".
# OpenSSH resolves -R targets blocking, so under CLIENT=ssh the slow case
# only checks that the lookup is reported once it fails.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR
command -v unshare >/dev/null || fail "unshare is missing (util-linux)"

DNS_ADDR=10.231.$TOPO_SUBNET_N.1
SLOW=slow-name.sshfwd-e2e.test
sink=$(topo_server sink h1 sink 127.0.0.1:0)

# The blackhole: read queries, log one line each, never answer.
: >"$D/dns.log"
topo_bg dns root "${PY[@]}" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 53))
open(sys.argv[2] + ".ready", "w").close()
while True:
    s.recv(4096)
    with open(sys.argv[2], "a") as f:
        f.write("query\n")
' "$DNS_ADDR" "$D/dns.log"
for i in $(seq 100); do
	[ -e "$D/dns.log.ready" ] && break
	sleep 0.05
	: "$i"
done
[ -e "$D/dns.log.ready" ] || fail "the blackhole nameserver did not start"
printf 'nameserver %s\noptions timeout:30 attempts:1\n' "$DNS_ADDR" >"$D/resolv.conf"
printf 'hosts: files dns\n' >"$D/nss_dns"
printf 'hosts: files\n' >"$D/nss_files"

# start_ns NAME NSSWITCH ARGS...: the client in its own mount namespace.
start_ns() {
	local name=$1 nss=$2
	shift 2
	CLIENT_LOG="$D/$name.log"
	# shellcheck disable=SC2016 # expanded by the inner shell
	setsid unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf &&
		mount --bind "$2" /etc/nsswitch.conf && shift 2 && exec "$@"' \
		sh "$D/resolv.conf" "$nss" "$(client_cmd)" -F "$TOPO_CFG" -N "$@" \
		</dev/null >"$CLIENT_LOG" 2>&1 &
	CLIENT_PID=$!
	echo "$CLIENT_PID" >>"$D/pgids"
}

note "slow: a hanging lookup for a -R target while a -L forward moves bytes"
lp=$(topo_freeport)
rp=$(topo_freeport)
start_ns slow "$D/nss_dns" -R "$rp:$SLOW:9" -L "$lp:127.0.0.1:$sink" h1
client_wait_ready "$CLIENT_PID" root "$lp"
client_wait_ready "$CLIENT_PID" h1 "$rp"
topo_bg trigger h1 "${PY[@]}" "$NETKIT" echo "127.0.0.1:$rp" --size 1 --timeout 120
topo_wait_log "$D/dns.log" query 30 || {
	cat "$D/slow.log"
	fail "slow: no query reached the nameserver (is the lookup made?)"
}
if [ "$CLIENT" = sshfwd ]; then
	nk upload "127.0.0.1:$lp" --size 1M --timeout 20 ||
		fail "slow: the -L forward stalled while a name lookup hung"
	! grep -q "connect_to $SLOW" "$D/slow.log" ||
		fail "slow: the lookup ended before the upload; it did not hang long enough to prove anything"
fi
topo_wait_log "$D/slow.log" "connect_to $SLOW: unknown host \\(" 90 || {
	cat "$D/slow.log"
	fail "slow: the failed lookup was not reported"
}
client_alive "$CLIENT_PID" || fail "slow: the client died"
nk upload "127.0.0.1:$lp" --size 1M || fail "slow: the -L forward after the lookup"
grep "connect_to $SLOW" "$D/slow.log"
client_stop "$CLIENT_PID"
echo "ok slow"

note "unknown: HostName no source knows"
cat >>"$TOPO_CFG" <<EOF
Host nowhere
	HostName nosuch-host.sshfwd-e2e.test
EOF
start_ns unknown "$D/nss_files" -L "$(topo_freeport):127.0.0.1:9" nowhere
client_wait_exit "$CLIENT_PID" 30
cat "$D/unknown.log"
[ "$CLIENT_STATUS" = 255 ] || fail "unknown: exit status $CLIENT_STATUS, not 255"
grep -q "Could not resolve hostname nosuch-host.sshfwd-e2e.test: Name or service not known" \
	"$D/unknown.log" || fail "unknown: not ssh's message"
echo "ok unknown"

pass "name lookups off the loop, failures in ssh's words ($CLIENT)"
