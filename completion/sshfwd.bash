# bash completion for sshfwd(1)                             -*- shell-script -*-
#
# Options and their arguments as in ssh(1); host aliases come from
# `sshfwd --list-hosts [-F file]`, which reads the config exactly as sshfwd
# does (Include followed, patterns left out). When that is not available the
# Host lines of the config file are read directly.
#
# Installed as $(datadir)/bash-completion/completions/sshfwd; works without
# the bash-completion package too (`source sshfwd.bash`).

_sshfwd_config_keywords="AddKeysToAgent AddressFamily BatchMode BindAddress
BindInterface CanonicalDomains CanonicalizeFallbackLocal CanonicalizeHostname
CanonicalizeMaxDots CanonicalizePermittedCNAMEs CASignatureAlgorithms
CertificateFile CheckHostIP Ciphers ClearAllForwardings Compression
ConnectionAttempts ConnectTimeout ControlMaster ControlPath ControlPersist
DynamicForward EnableEscapeCommandline EnableSSHKeysign EscapeChar
ExitOnForwardFailure FingerprintHash ForkAfterAuthentication ForwardAgent
ForwardX11 ForwardX11Timeout ForwardX11Trusted GatewayPorts
GlobalKnownHostsFile GSSAPIAuthentication GSSAPIClientIdentity
GSSAPIDelegateCredentials GSSAPIKexAlgorithms GSSAPIKeyExchange
GSSAPIRenewalForcesRekey GSSAPIServerIdentity GSSAPITrustDns HashKnownHosts
HostbasedAcceptedAlgorithms HostbasedAuthentication HostKeyAlgorithms
HostKeyAlias Hostname IdentitiesOnly IdentityAgent IdentityFile IgnoreUnknown
IPQoS KbdInteractiveAuthentication KbdInteractiveDevices KexAlgorithms
KnownHostsCommand LocalCommand LocalForward LogLevel LogVerbose MACs
NoHostAuthenticationForLocalhost NumberOfPasswordPrompts
PasswordAuthentication PermitLocalCommand PermitRemoteOpen PKCS11Provider Port
PreferredAuthentications ProxyCommand ProxyJump ProxyUseFdpass
PubkeyAcceptedAlgorithms PubkeyAuthentication RekeyLimit RemoteCommand
RemoteForward RequestTTY RequiredRSASize RevokedHostKeys SecurityKeyProvider
SendEnv ServerAliveCountMax ServerAliveInterval SessionType SetEnv StdinNull
StreamLocalBindMask StreamLocalBindUnlink StrictHostKeyChecking
SyslogFacility TCPKeepAlive Tunnel TunnelDevice UpdateHostKeys User
UserKnownHostsFile VerifyHostKeyDNS VisualHostKey XAuthLocation"

_sshfwd_control_verbs="check forward cancel exit status"

# Print the host aliases, one per line. $1: the -F file, if any.
_sshfwd_hosts()
{
	local cmd=${COMP_WORDS[0]} out fopt=()
	[[ $cmd == */* && -x $cmd ]] || cmd=sshfwd
	[[ -n ${1-} ]] && fopt=(-F "$1")
	if out=$("$cmd" --list-hosts "${fopt[@]}" 2>/dev/null) ||
	    [[ -n $out ]]; then
		printf '%s\n' "$out"
		return
	fi
	# Fallback: the Host lines of the one file, patterns left out.
	local f=${1:-$HOME/.ssh/config}
	[[ -r $f ]] || return
	awk 'tolower($1) == "host" || tolower($1) ~ /^host=/ {
		sub(/^[Hh][Oo][Ss][Tt][ \t]*=?/, "")
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^#/) break
			gsub(/"/, "", $i)
			if ($i != "" && $i !~ /[*?!]/) print $i
		}
	}' "$f" 2>/dev/null
}

# Append to COMPREPLY what `compgen ARGS...` prints, one reply per line
# (no word splitting, no globbing of the results).
_sshfwd_compgen()
{
	local w
	while IFS= read -r w; do
		COMPREPLY+=("$w")
	done < <(compgen "$@" 2>/dev/null)
}

# Complete a word of host aliases (with an optional user@ prefix).
_sshfwd_complete_hosts()
{
	local cur=$1 cfg=$2 prefix='' h
	if [[ $cur == *@* ]]; then
		prefix=${cur%%@*}@
		cur=${cur#*@}
	fi
	while IFS= read -r h; do
		[[ -n $h && $h == "$cur"* ]] && COMPREPLY+=("$prefix$h")
	done < <(_sshfwd_hosts "$cfg")
}

_sshfwd_complete_files()
{
	compopt -o filenames 2>/dev/null
	_sshfwd_compgen -f -- "$1"
}

_sshfwd()
{
	local cur prev i cfg='' w
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# The -F file given so far decides which aliases exist.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-F) cfg=${COMP_WORDS[i + 1]} ;;
		-F?*) cfg=${w#-F} ;;
		esac
	done
	# eval-free tilde expansion of the -F argument
	[[ $cfg == \~/* ]] && cfg=$HOME/${cfg#\~/}

	case $prev in
	-F | -i | -E | -S | -I)
		_sshfwd_complete_files "$cur"
		return
		;;
	-O)
		_sshfwd_compgen -W "$_sshfwd_control_verbs" -- "$cur"
		return
		;;
	-o)
		_sshfwd_complete_option "$cur" ""
		return
		;;
	esac
	# bash splits "-o Key=val" and "-oKey=val" at the = (COMP_WORDBREAKS)
	local p2='' p3=
	((COMP_CWORD >= 2)) && p2=${COMP_WORDS[COMP_CWORD - 2]}
	((COMP_CWORD >= 3)) && p3=${COMP_WORDS[COMP_CWORD - 3]}
	if [[ $prev == = && $p3 == -o ]]; then
		_sshfwd_option_values "$p2" "$cur" ""
		return
	elif [[ $prev == = && $p2 == -o?* ]]; then
		_sshfwd_option_values "${p2#-o}" "$cur" ""
		return
	elif [[ $cur == = && $p2 == -o ]]; then
		_sshfwd_option_values "$prev" "" "="
		return
	elif [[ $cur == = && $prev == -o?* ]]; then
		_sshfwd_option_values "${prev#-o}" "" "="
		return
	fi

	case $prev in
	-c)
		_sshfwd_compgen -W "$(ssh -Q cipher 2>/dev/null)" -- "$cur"
		return
		;;
	-m)
		_sshfwd_compgen -W "$(ssh -Q mac 2>/dev/null)" -- "$cur"
		return
		;;
	-l)
		_sshfwd_compgen -u -- "$cur"
		return
		;;
	-J)
		# comma-separated hops: complete the last one
		local head='' last=$cur
		if [[ $cur == *,* ]]; then
			head=${cur%,*},
			last=${cur##*,}
		fi
		_sshfwd_complete_hosts "$last" "$cfg"
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=$head${COMPREPLY[i]}
		done
		return
		;;
	-B)
		_sshfwd_compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur"
		return
		;;
	-b | -p | -L | -R | -D | -e | -w | -W)
		return
		;;
	esac

	case $cur in
	--*)
		_sshfwd_compgen -W "--help --version --json --dry-run --lint
		    --reconnect" -- "$cur"
		return
		;;
	-o?*)
		_sshfwd_complete_option "${cur#-o}" -o
		return
		;;
	-*)
		_sshfwd_compgen -W "-4 -6 -A -a -B -b -C -c -D -E -e -F -f -G -g
		    -I -i -J -K -k -L -l -M -m -N -n -O -o -p -q -R -S -s -T -t
		    -V -v -W -w -X -x -Y -y --help --version --json --dry-run
		    --lint --reconnect" -- "$cur"
		return
		;;
	esac
	_sshfwd_complete_hosts "$cur" "$cfg"
}

# -o Keyword=value: keywords first (no space after the =), then a few values.
# $1: the word after -o; $2: a prefix to put back on each reply ("-o" when
# the option was written -oKeyword).
_sshfwd_complete_option()
{
	local cur=$1 prefix=$2
	COMPREPLY=()
	if [[ $cur == *=* ]]; then
		_sshfwd_option_values "${cur%%=*}" "${cur#*=}" \
		    "$prefix${cur%%=*}="
		return
	fi
	local k
	while IFS= read -r k; do
		COMPREPLY+=("$prefix$k")
	done < <(compgen -S = -W "$_sshfwd_config_keywords" -- "$cur")
	compopt -o nospace 2>/dev/null
}

# The values of keyword $1 that start with $2, each prefixed with $3.
_sshfwd_option_values()
{
	local kw=$1 val=$2 prefix=$3 vals=
	case ${kw,,} in
	batchmode | checkhostip | clearallforwardings | compression | \
	    exitonforwardfailure | forkafterauthentication | gatewayports | \
	    hashknownhosts | identitiesonly | passwordauthentication | \
	    kbdinteractiveauthentication | tcpkeepalive | \
	    streamlocalbindunlink | stdinnull | visualhostkey | \
	    forwardagent | forwardx11 | forwardx11trusted | \
	    nohostauthenticationforlocalhost | permitlocalcommand | \
	    proxyusefdpass | enablesshkeysign | enableescapecommandline | \
	    gssapiauthentication | gssapidelegatecredentials | \
	    hostbasedauthentication)
		vals="yes no" ;;
	stricthostkeychecking) vals="yes accept-new no off ask" ;;
	addressfamily) vals="any inet inet6" ;;
	controlmaster) vals="yes no ask auto autoask" ;;
	requesttty) vals="no yes force auto" ;;
	loglevel) vals="QUIET FATAL ERROR INFO VERBOSE DEBUG DEBUG1 DEBUG2 DEBUG3" ;;
	pubkeyauthentication) vals="yes no unbound host-bound" ;;
	canonicalizehostname) vals="yes no always" ;;
	updatehostkeys | verifyhostkeydns | addkeystoagent) vals="yes no ask" ;;
	ciphers) vals=$(ssh -Q cipher 2>/dev/null) ;;
	macs) vals=$(ssh -Q mac 2>/dev/null) ;;
	kexalgorithms) vals=$(ssh -Q kex 2>/dev/null) ;;
	hostkeyalgorithms | pubkeyacceptedalgorithms)
		vals=$(ssh -Q key 2>/dev/null) ;;
	proxyjump) vals=$(_sshfwd_hosts "$cfg") ;;
	identityfile | certificatefile | userknownhostsfile | controlpath | \
	    globalknownhostsfile | identityagent)
		local f
		while IFS= read -r f; do
			COMPREPLY+=("$prefix$f")
		done < <(compgen -f -- "$val")
		return
		;;
	esac
	local v
	while IFS= read -r v; do
		COMPREPLY+=("$prefix$v")
	done < <(compgen -W "$vals" -- "$val")
}

complete -F _sshfwd sshfwd
