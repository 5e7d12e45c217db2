#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_socks: DynamicForward across 3 hops with curl --socks4, --socks4a,
# --socks5, --socks5-hostname (names resolved at the far end) and an IPv6
# literal; a refused target fails only that request; a malformed request is
# answered or closed and does not stall the others.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR

topo_server http4 h3 http 0.0.0.0:8080 --tag "h3-$TOPO_ID" >/dev/null
v6=0
if topo_exec h3 ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	topo_server http6 h3 http '[::1]:8081' --tag "h3v6-$TOPO_ID" >/dev/null
	v6=1
fi

lp=$(topo_freeport)
client_start c -D "$lp" h3
c=$CLIENT_PID
client_wait_ready "$c" root "$lp"

want=$(nk pattern-sha --size 8M --seed 4)
fetch() { # fetch MODE URL TAG
	rm -f "$D/body" "$D/hdr"
	curl -sS --max-time 30 "--$1" "127.0.0.1:$lp" -D "$D/hdr" -o "$D/body" "$2" ||
		fail "curl --$1 $2"
	got=$(sha256sum <"$D/body" | cut -d' ' -f1)
	[ "$got" = "$want" ] || fail "curl --$1 $2: body sha256 $got, expected $want"
	grep -q "X-Served-By: $3" "$D/hdr" || fail "curl --$1 $2: not served by $3"
	echo "ok curl --$1 $2: 8 MiB, sha256 matches, served by $3"
}
# 10.232.3.2 exists only on h3 and localhost resolves on h3 itself.
fetch socks4 "http://$TOPO_ADDR_h3:8080/bytes/8M?seed=4" "h3-$TOPO_ID"
fetch socks4a "http://localhost:8080/bytes/8M?seed=4" "h3-$TOPO_ID"
fetch socks5 "http://$TOPO_ADDR_h3:8080/bytes/8M?seed=4" "h3-$TOPO_ID"
fetch socks5-hostname "http://localhost:8080/bytes/8M?seed=4" "h3-$TOPO_ID"
if [ "$v6" = 1 ]; then
	fetch socks5 "http://[::1]:8081/bytes/8M?seed=4" "h3v6-$TOPO_ID"
else
	echo "note: no IPv6 loopback in the namespace; IPv6 SOCKS5 case not run"
fi

note "refused target: that request fails, the proxy stays up"
if curl -sS --max-time 20 --socks5-hostname "127.0.0.1:$lp" -o /dev/null http://localhost:7999/ 2>"$D/refused.err"; then
	fail "curl through SOCKS to a closed port succeeded"
fi
echo "curl to a closed port failed as it should: $(cat "$D/refused.err")"

note "malformed SOCKS requests: answered or closed, never hung"
nk garbage "127.0.0.1:$lp" 0700ffff || fail "unknown SOCKS version"
nk garbage "127.0.0.1:$lp" 050102 || fail "SOCKS5 offering only username/password"
nk garbage "127.0.0.1:$lp" 0401 --eof || fail "truncated SOCKS4 request (then EOF)"

note "parallel SOCKS5 downloads"
pids=()
for i in 1 2 3 4 5 6 7 8; do
	curl -sS --max-time 60 --socks5-hostname "127.0.0.1:$lp" -o "$D/p$i" \
		"http://localhost:8080/bytes/8M?seed=4" &
	pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a parallel SOCKS download failed"; done
for i in 1 2 3 4 5 6 7 8; do
	[ "$(sha256sum <"$D/p$i" | cut -d' ' -f1)" = "$want" ] || fail "parallel download $i corrupted"
done
echo "ok 8 parallel SOCKS5 downloads intact"
fetch socks5 "http://$TOPO_ADDR_h3:8080/bytes/8M?seed=4" "h3-$TOPO_ID"

client_alive "$c" || client_died "$D/c.log" "client after the SOCKS tests"
client_stop "$c"
pass "DynamicForward SOCKS4/4a/5/5-hostname across 3 hops ($CLIENT)"
