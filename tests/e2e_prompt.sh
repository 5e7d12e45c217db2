#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# e2e_prompt: the terminal prompts, typed into through a pseudo-terminal
# (tests/lib/ptydrive.py), against a real sshd on h1 (port 2202) that
# authorizes an encrypted key and, for password auth, reads a root password
# from a shadow file bind-mounted in its own mount namespace.
#   - passphrase: "Enter passphrase for key 'FILE': " (ssh's words), then
#     the forward works.
#   - password: "root@HOST's password: ", a wrong answer gets "Permission
#     denied, please try again." and the prompt again, the right one works.
#   - new host key under VisualHostKey yes: the picture of the key in the
#     "authenticity of host" prompt, answered yes.
# CLIENT=ssh runs the same expectations against OpenSSH.
# shellcheck source=lib/topology.sh
. "$(dirname "$0")/lib/topology.sh"
e2e_timeout 300 "$@"
e2e_begin
D=$TOPO_DIR
H=$TOPO_ADDR_h1
PORT=2202
PTYDRIVE="$TOPO_LIB_DIR/ptydrive.py"
command -v unshare >/dev/null || fail "unshare is missing (util-linux)"
command -v openssl >/dev/null || fail "openssl is missing (for the password hash)"

sink=$(topo_server sink h1 sink 127.0.0.1:0)
PASSPHRASE='open sesame'
PASSWORD='pw-sshfwd-e2e'
ssh-keygen -q -t ed25519 -N "$PASSPHRASE" -C auth-E -f "$D/keyE" || fail "ssh-keygen"
topo_keygen "$D/keyB" auth-B
cp "$D/keyE.pub" "$D/ak_prompt"

# The shadow sshd sees: root's password is $PASSWORD (never the host's).
hash=$(openssl passwd -6 "$PASSWORD") || fail "openssl passwd"
awk -F: -v OFS=: -v h="$hash" '$1 == "root" { $2 = h } { print }' /etc/shadow >"$D/shadow"
chmod 600 "$D/shadow"
sed -e "s|^Port 22|Port $PORT|" \
	-e "s|^PidFile .*|PidFile $D/sshd_prompt.pid|" \
	-e "s|^AuthorizedKeysFile .*|AuthorizedKeysFile $D/ak_prompt|" \
	-e "s|^PasswordAuthentication .*|PasswordAuthentication yes|" \
	"$D/h1/sshd_config" >"$D/sshd_prompt_config"
/usr/sbin/sshd -t -f "$D/sshd_prompt_config" || fail "sshd -t rejects the prompt config"
# shellcheck disable=SC2016 # expanded by the inner shell
topo_bg sshd_prompt h1 unshare -m sh -c 'mount --bind "$1" /etc/shadow &&
	exec /usr/sbin/sshd -f "$2" -D -e' sh "$D/shadow" "$D/sshd_prompt_config"
topo_wait_tcp h1 $PORT 10 || {
	cat "$D/sshd_prompt.log"
	fail "sshd on $PORT did not start"
}
{
	cat "$TOPO_KNOWN_HOSTS"
	echo "[$H]:$PORT $(cut -d' ' -f1,2 "$D/h1/ssh_host_ed25519_key.pub")"
} >"$D/kh"

# cfg NAME LINES...: a client config for host "t" (sshd on h1:2202).
cfg() {
	local name=$1 l
	shift
	{
		echo "Host t"
		echo "	HostName $H"
		echo "	Port $PORT"
		echo "	User root"
		echo "	BatchMode no"
		echo "	IdentityAgent none"
		echo "	IdentitiesOnly yes"
		echo "	KbdInteractiveAuthentication no"
		echo "	UserKnownHostsFile $D/kh"
		echo "	GlobalKnownHostsFile /dev/null"
		echo "	StrictHostKeyChecking yes"
		for l in "$@"; do echo "	$l"; done
	} >"$D/cfg_$name"
}

# drive NAME PROMPT=ANSWER...: the client on a terminal, answering; the
# forward must come up and carry bytes. Leaves the terminal text in
# $D/NAME.tty.
drive() {
	local name=$1 lp
	shift
	lp=$(topo_freeport)
	CLIENT_LOG=$D/$name.tty
	: >"$CLIENT_LOG"
	setsid "${PY[@]}" "$PTYDRIVE" "$CLIENT_LOG" "$@" -- \
		"$(client_cmd)" -F "$D/cfg_$name" -N -L "$lp:127.0.0.1:$sink" t \
		</dev/null >"$D/$name.driver" 2>&1 &
	CLIENT_PID=$!
	echo "$CLIENT_PID" >>"$D/pgids"
	client_wait_ready "$CLIENT_PID" root "$lp"
	nk upload "127.0.0.1:$lp" --size 64K || fail "$name: upload"
	client_stop "$CLIENT_PID"
	echo "--- terminal of $name:"
	cat -v "$CLIENT_LOG"
	echo
}

# count_exact FILE TEXT: how many times TEXT occurs in FILE.
count_exact() {
	grep -oF -- "$2" "$1" | wc -l
}

note "passphrase of an encrypted IdentityFile"
cfg passphrase "IdentityFile $D/keyE" "PreferredAuthentications publickey"
prompt="Enter passphrase for key '$D/keyE': "
drive passphrase "$prompt=$PASSPHRASE"
[ "$(count_exact "$D/passphrase.tty" "$prompt")" -eq 1 ] ||
	fail "passphrase: expected the prompt \"$prompt\" once"
echo "ok passphrase"

note "password, wrong then right"
cfg password "IdentityFile $D/keyB" "PreferredAuthentications publickey,password" \
	"PasswordAuthentication yes" "NumberOfPasswordPrompts 3"
prompt="root@$H's password: "
drive password "$prompt=wrong-$PASSWORD" "$prompt=$PASSWORD"
[ "$(count_exact "$D/password.tty" "$prompt")" -eq 2 ] ||
	fail "password: expected the prompt \"$prompt\" twice"
grep -qF "Permission denied, please try again." "$D/password.tty" ||
	fail "password: no 'Permission denied, please try again.' after the wrong one"
! grep -qF -- "$PASSWORD" "$D/password.tty" || fail "password: the password was echoed"
echo "ok password"

note "new host key with VisualHostKey yes: the picture in the prompt"
# As ssh 9.2: the fingerprint line, the key's picture (ssh-keygen -lv's),
# then the other-names line, then the question.
: >"$D/kh_new"
cfg visual "IdentityFile $D/keyE" "PreferredAuthentications publickey" "VisualHostKey yes"
sed -i -e "s|UserKnownHostsFile .*|UserKnownHostsFile $D/kh_new|" \
	-e "s|StrictHostKeyChecking yes|StrictHostKeyChecking ask|" "$D/cfg_visual"
hkprompt="Are you sure you want to continue connecting (yes/no/[fingerprint])? "
drive visual "$hkprompt=yes" "Enter passphrase for key '$D/keyE': =$PASSPHRASE"
pub="$D/h1/ssh_host_ed25519_key.pub"
want="ED25519 key fingerprint is $(ssh-keygen -l -f "$pub" | cut -d' ' -f2).
$(ssh-keygen -lv -f "$pub" | tail -n +2)
This key is not known by any other names."
got=$(tr -d '\r' <"$D/visual.tty" | awk '/ key fingerprint is /{n = 13} n > 0 {print; n--}')
[ "$got" = "$want" ] || fail "visual: the prompt is not ssh's; expected:
$want"
[ "$(count_exact "$D/visual.tty" "$hkprompt")" -eq 1 ] || fail "visual: expected the question once"
grep -qF "[$H]:$PORT ssh-ed25519 " "$D/kh_new" || fail "visual: the key was not recorded"
echo "ok visual"

pass "terminal prompts in ssh's words ($CLIENT)"
