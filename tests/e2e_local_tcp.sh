#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_local_tcp: LocalForward over TCP, 1 hop and 3 hops (ProxyJump chain),
# with checksummed 16 MiB downloads and uploads (the upload's checksum comes
# back after a half-close) and an echo; the client must still be up after.
# CLIENT=ssh runs the same scenario with OpenSSH to prove the harness.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
SIZE=${E2E_SIZE:-16M}

src1=$(topo_server src1 h1 source 127.0.0.1:0 --size "$SIZE" --seed 11)
src3=$(topo_server src3 h3 source 127.0.0.1:0 --size "$SIZE" --seed 33)
sink3=$(topo_server sink3 h3 sink 127.0.0.1:0 --log "$TOPO_DIR/sink3.txt")
echo3=$(topo_server echo3 h3 echo 0.0.0.0:0)

note "1 hop: -L to a source on h1"
lp1=$(topo_freeport)
client_start c1 -L "$lp1:127.0.0.1:$src1" h1
c1=$CLIENT_PID
client_wait_ready "$c1" root "$lp1"
nk download "127.0.0.1:$lp1" --size "$SIZE" --seed 11 || fail "1-hop download"

note "3 hops: -L to a source, a sink and an echo on h3"
lp2=$(topo_freeport)
lp3=$(topo_freeport)
lp4=$(topo_freeport)
# The echo target is h3's own address: reachable only from h2/h3, so the
# connection really is made at the far end.
client_start c3 -L "$lp2:127.0.0.1:$src3" -L "127.0.0.1:$lp3:localhost:$sink3" \
	-L "$lp4:$TOPO_ADDR_h3:$echo3" h3
c3=$CLIENT_PID
client_wait_ready "$c3" root "$lp2"
client_wait_ready "$c3" root "$lp3"
client_wait_ready "$c3" root "$lp4"
nk download "127.0.0.1:$lp2" --size "$SIZE" --seed 33 || fail "3-hop download"
nk upload "127.0.0.1:$lp3" --size "$SIZE" --seed 5 || fail "3-hop upload"
nk echo "127.0.0.1:$lp4" --size 4M || fail "3-hop echo"
# Both directions at once on one forward.
nk_bg "$TOPO_DIR/par.out" download "127.0.0.1:$lp2" --size "$SIZE" --seed 33
dl=$NK_PID
nk upload "127.0.0.1:$lp3" --size "$SIZE" --seed 6 || fail "3-hop upload during a download"
wait "$dl" || { cat "$TOPO_DIR/par.out"; fail "3-hop download during an upload"; }
cat "$TOPO_DIR/par.out"

client_alive "$c1" || client_died "$TOPO_DIR/c1.log" "1-hop client after the transfers"
client_alive "$c3" || client_died "$TOPO_DIR/c3.log" "3-hop client after the transfers"
[ "$(wc -l <"$TOPO_DIR/sink3.txt")" -eq 2 ] || fail "the sink saw $(wc -l <"$TOPO_DIR/sink3.txt") connections, expected 2"
client_stop "$c3"
client_stop "$c1"
pass "local TCP forwards, 1 and 3 hops ($CLIENT)"
