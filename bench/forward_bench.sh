#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# forward_bench.sh: sshfwd against OpenSSH on the end-to-end topology (issue 7).
#
# Builds the namespace topology of tests/lib/topology.sh (real sshd on h1, h2
# behind h1, h3 behind h2) and, interleaving the two clients run by run
# (sshfwd, then ssh, then ssh, then sshfwd, ...), measures:
#   1. bulk download and upload through a LocalForward, 1 hop (h1) and
#      3 hops (h3), for each cipher;
#   2. N concurrent connections each echoing 32 KiB through 3 hops, every
#      byte checked;
#   3. time from start to the first forwarded byte through 3 hops;
#   4. resident memory with N idle forwarded connections (all processes of
#      the client summed: ssh -J runs one ssh per jump);
#   5. SOCKS5 download through DynamicForward (-D) through 3 hops;
#   6. CPU use over 10 s while idle with forwards and the N connections open.
# Prints the median of the runs and the ratio sshfwd/OpenSSH oriented so that
# >1 means sshfwd is better (faster, smaller, less CPU).
#
# Usage (root): bench/forward_bench.sh [--size 1G] [--conns 1000] [--runs 3]
#   [--ciphers "aes128-gcm@openssh.com chacha20-poly1305@openssh.com"]
#   [--clients "sshfwd ssh"] [--only bulk,echo,first,memory,socks,idle]
#   [--idle-secs 10] [--out FILE.tsv]
#   bench/forward_bench.sh [--clients "A B"] [--runs N] --table FILE.tsv
#   prints the table of an earlier --out, complete or cut short (--out is
#   written value by value).
# SSHFWD=path/to/sshfwd (default: ./sshfwd, then build/sshfwd). With
# --clients "ssh ssh2" both columns run OpenSSH (checks the bench itself).
# Quick run: --size 100M --conns 200 --runs 3.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/lib/topology.sh
. "$HERE/../tests/lib/topology.sh"

SIZE=1G
CONNS=1000
RUNS=3
CIPHERS="aes128-gcm@openssh.com chacha20-poly1305@openssh.com"
CLIENTS="sshfwd ssh"
ONLY="bulk,echo,first,memory,socks,idle"
IDLE_SECS=10
ECHO_SIZE=32K
OUT=
TABLE=
while [ $# -gt 0 ]; do
	case $1 in
	--size) SIZE=$2; shift ;;
	--conns) CONNS=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--ciphers) CIPHERS=$2; shift ;;
	--clients) CLIENTS=$2; shift ;;
	--only) ONLY=$2; shift ;;
	--idle-secs) IDLE_SECS=$2; shift ;;
	--echo-size) ECHO_SIZE=$2; shift ;;
	--out) OUT=$2; shift ;;
	--table) TABLE=$2; shift ;;
	-h | --help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//; /^set -u/d'; exit 0 ;;
	*) echo "forward_bench: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
if [ -z "${SSHFWD:-}" ]; then
	for c in ./sshfwd build/sshfwd; do
		[ -x "$c" ] && SSHFWD=$(cd "$(dirname "$c")" && pwd)/sshfwd && break
	done
fi
export SSHFWD=${SSHFWD:-}
read -r -a CLIENT_LIST <<<"$CLIENTS"
[ "${#CLIENT_LIST[@]}" -eq 2 ] || { echo "forward_bench: --clients takes two names" >&2; exit 2; }
want() { case ",$ONLY," in *",$1,"*) return 0 ;; esac; return 1; }

# print_table TSV A B RUNS: medians, and a ratio where >1 means A is better.
print_table() {
	"${PY[@]}" - "$@" <<'EOF'
import statistics, sys
res, a, b, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = {}
order = []
for line in open(res):
    metric, cipher, who, val = line.rstrip("\n").split("\t")
    key = (metric, cipher)
    if key not in rows:
        rows[key] = {}
        order.append(key)
    rows[key].setdefault(who, []).append(val)

def med(vals):
    nums = [float(v) for v in vals if v != "FAIL"]
    if not nums:
        return None, len(vals)
    return statistics.median(nums), len(vals) - len(nums)

def name(c):
    return "OpenSSH" if c == "ssh" else ("OpenSSH#2" if c == "ssh2" else c)

higher_better = ("MB/s",)
print()
print("%-34s %-30s %12s %12s %8s" % ("metric (median of %s runs)" % runs,
                                       "cipher", name(a), name(b),
                                       "ratio"))
print("-" * 100)
for key in order:
    metric, cipher = key
    ma, fa = med(rows[key].get(a, []))
    mb, fb = med(rows[key].get(b, []))
    ratio = "n/a"
    if ma is not None and mb is not None:
        if any(metric.endswith(h) for h in higher_better):
            if mb > 0:
                ratio = "%.2f" % (ma / mb)
        elif ma > 0:
            ratio = "%.2f" % (mb / ma)
        elif mb == 0:
            ratio = "="
    def fmt(m, f):
        s = "FAIL" if m is None else ("%.1f" % m if m < 1000 else "%.0f" % m)
        if f and m is not None:
            s += " (%dF)" % f
        return s
    print("%-34s %-30s %12s %12s %8s" % (metric, cipher, fmt(ma, fa),
                                          fmt(mb, fb), ratio))
print()
print("ratio = %s/%s oriented so that >1 means %s is better "
      "(throughput: higher; time, memory, CPU: lower)." % (name(a), name(b), name(a)))
EOF
}

if [ -n "$TABLE" ]; then
	print_table "$TABLE" "${CLIENT_LIST[0]}" "${CLIENT_LIST[1]}" "$RUNS"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "forward_bench: needs root (network namespaces)" >&2; exit 2; }
CLIENT=ssh topo_require_root
for c in "${CLIENT_LIST[@]}"; do
	if [ "$c" = sshfwd ] && [ ! -x "$SSHFWD" ]; then
		echo "forward_bench: set SSHFWD to the built sshfwd" >&2
		exit 2
	fi
done
unset SSH_AUTH_SOCK
export TOPO_SSHD_LOGLEVEL=ERROR
topo_up
ulimit -n 65536 2>/dev/null || true
D=$TOPO_DIR
RES="$D/results.tsv"
: >"$RES"
SIZE_BYTES=$(nk pattern-sha --size 0 >/dev/null && "${PY[@]}" -c 'import sys; sys.path.insert(0, sys.argv[1]); import netkit; print(netkit.parse_size(sys.argv[2]))' "$TOPO_LIB_DIR" "$SIZE")

echo "forward_bench: topology $TOPO_ID, size $SIZE, $CONNS connections, $RUNS runs, clients: ${CLIENT_LIST[*]}"
echo "sshfwd: $SSHFWD"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "$OUT" ] || : >"$OUT"

# Servers: on h1 and h3 a source, a sink, an echo; an HTTP server on h3.
for h in h1 h3; do
	topo_server "src_$h" "$h" source 127.0.0.1:9001 --size "$SIZE" >/dev/null
	topo_server "sink_$h" "$h" sink 127.0.0.1:9002 --nohash >/dev/null
	topo_server "echo_$h" "$h" echo 127.0.0.1:9003 >/dev/null
done
topo_server http_h3 h3 http 127.0.0.1:8080 --tag bench >/dev/null

# One client config per cipher (Ciphers under Host * reaches every hop: ssh's
# jump processes read the same file).
for c in $CIPHERS; do
	TOPO_EXTRA_CONFIG="	Ciphers $c" topo_write_config "$D/cfg_$c" "$TOPO_KNOWN_HOSTS"
done
FIRST_CIPHER=${CIPHERS%% *}

# run_client NAME CLIENTNAME CIPHER ARGS...: start a client ("ssh2" is ssh).
run_client() {
	local name=$1 who=$2 cipher=$3
	shift 3
	export CLIENT=$who
	[ "$who" = ssh2 ] && CLIENT=ssh
	CLIENT_CFG="$D/cfg_$cipher" client_start "$name" "$@"
}

# record METRIC CIPHER CLIENT VALUE (to --out at once too, so that a run
# cut short still leaves its values)
record() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RES"
	[ -z "$OUT" ] || printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$OUT"
}

group_pids() { # the processes of process group $1
	ps -e -o pid=,pgid= | awk -v g="$1" '$2 == g { print $1 }'
}

group_rss_kb() {
	local p sum=0 r
	for p in $(group_pids "$1"); do
		r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		sum=$((sum + ${r:-0}))
	done
	echo "$sum"
}

group_cpu_ticks() {
	local p sum=0 t
	for p in $(group_pids "$1"); do
		# Fields 14 and 15 (utime, stime) after the ")" of the comm field.
		t=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }')
		sum=$((sum + ${t:-0}))
	done
	echo "$sum"
}

wait_ready_or_die() { # PID H PORT
	client_wait_ready "$1" "$2" "$3" 60
}

bench_bulk() { # CLIENT CIPHER HOST
	local who=$1 cipher=$2 h=$3 hops lp1 lp2 s
	hops=1
	[ "$h" = h3 ] && hops=3
	lp1=$(topo_freeport)
	lp2=$(topo_freeport)
	run_client "bulk_${who}_$h" "$who" "$cipher" -L "$lp1:127.0.0.1:9001" -L "$lp2:127.0.0.1:9002" "$h"
	local pid=$CLIENT_PID
	wait_ready_or_die "$pid" root "$lp1"
	wait_ready_or_die "$pid" root "$lp2"
	if nk download "127.0.0.1:$lp1" --size "$SIZE" --nocheck --timeout 600 --seconds-file "$D/s" >"$D/out" 2>&1; then
		s=$(cat "$D/s")
		record "download ${hops}hop MB/s" "$cipher" "$who" "$(awk -v b="$SIZE_BYTES" -v s="$s" 'BEGIN { printf "%.1f", b / s / 1e6 }')"
	else
		echo "  $who download $h failed: $(cat "$D/out")"
		record "download ${hops}hop MB/s" "$cipher" "$who" FAIL
	fi
	if nk upload "127.0.0.1:$lp2" --size "$SIZE" --nocheck --timeout 600 --seconds-file "$D/s" >"$D/out" 2>&1; then
		s=$(cat "$D/s")
		record "upload ${hops}hop MB/s" "$cipher" "$who" "$(awk -v b="$SIZE_BYTES" -v s="$s" 'BEGIN { printf "%.1f", b / s / 1e6 }')"
	else
		echo "  $who upload $h failed: $(cat "$D/out")"
		record "upload ${hops}hop MB/s" "$cipher" "$who" FAIL
	fi
	client_stop "$pid"
}

bench_echo_memory_idle() { # CLIENT
	local who=$1 cipher=$FIRST_CIPHER lp pid hold rss t0 t1 hz
	lp=$(topo_freeport)
	run_client "echo_${who}" "$who" "$cipher" -L "$lp:127.0.0.1:9003" h3
	pid=$CLIENT_PID
	wait_ready_or_die "$pid" root "$lp"
	if want echo; then
		if nk echo-many "127.0.0.1:$lp" --conns "$CONNS" --size "$ECHO_SIZE" --timeout 300 \
			--seconds-file "$D/s" >"$D/out" 2>&1; then
			record "echo ${CONNS}x${ECHO_SIZE} 3hop s" "$cipher" "$who" "$(cat "$D/s")"
		else
			echo "  $who echo failed: $(head -3 "$D/out")"
			record "echo ${CONNS}x${ECHO_SIZE} 3hop s" "$cipher" "$who" FAIL
		fi
	fi
	if want memory || want idle; then
		rm -f "$D/hold"
		nk_bg "$D/hold.out" echo-many "127.0.0.1:$lp" --conns "$CONNS" --size 64 \
			--timeout 300 --hold-file "$D/hold"
		hold=$NK_PID
		local i
		for i in $(seq 3000); do
			[ -s "$D/hold" ] && break
			kill -0 "$hold" 2>/dev/null || break
			sleep 0.1
			: "$i"
		done
		if [ -s "$D/hold" ]; then
			sleep 2
			if want memory; then
				rss=$(group_rss_kb "$pid")
				record "RSS ${CONNS} idle conns MiB" "$cipher" "$who" "$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')"
			fi
			if want idle; then
				hz=$(getconf CLK_TCK)
				t0=$(group_cpu_ticks "$pid")
				sleep "$IDLE_SECS"
				t1=$(group_cpu_ticks "$pid")
				record "idle CPU % (${CONNS} conns open)" "$cipher" "$who" "$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$IDLE_SECS" 'BEGIN { printf "%.2f", (b - a) / hz / s * 100 }')"
			fi
		else
			echo "  $who: could not hold $CONNS connections: $(head -3 "$D/hold.out")"
			want memory && record "RSS ${CONNS} idle conns MiB" "$cipher" "$who" FAIL
			want idle && record "idle CPU % (${CONNS} conns open)" "$cipher" "$who" FAIL
		fi
		kill "$hold" 2>/dev/null
		wait "$hold" 2>/dev/null
	fi
	client_stop "$pid"
}

bench_first_byte() { # CLIENT
	local who=$1 lp t0 v
	lp=$(topo_freeport)
	t0=$(date +%s.%N)
	run_client "first_${who}" "$who" "$FIRST_CIPHER" -L "$lp:127.0.0.1:9003" h3
	if v=$(nk first-byte "127.0.0.1:$lp" --since "$t0" --timeout 60 2>"$D/out"); then
		record "first byte 3hop ms" "$FIRST_CIPHER" "$who" "$(awk -v s="$v" 'BEGIN { printf "%.0f", s * 1000 }')"
	else
		echo "  $who first byte failed: $(cat "$D/out")"
		record "first byte 3hop ms" "$FIRST_CIPHER" "$who" FAIL
	fi
	client_stop "$CLIENT_PID"
}

bench_socks() { # CLIENT
	local who=$1 lp v
	lp=$(topo_freeport)
	run_client "socks_${who}" "$who" "$FIRST_CIPHER" -D "$lp" h3
	wait_ready_or_die "$CLIENT_PID" root "$lp"
	if v=$(curl -sS --max-time 600 --socks5-hostname "127.0.0.1:$lp" -o /dev/null \
		-w '%{size_download} %{time_total}' "http://localhost:8080/bytes/$SIZE" 2>"$D/out") &&
		[ "${v%% *}" = "$SIZE_BYTES" ]; then
		record "SOCKS5 download 3hop MB/s" "$FIRST_CIPHER" "$who" "$(echo "$v" | awk '{ printf "%.1f", $1 / $2 / 1e6 }')"
	else
		echo "  $who SOCKS5 download failed: $v $(cat "$D/out")"
		record "SOCKS5 download 3hop MB/s" "$FIRST_CIPHER" "$who" FAIL
	fi
	client_stop "$CLIENT_PID"
}

for run in $(seq "$RUNS"); do
	# Alternate the order so neither client always goes first.
	if [ $((run % 2)) -eq 1 ]; then
		order=("${CLIENT_LIST[0]}" "${CLIENT_LIST[1]}")
	else
		order=("${CLIENT_LIST[1]}" "${CLIENT_LIST[0]}")
	fi
	echo "run $run/$RUNS ($(date -u +%H:%M:%S))"
	if want bulk; then
		for cipher in $CIPHERS; do
			for h in h1 h3; do
				for who in "${order[@]}"; do
					bench_bulk "$who" "$cipher" "$h"
				done
			done
		done
	fi
	if want first; then
		for who in "${order[@]}"; do bench_first_byte "$who"; done
	fi
	if want socks; then
		for who in "${order[@]}"; do bench_socks "$who"; done
	fi
	if want echo || want memory || want idle; then
		for who in "${order[@]}"; do bench_echo_memory_idle "$who"; done
	fi
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
print_table "$RES" "${CLIENT_LIST[0]}" "${CLIENT_LIST[1]}" "$RUNS"
