# shellcheck shell=bash
# topology.sh: a real three-host SSH network in network namespaces, for the
# end-to-end tests (tests/e2e_*.sh) and the benchmark (bench/).
#
#   test host (root ns) --veth-- h1 --veth-- h2 --veth-- h3
#   10.231.N.1      10.231.N.2  10.232.2.1  10.232.2.2
#                                           10.232.3.1  10.232.3.2
#
# IP forwarding is off and there are no routes beyond each link, so h2 is
# reachable only through sshd on h1 and h3 only through sshd on h2. Every
# namespace runs a real OpenSSH sshd on port 22 with generated host keys; one
# generated client key is authorized everywhere. The client config written to
# $TOPO_CFG (Host h1, h2 = ProxyJump h1, h3 = ProxyJump h2) works for ssh and
# for sshfwd alike.
#
# Names carry the shell's PID ($TOPO_ID = sfe2e<pid>) so parallel runs never
# collide; the root-side subnet 10.231.N.0/24 is allocated under a lock. The
# EXIT trap removes namespaces, veths, processes and the temp dir even when a
# test fails or is interrupted; leftovers of dead runs are reaped on start.
#
# Sourced by bash scripts. Functions:
#   topo_require_root        exit 77 (skip) unless root with `ip netns`
#   topo_up                  build everything; sets TOPO_* below
#   topo_down                tear down (installed as EXIT trap by topo_up)
#   topo_ns H                namespace name of h1|h2|h3
#   topo_exec H CMD...       run CMD in host H's namespace (H=root: here)
#   topo_bg NAME H CMD...    start a background helper in H; log NAME.log
#   topo_server NAME H KIND ADDR [ARGS]  netkit server; prints its port
#   topo_freeport            a free TCP port on the test host's loopback
#   topo_wait_tcp H PORT [SECS]   wait until PORT listens in H
#   topo_wait_gone H PORT [SECS]  wait until PORT no longer listens in H
#   topo_wait_unix PATH [SECS]    wait until the socket PATH exists
#   topo_wait_log FILE ERE [SECS] wait until FILE matches ERE
#   client_start NAME ARGS...     run $CLIENT (sshfwd|ssh) -F $TOPO_CFG -N ARGS
#   client_alive PID              is the client still running
#   client_stop PID               stop a client and its process group
#   nk ARGS...                    run netkit.py
#   nk_bg OUT ARGS...             run netkit.py in the background (NK_PID)
#   fail MSG / pass MSG / note MSG
#   has NAME LINE...              each LINE is a whole line of NAME.log
#   lacks NAME TEXT...            no line of NAME.log contains TEXT
#   kh_is NAME TEXT               kh_NAME (known_hosts) is exactly TEXT
#   client_forwarded NAME LP      the client listens on LP and forwards 1 KiB
#   client_refused NAME LP        the client exits non-zero, never on LP
#
# Hook: a function topo_sshd_hook H DIR, when defined, prints lines for
# host H's sshd_config (called once H's host key exists in DIR).
# Variables read: CLIENT (sshfwd, default, or ssh), SSHFWD (the binary),
# TOPO_EXTRA_CONFIG (lines appended to `Host *`), TOPO_KEEP=1 (keep temp dir),
# TOPO_SSHD_LOGLEVEL (default VERBOSE).
# Variables set: TOPO_ID TOPO_DIR TOPO_CFG TOPO_KNOWN_HOSTS TOPO_KEY
# TOPO_ADDR_h1 TOPO_ADDR_h2 TOPO_ADDR_h3 NETKIT.

TOPO_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NETKIT="$TOPO_LIB_DIR/netkit.py"
# The system interpreter in isolated mode when there is one: wrappers such as
# pyenv shims and site hooks cost tenths of a second per call under load.
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then
		PYTHON="/usr/bin/python3 -I"
	else
		PYTHON="python3 -I"
	fi
fi
read -r -a PY <<<"$PYTHON"
CLIENT=${CLIENT:-sshfwd}
TOPO_PREFIX=sfe2e
TOPO_LOCK=/run/lock/sshfwd-topology.lock
TOPO_UP=0

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

pass() {
	echo "PASS: $*"
}

note() {
	echo "--- $*"
}

# has NAME LINE...: each LINE is a whole line of $TOPO_DIR/NAME.log, the
# log of client_start NAME (ssh ends its lines with CR LF).
has() {
	local name=$1 l
	shift
	for l in "$@"; do
		tr -d '\r' <"$TOPO_DIR/$name.log" | grep -qxF -- "$l" ||
			fail "$name: stderr lacks the line: $l"
	done
}

# lacks NAME TEXT...: no line of $TOPO_DIR/NAME.log contains TEXT.
lacks() {
	local name=$1 t
	shift
	for t in "$@"; do
		grep -qF -- "$t" "$TOPO_DIR/$name.log" && fail "$name: stderr has: $t"
	done
	return 0
}

# client_forwarded NAME LP: the client started as NAME (CLIENT_PID) comes
# up listening on LP, 1 KiB goes through that forward to its sink; then it
# is stopped and its log printed.
client_forwarded() {
	client_wait_ready "$CLIENT_PID" root "$2"
	nk upload "127.0.0.1:$2" --size 1K >/dev/null || fail "$1: upload through the forward"
	client_stop "$CLIENT_PID"
	cat "$TOPO_DIR/$1.log"
}

# client_refused NAME LP: the client started as NAME (CLIENT_PID) exits
# non-zero within 30 s (its log is printed) and never listened on LP.
client_refused() {
	client_wait_exit "$CLIENT_PID" 30
	cat "$TOPO_DIR/$1.log"
	[ "$CLIENT_STATUS" != running ] || {
		client_stop "$CLIENT_PID"
		fail "$1: the client is still running"
	}
	[ "$CLIENT_STATUS" -ne 0 ] || fail "$1: the client exited 0"
	topo_listening root "$2" && fail "$1: something listens on $2"
	return 0
}

# kh_is NAME TEXT: $TOPO_DIR/kh_NAME (the scenario's known_hosts) is
# exactly TEXT after the run.
kh_is() {
	diff <(printf '%s' "$2") "$TOPO_DIR/kh_$1" >/dev/null ||
		fail "$1: known_hosts is not as expected:$(printf '\n')$(cat "$TOPO_DIR/kh_$1")"
}

nk() {
	"${PY[@]}" "$NETKIT" "$@"
}

# nk_bg OUTFILE ARGS...: netkit in the background on the test host, stdout
# and stderr to OUTFILE; sets NK_PID (the python process itself, so that it
# can be waited for or killed: `nk ... &` would give a subshell's PID).
nk_bg() {
	local out=$1
	shift
	"${PY[@]}" "$NETKIT" "$@" </dev/null >"$out" 2>&1 &
	NK_PID=$!
	topo_record_pid "$NK_PID"
}

# nk_in H ARGS...: run netkit in host H (root = the test host).
nk_in() {
	local h=$1
	shift
	topo_exec "$h" "${PY[@]}" "$NETKIT" "$@"
}

topo_require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root (network namespaces)" >&2
		exit 77
	fi
	if ! ip netns list >/dev/null 2>&1; then
		echo "SKIP: ip netns is unavailable" >&2
		exit 77
	fi
	local t
	for t in /usr/sbin/sshd ssh ssh-keygen python3 ss setsid flock timeout; do
		command -v "$t" >/dev/null 2>&1 ||
			fail "$t is missing (install openssh-server openssh-client python3 iproute2 util-linux)"
	done
	case $CLIENT in
	ssh) ;;
	sshfwd)
		[ -n "${SSHFWD:-}" ] || fail "SSHFWD is not set (path of the built sshfwd)"
		[ -x "$SSHFWD" ] || fail "SSHFWD=$SSHFWD is not executable"
		;;
	*) fail "CLIENT must be sshfwd or ssh, not '$CLIENT'" ;;
	esac
}

topo_ns() {
	echo "${TOPO_ID}$1"
}

topo_exec() {
	local h=$1
	shift
	if [ "$h" = root ]; then
		"$@"
	else
		ip netns exec "${TOPO_ID}$h" "$@"
	fi
}

# Remove namespaces and veths of runs whose shell is gone.
topo_reap_stale() {
	local ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case $ns in
		"$TOPO_PREFIX"*h[123]) ;;
		*) continue ;;
		esac
		pid=${ns#"$TOPO_PREFIX"}
		pid=${pid%h[123]}
		case $pid in '' | *[!0-9]*) continue ;; esac
		[ -d "/proc/$pid" ] && continue
		topo_kill_ns "$ns"
		ip netns del "$ns" 2>/dev/null
		ip link del "${TOPO_PREFIX}${pid}a1" 2>/dev/null
	done
	return 0
}

topo_kill_ns() {
	local pids
	pids=$(ip netns pids "$1" 2>/dev/null)
	[ -n "$pids" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $pids 2>/dev/null
	sleep 0.2
	pids=$(ip netns pids "$1" 2>/dev/null)
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
	return 0
}

topo_down() {
	local rc=$? p h
	trap - EXIT INT TERM HUP
	set +e
	if [ -n "${TOPO_DIR:-}" ] && [ -f "$TOPO_DIR/pgids" ]; then
		while read -r p; do
			kill -TERM -- "-$p" 2>/dev/null
		done <"$TOPO_DIR/pgids"
	fi
	if [ -n "${TOPO_DIR:-}" ] && [ -f "$TOPO_DIR/pids" ]; then
		while read -r p; do
			kill -TERM "$p" 2>/dev/null
		done <"$TOPO_DIR/pids"
	fi
	if [ "$TOPO_UP" = 1 ]; then
		for h in h3 h2 h1; do
			topo_kill_ns "${TOPO_ID}$h"
		done
	fi
	if [ -n "${TOPO_DIR:-}" ]; then
		for f in pgids pids; do
			[ -f "$TOPO_DIR/$f" ] || continue
			while read -r p; do
				if [ "$f" = pgids ]; then
					kill -KILL -- "-$p" 2>/dev/null
				else
					kill -KILL "$p" 2>/dev/null
				fi
			done <"$TOPO_DIR/$f"
		done
	fi
	if [ "$TOPO_UP" = 1 ]; then
		for h in h3 h2 h1; do
			ip netns del "${TOPO_ID}$h" 2>/dev/null
		done
		ip link del "${TOPO_ID}a1" 2>/dev/null
		TOPO_UP=0
	fi
	if [ -n "${TOPO_DIR:-}" ] && [ -d "$TOPO_DIR" ]; then
		if [ "${TOPO_KEEP:-0}" = 1 ] || { [ "$rc" -ne 0 ] && [ "${TOPO_KEEP_ON_FAIL:-0}" = 1 ]; }; then
			echo "topology: kept $TOPO_DIR" >&2
		else
			rm -rf "$TOPO_DIR"
		fi
	fi
	exit "$rc"
}

# Pick N so that 10.231.N.0/24 is unused on the test host. Called under lock.
topo_pick_subnet() {
	local n used
	used=$(ip -4 -o addr show 2>/dev/null)
	n=$(($$ % 250 + 1))
	local i
	for i in $(seq 250); do
		if ! printf '%s\n' "$used" | grep -q " 10\.231\.$n\."; then
			echo "$n"
			return 0
		fi
		n=$((n % 250 + 1))
		: "$i"
	done
	return 1
}

topo_keygen() {
	ssh-keygen -q -t ed25519 -N '' -C "$2" -f "$1" || fail "ssh-keygen $1"
}

topo_sshd_config() {
	local h=$1 dir=$TOPO_DIR/$1
	cat >"$dir/sshd_config" <<EOF
# sshd for topology host $h (generated)
Port 22
ListenAddress 0.0.0.0
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $TOPO_DIR/authorized_keys
PermitRootLogin yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
StreamLocalBindUnlink yes
GatewayPorts clientspecified
PermitOpen any
PermitListen any
X11Forwarding no
PrintMotd no
UseDNS no
MaxStartups 200:30:400
MaxSessions 100
LogLevel ${TOPO_SSHD_LOGLEVEL:-VERBOSE}
EOF
}

topo_up() {
	set -e
	TOPO_ID="${TOPO_PREFIX}$$"
	trap topo_down EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	TOPO_DIR=$(mktemp -d "/tmp/sshfwd-topo.$$.XXXXXX")
	: >"$TOPO_DIR/pids"
	: >"$TOPO_DIR/pgids"
	ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

	mkdir -p /run/sshd /run/lock
	chmod 755 /run/sshd

	local n h
	exec 9>"$TOPO_LOCK"
	flock 9
	topo_reap_stale
	n=$(topo_pick_subnet) || fail "no free 10.231.N.0/24 subnet"
	TOPO_UP=1
	for h in h1 h2 h3; do
		ip netns add "${TOPO_ID}$h"
		ip netns exec "${TOPO_ID}$h" ip link set lo up
		ip netns exec "${TOPO_ID}$h" sysctl -qw net.ipv4.ip_forward=0
		ip netns exec "${TOPO_ID}$h" sysctl -qw net.ipv6.conf.all.forwarding=0 2>/dev/null || true
	done
	# root <-> h1
	ip link add "${TOPO_ID}a1" type veth peer name "${TOPO_ID}b1"
	ip link set "${TOPO_ID}b1" netns "${TOPO_ID}h1"
	ip addr add "10.231.$n.1/24" dev "${TOPO_ID}a1"
	ip link set "${TOPO_ID}a1" up
	topo_exec h1 ip addr add "10.231.$n.2/24" dev "${TOPO_ID}b1"
	topo_exec h1 ip link set "${TOPO_ID}b1" up
	flock -u 9
	exec 9>&-
	# h1 <-> h2
	topo_exec h1 ip link add "${TOPO_ID}a2" type veth peer name "${TOPO_ID}b2"
	topo_exec h1 ip link set "${TOPO_ID}b2" netns "${TOPO_ID}h2"
	topo_exec h1 ip addr add 10.232.2.1/24 dev "${TOPO_ID}a2"
	topo_exec h1 ip link set "${TOPO_ID}a2" up
	topo_exec h2 ip addr add 10.232.2.2/24 dev "${TOPO_ID}b2"
	topo_exec h2 ip link set "${TOPO_ID}b2" up
	# h2 <-> h3
	topo_exec h2 ip link add "${TOPO_ID}a3" type veth peer name "${TOPO_ID}b3"
	topo_exec h2 ip link set "${TOPO_ID}b3" netns "${TOPO_ID}h3"
	topo_exec h2 ip addr add 10.232.3.1/24 dev "${TOPO_ID}a3"
	topo_exec h2 ip link set "${TOPO_ID}a3" up
	topo_exec h3 ip addr add 10.232.3.2/24 dev "${TOPO_ID}b3"
	topo_exec h3 ip link set "${TOPO_ID}b3" up

	TOPO_ADDR_h1="10.231.$n.2"
	TOPO_ADDR_h2=10.232.2.2
	TOPO_ADDR_h3=10.232.3.2
	export TOPO_SUBNET_N=$n

	# Keys: one client key, one host key per host.
	TOPO_KEY="$TOPO_DIR/id_ed25519"
	topo_keygen "$TOPO_KEY" "sshfwd-e2e-client"
	cp "$TOPO_KEY.pub" "$TOPO_DIR/authorized_keys"
	TOPO_KNOWN_HOSTS="$TOPO_DIR/known_hosts"
	: >"$TOPO_KNOWN_HOSTS"
	local addr
	for h in h1 h2 h3; do
		mkdir -p "$TOPO_DIR/$h"
		topo_keygen "$TOPO_DIR/$h/ssh_host_ed25519_key" "sshfwd-e2e-$h"
		eval "addr=\$TOPO_ADDR_$h"
		echo "$addr $(cut -d' ' -f1,2 "$TOPO_DIR/$h/ssh_host_ed25519_key.pub")" >>"$TOPO_KNOWN_HOSTS"
		topo_sshd_config "$h"
		# Opt-in hook: a test that defines topo_sshd_hook H DIR gets
		# its output appended to H's sshd_config (e.g. HostCertificate
		# for a host key it signs; DIR holds the key).
		if declare -F topo_sshd_hook >/dev/null; then
			topo_sshd_hook "$h" "$TOPO_DIR/$h" >>"$TOPO_DIR/$h/sshd_config"
		fi
		/usr/sbin/sshd -t -f "$TOPO_DIR/$h/sshd_config" || fail "sshd -t rejects $TOPO_DIR/$h/sshd_config"
		ip netns exec "${TOPO_ID}$h" /usr/sbin/sshd -f "$TOPO_DIR/$h/sshd_config" -D -e \
			</dev/null >"$TOPO_DIR/$h/sshd.log" 2>&1 &
		echo $! >>"$TOPO_DIR/pids"
	done

	TOPO_CFG="$TOPO_DIR/ssh_config"
	topo_write_config "$TOPO_CFG" "$TOPO_KNOWN_HOSTS"

	for h in h1 h2 h3; do
		topo_wait_tcp "$h" 22 10 || {
			cat "$TOPO_DIR/$h/sshd.log" >&2
			fail "sshd on $h did not start"
		}
	done
	set +e
}

# topo_write_config FILE KNOWN_HOSTS [EXTRA_HOST_BLOCKS]: the client config.
topo_write_config() {
	cat >"$1" <<EOF
# sshfwd end-to-end topology $TOPO_ID (generated); works for ssh and sshfwd
Host h1
	HostName $TOPO_ADDR_h1
Host h2
	HostName $TOPO_ADDR_h2
	ProxyJump h1
Host h3
	HostName $TOPO_ADDR_h3
	ProxyJump h2
${3:-}
Host *
	User root
	Port 22
	IdentityFile $TOPO_KEY
	IdentitiesOnly yes
	UserKnownHostsFile $2
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	BatchMode yes
	ConnectTimeout 15
${TOPO_EXTRA_CONFIG:-}
EOF
}

topo_record_pid() {
	echo "$1" >>"$TOPO_DIR/pids"
}

# topo_bg NAME H CMD...: background helper in host H, its log in NAME.log.
# Sets BG_PID.
topo_bg() {
	local name=$1 h=$2
	shift 2
	if [ "$h" = root ]; then
		"$@" </dev/null >"$TOPO_DIR/$name.log" 2>&1 &
	else
		ip netns exec "${TOPO_ID}$h" "$@" </dev/null >"$TOPO_DIR/$name.log" 2>&1 &
	fi
	BG_PID=$!
	topo_record_pid "$BG_PID"
}

# topo_server NAME H KIND ADDR [ARGS...]: start a netkit server (KIND = echo,
# source, sink, http) in host H and print its port once it listens (0 for a
# unix socket).
topo_server() {
	local name=$1 h=$2 kind=$3 addr=$4 i
	shift 4
	rm -f "$TOPO_DIR/$name.port"
	topo_bg "$name" "$h" "${PY[@]}" "$NETKIT" "serve-$kind" "$addr" \
		--portfile "$TOPO_DIR/$name.port" "$@"
	for i in $(seq 200); do
		if [ -s "$TOPO_DIR/$name.port" ]; then
			cat "$TOPO_DIR/$name.port"
			return 0
		fi
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.05
		: "$i"
	done
	cat "$TOPO_DIR/$name.log" >&2
	fail "server $name ($kind on $h $addr) did not start"
}

topo_freeport() {
	nk freeport
}

topo_listening() {
	local h=$1 port=$2
	[ -n "$(topo_exec "$h" ss -Hltn "sport = :$port" 2>/dev/null)" ]
}

topo_wait_tcp() {
	local h=$1 port=$2 secs=${3:-30} i
	for i in $(seq $((secs * 20))); do
		topo_listening "$h" "$port" && return 0
		sleep 0.05
		: "$i"
	done
	return 1
}

topo_wait_gone() {
	local h=$1 port=$2 secs=${3:-30} i
	for i in $(seq $((secs * 20))); do
		topo_listening "$h" "$port" || return 0
		sleep 0.05
		: "$i"
	done
	return 1
}

topo_wait_unix() {
	local path=$1 secs=${2:-30} i
	for i in $(seq $((secs * 20))); do
		[ -S "$path" ] && return 0
		sleep 0.05
		: "$i"
	done
	return 1
}

topo_wait_log() {
	local file=$1 re=$2 secs=${3:-30} i
	for i in $(seq $((secs * 20))); do
		grep -Eq -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
		: "$i"
	done
	return 1
}

# client_cmd: the client command line prefix for $CLIENT.
client_cmd() {
	case $CLIENT in
	ssh) echo ssh ;;
	*) echo "$SSHFWD" ;;
	esac
}

# client_start NAME ARGS...: start the client under test in its own process
# group, stdin closed, stdout+stderr in $TOPO_DIR/NAME.log. ARGS are ssh-style
# options and the destination; -F ${CLIENT_CFG:-$TOPO_CFG} -N come first
# unless CLIENT_NO_DEFAULTS=1. Sets CLIENT_PID and CLIENT_LOG.
client_start() {
	local name=$1
	shift
	CLIENT_LOG="$TOPO_DIR/$name.log"
	local -a cmd
	cmd=("$(client_cmd)")
	[ "${CLIENT_NO_DEFAULTS:-0}" = 1 ] || cmd+=(-F "${CLIENT_CFG:-$TOPO_CFG}" -N)
	cmd+=("$@")
	echo "+ ${cmd[*]}" >"$CLIENT_LOG.cmd"
	setsid "${cmd[@]}" </dev/null >"$CLIENT_LOG" 2>&1 &
	CLIENT_PID=$!
	echo "$CLIENT_PID" >>"$TOPO_DIR/pgids"
}

client_alive() {
	kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]
}

# client_died_check LOG: a client exited; explain, failing loudly if the
# forwarding mode is simply not built.
client_died() {
	local log=$1 what=$2
	echo "---- client log ($log):" >&2
	cat "$log" >&2
	if grep -q "not available in this build" "$log"; then
		fail "$what: sshfwd forwarding is not available in this build (the launcher has not landed)"
	fi
	fail "$what: the client ($CLIENT) exited unexpectedly"
}

# client_wait_ready PID H PORT|unix:PATH [SECS]: wait until a forward listens.
client_wait_ready() {
	local pid=$1 h=$2 what=$3 secs=${4:-30} i
	for i in $(seq $((secs * 20))); do
		client_alive "$pid" || client_died "$CLIENT_LOG" "waiting for $what"
		case $what in
		unix:*) [ -S "${what#unix:}" ] && return 0 ;;
		*) topo_listening "$h" "$what" && return 0 ;;
		esac
		sleep 0.05
		: "$i"
	done
	cat "$CLIENT_LOG" >&2
	fail "forward $what on $h not listening after ${secs}s"
}

client_stop() {
	local pid=$1 i
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	for i in $(seq 100); do
		client_alive "$pid" || break
		sleep 0.05
		: "$i"
	done
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# client_wait_exit PID SECS: wait for the client to exit by itself; sets
# CLIENT_STATUS to its exit status, or to "running" if it did not exit in
# time. (Not in a subshell: only this shell can reap its children.)
client_wait_exit() {
	local pid=$1 secs=${2:-30} i
	CLIENT_STATUS=running
	for i in $(seq $((secs * 20))); do
		if ! client_alive "$pid"; then
			wait "$pid" 2>/dev/null
			# shellcheck disable=SC2034 # read by the callers
			CLIENT_STATUS=$?
			return 0
		fi
		sleep 0.05
		: "$i"
	done
}

# e2e_timeout SECS "$@": re-exec the calling test under timeout(1) once.
e2e_timeout() {
	local secs=$1
	shift
	if [ -z "${E2E_UNDER_TIMEOUT:-}" ]; then
		export E2E_UNDER_TIMEOUT=1
		exec timeout -k 20 "${E2E_TIMEOUT:-$secs}" bash "$0" "$@"
	fi
}

# e2e_begin: the common start of every e2e test.
e2e_begin() {
	topo_require_root
	unset SSH_AUTH_SOCK
	echo "client: $CLIENT $( [ "$CLIENT" = sshfwd ] && echo "($SSHFWD)")"
	topo_up
	echo "topology: $TOPO_ID dir=$TOPO_DIR h1=$TOPO_ADDR_h1 h2=$TOPO_ADDR_h2 h3=$TOPO_ADDR_h3"
}
