#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_exit_on_failure: ExitOnForwardFailure=yes with a local port already
# taken and with a remote port already taken: the client exits non-zero and
# the port's owner is undisturbed. With ExitOnForwardFailure=no the client
# stays up and the other forwards work.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR

echo3=$(topo_server echo3 h3 echo 127.0.0.1:0)
lecho=$(topo_server lecho root echo 127.0.0.1:0)
taken=$(topo_server taken root echo 127.0.0.1:0)
topo_server rtaken h3 echo 127.0.0.1:7401 >/dev/null

expect_exit() { # NAME ARGS...
	local name=$1 st
	shift
	client_start "$name" "$@"
	client_wait_exit "$CLIENT_PID" 45
	st=$CLIENT_STATUS
	cat "$D/$name.log"
	grep -q "not available in this build" "$D/$name.log" &&
		fail "$name: sshfwd forwarding is not available in this build (the launcher has not landed)"
	[ "$st" != running ] || fail "$name: ExitOnForwardFailure=yes but the client keeps running"
	[ "$st" -ne 0 ] || fail "$name: the client exited 0 after a forward failed"
	echo "ok $name: exited with status $st"
}

note "local port taken, ExitOnForwardFailure=yes"
free=$(topo_freeport)
expect_exit local_taken -o ExitOnForwardFailure=yes \
	-L "127.0.0.1:$free:127.0.0.1:$echo3" -L "127.0.0.1:$taken:127.0.0.1:$echo3" h3
topo_listening root "$free" && fail "local_taken: port $free still listening after the exit"
nk echo "127.0.0.1:$taken" --size 64K >/dev/null || fail "the owner of port $taken was disturbed"

note "remote port taken, ExitOnForwardFailure=yes"
expect_exit remote_taken -o ExitOnForwardFailure=yes \
	-R "127.0.0.1:7401:127.0.0.1:$lecho" h3
nk_in h3 echo 127.0.0.1:7401 --size 64K >/dev/null || fail "the owner of h3 port 7401 was disturbed"

note "local port taken, ExitOnForwardFailure=no: keeps going"
free=$(topo_freeport)
client_start keep_going -o ExitOnForwardFailure=no \
	-L "127.0.0.1:$taken:127.0.0.1:$echo3" -L "127.0.0.1:$free:127.0.0.1:$echo3" h3
c=$CLIENT_PID
client_wait_ready "$c" root "$free"
nk echo "127.0.0.1:$free" --size 1M || fail "keep_going: the free forward does not work"
client_alive "$c" || client_died "$D/keep_going.log" "keep_going"
client_stop "$c"
pass "ExitOnForwardFailure with ports already taken ($CLIENT)"
