#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_checkhostip: CheckHostIP yes as ssh 9.2 does it, every outcome, with
# the exact stderr lines and the resulting known_hosts lines.
#
# CheckHostIP only acts when HostName is a name (not the address it would
# look up) and the peer is not loopback, so the client runs in a private
# mount namespace whose /etc/hosts maps h1.hostip.test to h1's veth address.
# The topology's hosts are reached on 10.x, never loopback.
#
# Outcomes: the address added next to a known host key (plain and hashed,
# under HostKeyAlias too); a new host recorded as "name,address" (two hashed
# lines under HashKnownHosts); the address known with another key (a warning
# with checking off, refused with yes and accept-new); a changed host key
# with the address unchanged / unknown / with a third key ("POSSIBLE DNS
# SPOOFING") or with the same changed key (no such warning); no address
# check for a ProxyJump hop, a loopback peer, nor when HostName already is
# the address; the port-less retry off port 22; NoHostAuthenticationFor-
# Localhost; and StrictHostKeyChecking ask typed into on a terminal.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR

NAME=h1.hostip.test
IP=$TOPO_ADDR_h1
printf '127.0.0.1 localhost\n%s %s\n' "$IP" "$NAME" >"$D/hosts"
# A second sshd on port 2222 of h1 and h2, for the port-less retry: a host
# new as "[name]:2222" is looked up again as plain "name" (read-only), and
# that lookup compares HostName with the port-less address.
for h in h1 h2; do
	topo_bg "sshd2222_$h" "$h" /usr/sbin/sshd -f "$D/$h/sshd_config" -p 2222 \
		-o PidFile=none -D -e
	topo_wait_tcp "$h" 2222 10 || fail "second sshd on $h did not start"
done
key1=$(cut -d' ' -f1,2 "$D/h1/ssh_host_ed25519_key.pub")
key2=$(cut -d' ' -f1,2 "$D/h2/ssh_host_ed25519_key.pub")
topo_keygen "$D/bogus_key" bogus
bogus=$(cut -d' ' -f1,2 "$D/bogus_key.pub")
topo_keygen "$D/bogus2_key" bogus2
bogus2=$(cut -d' ' -f1,2 "$D/bogus2_key.pub")
sink1=$(topo_server sink1 h1 sink 127.0.0.1:0)
sink2=$(topo_server sink2 h2 sink 127.0.0.1:0)

# chip_config NAME STRICT [EXTRA LINES]: config whose host "hn" is h1 by
# name, "hi" is h1 by address, "hp" h1 by address on port 2222, "hq" h1 by
# name on port 2222 and "hj" h2 by address on port 2222 through ProxyJump
# hn.
chip_config() {
	local name=$1 strict=$2 extra=${3:-}
	CLIENT_CFG="$D/config_$name"
	topo_write_config "$CLIENT_CFG" "$D/kh_$name" "Host hn
	HostName $NAME
Host hj
	HostName $TOPO_ADDR_h2
	Port 2222
	ProxyJump hn
Host hi
	HostName $IP
Host hp
	HostName $IP
	Port 2222
Host hq
	HostName $NAME
	Port 2222
Host hn hj hi hp hq
	CheckHostIP yes
	StrictHostKeyChecking $strict
$extra"
}

# chip_start NAME ARGS...: client_start inside the mount namespace.
chip_start() {
	local name=$1
	shift
	CLIENT_LOG="$D/$name.log"
	# shellcheck disable=SC2016 # expanded by the inner sh
	setsid unshare -m --propagation private \
		sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$D/hosts" \
		"$(client_cmd)" -F "$CLIENT_CFG" -N "$@" </dev/null >"$CLIENT_LOG" 2>&1 &
	CLIENT_PID=$!
	echo "$CLIENT_PID" >>"$D/pgids"
}

# works NAME HOST SINKPORT KH STRICT [EXTRA]: connects and forwards.
works() {
	local name=$1 host=$2 sink=$3 lp
	printf '%s' "$4" >"$D/kh_$name"
	chip_config "$name" "$5" "${6:-}"
	note "$name"
	lp=$(topo_freeport)
	chip_start "$name" -L "$lp:127.0.0.1:$sink" "$host"
	client_forwarded "$name" "$lp"
}

# refused NAME HOST KH STRICT [EXTRA]: exits non-zero, never listens.
refused() {
	local name=$1 host=$2 lp
	printf '%s' "$3" >"$D/kh_$name"
	chip_config "$name" "$4" "${5:-}"
	note "$name"
	lp=$(topo_freeport)
	chip_start "$name" -L "$lp:127.0.0.1:$sink1" "$host"
	client_refused "$name" "$lp"
	has "$name" "Host key verification failed."
}

added_ip="Warning: Permanently added the ED25519 host key for IP address '$IP' to the list of known hosts."

works ip_added hn "$sink1" "$NAME $key1
" yes
has ip_added "$added_ip"
kh_is ip_added "$NAME $key1
$IP $key1
"

works ip_known hn "$sink1" "$NAME $key1
$IP $key1
" yes
lacks ip_known "Permanently added" "differs"
kh_is ip_known "$NAME $key1
$IP $key1
"

works ip_added_hashed hn "$sink1" "$NAME $key1
" yes "	HashKnownHosts yes"
has ip_added_hashed "$added_ip"
[ "$(wc -l <"$D/kh_ip_added_hashed")" -eq 2 ] || fail "ip_added_hashed: not one line added"
tail -n1 "$D/kh_ip_added_hashed" | grep -q "^|1|[^ ]* $key1\$" || fail "ip_added_hashed: the added line is not hashed"
ssh-keygen -F "$IP" -f "$D/kh_ip_added_hashed" | grep -q "^|1|" || fail "ip_added_hashed: the hashed line does not match $IP"

works ip_added_alias hn "$sink1" "myalias $key1
" yes "	HostKeyAlias myalias"
has ip_added_alias "$added_ip"
kh_is ip_added_alias "myalias $key1
$IP $key1
"

works new_host_and_ip hn "$sink1" "" accept-new
has new_host_and_ip "Warning: Permanently added '$NAME,$IP' (ED25519) to the list of known hosts."
kh_is new_host_and_ip "$NAME,$IP $key1
"

works new_hashed hn "$sink1" "" accept-new "	HashKnownHosts yes"
has new_hashed "Warning: Permanently added '$NAME,$IP' (ED25519) to the list of known hosts."
[ "$(grep -c "^|1|[^ ]* $key1\$" "$D/kh_new_hashed")" -eq 2 ] || fail "new_hashed: not two hashed lines"
ssh-keygen -F "$NAME" -f "$D/kh_new_hashed" | grep -q "^|1|" || fail "new_hashed: no line matches $NAME"
ssh-keygen -F "$IP" -f "$D/kh_new_hashed" | grep -q "^|1|" || fail "new_hashed: no line matches $IP"

works hostname_is_ip hi "$sink1" "" accept-new
has hostname_is_ip "Warning: Permanently added '$IP' (ED25519) to the list of known hosts."
kh_is hostname_is_ip "$IP $key1
"

differs="Warning: the ED25519 host key for '$NAME' differs from the key for the IP address '$IP'"
works ip_differs_off hn "$sink1" "$NAME $key1
$IP $bogus
" no
has ip_differs_off "$differs" "Offending key for IP in $D/kh_ip_differs_off:2" \
	"Matching host key in $D/kh_ip_differs_off:1"
lacks ip_differs_off "Exiting"

# Off port 22 the address string "[a]:2222" never equals HostName, but the
# port-less retry compares HostName with "a", turns the check off for good,
# and only the name is recorded.
works port_addr_new hp "$sink1" "" accept-new
has port_addr_new "Warning: Permanently added '[$IP]:2222' (ED25519) to the list of known hosts."
kh_is port_addr_new "[$IP]:2222 $key1
"

works port_name_new hq "$sink1" "" accept-new
has port_name_new "Warning: Permanently added '[$NAME]:2222,[$IP]:2222' (ED25519) to the list of known hosts."
kh_is port_name_new "[$NAME]:2222,[$IP]:2222 $key1
"

# Known without the port: the read-only retry accepts it and only says
# the (port-less) address is missing.
works port_name_portless hq "$sink1" "$NAME $key1
" yes
has port_name_portless "ED25519 host key for IP address '$IP' not in list of known hosts."
kh_is port_name_portless "$NAME $key1
"

# A jump hop has no peer address (ssh reaches it through "ssh -W"): no
# address check there, so a new jump target is recorded under its name
# alone; hop 0's address is checked and added.
works jump_hop hj "$sink2" "$NAME $key1
" accept-new
has jump_hop "$added_ip" \
	"Warning: Permanently added '[$TOPO_ADDR_h2]:2222' (ED25519) to the list of known hosts."
kh_is jump_hop "$NAME $key1
$IP $key1
[$TOPO_ADDR_h2]:2222 $key2
"

refused ip_differs_yes hn "$NAME $key1
$IP $bogus
" yes
has ip_differs_yes "$differs" "Offending key for IP in $D/kh_ip_differs_yes:2" \
	"Matching host key in $D/kh_ip_differs_yes:1" \
	"Exiting, you have requested strict checking."

# sshfwd adds what to do (OpenSSH has no hints).
if [ "$CLIENT" != ssh ]; then
	has ip_differs_yes "  hint: if the address now belongs to this host, remove line 2 of $D/kh_ip_differs_yes and connect again"
fi

# accept-new records the new host name first, then refuses the address.
refused ip_differs_new_host hn "$IP $bogus
" accept-new
has ip_differs_new_host "Warning: Permanently added '$NAME' (ED25519) to the list of known hosts." \
	"$differs" "Offending key for IP in $D/kh_ip_differs_new_host:1" \
	"Exiting, you have requested strict checking."
lacks ip_differs_new_host "Matching host key"
kh_is ip_differs_new_host "$IP $bogus
$NAME $key1
"

spoof=("@       WARNING: POSSIBLE DNS SPOOFING DETECTED!          @"
	"The ED25519 host key for $NAME has changed,"
	"and the key for the corresponding IP address $IP"
	"DNS SPOOFING is happening or the IP address for the host"
	"and its host key have changed at the same time.")
changed=("@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @"
	"Host key for $NAME has changed and you have requested strict checking.")

refused spoof_unchanged hn "$NAME $bogus
$IP $key1
" yes
has spoof_unchanged "${spoof[@]}" "${changed[@]}" \
	"is unchanged. This could either mean that" \
	"Offending key for IP in $D/kh_spoof_unchanged:2" \
	"  ssh-keygen -f \"$D/kh_spoof_unchanged\" -R \"$IP\"" \
	"Offending ED25519 key in $D/kh_spoof_unchanged:1"

refused spoof_unknown hn "$NAME $bogus
" yes
has spoof_unknown "${spoof[@]}" "${changed[@]}" "is unknown. This could either mean that"
lacks spoof_unknown "Offending key for IP"

refused spoof_different hn "$NAME $bogus
$IP $bogus2
" yes
has spoof_different "${spoof[@]}" "${changed[@]}" \
	"has a different value. This could either mean that" \
	"Offending key for IP in $D/kh_spoof_different:2"

# Known only with a key of another type: ssh calls that changed too (and
# names the other key's type); the unknown address adds the spoofing note.
ssh-keygen -q -t rsa -b 2048 -N '' -C rsa-bogus -f "$D/rsa_bogus" || fail "ssh-keygen rsa"
rsa=$(cut -d' ' -f1,2 "$D/rsa_bogus.pub")
refused other_type hn "$NAME $rsa
" yes
has other_type "${spoof[@]}" "${changed[@]}" "is unknown. This could either mean that" \
	"Offending RSA key in $D/kh_other_type:1"

# A key marked @revoked is refused whatever else matches it.
refused revoked hn "@revoked * $key1
$NAME $key1
$IP $key1
" yes
has revoked "@       WARNING: REVOKED HOST KEY DETECTED!               @" \
	"The ED25519 host key for $NAME is marked as revoked." \
	"This could mean that a stolen key is being used to" \
	"impersonate this host." \
	"ED25519 host key for $NAME was revoked and you have requested strict checking."

# Name and address changed to the same key: no spoofing suspected.
refused both_changed hn "$NAME $bogus
$IP $bogus
" yes
has both_changed "${changed[@]}"
lacks both_changed "DNS SPOOFING" "Offending key for IP"

# Loopback peers: the client runs inside h1 and reaches its sshd on
# 127.0.0.1. CheckHostIP is off for them (no address line is added), and
# NoHostAuthenticationForLocalhost accepts any key, even a changed one.
# looped NAME HOSTNAME KH [EXTRA LINES]
looped() {
	local name=$1 lp
	printf '%s' "$3" >"$D/kh_$name"
	CLIENT_CFG="$D/config_$name"
	topo_write_config "$CLIENT_CFG" "$D/kh_$name" "Host hl
	HostName $2
	CheckHostIP yes
${4:-}"
	note "$name"
	lp=$(topo_freeport)
	CLIENT_LOG="$D/$name.log"
	setsid ip netns exec "$(topo_ns h1)" "$(client_cmd)" -F "$CLIENT_CFG" -N \
		-L "$lp:127.0.0.1:$sink1" hl </dev/null >"$CLIENT_LOG" 2>&1 &
	CLIENT_PID=$!
	echo "$CLIENT_PID" >>"$D/pgids"
	client_wait_ready "$CLIENT_PID" h1 "$lp"
	nk_in h1 upload "127.0.0.1:$lp" --size 1K >/dev/null || fail "$name: upload through the forward"
	client_stop "$CLIENT_PID"
	cat "$CLIENT_LOG"
}

looped loopback_no_ip_check localhost "localhost $key1
"
lacks loopback_no_ip_check "Permanently added" "differs"
kh_is loopback_no_ip_check "localhost $key1
"

looped loopback_no_host_auth 127.0.0.1 "127.0.0.1 $bogus
" "	NoHostAuthenticationForLocalhost yes"
lacks loopback_no_host_auth "WARNING" "Permanently added"
kh_is loopback_no_host_auth "127.0.0.1 $bogus
"

# StrictHostKeyChecking ask on a terminal (tests/lib/ptydrive.py types
# the answers): the prompts in ssh's words, then the forward works.
PTYDRIVE="$TOPO_LIB_DIR/ptydrive.py"
# asked NAME KH PROMPT=ANSWER...
asked() {
	local name=$1 lp
	printf '%s' "$2" >"$D/kh_$name"
	shift 2
	chip_config "$name" ask "	BatchMode no"
	note "$name"
	lp=$(topo_freeport)
	CLIENT_LOG="$D/$name.log"
	: >"$CLIENT_LOG"
	# shellcheck disable=SC2016 # expanded by the inner sh
	setsid unshare -m --propagation private \
		sh -c 'mount --bind "$0" /etc/hosts && exec "$@"' "$D/hosts" \
		"${PY[@]}" "$PTYDRIVE" "$CLIENT_LOG" "$@" -- \
		"$(client_cmd)" -F "$CLIENT_CFG" -N -L "$lp:127.0.0.1:$sink1" hn \
		</dev/null >"$D/$name.driver" 2>&1 &
	CLIENT_PID=$!
	echo "$CLIENT_PID" >>"$D/pgids"
	client_wait_ready "$CLIENT_PID" root "$lp"
	nk upload "127.0.0.1:$lp" --size 1K >/dev/null || fail "$name: upload through the forward"
	client_stop "$CLIENT_PID"
	tr -d '\r' <"$CLIENT_LOG"
	echo
}

asked ask_ip_differs "$NAME $key1
$IP $bogus
" "Are you sure you want to continue connecting (yes/no)? =yes"
has ask_ip_differs "$differs" "Offending key for IP in $D/kh_ask_ip_differs:2" \
	"Matching host key in $D/kh_ask_ip_differs:1"
kh_is ask_ip_differs "$NAME $key1
$IP $bogus
"

fp1=$(ssh-keygen -l -f "$D/h1/ssh_host_ed25519_key.pub" | cut -d' ' -f2)
asked ask_new "other.example $key1
" "Are you sure you want to continue connecting (yes/no/[fingerprint])? =$fp1"
has ask_new "The authenticity of host '$NAME ($IP)' can't be established." \
	"ED25519 key fingerprint is $fp1." \
	"This host key is known by the following other names/addresses:" \
	"    $D/kh_ask_new:1: other.example" \
	"Warning: Permanently added '$NAME,$IP' (ED25519) to the list of known hosts."
kh_is ask_new "other.example $key1
$NAME,$IP $key1
"

pass "CheckHostIP outcomes as ssh 9.2 ($CLIENT)"
