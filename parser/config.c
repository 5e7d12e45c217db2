/*
 * config: resolve a destination's options the way ssh(1) 9.2p1 Debian
 * does: replay the command line, read the config files (twice when Match
 * final or canonicalisation asks), canonicalise the host name, fill the
 * defaults and expand what ssh expands before its -G dump.
 *
 * Everything ssh would print goes into the diagnostics list; a fatal()
 * of ssh becomes a diagnostic with fatal set and a -1 return.
 */
#include "autoconf.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "parser/algos.h"
#include "parser/cfgline.h"
#include "parser/config.h"
#include "parser/expand.h"
#include "parser/forward.h"
#include "parser/jump.h"
#include "parser/keywords.h"
#include "parser/lexer.h"
#include "parser/match.h"

#define CONFIG_DEFAULT_SYSTEM "/etc/ssh/ssh_config"

static const char config_ssh_usage[] =
    "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]\n"
    "           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]\n"
    "           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]\n"
    "           [-i identity_file] [-J [user@]host[:port]] [-L address]\n"
    "           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] "
    "[-p port]\n"
    "           [-Q query_option] [-R address] [-S ctl_path] "
    "[-W host:port]\n"
    "           [-w local_tun[:remote_tun]] destination [command "
    "[argument ...]]";

static char *
config_strdup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

int
config_env_from_process(struct config_env *env)
{
	struct passwd *pw;
	char hn[1025];
	const char *s;

	memset(env, 0, sizeof(*env));
	if ((pw = getpwuid(getuid())) == NULL)
		return -1;
	env->uid = (long)pw->pw_uid;
	env->pw_dir = config_strdup(pw->pw_dir);
	env->local_user = config_strdup(pw->pw_name);
	if ((s = getenv("HOME")) != NULL)
		env->env_home = strdup(s);
	if ((s = getenv("SHELL")) != NULL)
		env->shell = strdup(s);
	if (gethostname(hn, sizeof(hn)) == -1)
		hn[0] = '\0';
	hn[sizeof(hn) - 1] = '\0';
	env->local_hostname = strdup(hn);
	if (env->pw_dir == NULL || env->local_user == NULL ||
	    env->local_hostname == NULL) {
		config_env_free(env);
		return -1;
	}
	return 0;
}

void
config_env_free(struct config_env *env)
{
	if (env == NULL)
		return;
	free(env->pw_dir);
	free(env->env_home);
	free(env->local_user);
	free(env->local_hostname);
	free(env->user_config);
	free(env->system_config);
	free(env->shell);
	memset(env, 0, sizeof(*env));
}

int
config_diag_shown(const struct options *o, const struct diag_list *dl, size_t i)
{
	if (i < o->log_init_index)
		return 1;
	if (i >= o->log_reinit_index)
		return config_diag_visible(&dl->v[i], o->log_level);
	return config_diag_visible(&dl->v[i], config_log_level(o));
}

int
config_log_level(const struct options *o)
{
	return o->cmdline_log_level == OPT_UNSET ? KW_LOG_INFO
	                                         : o->cmdline_log_level;
}

int
config_diag_visible(const struct diag *d, int lvl)
{
	if (d->plain)
		return 1; /* fprintf(stderr, ...) in ssh: always shown */
	if (d->fatal)
		return lvl >= KW_LOG_FATAL;
	if (d->severity == DIAG_INFO)
		return lvl >= KW_LOG_INFO;
	if (d->severity >= DIAG_DEBUG1)
		return lvl >= KW_LOG_DEBUG1 + (int)(d->severity - DIAG_DEBUG1);
	return lvl >= KW_LOG_ERROR;
}

/* A message ssh printed with fprintf(stderr, ...) before exit(255). */
static void config_plain_fatal(struct cfg *c, const char *rule, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));

static void
config_plain_fatal(struct cfg *c, const char *rule, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = diag_addv(c->dl, "command-line", 0, 0, DIAG_ERROR, rule, fmt, ap);
	va_end(ap);
	c->fatal = 1;
	if (r != 0) {
		c->oom = 1;
		return;
	}
	d = diag_last(c->dl);
	d->style = DIAG_STYLE_BARE;
	d->fatal = 1;
	d->plain = 1;
}

static void config_error(struct cfg *c, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
config_error(struct cfg *c, const char *rule, const char *fmt, ...)
{
	struct diag *d;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = diag_addv(c->dl, "", 0, 0, DIAG_ERROR, rule, fmt, ap);
	va_end(ap);
	if (r != 0) {
		c->oom = 1;
		return;
	}
	d = diag_last(c->dl);
	d->style = DIAG_STYLE_BARE;
}

static void
config_origin_flag(struct cfg *c, int opt, const char *flag)
{
	memset(&c->o->origin[opt], 0, sizeof(c->o->origin[opt]));
	c->o->origin[opt].kind = ORIGIN_COMMAND_LINE;
	c->o->origin[opt].flag = flag;
}

static int
config_set_str(
    struct cfg *c, char **dst, const char *v, int opt, const char *flag)
{
	char *n;

	if ((n = strdup(v)) == NULL) {
		c->oom = 1;
		return -1;
	}
	free(*dst);
	*dst = n;
	config_origin_flag(c, opt, flag);
	return 0;
}

/* Flag names for origins (static storage). */
static const char *
config_flag_name(int flag)
{
	static const char names[] =
	    "o\0p\0l\0i\0J\0L\0R\0D\0004\0006\0A\0a\0"
	    "C\0c\0m\0S\0b\0B\0g\0n\0t\0x\0T\0N\0f\0q\0v\0W\0";
	static char dashed[64][3];
	const char *p;
	int i;

	for (p = names, i = 0; *p != '\0'; p += 2, i++)
		if (*p == flag) {
			dashed[i][0] = '-';
			dashed[i][1] = *p;
			dashed[i][2] = '\0';
			return dashed[i];
		}
	return "-?";
}

/* Replay one command-line event as ssh.c's getopt loop does. */
static int
config_event(struct cfg *c, const struct args_event *ev, const char *host)
{
	struct options *o = c->o;
	const char *fl = config_flag_name(ev->flag);
	const char *v = ev->value != NULL ? ev->value : "";
	char *line, *p = NULL, errbuf[512];
	struct fwd f;
	struct stat st;
	int r;

	c->flag = fl;
	switch (ev->flag) {
	case 'o': {
		char *oh = c->host;

		if ((line = strdup(v)) == NULL) {
			c->oom = 1;
			return -1;
		}
		c->host = (char *)host;
		r = cfgline_process(
		    c, line, "command-line", 0, NULL, CFG_USERCONF, 0);
		c->host = oh;
		free(line);
		if (r != 0)
			c->fatal = 1;
		break;
	}
	case 'p':
		if (o->port == -1) {
			o->port = forward_a2port(v);
			if (o->port <= 0) {
				config_plain_fatal(
				    c, "bad-port", "Bad port '%s'", v);
				return -1;
			}
			config_origin_flag(c, OPT_PORT, fl);
		}
		break;
	case 'l':
		if (o->user == NULL)
			config_set_str(c, &o->user, v, OPT_USER, fl);
		break;
	case 'i':
		r = expand_tilde(v, c->env->pw_dir, &p, errbuf, sizeof(errbuf));
		if (r == -2) {
			c->oom = 1;
			return -1;
		}
		if (r != 0) {
			config_error(c, "tilde", "tilde_expand: %s", errbuf);
			c->fatal = 1;
			return -1;
		}
		if (stat(p, &st) == -1) {
			struct diag *d;

			if (diag_add(c->dl, "command-line", 0, 0, DIAG_WARNING,
			        "identity-missing",
			        "Warning: Identity file %s "
			        "not accessible: %s.",
			        p, strerror(errno)) != 0)
				c->oom = 1;
			else {
				d = diag_last(c->dl);
				d->style = DIAG_STYLE_BARE;
				d->plain = 1;
			}
		} else {
			r = cfgline_add_ident(c, &o->identity_files,
			    &o->num_identity_files, p, 1);
			if (r == -1)
				cfgline_fatal(c, "too-many",
				    "Too many identity "
				    "files specified (max %d)",
				    OPT_MAX_IDENTITY_FILES);
			else if (r == -2)
				c->oom = 1;
			else
				config_origin_flag(c, OPT_IDENTITY_FILE, fl);
		}
		free(p);
		break;
	case 'J': {
		struct jump_spec js;

		if (o->jump_host != NULL) {
			cfgline_fatal(c, "jump",
			    "Only a single -J option is "
			    "permitted (use commas to separate multiple jump "
			    "hops)");
			return -1;
		}
		if (o->proxy_command != NULL) {
			cfgline_fatal(
			    c, "jump", "Cannot specify -J with ProxyCommand");
			return -1;
		}
		r = jump_parse(v, 1, &js, errbuf, sizeof(errbuf));
		if (r == -2) {
			c->oom = 1;
			return -1;
		}
		if (r != 0) {
			if (errbuf[0] != '\0')
				config_error(c, "bad-jump", "%s", errbuf);
			cfgline_fatal(c, "bad-jump", "Invalid -J argument");
			return -1;
		}
		if (js.none) {
			if ((o->jump_host = strdup("none")) == NULL)
				c->oom = 1;
			o->jump_port = 0;
		} else {
			o->jump_user = js.user;
			o->jump_host = js.host;
			o->jump_port = js.port;
			o->jump_extra = js.extra;
			js.user = js.host = js.extra = NULL;
			if ((o->proxy_command = strdup("none")) == NULL)
				c->oom = 1;
			config_origin_flag(c, OPT_PROXY_COMMAND, fl);
			o->origin[OPT_PROXY_COMMAND].kind = ORIGIN_DERIVED;
		}
		config_origin_flag(c, OPT_PROXY_JUMP, fl);
		jump_spec_free(&js);
		break;
	}
	case 'L':
	case 'R':
	case 'D':
		if (ev->flag == 'L')
			r = forward_parse_err(
			    v, FWD_LOCAL, &f, errbuf, sizeof(errbuf));
		else if (ev->flag == 'D')
			r = forward_parse_err(
			    v, FWD_DYNAMIC, &f, errbuf, sizeof(errbuf));
		else if ((r = forward_parse_err(v, FWD_REMOTE, &f, errbuf,
		              sizeof(errbuf))) == 0) {
			if (errbuf[0] != '\0')
				config_error(c, "bad-forward",
				    "vdollar_percent_expand: %s", errbuf);
			r = forward_parse_err(
			    v, FWD_REMOTE_DYNAMIC, &f, errbuf, sizeof(errbuf));
		}
		if (r == -2) {
			c->oom = 1;
			return -1;
		}
		if (r == 0) {
			if (errbuf[0] != '\0')
				config_error(c, "bad-forward",
				    "vdollar_percent_expand: %s", errbuf);
			config_plain_fatal(c, "bad-forward",
			    "Bad %s forwarding specification '%s'",
			    ev->flag == 'L'       ? "local"
			        : ev->flag == 'R' ? "remote"
			                          : "dynamic",
			    v);
			return -1;
		}
		if (ev->flag == 'R')
			r = cfgline_add_forward(c, &o->remote_forwards,
			    &o->num_remote_forwards, &f);
		else
			r = cfgline_add_forward(
			    c, &o->local_forwards, &o->num_local_forwards, &f);
		if (r != 0)
			c->oom = 1;
		config_origin_flag(c,
		    ev->flag == 'L'       ? OPT_LOCAL_FORWARD
		        : ev->flag == 'R' ? OPT_REMOTE_FORWARD
		                          : OPT_DYNAMIC_FORWARD,
		    fl);
		break;
	case '4':
	case '6':
		o->address_family =
		    ev->flag == '4' ? AF_OPT_INET : AF_OPT_INET6;
		config_origin_flag(c, OPT_ADDRESS_FAMILY, fl);
		break;
	case 'A':
	case 'a':
		o->forward_agent = ev->flag == 'A';
		config_origin_flag(c, OPT_FORWARD_AGENT, fl);
		break;
	case 'X':
	case 'Y':
		o->forward_x11 = 1;
		config_origin_flag(c, OPT_FORWARD_X11, fl);
		if (ev->flag == 'Y') {
			o->forward_x11_trusted = 1;
			config_origin_flag(c, OPT_FORWARD_X11_TRUSTED, fl);
		}
		break;
	case 'M':
		o->control_master = o->control_master == 1 ? 2 : 1;
		config_origin_flag(c, OPT_CONTROL_MASTER, fl);
		break;
	case 'K':
		o->gss_authentication = 1;
		o->gss_deleg_creds = 1;
		config_origin_flag(c, OPT_GSSAPI_AUTHENTICATION, fl);
		config_origin_flag(c, OPT_GSSAPI_DELEGATE_CREDENTIALS, fl);
		break;
	case 'k':
		o->gss_deleg_creds = 0;
		config_origin_flag(c, OPT_GSSAPI_DELEGATE_CREDENTIALS, fl);
		break;
	case 'e':
		if (v[0] == '^' && v[1] != '\0' && v[2] == '\0' &&
		    (unsigned char)v[1] >= 64 && (unsigned char)v[1] < 128)
			o->escape_char = (unsigned char)v[1] & 31;
		else if (strlen(v) == 1)
			o->escape_char = (unsigned char)v[0];
		else if (strcmp(v, "none") == 0)
			o->escape_char = KW_ESCAPE_NONE;
		else {
			config_plain_fatal(
			    c, "bad-escape", "Bad escape character '%s'.", v);
			return -1;
		}
		config_origin_flag(c, OPT_ESCAPE_CHAR, fl);
		break;
	case 'w':
		if (o->tun_open == -1)
			o->tun_open = KW_TUN_POINTOPOINT;
		o->tun_local = cfgline_a2tun(v, &o->tun_remote);
		if (o->tun_local == -1) {
			config_plain_fatal(
			    c, "bad-tun", "Bad tun device '%s'", v);
			return -1;
		}
		config_origin_flag(c, OPT_TUNNEL_DEVICE, fl);
		config_origin_flag(c, OPT_TUNNEL, fl);
		break;
	case 'I':
		config_set_str(
		    c, &o->pkcs11_provider, v, OPT_PKCS11_PROVIDER, fl);
		break;
	case 's':
		if (o->session_type != -1 &&
		    o->session_type != KW_SESSION_SUBSYSTEM) {
			cfgline_fatal(c, "session-type",
			    "Cannot specify -s with -N/SessionType");
			return -1;
		}
		o->session_type = KW_SESSION_SUBSYSTEM;
		config_origin_flag(c, OPT_SESSION_TYPE, fl);
		break;
	case 'C':
		o->compression = 1;
		config_origin_flag(c, OPT_COMPRESSION, fl);
		break;
	case 'g':
		o->gateway_ports = 1;
		config_origin_flag(c, OPT_GATEWAY_PORTS, fl);
		break;
	case 'n':
		o->stdin_null = 1;
		config_origin_flag(c, OPT_STDIN_NULL, fl);
		break;
	case 'f':
		o->fork_after_authentication = 1;
		o->stdin_null = 1;
		config_origin_flag(c, OPT_FORK_AFTER_AUTHENTICATION, fl);
		config_origin_flag(c, OPT_STDIN_NULL, fl);
		break;
	case 'x':
		o->forward_x11 = 0;
		config_origin_flag(c, OPT_FORWARD_X11, fl);
		break;
	case 't':
		o->request_tty =
		    o->request_tty == KW_TTY_YES ? KW_TTY_FORCE : KW_TTY_YES;
		config_origin_flag(c, OPT_REQUEST_TTY, fl);
		break;
	case 'T':
		o->request_tty = KW_TTY_NO;
		config_origin_flag(c, OPT_REQUEST_TTY, fl);
		break;
	case 'N':
		if (o->session_type != -1 &&
		    o->session_type != KW_SESSION_NONE) {
			cfgline_fatal(c, "session-type",
			    "Cannot specify -N with -s/SessionType");
			return -1;
		}
		o->session_type = KW_SESSION_NONE;
		o->request_tty = KW_TTY_NO;
		config_origin_flag(c, OPT_SESSION_TYPE, fl);
		config_origin_flag(c, OPT_REQUEST_TTY, fl);
		break;
	case 'q':
		o->log_level = KW_LOG_QUIET;
		config_origin_flag(c, OPT_LOG_LEVEL, fl);
		break;
	case 'v':
		if (c->debug_flag < 3)
			c->debug_flag++;
		if (o->log_level < KW_LOG_DEBUG1)
			o->log_level = KW_LOG_DEBUG1;
		else if (o->log_level < KW_LOG_DEBUG3)
			o->log_level++;
		config_origin_flag(c, OPT_LOG_LEVEL, fl);
		break;
	case 'c':
		if (!algos_valid(ALGOS_CIPHER,
		        (*v == '+' || *v == '^') ? v + 1 : v, NULL)) {
			config_plain_fatal(
			    c, "bad-cipher", "Unknown cipher type '%s'", v);
			return -1;
		}
		config_set_str(c, &o->ciphers, v, OPT_CIPHERS, fl);
		break;
	case 'm':
		if (!algos_valid(ALGOS_MAC, v, NULL)) {
			config_plain_fatal(
			    c, "bad-mac", "Unknown mac type '%s'", v);
			return -1;
		}
		config_set_str(c, &o->macs, v, OPT_MACS, fl);
		break;
	case 'S':
		config_set_str(c, &o->control_path, v, OPT_CONTROL_PATH, fl);
		break;
	case 'b':
		config_set_str(c, &o->bind_address, v, OPT_BIND_ADDRESS, fl);
		break;
	case 'B':
		config_set_str(
		    c, &o->bind_interface, v, OPT_BIND_INTERFACE, fl);
		break;
	case 'W':
		if (c->stdio_forward) {
			cfgline_fatal(c, "stdio-forward",
			    "stdio forward already specified");
			return -1;
		}
		c->stdio_forward = 1;
		if (ev->value != NULL) {
			r = forward_parse(v, FWD_DYNAMIC, &f);
			if (r == -2) {
				c->oom = 1;
				return -1;
			}
			if (r == 0) {
				config_plain_fatal(c, "bad-stdio-forward",
				    "Bad stdio forwarding specification '%s'",
				    v);
				return -1;
			}
			free(o->stdio_forward_host);
			o->stdio_forward_host = f.listen_host;
			o->stdio_forward_port = f.listen_port;
			f.listen_host = NULL;
			forward_free(&f);
		}
		o->request_tty = KW_TTY_NO;
		o->session_type = KW_SESSION_NONE;
		config_origin_flag(c, OPT_REQUEST_TTY, fl);
		config_origin_flag(c, OPT_SESSION_TYPE, fl);
		break;
	default:
		break;
	}
	c->flag = NULL;
	return (c->fatal || c->oom) ? -1 : 0;
}

/* ssh.c destination parsing. Returns 0, -1 (usage; fatal set). */
static int
config_destination(struct cfg *c, const char *dest, char **hostp)
{
	struct options *o = c->o;
	char *user = NULL, *host = NULL, *at;
	int port = -1, r;

	*hostp = NULL;
	r = jump_parse_uri(dest, &user, &host, &port);
	if (r == -2) {
		c->oom = 1;
		return -1;
	}
	if (r == -1)
		goto usage;
	if (r == 0) {
		/* ssh marks the user as given on the command line for any
		 * ssh:// destination, even without user@: the final User
		 * (maybe from the config) is then validated (config_post) */
		c->user_cmdline = 1;
		if (o->user == NULL && user != NULL) {
			o->user = user;
			user = NULL;
			config_origin_flag(c, OPT_USER, "destination");
		}
		free(user);
		if (o->port == -1 && port != -1) {
			o->port = port;
			config_origin_flag(c, OPT_PORT, "destination");
		}
		*hostp = host;
		return 0;
	}
	if ((at = strrchr(dest, '@')) != NULL) {
		if (at == dest)
			goto usage;
		if (o->user == NULL) {
			if ((o->user = strndup(dest, (size_t)(at - dest))) ==
			    NULL) {
				c->oom = 1;
				return -1;
			}
			config_origin_flag(c, OPT_USER, "destination");
		}
		host = strdup(at + 1);
	} else
		host = strdup(dest);
	if (host == NULL) {
		c->oom = 1;
		return -1;
	}
	*hostp = host;
	return 0;
usage:
	free(user);
	free(host);
	config_plain_fatal(c, "usage", "%s", config_ssh_usage);
	return -1;
}

/* process_config_files: -F file, or user then system config. */
static int
config_files(struct cfg *c, int final_pass)
{
	const struct config_request *req = c->req;
	const char *sys;
	char *user = NULL;
	int active, r, fin = final_pass ? CFG_FINAL : 0;

	if (req->config_file != NULL || req->config_buffer != NULL) {
		const char *name =
		    req->config_file != NULL ? req->config_file : "config";

		if (req->config_buffer == NULL && strcasecmp(name, "none") == 0)
			return 0;
		active = 1;
		errno = 0;
		r = cfgline_read(c, name, req->config_buffer,
		    req->config_buffer_len, CFG_USERCONF | fin, &active, 0);
		if (r == 0) {
			cfgline_fatal(c, "config-open",
			    "Can't open user "
			    "config file %.100s: %.100s",
			    name, strerror(errno));
			return -1;
		}
		return r == 1 ? 0 : -1;
	}
	if (c->env->user_config != NULL)
		user = strdup(c->env->user_config);
	else if (c->env->pw_dir != NULL) {
		user = expand_concat(c->env->pw_dir, "/.ssh/config", NULL);
	}
	if (user != NULL) {
		active = 1;
		r = cfgline_read(c, user, NULL, 0,
		    CFG_CHECKPERM | CFG_USERCONF | fin, &active, 0);
		free(user);
		if (r == -1)
			return -1;
	}
	sys = c->env->system_config != NULL ? c->env->system_config
	                                    : CONFIG_DEFAULT_SYSTEM;
	active = 1;
	r = cfgline_read(c, sys, NULL, 0, fin, &active, 0);
	return r == -1 ? -1 : 0;
}

static int
config_family(int af)
{
	return af == AF_OPT_INET ? AF_INET
	    : af == AF_OPT_INET6 ? AF_INET6
	                         : AF_UNSPEC;
}

static int
config_is_addr_fast(const char *name)
{
	return strchr(name, '%') != NULL || strchr(name, ':') != NULL ||
	    strspn(name, "0123456789.") == strlen(name);
}

/* ssh.c is_addr: a numeric address that parses to exactly one result. */
static int
config_is_addr(struct cfg *c, const char *name)
{
	struct addrinfo hints, *res = NULL;
	int ok;

	if (config_is_addr_fast(name))
		return 1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = config_family(c->o->address_family);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(name, "22", &hints, &res) != 0)
		return 0;
	ok = res != NULL && res->ai_next == NULL;
	freeaddrinfo(res);
	return ok;
}

/* ssh's ssh_gai_strerror */
static const char *
config_gai_strerror(int gaierr)
{
	if (gaierr == EAI_SYSTEM && errno != 0)
		return strerror(errno);
	return gai_strerror(gaierr);
}

/* ssh.c resolve_addr: numeric normalisation. 1 if an address (and
 * *hostp possibly replaced), 0 otherwise. */
static int
config_resolve_addr(struct cfg *c, char **hostp)
{
	struct addrinfo hints, *res = NULL;
	char addr[NI_MAXHOST], *n;
	int ok = 0, gaierr;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = config_family(c->o->address_family);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((gaierr = getaddrinfo(*hostp, "22", &hints, &res)) != 0) {
		CFG_DEBUG(c, KW_LOG_DEBUG2, 0, NULL, 0,
		    "resolve_addr: could not resolve name %.100s as address: "
		    "%s",
		    *hostp, config_gai_strerror(gaierr));
		return 0;
	}
	if (res == NULL) {
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "resolve_addr: getaddrinfo %.100s returned no addresses",
		    *hostp);
		return 0;
	}
	if (res->ai_next != NULL)
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "resolve_addr: getaddrinfo %.100s returned multiple "
		    "addresses",
		    *hostp);
	else if ((gaierr = getnameinfo(res->ai_addr, res->ai_addrlen, addr,
	              sizeof(addr), NULL, 0, NI_NUMERICHOST)) != 0)
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "resolve_addr: Could not format address for name %.100s: "
		    "%s",
		    *hostp, config_gai_strerror(gaierr));
	else {
		ok = 1;
		if (strcasecmp(*hostp, addr) != 0) {
			if ((n = strdup(addr)) == NULL)
				c->oom = 1;
			else {
				free(*hostp);
				*hostp = n;
			}
		}
	}
	freeaddrinfo(res);
	return ok;
}

struct config_lookup {
	int found;
	char *canonical;
};

/* Name lookup through env->resolve or getaddrinfo; never when no_dns. */
static int
config_lookup(struct cfg *c, const char *name, char **canonical)
{
	struct addrinfo hints, *res = NULL;
	int naddrs = 0, gaierr;

	*canonical = NULL;
	c->gai_err = "Name or service not known";
	c->gai_soft = 1;
	CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0, "resolve_host: lookup %s:%d",
	    name, c->o->port <= 0 ? 22 : c->o->port);
	if (c->env->no_dns)
		return -1;
	if (c->env->resolve != NULL)
		return c->env->resolve(c->env->resolve_ctx, name,
		    config_family(c->o->address_family), canonical, &naddrs);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = config_family(c->o->address_family);
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_CANONNAME;
	if ((gaierr = getaddrinfo(name, "22", &hints, &res)) != 0) {
		c->gai_err = gaierr == EAI_SYSTEM ? strerror(errno)
		                                  : gai_strerror(gaierr);
		c->gai_soft = gaierr == EAI_NONAME
#ifdef EAI_NODATA
		    || gaierr == EAI_NODATA
#endif
		    ;
		return -1;
	}
	if (res != NULL && res->ai_canonname != NULL &&
	    jump_valid_domain(res->ai_canonname, NULL, 0))
		*canonical = strdup(res->ai_canonname);
	freeaddrinfo(res);
	return 0;
}

/* resolve_host's message for a lookup that ssh does not treat as fatal:
 * a debug line for "no such name", an error otherwise. */
static void
config_lookup_failed(struct cfg *c, const char *name)
{
	if (!c->gai_soft)
		config_error(c, "resolve",
		    "ssh: Could not resolve hostname "
		    "%.100s: %s",
		    name, c->gai_err);
	else
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "ssh: Could not resolve hostname %.100s: %s", name,
		    c->gai_err);
}

static int
config_has_permitted_cnames(const struct options *o)
{
	if (o->permitted_cnames.n == 1 &&
	    strcmp(o->permitted_cnames.v[0], "none:") == 0)
		return 0;
	return o->permitted_cnames.n > 0;
}

/* ssh.c check_follow_cname */
static int
config_follow_cname(struct cfg *c, int direct, char **namep, const char *cname)
{
	struct options *o = c->o;
	char *src, *dst, *n;
	size_t i;

	if (cname == NULL || *cname == '\0' ||
	    !config_has_permitted_cnames(o) || strcmp(*namep, cname) == 0)
		return 0;
	if (o->canonicalize_hostname == 0)
		return 0;
	if (!direct && o->canonicalize_hostname != 2)
		return 0;
	CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
	    "check_follow_cname: check \"%s\" CNAME \"%s\"", *namep, cname);
	for (i = 0; i < o->permitted_cnames.n; i++) {
		if ((src = strdup(o->permitted_cnames.v[i])) == NULL) {
			c->oom = 1;
			return 0;
		}
		dst = strchr(src, ':');
		if (dst != NULL)
			*dst++ = '\0';
		else
			dst = (char *)"";
		if (match_pattern_list(*namep, src, 1) != 1 ||
		    match_pattern_list(cname, dst, 1) != 1) {
			free(src);
			continue;
		}
		free(src);
		if ((n = strdup(cname)) == NULL) {
			c->oom = 1;
			return 0;
		}
		free(*namep);
		*namep = n;
		return 1;
	}
	return 0;
}

/* ssh.c resolve_canonicalize; returns 1 if "addresses" were found. */
static int
config_canonicalize(struct cfg *c, char **hostp)
{
	struct options *o = c->o;
	char *full = NULL, *cname = NULL, *orig;
	size_t i, l;
	int direct, ndots = 0;
	const char *cp;

	if ((orig = strdup(*hostp)) == NULL) {
		c->oom = 1;
		return 0;
	}
	if (config_resolve_addr(c, hostp)) {
		CFG_DEBUG(c, KW_LOG_DEBUG2, 0, NULL, 0,
		    "resolve_canonicalize: hostname %.100s is address", orig);
		if (strcasecmp(orig, *hostp) != 0)
			CFG_DEBUG(c, KW_LOG_DEBUG2, 0, NULL, 0,
			    "resolve_canonicalize: canonicalised address "
			    "\"%s\" => \"%s\"",
			    orig, *hostp);
		free(orig);
		return 1;
	}
	free(orig);
	if (config_is_addr_fast(*hostp)) {
		CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "resolve_canonicalize: hostname %.100s is an unrecognised "
		    "address",
		    *hostp);
		return 0;
	}
	if (o->canonicalize_hostname == 0)
		return 0;
	direct = (o->proxy_command == NULL ||
	             strcasecmp(o->proxy_command, "none") == 0) &&
	    o->jump_host == NULL;
	if (!direct && o->canonicalize_hostname != 2)
		return 0;
	l = strlen(*hostp);
	if (l > 0 && (*hostp)[l - 1] == '.') {
		CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
		    "resolve_canonicalize: name is fully qualified");
		if ((full = strdup(*hostp)) == NULL) {
			c->oom = 1;
			return 0;
		}
		if (config_lookup(c, full, &cname) == 0)
			goto found;
		config_lookup_failed(c, full);
		free(full);
		goto notfound;
	}
	for (cp = *hostp; *cp != '\0'; cp++)
		if (*cp == '.')
			ndots++;
	if (ndots > o->canonicalize_max_dots) {
		CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
		    "resolve_canonicalize: not canonicalizing hostname \"%s\" "
		    "(max dots %d)",
		    *hostp, o->canonicalize_max_dots);
		return 0;
	}
	for (i = 0; i < o->canonical_domains.n; i++) {
		if (strcasecmp(o->canonical_domains.v[i], "none") == 0)
			break;
		if ((full = expand_concat(
		         *hostp, ".", o->canonical_domains.v[i])) == NULL ||
		    (cp = expand_concat(full, ".", NULL)) == NULL) {
			free(full);
			c->oom = 1;
			return 0;
		}
		free(full);
		full = (char *)cp;
		CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
		    "resolve_canonicalize: attempting \"%s\" => \"%s\"", *hostp,
		    full);
		if (config_lookup(c, full, &cname) != 0) {
			config_lookup_failed(c, full);
			free(full);
			full = NULL;
			continue;
		}
found:
		full[strlen(full) - 1] = '\0';
		if (!config_follow_cname(c, direct, &full, cname))
			CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
			    "Canonicalized hostname \"%s\" => \"%s\"", *hostp,
			    full);
		free(cname);
		free(*hostp);
		*hostp = full;
		return 1;
	}
notfound:
	if (!o->canonicalize_fallback_local) {
		cfgline_fatal(c, "canonicalize",
		    "ssh: Could not resolve host \"%s\"", *hostp);
		return 0;
	}
	CFG_DEBUG(c, KW_LOG_DEBUG2, 0, NULL, 0,
	    "resolve_canonicalize: host %s not found in any suffix", *hostp);
	return 0;
}

static int
config_expand(struct cfg *c, const struct expand_conn *ci, char **v, int tilde,
    int dollar, const char *label)
{
	struct expand_token toks[16];
	char *t = NULL, *x = NULL, errbuf[512];
	size_t n;
	int r, missing = 0;

	if (*v == NULL)
		return 0;
	if (tilde) {
		r = expand_tilde(
		    *v, c->env->pw_dir, &t, errbuf, sizeof(errbuf));
		if (r == -2) {
			c->oom = 1;
			return -1;
		}
		if (r != 0) {
			config_error(c, "tilde", "tilde_expand: %s", errbuf);
			c->fatal = 1;
			return -1;
		}
	}
	n = expand_conn_tokens(ci, toks);
	r = expand_string_seen(t != NULL ? t : *v, 1, dollar, toks, n, &x,
	    errbuf, sizeof(errbuf), &missing, CFG_SEEN(c), c);
	free(t);
	if (r == -2) {
		c->oom = 1;
		return -1;
	}
	if (r != 0) {
		config_error(c, "expand", "vdollar_percent_expand: %s", errbuf);
		if (missing)
			cfgline_fatal(c, "expand",
			    "invalid environment variable expansion");
		else
			cfgline_fatal(c, "expand", "%s: failed",
			    dollar ? "percent_dollar_expand"
			           : "percent_expand");
		return -1;
	}
	if (label != NULL && strcmp(*v, x) != 0)
		CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
		    "expanded %s '%s' -> '%s'", label, *v, x);
	free(*v);
	*v = x;
	return 0;
}

/* Everything ssh.c does between the second pass and dump_client_config. */
/*
 * ssh.c's debug line for the ProxyCommand it builds from ProxyJump (sshfwd
 * runs the hop itself and keeps no such command): ssh as found on PATH,
 * -l, -p, -J rest, -F, the -v flags, the jump host.
 */
static void
config_debug_jump(struct cfg *c)
{
	const struct options *o = c->o;
	const char *cfgfile = c->req->config_file;
	char port[16];

	snprintf(port, sizeof(port), "%d", o->jump_port);
	CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
	    "Setting implicit ProxyCommand from ProxyJump: "
	    "ssh%s%s%s%s%s%s%s%s%s%.*s -W '[%%h]:%%p' %s",
	    o->jump_user == NULL ? "" : " -l ",
	    o->jump_user == NULL ? "" : o->jump_user,
	    o->jump_port <= 0 ? "" : " -p ", o->jump_port <= 0 ? "" : port,
	    o->jump_extra == NULL ? "" : " -J ",
	    o->jump_extra == NULL ? "" : o->jump_extra,
	    cfgfile == NULL ? "" : " -F ", cfgfile == NULL ? "" : cfgfile,
	    c->debug_flag ? " -" : "", c->debug_flag, "vvv", o->jump_host);
}

static int
config_post(struct cfg *c, char **hostp)
{
	struct options *o = c->o;
	struct expand_conn ci;
	const char *failed = NULL;
	char *all;
	size_t i;
	int r, port, jport, lvl;
	struct stat st;

	r = options_fill_defaults(o, c->stdio_forward, &failed);
	if (r == -2) {
		c->oom = 1;
		return -1;
	}
	if (r == -1)
		config_error(c, "algorithms",
		    "fill_default_options: %s: "
		    "invalid argument",
		    failed);
	if (o->user == NULL) {
		if ((o->user = config_strdup(c->env->local_user != NULL
		             ? c->env->local_user
		             : "")) == NULL) {
			c->oom = 1;
			return -1;
		}
		o->origin[OPT_USER].kind = ORIGIN_DEFAULT;
	}
	if (o->jump_host != NULL) {
		port = o->port <= 0 ? 22 : o->port;
		jport = o->jump_port <= 0 ? 22 : o->jump_port;
		if (strcmp(o->jump_host, *hostp) == 0 && port == jport &&
		    strcmp(o->user,
		        o->jump_user != NULL ? o->jump_user : o->user) == 0) {
			cfgline_fatal(c, "jump-loop", "jumphost loop via %s",
			    o->jump_host);
			return -1;
		}
		o->proxy_use_fdpass = 0;
		/* ProxyJump leaves ProxyCommand "none"; it is still "none"
		 * when fill_default_options stopped early */
		if (c->loglvl >= KW_LOG_DEBUG1 &&
		    (o->proxy_command == NULL ||
		        strcmp(o->proxy_command, "none") == 0))
			config_debug_jump(c);
	}
	if (o->port == 0) {
		struct servent *sp = getservbyname("ssh", "tcp");

		o->port = sp != NULL ? ntohs((unsigned short)sp->s_port) : 22;
	}
	if (o->host_key_alias != NULL)
		lexer_lowercase(o->host_key_alias);
	if (o->proxy_command != NULL && strcmp(o->proxy_command, "-") == 0 &&
	    o->proxy_use_fdpass) {
		cfgline_fatal(c, "fdpass",
		    "ProxyCommand=- and ProxyUseFDPass are incompatible");
		return -1;
	}
	if (o->update_hostkeys == 2) {
		if (o->control_persist && o->control_path != NULL) {
			CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
			    "UpdateHostKeys=ask is incompatible with "
			    "ControlPersist; disabling");
			o->update_hostkeys = 0;
		} else if (c->req->have_command || o->remote_command != NULL ||
		    o->request_tty == KW_TTY_NO) {
			CFG_DEBUG(c, KW_LOG_DEBUG1, 0, NULL, 0,
			    "UpdateHostKeys=ask is incompatible with "
			    "remote command execution; disabling");
			o->update_hostkeys = 0;
		} else if (o->log_level < KW_LOG_INFO)
			o->update_hostkeys = 0;
	}
	if (o->connection_attempts <= 0) {
		cfgline_fatal(c, "connection-attempts",
		    "Invalid number of ConnectionAttempts");
		return -1;
	}
	if (c->req->have_command && o->remote_command != NULL) {
		cfgline_fatal(c, "remote-command",
		    "Cannot execute command-line and remote command.");
		return -1;
	}
	if (o->fork_after_authentication && !c->req->have_command &&
	    o->remote_command == NULL && o->session_type != KW_SESSION_NONE) {
		cfgline_fatal(c, "fork",
		    "Cannot fork into background without "
		    "a command to execute.");
		return -1;
	}
	/* ssh.c re-runs log_init with the final LogLevel here */
	o->log_reinit_index = c->dl->n;
	c->loglvl = o->log_level;
	/* ssh's tty decision; the notice is logged when stdin is not a
	 * terminal (or -n): the front end checks its stdin (rule "no-tty") */
	{
		int rt = o->request_tty, tty;

		tty = rt == KW_TTY_YES || rt == KW_TTY_FORCE;
		if (!c->req->have_command && o->remote_command == NULL)
			tty = rt != KW_TTY_NO;
		if (rt == KW_TTY_NO || o->session_type == KW_SESSION_NONE)
			tty = 0;
		lvl = o->log_level;
		if (tty && rt != KW_TTY_FORCE && lvl >= KW_LOG_INFO) {
			struct diag *d;

			if (diag_add(c->dl, "", 0, 0, DIAG_INFO, "no-tty",
			        "Pseudo-terminal will not be allocated because "
			        "stdin is not a terminal.") != 0)
				c->oom = 1;
			else {
				d = diag_last(c->dl);
				d->style = DIAG_STYLE_BARE;
			}
		}
	}

	if (c->user_cmdline && !jump_valid_ruser(o->user)) {
		cfgline_fatal(c, "bad-user",
		    "remote username contains invalid characters");
		return -1;
	}
	if (expand_conn_init(&ci, c->thishost, *hostp, o->port, o->user,
	        o->host_arg,
	        o->host_key_alias != NULL ? o->host_key_alias : o->host_arg,
	        c->env->pw_dir, c->env->local_user, c->env->uid) != 0) {
		c->oom = 1;
		return -1;
	}
	r = -1;
	if (o->remote_command != NULL)
		CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
		    "expanding RemoteCommand: %s", o->remote_command);
	if (config_expand(c, &ci, &o->remote_command, 0, 0, NULL) != 0)
		goto out;
	if (o->remote_command != NULL)
		CFG_DEBUG(c, KW_LOG_DEBUG3, 0, NULL, 0,
		    "expanded RemoteCommand: %s", o->remote_command);
	if (config_expand(c, &ci, &o->control_path, 1, 1, NULL) != 0 ||
	    config_expand(c, &ci, &o->identity_agent, 1, 1, NULL) != 0 ||
	    config_expand(c, &ci, &o->forward_agent_sock_path, 1, 1, NULL) != 0)
		goto out;
	if (o->forward_agent_sock_path != NULL &&
	    stat(o->forward_agent_sock_path, &st) != 0) {
		config_error(c, "agent-path",
		    "Cannot forward agent socket path \"%s\": %s",
		    o->forward_agent_sock_path, strerror(errno));
		if (o->exit_on_forward_failure) {
			c->fatal = 1;
			goto out;
		}
	}
	if (o->system_hostfiles.n > 0 &&
	    strcasecmp(o->system_hostfiles.v[0], "none") == 0) {
		if (o->system_hostfiles.n > 1) {
			cfgline_fatal(c, "known-hosts",
			    "Invalid "
			    "GlobalKnownHostsFiles: \"none\" appears with "
			    "other entries");
			goto out;
		}
		free(o->system_hostfiles.v[0]);
		o->system_hostfiles.n = 0;
	}
	if (o->user_hostfiles.n > 0 &&
	    strcasecmp(o->user_hostfiles.v[0], "none") == 0) {
		if (o->user_hostfiles.n > 1) {
			cfgline_fatal(c, "known-hosts",
			    "Invalid "
			    "UserKnownHostsFiles: \"none\" appears with "
			    "other entries");
			goto out;
		}
		free(o->user_hostfiles.v[0]);
		o->user_hostfiles.n = 0;
	}
	for (i = 0; i < o->user_hostfiles.n; i++)
		if (config_expand(c, &ci, &o->user_hostfiles.v[i], 1, 1,
		        "UserKnownHostsFile") != 0)
			goto out;
	for (i = 0; i < o->num_local_forwards; i++)
		if (config_expand(c, &ci, &o->local_forwards[i].listen_path, 0,
		        0, "LocalForward listen path") != 0 ||
		    config_expand(c, &ci, &o->local_forwards[i].connect_path, 0,
		        0, "LocalForward connect path") != 0)
			goto out;
	for (i = 0; i < o->num_remote_forwards; i++)
		if (config_expand(c, &ci, &o->remote_forwards[i].listen_path, 0,
		        0, "RemoteForward listen path") != 0 ||
		    config_expand(c, &ci, &o->remote_forwards[i].connect_path,
		        0, 0, "RemoteForward connect path") != 0)
			goto out;
	/* dump_client_config assembles HostKeyAlgorithms itself */
	all = (char *)algos_all(ALGOS_KEY);
	if (o->host_key_algorithms == NULL)
		o->origin[OPT_HOST_KEY_ALGORITHMS].kind = ORIGIN_DEFAULT;
	r = algos_assemble(
	    &o->host_key_algorithms, algos_default(ALGOS_KEY), all);
	if (r == -2) {
		c->oom = 1;
		goto out;
	}
	if (r != 0) {
		cfgline_fatal(c, "algorithms",
		    "dump_client_config: expand "
		    "HostKeyAlgorithms: invalid argument");
		r = -1;
		goto out;
	}
	r = 0;
out:
	expand_conn_free(&ci);
	return r;
}

int
config_resolve(const struct config_request *req, const struct config_env *env,
    struct options *out, struct diag_list *dl)
{
	struct cfg c;
	char *host = NULL, *cp;
	struct expand_token tok;
	char errbuf[256];
	size_t i, dpos;
	int r = -1, was_addr, addrs = 0, direct, lvl, lvl_set = 0;

	options_init(out);
	memset(&c, 0, sizeof(c));
	c.req = req;
	c.env = env;
	c.o = out;
	c.dl = dl;
	c.thishost = env->local_hostname;
	c.host = (char *)"";

	dpos = req->dest_pos_set ? req->dest_pos : req->num_events;
	if (dpos > req->num_events)
		dpos = req->num_events;
	for (i = 0; i < dpos; i++)
		if (config_event(&c, &req->events[i], "") != 0)
			goto out;
	if (req->destination == NULL) {
		config_plain_fatal(&c, "usage", "%s", config_ssh_usage);
		goto out;
	}
	if (config_destination(&c, req->destination, &host) != 0)
		goto out;
	for (i = dpos; i < req->num_events; i++)
		if (config_event(&c, &req->events[i], host) != 0)
			goto out;
	lvl = out->log_level;
	out->cmdline_log_level = lvl;
	lvl_set = 1;
	if (!req->have_command && out->session_type == KW_SESSION_SUBSYSTEM) {
		config_plain_fatal(&c, "usage",
		    "You must specify a subsystem "
		    "to invoke.\n%s",
		    config_ssh_usage);
		goto out;
	}
	if (out->user != NULL && !jump_valid_ruser(out->user)) {
		cfgline_fatal(&c, "bad-user",
		    "remote username contains invalid characters");
		goto out;
	}
	if (!jump_valid_hostname(host)) {
		cfgline_fatal(
		    &c, "bad-host", "hostname contains invalid characters");
		goto out;
	}
	/* ssh.c calls log_init here: what came before went to stderr
	 * whatever the log level */
	out->log_init_index = dl->n;
	c.loglvl = config_log_level(out);
	if ((out->host_arg = strdup(host)) == NULL)
		goto oom;
	out->origin[OPT_HOST].kind = ORIGIN_COMMAND_LINE;
	out->origin[OPT_HOST].flag = "destination";
	c.host = host;

	/* pass 1 */
	if (config_files(&c, 0) != 0)
		goto out;
	if (c.want_final)
		CFG_DEBUG(&c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "configuration requests final Match pass");
	/* fill_default_options_for_canonicalization */
	if (out->canonicalize_max_dots == -1)
		out->canonicalize_max_dots = 1;
	if (out->canonicalize_fallback_local == -1)
		out->canonicalize_fallback_local = 1;
	if (out->canonicalize_hostname == -1)
		out->canonicalize_hostname = 0;
	if (out->hostname != NULL) {
		tok.key = 'h';
		tok.value = host;
		r = expand_string(out->hostname, 1, 0, &tok, 1, &cp, errbuf,
		    sizeof(errbuf), NULL);
		if (r == -2)
			goto oom;
		if (r != 0) {
			config_error(&c, "percent-expand",
			    "vdollar_percent_expand: %s", errbuf);
			cfgline_fatal(
			    &c, "percent-expand", "percent_expand: failed");
			r = -1;
			goto out;
		}
		free(host);
		host = cp;
		free(out->hostname);
		if ((out->hostname = strdup(host)) == NULL)
			goto oom;
		c.host = host;
	}
	if ((was_addr = config_is_addr(&c, host)) == 0)
		lexer_lowercase(host);
	if (out->canonicalize_hostname != 0 || was_addr) {
		addrs = config_canonicalize(&c, &host);
		c.host = host;
		if (c.fatal || c.oom)
			goto out;
	}
	direct = (out->proxy_command == NULL ||
	             strcasecmp(out->proxy_command, "none") == 0) &&
	    out->jump_host == NULL;
	if (!addrs && config_has_permitted_cnames(out) &&
	    (direct || out->canonicalize_hostname == 2)) {
		char *cname = NULL;

		if (config_lookup(&c, host, &cname) != 0) {
			if (!direct)
				config_lookup_failed(&c, host);
			if (direct) {
				config_error(&c, "resolve",
				    "ssh: Could not resolve hostname %.100s: "
				    "%s",
				    host, c.gai_err);
				c.fatal = 1;
				goto out;
			}
		} else {
			(void)config_follow_cname(&c, direct, &host, cname);
			free(cname);
			c.host = host;
		}
	}
	if (out->canonicalize_hostname != 0 && !c.want_final) {
		CFG_DEBUG(&c, KW_LOG_DEBUG1, 0, NULL, 0,
		    "hostname canonicalisation enabled, will re-parse "
		    "configuration");
		c.want_final = 1;
	}
	if (c.want_final) {
		CFG_DEBUG(
		    &c, KW_LOG_DEBUG1, 0, NULL, 0, "re-parsing configuration");
		free(out->hostname);
		if ((out->hostname = strdup(host)) == NULL)
			goto oom;
		if (config_files(&c, 1) != 0)
			goto out;
	}
	if (config_post(&c, &host) != 0)
		goto out;
	free(out->hostname);
	out->hostname = host;
	host = NULL;
	r = 0;
	goto out;
oom:
	c.oom = 1;
out:
	if (!lvl_set)
		out->cmdline_log_level = out->log_level;
	free(host);
	if (c.oom)
		return -2;
	if (c.fatal || r != 0)
		return -1;
	return 0;
}
