#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_hostcert: host certificates (`@cert-authority` lines in known_hosts)
# as ssh 9.2 checks them, with the exact stderr lines and known_hosts left
# unchanged.
#
# A CA made with ssh-keygen signs h1's and h2's host keys for their
# addresses (the names ssh checks); the topology hook adds HostCertificate
# to their sshd_config. More sshds on h1 present other certificates of the
# same key: port 2201 for another principal, 2202 expired.
#
# Outcomes: trusted CA, valid certificate: connects, nothing written (also
# h2 behind h1); a server without a certificate (h3): its plain key; a CA
# line for another host pattern or another CA, a wrong principal, an
# expired certificate: ssh's message, then the plain key as if no
# certificate (refused under StrictHostKeyChecking yes, accepted when the
# plain key is known); the CA or the host key @revoked: refused as revoked
# "ED25519-CERT"; HostKeyAlgorithms without certificates: the plain key.
# VisualHostKey: the picture titled "[ED25519-CERT]". KnownHostsCommand:
# a CA line in its output asks for the certificate, %t %K show it.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"

# Runs inside topo_up once each host key exists: a CA (made on the first
# call) signs h1's and h2's keys for their addresses.
topo_sshd_hook() {
	local h=$1 dir=$2 addr
	[ "$h" = h3 ] && return 0
	[ -f "$TOPO_DIR/ca" ] || ssh-keygen -q -t ed25519 -N '' -C test-ca -f "$TOPO_DIR/ca"
	eval "addr=\$TOPO_ADDR_$h"
	ssh-keygen -q -s "$TOPO_DIR/ca" -h -I "$h-host" -n "$addr" -V -5m:+1d \
		"$dir/ssh_host_ed25519_key.pub" >/dev/null 2>&1
	echo "HostCertificate $dir/ssh_host_ed25519_key-cert.pub"
}

e2e_begin
D=$TOPO_DIR
IP=$TOPO_ADDR_h1
[ -s "$D/h1/ssh_host_ed25519_key-cert.pub" ] || fail "no host certificate for h1"
ca=$(cut -d' ' -f1,2 "$D/ca.pub")
key1=$(cut -d' ' -f1,2 "$D/h1/ssh_host_ed25519_key.pub")
key3=$(cut -d' ' -f1,2 "$D/h3/ssh_host_ed25519_key.pub")
ssh-keygen -q -t ed25519 -N '' -C other-ca -f "$D/ca2" || fail "ssh-keygen ca2"
ca2=$(cut -d' ' -f1,2 "$D/ca2.pub")

# h1's key again under other certificates, each served by its own sshd.
# cert_sshd PORT NAME SSH-KEYGEN-ARGS...
cert_sshd() {
	local port=$1 name=$2
	shift 2
	cp "$D/h1/ssh_host_ed25519_key.pub" "$D/$name.pub"
	ssh-keygen -q -s "$D/ca" -h -I "$name" "$@" "$D/$name.pub" >/dev/null 2>&1 ||
		fail "ssh-keygen cannot sign $name"
	grep -v '^HostCertificate' "$D/h1/sshd_config" >"$D/sshd_config_$name"
	echo "HostCertificate $D/$name-cert.pub" >>"$D/sshd_config_$name"
	topo_bg "sshd_$name" h1 /usr/sbin/sshd -f "$D/sshd_config_$name" -p "$port" \
		-o PidFile=none -D -e
	topo_wait_tcp h1 "$port" 10 || fail "sshd for $name on port $port did not start"
}
cert_sshd 2201 wrongname -n other.example -V -5m:+1d
cert_sshd 2202 expired -n "$IP" -V 20200101:20200102
sink1=$(topo_server sink1 h1 sink 127.0.0.1:0)
sink2=$(topo_server sink2 h2 sink 127.0.0.1:0)
sink3=$(topo_server sink3 h3 sink 127.0.0.1:0)

# cfg NAME KH [EXTRA LINES]: config with hosts "hc" (h1), "hw" (h1 port
# 2201), "he" (h1 port 2202), "h2" (h2 through h1) and "h3" (h3, which
# has no certificate, through h2); known_hosts KH.
cfg() {
	local name=$1
	printf '%s' "$2" >"$D/kh_$name"
	CLIENT_CFG="$D/config_$name"
	topo_write_config "$CLIENT_CFG" "$D/kh_$name" "Host hc
	HostName $IP
Host hw
	HostName $IP
	Port 2201
Host he
	HostName $IP
	Port 2202
Host hc hw he h2 h3
	StrictHostKeyChecking yes
${3:-}"
}

# count NAME N LINE: LINE appears exactly N times.
count() {
	local n
	n=$(tr -d '\r' <"$D/$1.log" | grep -cxF -- "$3")
	[ "$n" -eq "$2" ] || fail "$1: '$3' appears $n times, not $2"
}

# works NAME HOST SINKPORT HOSTNODE KH [EXTRA]: connects and forwards.
works() {
	local name=$1 host=$2 sink=$3 lp
	cfg "$name" "$5" "${6:-}"
	note "$name"
	lp=$(topo_freeport)
	client_start "$name" -L "$lp:127.0.0.1:$sink" "$host"
	client_forwarded "$name" "$lp"
	kh_is "$name" "$5"
}

# refused NAME HOST KH [EXTRA]: exits non-zero, never listens.
refused() {
	local name=$1 host=$2 lp
	cfg "$name" "$3" "${4:-}"
	note "$name"
	lp=$(topo_freeport)
	client_start "$name" -L "$lp:127.0.0.1:$sink1" "$host"
	client_refused "$name" "$lp"
	has "$name" "Host key verification failed."
	kh_is "$name" "$3"
}

quiet=("WARNING" "Permanently added" "authenticity" "Certificate" "No ED25519")

works trusted hc "$sink1" h1 "@cert-authority * $ca
"
lacks trusted "${quiet[@]}"

# VisualHostKey: the certified key's picture under the certificate's name
# ("[ED25519-CERT 256]" does not fit the border: "[ED25519-CERT]").
works trusted_visual hc "$sink1" h1 "@cert-authority * $ca
" "	VisualHostKey yes"
pub="$D/h1/ssh_host_ed25519_key.pub"
want="Host key fingerprint is $(ssh-keygen -l -f "$pub" | cut -d' ' -f2)
+-[ED25519-CERT]--+
$(ssh-keygen -lv -f "$pub" | tail -n +3)"
got=$(tr -d '\r' <"$D/trusted_visual.log" | awk '/^Host key fingerprint is /{n = 12} n > 0 {print; n--}')
[ "$got" = "$want" ] || fail "trusted_visual: expected the picture
$want"

# The CA pattern is matched against the known_hosts name.
works trusted_pattern hc "$sink1" h1 "@cert-authority 10.231.*,!10.232.* $ca
"
lacks trusted_pattern "${quiet[@]}"

# h2 behind h1, both certified by the CA.
works trusted_jump h2 "$sink2" h2 "@cert-authority * $ca
"
lacks trusted_jump "${quiet[@]}"

# A CA is known but h3 has no certificate: its plain key, as ssh.
works no_cert_on_server h3 "$sink3" h3 "@cert-authority * $ca
$TOPO_ADDR_h3 $key3
"
lacks no_cert_on_server "${quiet[@]}"

new_strict="No ED25519 host key is known for $IP and you have requested strict checking."

# Signed by a CA known_hosts does not name.
refused other_ca hc "@cert-authority * $ca2
"
has other_ca "$new_strict"
lacks other_ca "Certificate"

refused other_pattern hc "@cert-authority *.corp.example $ca
"
has other_pattern "$new_strict"
lacks other_pattern "Certificate"

# Another principal: ssh says why, then tries the plain key, which is
# unknown here, known in the next case.
refused wrong_principal hw "@cert-authority * $ca
"
has wrong_principal "Certificate invalid: name is not a listed principal" \
	"No ED25519 host key is known for [$IP]:2201 and you have requested strict checking."
# Once: the port-less retry runs with the plain key.
count wrong_principal 1 "Certificate invalid: name is not a listed principal"
# sshfwd adds what to do (OpenSSH has no hints).
if [ "$CLIENT" != ssh ]; then
	has wrong_principal "  hint: the server's host certificate was not accepted: its CA is on no @cert-authority line for this host, or it is invalid as said above; \`ssh-keygen -L -f\` on it shows its CA, principals and validity (it must name '$IP')"
fi

works wrong_principal_plain_known hw "$sink1" h1 "@cert-authority * $ca
[$IP]:2201 $key1
"
has wrong_principal_plain_known "Certificate invalid: name is not a listed principal"
count wrong_principal_plain_known 1 "Certificate invalid: name is not a listed principal"

refused expired he "@cert-authority * $ca
"
has expired "Certificate invalid: expired" \
	"No ED25519 host key is known for [$IP]:2202 and you have requested strict checking."

revoked=("@       WARNING: REVOKED HOST KEY DETECTED!               @"
	"The ED25519-CERT host key for $IP is marked as revoked."
	"This could mean that a stolen key is being used to"
	"impersonate this host."
	"ED25519-CERT host key for $IP was revoked and you have requested strict checking.")

# A revoked CA or host key is refused, plain key known or not.
refused revoked_ca hc "@cert-authority * $ca
@revoked * $ca
$IP $key1
"
has revoked_ca "${revoked[@]}"

refused revoked_host_key hc "@cert-authority * $ca
@revoked $IP $key1
"
has revoked_host_key "${revoked[@]}"

# HostKeyAlgorithms without certificates: the plain key as before.
refused hka_plain hc "@cert-authority * $ca
" "	HostKeyAlgorithms ssh-ed25519"
has hka_plain "$new_strict"
lacks hka_plain "Certificate"

works hka_plain_known hc "$sink1" h1 "@cert-authority * $ca
$IP $key1
" "	HostKeyAlgorithms ssh-ed25519,ecdsa-sha2-nistp256"
lacks hka_plain_known "${quiet[@]}"

# The CA known only from KnownHostsCommand: its "ORDER" run (before the
# key exchange) asks for the certificate, its "HOSTNAME" run is shown the
# certificate (%t its type, %K its blob) with the plain key's fingerprint.
cat >"$D/khc.sh" <<EOF
#!/bin/sh
echo "\$*" >>"$D/khc_args"
echo "@cert-authority * $ca"
EOF
chmod 755 "$D/khc.sh"
: >"$D/khc_args"
works khc_ca hc "$sink1" h1 "" "	KnownHostsCommand $D/khc.sh %I %t %f %K"
lacks khc_ca "${quiet[@]}"
fp1=$(ssh-keygen -l -f "$D/h1/ssh_host_ed25519_key.pub" | cut -d' ' -f2)
cert1=$(cut -d' ' -f2 "$D/h1/ssh_host_ed25519_key-cert.pub")
want="ORDER NONE NONE NONE
HOSTNAME ssh-ed25519-cert-v01@openssh.com $fp1 $cert1"
[ "$(cat "$D/khc_args")" = "$want" ] || fail "khc_ca: KnownHostsCommand ran with
$(cat "$D/khc_args")
not
$want"

pass "host certificates as ssh 9.2 ($CLIENT)"
