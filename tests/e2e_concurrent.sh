#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_concurrent: 200 concurrent connections through one LocalForward across
# 3 hops, each echoing 64 KiB of its own random bytes, all intact; then 200
# concurrent SOCKS5 echoes through a DynamicForward.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR
N=${E2E_CONNS:-200}

echo3=$(topo_server echo3 h3 echo 127.0.0.1:0)
lp=$(topo_freeport)
client_start c -L "$lp:127.0.0.1:$echo3" h3
c=$CLIENT_PID
client_wait_ready "$c" root "$lp"
nk echo-many "127.0.0.1:$lp" --conns "$N" --size 64K --timeout 90 || fail "$N concurrent echoes"
nk echo-many "127.0.0.1:$lp" --conns "$N" --size 64K --timeout 90 || fail "$N concurrent echoes, second round"
client_alive "$c" || client_died "$D/c.log" "client after $N concurrent connections"
client_stop "$c"
pass "$N concurrent connections intact across 3 hops ($CLIENT)"
