#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_config_forwards: forwards declared in the config file (LocalForward TCP
# and Unix, RemoteForward, DynamicForward, ExitOnForwardFailure) for a host
# behind two jumps; the client is given only the alias.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR

src=$(topo_server rsrc h3 source 127.0.0.1:0 --size 8M --seed 41)
echo3=$(topo_server recho h3 echo 127.0.0.1:0)
topo_server http h3 http 127.0.0.1:8080 --tag "h3-$TOPO_ID" >/dev/null
lsink=$(topo_server lsink root sink 127.0.0.1:0 --log "$D/sink.txt")
lp1=$(topo_freeport)
lp2=$(topo_freeport)
lp3=$(topo_freeport)

CLIENT_CFG="$D/config_forwards"
topo_write_config "$CLIENT_CFG" "$TOPO_KNOWN_HOSTS" "
# Forwards live in the config; the command line names only the alias.
Host tunnels
	HostName $TOPO_ADDR_h3
	ProxyJump h2
	LocalForward $lp1 127.0.0.1:$src
	LocalForward 127.0.0.1:$lp2 localhost:$echo3
	LocalForward $D/l-echo.sock 127.0.0.1:$echo3
	RemoteForward 7301 127.0.0.1:$lsink
	DynamicForward 127.0.0.1:$lp3
	ExitOnForwardFailure yes"
export CLIENT_CFG
cat "$CLIENT_CFG"

client_start c tunnels
c=$CLIENT_PID
client_wait_ready "$c" root "$lp1"
client_wait_ready "$c" root "$lp2"
client_wait_ready "$c" root "unix:$D/l-echo.sock"
client_wait_ready "$c" root "$lp3"
client_wait_ready "$c" h3 7301

nk download "127.0.0.1:$lp1" --size 8M --seed 41 || fail "LocalForward TCP download"
nk echo "127.0.0.1:$lp2" --size 4M || fail "LocalForward TCP echo"
nk echo "unix:$D/l-echo.sock" --size 4M || fail "LocalForward Unix echo"
nk_in h3 upload 127.0.0.1:7301 --size 8M --seed 42 || fail "RemoteForward upload"
want=$(nk pattern-sha --size 2M --seed 9)
got=$(curl -sS --max-time 30 --socks5-hostname "127.0.0.1:$lp3" "http://localhost:8080/bytes/2M?seed=9" | sha256sum | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "DynamicForward download: sha256 $got, expected $want"
echo "ok DynamicForward: 2 MiB through SOCKS5, sha256 matches"

client_alive "$c" || client_died "$D/c.log" "client after the transfers"
client_stop "$c"
pass "forwards declared in the config file ($CLIENT)"
