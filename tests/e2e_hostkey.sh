#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_hostkey: StrictHostKeyChecking yes with a changed host key, on the last
# hop and on a middle hop, and with no key known at all: the client must
# refuse (exit non-zero), never listen on the forward nor let a byte reach the
# target. For a changed key the message must name the known_hosts file and
# the line of the old key (file:line), as ssh does.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR

sink=$(topo_server sink h3 sink 127.0.0.1:0 --log "$D/sink.txt")
: >"$D/sink.txt"
topo_keygen "$D/bogus_key" bogus
bogus=$(cut -d' ' -f1,2 "$D/bogus_key.pub")

# scenario NAME KNOWN_HOSTS EXPECT_FILE_LINE
scenario() {
	local name=$1 kh=$2 fileline=$3 lp st i
	note "$name"
	CLIENT_CFG="$D/config_$name"
	topo_write_config "$CLIENT_CFG" "$kh"
	lp=$(topo_freeport)
	client_start "$name" -L "$lp:127.0.0.1:$sink" h3
	# While it runs, keep trying to push bytes through the would-be forward.
	for i in $(seq 100); do
		client_alive "$CLIENT_PID" || break
		nk upload "127.0.0.1:$lp" --size 1K --timeout 2 >/dev/null 2>&1
		sleep 0.1
		: "$i"
	done
	client_wait_exit "$CLIENT_PID" 30
	st=$CLIENT_STATUS
	cat "$D/$name.log"
	grep -q "not available in this build" "$D/$name.log" &&
		fail "$name: sshfwd forwarding is not available in this build (the launcher has not landed)"
	[ "$st" != running ] || fail "$name: the client is still running with a bad host key"
	[ "$st" -ne 0 ] || fail "$name: the client exited 0 with a bad host key"
	topo_listening root "$lp" && fail "$name: something listens on the forward port $lp"
	[ ! -s "$D/sink.txt" ] || fail "$name: bytes reached the target: $(cat "$D/sink.txt")"
	if [ -n "$fileline" ]; then
		grep -qF "$fileline" "$D/$name.log" || fail "$name: the message does not name $fileline"
	fi
	echo "ok $name: refused (exit $st), nothing forwarded"
}

# Line 3 is h3's key, line 2 h2's (see topo_up).
sed "3s|^\([^ ]*\) .*|\1 $bogus|" "$TOPO_KNOWN_HOSTS" >"$D/kh_last"
scenario changed_last_hop "$D/kh_last" "$D/kh_last:3"
sed "2s|^\([^ ]*\) .*|\1 $bogus|" "$TOPO_KNOWN_HOSTS" >"$D/kh_middle"
scenario changed_middle_hop "$D/kh_middle" "$D/kh_middle:2"
sed '3d' "$TOPO_KNOWN_HOSTS" >"$D/kh_unknown"
scenario unknown_last_hop "$D/kh_unknown" ""

note "control: the right keys work"
CLIENT_CFG=$TOPO_CFG
lp=$(topo_freeport)
client_start good -L "$lp:127.0.0.1:$sink" h3
client_wait_ready "$CLIENT_PID" root "$lp"
nk upload "127.0.0.1:$lp" --size 1M || fail "upload with the right host keys"
client_stop "$CLIENT_PID"
pass "host-key mismatch refused with nothing forwarded ($CLIENT)"
