#!/bin/sh
# Shell completion: completion/sshfwd.bash (bash) and completion/_sshfwd (zsh)
# complete options, option arguments and the host aliases of a test config
# (read through `sshfwd --list-hosts`, so Include is followed and patterns are
# left out). The zsh part runs only where zsh is installed: it checks that the
# script loads after compinit, then drives real completions through zpty.
set -u
: "${SSHFWD:?run from make check}" "${TOP_SRCDIR:?run from make check}"
command -v bash >/dev/null 2>&1 || { echo "SKIP: no bash"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sshfwd-completion.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
home=$tmp/home
mkdir -p "$home/.ssh/conf.d" "$tmp/bin"
# The -F file lives outside ~/.ssh, but its relative Include is read from
# ~/.ssh/ as ssh does; a space in the path checks the quoting.
mkdir -p "$tmp/my cfg"
cfg="$tmp/my cfg/config"
cat >"$cfg" <<'CFG'
Host web db *.internal !nope
    HostName 10.0.0.1
Host "bastion-eu"
Include conf.d/*.conf
Match host foo
CFG
printf 'Host included-one\n' >"$home/.ssh/conf.d/a.conf"
printf 'Host included-two web\n' >"$home/.ssh/conf.d/b.conf"
printf 'Host fallback-only\n' >"$home/.ssh/config"
chmod 600 "$cfg" "$home/.ssh/config" "$home/.ssh/conf.d/"*.conf
ln -s "$SSHFWD" "$tmp/bin/sshfwd"

fail=0

# --- sshfwd --list-hosts, which both scripts ask -----------------------------
got=$(HOME=$home "$SSHFWD" --list-hosts -F "$cfg" | paste -sd " " -)
if [ "$got" = "web db bastion-eu included-one included-two" ]; then
	echo "ok: sshfwd --list-hosts -F: $got"
else
	echo "FAIL: sshfwd --list-hosts -F gave [$got]"
	fail=1
fi

# Every short option of the parser (parser/args.c's option string).
opts=$(sed -n 's/^#define ARGS_SHORTOPTS "+:\(.*\)"$/\1/p' \
    "$TOP_SRCDIR/parser/args.c" | tr -d ':')
[ -n "$opts" ] || { echo "FAIL: cannot read ARGS_SHORTOPTS"; fail=1; }

# --- bash -------------------------------------------------------------------
HOME=$home PATH="$tmp/bin:$PATH" CFG=$cfg TMPD=$tmp OPTS=$opts \
    bash -c '
set -u
. "$TOP_SRCDIR/completion/sshfwd.bash" || exit 1
complete -p sshfwd >/dev/null || { echo "FAIL: no complete -F for sshfwd"; exit 1; }
fail=0
# comp WORD...: complete the last word; the result, sorted, space-joined.
comp() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_sshfwd 2>/dev/null
	printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd " " -
}
# eq WANT WORD...: the completions are exactly WANT
eq() {
	local want=$1 got
	shift
	got=$(comp "$@")
	if [ "$got" != "$want" ]; then
		echo "FAIL: bash: $* -> [$got], want [$want]"
		fail=1
	else
		echo "ok: bash: $* -> [$got]"
	fi
}
# has WANT WORD...: WANT is among the completions
has() {
	local want=$1 got
	shift
	got=" $(comp "$@") "
	case $got in
	*" $want "*) echo "ok: bash: $* has $want" ;;
	*) echo "FAIL: bash: $* -> [$got], want $want among them"; fail=1 ;;
	esac
}
# hasnt WORD WORD...: WORD is not among the completions
hasnt() {
	local bad=$1 got
	shift
	got=" $(comp "$@") "
	case $got in
	*" $bad "*) echo "FAIL: bash: $* offers $bad"; fail=1 ;;
	*) echo "ok: bash: $* does not offer $bad" ;;
	esac
}

# host aliases from --list-hosts: plain names only, Include followed
eq "bastion-eu db included-one included-two web" sshfwd -F "$CFG" ""
eq "bastion-eu db included-one included-two web" "$SSHFWD" -F "$CFG" ""
eq "web" sshfwd -F "$CFG" w
eq "included-one included-two" sshfwd -F"$CFG" -N inc
eq "me@web" sshfwd -F "$CFG" me@w
eq "db" sshfwd -F "$CFG" -L 5432:localhost:5432 d
eq "bastion-eu db included-one included-two web" sshfwd --lint -F "$CFG" web ""
# jump hosts: the last of a comma list
eq "web,bastion-eu" sshfwd -F "$CFG" -J web,b
eq "db" sshfwd -F "$CFG" -J d
# options
has -L sshfwd -
has --dry-run sshfwd -
eq "--dry-run" sshfwd --dr
eq "--reconnect" sshfwd --rec
hasnt --list-hosts sshfwd --
hasnt --list-hosts sshfwd -
# every option the parser accepts is offered
missing=
for ((k = 0; k < ${#OPTS}; k++)); do
	case " $(comp sshfwd -) " in
	*" -${OPTS:k:1} "*) ;;
	*) missing="$missing -${OPTS:k:1}" ;;
	esac
done
if [ -n "$missing" ]; then
	echo "FAIL: bash: options not offered:$missing"
	fail=1
else
	echo "ok: bash: all ${#OPTS} short options offered"
fi
# option arguments
eq "check" sshfwd -O ch
eq "cancel check exit forward status" sshfwd -O ""
eq "StrictHostKeyChecking=" sshfwd -o StrictH
eq "ServerAliveCountMax= ServerAliveInterval=" sshfwd -o ServerAl
eq "-oExitOnForwardFailure=" sshfwd -oExitOn
eq "StrictHostKeyChecking=accept-new" sshfwd -o StrictHostKeyChecking=acc
eq "-oBatchMode=no -oBatchMode=yes" sshfwd -oBatchMode=
# as bash splits them at = (COMP_WORDBREAKS)
eq "accept-new" sshfwd -o StrictHostKeyChecking = acc
eq "=no =yes" sshfwd -o BatchMode =
eq "yes" sshfwd -oBatchMode = y
eq "web" sshfwd -F "$CFG" -o ProxyJump = we
# files for -F -i -E -S
eq "$TMPD/my cfg" sshfwd -F "$TMPD/my"
eq "$TMPD/my cfg/config" sshfwd -i "$TMPD/my cfg/c"
eq "$TMPD/my cfg/config" sshfwd -E "$TMPD/my cfg/c"
eq "$TMPD/my cfg/config" sshfwd -S "$TMPD/my cfg/c"
# nothing to offer for a port or a forward spec
eq "" sshfwd -p ""
eq "" sshfwd -L ""
exit $fail
' || fail=1

# Every -o keyword offered is one the parser knows (parser/keywords.c).
kwtab=$TOP_SRCDIR/parser/keywords.c
if [ -f "$kwtab" ]; then
	unknown=$(bash -c '. "$TOP_SRCDIR/completion/sshfwd.bash"
	    printf "%s\n" $_sshfwd_config_keywords' | while read -r k; do
		lk=$(printf '%s' "$k" | tr '[:upper:]' '[:lower:]')
		grep -q "\"$lk\"" "$kwtab" || printf ' %s' "$k"
	done)
	if [ -n "$unknown" ]; then
		echo "FAIL: -o keywords the parser does not know:$unknown"
		fail=1
	else
		echo "ok: every -o keyword is in parser/keywords.c"
	fi
fi

# Without a working --list-hosts the script reads the Host lines itself.
mkdir -p "$tmp/nobin"
printf '#!/bin/sh\nexit 1\n' >"$tmp/nobin/sshfwd"
chmod +x "$tmp/nobin/sshfwd"
got=$(HOME=$home PATH="$tmp/nobin:$PATH" bash -c '
. "$TOP_SRCDIR/completion/sshfwd.bash"
COMP_WORDS=(sshfwd ""); COMP_CWORD=1; COMPREPLY=(); _sshfwd
printf "%s\n" "${COMPREPLY[@]}"')
if [ "$got" = fallback-only ]; then
	echo "ok: bash: fallback reads ~/.ssh/config"
else
	echo "FAIL: bash: fallback gave [$got]"
	fail=1
fi

# --- zsh --------------------------------------------------------------------
if ! command -v zsh >/dev/null 2>&1; then
	echo "zsh not installed: zsh part skipped"
	exit $fail
fi

# Loads without a word on stderr, registers itself.
err=$(cd "$TOP_SRCDIR" && zsh -fc 'autoload -U compinit; compinit -u -d "$1/zcd"; source completion/_sshfwd; [[ ${_comps[sshfwd]} == _sshfwd ]] || print -u2 "not registered"' zsh "$tmp" 2>&1)
if [ -n "$err" ]; then
	echo "FAIL: zsh: loading completion/_sshfwd: $err"
	fail=1
else
	echo "ok: zsh: completion/_sshfwd loads and registers"
fi

# Drive real completions in an interactive zsh on a pty: compadd is wrapped
# to log what it would offer.
if ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	echo "zsh/zpty not available: zsh completion runs skipped"
	exit $fail
fi
cat >"$tmp/drive.zsh" <<'ZSH'
zmodload zsh/zpty
tmp=$1 srcdir=$2 cfg=$3
out=$tmp/zout
zpty z env HOME=$tmp/home TERM=dumb PATH=$tmp/bin:$PATH zsh -f -i
zpty -w z "PS1='> '; fpath=(${(q)srcdir}/completion \$fpath); autoload -U compinit; compinit -u -d $tmp/zcd2"
zpty -w z "compadd() { local -a __h; builtin compadd -O __h \"\$@\"; print -rl -- \"\${__h[@]}\" >> $out; builtin compadd \"\$@\"; }"
zpty -w z "print READY > $tmp/zready"
for i in {1..100}; do [[ -s $tmp/zready ]] && break; sleep 0.1; done
# zcomp LINE: what completing at the end of LINE offered, sorted, one line.
zcomp() {
  : >| $out
  zpty -w -n z "$1"$'\t'
  local i
  for i in {1..50}; do [[ -s $out ]] && break; sleep 0.1; done
  sleep 0.3
  zpty -w -n z $'\C-e\C-u'
  print -r -- ${(j: :)${(ou)${(f)"$(<$out)"}}}
}
print -r -- "hosts|$(zcomp "sshfwd -F ${(q)cfg} ")"
print -r -- "prefix|$(zcomp "sshfwd -F ${(q)cfg} inc")"
print -r -- "opts|$(zcomp 'sshfwd -')"
print -r -- "verbs|$(zcomp 'sshfwd -O ')"
print -r -- "keyword|$(zcomp 'sshfwd -o ServerAl')"
print -r -- "value|$(zcomp 'sshfwd -o StrictHostKeyChecking=acc')"
print -r -- "jump|$(zcomp "sshfwd -F ${(q)cfg} -J web,bas")"
zpty -d z
ZSH
res=$(timeout 60 zsh -f "$tmp/drive.zsh" "$tmp" "$TOP_SRCDIR" "$cfg" 2>&1)
zcheck() {
	line=$(printf '%s\n' "$res" | grep "^$1|" | head -n 1)
	case " ${line#*|} " in
	*" $2 "*)
		if [ -n "${3:-}" ]; then
			case " ${line#*|} " in
			*" $3 "*) echo "FAIL: zsh: $1 offers $3: ${line#*|}"; fail=1; return ;;
			esac
		fi
		echo "ok: zsh: $1 offers $2" ;;
	*) echo "FAIL: zsh: $1: [${line#*|}], want $2 among them"; fail=1 ;;
	esac
}
zcheck hosts web '*.internal'
zcheck hosts included-two nope
zcheck hosts bastion-eu
zcheck prefix included-one web
zcheck verbs status
zcheck keyword ServerAliveInterval StrictHostKeyChecking
zcheck value accept-new
zcheck jump bastion-eu
zopts=" $(printf '%s\n' "$res" | sed -n 's/^opts|//p') "
missing=
i=1
while [ $i -le ${#opts} ]; do
	o=$(printf '%s' "$opts" | cut -c $i)
	case $zopts in *" -$o "*) ;; *) missing="$missing -$o" ;; esac
	i=$((i + 1))
done
case $zopts in *" --list-hosts "*) missing="$missing (offers --list-hosts)" ;; esac
if [ -n "$missing" ]; then
	echo "FAIL: zsh: options not offered:$missing"
	fail=1
else
	echo "ok: zsh: all ${#opts} short options offered"
fi
exit $fail
