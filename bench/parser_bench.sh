#!/bin/sh
# parser_bench.sh: how fast does `sshfwd -G` resolve a huge config, against
# `ssh -G` on the same file (issue 3: target >= 5x faster, linear in size).
#
#   bench/parser_bench.sh [SSHFWD]      (default: ./sshfwd, or $SSHFWD)
#
# Generates N Host blocks of 8 lines each (Host line + HostName, User, Port,
# IdentityFile, LocalForward, ServerAliveInterval, a comment), split over
# Include files of 1000 blocks, and times `-G -F main.conf DEST` for two
# destinations: one matching a block near the end, one matching nothing.
# Runs are interleaved (ssh, sshfwd, ssh, ...) so a load change hits both;
# medians of RUNS runs (default 7) are printed with the ratio
# ssh_time / sshfwd_time ("sshfwd-speedup"). Then the same for
# 5k/10k/20k/40k blocks to show time is linear in the config size.
# It also checks that both print the same dump for each destination.
#
# Environment: RUNS (default 7), BLOCKS (main size, default 20000),
# SIZES (scaling sizes, default "5000 10000 20000 40000").
set -eu
SSHFWD=${1:-${SSHFWD:-./sshfwd}}
RUNS=${RUNS:-7}
BLOCKS=${BLOCKS:-20000}
SIZES=${SIZES:-5000 10000 20000 40000}

command -v ssh >/dev/null 2>&1 || { echo "parser_bench: ssh not installed" >&2; exit 77; }
[ -x "$SSHFWD" ] || { echo "parser_bench: $SSHFWD is not executable" >&2; exit 1; }
SSHFWD=$(cd "$(dirname "$SSHFWD")" && pwd)/$(basename "$SSHFWD")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/parser_bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home/.ssh"

# gen DIR N: DIR/main.conf including DIR/part-*.conf, N blocks in total.
gen() {
	mkdir -p "$1"
	awk -v dir="$1" -v n="$2" 'BEGIN {
		per = 1000
		for (i = 1; i <= n; i++) {
			if ((i - 1) % per == 0) {
				if (f != "") close(f)
				f = sprintf("%s/part-%05d.conf", dir, int((i - 1) / per))
			}
			printf "Host host-%05d alias-%05d\n", i, i > f
			printf "    HostName 10.%d.%d.%d\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256 > f
			printf "    User user%05d\n", i > f
			printf "    Port %d\n", 1024 + i % 60000 > f
			printf "    IdentityFile ~/.ssh/id_%05d\n", i > f
			printf "    LocalForward %d localhost:%d\n", 1024 + (i * 7) % 60000, 80 + i % 1000 > f
			printf "    ServerAliveInterval %d\n", 10 + i % 50 > f
			printf "    # block %d of %d\n", i, n > f
		}
		close(f)
		m = dir "/main.conf"
		printf "# %d Host blocks, %d lines, split over include files\n", n, n * 8 > m
		printf "Include %s/part-*.conf\n", dir > m
		printf "Host *\n    Compression yes\n" > m
	}'
}

# time_one PROG CONF DEST: prints "WALL_MS CPU_MS" (CPU = user + system of
# the child, from wait4's rusage: unlike wall time it does not grow when
# other jobs load the machine).
time_one() {
	python3 - "$tmp/home" "$@" <<'PY'
import os, resource, subprocess, sys, time
home, prog, conf, dest = sys.argv[1:5]
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.perf_counter()
subprocess.run([prog, "-G", "-F", conf, dest], stdin=subprocess.DEVNULL,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
               env={"HOME": home, "PATH": "/usr/bin:/bin"})
t1 = time.perf_counter()
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print("%.3f %.3f" % ((t1 - t0) * 1e3, cpu * 1e3))
PY
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# bench N DEST: interleaved runs; prints the medians
# "ssh_wall sshfwd_wall ssh_cpu sshfwd_cpu" (ms)
bench() {
	conf="$tmp/c$1/main.conf"
	: >"$tmp/t.ssh"
	: >"$tmp/t.fwd"
	i=0
	while [ $i -lt "$RUNS" ]; do
		time_one "$(command -v ssh)" "$conf" "$2" >>"$tmp/t.ssh"
		time_one "$SSHFWD" "$conf" "$2" >>"$tmp/t.fwd"
		i=$((i + 1))
	done
	echo "$(cut -d' ' -f1 "$tmp/t.ssh" | median) $(cut -d' ' -f1 "$tmp/t.fwd" | median)" \
	    "$(cut -d' ' -f2 "$tmp/t.ssh" | median) $(cut -d' ' -f2 "$tmp/t.fwd" | median)"
}

same_dump() {
	conf="$tmp/c$1/main.conf"
	env -i HOME="$tmp/home" PATH=/usr/bin:/bin ssh -G -F "$conf" "$2" </dev/null >"$tmp/a" 2>/dev/null || true
	env -i HOME="$tmp/home" PATH=/usr/bin:/bin "$SSHFWD" -G -F "$conf" "$2" </dev/null >"$tmp/b" 2>/dev/null || true
	if cmp -s "$tmp/a" "$tmp/b"; then echo same; else echo DIFFERENT; fi
}

echo "parser_bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(ssh -V 2>&1)"
echo "parser_bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at start; $RUNS interleaved runs per cell, medians"
gen "$tmp/c$BLOCKS" "$BLOCKS"
near=$(printf 'host-%05d' $((BLOCKS - 10)))
lines=$(cat "$tmp/c$BLOCKS"/*.conf | wc -l)
echo
echo "## $BLOCKS Host blocks ($lines lines in $(ls "$tmp/c$BLOCKS" | wc -l) files)"
echo
echo "| destination | ssh -G wall (ms) | sshfwd -G wall (ms) | sshfwd-speedup (wall) | ssh -G CPU (ms) | sshfwd -G CPU (ms) | sshfwd-speedup (CPU) | same dump |"
echo "|---|---:|---:|---:|---:|---:|---:|---|"
for d in "$near" nomatch-host; do
	set -- $(bench "$BLOCKS" "$d")
	echo "$d $1 $2 $3 $4 $(same_dump "$BLOCKS" "$d")" | awk '{
		printf "| %s | %.1f | %.1f | %.1fx | %.1f | %.1f | %.1fx | %s |\n",
		    $1, $2, $3, ($3 > 0 ? $2 / $3 : 0), $4, $5, ($5 > 0 ? $4 / $5 : 0), $6 }'
done

echo
echo "## Scaling (destination matching nothing, so every block is read)"
echo
echo "| blocks | lines | ssh -G wall (ms) | sshfwd -G wall (ms) | ssh -G CPU (ms) | sshfwd -G CPU (ms) | sshfwd CPU us/block | sshfwd-speedup (CPU) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $SIZES; do
	[ -d "$tmp/c$n" ] || gen "$tmp/c$n" "$n"
	set -- $(bench "$n" nomatch-host)
	echo "$n $((n * 8)) $1 $2 $3 $4" | awk '{
		printf "| %d | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.1fx |\n",
		    $1, $2, $3, $4, $5, $6, $6 * 1000 / $1, ($6 > 0 ? $5 / $6 : 0) }'
done
echo
echo "parser_bench: load average $(cut -d' ' -f1-3 /proc/loadavg) at end"
