#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_remote: RemoteForward across 3 hops: fixed ports to a source and a sink
# on the test host (checksummed 16 MiB), -R 0 with the allocated port read
# from the client's log ("Allocated port N"), and remote dynamic forwarding
# (-R port alone: SOCKS served on the client side) with curl on h3.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
SIZE=${E2E_SIZE:-16M}
D=$TOPO_DIR

src=$(topo_server lsrc root source 127.0.0.1:0 --size "$SIZE" --seed 21)
sink=$(topo_server lsink root sink 127.0.0.1:0 --log "$D/sink.txt")
echo=$(topo_server lecho root echo 127.0.0.1:0)
http=$(topo_server lhttp root http 127.0.0.1:0 --tag "testhost-$TOPO_ID")

client_start c -R "7001:127.0.0.1:$src" -R "7002:127.0.0.1:$sink" \
	-R "0:127.0.0.1:$echo" -R 7003 h3
c=$CLIENT_PID
client_wait_ready "$c" h3 7001
client_wait_ready "$c" h3 7002
client_wait_ready "$c" h3 7003
topo_wait_log "$D/c.log" 'Allocated port [0-9]+' 30 || {
	cat "$D/c.log" >&2
	fail "-R 0: no 'Allocated port N' in the client's log"
}
rport=$(grep -Eo 'Allocated port [0-9]+' "$D/c.log" | head -1 | awk '{print $3}')
echo "-R 0 allocated port $rport on h3"
topo_listening h3 "$rport" || fail "-R 0: allocated port $rport is not listening on h3"

note "remote TCP forward: download and upload from h3"
nk_in h3 download 127.0.0.1:7001 --size "$SIZE" --seed 21 || fail "-R download"
nk_in h3 upload 127.0.0.1:7002 --size "$SIZE" --seed 22 || fail "-R upload"
note "-R 0: echo from h3 through the allocated port"
nk_in h3 echo "127.0.0.1:$rport" --size 4M || fail "-R 0 echo"

note "remote dynamic forward: curl on h3 through SOCKS served by the client"
want=$(nk pattern-sha --size 4M --seed 3)
for mode in socks4 socks4a socks5 socks5-hostname; do
	host=127.0.0.1
	case $mode in socks4a | socks5-hostname) host=localhost ;; esac
	rm -f "$D/body" "$D/hdr"
	topo_exec h3 curl -sS --max-time 30 "--$mode" 127.0.0.1:7003 -D "$D/hdr" \
		-o "$D/body" "http://$host:$http/bytes/4M?seed=3" || fail "-R dynamic: curl --$mode"
	got=$(sha256sum <"$D/body" | cut -d' ' -f1)
	[ "$got" = "$want" ] || fail "-R dynamic --$mode: body sha256 $got, expected $want"
	grep -q "X-Served-By: testhost-$TOPO_ID" "$D/hdr" || fail "-R dynamic --$mode: not served by the test host"
	echo "ok -R dynamic curl --$mode: 4 MiB, sha256 matches"
done

client_alive "$c" || client_died "$D/c.log" "client after the transfers"
client_stop "$c"
topo_wait_gone h3 7001 10 || fail "remote listener 7001 still open on h3 after the client stopped"
pass "remote TCP, -R 0 and remote dynamic forwards across 3 hops ($CLIENT)"
