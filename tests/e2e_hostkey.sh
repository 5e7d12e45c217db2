#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_hostkey: StrictHostKeyChecking yes with a changed host key, on the last
# hop and on a middle hop, and with no key known at all: the client must
# refuse (exit non-zero), never listen on the forward nor let a byte reach the
# target. For a changed key the message must name the known_hosts file and
# the line of the old key (file:line), as ssh does. VisualHostKey yes: the
# fingerprint and picture of every hop's key (ssh-keygen -lv's), not under
# -q, only the destination's for -o, the same lines as ssh's.
# KnownHostsCommand: keys from a program (tokens, never written to the user
# file), a failing one ends the run, a relative path is skipped.
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

note "VisualHostKey yes: every hop's fingerprint and picture, as ssh 9.2"
# ssh logs "Host key fingerprint is FP" and the key's picture (what
# ssh-keygen -lv draws) at INFO for every key it verifies; jump hosts too,
# since their "ssh -W" reads the same -F config.
# visual_blocks LOG: each "Host key fingerprint is" line and the 11 lines of
# its picture, CRs removed (ssh ends a log message in CR LF).
visual_blocks() {
	tr -d '\r' <"$1" | awk '/^Host key fingerprint is /{n = 12} n > 0 {print; n--}'
}
# visual_want H...: the blocks for hosts H, from ssh-keygen (hash $VH).
visual_want() {
	local h pub
	for h in "$@"; do
		pub="$D/$h/ssh_host_ed25519_key.pub"
		echo "Host key fingerprint is $(ssh-keygen -l -E "${VH:-sha256}" -f "$pub" | cut -d' ' -f2)"
		ssh-keygen -lv -E "${VH:-sha256}" -f "$pub" | tail -n +2
	done
}
# visual NAME WANT_HOSTS ARGS...: run the client, compare its blocks.
visual() {
	local name=$1 want=$2 lp got
	shift 2
	lp=$(topo_freeport)
	client_start "$name" "$@" -L "$lp:127.0.0.1:$sink" h3
	client_wait_ready "$CLIENT_PID" root "$lp"
	client_stop "$CLIENT_PID"
	got=$(visual_blocks "$D/$name.log")
	# shellcheck disable=SC2086 # a list of hosts
	[ "$got" = "$(visual_want $want)" ] || {
		cat "$D/$name.log"
		fail "$name: the fingerprint pictures are not those of $want (ssh-keygen -lv)"
	}
	echo "ok $name: pictures of ${want:-no host}"
}
CLIENT_CFG="$D/config_visual"
TOPO_EXTRA_CONFIG="	VisualHostKey yes" topo_write_config "$CLIENT_CFG" "$TOPO_KNOWN_HOSTS"
visual visual_config "h1 h2 h3"
sed -n '/^Host key fingerprint is/,+11p' "$D/visual_config.log"
# -o reaches only the destination (ssh passes neither -o nor -q to the jump
# hosts' ssh -W, so with VisualHostKey in the config ssh -q still shows the
# jump hosts' pictures; sshfwd -q shows none); -q silences INFO;
# FingerprintHash md5 draws the MD5 digest.
CLIENT_CFG=$TOPO_CFG
visual visual_cmdline "h3" -o VisualHostKey=yes
visual visual_quiet "" -q -o VisualHostKey=yes
VH=md5 visual visual_md5 "h3" -o VisualHostKey=yes -o FingerprintHash=md5
if [ "$CLIENT" = sshfwd ]; then
	# Line for line against OpenSSH on the same hosts and config (ssh's
	# log lines end in CR LF, sshfwd's in LF).
	timeout 30 ssh -F "$D/config_visual" h3 true 2>"$D/visual_ssh.err" ||
		fail "ssh -o VisualHostKey=yes: $(cat "$D/visual_ssh.err")"
	[ "$(visual_blocks "$D/visual_ssh.err")" = "$(visual_blocks "$D/visual_config.log")" ] ||
		fail "VisualHostKey: sshfwd's lines differ from ssh's: $(cat -A "$D/visual_ssh.err")"
	echo "ok: the same lines as ssh $(ssh -V 2>&1 | cut -d' ' -f1)"
fi

note "KnownHostsCommand: known_hosts lines from a program, as ssh 9.2"
# The user file is empty; every hop's key comes from the command, which
# ssh runs (no shell) with %-tokens expanded in its arguments, twice per
# hop: "ORDER" before the key exchange (no key yet), "HOSTNAME" to check
# the key (CheckHostIP is off: no ADDRESS run). Keys found that way are
# never written to the user file.
cat >"$D/khc.sh" <<EOF
#!/bin/sh
echo "\$*" >>"\$KHC_LOG"
cat "$TOPO_KNOWN_HOSTS"
EOF
printf '#!/bin/sh\nexit 3\n' >"$D/khfail.sh"
chmod +x "$D/khc.sh" "$D/khfail.sh"
: >"$D/kh_khc"
# khc NAME COMMAND: a config whose only known hosts come from COMMAND.
khc() {
	CLIENT_CFG="$D/config_$1"
	topo_write_config "$CLIENT_CFG" "$D/kh_khc"
	sed -i "s|^Host \*\$|&\n\tKnownHostsCommand $2|" "$CLIENT_CFG"
}
khc khc "$D/khc.sh %I %H %t %f %%"
export KHC_LOG="$D/khc.args.$CLIENT"
: >"$KHC_LOG"
lp=$(topo_freeport)
client_start khc -L "$lp:127.0.0.1:$sink" h3
client_wait_ready "$CLIENT_PID" root "$lp"
nk upload "127.0.0.1:$lp" --size 64K >/dev/null || fail "khc: upload"
client_stop "$CLIENT_PID"
want=""
for h in h1 h2 h3; do
	eval "a=\$TOPO_ADDR_$h"
	# shellcheck disable=SC2154 # set by eval
	want+="ORDER $a NONE NONE %"$'\n'
	want+="HOSTNAME $a ssh-ed25519 $(ssh-keygen -l -f "$D/$h/ssh_host_ed25519_key.pub" | cut -d' ' -f2) %"$'\n'
done
[ "$(cat "$KHC_LOG")" = "${want%$'\n'}" ] || fail "khc: the command ran with: $(cat "$KHC_LOG")"
[ ! -s "$D/kh_khc" ] || fail "khc: a key from the command was written to the user file: $(cat "$D/kh_khc")"
echo "ok khc: three hops known through the command, run as: $(head -n 2 "$KHC_LOG" | tr '\n' ';')"
# A failing command ends the connection (ssh: fatal), status 255.
khc khfail "$D/khfail.sh %H"
scenario_khc() {
	local name=$1
	shift
	lp=$(topo_freeport)
	client_start "$name" -L "$lp:127.0.0.1:$sink" h3
	client_wait_exit "$CLIENT_PID" 30
	[ "$CLIENT_STATUS" = 255 ] || fail "$name: exit $CLIENT_STATUS, expected 255"
	topo_listening root "$lp" && fail "$name: the forward listens"
	for l in "$@"; do
		tr -d '\r' <"$D/$name.log" | grep -qxF -- "$l" || {
			cat "$D/$name.log"
			fail "$name: no line: $l"
		}
	done
	echo "ok $name: refused, status 255"
}
scenario_khc khfail "KnownHostsCommand-ORDER $D/khfail.sh $TOPO_ADDR_h1 failed, status 3" \
	"KnownHostsCommand failed"
# Not an absolute path: ssh says so and goes on without it.
khc khrel "khc.sh %H"
scenario_khc khrel "KnownHostsCommand-HOSTNAME path is not absolute" \
	"No ED25519 host key is known for $TOPO_ADDR_h1 and you have requested strict checking."

note "control: the right keys work"
CLIENT_CFG=$TOPO_CFG
lp=$(topo_freeport)
client_start good -L "$lp:127.0.0.1:$sink" h3
client_wait_ready "$CLIENT_PID" root "$lp"
nk upload "127.0.0.1:$lp" --size 1M || fail "upload with the right host keys"
client_stop "$CLIENT_PID"
pass "host-key mismatch refused with nothing forwarded; VisualHostKey ($CLIENT)"
