/*
 * keywords: rows in OpenSSH's keywords[] order (readconf.c, plus Debian's
 * gssapi and keepalive patches), so that "first row with an id" gives
 * the name ssh prints.
 */
#include "autoconf.h"

#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "parser/keywords.h"

const struct kw_state kw_flag[] = { { "true", 1 }, { "false", 0 }, { "yes", 1 },
	{ "no", 0 }, { NULL, -1 } };
const struct kw_state kw_yesnoask[] = { { "true", 1 }, { "false", 0 },
	{ "yes", 1 }, { "no", 0 }, { "ask", 2 }, { NULL, -1 } };
const struct kw_state kw_strict_hostkey[] = { { "true", STRICT_HOSTKEY_YES },
	{ "false", STRICT_HOSTKEY_OFF }, { "yes", STRICT_HOSTKEY_YES },
	{ "no", STRICT_HOSTKEY_OFF }, { "ask", STRICT_HOSTKEY_ASK },
	{ "off", STRICT_HOSTKEY_OFF }, { "accept-new", STRICT_HOSTKEY_NEW },
	{ NULL, -1 } };
const struct kw_state kw_yesnoaskconfirm[] = { { "true", 1 }, { "false", 0 },
	{ "yes", 1 }, { "no", 0 }, { "ask", 2 }, { "confirm", 3 },
	{ NULL, -1 } };
const struct kw_state kw_address_family[] = { { "inet", AF_OPT_INET },
	{ "inet6", AF_OPT_INET6 }, { "any", AF_OPT_ANY }, { NULL, -1 } };
const struct kw_state kw_control_master[] = { { "true", 1 }, { "yes", 1 },
	{ "false", 0 }, { "no", 0 }, { "auto", 3 }, { "ask", 2 },
	{ "autoask", 4 }, { NULL, -1 } };
const struct kw_state kw_tunnel[] = { { "ethernet", KW_TUN_ETHERNET },
	{ "point-to-point", KW_TUN_POINTOPOINT },
	{ "true", KW_TUN_POINTOPOINT }, { "yes", KW_TUN_POINTOPOINT },
	{ "false", KW_TUN_NO }, { "no", KW_TUN_NO }, { NULL, -1 } };
const struct kw_state kw_request_tty[] = { { "true", KW_TTY_YES },
	{ "yes", KW_TTY_YES }, { "false", KW_TTY_NO }, { "no", KW_TTY_NO },
	{ "force", KW_TTY_FORCE }, { "auto", KW_TTY_AUTO }, { NULL, -1 } };
const struct kw_state kw_session_type[] = { { "none", KW_SESSION_NONE },
	{ "subsystem", KW_SESSION_SUBSYSTEM },
	{ "default", KW_SESSION_DEFAULT }, { NULL, -1 } };
const struct kw_state kw_canonicalize[] = { { "true", 1 }, { "false", 0 },
	{ "yes", 1 }, { "no", 0 }, { "always", 2 }, { NULL, -1 } };
const struct kw_state kw_pubkey_auth[] = { { "true", 3 }, { "false", 0 },
	{ "yes", 3 }, { "no", 0 }, { "unbound", 1 }, { "host-bound", 2 },
	{ NULL, -1 } };
const struct kw_state kw_compression[] = { { "yes", 1 }, { "no", 0 },
	{ NULL, -1 } };
/* log.c: the first name is what -G prints (QUIET prints as SILENT in
 * 9.2's log_level_name table order). */
const struct kw_state kw_log_level[] = { { "SILENT", 0 }, { "QUIET", 0 },
	{ "FATAL", 1 }, { "ERROR", 2 }, { "INFO", 3 }, { "VERBOSE", 4 },
	{ "DEBUG", 5 }, { "DEBUG1", 5 }, { "DEBUG2", 6 }, { "DEBUG3", 7 },
	{ NULL, -1 } };
const struct kw_state kw_log_facility[] = { { "DAEMON", 0 }, { "USER", 1 },
	{ "AUTH", 2 }, { "AUTHPRIV", 3 }, { "LOCAL0", 4 }, { "LOCAL1", 5 },
	{ "LOCAL2", 6 }, { "LOCAL3", 7 }, { "LOCAL4", 8 }, { "LOCAL5", 9 },
	{ "LOCAL6", 10 }, { "LOCAL7", 11 }, { NULL, -1 } };
const struct kw_state kw_fingerprint[] = { { "MD5", 0 }, { "SHA1", 1 },
	{ "SHA256", 2 }, { "SHA384", 3 }, { "SHA512", 4 }, { NULL, -1 } };
/* misc.c ipqos[]: DSCP code points and the legacy TOS names. */
const struct kw_state kw_ipqos[] = { { "none", KW_IPQOS_NONE },
	{ "af11", 0x28 }, { "af12", 0x30 }, { "af13", 0x38 }, { "af21", 0x48 },
	{ "af22", 0x50 }, { "af23", 0x58 }, { "af31", 0x68 }, { "af32", 0x70 },
	{ "af33", 0x78 }, { "af41", 0x88 }, { "af42", 0x90 }, { "af43", 0x98 },
	{ "cs0", 0x00 }, { "cs1", 0x20 }, { "cs2", 0x40 }, { "cs3", 0x60 },
	{ "cs4", 0x80 }, { "cs5", 0xa0 }, { "cs6", 0xc0 }, { "cs7", 0xe0 },
	{ "ef", 0xb8 }, { "le", 0x04 }, { "lowdelay", 0x10 },
	{ "throughput", 0x08 }, { "reliability", 0x04 }, { NULL, -1 } };

#define O(n, id, t) \
	{ \
		n, KW_OPTION, id, t, NULL \
	}
#define M(n, id, tab) \
	{ \
		n, KW_OPTION, id, KWT_MULTI, tab \
	}
#define F(n, id) \
	{ \
		n, KW_OPTION, id, KWT_FLAG, kw_flag \
	}

static const struct keyword keywords[] = {
	{ "protocol", KW_IGNORE, -1, KWT_SPECIAL, NULL },
	{ "cipher", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "fallbacktorsh", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "globalknownhostsfile2", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "rhostsauthentication", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "userknownhostsfile2", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "useroaming", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "usersh", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "useprivilegedport", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "useblacklistedkeys", KW_DEPRECATED, -1, KWT_SPECIAL, NULL },
	{ "afstokenpassing", KW_UNSUPPORTED, -1, KWT_SPECIAL, NULL },
	{ "kerberosauthentication", KW_UNSUPPORTED, -1, KWT_SPECIAL, NULL },
	{ "kerberostgtpassing", KW_UNSUPPORTED, -1, KWT_SPECIAL, NULL },
	{ "rsaauthentication", KW_UNSUPPORTED, -1, KWT_SPECIAL, NULL },
	{ "rhostsrsaauthentication", KW_UNSUPPORTED, -1, KWT_SPECIAL, NULL },
	{ "compressionlevel", KW_UNSUPPORTED, -1, KWT_SPECIAL, NULL },
	F("gssapiauthentication", OPT_GSSAPI_AUTHENTICATION),
	F("gssapikeyexchange", OPT_GSSAPI_KEY_EXCHANGE),
	F("gssapidelegatecredentials", OPT_GSSAPI_DELEGATE_CREDENTIALS),
	F("gssapitrustdns", OPT_GSSAPI_TRUST_DNS),
	O("gssapiclientidentity", OPT_GSSAPI_CLIENT_IDENTITY, KWT_STRING),
	O("gssapiserveridentity", OPT_GSSAPI_SERVER_IDENTITY, KWT_STRING),
	F("gssapirenewalforcesrekey", OPT_GSSAPI_RENEWAL_FORCES_REKEY),
	O("gssapikexalgorithms", OPT_GSSAPI_KEX_ALGORITHMS, KWT_SPECIAL),
	O("pkcs11provider", OPT_PKCS11_PROVIDER, KWT_STRING),
	O("smartcarddevice", OPT_PKCS11_PROVIDER, KWT_STRING),
	O("forwardagent", OPT_FORWARD_AGENT, KWT_SPECIAL),
	F("forwardx11", OPT_FORWARD_X11),
	F("forwardx11trusted", OPT_FORWARD_X11_TRUSTED),
	O("forwardx11timeout", OPT_FORWARD_X11_TIMEOUT, KWT_TIME),
	F("exitonforwardfailure", OPT_EXIT_ON_FORWARD_FAILURE),
	O("xauthlocation", OPT_XAUTH_LOCATION, KWT_STRING),
	F("gatewayports", OPT_GATEWAY_PORTS),
	F("passwordauthentication", OPT_PASSWORD_AUTHENTICATION),
	F("kbdinteractiveauthentication", OPT_KBD_INTERACTIVE_AUTHENTICATION),
	O("kbdinteractivedevices", OPT_KBD_INTERACTIVE_DEVICES, KWT_STRING),
	F("challengeresponseauthentication",
	    OPT_KBD_INTERACTIVE_AUTHENTICATION),
	F("skeyauthentication", OPT_KBD_INTERACTIVE_AUTHENTICATION),
	F("tisauthentication", OPT_KBD_INTERACTIVE_AUTHENTICATION),
	M("pubkeyauthentication", OPT_PUBKEY_AUTHENTICATION, kw_pubkey_auth),
	M("dsaauthentication", OPT_PUBKEY_AUTHENTICATION, kw_pubkey_auth),
	F("hostbasedauthentication", OPT_HOSTBASED_AUTHENTICATION),
	O("identityfile", OPT_IDENTITY_FILE, KWT_SPECIAL),
	O("identityfile2", OPT_IDENTITY_FILE, KWT_SPECIAL),
	F("identitiesonly", OPT_IDENTITIES_ONLY),
	O("certificatefile", OPT_CERTIFICATE_FILE, KWT_SPECIAL),
	O("addkeystoagent", OPT_ADD_KEYS_TO_AGENT, KWT_SPECIAL),
	O("identityagent", OPT_IDENTITY_AGENT, KWT_SPECIAL),
	O("hostname", OPT_HOSTNAME, KWT_STRING),
	O("hostkeyalias", OPT_HOST_KEY_ALIAS, KWT_STRING),
	O("proxycommand", OPT_PROXY_COMMAND, KWT_COMMAND),
	O("port", OPT_PORT, KWT_SPECIAL),
	O("ciphers", OPT_CIPHERS, KWT_SPECIAL),
	O("macs", OPT_MACS, KWT_SPECIAL),
	O("remoteforward", OPT_REMOTE_FORWARD, KWT_SPECIAL),
	O("localforward", OPT_LOCAL_FORWARD, KWT_SPECIAL),
	O("permitremoteopen", OPT_PERMIT_REMOTE_OPEN, KWT_SPECIAL),
	O("user", OPT_USER, KWT_STRING),
	{ "host", KW_HOST, -1, KWT_SPECIAL, NULL },
	{ "match", KW_MATCH, -1, KWT_SPECIAL, NULL },
	O("escapechar", OPT_ESCAPE_CHAR, KWT_SPECIAL),
	O("globalknownhostsfile", OPT_GLOBAL_KNOWN_HOSTS_FILE, KWT_SPECIAL),
	O("userknownhostsfile", OPT_USER_KNOWN_HOSTS_FILE, KWT_SPECIAL),
	O("connectionattempts", OPT_CONNECTION_ATTEMPTS, KWT_INT),
	F("batchmode", OPT_BATCH_MODE),
	F("checkhostip", OPT_CHECK_HOST_IP),
	M("stricthostkeychecking", OPT_STRICT_HOST_KEY_CHECKING,
	    kw_strict_hostkey),
	M("compression", OPT_COMPRESSION, kw_compression),
	F("tcpkeepalive", OPT_TCP_KEEP_ALIVE),
	F("keepalive", OPT_TCP_KEEP_ALIVE),
	O("numberofpasswordprompts", OPT_NUMBER_OF_PASSWORD_PROMPTS, KWT_INT),
	O("syslogfacility", OPT_SYSLOG_FACILITY, KWT_SPECIAL),
	O("loglevel", OPT_LOG_LEVEL, KWT_SPECIAL),
	O("logverbose", OPT_LOG_VERBOSE, KWT_SPECIAL),
	O("dynamicforward", OPT_DYNAMIC_FORWARD, KWT_SPECIAL),
	O("preferredauthentications", OPT_PREFERRED_AUTHENTICATIONS,
	    KWT_STRING),
	O("hostkeyalgorithms", OPT_HOST_KEY_ALGORITHMS, KWT_SPECIAL),
	O("casignaturealgorithms", OPT_CA_SIGNATURE_ALGORITHMS, KWT_SPECIAL),
	O("bindaddress", OPT_BIND_ADDRESS, KWT_STRING),
	O("bindinterface", OPT_BIND_INTERFACE, KWT_STRING),
	F("clearallforwardings", OPT_CLEAR_ALL_FORWARDINGS),
	F("enablesshkeysign", OPT_ENABLE_SSH_KEYSIGN),
	M("verifyhostkeydns", OPT_VERIFY_HOST_KEY_DNS, kw_yesnoask),
	F("nohostauthenticationforlocalhost",
	    OPT_NO_HOST_AUTHENTICATION_FOR_LOCALHOST),
	O("rekeylimit", OPT_REKEY_LIMIT, KWT_SPECIAL),
	O("connecttimeout", OPT_CONNECT_TIMEOUT, KWT_TIME),
	M("addressfamily", OPT_ADDRESS_FAMILY, kw_address_family),
	O("serveraliveinterval", OPT_SERVER_ALIVE_INTERVAL, KWT_TIME),
	O("serveralivecountmax", OPT_SERVER_ALIVE_COUNT_MAX, KWT_INT),
	O("sendenv", OPT_SEND_ENV, KWT_SPECIAL),
	O("setenv", OPT_SET_ENV, KWT_SPECIAL),
	O("controlpath", OPT_CONTROL_PATH, KWT_STRING),
	M("controlmaster", OPT_CONTROL_MASTER, kw_control_master),
	O("controlpersist", OPT_CONTROL_PERSIST, KWT_SPECIAL),
	F("hashknownhosts", OPT_HASH_KNOWN_HOSTS),
	{ "include", KW_INCLUDE, -1, KWT_SPECIAL, NULL },
	M("tunnel", OPT_TUNNEL, kw_tunnel),
	O("tunneldevice", OPT_TUNNEL_DEVICE, KWT_SPECIAL),
	O("localcommand", OPT_LOCAL_COMMAND, KWT_COMMAND),
	F("permitlocalcommand", OPT_PERMIT_LOCAL_COMMAND),
	O("remotecommand", OPT_REMOTE_COMMAND, KWT_COMMAND),
	F("visualhostkey", OPT_VISUAL_HOST_KEY),
	O("kexalgorithms", OPT_KEX_ALGORITHMS, KWT_SPECIAL),
	O("ipqos", OPT_IPQOS, KWT_SPECIAL),
	M("requesttty", OPT_REQUEST_TTY, kw_request_tty),
	M("sessiontype", OPT_SESSION_TYPE, kw_session_type),
	F("stdinnull", OPT_STDIN_NULL),
	F("forkafterauthentication", OPT_FORK_AFTER_AUTHENTICATION),
	F("proxyusefdpass", OPT_PROXY_USE_FDPASS),
	O("canonicaldomains", OPT_CANONICAL_DOMAINS, KWT_SPECIAL),
	F("canonicalizefallbacklocal", OPT_CANONICALIZE_FALLBACK_LOCAL),
	M("canonicalizehostname", OPT_CANONICALIZE_HOSTNAME, kw_canonicalize),
	O("canonicalizemaxdots", OPT_CANONICALIZE_MAX_DOTS, KWT_INT),
	O("canonicalizepermittedcnames", OPT_CANONICALIZE_PERMITTED_CNAMES,
	    KWT_SPECIAL),
	O("streamlocalbindmask", OPT_STREAM_LOCAL_BIND_MASK, KWT_SPECIAL),
	F("streamlocalbindunlink", OPT_STREAM_LOCAL_BIND_UNLINK),
	O("revokedhostkeys", OPT_REVOKED_HOST_KEYS, KWT_STRING),
	O("fingerprinthash", OPT_FINGERPRINT_HASH, KWT_SPECIAL),
	M("updatehostkeys", OPT_UPDATE_HOST_KEYS, kw_yesnoask),
	O("hostbasedacceptedalgorithms", OPT_HOSTBASED_ACCEPTED_ALGORITHMS,
	    KWT_SPECIAL),
	O("hostbasedkeytypes", OPT_HOSTBASED_ACCEPTED_ALGORITHMS, KWT_SPECIAL),
	O("pubkeyacceptedalgorithms", OPT_PUBKEY_ACCEPTED_ALGORITHMS,
	    KWT_SPECIAL),
	O("pubkeyacceptedkeytypes", OPT_PUBKEY_ACCEPTED_ALGORITHMS,
	    KWT_SPECIAL),
	O("ignoreunknown", OPT_IGNORE_UNKNOWN, KWT_STRING),
	O("proxyjump", OPT_PROXY_JUMP, KWT_SPECIAL),
	O("securitykeyprovider", OPT_SECURITY_KEY_PROVIDER, KWT_STRING),
	O("knownhostscommand", OPT_KNOWN_HOSTS_COMMAND, KWT_COMMAND),
	O("requiredrsasize", OPT_REQUIRED_RSA_SIZE, KWT_INT),
	F("enableescapecommandline", OPT_ENABLE_ESCAPE_COMMANDLINE),
	/* Debian keepalive-extensions.patch */
	O("protocolkeepalives", OPT_SERVER_ALIVE_INTERVAL, KWT_TIME),
	O("setuptimeout", OPT_SERVER_ALIVE_INTERVAL, KWT_TIME),
};

#undef O
#undef M
#undef F

#define KEYWORDS_N (sizeof(keywords) / sizeof(keywords[0]))

_Static_assert(KEYWORDS_N * 4 < 1024, "keyword hash too small");

/*
 * Lookup index: an open-addressing hash of the rows' names, built once on
 * first use (pthread_once), holding row numbers + 1 (0 = empty slot).
 * Rows are inserted in table order and an existing name is never
 * replaced, so a duplicated spelling still finds its first row, as the
 * linear scan of ssh's table does.
 */
#define KW_HASH_SIZE 1024 /* power of two, > 4x the rows */

static unsigned short kw_hash[KW_HASH_SIZE];
static pthread_once_t kw_hash_once = PTHREAD_ONCE_INIT;

static unsigned int
keywords_hash(const char *s)
{
	unsigned int h = 2166136261u; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void
keywords_hash_build(void)
{
	size_t i;
	unsigned int h;

	for (i = 0; i < KEYWORDS_N; i++) {
		h = keywords_hash(keywords[i].name) & (KW_HASH_SIZE - 1);
		while (kw_hash[h] != 0 &&
		    strcmp(keywords[kw_hash[h] - 1].name, keywords[i].name) !=
		        0)
			h = (h + 1) & (KW_HASH_SIZE - 1);
		if (kw_hash[h] == 0)
			kw_hash[h] = (unsigned short)(i + 1);
	}
}

/*
 * Keywords are short: a byte loop the compiler inlines beats a call to
 * strcmp on every line of a config.
 */
static inline int
keywords_equal(const char *a, const char *b)
{
	while (*a == *b) {
		if (*a == '\0')
			return 1;
		a++;
		b++;
	}
	return 0;
}

static const struct keyword *
keywords_probe(const char *name, unsigned int h)
{
	const struct keyword *k;

	(void)pthread_once(&kw_hash_once, keywords_hash_build);
	h &= KW_HASH_SIZE - 1;
	while (kw_hash[h] != 0) {
		k = &keywords[kw_hash[h] - 1];
		if (keywords_equal(k->name, name))
			return k;
		h = (h + 1) & (KW_HASH_SIZE - 1);
	}
	return NULL;
}

const struct keyword *
keywords_lookup(const char *name)
{
	return keywords_probe(name, keywords_hash(name));
}

const struct keyword *
keywords_lookup_lower(char *name)
{
	unsigned int h = 2166136261u; /* keywords_hash of the result */
	char *s;

	for (s = name; *s != '\0'; s++) {
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
		h = (h ^ (unsigned char)*s) * 16777619u;
	}
	return keywords_probe(name, h);
}

const char *
keywords_name(int opt)
{
	size_t i;

	for (i = 0; i < KEYWORDS_N; i++)
		if (keywords[i].kind == KW_OPTION && keywords[i].opt == opt)
			return keywords[i].name;
	return "UNKNOWN";
}

int
keywords_state_value(const struct kw_state *t, const char *v)
{
	size_t i;

	if (v == NULL)
		return -1;
	for (i = 0; t[i].name != NULL; i++)
		if (strcasecmp(t[i].name, v) == 0)
			return t[i].value;
	return -1;
}

const char *
keywords_state_name(const struct kw_state *t, int v)
{
	size_t i;

	for (i = 0; t[i].name != NULL; i++)
		if (t[i].value == v)
			return t[i].name;
	return "UNKNOWN";
}

const struct keyword *
keywords_all(size_t *n)
{
	*n = KEYWORDS_N;
	return keywords;
}
