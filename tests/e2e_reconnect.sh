#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_reconnect: fault injection on the namespace topology (issue 8).
#  1. --reconnect, 3 hops: kill every sshd on the middle hop (h2), start it
#     again; the forward must come back (time to recovery printed) and the
#     local listener must stay bound throughout. Remote forwards added at
#     runtime (-O forward -R, fixed and 0) are requested again.
#  2. ServerAliveInterval 1 / CountMax 3: take the h1-h2 link down for 30 s
#     (E2E_LINK_DOWN); the dead hop is detected ("Timeout, server ... not
#     responding.") within about interval x (count+1); while it is down the
#     backoff is capped (h1 is up: an attempt is one channel open), so
#     after the link is up again the chain is back before the backoff that
#     was capped would have ended (time to recovery printed).
#  2b. h1's link to the test host down for 30 s (h1's end of the veth, so
#     packets vanish as on a real network; taking the test host's end down
#     would send them to its default route): hop 1 is probed
#     with bare TCP connects; the link coming back fires the attempt before
#     the scheduled one ("Link to ... is back"), recovery asserted shorter
#     than what was left of the scheduled delay (printed).
#  3. The target service stops: each connection fails cleanly, the tunnel
#     stays up; it works again once the service is back.
#  4. h2's sshd restarted with a NEW host key: --reconnect must refuse (exit
#     255, "Host key verification failed."), not reconnect.
#  5. Without --reconnect a dead middle hop ends the run with status 255.
#  6. h1's sshd comes back accepting TCP but refusing the key: the probe
#     fires one attempt; after it fails (Permission denied) there is no
#     probe, the delays keep growing and each attempt waits its full delay.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 480 "$@"
[ "${CLIENT:-sshfwd}" = sshfwd ] || {
	echo "SKIP: --reconnect is an sshfwd option"
	exit 77
}
# Every hop probes (ssh, too, passes no -o to its ProxyJump hops).
TOPO_EXTRA_CONFIG=$(printf '\tServerAliveInterval 1\n\tServerAliveCountMax 3')
e2e_begin
D=$TOPO_DIR

now_ms() { date +%s%3N; }

# count FILE ERE: matching lines so far.
count() {
	grep -Ec -- "$2" "$1" 2>/dev/null
}

# wait_count FILE ERE N SECS: until N lines match; prints when (now_ms).
wait_count() {
	local end=$(($(date +%s) + $4))
	while [ "$(date +%s)" -lt "$end" ]; do
		if [ "$(count "$1" "$2")" -ge "$3" ]; then
			now_ms
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# sched_track FILE SECS: follow "reconnecting in N s" lines for SECS; sets
# SCHED_AT (now_ms when the last one was seen; 50 ms polling) and SCHED_S
# (its N) for the latest, so the time left on the timer can be computed.
SCHED_SEEN=0
sched_track() {
	local file=$1 end n line
	end=$(($(now_ms) + $(ms "$2")))
	while [ "$(now_ms)" -lt "$end" ]; do
		n=$(count "$file" "reconnecting in [0-9.]+ s")
		if [ "$n" -gt "$SCHED_SEEN" ]; then
			SCHED_SEEN=$n
			SCHED_AT=$(now_ms)
			line=$(grep -E "reconnecting in [0-9.]+ s" "$file" | tail -n 1)
			SCHED_S=$(sed -E 's/.*reconnecting in ([0-9.]+) s.*/\1/' <<<"$line")
			SCHED_LINE=$line
		fi
		sleep 0.05
	done
}

# ms S: seconds with one decimal (as logged) to milliseconds.
ms() {
	awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }'
}

# Kill every sshd (listener and per-connection children) in host H.
sshd_kill() {
	local h=$1 pid
	for pid in $(ip netns pids "${TOPO_ID}$h"); do
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = sshd ] && kill -KILL "$pid" 2>/dev/null
	done
	topo_wait_gone "$h" 22 10 || fail "sshd on $h still listening"
}

sshd_start() {
	local h=$1
	ip netns exec "${TOPO_ID}$h" /usr/sbin/sshd -f "$D/$h/sshd_config" -D -e \
		</dev/null >>"$D/$h/sshd.log" 2>&1 &
	topo_record_pid $!
	topo_wait_tcp "$h" 22 10 || fail "sshd on $h did not restart"
}

# echo_ok PORT: one small echo through the forward.
echo_ok() {
	nk echo "127.0.0.1:$1" --size 64K --timeout 3 >/dev/null 2>&1
}

# wait_echo PORT SECS: until the forward carries an echo again.
wait_echo() {
	local port=$1 secs=$2 end
	end=$(($(date +%s) + secs))
	while [ "$(date +%s)" -lt "$end" ]; do
		echo_ok "$port" && return 0
		sleep 0.1
	done
	return 1
}

echo3=$(topo_server echo3 h3 echo 127.0.0.1:0)

note "1. kill the middle hop's sshd and start it again (--reconnect)"
lp=$(topo_freeport)
S="$D/ctl.sock"
ctl() { timeout 10 "$SSHFWD" -F "$TOPO_CFG" -S "$S" "$@"; }
client_start rc -v --reconnect -S "$S" -L "$lp:127.0.0.1:$echo3" h3
rc=$CLIENT_PID
client_wait_ready "$rc" root "$lp"
echo_ok "$lp" || fail "echo before the fault"
# Runtime remote forwards must be requested again like configured ones.
echor=$(topo_server echor root echo 127.0.0.1:0)
ctl -O forward -R "7201:127.0.0.1:$echor" h3 || fail "-O forward -R 7201"
rp0=$(ctl -O forward -R "0:127.0.0.1:$echor" h3) || fail "-O forward -R 0"
topo_wait_tcp h3 7201 5 || fail "runtime -R 7201 not listening on h3"
topo_listening h3 "$rp0" || fail "runtime -R 0 (port $rp0) not listening on h3"
t0=$(now_ms)
sshd_kill h2
topo_wait_log "$D/rc.log" "reconnecting in" 15 || {
	cat "$D/rc.log"
	fail "the client did not notice h2's death"
}
t_detect=$(($(now_ms) - t0))
# Down for 3 s: attempts fail (channel open refused by h1) meanwhile.
sleep 3
topo_listening root "$lp" || fail "the local listener was closed while the chain was down"
echo_ok "$lp" && fail "an echo passed while h2 was down"
client_alive "$rc" || client_died "$D/rc.log" "while h2 was down"
ctl -O status h3 | grep -Eq "^  2 h2 .* (down|connecting|idle) " || fail "-O status: h2 not shown down"
out=$(ctl -O forward -R "7202:127.0.0.1:$echor" h3 2>&1) && fail "-O forward -R succeeded with the chain down"
echo "$out" | grep -q "the chain is not up" || fail "-O forward -R with the chain down said: $out"
t1=$(now_ms)
sshd_start h2
wait_echo "$lp" 90 || {
	cat "$D/rc.log"
	fail "the forward did not come back after h2's sshd restarted"
}
t2=$(now_ms)
echo "RESULT kill-restart: detected in ${t_detect} ms; recovered $((t2 - t1)) ms after sshd restart ($((t2 - t0)) ms outage in total)"
grep -E "Chain down|Reconnect" "$D/rc.log"
nk echo "127.0.0.1:$lp" --size 4M || fail "4M echo after recovery"
topo_wait_tcp h3 7201 10 || fail "runtime -R 7201 did not come back after the reconnect"
nk_in h3 echo 127.0.0.1:7201 --size 1M || fail "echo through runtime -R 7201 after the reconnect"
# "-R 0" gets a new port from the server; -O status reports it.
# Its reply may still be on the way (0 until then).
for _ in $(seq 50); do
	rp0b=$(ctl -O status --json h3 | "${PY[@]}" -c '
import json, sys
d = json.load(sys.stdin)
print([f["bound_port"] for f in d["forwards"] if f["kind"] == "R" and f["spec"].startswith("0 ")][0])
') || fail "-O status after the reconnect"
	[ "$rp0b" != 0 ] && break
	sleep 0.1
done
topo_listening h3 "$rp0b" || fail "runtime -R 0 (now port $rp0b) not listening after the reconnect"
nk_in h3 echo "127.0.0.1:$rp0b" --size 1M || fail "echo through runtime -R 0 after the reconnect"
echo "ok: runtime -R 7201 and -R 0 (port $rp0 -> $rp0b) requested again"
ctl -O cancel -R "7201:127.0.0.1:$echor" h3 || fail "-O cancel -R 7201 after the reconnect"
topo_wait_gone h3 7201 5 || fail "7201 still listening after cancel"

note "2. link h1-h2 down: keepalive detects it, link up: it recovers"
t0=$(now_ms)
nrec=$(count "$D/rc.log" "Reconnected")
SCHED_SEEN=$(count "$D/rc.log" "reconnecting in [0-9.]+ s")
topo_exec h1 ip link set "${TOPO_ID}a2" down
topo_wait_log "$D/rc.log" "Timeout, server $TOPO_ADDR_h2 not responding" 15 || {
	cat "$D/rc.log"
	fail "keepalive did not detect the dead link within 15 s"
}
t_ka=$(($(now_ms) - t0))
echo "RESULT link-down: keepalive (interval 1 s, count 3) detected it in ${t_ka} ms"
[ "$t_ka" -le 8000 ] || fail "detection took ${t_ka} ms (> 8 s for 1 s x 3)"
sched_track "$D/rc.log" "${E2E_LINK_DOWN:-30}"
client_alive "$rc" || client_died "$D/rc.log" "while the link was down"
echo "last schedule before link-up: $SCHED_LINE"
# By now the backoff is well past 3 s; h1 is up, so it is capped.
[[ $SCHED_LINE =~ capped\ from\ the\ ([0-9.]+)\ s\ backoff ]] ||
	fail "hop 2 behind a live h1: the delay was not capped: $SCHED_LINE"
backoff_ms=$(ms "${BASH_REMATCH[1]}")
t1=$(now_ms)
topo_exec h1 ip link set "${TOPO_ID}a2" up
t2=$(wait_count "$D/rc.log" "Reconnected" $((nrec + 1)) 90) || {
	cat "$D/rc.log"
	fail "the chain did not come back after the link came up"
}
wait_echo "$lp" 10 || fail "no echo after the chain came back"
echo "RESULT link-up (h1-h2, capped): chain back $((t2 - t1)) ms after the link came up; the backoff would have been ${backoff_ms} ms"
[ $((t2 - t1)) -lt "$backoff_ms" ] ||
	fail "recovery took $((t2 - t1)) ms, not less than the ${backoff_ms} ms backoff"

note "2b. link to h1 down: h1 is probed; back before the scheduled attempt"
nrec=$(count "$D/rc.log" "Reconnected")
SCHED_SEEN=$(count "$D/rc.log" "reconnecting in [0-9.]+ s")
nback=$(count "$D/rc.log" "is back; reconnecting now")
topo_exec h1 ip link set "${TOPO_ID}b1" down
topo_wait_log "$D/rc.log" "Timeout, server $TOPO_ADDR_h1 not responding" 15 || {
	cat "$D/rc.log"
	fail "keepalive did not detect the dead link to h1 within 15 s"
}
sched_track "$D/rc.log" "${E2E_LINK_DOWN:-30}"
# Bring it up only while the pending attempt is at least 5 s away, so that
# an early recovery can only be the probe's doing.
for _ in $(seq 120); do
	left=$((SCHED_AT + $(ms "$SCHED_S") - $(now_ms)))
	[ "$left" -ge 5000 ] && break
	sched_track "$D/rc.log" 1
done
[ "$left" -ge 5000 ] || fail "no reconnect scheduled 5 s or more ahead: $SCHED_LINE"
client_alive "$rc" || client_died "$D/rc.log" "while the link to h1 was down"
echo "pending: $SCHED_LINE (${left} ms left)"
st=$(ctl -O status h3)
echo "$st" | head -n 2
echo "$st" | grep -Eq "^reconnect: attempt [0-9]+ from hop 1 \(h1\) in [0-9.]+ s; probing $TOPO_ADDR_h1 port 22 meanwhile$" ||
	fail "-O status does not show the pending attempt and the probe"
ctl -O status --json h3 | "${PY[@]}" -c '
import json, sys
r = json.load(sys.stdin)["reconnect"]
assert r["from_hop"] == 1 and r["probing"] is True and r["in_ms"] > 0, r
' || fail "-O status --json: reconnect"
t1=$(now_ms)
topo_exec h1 ip link set "${TOPO_ID}b1" up
t2=$(wait_count "$D/rc.log" "Reconnected" $((nrec + 1)) 90) || {
	cat "$D/rc.log"
	fail "the chain did not come back after the link to h1 came up"
}
wait_echo "$lp" 10 || fail "no echo after the chain came back"
[ "$(count "$D/rc.log" "Link to $TOPO_ADDR_h1 port 22 is back; reconnecting now")" -gt "$nback" ] ||
	fail "no 'Link to $TOPO_ADDR_h1 port 22 is back' line"
grep -Eq "Probing $TOPO_ADDR_h1 \[$TOPO_ADDR_h1\] port 22" "$D/rc.log" || fail "no probe logged at debug level"
echo "RESULT link-up (root-h1, probed): chain back $((t2 - t1)) ms after the link came up; the scheduled attempt was ${left} ms away (delay ${SCHED_S} s)"
[ $((t2 - t1)) -lt "$left" ] ||
	fail "recovery took $((t2 - t1)) ms, not less than the ${left} ms left of the backoff"
grep -E "Chain down|Reconnect|is back" "$D/rc.log" | tail -n 4

note "3. target service stopped: connections fail cleanly, the tunnel stays"
for pid in $(ip netns pids "${TOPO_ID}h3"); do
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--portfile $D/echo3.port" &&
		kill -KILL "$pid"
done
sleep 0.5
for i in 1 2 3 4 5; do
	echo_ok "$lp" && fail "echo $i passed with the target stopped"
done
client_alive "$rc" || client_died "$D/rc.log" "with the target stopped"
grep -q "Chain down" <(tail -n 20 "$D/rc.log") && fail "a dead target brought the chain down"
echo3b=$(topo_server echo3b h3 echo "127.0.0.1:$echo3")
[ "$echo3b" = "$echo3" ] || fail "echo server restarted on $echo3b, not $echo3"
wait_echo "$lp" 10 || fail "echo after the target came back"
echo "ok: 5 connections refused cleanly, tunnel stayed, works again"

note "4. h2 restarted with a new host key: refuse, do not reconnect"
sshd_kill h2
rm -f "$D/h2/ssh_host_ed25519_key" "$D/h2/ssh_host_ed25519_key.pub"
topo_keygen "$D/h2/ssh_host_ed25519_key" "sshfwd-e2e-h2-new"
sshd_start h2
client_wait_exit "$rc" 90
[ "$CLIENT_STATUS" = 255 ] || {
	cat "$D/rc.log"
	fail "with a new host key on h2 the client status is $CLIENT_STATUS, expected 255"
}
grep -q "Host key verification failed" "$D/rc.log" || fail "no host key message"
grep -q "Not reconnecting" "$D/rc.log" || fail "no 'Not reconnecting' message"
echo "ok: refused with status 255"

note "5. without --reconnect a dead middle hop ends the run (255)"
# Trust the new key for this one.
CLIENT_CFG="$D/config_new"
grep -v "^$TOPO_ADDR_h2 " "$TOPO_KNOWN_HOSTS" >"$D/kh_new"
echo "$TOPO_ADDR_h2 $(cut -d' ' -f1,2 "$D/h2/ssh_host_ed25519_key.pub")" >>"$D/kh_new"
topo_write_config "$CLIENT_CFG" "$D/kh_new"
lp2=$(topo_freeport)
client_start norc -L "$lp2:127.0.0.1:$echo3" h3
nr=$CLIENT_PID
client_wait_ready "$nr" root "$lp2"
echo_ok "$lp2" || fail "echo without --reconnect"
sshd_kill h2
client_wait_exit "$nr" 30
[ "$CLIENT_STATUS" = 255 ] || {
	cat "$D/norc.log"
	fail "without --reconnect the status is $CLIENT_STATUS, expected 255"
}
grep -q "Use --reconnect" "$D/norc.log" || fail "no exit message"
echo "ok: exited 255"

note "6. h1 accepts TCP but refuses the key: no hammering"
echo1=$(topo_server echo1 h1 echo 127.0.0.1:0)
lp6=$(topo_freeport)
client_start auth -v --reconnect -L "$lp6:127.0.0.1:$echo1" h1
ac=$CLIENT_PID
client_wait_ready "$ac" root "$lp6"
echo_ok "$lp6" || fail "echo through h1"
L=$D/auth.log
SCHED_SEEN=0
sshd_kill h1
# Refused connects (no sshd): the delay doubles until probing starts.
for _ in $(seq 40); do
	sched_track "$L" 1
	[ "$(ms "${SCHED_S:-0}")" -gt 3000 ] && break
done
[ "$(ms "${SCHED_S:-0}")" -gt 3000 ] || fail "the delay never grew past 3 s: ${SCHED_LINE:-none}"
topo_wait_log "$L" "Probing $TOPO_ADDR_h1 port 22 every 2 s" 5 || fail "no probing while h1 was down"
echo "probing: $SCHED_LINE"
sed "s|^AuthorizedKeysFile .*|AuthorizedKeysFile $D/nonexistent_keys|" "$D/h1/sshd_config" >"$D/h1/sshd_config.noauth"
ip netns exec "${TOPO_ID}h1" /usr/sbin/sshd -f "$D/h1/sshd_config.noauth" -D -e \
	</dev/null >>"$D/h1/sshd.log" 2>&1 &
topo_record_pid $!
topo_wait_tcp h1 22 10 || fail "sshd (no keys) on h1 did not start"
wait_count "$L" "is back; reconnecting now" 1 10 >/dev/null || fail "the probe did not find h1 back"
tf1=$(wait_count "$L" "Permission denied" 1 20) || fail "no Permission denied from h1"
sched_track "$L" 0.3
m1=$SCHED_S
echo "after the first refusal: $SCHED_LINE"
ta2=$(wait_count "$L" "Reconnecting to" $(($(count "$L" "Reconnecting to") + 1)) 70) || fail "no second attempt"
tf2=$(wait_count "$L" "Permission denied" 2 20) || fail "no second Permission denied"
sched_track "$L" 0.3
m2=$SCHED_S
echo "after the second refusal: $SCHED_LINE"
gap=$((ta2 - tf1))
echo "RESULT auth refused: delays ${m1} s then ${m2} s; second attempt $gap ms after the first refusal; $(count "$L" "is back; reconnecting now") probe-fired attempt"
[ "$(count "$L" "is back; reconnecting now")" = 1 ] || fail "the probe fired again after an attempt failed at the server"
[ "$gap" -ge $(($(ms "$m1") - 200)) ] || fail "the second attempt came after $gap ms, before its ${m1} s delay"
[ "$(ms "$m2")" -ge "$(ms "$m1")" ] || fail "the delay shrank from $m1 s to $m2 s"
grep -q "Chain down at hop 1 (h1); reconnecting in $m1 s (attempt" "$L" || fail "plain backoff expected after the refusal"
# Give h1 its keys back: the next attempt (no sooner) gets through.
sshd_kill h1
sshd_start h1
t3=$(wait_count "$L" "Reconnected" 1 70) || {
	cat "$L"
	fail "no recovery once h1 accepted the key again"
}
echo "ok: recovered $((t3 - tf2)) ms after the second refusal (delay ${m2} s)"
[ $((t3 - tf2)) -ge $(($(ms "$m2") - 200)) ] || fail "the third attempt did not wait its ${m2} s"
echo_ok "$lp6" || fail "echo after the recovery"
client_stop "$ac"
pass "reconnect, keepalive and fault injection ($CLIENT)"
