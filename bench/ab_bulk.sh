#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# ab_bulk.sh: bulk throughput of several sshfwd builds and OpenSSH, interleaved
# run by run on the topology of tests/lib/topology.sh (the A/B tool behind the
# data-path changes in bench/RESULTS.md; forward_bench.sh is the full issue 7
# benchmark).
#
# Each client is started with -L to a source and a sink on HOST (h1: 1 hop,
# h3: 3 hops through h1 and h2) and moves SIZE each way. Per transfer it
# records MB/s, the CPU ticks (10 ms) of the client's processes, of the
# sshds, and the machine's busy and idle ticks: on this 2-core machine the
# last two tell a client that waits (latency, windows) from one that is
# short of CPU. Prints every run, then the median per client and direction
# and its ratio to OpenSSH (>1: faster than OpenSSH).
#
# --gen picks the load generator at both ends: netkit (tests/lib/netkit.py,
# the default) or iperf3 (-n SIZE, -R for download). Python's source and
# sink take most of the machine on one hop (about 60 % of its busy ticks
# in an upload), so with netkit a one-hop ratio says more about the
# generator's share than about the client; iperf3 costs little and leaves
# the two cores to the client and the sshds.
#
# Usage (root): bench/ab_bulk.sh [--host h1|h3] [--size 1G] [--runs 5]
#   [--dirs "download upload"] [--cipher aes128-gcm@openssh.com]
#   [--gen netkit|iperf3] NAME=PATH/TO/sshfwd ... [ssh]
# Example: bench/ab_bulk.sh --host h3 --size 300M old=/tmp/a/sshfwd \
#   new=/tmp/b/sshfwd ssh
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/lib/topology.sh
. "$HERE/../tests/lib/topology.sh"

H=h1
SIZE=1G
RUNS=5
DIRS="download upload"
CIPHER=aes128-gcm@openssh.com
GEN=netkit
CLIENTS=()
while [ $# -gt 0 ]; do
	case $1 in
	--host) H=$2; shift ;;
	--size) SIZE=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--dirs) DIRS=$2; shift ;;
	--cipher) CIPHER=$2; shift ;;
	--gen) GEN=$2; shift ;;
	-h | --help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
	ssh) CLIENTS+=(ssh) ;;
	*=*)
		[ -x "${1#*=}" ] || { echo "ab_bulk: ${1#*=} is not executable" >&2; exit 2; }
		CLIENTS+=("$1") ;;
	*) echo "ab_bulk: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ "${#CLIENTS[@]}" -gt 0 ] || { echo "ab_bulk: name at least one client (NAME=PATH or ssh)" >&2; exit 2; }
case $H in h1 | h3) ;; *) echo "ab_bulk: --host is h1 or h3" >&2; exit 2 ;; esac
case $GEN in
netkit) ;;
iperf3) command -v iperf3 >/dev/null || { echo "ab_bulk: --gen iperf3 needs iperf3 (apt-get install iperf3)" >&2; exit 2; } ;;
*) echo "ab_bulk: --gen is netkit or iperf3" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "ab_bulk: needs root (network namespaces)" >&2; exit 2; }
CLIENT=ssh topo_require_root
unset SSH_AUTH_SOCK
export TOPO_SSHD_LOGLEVEL=ERROR
topo_up
D=$TOPO_DIR
SIZE_BYTES=$("${PY[@]}" -c 'import sys; sys.path.insert(0, sys.argv[1]); import netkit; print(netkit.parse_size(sys.argv[2]))' "$TOPO_LIB_DIR" "$SIZE")
if [ "$GEN" = iperf3 ]; then
	# One server serves both directions (-R reverses a test); both
	# forwards lead to it.
	topo_bg iperf3 "$H" iperf3 -s -B 127.0.0.1 -p 9001
	topo_exec root sleep 0.5
	UPORT=9001
else
	topo_server src "$H" source 127.0.0.1:9001 --size "$SIZE" >/dev/null
	topo_server sink "$H" sink 127.0.0.1:9002 --nohash >/dev/null
	UPORT=9002
fi
TOPO_EXTRA_CONFIG="	Ciphers $CIPHER" topo_write_config "$D/cfg" "$TOPO_KNOWN_HOSTS"
RES=$D/ab.tsv
: >"$RES"
echo "ab_bulk: $H, $SIZE each way, $RUNS runs, $CIPHER, $GEN, load $(cut -d' ' -f1-3 /proc/loadavg)"

ticks() { # utime+stime of the given pids, summed
	local p t s=0
	for p in "$@"; do
		t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
		s=$((s + ${t:-0}))
	done
	echo "$s"
}
machine() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat; }

for r in $(seq "$RUNS"); do
	# Rotate the order each run so no client always goes first.
	n=${#CLIENTS[@]}
	for k in $(seq 0 $((n - 1))); do
		c=${CLIENTS[$(((k + r) % n))]}
		name=${c%%=*}
		lpd=$(topo_freeport)
		lpu=$(topo_freeport)
		if [ "$c" = ssh ]; then
			CLIENT=ssh CLIENT_CFG=$D/cfg client_start "ab_$name" -L "$lpd:127.0.0.1:9001" -L "$lpu:127.0.0.1:$UPORT" "$H"
		else
			SSHFWD=${c#*=} CLIENT=sshfwd CLIENT_CFG=$D/cfg client_start "ab_$name" -L "$lpd:127.0.0.1:9001" -L "$lpu:127.0.0.1:$UPORT" "$H"
		fi
		pid=$CLIENT_PID
		client_wait_ready "$pid" root "$lpd" 60
		client_wait_ready "$pid" root "$lpu" 60
		read -r -a cpids <<<"$(ps -e -o pid=,pgid= | awk -v g="$pid" '$2 == g { print $1 }' | tr '\n' ' ')"
		for dir in $DIRS; do
			port=$lpd
			[ "$dir" = upload ] && port=$lpu
			read -r -a spids <<<"$(pgrep -x sshd | tr '\n' ' ')"
			read -r mb0 mi0 <<<"$(machine)"
			c0=$(ticks "${cpids[@]}")
			s0=$(ticks "${spids[@]}")
			if [ "$GEN" = iperf3 ]; then
				rev=()
				[ "$dir" = download ] && rev=(-R)
				if iperf3 -c 127.0.0.1 -p "$port" -n "$SIZE_BYTES" "${rev[@]}" -J >"$D/out" 2>&1; then
					# What the receiving end counted, over its time.
					mbs=$("${PY[@]}" -c 'import json, sys; e = json.load(open(sys.argv[1]))["end"]["sum_received"]; print("%.1f" % (e["bytes"] / e["seconds"] / 1e6))' "$D/out" 2>/dev/null) || mbs=FAIL
				else
					mbs=FAIL
				fi
				[ "$mbs" = FAIL ] && cat "$D/out"
			elif nk "$dir" "127.0.0.1:$port" --size "$SIZE" --nocheck --timeout 600 --seconds-file "$D/s" >"$D/out" 2>&1; then
				mbs=$(awk -v b="$SIZE_BYTES" -v s="$(cat "$D/s")" 'BEGIN { printf "%.1f", b / s / 1e6 }')
			else
				mbs=FAIL
				cat "$D/out"
			fi
			c1=$(ticks "${cpids[@]}")
			s1=$(ticks "${spids[@]}")
			read -r mb1 mi1 <<<"$(machine)"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$dir" "$mbs" $((c1 - c0)) $((s1 - s0)) $((mb1 - mb0)) $((mi1 - mi0)) >>"$RES"
			printf 'run %d %-10s %-8s %8s MB/s  client %4d  sshd %4d  machine busy %4d idle %4d ticks\n' "$r" "$name" "$dir" "$mbs" $((c1 - c0)) $((s1 - s0)) $((mb1 - mb0)) $((mi1 - mi0))
		done
		client_stop "$pid"
	done
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
"${PY[@]}" - "$RES" <<'EOF'
import statistics, sys
rows = {}
order = []
for line in open(sys.argv[1]):
    name, d, mbs, cpu, sshd, busy, idle = line.rstrip("\n").split("\t")
    if name not in order:
        order.append(name)
    if mbs != "FAIL":
        rows.setdefault((name, d), []).append((float(mbs), int(cpu)))
print("\nmedians of the runs; client ticks: CPU (10 ms) of the client's processes per transfer")
print("%-12s %-9s %9s %13s %10s" % ("client", "direction", "MB/s",
                                     "client ticks", "vs OpenSSH"))
for d in ("download", "upload"):
    ref = rows.get(("ssh", d))
    refm = statistics.median(v for v, _ in ref) if ref else None
    for name in order:
        v = rows.get((name, d))
        if not v:
            continue
        m = statistics.median(x for x, _ in v)
        cpu = statistics.median(c for _, c in v)  # per transfer
        ratio = "%.2f" % (m / refm) if refm else "-"
        print("%-12s %-9s %9.1f %13d %10s" % (name, d, m, cpu, ratio))
EOF
topo_down
