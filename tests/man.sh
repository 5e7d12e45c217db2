#!/bin/sh
# doc/sshfwd.1 renders without a single groff/man warning, and documents
# every option the command line accepts (parser/args.c's option string) and
# every mode.
set -u
: "${TOP_SRCDIR:?run from make check}"
page=$TOP_SRCDIR/doc/sshfwd.1
command -v man >/dev/null 2>&1 || { echo "SKIP: man is not installed"; exit 77; }

fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sshfwd-man.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
    man --warnings -E UTF-8 -l "$page" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
	echo "FAIL: man --warnings (exit $rc):"
	cat "$tmp/err"
	fail=1
else
	echo "ok: renders without warnings"
fi

# Every short option of the parser has an entry (".It Fl x").
opts=$(sed -n 's/^#define ARGS_SHORTOPTS "+:\(.*\)"$/\1/p' \
    "$TOP_SRCDIR/parser/args.c" | tr -d ':')
if [ -z "$opts" ]; then
	echo "FAIL: cannot read ARGS_SHORTOPTS from parser/args.c"
	fail=1
fi
i=1
while [ $i -le ${#opts} ]; do
	o=$(printf '%s' "$opts" | cut -c $i)
	if grep -q "^\.It Fl $o\( \|$\)" "$page"; then
		:
	else
		echo "FAIL: option -$o has no entry in doc/sshfwd.1"
		fail=1
	fi
	i=$((i + 1))
done
# Every documented long option (the hidden --list-hosts excepted).
for o in help version dry-run json lint reconnect; do
	grep -q "^\.It Fl Fl $o\$" "$page" ||
	    { echo "FAIL: --$o has no entry"; fail=1; }
done
grep -q -- 'list-hosts' "$page" &&
    { echo "FAIL: the hidden --list-hosts is documented"; fail=1; }
# Every -O verb, and the sections a manual page of this kind needs.
for v in check forward cancel exit status; do
	grep -q "^\.It Cm $v\$" "$page" ||
	    { echo "FAIL: -O $v has no entry"; fail=1; }
done
for s in NAME SYNOPSIS DESCRIPTION ENVIRONMENT FILES "EXIT STATUS" \
    EXAMPLES "SEE ALSO"; do
	grep -q "^\.Sh $s\$" "$page" ||
	    { echo "FAIL: no $s section"; fail=1; }
done
# --help points to the manual.
if [ -n "${SSHFWD:-}" ] && [ -x "$SSHFWD" ]; then
	"$SSHFWD" --help | grep -q 'sshfwd(1)' ||
	    { echo "FAIL: --help does not point to sshfwd(1)"; fail=1; }
fi
[ $fail -eq 0 ] && echo "ok: every option, mode and section is documented"
exit $fail
