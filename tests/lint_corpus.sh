#!/bin/sh
# lint corpus: every testdata/lint/NAME.conf goes through `sshfwd --lint -F`
# and its findings (hint lines dropped) must equal NAME.expected exactly;
# clean-*.conf must produce no finding at all. The exit status must follow
# the findings: 2 with an error, 1 with warnings only, 0 otherwise.
#
# The corpus is copied to a scratch directory first so that key files get
# the modes the cases need (git does not keep them) and @LINTDIR@ in the
# configs and expectations can name absolute paths.
set -u
: "${SSHFWD:?SSHFWD must name the built sshfwd}"
: "${TOP_SRCDIR:?TOP_SRCDIR must name the source tree}"

src="$TOP_SRCDIR/testdata/lint"
work=$(mktemp -d "${TMPDIR:-/tmp}/sshfwd-lint.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
cp -R "$src/." "$work/" || exit 99
chmod -R u+w "$work"
find "$work" -type f -name '*.conf' -exec chmod 644 {} +
chmod 600 "$work"/keys/*
chmod 644 "$work/keys/id_open"
for f in "$work"/*.conf "$work"/inc/*.conf "$work"/*.expected; do
	[ -f "$f" ] || continue
	sed "s|@LINTDIR@|$work|g" "$f" > "$f.tmp" && mv "$f.tmp" "$f"
	chmod 644 "$f"
done
chmod 666 "$work/inc/world-writable.conf"

fail=0
n=0
cd "$work" || exit 99
for conf in *.conf; do
	name=${conf%.conf}
	n=$((n + 1))
	out=$("$SSHFWD" --lint -F "$conf" </dev/null 2>"$name.stderr")
	st=$?
	got=$(printf '%s\n' "$out" | grep -v '^  hint: ' | sed '/^$/d')
	case $name in
	clean-*) want="" ;;
	*)
		if [ ! -f "$name.expected" ]; then
			echo "FAIL $name: no $name.expected"
			fail=1
			continue
		fi
		want=$(sed '/^$/d' "$name.expected")
		;;
	esac
	if [ "$got" != "$want" ]; then
		echo "FAIL $name: findings differ (want, got):"
		printf '%s\n' "$want" > "$name.want"
		printf '%s\n' "$got" > "$name.got"
		diff -u "$name.want" "$name.got" | sed "s|$work|@LINTDIR@|g"
		fail=1
		continue
	fi
	if printf '%s\n' "$got" | grep -q ': error: '; then
		wst=2
	elif printf '%s\n' "$got" | grep -q ': warning: '; then
		wst=1
	else
		wst=0
	fi
	if [ "$st" -ne "$wst" ]; then
		echo "FAIL $name: exit status $st, want $wst"
		cat "$name.stderr"
		fail=1
		continue
	fi
	# every finding carries a hint
	nf=$(printf '%s\n' "$out" | grep -c ': \(error\|warning\|info\): ')
	nh=$(printf '%s\n' "$out" | grep -c '^  hint: ')
	if [ "$nf" -ne "$nh" ]; then
		echo "FAIL $name: $nf findings but $nh hints"
		fail=1
		continue
	fi
	echo "ok $name"
done
[ "$n" -gt 0 ] || { echo "FAIL: no corpus cases found in $src"; exit 1; }
exit $fail
