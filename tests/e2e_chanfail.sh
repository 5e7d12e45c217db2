#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_chanfail: a failed channel open (the target port is closed) closes that
# one client connection, is logged the way ssh logs it ("connect failed"),
# and leaves the tunnel and the other connections up, even while a transfer
# is running on the same tunnel.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR

echo3=$(topo_server echo3 h3 echo 127.0.0.1:0)
lp_bad=$(topo_freeport)
lp_ok=$(topo_freeport)
# Nothing listens on h3's port 7999.
client_start c -L "$lp_bad:127.0.0.1:7999" -L "$lp_ok:127.0.0.1:$echo3" h3
c=$CLIENT_PID
client_wait_ready "$c" root "$lp_bad"
client_wait_ready "$c" root "$lp_ok"

nk_bg "$D/bg.out" echo-many "127.0.0.1:$lp_ok" --conns 10 --size 4M --timeout 90
bg=$NK_PID
for i in $(seq 20); do
	nk expect-closed "127.0.0.1:$lp_bad" --timeout 20 >/dev/null || fail "failed open $i: the client connection was not closed"
done
echo "ok 20 connections to a closed target closed without data"
wait "$bg" || { cat "$D/bg.out"; fail "transfer running during the failed opens"; }
cat "$D/bg.out"
nk echo "127.0.0.1:$lp_ok" --size 1M || fail "echo after the failed opens"
client_alive "$c" || client_died "$D/c.log" "client after the failed opens"
grep -Eq 'connect failed|Connection refused' "$D/c.log" || {
	cat "$D/c.log"
	fail "the failed open is not logged ('connect failed: Connection refused')"
}
grep -E 'connect failed|Connection refused' "$D/c.log" | head -2
client_stop "$c"
pass "failed channel opens leave the tunnel up ($CLIENT)"
