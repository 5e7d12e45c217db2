#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_local_unix: LocalForward with Unix sockets across 3 hops: local unix ->
# remote unix, local unix -> remote TCP, local TCP -> remote unix, each with a
# checksummed 16 MiB transfer.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
SIZE=${E2E_SIZE:-16M}
D=$TOPO_DIR

topo_server rsrc h3 source "unix:$D/h3-src.sock" --size "$SIZE" --seed 7 >/dev/null
topo_server recho h3 echo "unix:$D/h3-echo.sock" >/dev/null
sink=$(topo_server rsink h3 sink 127.0.0.1:0 --log "$D/sink.txt")

lp=$(topo_freeport)
client_start c -L "$D/l-src.sock:$D/h3-src.sock" -L "$D/l-sink.sock:127.0.0.1:$sink" \
	-L "$lp:$D/h3-echo.sock" h3
c=$CLIENT_PID
client_wait_ready "$c" root "unix:$D/l-src.sock"
client_wait_ready "$c" root "unix:$D/l-sink.sock"
client_wait_ready "$c" root "$lp"

note "unix -> unix download"
nk download "unix:$D/l-src.sock" --size "$SIZE" --seed 7 || fail "unix->unix download"
note "unix -> tcp upload"
nk upload "unix:$D/l-sink.sock" --size "$SIZE" --seed 8 || fail "unix->tcp upload"
note "tcp -> unix echo"
nk echo "127.0.0.1:$lp" --size 8M || fail "tcp->unix echo"
note "tcp -> unix, 20 concurrent echoes"
nk echo-many "127.0.0.1:$lp" --conns 20 --size 256K || fail "tcp->unix concurrent echo"
note "unix -> unix, 5 parallel downloads"
pids=()
for i in 1 2 3 4 5; do
	nk_bg "$D/dl$i.out" download "unix:$D/l-src.sock" --size "$SIZE" --seed 7
	pids+=("$NK_PID")
done
for i in 1 2 3 4 5; do
	wait "${pids[$((i - 1))]}" || { cat "$D/dl$i.out"; fail "parallel unix download $i"; }
done
echo "ok 5 parallel unix->unix downloads intact"
client_alive "$c" || client_died "$D/c.log" "client after the transfers"
client_stop "$c"
pass "local Unix-socket forwards across 3 hops ($CLIENT)"
