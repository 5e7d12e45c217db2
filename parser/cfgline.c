/*
 * cfgline: process ssh_config lines exactly as OpenSSH 9.2p1 Debian does.
 *
 * Every handler validates its value whether or not the block applies
 * (ssh does), and assigns only when the block applies and the option is
 * still unset. Messages keep ssh's wording and its two location styles;
 * the "%.200s" file-name truncation of most handlers is reproduced.
 */
#include "autoconf.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "parser/algos.h"
#include "parser/cfgline.h"
#include "parser/expand.h"
#include "parser/forward.h"
#include "parser/jump.h"
#include "parser/keywords.h"
#include "parser/lexer.h"
#include "parser/match.h"
#include "parser/strbuf.h"

#define CFG_WS " \t\r\n"

void
cfgline_diag(struct cfg *c, const char *file, int line, int trunc,
    enum diag_style style, int severity, const char *rule, const char *fmt, ...)
{
	char fbuf[256], *msg;
	va_list ap;
	struct diag *d;
	int r;

	if (file == NULL)
		file = "";
	snprintf(fbuf, sizeof(fbuf), trunc ? "%.200s" : "%.255s", file);
	va_start(ap, fmt);
	if (line != 0 || style == DIAG_STYLE_BARE) {
		r = diag_addv(c->dl, fbuf, line, 0,
		    (enum diag_severity)severity, rule, fmt, ap);
		va_end(ap);
		if (r != 0)
			c->oom = 1;
		else if ((d = diag_last(c->dl)) != NULL)
			d->style = style;
		return;
	}
	msg = diag_vfmt(fmt, ap);
	va_end(ap);
	/* the command line: diag_format_ssh only prints a location for
	 * line > 0, so keep ssh's "command-line line 0:" text in the
	 * message itself */
	if (msg == NULL ||
	    diag_add(c->dl, fbuf, 0, 0, (enum diag_severity)severity, rule,
	        style == DIAG_STYLE_COLON ? "%s: line 0: %s" : "%s line 0: %s",
	        fbuf, msg) != 0)
		c->oom = 1;
	else if ((d = diag_last(c->dl)) != NULL)
		d->style = DIAG_STYLE_BARE;
	free(msg);
}

void
cfgline_debug(struct cfg *c, int lvl, int trunc, const char *file, int line,
    const char *fmt, ...)
{
	char fbuf[256], *msg;
	struct strbuf vis = STRBUF_INIT;
	const unsigned char *p;
	va_list ap;
	struct diag *d;

	snprintf(fbuf, sizeof(fbuf), trunc ? "%.200s" : "%.255s",
	    file != NULL ? file : "");
	va_start(ap, fmt);
	msg = diag_vfmt(fmt, ap);
	va_end(ap);
	if (msg == NULL) {
		c->oom = 1;
		return;
	}
	/*
	 * ssh's log.c passes every line through strnvis(VIS_SAFE|VIS_OCTAL):
	 * a backslash doubles, bytes that are neither printable ASCII nor
	 * space, tab, newline, BS, BEL or CR become \ooo.
	 */
	for (p = (const unsigned char *)msg; *p != '\0'; p++) {
		if (*p == '\\')
			strbuf_addn(&vis, "\\\\", 2);
		else if ((*p > ' ' && *p < 0x7f) || *p == ' ' || *p == '\t' ||
		    *p == '\n' || *p == '\b' || *p == '\a' || *p == '\r')
			strbuf_addn(&vis, (const char *)p, 1);
		else
			strbuf_addf(&vis, "\\%03o", *p);
	}
	free(msg);
	if ((msg = strbuf_finish(&vis)) == NULL ||
	    diag_add(c->dl, fbuf, file != NULL ? line : 0, 0,
	        (enum diag_severity)(DIAG_DEBUG1 + (lvl - KW_LOG_DEBUG1)),
	        "debug", "%s", msg) != 0)
		c->oom = 1;
	else if ((d = diag_last(c->dl)) != NULL)
		d->style = file != NULL ? DIAG_STYLE_LINE : DIAG_STYLE_BARE;
	free(msg);
}

void
cfgline_seen(void *arg, const char *name, const char *value)
{
	CFG_DEBUG((struct cfg *)arg, KW_LOG_DEBUG3, 0, NULL, 0,
	    "vdollar_percent_expand: expand ${%s} -> '%s'", name, value);
}

void
cfgline_fatal(struct cfg *c, const char *rule, const char *fmt, ...)
{
	va_list ap;
	struct diag *d;
	int r;

	c->fatal = 1;
	va_start(ap, fmt);
	r = diag_addv(c->dl, c->file != NULL ? c->file : "", c->line, 0,
	    DIAG_ERROR, rule, fmt, ap);
	va_end(ap);
	if (r != 0)
		c->oom = 1;
	else if ((d = diag_last(c->dl)) != NULL) {
		d->style = DIAG_STYLE_BARE;
		d->fatal = 1;
	}
}

#define E_LINE(trunc, rule, ...) \
	cfgline_diag(c, filename, linenum, trunc, DIAG_STYLE_LINE, DIAG_ERROR, \
	    rule, __VA_ARGS__)
#define E_BARE(rule, ...) \
	cfgline_diag(c, filename, linenum, 0, DIAG_STYLE_BARE, DIAG_ERROR, \
	    rule, __VA_ARGS__)

void
cfgline_origin(struct cfg *c, int opt)
{
	struct origin * or = &c->o->origin[opt];

	memset(or, 0, sizeof(* or));
	if (c->flag != NULL) {
		or->kind = ORIGIN_COMMAND_LINE;
		or->flag = c->flag;
		or->file = NULL;
		or->line = 0;
	} else {
		or->kind = ORIGIN_FILE;
		or->file = c->file;
		or->line = c->line;
	}
}

static void
cfgline_set_origin_of(struct cfg *c, struct origin * or)
{
	memset(or, 0, sizeof(* or));
	if (c->flag != NULL) {
		or->kind = ORIGIN_COMMAND_LINE;
		or->flag = c->flag;
	} else {
		or->kind = ORIGIN_FILE;
		or->file = c->file;
		or->line = c->line;
	}
}

int
cfgline_convtime(const char *s)
{
	long total = 0, secs, mult;
	const char *p = s;
	char *endp;

	if (p == NULL || *p == '\0')
		return -1;
	while (*p) {
		errno = 0;
		secs = strtol(p, &endp, 10); /* errno checked below */
		if (p == endp ||
		    (errno == ERANGE &&
		        (secs == LONG_MIN || secs == LONG_MAX)) ||
		    secs < 0)
			return -1;
		mult = 1;
		switch (*endp++) {
		case '\0':
			endp--;
			break;
		case 's':
		case 'S':
			break;
		case 'm':
		case 'M':
			mult = 60;
			break;
		case 'h':
		case 'H':
			mult = 3600;
			break;
		case 'd':
		case 'D':
			mult = 86400;
			break;
		case 'w':
		case 'W':
			mult = 604800;
			break;
		default:
			return -1;
		}
		if (secs > INT_MAX / mult)
			return -1;
		secs *= mult;
		if (total > INT_MAX - secs)
			return -1;
		total += secs;
		if (total < 0)
			return -1;
		p = endp;
	}
	return (int)total;
}

/* strtonum(s, 0, INT_MAX): NULL error or "invalid"/"too small"/"too
 * large"; "missing" for NULL/empty (atoi_err). */
static const char *
cfgline_atoi_err(const char *s, int *val)
{
	long long v;
	char *end;

	if (s == NULL || *s == '\0')
		return "missing";
	errno = 0;
	v = strtoll(s, &end, 10); /* errno checked below */
	if (end == s || *end != '\0')
		return "invalid";
	if ((v == LLONG_MIN && errno == ERANGE) || v < 0)
		return "too small";
	if ((v == LLONG_MAX && errno == ERANGE) || v > INT_MAX)
		return "too large";
	*val = (int)v;
	return NULL;
}

/* openbsd-compat scan_scaled: -1 with errno on failure. */
static int
cfgline_scan_scaled(const char *scaled, long long *result)
{
	static const char scale_chars[] = "BKMGTPE";
	static const long long scale_factors[] = { 1LL, 1024LL, 1024LL * 1024,
		1024LL * 1024 * 1024, 1024LL * 1024 * 1024 * 1024,
		1024LL * 1024 * 1024 * 1024 * 1024,
		1024LL * 1024 * 1024 * 1024 * 1024 * 1024 };
	const char *p = scaled;
	int sign = 0;
	unsigned int i, ndigits = 0, fract_digits = 0;
	long long scale_fact, whole = 0, fpart = 0;

	while (isascii((unsigned char)*p) && isspace((unsigned char)*p))
		++p;
	while (*p == '-' || *p == '+') {
		if (sign) {
			errno = EINVAL;
			return -1;
		}
		sign = *p == '-' ? -1 : +1;
		++p;
	}
	for (; isascii((unsigned char)*p) &&
	     (isdigit((unsigned char)*p) || *p == '.');
	     ++p) {
		if (*p == '.') {
			if (fract_digits > 0) {
				errno = EINVAL;
				return -1;
			}
			fract_digits = 1;
			continue;
		}
		i = (unsigned int)(*p - '0');
		if (fract_digits > 0) {
			if (fract_digits >= 21 - 1)
				continue;
			fract_digits++;
			if (fpart > LLONG_MAX / 10) {
				errno = ERANGE;
				return -1;
			}
			fpart *= 10;
			if (i > LLONG_MAX - fpart) {
				errno = ERANGE;
				return -1;
			}
			fpart += i;
		} else {
			if (++ndigits >= 21) {
				errno = ERANGE;
				return -1;
			}
			if (whole > LLONG_MAX / 10) {
				errno = ERANGE;
				return -1;
			}
			whole *= 10;
			if (i > LLONG_MAX - whole) {
				errno = ERANGE;
				return -1;
			}
			whole += i;
		}
	}
	if (sign)
		whole *= sign;
	if (!*p) {
		*result = whole;
		return 0;
	}
	for (i = 0; i < sizeof(scale_chars) - 1; i++) {
		if (*p == scale_chars[i] ||
		    *p == tolower((unsigned char)scale_chars[i])) {
			if (isalnum((unsigned char)*(p + 1))) {
				errno = EINVAL;
				return -1;
			}
			scale_fact = scale_factors[i];
			if (whole > LLONG_MAX / scale_fact ||
			    whole < LLONG_MIN / scale_fact) {
				errno = ERANGE;
				return -1;
			}
			whole *= scale_fact;
			while (fpart >= LLONG_MAX / scale_fact ||
			    fpart <= LLONG_MIN / scale_fact) {
				fpart /= 10;
				fract_digits--;
			}
			fpart *= scale_fact;
			if (fract_digits > 0) {
				for (i = 0; i < fract_digits - 1; i++)
					fpart /= 10;
			}
			if (sign == -1)
				whole -= fpart;
			else
				whole += fpart;
			*result = whole;
			return 0;
		}
	}
	errno = EINVAL;
	return -1;
}

/* misc.c parse_ipqos */
static int
cfgline_parse_ipqos(const char *cp)
{
	char *ep;
	long val;
	int v;

	if (cp == NULL)
		return -1;
	if ((v = keywords_state_value(kw_ipqos, cp)) != -1)
		return v;
	errno = 0;
	val = strtol(cp, &ep, 0); /* errno irrelevant: range checked */
	if (*cp == '\0' || *ep != '\0' || val < 0 || val > 255)
		return -1;
	return (int)val;
}

/* misc.c a2tun; *remote filled when remote != NULL. */
static int
cfgline_a2tun_one(const char *s)
{
	long long v;
	char *end;

	if (strcasecmp(s, "any") == 0)
		return KW_TUNID_ANY;
	errno = 0;
	v = strtoll(s, &end, 10); /* errno checked below */
	if (end == s || *end != '\0' || errno != 0 || v < 0 ||
	    v > KW_TUNID_MAX - 1)
		return -1;
	return (int)v;
}

int
cfgline_a2tun(const char *s, int *remote)
{
	const char *colon = strchr(s, ':');
	char *sp;
	int tun;

	*remote = KW_TUNID_ANY;
	if (colon == NULL)
		return cfgline_a2tun_one(s);
	if ((sp = strndup(s, (size_t)(colon - s))) == NULL)
		return -1;
	*remote = cfgline_a2tun_one(colon + 1);
	tun = cfgline_a2tun_one(sp);
	free(sp);
	return *remote == -1 ? -1 : tun;
}

int
cfgline_strlist_add(struct strlist *l, const char *s)
{
	char **nv;

	if ((nv = realloc(l->v, (l->n + 1) * sizeof(*nv))) == NULL)
		return -2;
	l->v = nv;
	if ((nv[l->n] = strdup(s)) == NULL)
		return -2;
	l->n++;
	return 0;
}

int
cfgline_add_ident(struct cfg *c, struct ident **v, size_t *n, const char *path,
    int userprovided)
{
	struct ident *nv;
	size_t i;

	if (*n >= OPT_MAX_IDENTITY_FILES)
		return -1;
	for (i = 0; i < *n; i++)
		if ((*v)[i].userprovided == userprovided &&
		    strcmp((*v)[i].path, path) == 0) {
			CFG_DEBUG(c, KW_LOG_DEBUG2, 0, NULL, 0,
			    "%s: ignoring duplicate key %s",
			    v == &c->o->certificate_files
			        ? "add_certificate_file"
			        : "add_identity_file",
			    path);
			return 0;
		}
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return -2;
	*v = nv;
	memset(&nv[*n], 0, sizeof(nv[*n]));
	if ((nv[*n].path = strdup(path)) == NULL)
		return -2;
	nv[*n].userprovided = userprovided;
	cfgline_set_origin_of(c, &nv[*n].origin);
	(*n)++;
	return 0;
}

int
cfgline_add_forward(struct cfg *c, struct fwd **v, size_t *n, struct fwd *f)
{
	struct fwd *nv;
	size_t i;

	for (i = 0; i < *n; i++)
		if (forward_equals(f, &(*v)[i])) {
			forward_free(f);
			return 0;
		}
	if (*n >= OPT_MAX_FORWARDS) {
		forward_free(f);
		return 0;
	}
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL) {
		forward_free(f);
		return -2;
	}
	*v = nv;
	nv[*n] = *f;
	cfgline_set_origin_of(c, &nv[*n].origin);
	(*n)++;
	return 0;
}

static char *
cfgline_argv_next(int *ac, char ***av)
{
	char *ret = (*av)[0];

	if (*ac > 0 && ret != NULL) {
		(*ac)--;
		(*av)++;
	}
	return ret;
}

/* Pointers to the int option a generic handler sets. */
static int *
cfgline_intp(struct options *o, int opt)
{
	switch (opt) {
	case OPT_ADDRESS_FAMILY:
		return &o->address_family;
	case OPT_BATCH_MODE:
		return &o->batch_mode;
	case OPT_CANONICALIZE_FALLBACK_LOCAL:
		return &o->canonicalize_fallback_local;
	case OPT_CANONICALIZE_HOSTNAME:
		return &o->canonicalize_hostname;
	case OPT_CANONICALIZE_MAX_DOTS:
		return &o->canonicalize_max_dots;
	case OPT_CHECK_HOST_IP:
		return &o->check_host_ip;
	case OPT_CLEAR_ALL_FORWARDINGS:
		return &o->clear_forwardings;
	case OPT_COMPRESSION:
		return &o->compression;
	case OPT_CONNECTION_ATTEMPTS:
		return &o->connection_attempts;
	case OPT_CONNECT_TIMEOUT:
		return &o->connection_timeout;
	case OPT_CONTROL_MASTER:
		return &o->control_master;
	case OPT_ENABLE_ESCAPE_COMMANDLINE:
		return &o->enable_escape_commandline;
	case OPT_ENABLE_SSH_KEYSIGN:
		return &o->enable_ssh_keysign;
	case OPT_EXIT_ON_FORWARD_FAILURE:
		return &o->exit_on_forward_failure;
	case OPT_FORK_AFTER_AUTHENTICATION:
		return &o->fork_after_authentication;
	case OPT_FORWARD_X11:
		return &o->forward_x11;
	case OPT_FORWARD_X11_TIMEOUT:
		return &o->forward_x11_timeout;
	case OPT_FORWARD_X11_TRUSTED:
		return &o->forward_x11_trusted;
	case OPT_GATEWAY_PORTS:
		return &o->gateway_ports;
	case OPT_GSSAPI_AUTHENTICATION:
		return &o->gss_authentication;
	case OPT_GSSAPI_DELEGATE_CREDENTIALS:
		return &o->gss_deleg_creds;
	case OPT_GSSAPI_KEY_EXCHANGE:
		return &o->gss_keyex;
	case OPT_GSSAPI_RENEWAL_FORCES_REKEY:
		return &o->gss_renewal_rekey;
	case OPT_GSSAPI_TRUST_DNS:
		return &o->gss_trust_dns;
	case OPT_HASH_KNOWN_HOSTS:
		return &o->hash_known_hosts;
	case OPT_HOSTBASED_AUTHENTICATION:
		return &o->hostbased_authentication;
	case OPT_IDENTITIES_ONLY:
		return &o->identities_only;
	case OPT_KBD_INTERACTIVE_AUTHENTICATION:
		return &o->kbd_interactive_authentication;
	case OPT_NO_HOST_AUTHENTICATION_FOR_LOCALHOST:
		return &o->no_host_authentication_for_localhost;
	case OPT_NUMBER_OF_PASSWORD_PROMPTS:
		return &o->number_of_password_prompts;
	case OPT_PASSWORD_AUTHENTICATION:
		return &o->password_authentication;
	case OPT_PERMIT_LOCAL_COMMAND:
		return &o->permit_local_command;
	case OPT_PROXY_USE_FDPASS:
		return &o->proxy_use_fdpass;
	case OPT_PUBKEY_AUTHENTICATION:
		return &o->pubkey_authentication;
	case OPT_REQUEST_TTY:
		return &o->request_tty;
	case OPT_REQUIRED_RSA_SIZE:
		return &o->required_rsa_size;
	case OPT_SERVER_ALIVE_COUNT_MAX:
		return &o->server_alive_count_max;
	case OPT_SERVER_ALIVE_INTERVAL:
		return &o->server_alive_interval;
	case OPT_SESSION_TYPE:
		return &o->session_type;
	case OPT_STDIN_NULL:
		return &o->stdin_null;
	case OPT_STREAM_LOCAL_BIND_UNLINK:
		return &o->stream_local_bind_unlink;
	case OPT_STRICT_HOST_KEY_CHECKING:
		return &o->strict_host_key_checking;
	case OPT_TCP_KEEP_ALIVE:
		return &o->tcp_keep_alive;
	case OPT_TUNNEL:
		return &o->tun_open;
	case OPT_UPDATE_HOST_KEYS:
		return &o->update_hostkeys;
	case OPT_VERIFY_HOST_KEY_DNS:
		return &o->verify_host_key_dns;
	case OPT_VISUAL_HOST_KEY:
		return &o->visual_host_key;
	default:
		return NULL;
	}
}

static char **
cfgline_strp(struct options *o, int opt)
{
	switch (opt) {
	case OPT_BIND_ADDRESS:
		return &o->bind_address;
	case OPT_BIND_INTERFACE:
		return &o->bind_interface;
	case OPT_CONTROL_PATH:
		return &o->control_path;
	case OPT_GSSAPI_CLIENT_IDENTITY:
		return &o->gss_client_identity;
	case OPT_GSSAPI_SERVER_IDENTITY:
		return &o->gss_server_identity;
	case OPT_HOST_KEY_ALIAS:
		return &o->host_key_alias;
	case OPT_HOSTNAME:
		return &o->hostname;
	case OPT_IGNORE_UNKNOWN:
		return &o->ignored_unknown;
	case OPT_KBD_INTERACTIVE_DEVICES:
		return &o->kbd_interactive_devices;
	case OPT_KNOWN_HOSTS_COMMAND:
		return &o->known_hosts_command;
	case OPT_LOCAL_COMMAND:
		return &o->local_command;
	case OPT_PKCS11_PROVIDER:
		return &o->pkcs11_provider;
	case OPT_PREFERRED_AUTHENTICATIONS:
		return &o->preferred_authentications;
	case OPT_PROXY_COMMAND:
		return &o->proxy_command;
	case OPT_REMOTE_COMMAND:
		return &o->remote_command;
	case OPT_REVOKED_HOST_KEYS:
		return &o->revoked_host_keys;
	case OPT_SECURITY_KEY_PROVIDER:
		return &o->sk_provider;
	case OPT_USER:
		return &o->user;
	case OPT_XAUTH_LOCATION:
		return &o->xauth_location;
	case OPT_CIPHERS:
		return &o->ciphers;
	case OPT_MACS:
		return &o->macs;
	case OPT_KEX_ALGORITHMS:
		return &o->kex_algorithms;
	case OPT_HOST_KEY_ALGORITHMS:
		return &o->host_key_algorithms;
	case OPT_HOSTBASED_ACCEPTED_ALGORITHMS:
		return &o->hostbased_accepted_algos;
	case OPT_PUBKEY_ACCEPTED_ALGORITHMS:
		return &o->pubkey_accepted_algos;
	case OPT_CA_SIGNATURE_ALGORITHMS:
		return &o->ca_sign_algorithms;
	case OPT_GSSAPI_KEX_ALGORITHMS:
		return &o->gss_kex_algorithms;
	case OPT_IDENTITY_AGENT:
		return &o->identity_agent;
	default:
		return NULL;
	}
}

static int
cfgline_setstr(struct cfg *c, char **dst, const char *v, int opt)
{
	if ((*dst = strdup(v)) == NULL) {
		c->oom = 1;
		return -1;
	}
	cfgline_origin(c, opt);
	return 0;
}

#define CFG_EXEC_STDERR_MAX (64 * 1024)

/* Keep what the command wrote on stderr, in order with the diagnostics
 * (ssh lets it through to its own stderr). */
static void
cfgline_exec_stderr(struct cfg *c, const char *buf, size_t n)
{
	struct diag *d;

	if (n == 0)
		return;
	if (diag_add(c->dl, "", 0, 0, DIAG_INFO, "exec-stderr", "%.*s", (int)n,
	        buf) != 0) {
		c->oom = 1;
		return;
	}
	d = diag_last(c->dl);
	d->style = DIAG_STYLE_BARE;
	d->plain = 2;
}

/* ssh.c execute_in_shell: exit status, -1 on abnormal exit, -2 fatal. */
static int
cfgline_exec(struct cfg *c, const char *cmd)
{
	const char *shell = c->env->shell != NULL ? c->env->shell : "/bin/sh";
	char *buf = NULL;
	size_t n = 0;
	ssize_t got;
	pid_t pid;
	int status, fd, p[2];

	if (access(shell, X_OK) == -1) {
		cfgline_fatal(c, "match-exec-shell",
		    "Shell \"%s\" is not executable: %s", shell,
		    strerror(errno));
		return -2;
	}
	CFG_DEBUG(
	    c, KW_LOG_DEBUG1, 0, NULL, 0, "Executing command: '%.500s'", cmd);
	if (pipe(p) == -1) {
		cfgline_fatal(
		    c, "match-exec-pipe", "pipe: %s", strerror(errno));
		return -2;
	}
	if ((buf = malloc(CFG_EXEC_STDERR_MAX)) == NULL) {
		close(p[0]);
		close(p[1]);
		c->oom = 1;
		return -2;
	}
	fflush(NULL);
	if ((pid = fork()) == 0) {
		char *argv[4];

		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, 0);
			dup2(fd, 1);
			if (fd > 2)
				close(fd);
		}
		dup2(p[1], 2);
		for (fd = 3; fd < 1024; fd++)
			close(fd);
		argv[0] = (char *)shell;
		argv[1] = (char *)"-c";
		argv[2] = (char *)cmd;
		argv[3] = NULL;
		execv(argv[0], argv);
		/* ssh: the child kills itself so the parent sees a signal */
		kill(getpid(), SIGTERM);
		_exit(1);
	}
	close(p[1]);
	if (pid == -1) {
		close(p[0]);
		free(buf);
		cfgline_fatal(
		    c, "match-exec-fork", "fork: %s", strerror(errno));
		return -2;
	}
	for (;;) {
		char drain[4096];

		if (n < CFG_EXEC_STDERR_MAX)
			got = read(p[0], buf + n, CFG_EXEC_STDERR_MAX - n);
		else
			got = read(p[0], drain, sizeof(drain));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (n < CFG_EXEC_STDERR_MAX)
			n += (size_t)got;
	}
	close(p[0]);
	cfgline_exec_stderr(c, buf, n);
	free(buf);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR && errno != EAGAIN) {
			cfgline_fatal(c, "match-exec-wait", "waitpid: %s",
			    strerror(errno));
			return -2;
		}
	}
	if (!WIFEXITED(status))
		return -1;
	CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0, "command returned status %d",
	    WEXITSTATUS(status));
	return WEXITSTATUS(status);
}

/* readconf.c match_cfg_line: 1 match, 0 no match, -1 error (diag added),
 * -2 fatal. */
static int
cfgline_match(struct cfg *c, char **condition, const char *filename,
    int linenum, int final_pass)
{
	struct options *o = c->o;
	char *arg, *oattrib, *attrib, *cp = *condition, *host = NULL;
	char *cmd = NULL, portstr[32], uidstr[32], hash[41], errbuf[256];
	const char *ruser, *lhost, *localuser;
	struct expand_token toks[12];
	int r, port, result = 1, attributes = 0, negate, x, this_result;
	char *shorthost = NULL;
	const char *criteria;

	port = o->port <= 0 ? 22 : o->port;
	localuser = c->env->local_user != NULL ? c->env->local_user : "";
	ruser = o->user == NULL ? localuser : o->user;
	if (final_pass) {
		host = strdup(o->hostname != NULL ? o->hostname : c->host);
	} else if (o->hostname != NULL) {
		toks[0].key = 'h';
		toks[0].value = c->host;
		r = expand_string(o->hostname, 1, 0, toks, 1, &host, errbuf,
		    sizeof(errbuf), NULL);
		if (r == -1) {
			cfgline_diag(c, "", 0, 0, DIAG_STYLE_BARE, DIAG_ERROR,
			    "percent-expand", "vdollar_percent_expand: %s",
			    errbuf);
			cfgline_fatal(
			    c, "percent-expand", "percent_expand: failed");
			return -2;
		}
	} else
		host = strdup(c->host);
	if (host == NULL) {
		c->oom = 1;
		return -2;
	}
	CFG_DEBUG(c, KW_LOG_DEBUG2, 0, NULL, 0,
	    "checking match for '%s' host %s originally %s", cp, host,
	    o->host_arg);
	while ((oattrib = attrib = lexer_strdelim(&cp)) != NULL &&
	    *attrib != '\0') {
		if (*attrib == '#') {
			cp = NULL;
			break;
		}
		arg = NULL;
		this_result = 1;
		criteria = NULL;
		if ((negate = attrib[0] == '!'))
			attrib++;
		if (strcasecmp(attrib, "all") == 0) {
			if (attributes > 1 ||
			    ((arg = lexer_strdelim(&cp)) != NULL &&
			        *arg != '\0' && *arg != '#')) {
				E_LINE(1, "match-all",
				    "'%s' cannot be combined with other Match "
				    "attributes",
				    oattrib);
				result = -1;
				goto out;
			}
			if (arg != NULL && *arg == '#')
				cp = NULL;
			if (result)
				result = negate ? 0 : 1;
			goto out;
		}
		attributes++;
		if (strcasecmp(attrib, "canonical") == 0 ||
		    strcasecmp(attrib, "final") == 0) {
			if (strcasecmp(attrib, "final") == 0)
				c->want_final = 1;
			r = !!final_pass;
			if (r == (negate ? 1 : 0))
				this_result = result = 0;
			CFG_DEBUG(c, KW_LOG_DEBUG3, 1, filename, linenum,
			    "%smatched '%s'", this_result ? "" : "not ",
			    oattrib);
			continue;
		}
		if ((arg = lexer_strdelim(&cp)) == NULL || *arg == '\0' ||
		    *arg == '#') {
			E_BARE("match-missing", "Missing Match criteria for %s",
			    attrib);
			result = -1;
			goto out;
		}
		if (strcasecmp(attrib, "host") == 0) {
			criteria = host;
			r = match_hostname(host, arg) == 1;
			if (r == (negate ? 1 : 0))
				this_result = result = 0;
		} else if (strcasecmp(attrib, "originalhost") == 0) {
			criteria = o->host_arg;
			r = match_hostname(o->host_arg, arg) == 1;
			if (r == (negate ? 1 : 0))
				this_result = result = 0;
		} else if (strcasecmp(attrib, "user") == 0) {
			criteria = ruser;
			r = match_pattern_list(ruser, arg, 0) == 1;
			if (r == (negate ? 1 : 0))
				this_result = result = 0;
		} else if (strcasecmp(attrib, "localuser") == 0) {
			criteria = localuser;
			r = match_pattern_list(localuser, arg, 0) == 1;
			if (r == (negate ? 1 : 0))
				this_result = result = 0;
		} else if (strcasecmp(attrib, "exec") == 0) {
			lhost = c->thishost != NULL ? c->thishost : "";
			free(shorthost);
			if ((shorthost = strdup(lhost)) == NULL) {
				c->oom = 1;
				result = -2;
				goto out;
			}
			shorthost[strcspn(shorthost, ".")] = '\0';
			snprintf(portstr, sizeof(portstr), "%d", port);
			snprintf(uidstr, sizeof(uidstr), "%llu",
			    (unsigned long long)c->env->uid);
			expand_conn_hash(lhost, host, portstr, ruser, hash);
			x = 0;
			toks[x].key = 'C', toks[x++].value = hash;
			toks[x].key = 'L', toks[x++].value = shorthost;
			toks[x].key = 'd',
			toks[x++].value =
			    c->env->pw_dir != NULL ? c->env->pw_dir : "";
			toks[x].key = 'h', toks[x++].value = host;
			toks[x].key = 'k',
			toks[x++].value = o->host_key_alias != NULL
			    ? o->host_key_alias
			    : host;
			toks[x].key = 'l', toks[x++].value = lhost;
			toks[x].key = 'n', toks[x++].value = o->host_arg;
			toks[x].key = 'p', toks[x++].value = portstr;
			toks[x].key = 'r', toks[x++].value = ruser;
			toks[x].key = 'u', toks[x++].value = localuser;
			toks[x].key = 'i', toks[x++].value = uidstr;
			free(cmd);
			cmd = NULL;
			r = expand_string(arg, 1, 0, toks, (size_t)x, &cmd,
			    errbuf, sizeof(errbuf), NULL);
			if (r == -2) {
				c->oom = 1;
				result = -2;
				goto out;
			}
			if (r != 0) {
				cfgline_diag(c, "", 0, 0, DIAG_STYLE_BARE,
				    DIAG_ERROR, "percent-expand",
				    "vdollar_percent_expand: %s", errbuf);
				cfgline_fatal(c, "percent-expand",
				    "percent_expand: failed");
				result = -2;
				goto out;
			}
			if (result != 1) {
				/* a prior criterion failed */
				CFG_DEBUG(c, KW_LOG_DEBUG3, 1, filename,
				    linenum, "skipped exec \"%.100s\"", cmd);
				continue;
			}
			if (c->env->no_exec)
				r = 1; /* never run: treated as false */
			else {
				r = cfgline_exec(c, cmd);
				if (r == -2) {
					result = -2;
					goto out;
				}
				if (r == -1) {
					E_BARE("match-exec",
					    "command '%.100s' "
					    "exited abnormally",
					    cmd);
					cfgline_fatal(c, "match-exec",
					    "%.200s line %d: match exec "
					    "'%.100s' error",
					    filename, linenum, cmd);
					result = -2;
					goto out;
				}
			}
			criteria = cmd;
			r = r == 0;
			if (r == (negate ? 1 : 0))
				this_result = result = 0;
		} else {
			E_BARE("match-attribute",
			    "Unsupported Match attribute %s", attrib);
			result = -1;
			goto out;
		}
		CFG_DEBUG(c, KW_LOG_DEBUG3, 1, filename, linenum,
		    "%smatched '%s \"%.100s\"' ", this_result ? "" : "not ",
		    oattrib, criteria);
	}
	if (attributes == 0) {
		E_BARE("match-empty",
		    "One or more attributes required for "
		    "Match");
		result = -1;
		goto out;
	}
out:
	if (result == 0 || result == 1)
		CFG_DEBUG(c, KW_LOG_DEBUG2, 0, NULL, 0, "match %sfound",
		    result ? "" : "not ");
	*condition = cp;
	free(host);
	free(cmd);
	free(shorthost);
	return result;
}

/* Debian secure_permissions(): owner root or us, not world-writable,
 * group-writable only for a group whose only member is the owner. */
static int
cfgline_secure(const struct stat *st, long uid)
{
	struct passwd *pw;
	struct group *gr;

	if (st->st_uid != 0 && (long)st->st_uid != uid)
		return 0;
	if ((st->st_mode & 002) != 0)
		return 0;
	if ((st->st_mode & 020) != 0) {
		if ((pw = getpwuid(st->st_uid)) == NULL ||
		    (gr = getgrgid(st->st_gid)) == NULL)
			return 0;
		if (gr->gr_mem[0] != NULL) {
			if (strcmp(pw->pw_name, gr->gr_mem[0]) != 0 ||
			    gr->gr_mem[1] != NULL)
				return 0;
		} else if (pw->pw_gid != gr->gr_gid)
			return 0;
	}
	return 1;
}

static int
cfgline_include(struct cfg *c, int ac, char **av, const char *filename,
    int linenum, int *activep, int flags, int depth, int *argsleft)
{
	char *arg, *arg2 = NULL, *home_exp = NULL;
	glob_t gl;
	size_t i;
	int r, oactive, value = 0, er, ret = -1;
	const char *home;

	while ((arg = cfgline_argv_next(&ac, &av)) != NULL) {
		if (*arg == '\0') {
			E_LINE(0, "include-empty", "keyword %s empty argument",
			    "include");
			goto out;
		}
		if (*arg == '~' && (flags & CFG_USERCONF) == 0) {
			E_LINE(1, "include-path", "bad include path %s.", arg);
			goto out;
		}
		free(arg2);
		arg2 = NULL;
		if (*arg != '/' && *arg != '~') {
			if ((arg2 = expand_concat((flags & CFG_USERCONF)
			             ? "~/.ssh/"
			             : "/etc/ssh/",
			         arg, NULL)) == NULL)
				goto oom;
		} else if ((arg2 = strdup(arg)) == NULL)
			goto oom;
		/* glob(GLOB_TILDE) expands ~ from $HOME, ~user from passwd */
		free(home_exp);
		home_exp = NULL;
		if (arg2[0] == '~' && (arg2[1] == '/' || arg2[1] == '\0') &&
		    c->env->env_home != NULL) {
			home = c->env->env_home;
			/* glob keeps $HOME as is, adding no slash */
			if ((home_exp = expand_concat(home, arg2 + 1, NULL)) ==
			    NULL)
				goto oom;
		}
		memset(&gl, 0, sizeof(gl));
		r = glob(home_exp != NULL ? home_exp : arg2,
		    home_exp != NULL ? 0 : GLOB_TILDE, NULL, &gl);
		if (r == GLOB_NOMATCH) {
			CFG_DEBUG(c, KW_LOG_DEBUG1, 1, filename, linenum,
			    "include %s matched no files", arg2);
			globfree(&gl);
			continue;
		} else if (r != 0) {
			E_LINE(1, "include-glob", "glob failed for %s.", arg2);
			globfree(&gl);
			goto out;
		}
		oactive = *activep;
		for (i = 0; i < gl.gl_pathc; i++) {
			CFG_DEBUG(c, KW_LOG_DEBUG3, 1, filename, linenum,
			    "Including file %s depth %d%s", gl.gl_pathv[i],
			    depth, oactive ? "" : " (parse only)");
			errno = 0;
			r = cfgline_read(c, gl.gl_pathv[i], NULL, 0,
			    flags | CFG_CHECKPERM |
			        (oactive ? 0 : CFG_NEVERMATCH),
			    activep, depth + 1);
			er = errno;
			if (c->fatal || c->oom) {
				globfree(&gl);
				goto out;
			}
			if (r != 1 && er != ENOENT) {
				E_BARE("include-open",
				    "Can't open user config file %.100s: "
				    "%.100s",
				    gl.gl_pathv[i], strerror(er));
				globfree(&gl);
				*activep = oactive;
				goto out;
			}
			*activep = oactive;
			if (r != 1)
				value = -1;
		}
		globfree(&gl);
	}
	*argsleft = 0;
	ret = value;
	goto out;
oom:
	c->oom = 1;
out:
	/* Every exit: an error on a later argument must not leak the path
	 * built for an earlier one (the fuzzer found "Include ~/x \"\""). */
	free(arg2);
	free(home_exp);
	return ret;
}

/* ForwardAgent / IdentityAgent path validation and assignment. */
static int
cfgline_agent_path(struct cfg *c, const char *arg, char **dst, int opt,
    int active, const char *filename, int linenum)
{
	char *x = NULL, errbuf[256];
	int r, missing;

	r = expand_string_seen(arg, 0, 1, NULL, 0, &x, errbuf, sizeof(errbuf),
	    &missing, CFG_SEEN(c), c);
	if (r == -2) {
		c->oom = 1;
		return -1;
	}
	if (r != 0) {
		cfgline_diag(c, filename, linenum, 0, DIAG_STYLE_BARE,
		    DIAG_ERROR, "env-expansion", "vdollar_percent_expand: %s",
		    errbuf);
		E_LINE(1, "env-expansion", "Invalid environment expansion %s.",
		    arg);
		return -1;
	}
	free(x);
	if (arg[0] == '$' && arg[1] != '{' && !expand_valid_env_name(arg + 1)) {
		E_LINE(1, "env-name", "Invalid environment name %s.", arg);
		return -1;
	}
	if (active && *dst == NULL)
		return cfgline_setstr(c, dst, arg, opt);
	return 0;
}

static int
cfgline_algos(struct cfg *c, int opt, const char *arg, int active,
    const char *filename, int linenum)
{
	const char *v, *bad;
	char **dst = cfgline_strp(c->o, opt);

	if (arg == NULL || *arg == '\0') {
		E_LINE(1, "missing-argument", "Missing argument.");
		return -1;
	}
	v = (*arg == '+' || *arg == '^') ? arg + 1 : arg;
	switch (opt) {
	case OPT_CIPHERS:
		if (*arg != '-' && !algos_valid(ALGOS_CIPHER, v, NULL)) {
			E_LINE(
			    1, "bad-cipher", "Bad SSH2 cipher spec '%s'.", arg);
			return -1;
		}
		break;
	case OPT_MACS:
		if (*arg != '-' && !algos_valid(ALGOS_MAC, v, NULL)) {
			E_LINE(1, "bad-mac", "Bad SSH2 MAC spec '%s'.", arg);
			return -1;
		}
		break;
	case OPT_KEX_ALGORITHMS:
		if (*arg != '-' && !algos_valid(ALGOS_KEX, v, &bad)) {
			if (bad != NULL)
				E_BARE("bad-kex",
				    "Unsupported KEX algorithm \"%.100s\"",
				    bad);
			E_LINE(
			    1, "bad-kex", "Bad SSH2 KexAlgorithms '%s'.", arg);
			return -1;
		}
		if (*arg != '-')
			CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
			    "kex names ok: [%s]", v);
		break;
	case OPT_GSSAPI_KEX_ALGORITHMS:
		if (!algos_valid(ALGOS_GSS_KEX, arg, &bad)) {
			if (bad != NULL)
				E_BARE("bad-gss-kex",
				    "Unsupported KEX algorithm \"%.100s\"",
				    bad);
			E_LINE(1, "bad-gss-kex",
			    "Bad GSSAPI KexAlgorithms '%s'.", arg);
			return -1;
		}
		CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
		    "gss kex names ok: [%s]", arg);
		break;
	default:
		if (*arg != '-' && !algos_valid(ALGOS_KEY, v, NULL)) {
			E_LINE(0, "bad-key-types", "Bad key types '%s'.", arg);
			return -1;
		}
		break;
	}
	if (active && *dst == NULL)
		return cfgline_setstr(c, dst, arg, opt);
	return 0;
}

/* parse_char_array / LogVerbose / CanonicalDomains / PermittedCNAMEs:
 * list keywords taking the first active line. */
static int
cfgline_list(struct cfg *c, int opt, const char *keyword, int *ac, char ***av,
    int active, const char *filename, int linenum)
{
	struct options *o = c->o;
	struct strlist *l;
	char *arg, *arg2, errbuf[256], *joined;
	size_t max = OPT_MAX_HOSTS_FILES, i = 0;
	int value;

	switch (opt) {
	case OPT_GLOBAL_KNOWN_HOSTS_FILE:
		l = &o->system_hostfiles;
		break;
	case OPT_USER_KNOWN_HOSTS_FILE:
		l = &o->user_hostfiles;
		break;
	case OPT_LOG_VERBOSE:
		l = &o->log_verbose;
		break;
	case OPT_CANONICAL_DOMAINS:
		l = &o->canonical_domains;
		max = OPT_MAX_CANON_DOMAINS;
		break;
	default:
		l = &o->permitted_cnames;
		max = OPT_MAX_PERMITTED_CNAMES;
		break;
	}
	value = l->n == 0;
	while ((arg = cfgline_argv_next(ac, av)) != NULL) {
		if (opt != OPT_CANONICALIZE_PERMITTED_CNAMES && *arg == '\0') {
			E_LINE(0, "empty-argument", "keyword %s empty argument",
			    keyword);
			return -1;
		}
		if (strcasecmp(arg, "none") == 0 && (i > 0 || *ac > 0)) {
			E_LINE(0, "none-alone",
			    "keyword %s \"none\" argument must appear alone.",
			    keyword);
			return -1;
		}
		if (opt == OPT_CANONICALIZE_PERMITTED_CNAMES) {
			if (strcasecmp(arg, "none") == 0)
				arg2 = (char *)"";
			else if (strcmp(arg, "*") == 0)
				arg2 = arg;
			else {
				lexer_lowercase(arg);
				if ((arg2 = strchr(arg, ':')) == NULL ||
				    arg2[1] == '\0') {
					E_LINE(0, "bad-cname",
					    "Invalid permitted CNAME \"%s\"",
					    arg);
					return -1;
				}
				*arg2++ = '\0';
			}
			i++;
			if (!active || !value)
				continue;
			if (l->n >= max) {
				E_LINE(0, "too-many",
				    "too many permitted CNAMEs.");
				return -1;
			}
			if ((joined = expand_concat(arg, ":", arg2)) == NULL) {
				c->oom = 1;
				return -1;
			}
			if (cfgline_strlist_add(l, joined) != 0)
				c->oom = 1;
			free(joined);
			if (l->n == 1)
				cfgline_origin(c, opt);
			continue;
		}
		i++;
		if (opt == OPT_CANONICAL_DOMAINS) {
			if (!jump_valid_domain(arg, errbuf, sizeof(errbuf))) {
				E_LINE(0, "bad-domain", "%s", errbuf);
				return -1;
			}
			lexer_lowercase(arg);
			if (arg[strlen(arg) - 1] == '.')
				arg[strlen(arg) - 1] = '\0';
			if (!active || !value)
				continue;
			if (l->n >= max) {
				E_LINE(0, "too-many",
				    "too many hostname suffixes.");
				return -1;
			}
		} else if (opt == OPT_LOG_VERBOSE) {
			if (!active || l->n != 0)
				continue;
		} else {
			if (!active || !value)
				continue;
			if (l->n >= max) {
				E_LINE(0, "too-many", "too many %s entries.",
				    keyword);
				return -1;
			}
		}
		if (cfgline_strlist_add(l, arg) != 0) {
			c->oom = 1;
			return -1;
		}
		if (l->n == 1)
			cfgline_origin(c, opt);
	}
	return 0;
}

/* snprintf(dst, size, "%s:%s", a, b) (or "%s" without b), truncating the
 * same way, without the cost of the format machinery. */
static void
cfgline_join(char *dst, size_t size, const char *a, const char *b)
{
	size_t n = 0, la;

	la = strlen(a);
	if (la > size - 1)
		la = size - 1;
	memcpy(dst, a, la);
	n = la;
	if (b != NULL && n < size - 1) {
		dst[n++] = ':';
		la = strlen(b);
		if (la > size - 1 - n)
			la = size - 1 - n;
		memcpy(dst + n, b, la);
		n += la;
	}
	dst[n] = '\0';
}

static int
cfgline_forward(struct cfg *c, int opt, int *ac, char ***av, int active,
    const char *filename, int linenum)
{
	char *arg, *arg2, fwdarg[FORWARD_CONFIG_SPEC_MAX], errbuf[256];
	int remote = opt == OPT_REMOTE_FORWARD;
	int dynamic = opt == OPT_DYNAMIC_FORWARD, r;
	struct fwd f;
	enum fwd_kind kind;

	arg = cfgline_argv_next(ac, av);
	if (arg == NULL || *arg == '\0') {
		E_LINE(1, "missing-argument", "Missing argument.");
		return -1;
	}
	if (!dynamic) {
		arg2 = cfgline_argv_next(ac, av);
		if (arg2 == NULL || *arg2 == '\0') {
			if (remote)
				dynamic = 1;
			else {
				E_LINE(1, "missing-target",
				    "Missing target argument.");
				return -1;
			}
		} else
			cfgline_join(fwdarg, sizeof(fwdarg), arg, arg2);
	}
	if (dynamic)
		cfgline_join(fwdarg, sizeof(fwdarg), arg, NULL);
	kind = remote ? (dynamic ? FWD_REMOTE_DYNAMIC : FWD_REMOTE)
	              : (dynamic ? FWD_DYNAMIC : FWD_LOCAL);
	if (c->loglvl >= KW_LOG_DEBUG3 && strstr(fwdarg, "${") != NULL) {
		/* forward_parse_err expands ${} itself: replay it for ssh's
		 * debug3 lines (the result is the same) */
		char *tr = NULL;

		if (expand_string_seen(fwdarg, 0, 1, NULL, 0, &tr, errbuf,
		        sizeof(errbuf), NULL, cfgline_seen, c) == -2)
			c->oom = 1;
		free(tr);
	}
	r = forward_parse_err(fwdarg, kind, &f, errbuf, sizeof(errbuf));
	if (r == -2) {
		c->oom = 1;
		return -1;
	}
	if (r == 0) {
		if (errbuf[0] != '\0')
			E_BARE("bad-forward", "vdollar_percent_expand: %s",
			    errbuf);
		E_LINE(1, "bad-forward", "Bad forwarding specification.");
		return -1;
	}
	if (!active) {
		forward_free(&f);
		return 0;
	}
	if (remote)
		r = cfgline_add_forward(
		    c, &c->o->remote_forwards, &c->o->num_remote_forwards, &f);
	else
		r = cfgline_add_forward(
		    c, &c->o->local_forwards, &c->o->num_local_forwards, &f);
	if (r != 0)
		c->oom = 1;
	return 0;
}

static int
cfgline_permit_remote_open(struct cfg *c, int *ac, char ***av, int active,
    const char *filename, int linenum)
{
	struct strlist *l = &c->o->permitted_remote_opens;
	size_t uvalue = l->n, i = 0;
	char *arg, *dup = NULL, *p, *cp, d;

	while ((arg = cfgline_argv_next(ac, av)) != NULL) {
		if (strcasecmp(arg, "none") == 0 ||
		    strcasecmp(arg, "any") == 0) {
			if (i > 0 || *ac > 0) {
				E_LINE(0, "none-alone",
				    "keyword %s \"%s\" "
				    "argument must appear alone.",
				    "permitremoteopen", arg);
				free(dup);
				return -1;
			}
		} else {
			free(dup);
			if ((dup = strdup(arg)) == NULL) {
				c->oom = 1;
				return -1;
			}
			cp = dup;
			/* hpdelim: host up to ':' ('[..]' protected) */
			p = cp;
			if (*p == '[') {
				if ((p = strchr(p, ']')) != NULL)
					p++;
			} else if ((p = strpbrk(p, ":/")) == NULL)
				p = cp + strlen(cp);
			d = p != NULL ? *p : 'x';
			if (p == NULL || (d != '\0' && d != ':')) {
				free(dup);
				cfgline_fatal(c, "permitremoteopen",
				    "%s line %d: missing host in %s", filename,
				    linenum, "permitremoteopen");
				return -1;
			}
			p = d == ':' ? p + 1 : NULL;
			if (p == NULL ||
			    (strcmp(p, "*") != 0 && forward_a2port(p) <= 0)) {
				free(dup);
				cfgline_fatal(c, "permitremoteopen",
				    "%s line %d: bad port number in %s",
				    filename, linenum, "permitremoteopen");
				return -1;
			}
		}
		if (active && uvalue == 0) {
			if (cfgline_strlist_add(l, arg) != 0) {
				free(dup);
				c->oom = 1;
				return -1;
			}
			if (l->n == 1)
				cfgline_origin(c, OPT_PERMIT_REMOTE_OPEN);
		}
		i++;
	}
	free(dup);
	if (i == 0) {
		cfgline_fatal(c, "permitremoteopen",
		    "%s line %d: missing %s specification", filename, linenum,
		    "permitremoteopen");
		return -1;
	}
	return 0;
}

static void
cfgline_rm_env(
    struct cfg *c, const char *pat, const char *filename, int linenum)
{
	struct options *o = c->o;
	size_t i = 0, j;

	while (i < o->send_env.n) {
		if (!match_pattern(o->send_env.v[i], pat + 1)) {
			i++;
			continue;
		}
		CFG_DEBUG(c, KW_LOG_DEBUG3, 0, filename, linenum,
		    "removing environment %s", o->send_env.v[i]);
		free(o->send_env.v[i]);
		for (j = i; j + 1 < o->send_env.n; j++)
			o->send_env.v[j] = o->send_env.v[j + 1];
		o->send_env.n--;
	}
}

static int
cfgline_setenv_dup(const struct strlist *l, const char *arg)
{
	size_t i, nl = strcspn(arg, "=");

	for (i = 0; i < l->n; i++)
		if (strncmp(l->v[i], arg, nl) == 0 && l->v[i][nl] == '=')
			return 1;
	return 0;
}

/*
 * cfgline_process for a line whose strlen() is len: the reader knows it,
 * which saves two scans of every line (chop and argv_split's sizing).
 */
static int
cfgline_process_n(struct cfg *c, char *line, size_t linelen,
    const char *filename, int linenum, int *activep, int flags, int depth)
{
	struct options *o = c->o;
	const struct keyword *kw;
	char *str, *keyword, *arg, *arg2, **av = NULL, **oav = NULL, **sp;
	char errbuf[256], *argbuf[128];
	int cmdline = 0, ac = 0, oac = 0, ret = -1, value, value2, r, *ip;
	int opt, active;
	long long val64;
	size_t len;

	if (activep == NULL) {
		cmdline = 1;
		activep = &cmdline;
	}
	if (linelen == 0)
		return 0;
	linelen = lexer_chop_n(line, linelen);
	str = line;
	if (*str == ' ' || *str == '\t') {
		/*
		 * Indented line: ssh's first strdelim returns "" after
		 * skipping the whitespace run and one '=' with the whitespace
		 * after it; skip them here and make the one call that yields
		 * the keyword.
		 */
		while (
		    *str == ' ' || *str == '\t' || *str == '\r' || *str == '\n')
			str++;
		if (*str == '=') {
			str++;
			while (*str == ' ' || *str == '\t' || *str == '\r' ||
			    *str == '\n')
				str++;
		}
		keyword = lexer_strdelim(&str);
	} else {
		if ((keyword = lexer_strdelim(&str)) == NULL)
			return 0;
		if (*keyword == '\0')
			keyword = lexer_strdelim(&str);
	}
	if (keyword == NULL || !*keyword || *keyword == '\n' || *keyword == '#')
		return 0;
	kw = keywords_lookup_lower(keyword); /* lower-cases keyword */
	if (str != NULL)
		while (
		    *str == ' ' || *str == '\t' || *str == '\r' || *str == '\n')
			str++; /* strspn(str, CFG_WS) */
	if (str == NULL || *str == '\0') {
		E_LINE(0, "no-argument", "no argument after keyword \"%s\"",
		    keyword);
		return -1;
	}
	if (kw == NULL && o->ignored_unknown != NULL &&
	    match_pattern_list(keyword, o->ignored_unknown, 1) == 1)
		kw = (const struct keyword *)-1; /* ignored unknown */
	if (kw == NULL)
		cfgline_diag(c, filename, linenum, 0, DIAG_STYLE_COLON,
		    DIAG_ERROR, "bad-option", "Bad configuration option: %s",
		    keyword);
	/* str lies inside the chopped line, so linelen bounds its length */
	r = lexer_argv_split_n(str, linelen, argbuf, sizeof(argbuf), &oac,
	    &oav); /* no malloc if short */
	if (r == -2) {
		c->oom = 1;
		return -1;
	}
	if (r != 0) {
		E_LINE(0, "invalid-quotes", "invalid quotes");
		return -1;
	}
	ac = oac;
	av = oav;
	if (kw == NULL)
		goto out;
	if (kw == (const struct keyword *)-1) {
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, filename, linenum,
		    "Ignored unknown option \"%s\"", keyword);
		ac = 0;
		goto done;
	}
	opt = kw->opt;
	active = *activep;

	switch (kw->kind) {
	case KW_DEPRECATED:
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, filename, linenum,
		    "Deprecated option \"%s\"", keyword);
		/* FALLTHROUGH */
	case KW_IGNORE:
		ac = 0;
		goto done;
	case KW_UNSUPPORTED:
		cfgline_diag(c, filename, linenum, 0, DIAG_STYLE_LINE,
		    DIAG_WARNING, "unsupported", "Unsupported option \"%s\"",
		    keyword);
		ac = 0;
		goto done;
	case KW_HOST:
		if (cmdline) {
			E_BARE("host-cmdline",
			    "Host directive not supported "
			    "as a command-line option");
			goto out;
		}
		*activep = 0;
		arg2 = NULL;
		while ((arg = cfgline_argv_next(&ac, &av)) != NULL) {
			if (*arg == '\0') {
				E_LINE(0, "empty-argument",
				    "keyword %s empty argument", keyword);
				goto out;
			}
			if ((flags & CFG_NEVERMATCH) != 0) {
				ac = 0;
				break;
			}
			value = *arg == '!';
			if (value)
				arg++;
			if (match_pattern(c->host, arg)) {
				if (value) {
					CFG_DEBUG(c, KW_LOG_DEBUG1, 1, filename,
					    linenum,
					    "Skipping Host block because of "
					    "negated match for %.100s",
					    arg);
					*activep = 0;
					ac = 0;
					break;
				}
				if (!*activep)
					arg2 = arg; /* logged below */
				*activep = 1;
			}
		}
		if (*activep)
			CFG_DEBUG(c, KW_LOG_DEBUG1, 1, filename, linenum,
			    "Applying options for %.100s", arg2);
		goto done;
	case KW_MATCH:
		if (cmdline) {
			E_BARE("host-cmdline",
			    "Host directive not supported "
			    "as a command-line option");
			goto out;
		}
		value = cfgline_match(
		    c, &str, filename, linenum, flags & CFG_FINAL);
		if (value == -2)
			goto out;
		if (value < 0) {
			E_LINE(1, "bad-match", "Bad Match condition");
			goto out;
		}
		*activep = (flags & CFG_NEVERMATCH) ? 0 : value;
		if (str == NULL || *str == '\0')
			ac = 0;
		goto done;
	case KW_INCLUDE:
		if (cmdline) {
			E_BARE("include-cmdline",
			    "Include directive not "
			    "supported as a command-line option");
			goto out;
		}
		value = 1;
		r = cfgline_include(c, ac, av, filename, linenum, activep,
		    flags, depth, &value);
		if (c->fatal || c->oom)
			goto out;
		if (r != 0)
			goto out;
		ac = 0;
		goto done;
	case KW_OPTION:
		break;
	}

	switch (kw->type) {
	case KWT_FLAG:
	case KWT_MULTI:
		ip = cfgline_intp(o, opt);
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(0, "missing-argument", "missing argument.");
			value = -1;
		} else
			value = keywords_state_value(kw->states, arg);
		if (value == -1) {
			E_LINE(0, "bad-value", "unsupported option \"%s\".",
			    arg != NULL ? arg : "(null)");
			goto out;
		}
		if (active && *ip == -1) {
			*ip = value;
			cfgline_origin(c, opt);
		}
		goto done;
	case KWT_TIME:
		ip = cfgline_intp(o, opt);
parse_time:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(0, "missing-time", "missing time value.");
			goto out;
		}
		if (strcmp(arg, "none") == 0)
			value = -1;
		else if ((value = cfgline_convtime(arg)) == -1) {
			E_LINE(0, "bad-time", "invalid time value.");
			goto out;
		}
		if (active && *ip == -1) {
			*ip = value;
			if (value != -1)
				cfgline_origin(c, opt);
		}
		goto done;
	case KWT_INT:
		ip = cfgline_intp(o, opt);
		arg = cfgline_argv_next(&ac, &av);
		{
			const char *es = cfgline_atoi_err(arg, &value);

			if (es != NULL) {
				E_LINE(
				    0, "bad-integer", "integer value %s.", es);
				goto out;
			}
		}
		if (active && *ip == -1) {
			*ip = value;
			cfgline_origin(c, opt);
		}
		goto done;
	case KWT_STRING:
		sp = cfgline_strp(o, opt);
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument", "Missing argument.");
			goto out;
		}
		if (active && *sp == NULL && cfgline_setstr(c, sp, arg, opt))
			goto out;
		goto done;
	case KWT_COMMAND:
		sp = cfgline_strp(o, opt);
		len = strspn(str, CFG_WS "=");
		if (active && *sp == NULL &&
		    cfgline_setstr(c, sp, str + len, opt))
			goto out;
		ac = 0;
		goto done;
	case KWT_SPECIAL:
		break;
	}

	switch (opt) {
	case OPT_FORWARD_AGENT:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(0, "missing-argument", "missing argument.");
			goto out;
		}
		value = keywords_state_value(kw_flag, arg);
		if (value != -1) {
			if (active && o->forward_agent == -1) {
				o->forward_agent = value;
				cfgline_origin(c, opt);
			}
			goto done;
		}
		if (active && o->forward_agent == -1) {
			o->forward_agent = 1;
			cfgline_origin(c, opt);
		}
		if (cfgline_agent_path(c, arg, &o->forward_agent_sock_path, opt,
		        active, filename, linenum) != 0)
			goto out;
		goto done;
	case OPT_IDENTITY_AGENT:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument", "Missing argument.");
			goto out;
		}
		if (cfgline_agent_path(c, arg, &o->identity_agent, opt, active,
		        filename, linenum) != 0)
			goto out;
		goto done;
	case OPT_REKEY_LIMIT:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument", "Missing argument.");
			goto out;
		}
		if (strcmp(arg, "default") == 0)
			val64 = 0;
		else {
			if (cfgline_scan_scaled(arg, &val64) == -1) {
				E_LINE(1, "bad-number", "Bad number '%s': %s",
				    arg, strerror(errno));
				goto out;
			}
			if (val64 != 0 && val64 < 16) {
				E_LINE(
				    1, "rekey-small", "RekeyLimit too small");
				goto out;
			}
		}
		if (active && o->rekey_limit == -1) {
			o->rekey_limit = val64;
			cfgline_origin(c, opt);
		}
		if (ac != 0) {
			if (strcmp(av[0], "none") == 0) {
				(void)cfgline_argv_next(&ac, &av);
				goto done;
			}
			ip = &o->rekey_interval;
			goto parse_time;
		}
		goto done;
	case OPT_IDENTITY_FILE:
	case OPT_CERTIFICATE_FILE:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument", "Missing argument.");
			goto out;
		}
		if (active) {
			if (opt == OPT_IDENTITY_FILE)
				r = cfgline_add_ident(c, &o->identity_files,
				    &o->num_identity_files, arg,
				    flags & CFG_USERCONF);
			else
				r = cfgline_add_ident(c, &o->certificate_files,
				    &o->num_certificate_files, arg,
				    flags & CFG_USERCONF);
			if (r == -1) {
				E_LINE(1, "too-many",
				    "Too many %s files "
				    "specified (max %d).",
				    opt == OPT_IDENTITY_FILE ? "identity"
				                             : "certificate",
				    OPT_MAX_IDENTITY_FILES);
				goto out;
			}
			if (r == -2) {
				c->oom = 1;
				goto out;
			}
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_PROXY_JUMP: {
		struct jump_spec js;

		len = strspn(str, CFG_WS "=");
		r = jump_parse(str + len, cmdline, &js, errbuf, sizeof(errbuf));
		if (r == -2) {
			c->oom = 1;
			goto out;
		}
		if (r != 0) {
			if (errbuf[0] != '\0')
				E_BARE("bad-proxyjump", "%s", errbuf);
			E_LINE(1, "bad-proxyjump", "Invalid ProxyJump \"%s\"",
			    str + len);
			goto out;
		}
		if (js.none) {
			if (active && o->jump_host == NULL) {
				if ((o->jump_host = strdup("none")) == NULL)
					c->oom = 1;
				o->jump_port = 0;
				cfgline_origin(c, opt);
			}
		} else if (active && o->proxy_command == NULL &&
		    o->jump_host == NULL) {
			o->jump_user = js.user;
			o->jump_host = js.host;
			o->jump_port = js.port;
			o->jump_extra = js.extra;
			js.user = js.host = js.extra = NULL;
			if ((o->proxy_command = strdup("none")) == NULL)
				c->oom = 1;
			cfgline_origin(c, opt);
			cfgline_origin(c, OPT_PROXY_COMMAND);
			o->origin[OPT_PROXY_COMMAND].kind = ORIGIN_DERIVED;
		}
		jump_spec_free(&js);
		ac = 0;
		goto done;
	}
	case OPT_PORT:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument", "Missing argument.");
			goto out;
		}
		value = forward_a2port(arg);
		if (value <= 0) {
			E_LINE(1, "bad-port", "Bad port '%s'.", arg);
			goto out;
		}
		if (active && o->port == -1) {
			o->port = value;
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_CIPHERS:
	case OPT_MACS:
	case OPT_KEX_ALGORITHMS:
	case OPT_HOST_KEY_ALGORITHMS:
	case OPT_CA_SIGNATURE_ALGORITHMS:
	case OPT_HOSTBASED_ACCEPTED_ALGORITHMS:
	case OPT_PUBKEY_ACCEPTED_ALGORITHMS:
	case OPT_GSSAPI_KEX_ALGORITHMS:
		arg = cfgline_argv_next(&ac, &av);
		if (cfgline_algos(c, opt, arg, active, filename, linenum) != 0)
			goto out;
		goto done;
	case OPT_LOG_LEVEL:
		arg = cfgline_argv_next(&ac, &av);
		value = keywords_state_value(kw_log_level, arg);
		if (value == -1) {
			E_LINE(1, "bad-loglevel", "unsupported log level '%s'",
			    arg != NULL ? arg : "<NONE>");
			goto out;
		}
		if (active && o->log_level == -1) {
			o->log_level = value;
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_SYSLOG_FACILITY:
		arg = cfgline_argv_next(&ac, &av);
		value = keywords_state_value(kw_log_facility, arg);
		if (value == -1) {
			E_LINE(1, "bad-facility",
			    "unsupported log facility '%s'",
			    arg != NULL ? arg : "<NONE>");
			goto out;
		}
		if (o->log_facility == -1) {
			o->log_facility = value;
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_GLOBAL_KNOWN_HOSTS_FILE:
	case OPT_USER_KNOWN_HOSTS_FILE:
	case OPT_LOG_VERBOSE:
	case OPT_CANONICAL_DOMAINS:
	case OPT_CANONICALIZE_PERMITTED_CNAMES:
		if (cfgline_list(c, opt, keyword, &ac, &av, active, filename,
		        linenum) != 0)
			goto out;
		goto done;
	case OPT_LOCAL_FORWARD:
	case OPT_REMOTE_FORWARD:
	case OPT_DYNAMIC_FORWARD:
		if (cfgline_forward(
		        c, opt, &ac, &av, active, filename, linenum) != 0)
			goto out;
		if (active)
			cfgline_origin(c, opt);
		goto done;
	case OPT_PERMIT_REMOTE_OPEN:
		if (cfgline_permit_remote_open(
		        c, &ac, &av, active, filename, linenum) != 0)
			goto out;
		goto done;
	case OPT_ESCAPE_CHAR:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument", "Missing argument.");
			goto out;
		}
		if (strcmp(arg, "none") == 0)
			value = KW_ESCAPE_NONE;
		else if (arg[1] == '\0')
			value = (unsigned char)arg[0];
		else if (arg[0] == '^' && arg[2] == '\0' &&
		    (unsigned char)arg[1] >= 64 && (unsigned char)arg[1] < 128)
			value = (unsigned char)arg[1] & 31;
		else {
			E_LINE(1, "bad-escape", "Bad escape character.");
			goto out;
		}
		if (active && o->escape_char == -1) {
			o->escape_char = value;
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_SEND_ENV:
		while ((arg = cfgline_argv_next(&ac, &av)) != NULL) {
			if (*arg == '\0' || strchr(arg, '=') != NULL) {
				E_LINE(0, "bad-env",
				    "Invalid environment "
				    "name.");
				goto out;
			}
			if (!active)
				continue;
			if (*arg == '-') {
				cfgline_rm_env(c, arg, filename, linenum);
				continue;
			}
			if (cfgline_strlist_add(&o->send_env, arg) != 0) {
				c->oom = 1;
				goto out;
			}
			if (o->origin[opt].kind == ORIGIN_UNSET)
				cfgline_origin(c, opt);
		}
		goto done;
	case OPT_SET_ENV:
		value = o->set_env.n != 0;
		while ((arg = cfgline_argv_next(&ac, &av)) != NULL) {
			if (strchr(arg, '=') == NULL) {
				E_LINE(0, "bad-setenv", "Invalid SetEnv.");
				goto out;
			}
			if (!active || value)
				continue;
			if (cfgline_setenv_dup(&o->set_env, arg)) {
				CFG_DEBUG(c, KW_LOG_DEBUG2, 0, filename,
				    linenum,
				    "ignoring duplicate env name \"%.64s\"",
				    arg);
				continue;
			}
			if (cfgline_strlist_add(&o->set_env, arg) != 0) {
				c->oom = 1;
				goto out;
			}
			if (o->set_env.n == 1)
				cfgline_origin(c, opt);
		}
		goto done;
	case OPT_CONTROL_PERSIST:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument",
			    "Missing ControlPersist argument.");
			goto out;
		}
		value = 0;
		value2 = 0;
		if (strcmp(arg, "no") == 0 || strcmp(arg, "false") == 0)
			value = 0;
		else if (strcmp(arg, "yes") == 0 || strcmp(arg, "true") == 0)
			value = 1;
		else if ((value2 = cfgline_convtime(arg)) >= 0)
			value = 1;
		else {
			E_LINE(1, "bad-controlpersist",
			    "Bad ControlPersist argument.");
			goto out;
		}
		if (active && o->control_persist == -1) {
			o->control_persist = value;
			o->control_persist_timeout = value2;
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_TUNNEL_DEVICE:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument", "Missing argument.");
			goto out;
		}
		value = cfgline_a2tun(arg, &value2);
		if (value == -1) {
			E_LINE(1, "bad-tun", "Bad tun device.");
			goto out;
		}
		if (active && o->tun_local == -1) {
			o->tun_local = value;
			o->tun_remote = value2;
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_IPQOS:
		arg = cfgline_argv_next(&ac, &av);
		if ((value = cfgline_parse_ipqos(arg)) == -1) {
			E_LINE(0, "bad-ipqos", "Bad IPQoS value: %s",
			    arg != NULL ? arg : "(null)");
			goto out;
		}
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL)
			value2 = value;
		else if ((value2 = cfgline_parse_ipqos(arg)) == -1) {
			E_LINE(0, "bad-ipqos", "Bad IPQoS value: %s", arg);
			goto out;
		}
		if (active && o->ip_qos_interactive == -1) {
			o->ip_qos_interactive = value;
			o->ip_qos_bulk = value2;
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_STREAM_LOCAL_BIND_MASK: {
		char *end;
		long lv;

		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument",
			    "Missing StreamLocalBindMask argument.");
			goto out;
		}
		errno = 0;
		lv = strtol(arg, &end, 8); /* errno: range checked below */
		if (arg == end || lv < 0 || lv > 0777) {
			E_LINE(1, "bad-mask", "Bad mask.");
			goto out;
		}
		o->stream_local_bind_mask = (int)lv;
		cfgline_origin(c, opt);
		goto done;
	}
	case OPT_FINGERPRINT_HASH:
		arg = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(1, "missing-argument", "Missing argument.");
			goto out;
		}
		if ((value = keywords_state_value(kw_fingerprint, arg)) == -1) {
			E_LINE(1, "bad-hash", "Invalid hash algorithm \"%s\".",
			    arg);
			goto out;
		}
		if (active && o->fingerprint_hash == -1) {
			o->fingerprint_hash = value;
			cfgline_origin(c, opt);
		}
		goto done;
	case OPT_ADD_KEYS_TO_AGENT:
		arg = cfgline_argv_next(&ac, &av);
		arg2 = cfgline_argv_next(&ac, &av);
		if (arg == NULL || *arg == '\0') {
			E_LINE(0, "missing-argument", "missing argument.");
			value = -1;
		} else
			value = keywords_state_value(kw_yesnoaskconfirm, arg);
		value2 = 0;
		if (value == 3 && arg2 != NULL) {
			if ((value2 = cfgline_convtime(arg2)) == -1) {
				E_LINE(0, "bad-time", "invalid time value.");
				goto out;
			}
		} else if (value == -1 && arg2 == NULL) {
			if ((value2 = cfgline_convtime(arg)) == -1) {
				E_LINE(0, "bad-value", "unsupported option");
				goto out;
			}
			value = 1;
		} else if (value == -1 || arg2 != NULL) {
			E_LINE(0, "bad-value", "unsupported option");
			goto out;
		}
		if (active && o->add_keys_to_agent == -1) {
			o->add_keys_to_agent = value;
			o->add_keys_to_agent_lifespan = value2;
			cfgline_origin(c, opt);
		}
		goto done;
	default:
		E_LINE(0, "unimplemented", "Unimplemented opcode %d", opt);
		goto out;
	}

done:
	if (c->oom || c->fatal)
		goto out;
	if (ac > 0) {
		E_LINE(1, "extra-arguments",
		    "keyword %s extra arguments at end of line", keyword);
		goto out;
	}
	ret = 0;
out:
	if (oav != argbuf)
		lexer_argv_free(oav, oac);
	return ret;
}

int
cfgline_process(struct cfg *c, char *line, const char *filename, int linenum,
    int *activep, int flags, int depth)
{
	return cfgline_process_n(
	    c, line, strlen(line), filename, linenum, activep, flags, depth);
}

int
cfgline_read(struct cfg *c, const char *filename, const char *buf,
    size_t buflen, int flags, int *activep, int depth)
{
	char *data = NULL, *line, *nl, *end;
	const char *ofile = c->file, *iname;
	size_t n = 0, cap = 0, llen;
	ssize_t got;
	struct stat st;
	int fd = -1, linenum = 0, bad = 0, oline = c->line, has_nul;

	if (depth < 0 || depth > CFG_MAX_DEPTH) {
		cfgline_fatal(c, "include-depth",
		    "Too many recursive configuration includes");
		return -1;
	}
	if (buf == NULL) {
		if ((fd = open(filename, O_RDONLY)) == -1)
			return 0;
		if (fstat(fd, &st) == -1) {
			cfgline_fatal(c, "fstat", "fstat %s: %s", filename,
			    strerror(errno));
			close(fd);
			return -1;
		}
		if ((flags & CFG_CHECKPERM) &&
		    !cfgline_secure(&st, c->env->uid)) {
			cfgline_fatal(c, "permissions",
			    "Bad owner or permissions on %s", filename);
			close(fd);
			return -1;
		}
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "Reading configuration data %.200s", filename);
		if (!S_ISDIR(st.st_mode)) {
			/* a regular file comes in one read() into one buffer */
			if (S_ISREG(st.st_mode) && st.st_size > 0 &&
			    st.st_size <= LEXER_FILE_MAX)
				cap = (size_t)st.st_size + 65536 + 1;
			for (;;) {
				if (n + 65536 + 1 > cap || data == NULL) {
					char *nd;

					cap = data != NULL ? cap * 2
					    : cap != 0     ? cap
					                   : 65536 * 2;
					if (cap > LEXER_FILE_MAX + 65536 + 1)
						cap =
						    LEXER_FILE_MAX + 65536 + 1;
					if ((nd = realloc(data, cap)) == NULL) {
						close(fd);
						free(data);
						c->oom = 1;
						return -1;
					}
					data = nd;
				}
				got = read(fd, data + n, cap - n - 1);
				if (got < 0 && errno == EINTR)
					continue;
				if (got <= 0)
					break;
				n += (size_t)got;
				if (n > LEXER_FILE_MAX) {
					close(fd);
					free(data);
					cfgline_fatal(c, "file-too-large",
					    "%s: file too large (max %d "
					    "bytes)",
					    filename, LEXER_FILE_MAX);
					return -1;
				}
			}
		}
		close(fd);
	} else {
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "Reading configuration data %.200s", filename);
		if (buflen > LEXER_FILE_MAX) {
			cfgline_fatal(c, "file-too-large",
			    "%s: file too large (max %d bytes)", filename,
			    LEXER_FILE_MAX);
			return -1;
		}
		if ((data = malloc(buflen + 1)) == NULL) {
			c->oom = 1;
			return -1;
		}
		memcpy(data, buf, buflen);
		n = buflen;
	}
	if (data == NULL && (data = malloc(1)) == NULL) {
		c->oom = 1;
		return -1;
	}
	data[n] = '\0';
	if ((iname = options_intern(c->o, filename)) == NULL) {
		free(data);
		c->oom = 1;
		return -1;
	}
	/*
	 * A NUL byte ends its line early, as in ssh's C strings; one scan of
	 * the file decides whether line lengths must be measured with strlen.
	 */
	has_nul = memchr(data, '\0', n) != NULL;
	end = data + n;
	line = data;
	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		llen =
		    nl != NULL ? (size_t)(nl - line) + 1 : (size_t)(end - line);
		linenum++;
		if (llen > LEXER_LINE_MAX) {
			c->file = iname;
			c->line = linenum;
			cfgline_fatal(c, "line-too-long",
			    "%s line %d: line too long (max %d bytes)",
			    filename, linenum, LEXER_LINE_MAX);
			break;
		}
		{
			/*
			 * Tokenise in place: terminate the line by writing a
			 * NUL over the first byte of the next one (data has a
			 * spare byte at the end), restored afterwards. The
			 * lexer only writes inside the line. A NUL byte
			 * inside the line ends it, as for ssh's C strings.
			 */
			char saved = line[llen];

			line[llen] = '\0';
			c->file = iname;
			c->line = linenum;
			c->flag = NULL;
			if (cfgline_process_n(c, line,
			        has_nul ? strlen(line) : llen, filename,
			        linenum, activep, flags, depth) != 0)
				bad++;
			line[llen] = saved;
		}
		if (c->fatal || c->oom)
			break;
		line += llen;
	}
	free(data);
	c->file = ofile;
	c->line = oline;
	if (c->fatal || c->oom)
		return -1;
	if (bad > 0) {
		c->file = iname;
		c->line = 0;
		cfgline_fatal(c, "terminating",
		    "%s: terminating, %d bad configuration options", filename,
		    bad);
		c->file = ofile;
		c->line = oline;
		return -1;
	}
	return 1;
}
