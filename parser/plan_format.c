/*
 * plan_format: render a plan as 80-column text or as JSON.
 *
 * Text is laid out in three columns (label, value, origin); long values wrap
 * at commas and spaces. JSON follows doc/plan-schema.md; every string goes
 * through one escaper that also repairs bytes that are not UTF-8, so the
 * output is always valid JSON whatever a config file contains.
 */
#include "autoconf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parser/plan_format.h"
#include "parser/strbuf.h"

#define PF_WIDTH 80
#define PF_VALUE_COL 24 /* two spaces, a 21-column label, one space */
#define PF_SRC_COL 56
#define PF_FILE_SHORT 20 /* longer file names are shown by basename */
#define PF_MAX_FILES 64

/*
 * Short names for config files in the origin column: a path longer than
 * PF_FILE_SHORT is shown by its basename when that is unambiguous, and
 * the text starts with a legend.
 */
struct pf_names {
	const char *full[PF_MAX_FILES];
	const char *shown[PF_MAX_FILES];
	size_t n;
};

/* The output and, for the text layout, the column of the next byte. */
struct pf_buf {
	struct strbuf sb;
	size_t col;
	const struct pf_names *names; /* text only; may be NULL */
};

/* Advance the column over what was just appended from offset from. */
static void
pf_track(struct pf_buf *b, size_t from)
{
	size_t i;

	if (b->sb.oom)
		return;
	for (i = from; i < b->sb.len; i++)
		b->col = b->sb.s[i] == '\n' ? 0 : b->col + 1;
}

static void
pf_addn(struct pf_buf *b, const char *s, size_t n)
{
	size_t from = b->sb.len;

	strbuf_addn(&b->sb, s, n);
	pf_track(b, from);
}

static void
pf_add(struct pf_buf *b, const char *s)
{
	pf_addn(b, s, strlen(s));
}

static void pf_addf(struct pf_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pf_addf(struct pf_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t from = b->sb.len;

	va_start(ap, fmt);
	strbuf_addvf(&b->sb, fmt, ap);
	va_end(ap);
	pf_track(b, from);
}

static void
pf_pad_to(struct pf_buf *b, size_t col)
{
	while (!b->sb.oom && b->col < col)
		pf_addn(b, " ", 1);
}

static char *
pf_finish(struct pf_buf *b)
{
	return strbuf_finish(&b->sb);
}

/* The ssh_config keyword of each option, for -v and JSON "options". */
static const char *const pf_keywords[OPT_COUNT] = {
	[OPT_HOST] = "Host",
	[OPT_ADD_KEYS_TO_AGENT] = "AddKeysToAgent",
	[OPT_ADDRESS_FAMILY] = "AddressFamily",
	[OPT_BATCH_MODE] = "BatchMode",
	[OPT_BIND_ADDRESS] = "BindAddress",
	[OPT_BIND_INTERFACE] = "BindInterface",
	[OPT_CANONICAL_DOMAINS] = "CanonicalDomains",
	[OPT_CANONICALIZE_FALLBACK_LOCAL] = "CanonicalizeFallbackLocal",
	[OPT_CANONICALIZE_HOSTNAME] = "CanonicalizeHostname",
	[OPT_CANONICALIZE_MAX_DOTS] = "CanonicalizeMaxDots",
	[OPT_CANONICALIZE_PERMITTED_CNAMES] = "CanonicalizePermittedCNAMEs",
	[OPT_CA_SIGNATURE_ALGORITHMS] = "CASignatureAlgorithms",
	[OPT_CERTIFICATE_FILE] = "CertificateFile",
	[OPT_CHECK_HOST_IP] = "CheckHostIP",
	[OPT_CIPHERS] = "Ciphers",
	[OPT_CLEAR_ALL_FORWARDINGS] = "ClearAllForwardings",
	[OPT_COMPRESSION] = "Compression",
	[OPT_CONNECTION_ATTEMPTS] = "ConnectionAttempts",
	[OPT_CONNECT_TIMEOUT] = "ConnectTimeout",
	[OPT_CONTROL_MASTER] = "ControlMaster",
	[OPT_CONTROL_PATH] = "ControlPath",
	[OPT_CONTROL_PERSIST] = "ControlPersist",
	[OPT_DYNAMIC_FORWARD] = "DynamicForward",
	[OPT_ENABLE_ESCAPE_COMMANDLINE] = "EnableEscapeCommandline",
	[OPT_ENABLE_SSH_KEYSIGN] = "EnableSSHKeysign",
	[OPT_ESCAPE_CHAR] = "EscapeChar",
	[OPT_EXIT_ON_FORWARD_FAILURE] = "ExitOnForwardFailure",
	[OPT_FINGERPRINT_HASH] = "FingerprintHash",
	[OPT_FORK_AFTER_AUTHENTICATION] = "ForkAfterAuthentication",
	[OPT_FORWARD_AGENT] = "ForwardAgent",
	[OPT_FORWARD_X11] = "ForwardX11",
	[OPT_FORWARD_X11_TIMEOUT] = "ForwardX11Timeout",
	[OPT_FORWARD_X11_TRUSTED] = "ForwardX11Trusted",
	[OPT_GATEWAY_PORTS] = "GatewayPorts",
	[OPT_GLOBAL_KNOWN_HOSTS_FILE] = "GlobalKnownHostsFile",
	[OPT_GSSAPI_AUTHENTICATION] = "GSSAPIAuthentication",
	[OPT_GSSAPI_CLIENT_IDENTITY] = "GSSAPIClientIdentity",
	[OPT_GSSAPI_DELEGATE_CREDENTIALS] = "GSSAPIDelegateCredentials",
	[OPT_GSSAPI_KEX_ALGORITHMS] = "GSSAPIKexAlgorithms",
	[OPT_GSSAPI_KEY_EXCHANGE] = "GSSAPIKeyExchange",
	[OPT_GSSAPI_RENEWAL_FORCES_REKEY] = "GSSAPIRenewalForcesRekey",
	[OPT_GSSAPI_SERVER_IDENTITY] = "GSSAPIServerIdentity",
	[OPT_GSSAPI_TRUST_DNS] = "GSSAPITrustDNS",
	[OPT_HASH_KNOWN_HOSTS] = "HashKnownHosts",
	[OPT_HOSTBASED_ACCEPTED_ALGORITHMS] = "HostbasedAcceptedAlgorithms",
	[OPT_HOSTBASED_AUTHENTICATION] = "HostbasedAuthentication",
	[OPT_HOST_KEY_ALGORITHMS] = "HostKeyAlgorithms",
	[OPT_HOST_KEY_ALIAS] = "HostKeyAlias",
	[OPT_HOSTNAME] = "HostName",
	[OPT_IDENTITIES_ONLY] = "IdentitiesOnly",
	[OPT_IDENTITY_AGENT] = "IdentityAgent",
	[OPT_IDENTITY_FILE] = "IdentityFile",
	[OPT_IGNORE_UNKNOWN] = "IgnoreUnknown",
	[OPT_IPQOS] = "IPQoS",
	[OPT_KBD_INTERACTIVE_AUTHENTICATION] = "KbdInteractiveAuthentication",
	[OPT_KBD_INTERACTIVE_DEVICES] = "KbdInteractiveDevices",
	[OPT_KEX_ALGORITHMS] = "KexAlgorithms",
	[OPT_KNOWN_HOSTS_COMMAND] = "KnownHostsCommand",
	[OPT_LOCAL_COMMAND] = "LocalCommand",
	[OPT_LOCAL_FORWARD] = "LocalForward",
	[OPT_LOG_LEVEL] = "LogLevel",
	[OPT_LOG_VERBOSE] = "LogVerbose",
	[OPT_MACS] = "MACs",
	[OPT_NO_HOST_AUTHENTICATION_FOR_LOCALHOST] =
	    "NoHostAuthenticationForLocalhost",
	[OPT_NUMBER_OF_PASSWORD_PROMPTS] = "NumberOfPasswordPrompts",
	[OPT_PASSWORD_AUTHENTICATION] = "PasswordAuthentication",
	[OPT_PERMIT_LOCAL_COMMAND] = "PermitLocalCommand",
	[OPT_PERMIT_REMOTE_OPEN] = "PermitRemoteOpen",
	[OPT_PKCS11_PROVIDER] = "PKCS11Provider",
	[OPT_PORT] = "Port",
	[OPT_PREFERRED_AUTHENTICATIONS] = "PreferredAuthentications",
	[OPT_PROXY_COMMAND] = "ProxyCommand",
	[OPT_PROXY_JUMP] = "ProxyJump",
	[OPT_PROXY_USE_FDPASS] = "ProxyUseFdpass",
	[OPT_PUBKEY_ACCEPTED_ALGORITHMS] = "PubkeyAcceptedAlgorithms",
	[OPT_PUBKEY_AUTHENTICATION] = "PubkeyAuthentication",
	[OPT_REKEY_LIMIT] = "RekeyLimit",
	[OPT_REMOTE_COMMAND] = "RemoteCommand",
	[OPT_REMOTE_FORWARD] = "RemoteForward",
	[OPT_REQUEST_TTY] = "RequestTTY",
	[OPT_REQUIRED_RSA_SIZE] = "RequiredRSASize",
	[OPT_REVOKED_HOST_KEYS] = "RevokedHostKeys",
	[OPT_SECURITY_KEY_PROVIDER] = "SecurityKeyProvider",
	[OPT_SEND_ENV] = "SendEnv",
	[OPT_SERVER_ALIVE_COUNT_MAX] = "ServerAliveCountMax",
	[OPT_SERVER_ALIVE_INTERVAL] = "ServerAliveInterval",
	[OPT_SESSION_TYPE] = "SessionType",
	[OPT_SET_ENV] = "SetEnv",
	[OPT_STDIN_NULL] = "StdinNull",
	[OPT_STREAM_LOCAL_BIND_MASK] = "StreamLocalBindMask",
	[OPT_STREAM_LOCAL_BIND_UNLINK] = "StreamLocalBindUnlink",
	[OPT_STRICT_HOST_KEY_CHECKING] = "StrictHostKeyChecking",
	[OPT_SYSLOG_FACILITY] = "SyslogFacility",
	[OPT_TCP_KEEP_ALIVE] = "TCPKeepAlive",
	[OPT_TUNNEL] = "Tunnel",
	[OPT_TUNNEL_DEVICE] = "TunnelDevice",
	[OPT_UPDATE_HOST_KEYS] = "UpdateHostKeys",
	[OPT_USER] = "User",
	[OPT_USER_KNOWN_HOSTS_FILE] = "UserKnownHostsFile",
	[OPT_VERIFY_HOST_KEY_DNS] = "VerifyHostKeyDNS",
	[OPT_VISUAL_HOST_KEY] = "VisualHostKey",
	[OPT_XAUTH_LOCATION] = "XAuthLocation",
};

/* The option id of a -G dump keyword (lower-case), or -1. */
static int
pf_keyword_id(const char *kw, size_t len)
{
	size_t i;

	for (i = 0; i < OPT_COUNT; i++)
		if (pf_keywords[i] != NULL && strlen(pf_keywords[i]) == len &&
		    strncasecmp(pf_keywords[i], kw, len) == 0)
			return (int)i;
	return -1;
}

static const char *
pf_strict_name(int v)
{
	switch (v) {
	case STRICT_HOSTKEY_OFF:
		return "no";
	case STRICT_HOSTKEY_NEW:
		return "accept-new";
	case STRICT_HOSTKEY_YES:
		return "yes";
	case STRICT_HOSTKEY_ASK:
		return "ask";
	}
	return "ask";
}

static const char *
pf_yesno(int v)
{
	return v == 1 ? "yes" : "no";
}

static const struct plan_hop *
pf_dest(const struct plan *p)
{
	return &p->hops[p->num_hops - 1];
}

/* ---- text ------------------------------------------------------------ */

static const char *
pf_file_name(const struct pf_names *nm, const char *file)
{
	size_t i;

	if (file == NULL)
		return "?";
	for (i = 0; nm != NULL && i < nm->n; i++)
		if (strcmp(nm->full[i], file) == 0)
			return nm->shown[i];
	return file;
}

static void
pf_names_add(struct pf_names *nm, const char *file)
{
	size_t i;

	if (file == NULL || nm->n == PF_MAX_FILES)
		return;
	for (i = 0; i < nm->n; i++)
		if (strcmp(nm->full[i], file) == 0)
			return;
	nm->full[nm->n] = file;
	nm->shown[nm->n] = file;
	nm->n++;
}

static void
pf_names_origin(struct pf_names *nm, const struct origin *o)
{
	if (o->kind == ORIGIN_FILE || o->kind == ORIGIN_DERIVED)
		pf_names_add(nm, o->file);
}

/* Collect every file an origin of p names; pick the short names. */
static void
pf_names_build(struct pf_names *nm, const struct plan *p)
{
	const struct options *o;
	const char *base;
	size_t h, i, j;

	memset(nm, 0, sizeof(*nm));
	for (h = 0; h < p->num_hops; h++) {
		o = &p->hops[h].opts;
		pf_names_origin(nm, &p->hops[h].named_at);
		for (i = 0; i < OPT_COUNT; i++)
			pf_names_origin(nm, &o->origin[i]);
		for (i = 0; i < o->num_identity_files; i++)
			pf_names_origin(nm, &o->identity_files[i].origin);
	}
	for (i = 0; i < p->num_fwds; i++)
		pf_names_origin(nm, &p->fwds[i].fwd->origin);
	for (i = 0; i < nm->n; i++) {
		if (strlen(nm->full[i]) <= PF_FILE_SHORT ||
		    (base = strrchr(nm->full[i], '/')) == NULL ||
		    base[1] == '\0')
			continue;
		base++;
		for (j = 0; j < nm->n; j++) {
			const char *ob = strrchr(nm->full[j], '/');

			if (j != i &&
			    strcmp(ob ? ob + 1 : nm->full[j], base) == 0)
				break;
		}
		if (j == nm->n)
			nm->shown[i] = base;
	}
}

/* An origin in the text's third column: "cfg:12", "-p (command line)". */
static void
pf_origin_short(
    const struct pf_names *nm, const struct origin *o, char *buf, size_t len)
{
	switch (o->kind) {
	case ORIGIN_FILE:
		snprintf(buf, len, "%s:%d", pf_file_name(nm, o->file), o->line);
		break;
	case ORIGIN_COMMAND_LINE:
		if (o->flag != NULL)
			snprintf(buf, len, "%s (command line)", o->flag);
		else
			snprintf(buf, len, "command line");
		break;
	case ORIGIN_DEFAULT:
		snprintf(buf, len, "default");
		break;
	case ORIGIN_DERIVED:
		if (o->file != NULL && o->flag != NULL && o->flag[0] == '-' &&
		    strchr("lpJW", o->flag[1]) != NULL)
			snprintf(buf, len, "ProxyJump %s:%d",
			    pf_file_name(nm, o->file), o->line);
		else if (o->file != NULL)
			snprintf(buf, len, "from %s:%d",
			    pf_file_name(nm, o->file), o->line);
		else if (o->flag != NULL && strcmp(o->flag, "alias") == 0)
			snprintf(buf, len, "the alias");
		else
			snprintf(buf, len, "derived");
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

/*
 * How much of s fits in width: break after a comma or at a space. A word
 * longer than width is kept whole. *skip is what to drop after the chunk.
 */
static size_t
pf_chunk(const char *s, size_t width, size_t *skip)
{
	size_t n = strlen(s), i, brk = 0;

	*skip = 0;
	if (n <= width)
		return n;
	for (i = 0; i < n; i++) {
		if (i >= width && brk > 0)
			break;
		if (s[i] == ',')
			brk = i + 1;
		else if (s[i] == ' ')
			brk = i;
	}
	if (brk == 0)
		return n;
	if (s[brk] == ' ')
		*skip = 1;
	return brk;
}

/* One "label  value  origin" row; the value wraps under itself. */
static void
pf_row(struct pf_buf *b, const char *label, const char *value,
    const struct origin *o)
{
	char src[600];
	size_t take, skip, width;

	src[0] = '\0';
	if (o != NULL)
		pf_origin_short(b->names, o, src, sizeof(src));
	if (value == NULL)
		value = "";
	pf_add(b, "  ");
	pf_add(b, label);
	if (b->col < PF_VALUE_COL)
		pf_pad_to(b, PF_VALUE_COL);
	else
		pf_add(b, " ");
	width = src[0] != '\0' && b->col < PF_SRC_COL - 2
	    ? PF_SRC_COL - 2 - b->col
	    : PF_WIDTH - b->col;
	take = pf_chunk(value, width, &skip);
	pf_addn(b, value, take);
	value += take + skip;
	if (src[0] != '\0') {
		/* at the origin column; else right-aligned; else alone */
		if (b->col + 2 <= PF_SRC_COL &&
		    PF_SRC_COL + strlen(src) <= PF_WIDTH)
			pf_pad_to(b, PF_SRC_COL);
		else if (b->col + 2 + strlen(src) <= PF_WIDTH)
			pf_pad_to(b, PF_WIDTH - strlen(src));
		else {
			pf_add(b, "\n");
			pf_pad_to(b,
			    strlen(src) + PF_VALUE_COL <= PF_WIDTH
			        ? PF_WIDTH - strlen(src)
			        : PF_VALUE_COL);
		}
		pf_add(b, src);
	}
	pf_add(b, "\n");
	while (*value != '\0') {
		pf_pad_to(b, PF_VALUE_COL);
		take = pf_chunk(value, PF_WIDTH - PF_VALUE_COL, &skip);
		pf_addn(b, value, take);
		value += take + skip;
		pf_add(b, "\n");
	}
}

static void
pf_row_int(struct pf_buf *b, const char *label, int v, const char *suffix,
    const struct origin *o)
{
	char num[64];

	snprintf(num, sizeof(num), "%d%s", v, suffix ? suffix : "");
	pf_row(b, label, num, o);
}

static void
pf_row_list(struct pf_buf *b, const char *label, const struct strlist *l,
    const struct origin *o)
{
	size_t i;

	if (l->n == 0) {
		pf_row(b, label, "none", o);
		return;
	}
	for (i = 0; i < l->n; i++)
		pf_row(b, i == 0 ? label : "", l->v[i], i == 0 ? o : NULL);
}

/* "user@host:port", bracketing an IPv6 host. */
static void
pf_address(const struct plan_hop *h, char *buf, size_t len)
{
	const struct options *o = &h->opts;
	const char *host = o->hostname ? o->hostname : h->alias;
	int v6 = strchr(host, ':') != NULL;

	snprintf(buf, len, "%s%s%s%s%s:%d", o->user ? o->user : "",
	    o->user ? "@" : "", v6 ? "[" : "", host, v6 ? "]" : "",
	    o->port > 0 ? o->port : 22);
}

static void
pf_text_agent(struct pf_buf *b, const struct options *o)
{
	const struct origin *ao = &o->origin[OPT_IDENTITY_AGENT];
	const char *a = o->identity_agent;

	if (a == NULL)
		pf_row(b, "IdentityAgent", "$SSH_AUTH_SOCK (if set)",
		    ao->kind != ORIGIN_UNSET ? ao : NULL);
	else if (strcasecmp(a, "none") == 0)
		pf_row(b, "IdentityAgent", "none: no agent", ao);
	else if (strcmp(a, "SSH_AUTH_SOCK") == 0)
		pf_row(b, "IdentityAgent", "$SSH_AUTH_SOCK (if set)", ao);
	else
		pf_row(b, "IdentityAgent", a, ao);
	pf_row(b, "IdentitiesOnly",
	    o->identities_only == 1 ? "yes: only the files above"
	                            : "no: agent keys too",
	    &o->origin[OPT_IDENTITIES_ONLY]);
}

/* Every -G line of the hop with the origin of its option. */
static void
pf_text_all_options(struct pf_buf *b, const struct options *o)
{
	char *dump, *line, *nl, *sp;
	size_t idn = 0, cfn = 0;
	const struct origin *org;
	int id;

	if ((dump = config_dump(o)) == NULL) {
		b->sb.oom = 1;
		return;
	}
	pf_add(
	    b, "  All options (as ssh -G prints them), with their origin:\n");
	for (line = dump; *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		else
			nl = line + strlen(line);
		if ((sp = strchr(line, ' ')) == NULL)
			sp = line + strlen(line);
		id = pf_keyword_id(line, (size_t)(sp - line));
		org = id >= 0 ? &o->origin[id] : NULL;
		if (id == OPT_IDENTITY_FILE && idn < o->num_identity_files)
			org = &o->identity_files[idn++].origin;
		else if (id == OPT_CERTIFICATE_FILE &&
		    cfn < o->num_certificate_files)
			org = &o->certificate_files[cfn++].origin;
		if (*sp != '\0')
			*sp++ = '\0';
		pf_add(b, "  ");
		pf_row(b, line, sp, org);
	}
	free(dump);
}

/* Only ssh's default key files, all in one directory? */
static int
pf_default_identities(const struct options *o)
{
	const char *slash = NULL;
	size_t k, dl = 0;

	if (o->num_identity_files < 2)
		return 0;
	for (k = 0; k < o->num_identity_files; k++) {
		const struct ident *id = &o->identity_files[k];
		const char *s = strrchr(id->path, '/');

		if (id->origin.kind != ORIGIN_DEFAULT || s == NULL)
			return 0;
		if (k == 0) {
			slash = s;
			dl = (size_t)(s - id->path);
		} else if ((size_t)(s - id->path) != dl ||
		    strncmp(id->path, o->identity_files[0].path, dl) != 0)
			return 0;
	}
	return slash != NULL;
}

/* ssh's default keys on one wrapped row: "~/.ssh/id_rsa, id_ecdsa, ...". */
static void
pf_text_default_identities(struct pf_buf *b, const struct options *o)
{
	struct pf_buf v = { STRBUF_INIT, 0, NULL };
	size_t k;

	pf_add(&v, o->identity_files[0].path);
	for (k = 1; k < o->num_identity_files; k++) {
		pf_add(&v, ", ");
		pf_add(&v, strrchr(o->identity_files[k].path, '/') + 1);
	}
	pf_add(&v, " (those that exist)");
	if (v.sb.oom) {
		b->sb.oom = 1;
		strbuf_free(&v.sb);
		return;
	}
	pf_row(b, "IdentityFile", v.sb.s, &o->identity_files[0].origin);
	strbuf_free(&v.sb);
}

/* No HostName line: ssh connects to the alias itself. */
static const struct origin pf_alias_origin = { ORIGIN_DERIVED, NULL, 0,
	"alias" };

static void
pf_text_hop(struct pf_buf *b, const struct plan *p, size_t i, int flags)
{
	const struct plan_hop *h = &p->hops[i];
	const struct options *o = &h->opts;
	char addr[1200], src[600];
	size_t k;

	pf_address(h, addr, sizeof(addr));
	pf_addf(b, "\nHop %zu of %zu: %s%s\n", i + 1, p->num_hops, h->alias,
	    i + 1 == p->num_hops ? " (destination)" : " (jump host)");
	switch (h->transport) {
	case PLAN_TRANSPORT_TCP:
		pf_row(b, "connect", "tcp from this machine", NULL);
		break;
	case PLAN_TRANSPORT_PROXY_COMMAND:
		pf_row(b, "connect", "through ProxyCommand", NULL);
		pf_row(b, "ProxyCommand", o->proxy_command,
		    &o->origin[OPT_PROXY_COMMAND]);
		break;
	case PLAN_TRANSPORT_JUMP:
		snprintf(src, sizeof(src), "via hop %zu (%s), ssh -W", i,
		    p->hops[i - 1].alias);
		pf_row(b, "connect", src, NULL);
		break;
	}
	pf_row(b, "address", addr, NULL);
	if (h->named_at.kind != ORIGIN_UNSET)
		pf_row(b, "named by", "ProxyJump", &h->named_at);
	pf_row(b, "User", o->user, &o->origin[OPT_USER]);
	if (o->origin[OPT_HOSTNAME].kind == ORIGIN_UNSET)
		pf_row(b, "HostName", o->hostname, &pf_alias_origin);
	else
		pf_row(b, "HostName", o->hostname, &o->origin[OPT_HOSTNAME]);
	pf_row_int(
	    b, "Port", o->port > 0 ? o->port : 22, NULL, &o->origin[OPT_PORT]);
	if (pf_default_identities(o))
		pf_text_default_identities(b, o);
	else
		for (k = 0; k < o->num_identity_files; k++)
			pf_row(b, k == 0 ? "IdentityFile" : "",
			    o->identity_files[k].path,
			    &o->identity_files[k].origin);
	if (o->num_identity_files == 0)
		pf_row(b, "IdentityFile", "none", NULL);
	pf_text_agent(b, o);
	pf_row_list(b, "UserKnownHostsFile", &o->user_hostfiles,
	    &o->origin[OPT_USER_KNOWN_HOSTS_FILE]);
	pf_row_list(b, "GlobalKnownHostsFile", &o->system_hostfiles,
	    &o->origin[OPT_GLOBAL_KNOWN_HOSTS_FILE]);
	if (o->host_key_alias != NULL)
		pf_row(b, "HostKeyAlias", o->host_key_alias,
		    &o->origin[OPT_HOST_KEY_ALIAS]);
	pf_row(b, "StrictHostKeyChecking",
	    pf_strict_name(o->strict_host_key_checking),
	    &o->origin[OPT_STRICT_HOST_KEY_CHECKING]);
	if (o->ciphers != NULL &&
	    o->origin[OPT_CIPHERS].kind != ORIGIN_DEFAULT &&
	    o->origin[OPT_CIPHERS].kind != ORIGIN_UNSET)
		pf_row(b, "Ciphers", o->ciphers, &o->origin[OPT_CIPHERS]);
	if (o->kex_algorithms != NULL &&
	    o->origin[OPT_KEX_ALGORITHMS].kind != ORIGIN_DEFAULT &&
	    o->origin[OPT_KEX_ALGORITHMS].kind != ORIGIN_UNSET)
		pf_row(b, "KexAlgorithms", o->kex_algorithms,
		    &o->origin[OPT_KEX_ALGORITHMS]);
	pf_row_int(b, "ServerAliveInterval", o->server_alive_interval,
	    o->server_alive_interval > 0 ? "s" : " (off)",
	    &o->origin[OPT_SERVER_ALIVE_INTERVAL]);
	pf_row_int(b, "ServerAliveCountMax", o->server_alive_count_max, NULL,
	    &o->origin[OPT_SERVER_ALIVE_COUNT_MAX]);
	pf_row(b, "TCPKeepAlive", pf_yesno(o->tcp_keep_alive),
	    &o->origin[OPT_TCP_KEEP_ALIVE]);
	if (flags & PLAN_FORMAT_VERBOSE)
		pf_text_all_options(b, o);
}

static void
pf_text_fwd(struct pf_buf *b, const struct plan *p, size_t i)
{
	const struct plan_fwd *pf = &p->fwds[i];
	const struct fwd *f = pf->fwd;
	const char *dest = pf_dest(p)->alias, *ch;
	char la[1200], label[64], where[1400], tgt[1300];

	plan_fwd_listen_text(pf, la, sizeof(la));
	snprintf(label, sizeof(label), "#%zu %s", i + 1, plan_fwd_keyword(pf));
	pf_row(b, label, la, &f->origin);
	switch (pf->bind) {
	case PLAN_BIND_LOOPBACK:
		snprintf(
		    where, sizeof(where), "loopback only, on this machine");
		break;
	case PLAN_BIND_ANY:
		snprintf(where, sizeof(where),
		    "all interfaces%s, on this machine",
		    f->listen_host == NULL ? " (GatewayPorts yes)" : "");
		break;
	case PLAN_BIND_ADDRESS:
		snprintf(where, sizeof(where), "that address, on this machine");
		break;
	case PLAN_BIND_PATH:
		snprintf(where, sizeof(where), "Unix socket, on %s",
		    pf->remote ? dest : "this machine");
		break;
	case PLAN_BIND_REMOTE:
		if (pf->bind_address[0] == '\0')
			snprintf(where, sizeof(where),
			    "on %s, all interfaces if "
			    "its sshd's GatewayPorts allows",
			    dest);
		else if (strcmp(pf->bind_address, "localhost") == 0)
			snprintf(
			    where, sizeof(where), "on %s, its loopback", dest);
		else
			snprintf(
			    where, sizeof(where), "on %s, that address", dest);
		break;
	}
	pf_row(b, "", where, NULL);
	ch = f->connect_host != NULL ? f->connect_host : "";
	switch (f->kind) {
	case FWD_DYNAMIC:
		snprintf(tgt, sizeof(tgt),
		    "SOCKS proxy, connections opened by "
		    "%s",
		    dest);
		break;
	case FWD_REMOTE_DYNAMIC:
		snprintf(tgt, sizeof(tgt),
		    "SOCKS proxy, connections opened "
		    "from this machine");
		break;
	default:
		if (f->connect_path != NULL)
			snprintf(tgt, sizeof(tgt), "-> %s, opened %s%s",
			    f->connect_path,
			    pf->remote ? "on this machine" : "by ",
			    pf->remote ? "" : dest);
		else
			snprintf(tgt, sizeof(tgt), "-> %s%s%s:%d, opened %s%s",
			    strchr(ch, ':') ? "[" : "", ch,
			    strchr(ch, ':') ? "]" : "", f->connect_port,
			    pf->remote ? "from this machine" : "by ",
			    pf->remote ? "" : dest);
		break;
	}
	pf_row(b, "", tgt, NULL);
	if (pf->duplicate_of)
		pf_addf(b, "%*s! duplicate of #%zu: ssh ignores it\n",
		    PF_VALUE_COL, "", pf->duplicate_of);
	else if (pf->conflicts_with)
		pf_addf(b, "%*s! same listener as #%zu: this bind will fail\n",
		    PF_VALUE_COL, "", pf->conflicts_with);
}

static void
pf_text_forwards(struct pf_buf *b, const struct plan *p)
{
	const struct options *o = &pf_dest(p)->opts;
	size_t i;

	pf_addf(b, "\nForwards of the session on %s: %zu\n", pf_dest(p)->alias,
	    p->num_fwds);
	pf_row(b, "ClearAllForwardings", pf_yesno(o->clear_forwardings),
	    &o->origin[OPT_CLEAR_ALL_FORWARDINGS]);
	if (p->num_cleared > 0)
		pf_addf(b, "%*s%zu forward%s discarded\n", PF_VALUE_COL, "",
		    p->num_cleared, p->num_cleared == 1 ? "" : "s");
	pf_row(b, "ExitOnForwardFailure",
	    o->exit_on_forward_failure == 1 ? "yes: a failed forward is fatal"
	                                    : "no: failures are warnings",
	    &o->origin[OPT_EXIT_ON_FORWARD_FAILURE]);
	pf_row(b, "GatewayPorts", pf_yesno(o->gateway_ports),
	    &o->origin[OPT_GATEWAY_PORTS]);
	for (i = 0; i < p->num_fwds; i++)
		pf_text_fwd(b, p, i);
}

char *
plan_format_text(const struct plan *p, int flags)
{
	struct pf_buf b = { STRBUF_INIT, 0, NULL };
	struct pf_names nm;
	size_t i, k;

	if (p->num_hops == 0)
		return strdup("");
	pf_names_build(&nm, p);
	b.names = &nm;
	pf_addf(&b,
	    "Plan for %s: %zu hop%s, %zu forward%s "
	    "(nothing connected, no DNS)\n",
	    pf_dest(p)->alias, p->num_hops, p->num_hops == 1 ? "" : "s",
	    p->num_fwds, p->num_fwds == 1 ? "" : "s");
	pf_add(&b, "Chain: ");
	if (p->hops[0].transport == PLAN_TRANSPORT_PROXY_COMMAND)
		pf_add(&b, "(ProxyCommand) -> ");
	for (i = 0; i < p->num_hops; i++)
		pf_addf(&b, "%s%s", p->hops[i].alias,
		    i + 1 < p->num_hops ? " -> " : "\n");
	for (i = 0, k = 0; i < nm.n; i++) {
		if (nm.shown[i] == nm.full[i])
			continue;
		pf_addf(&b, "%s%s = ", k++ == 0 ? "Files: " : "       ",
		    nm.shown[i]);
		if (b.col + strlen(nm.full[i]) > PF_WIDTH)
			pf_add(&b, "\n         ");
		pf_addf(&b, "%s\n", nm.full[i]);
	}
	for (i = 0; i < p->num_hops; i++)
		pf_text_hop(&b, p, i, flags);
	pf_text_forwards(&b, p);
	return pf_finish(&b);
}

/* ---- JSON ------------------------------------------------------------ */

/* Strings in the plan JSON: short escapes, U+FFFD for bytes that are not
 * UTF-8 (doc/plan-schema.md). */
static void
pf_json_str(struct pf_buf *b, const char *s)
{
	strbuf_add_json(&b->sb, s, 0);
}

char *
plan_format_json_string(const char *s)
{
	struct pf_buf b = { STRBUF_INIT, 0, NULL };

	pf_json_str(&b, s);
	return pf_finish(&b);
}

static void
pf_json_origin(struct pf_buf *b, const struct origin *o)
{
	switch (o->kind) {
	case ORIGIN_FILE:
		pf_add(b, "{\"kind\":\"file\",\"file\":");
		pf_json_str(b, o->file);
		pf_addf(b, ",\"line\":%d}", o->line);
		break;
	case ORIGIN_COMMAND_LINE:
		pf_add(b, "{\"kind\":\"command-line\",\"flag\":");
		pf_json_str(b, o->flag);
		pf_add(b, "}");
		break;
	case ORIGIN_DEFAULT:
		pf_add(b, "{\"kind\":\"default\"}");
		break;
	case ORIGIN_DERIVED:
		pf_add(b, "{\"kind\":\"derived\",\"file\":");
		pf_json_str(b, o->file);
		if (o->file != NULL)
			pf_addf(b, ",\"line\":%d", o->line);
		else
			pf_add(b, ",\"line\":null");
		pf_add(b, ",\"flag\":");
		pf_json_str(b, o->flag);
		pf_add(b, "}");
		break;
	default:
		pf_add(b, "{\"kind\":\"unset\"}");
		break;
	}
}

/* "name":{"value":<string>,"origin":{...}} */
static void
pf_json_sval(
    struct pf_buf *b, const char *name, const char *v, const struct origin *o)
{
	pf_addf(b, ",\"%s\":{\"value\":", name);
	pf_json_str(b, v);
	pf_add(b, ",\"origin\":");
	pf_json_origin(b, o);
	pf_add(b, "}");
}

static void
pf_json_ival(struct pf_buf *b, const char *name, int v, const struct origin *o)
{
	pf_addf(b, ",\"%s\":{\"value\":%d,\"origin\":", name, v);
	pf_json_origin(b, o);
	pf_add(b, "}");
}

static void
pf_json_bval(struct pf_buf *b, const char *name, int v, const struct origin *o)
{
	pf_addf(b, ",\"%s\":{\"value\":%s,\"origin\":", name,
	    v == 1 ? "true" : "false");
	pf_json_origin(b, o);
	pf_add(b, "}");
}

static void
pf_json_list(struct pf_buf *b, const char *name, const struct strlist *l,
    const struct origin *o)
{
	size_t i;

	pf_addf(b, ",\"%s\":{\"value\":[", name);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			pf_add(b, ",");
		pf_json_str(b, l->v[i]);
	}
	pf_add(b, "],\"origin\":");
	pf_json_origin(b, o);
	pf_add(b, "}");
}

/* ProxyJump as ssh -G prints it (reference §8.2). */
static void
pf_proxyjump_text(struct pf_buf *b, const struct options *o)
{
	const char *h = o->jump_host;
	int br =
	    strchr(h, ':') != NULL || strspn(h, "0123456789.") == strlen(h);

	if (o->jump_extra != NULL)
		pf_addf(b, "%s,", o->jump_extra);
	if (o->jump_user != NULL)
		pf_addf(b, "%s@", o->jump_user);
	pf_addf(b, "%s%s%s", br ? "[" : "", h, br ? "]" : "");
	if (o->jump_port > 0)
		pf_addf(b, ":%d", o->jump_port);
}

static void
pf_json_argv(struct pf_buf *b, const struct plan_hop *h, const char *dest)
{
	char flag[3] = { '-', 0, 0 };
	size_t i;

	pf_add(b, ",\"argv\":[");
	for (i = 0; i < h->num_events; i++) {
		flag[1] = (char)h->events[i].flag;
		pf_json_str(b, flag);
		pf_add(b, ",");
		if (h->events[i].value != NULL) {
			pf_json_str(b, h->events[i].value);
			pf_add(b, ",");
		}
	}
	pf_json_str(b, dest);
	pf_add(b, "]");
}

static void
pf_json_options(struct pf_buf *b, const struct options *o)
{
	char *dump, *line, *nl, *sp;
	size_t idn = 0, cfn = 0, n = 0;
	const struct origin *org;
	struct origin none = { ORIGIN_UNSET, NULL, 0, NULL };
	int id;

	if ((dump = config_dump(o)) == NULL) {
		b->sb.oom = 1;
		return;
	}
	pf_add(b, ",\"options\":[");
	for (line = dump; *line != '\0'; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		else
			nl = line + strlen(line);
		if ((sp = strchr(line, ' ')) == NULL)
			sp = line + strlen(line);
		id = pf_keyword_id(line, (size_t)(sp - line));
		org = id >= 0 ? &o->origin[id] : &none;
		if (id == OPT_IDENTITY_FILE && idn < o->num_identity_files)
			org = &o->identity_files[idn++].origin;
		else if (id == OPT_CERTIFICATE_FILE &&
		    cfn < o->num_certificate_files)
			org = &o->certificate_files[cfn++].origin;
		if (*sp != '\0')
			*sp++ = '\0';
		pf_add(b, n++ > 0 ? ",{\"keyword\":" : "{\"keyword\":");
		pf_json_str(b, line);
		pf_add(b, ",\"value\":");
		pf_json_str(b, sp);
		pf_add(b, ",\"origin\":");
		pf_json_origin(b, org);
		pf_add(b, "}");
	}
	pf_add(b, "]");
	free(dump);
}

static void
pf_json_hop(
    struct pf_buf *b, const struct plan *p, size_t i, const char *destination)
{
	const struct plan_hop *h = &p->hops[i];
	const struct options *o = &h->opts;
	int last = i + 1 == p->num_hops;
	const struct origin *oc = &o->origin[OPT_CIPHERS];
	const struct origin *ok = &o->origin[OPT_KEX_ALGORITHMS];
	size_t k;

	pf_addf(b, "%s{\"index\":%zu,\"alias\":", i > 0 ? "," : "", i);
	pf_json_str(b, h->alias);
	pf_addf(b, ",\"role\":\"%s\"", last ? "destination" : "jump");
	pf_addf(b, ",\"transport\":{\"kind\":\"%s\"",
	    plan_transport_name(h->transport));
	if (h->transport == PLAN_TRANSPORT_PROXY_COMMAND) {
		pf_add(b, ",\"command\":");
		pf_json_str(b, o->proxy_command);
		pf_add(b, ",\"origin\":");
		pf_json_origin(b, &o->origin[OPT_PROXY_COMMAND]);
	} else if (h->transport == PLAN_TRANSPORT_JUMP)
		pf_addf(b, ",\"via\":%zu", i - 1);
	pf_add(b, "},\"named_by\":");
	if (h->named_at.kind != ORIGIN_UNSET)
		pf_json_origin(b, &h->named_at);
	else
		pf_add(b, "null");
	pf_json_argv(
	    b, h, last && destination != NULL ? destination : h->alias);
	pf_json_sval(b, "user", o->user, &o->origin[OPT_USER]);
	pf_json_sval(b, "hostname", o->hostname, &o->origin[OPT_HOSTNAME]);
	pf_json_ival(
	    b, "port", o->port > 0 ? o->port : 22, &o->origin[OPT_PORT]);
	pf_add(b, ",\"proxy_jump\":");
	if (o->jump_host != NULL) {
		struct pf_buf t = { STRBUF_INIT, 0, NULL };

		pf_proxyjump_text(&t, o);
		if (t.sb.oom)
			b->sb.oom = 1;
		pf_add(b, "{\"value\":");
		pf_json_str(b, t.sb.s != NULL ? t.sb.s : "");
		strbuf_free(&t.sb);
		pf_add(b, ",\"origin\":");
		pf_json_origin(b, &o->origin[OPT_PROXY_JUMP]);
		pf_add(b, "}");
	} else
		pf_add(b, "null");
	pf_add(b, ",\"identity_files\":[");
	for (k = 0; k < o->num_identity_files; k++) {
		pf_add(b, k > 0 ? ",{\"path\":" : "{\"path\":");
		pf_json_str(b, o->identity_files[k].path);
		pf_add(b, ",\"origin\":");
		pf_json_origin(b, &o->identity_files[k].origin);
		pf_add(b, "}");
	}
	pf_add(b, "]");
	pf_json_sval(b, "identity_agent", o->identity_agent,
	    &o->origin[OPT_IDENTITY_AGENT]);
	pf_json_bval(b, "identities_only", o->identities_only,
	    &o->origin[OPT_IDENTITIES_ONLY]);
	pf_json_list(b, "user_known_hosts_files", &o->user_hostfiles,
	    &o->origin[OPT_USER_KNOWN_HOSTS_FILE]);
	pf_json_list(b, "global_known_hosts_files", &o->system_hostfiles,
	    &o->origin[OPT_GLOBAL_KNOWN_HOSTS_FILE]);
	pf_json_sval(b, "host_key_alias", o->host_key_alias,
	    &o->origin[OPT_HOST_KEY_ALIAS]);
	pf_json_sval(b, "strict_host_key_checking",
	    pf_strict_name(o->strict_host_key_checking),
	    &o->origin[OPT_STRICT_HOST_KEY_CHECKING]);
	pf_json_sval(b, "ciphers",
	    oc->kind == ORIGIN_DEFAULT || oc->kind == ORIGIN_UNSET ? NULL
	                                                           : o->ciphers,
	    oc);
	pf_json_sval(b, "kex_algorithms",
	    ok->kind == ORIGIN_DEFAULT || ok->kind == ORIGIN_UNSET
	        ? NULL
	        : o->kex_algorithms,
	    ok);
	pf_json_ival(b, "server_alive_interval", o->server_alive_interval,
	    &o->origin[OPT_SERVER_ALIVE_INTERVAL]);
	pf_json_ival(b, "server_alive_count_max", o->server_alive_count_max,
	    &o->origin[OPT_SERVER_ALIVE_COUNT_MAX]);
	pf_json_bval(b, "tcp_keep_alive", o->tcp_keep_alive,
	    &o->origin[OPT_TCP_KEEP_ALIVE]);
	pf_json_options(b, o);
	pf_add(b, "}");
}

static const char *
pf_fwd_kind_name(enum fwd_kind k)
{
	switch (k) {
	case FWD_LOCAL:
		return "local";
	case FWD_REMOTE:
		return "remote";
	case FWD_DYNAMIC:
		return "dynamic";
	case FWD_REMOTE_DYNAMIC:
		return "remote-dynamic";
	}
	return "local";
}

static const char *
pf_bind_name(enum plan_bind bind)
{
	switch (bind) {
	case PLAN_BIND_LOOPBACK:
		return "loopback";
	case PLAN_BIND_ANY:
		return "any";
	case PLAN_BIND_ADDRESS:
		return "address";
	case PLAN_BIND_PATH:
		return "path";
	case PLAN_BIND_REMOTE:
		return "remote";
	}
	return "loopback";
}

static void
pf_json_fwd(struct pf_buf *b, const struct plan *p, size_t i)
{
	const struct plan_fwd *pf = &p->fwds[i];
	const struct fwd *f = pf->fwd;

	pf_addf(b, "%s{\"index\":%zu,\"keyword\":\"%s\",\"kind\":\"%s\"",
	    i > 0 ? "," : "", i + 1, plan_fwd_keyword(pf),
	    pf_fwd_kind_name(f->kind));
	pf_addf(b, ",\"listen\":{\"side\":\"%s\",\"bind\":\"%s\",\"address\":",
	    pf->remote ? "remote" : "local", pf_bind_name(pf->bind));
	pf_json_str(b, pf->bind_address);
	if (pf->bind == PLAN_BIND_PATH)
		pf_add(b, ",\"port\":null,\"path\":");
	else
		pf_addf(b, ",\"port\":%d,\"path\":", f->listen_port);
	pf_json_str(b, f->listen_path);
	pf_add(b, ",\"as_written\":");
	pf_json_str(b, f->listen_host);
	pf_add(b, "},\"target\":");
	if (f->kind == FWD_DYNAMIC || f->kind == FWD_REMOTE_DYNAMIC)
		pf_add(b,
		    "{\"socks\":true,\"host\":null,\"port\":null,"
		    "\"path\":null}");
	else if (f->connect_path != NULL) {
		pf_add(b,
		    "{\"socks\":false,\"host\":null,\"port\":null,"
		    "\"path\":");
		pf_json_str(b, f->connect_path);
		pf_add(b, "}");
	} else {
		pf_add(b, "{\"socks\":false,\"host\":");
		pf_json_str(b, f->connect_host);
		pf_addf(b, ",\"port\":%d,\"path\":null}", f->connect_port);
	}
	pf_addf(b, ",\"opened_by\":\"%s\"", pf->remote ? "client" : "server");
	pf_add(b, ",\"origin\":");
	pf_json_origin(b, &f->origin);
	if (pf->duplicate_of)
		pf_addf(b, ",\"duplicate_of\":%zu", pf->duplicate_of);
	else
		pf_add(b, ",\"duplicate_of\":null");
	if (pf->conflicts_with)
		pf_addf(b, ",\"conflicts_with\":%zu}", pf->conflicts_with);
	else
		pf_add(b, ",\"conflicts_with\":null}");
}

static void
pf_json_diag(struct pf_buf *b, const struct diag *d, int first)
{
	pf_add(b, first ? "{\"severity\":" : ",{\"severity\":");
	pf_json_str(b, diag_severity_name(d->severity));
	pf_add(b, ",\"file\":");
	pf_json_str(b, d->file);
	pf_addf(b, ",\"line\":%d,\"column\":%d,\"rule\":", d->line, d->column);
	pf_json_str(b, d->rule);
	pf_add(b, ",\"message\":");
	pf_json_str(b, d->message);
	pf_add(b, ",\"hint\":");
	pf_json_str(b, d->hint);
	pf_add(b, "}");
}

char *
plan_format_json(const struct plan *p, const char *destination,
    const struct diag_list *dl, int flags)
{
	struct pf_buf b = { STRBUF_INIT, 0, NULL };
	const struct options *o;
	size_t i;

	pf_addf(&b,
	    "{\"version\":%d,\"valid\":%s,\"destination\":", PLAN_JSON_VERSION,
	    p->num_hops > 0 && (dl == NULL || diag_count_errors(dl) == 0)
	        ? "true"
	        : "false");
	pf_json_str(&b, destination);
	pf_add(&b, ",\"hops\":[");
	for (i = 0; i < p->num_hops; i++)
		pf_json_hop(&b, p, i, destination);
	pf_add(&b, "],\"forward_settings\":");
	if (p->num_hops > 0) {
		o = &pf_dest(p)->opts;
		/* the helpers below each start with a comma */
		pf_addf(&b, "{\"cleared\":%zu", p->num_cleared);
		pf_json_bval(&b, "clear_all_forwardings", o->clear_forwardings,
		    &o->origin[OPT_CLEAR_ALL_FORWARDINGS]);
		pf_json_bval(&b, "exit_on_forward_failure",
		    o->exit_on_forward_failure,
		    &o->origin[OPT_EXIT_ON_FORWARD_FAILURE]);
		pf_json_bval(&b, "gateway_ports", o->gateway_ports,
		    &o->origin[OPT_GATEWAY_PORTS]);
		pf_add(&b, "}");
	} else
		pf_add(&b, "null");
	pf_add(&b, ",\"forwards\":[");
	for (i = 0; i < p->num_fwds; i++)
		pf_json_fwd(&b, p, i);
	pf_add(&b, "],\"diagnostics\":[");
	for (i = 0; dl != NULL && i < dl->n; i++)
		pf_json_diag(&b, &dl->v[i], i == 0);
	pf_add(&b, "]}\n");
	(void)flags;
	return pf_finish(&b);
}

char *
plan_format_diags(const struct diag_list *dl)
{
	struct pf_buf b = { STRBUF_INIT, 0, NULL };
	const struct diag *d;
	size_t i;

	pf_add(&b, "");
	for (i = 0; i < dl->n; i++) {
		d = &dl->v[i];
		if (d->line > 0)
			pf_addf(&b, "%s:%d:", d->file, d->line);
		else
			pf_addf(&b, "%s:", d->file[0] ? d->file : "sshfwd");
		if (d->column > 0)
			pf_addf(&b, "%d:", d->column);
		pf_addf(&b, " %s: %s [%s]\n", diag_severity_name(d->severity),
		    d->message, d->rule);
		if (d->hint != NULL)
			pf_addf(&b, "  hint: %s\n", d->hint);
	}
	return pf_finish(&b);
}
