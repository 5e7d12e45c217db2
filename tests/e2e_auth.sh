#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_auth: which keys the client offers, against a real sshd on h1 (port
# 2201) that authorizes one key (A) in authorized_keys and trusts a user CA.
#   - IdentitiesOnly yes with an agent holding A and B: the agent's A is used
#     when A is the IdentityFile (even with its private file gone), never
#     when only B is configured; IdentitiesOnly no offers the agent's A.
#   - certificates: <file>-cert.pub next to the IdentityFile, CertificateFile
#     elsewhere, and a certificate whose private key only the agent holds;
#     the same key without its certificate is refused.
#   - new known_hosts entries (StrictHostKeyChecking accept-new): hashed
#     with HashKnownHosts yes, plain otherwise, [host]:port off port 22;
#     ssh-keygen -F finds them and ssh itself accepts them.
# CLIENT=ssh runs the same expectations against OpenSSH.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR
H=$TOPO_ADDR_h1
PORT=2201

sink=$(topo_server sink h1 sink 127.0.0.1:0)

# Keys: A authorized, B not, C only through a certificate of the CA.
for k in A B C ca; do topo_keygen "$D/key$k" "auth-$k"; done
cp "$D/keyA.pub" "$D/ak_auth"
ssh-keygen -q -s "$D/keyca" -I auth-C -n root -V -5m:+1h "$D/keyC.pub" ||
	fail "ssh-keygen -s"
[ -s "$D/keyC-cert.pub" ] || fail "no certificate written"
mkdir "$D/certs" "$D/nocert" "$D/onlypub"
cp "$D/keyC-cert.pub" "$D/certs/C-cert.pub"
cp "$D/keyC" "$D/nocert/keyC"
cp "$D/keyC.pub" "$D/nocert/keyC.pub"
cp "$D/keyA.pub" "$D/onlypub/keyA.pub" # A's public half, no private file
cp "$D/keyC.pub" "$D/onlypub/keyC.pub"

sed -e "s|^Port 22|Port $PORT|" \
	-e "s|^PidFile .*|PidFile $D/sshd_auth.pid|" \
	-e "s|^AuthorizedKeysFile .*|AuthorizedKeysFile $D/ak_auth|" \
	"$D/h1/sshd_config" >"$D/sshd_auth_config"
echo "TrustedUserCAKeys $D/keyca.pub" >>"$D/sshd_auth_config"
/usr/sbin/sshd -t -f "$D/sshd_auth_config" || fail "sshd -t rejects the auth config"
topo_bg sshd_auth h1 /usr/sbin/sshd -f "$D/sshd_auth_config" -D -e
topo_wait_tcp h1 $PORT 10 || fail "sshd on $PORT did not start"
{
	cat "$TOPO_KNOWN_HOSTS"
	echo "[$H]:$PORT $(cut -d' ' -f1,2 "$D/h1/ssh_host_ed25519_key.pub")"
} >"$D/kh"

AGENT_SOCK=$D/agent.sock
topo_bg agent root ssh-agent -D -a "$AGENT_SOCK"
topo_wait_unix "$AGENT_SOCK" 10 || fail "ssh-agent did not start"
SSH_AUTH_SOCK=$AGENT_SOCK ssh-add -q "$D/keyB" "$D/keyA" 2>/dev/null ||
	fail "ssh-add"

# cfg NAME LINES...: a client config for host "t" (sshd on h1:2201, or on
# port $CFG_PORT).
cfg() {
	local name=$1 l
	shift
	{
		echo "Host t"
		echo "	HostName $H"
		echo "	Port ${CFG_PORT:-$PORT}"
		for l in "$@"; do echo "	$l"; done
		echo "Host *"
		echo "	User root"
		echo "	UserKnownHostsFile $D/kh"
		echo "	GlobalKnownHostsFile /dev/null"
		echo "	StrictHostKeyChecking yes"
		echo "	BatchMode yes"
		echo "	PasswordAuthentication no"
		echo "	KbdInteractiveAuthentication no"
		echo "	ConnectTimeout 15"
	} >"$D/cfg_$name"
	CLIENT_CFG=$D/cfg_$name
}

# works NAME: the forward through t comes up and carries bytes.
works() {
	local lp
	note "$1: authenticates"
	lp=$(topo_freeport)
	client_start "$1" -L "$lp:127.0.0.1:$sink" t
	client_wait_ready "$CLIENT_PID" root "$lp"
	nk upload "127.0.0.1:$lp" --size 64K || fail "$1: upload"
	client_stop "$CLIENT_PID"
	echo "ok $1"
}

# refused NAME: the client gives up with ssh's "Permission denied".
refused() {
	local lp
	note "$1: refused"
	lp=$(topo_freeport)
	client_start "$1" -L "$lp:127.0.0.1:$sink" t
	client_wait_exit "$CLIENT_PID" 30
	cat "$D/$1.log"
	[ "$CLIENT_STATUS" != running ] || fail "$1: still running"
	[ "$CLIENT_STATUS" -ne 0 ] || fail "$1: exited 0"
	grep -q "Permission denied" "$D/$1.log" || fail "$1: no 'Permission denied'"
	echo "ok $1 (exit $CLIENT_STATUS)"
}

cfg io_agent_match "IdentityAgent $AGENT_SOCK" "IdentitiesOnly yes" \
	"IdentityFile $D/onlypub/keyA"
works io_agent_match
cfg io_agent_other "IdentityAgent $AGENT_SOCK" "IdentitiesOnly yes" \
	"IdentityFile $D/keyB"
refused io_agent_other
cfg agent_all "IdentityAgent $AGENT_SOCK" "IdentitiesOnly no" \
	"IdentityFile $D/keyB"
works agent_all
cfg io_no_agent "IdentityAgent none" "IdentitiesOnly yes" \
	"IdentityFile $D/onlypub/keyA"
refused io_no_agent

cfg cert_auto "IdentityAgent none" "IdentitiesOnly yes" \
	"IdentityFile $D/keyC"
works cert_auto
cfg cert_file "IdentityAgent none" "IdentitiesOnly yes" \
	"IdentityFile $D/nocert/keyC" "CertificateFile $D/certs/C-cert.pub"
works cert_file
cfg cert_none "IdentityAgent none" "IdentitiesOnly yes" \
	"IdentityFile $D/nocert/keyC"
refused cert_none

SSH_AUTH_SOCK=$AGENT_SOCK ssh-add -q "$D/nocert/keyC" 2>/dev/null || fail "ssh-add C"
cfg cert_agent "IdentityAgent $AGENT_SOCK" "IdentitiesOnly yes" \
	"IdentityFile $D/onlypub/keyC" "CertificateFile $D/certs/C-cert.pub"
works cert_agent

# learn NAME HASH PORT: accept-new writes one line to an empty known_hosts.
learn() {
	local name=$1 hash=$2 port=$3 kh=$D/kh_$1 want line key=$D/keyA
	[ "$port" != 22 ] || key=$TOPO_KEY # what h1's port 22 authorizes
	rm -f "$kh"
	CFG_PORT=$port cfg "$name" "IdentityAgent none" "IdentitiesOnly yes" \
		"IdentityFile $key" "UserKnownHostsFile $kh" \
		"StrictHostKeyChecking accept-new" "HashKnownHosts $hash"
	works "$name"
	[ "$(wc -l <"$kh")" -eq 1 ] || fail "$name: expected one line in $kh: $(cat "$kh")"
	line=$(cat "$kh")
	want=$H
	[ "$port" = 22 ] || want="[$H]:$port"
	case $hash in
	yes) [[ $line == "|1|"*"|"*" ssh-ed25519 "* ]] || fail "$name: not hashed: $line" ;;
	no) [[ $line == "$want ssh-ed25519 "* ]] || fail "$name: not '$want ssh-ed25519 ...': $line" ;;
	esac
	[ "$(cut -d' ' -f2,3 <<<"$line")" = "$(cut -d' ' -f1,2 "$D/h1/ssh_host_ed25519_key.pub")" ] ||
		fail "$name: the recorded key is not h1's"
	ssh-keygen -F "$want" -f "$kh" | grep -q ssh-ed25519 ||
		fail "$name: ssh-keygen -F $want does not find $line"
	ssh -F "$D/cfg_$name" -o StrictHostKeyChecking=yes t true ||
		fail "$name: ssh refuses the line it should accept: $line"
	echo "ok $name: $line"
}
learn kh_hashed yes $PORT
learn kh_plain no $PORT
learn kh_hashed22 yes 22
learn kh_plain22 no 22

pass "IdentitiesOnly with an agent, certificates, hashed known_hosts ($CLIENT)"
