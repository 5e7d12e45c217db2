#!/bin/sh
# Hand-written -G corpus: run every testdata/dump/NAME.conf through
# `$SSHFWD -G -F NAME.conf $(cat NAME.args)` and compare stdout with NAME.out
# and the exit status with NAME.status (0 when absent). Prints each failing
# case's name and a diff.
#
# stderr: NAME.err (written for every case where ssh fails, temp HOME shown
# as @HOME@) is ssh's exact stderr. A failing sshfwd that prints nothing when
# ssh printed something is a failure; any other stderr difference is
# reported as a WARN line with its diff but only fails the run with
# DUMP_CORPUS_STRICT_STDERR=1 (the contract is stdout + status, byte for
# byte; the message wording is checked but secondary).
#
# v_NAME cases run with -v/-vv/-vvv (in their .args) and pin ssh's debug
# lines: their .err is always written (ssh's version banner line removed,
# sshfwd prints none) and any stderr difference fails them.
#
#   tests/dump_corpus.sh               check (SSHFWD, TOP_SRCDIR from make)
#   tests/dump_corpus.sh --regen [N…]  rewrite .out/.status from `ssh -G`
#                                      (all cases, or the named ones)
#
# The environment is fixed so that the expected outputs are reproducible:
# cwd is testdata/dump; HOME is a temp dir whose .ssh is a symlink to
# testdata/dump (so `Include inc/x.conf` and `Include ~/.ssh/inc/x.conf` in a
# -F file both reach testdata/dump/inc/x.conf); env -i with SHELL=/bin/sh,
# PATH=/usr/bin:/bin, LC_ALL=C and the variables the cases use (FOO,
# PORTVAR, HOSTVAR, SP); stdin is /dev/null.
#
# Machine-dependent values. The .out files were generated as root (uid 0,
# home /root) on a Debian 12 host named "vm" (see testdata/dump/GENERATED).
# - Run as another user, the expected output is normalised first: the
#   default `user root` line becomes `user $LOGIN` and every `/root/` path
#   prefix becomes `$PWHOME/` (no case sets User root or writes /root/ itself).
# - Cases whose output depends on the local host name or uid in other ways
#   (%l %L %C %u %i %d, -i with a home path) carry the line
#   `# machine-dependent` in their .conf. On a host with another name or as
#   another user they are compared against a fresh `ssh -G` run instead of
#   the .out file (and skipped, not failed, when ssh is not installed).
#
# Exit 77 (skip) only when this build's sshfwd has no -G mode yet.
set -u
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${SSHFWD:=./sshfwd}"
dir="$TOP_SRCDIR/testdata/dump"

regen=0
if [ "${1:-}" = "--regen" ]; then
	regen=1
	shift
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dump_corpus.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/home"
ln -s "$dir" "$tmp/home/.ssh"

# run PROG NAME: the case's command, output in $tmp/out, $tmp/err, $tmp/status
run() {
	prog=$1 name=$2
	set --
	while IFS= read -r w || [ -n "$w" ]; do
		set -- "$@" "$w"
	done <"$dir/$name.args"
	(cd "$dir" && env -i HOME="$tmp/home" SHELL=/bin/sh PATH=/usr/bin:/bin \
	    LC_ALL=C FOO=foo PORTVAR=8080 HOSTVAR=internal SP="two words" \
	    ${ASAN_OPTIONS+ASAN_OPTIONS="$ASAN_OPTIONS"} \
	    ${UBSAN_OPTIONS+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
	    "$prog" -G -F "$name.conf" "$@" </dev/null >"$tmp/out" 2>"$tmp/err")
	echo $? >"$tmp/status"
	sed -e "s|$tmp/home|@HOME@|g" -e '/^OpenSSH_/{x;/^$/{s/^/seen/;x;d;};x;}' \
	    "$tmp/err" >"$tmp/err.n"
}

cases() {
	if [ $# -gt 0 ]; then
		for n in "$@"; do echo "${n%.conf}"; done
	else
		for f in "$dir"/*.conf; do
			n=${f##*/}
			echo "${n%.conf}"
		done
	fi
}

if [ $regen = 1 ]; then
	command -v ssh >/dev/null 2>&1 || { echo "dump_corpus: --regen needs ssh" >&2; exit 1; }
	for n in $(cases "$@"); do
		[ -f "$dir/$n.args" ] || : >"$dir/$n.args"
		run ssh "$n"
		cp "$tmp/out" "$dir/$n.out"
		st=$(cat "$tmp/status")
		if [ "$st" = 0 ]; then
			rm -f "$dir/$n.status" "$dir/$n.err"
			case $n in v_*) cp "$tmp/err.n" "$dir/$n.err" ;; esac
		else
			echo "$st" >"$dir/$n.status"
			cp "$tmp/err.n" "$dir/$n.err"
		fi
		printf '%-40s status %s  %s\n' "$n" "$st" "$(grep -v Pseudo-terminal "$tmp/err" | head -1 | tr -d '\r')"
	done
	exit 0
fi

probe=$("$SSHFWD" -G -F /dev/null corpus-probe </dev/null 2>&1)
case $probe in
*"not available in this build"*)
	echo "dump_corpus: SKIP: sshfwd -G is not built yet: $probe"
	exit 77 ;;
esac

# What the .out files assume, and what this machine is.
gen_host=vm gen_uid=0
[ -f "$dir/GENERATED" ] && . "$dir/GENERATED"
me=$(id -un)
myuid=$(id -u)
pwhome=$(getent passwd "$myuid" | cut -d: -f6)
[ -n "$pwhome" ] || pwhome=$HOME
same_machine=0
[ "$(hostname)" = "$gen_host" ] && [ "$myuid" = "$gen_uid" ] && same_machine=1
have_ssh=0
command -v ssh >/dev/null 2>&1 && have_ssh=1

pass=0 fail=0 skip=0 warn=0 failed=""
for n in $(cases "$@"); do
	expected="$tmp/expected"
	if [ $same_machine = 0 ] && grep -q '^# machine-dependent' "$dir/$n.conf"; then
		if [ $have_ssh = 0 ]; then
			echo "SKIP: $n (machine-dependent and no ssh to re-derive it)"
			skip=$((skip + 1))
			continue
		fi
		run ssh "$n"
		cp "$tmp/out" "$expected"
		exp_status=$(cat "$tmp/status")
		cp "$tmp/err.n" "$tmp/expected.err"
	else
		sed -e "s|^user root\$|user $me|" -e "s|/root/|$pwhome/|g" \
		    "$dir/$n.out" >"$expected"
		exp_status=0
		[ -f "$dir/$n.status" ] && exp_status=$(cat "$dir/$n.status")
		rm -f "$tmp/expected.err"
		[ -f "$dir/$n.err" ] && sed "s|/root/|$pwhome/|g" "$dir/$n.err" >"$tmp/expected.err"
	fi
	run "$SSHFWD" "$n"
	got_status=$(cat "$tmp/status")
	err_ok=1 silent=0
	if [ -f "$tmp/expected.err" ] && ! cmp -s "$tmp/expected.err" "$tmp/err.n"; then
		err_ok=0
		[ "$got_status" != 0 ] && [ -s "$tmp/expected.err" ] && [ ! -s "$tmp/err.n" ] && silent=1
	fi
	if cmp -s "$expected" "$tmp/out" && [ "$exp_status" = "$got_status" ] && [ $silent = 0 ]; then
		if [ $err_ok = 0 ]; then
			warn=$((warn + 1))
			echo "WARN: $n: stdout and status agree, stderr differs"
			diff -u "$tmp/expected.err" "$tmp/err.n" | sed -e "1s|.*|--- expected stderr ($n.err)|" -e "2s|.*|+++ sshfwd -G stderr|" -e 's/\r$//'
			case $n in v_*) strict=1 ;; *) strict=${DUMP_CORPUS_STRICT_STDERR:-0} ;; esac
			if [ "$strict" = 1 ]; then
				fail=$((fail + 1))
				failed="$failed $n"
				continue
			fi
		fi
		pass=$((pass + 1))
		continue
	fi
	fail=$((fail + 1))
	failed="$failed $n"
	why=""
	[ $silent = 1 ] && why=", and sshfwd printed nothing on stderr"
	echo "FAIL: $n (exit status: expected $exp_status, got $got_status$why)"
	sed 's/^/    # /' "$dir/$n.conf" | grep '^    # #' | sed 's/^    # # */    | /'
	diff -u "$expected" "$tmp/out" | sed -e "1s|.*|--- expected ($n.out)|" -e "2s|.*|+++ sshfwd -G|"
	if [ $err_ok = 0 ]; then
		diff -u "$tmp/expected.err" "$tmp/err.n" | sed -e "1s|.*|--- expected stderr ($n.err)|" -e "2s|.*|+++ sshfwd -G stderr|"
	elif [ "$exp_status" != 0 ] || [ "$got_status" != 0 ]; then
		echo "    sshfwd stderr:"
		sed 's/^/    | /' "$tmp/err" | head -20
	fi
done
echo "dump_corpus: $pass passed, $fail failed, $skip skipped ($warn with stderr differences)"
[ $fail = 0 ] || { echo "dump_corpus: failing:$failed"; exit 1; }
exit 0
