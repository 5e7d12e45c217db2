/*
 * args: ssh(1)-compatible command-line parsing, without side effects.
 *
 * Like ssh, options may also follow the destination (getopt restarts after
 * it) unless "--" was given; anything after that is a command. The flags that
 * change the configuration are recorded as events in order; the rest (modes,
 * logging, forking) are plain fields.
 */
#include "autoconf.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/args.h"

/* Flags that take an argument and feed the configuration, in ssh order. */
/* One line: tests/man.sh and tests/completion.sh read it from here. */
/* clang-format off */
#define ARGS_SHORTOPTS "+:46AaCfgGKkMNnqsTtVvXxYyb:B:c:D:e:E:F:i:I:J:l:L:m:o:O:p:R:S:w:W:"
/* clang-format on */

enum {
	ARGS_LONG_HELP = 256,
	ARGS_LONG_VERSION,
	ARGS_LONG_DRY_RUN,
	ARGS_LONG_JSON,
	ARGS_LONG_LINT,
	ARGS_LONG_RECONNECT,
	ARGS_LONG_LIST_HOSTS,
};

static const struct option args_longopts[] = {
	{ "help", no_argument, NULL, ARGS_LONG_HELP },
	{ "version", no_argument, NULL, ARGS_LONG_VERSION },
	{ "dry-run", no_argument, NULL, ARGS_LONG_DRY_RUN },
	{ "json", no_argument, NULL, ARGS_LONG_JSON },
	{ "lint", no_argument, NULL, ARGS_LONG_LINT },
	{ "reconnect", no_argument, NULL, ARGS_LONG_RECONNECT },
	{ "list-hosts", no_argument, NULL, ARGS_LONG_LIST_HOSTS },
	{ NULL, 0, NULL, 0 },
};

static const char args_usage_text[] =
    "usage: sshfwd [-46CfGNqTv] [-c cipher_spec] [-D [bind_address:]port]\n"
    "              [-E log_file] [-F configfile] [-i identity_file]\n"
    "              [-J destination] [-L address] [-l login_name]\n"
    "              [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]\n"
    "              [-R address] [-S ctl_path] destination\n"
    "       sshfwd --dry-run [--json] [options] destination\n"
    "       sshfwd --lint [--json] [-F configfile] [destination ...]\n"
    "       sshfwd -O check|forward|cancel|exit|status [options] destination\n"
    "       sshfwd --help | --version\n";

static const char args_help_text[] =
    "  -G            print the resolved configuration, as ssh -G does\n"
    "  --dry-run     print the hop chain and forwards; touch no network\n"
    "  --json        machine-readable output for --dry-run, --lint, -O status\n"
    "  --lint        report what is wrong or dangerous in the config\n"
    "  --reconnect   rebuild the chain with backoff when a hop dies\n"
    "  -F file       read this config file instead of ~/.ssh/config\n"
    "  -o opt=value  set a config option (first value wins, as in ssh)\n"
    "  -p port       port on the destination\n"
    "  -l user       login name on the destination\n"
    "  -i file       identity (private key) file; may be repeated\n"
    "  -J jumps      comma-separated jump hosts (ProxyJump)\n"
    "  -L spec       local forward [bind:]port:host:hostport or unix paths\n"
    "  -R spec       remote forward [bind:]port:host:hostport, or port alone\n"
    "                for remote SOCKS\n"
    "  -D spec       local SOCKS4/5 server on [bind:]port\n"
    "  -4 / -6       IPv4 only / IPv6 only\n"
    "  -C            compression\n"
    "  -c / -m       cipher / MAC lists\n"
    "  -S path       control socket (ControlPath)\n"
    "  -O cmd        control a running sshfwd: check forward cancel exit "
    "status\n"
    "  -E file       append logs to file\n"
    "  -f            go to the background once every forward is up\n"
    "  -N / -T       accepted for ssh compatibility (sshfwd runs no command)\n"
    "  -v / -q       more verbose (repeatable) / quiet\n"
    "\n"
    "See sshfwd(1) for every option, the config keywords and examples.\n";

const char *
args_usage(void)
{
	return args_usage_text;
}

const char *
args_help(void)
{
	return args_help_text;
}

static int args_set_error(struct args *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
args_set_error(struct args *a, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(a->error);
	if ((a->error = strdup(buf)) == NULL)
		return -2;
	return -1;
}

static int
args_push_str(char ***v, size_t *n, const char *s)
{
	char **nv;

	if (*n >= ARGS_MAX_EVENTS)
		return -1;
	if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
		return -2;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -2;
	(*n)++;
	return 0;
}

static int
args_push_event(struct args *a, int flag, const char *value)
{
	struct args_event *ne;

	if (a->num_events >= ARGS_MAX_EVENTS)
		return args_set_error(
		    a, "too many options (max %d)", ARGS_MAX_EVENTS);
	ne = realloc(a->events, (a->num_events + 1) * sizeof(*ne));
	if (ne == NULL)
		return -2;
	a->events = ne;
	ne[a->num_events].flag = flag;
	ne[a->num_events].value = NULL;
	if (value != NULL && (ne[a->num_events].value = strdup(value)) == NULL)
		return -2;
	a->num_events++;
	return 0;
}

static int
args_set_str(char **dst, const char *s)
{
	char *n;

	if ((n = strdup(s)) == NULL)
		return -2;
	free(*dst);
	*dst = n;
	return 0;
}

/* Handle one option character. Returns 0, -1 (usage error) or -2 (OOM). */
static int
args_one(struct args *a, int ch, const char *arg, int optopt_c)
{
	switch (ch) {
	case ARGS_LONG_HELP:
		a->mode = ARGS_MODE_HELP;
		return 0;
	case 'V':
	case ARGS_LONG_VERSION:
		a->mode = ARGS_MODE_VERSION;
		return 0;
	case ARGS_LONG_DRY_RUN:
		a->mode = ARGS_MODE_DRY_RUN;
		return 0;
	case ARGS_LONG_JSON:
		a->json = 1;
		return 0;
	case ARGS_LONG_LINT:
		a->mode = ARGS_MODE_LINT;
		return 0;
	case ARGS_LONG_RECONNECT:
		a->reconnect = 1;
		return 0;
	case ARGS_LONG_LIST_HOSTS:
		a->mode = ARGS_MODE_LIST_HOSTS;
		return 0;
	case 'G':
		if (a->mode == ARGS_MODE_CONNECT)
			a->mode = ARGS_MODE_DUMP;
		return 0;
	case 'F':
		return args_set_str(&a->config_file, arg);
	case 'E':
		return args_set_str(&a->log_file, arg);
	case 'O':
		if (a->mode == ARGS_MODE_CONNECT)
			a->mode = ARGS_MODE_CONTROL;
		return args_set_str(&a->control_command, arg);
	case 'v':
		if (a->verbose < 3)
			a->verbose++;
		return args_push_event(a, ch, NULL);
	case 'q':
		a->quiet = 1;
		return args_push_event(a, ch, NULL);
	case 'f':
		a->fork = 1;
		return args_push_event(a, ch, NULL);
	case 'N':
		a->no_command = 1;
		return args_push_event(a, ch, NULL);
	case 'T':
		a->no_tty = 1;
		return args_push_event(a, ch, NULL);
	case 'J':
		/* a second -J is refused by config_resolve, in ssh's words */
		a->jump_given = 1;
		return args_push_event(a, ch, arg);
	case 'K':
	case 'k':
	case 'M':
	case 's':
	case 'X':
	case 'Y':
	case 'y':
	case '4':
	case '6':
	case 'A':
	case 'a':
	case 'C':
	case 'g':
	case 'n':
	case 't':
	case 'x':
		return args_push_event(a, ch, NULL);
	case 'b':
	case 'B':
	case 'c':
	case 'D':
	case 'e':
	case 'I':
	case 'w':
	case 'W':
	case 'i':
	case 'l':
	case 'L':
	case 'm':
	case 'o':
	case 'p':
	case 'R':
	case 'S':
		return args_push_event(a, ch, arg);
	case ':':
		return args_set_error(
		    a, "option requires an argument -- %c", optopt_c);
	default:
		if (optopt_c > 0 && optopt_c < 256)
			return args_set_error(
			    a, "unknown option -- %c", optopt_c);
		return args_set_error(a, "unknown option");
	}
}

int
args_parse(int argc, char *const argv[], struct args *a)
{
	char **av = NULL;
	int ac, i, ch, r = -2, dashdash;

	memset(a, 0, sizeof(*a));
	a->mode = ARGS_MODE_CONNECT;

	/* getopt permutes nothing ("+"), but we restart it on a shifted copy
	 * after the destination, as ssh does. */
	if ((av = calloc((size_t)argc + 1, sizeof(*av))) == NULL)
		goto out;
	for (i = 0; i < argc; i++)
		av[i] = argv[i];
	ac = argc;
	opterr = 0;
	optind = 0;
again:
	while ((ch = getopt_long(
	            ac, av, ARGS_SHORTOPTS, args_longopts, NULL)) != -1) {
		if (ch == '?' && optopt == 0) {
			/* unknown long option */
			const char *bad = av[optind - 1];

			r = args_set_error(
			    a, "unknown option %s", bad != NULL ? bad : "");
			goto out;
		}
		if ((r = args_one(a, ch, optarg,
		         (ch == '?' || ch == ':') ? optopt : 0)) != 0)
			goto out;
	}
	if (optind < ac) {
		dashdash = optind > 1 && strcmp(av[optind - 1], "--") == 0;
		if (a->mode == ARGS_MODE_LINT || a->destination != NULL) {
			/* lint takes several targets; after the destination
			 * everything positional is a command word. */
			if (a->mode == ARGS_MODE_LINT)
				r = args_push_str(&a->lint_targets,
				    &a->num_lint_targets, av[optind]);
			else
				r = args_push_str(&a->positionals,
				    &a->num_positionals, av[optind]);
		} else if ((a->destination = strdup(av[optind])) == NULL)
			r = -2;
		else {
			a->dest_pos = a->num_events;
			r = 0;
		}
		if (r != 0)
			goto out;
		if (!dashdash || a->mode == ARGS_MODE_LINT) {
			/* shift so that getopt sees av[optind] as argv[0] */
			ac -= optind;
			memmove(
			    av, av + optind, ((size_t)ac + 1) * sizeof(*av));
			optind = 0;
			goto again;
		}
		for (i = optind + 1; i < ac; i++)
			if ((r = args_push_str(&a->positionals,
			         &a->num_positionals, av[i])) != 0)
				goto out;
	}
	r = 0;
out:
	free(av);
	if (r == -1 && a->error == NULL)
		a->error = strdup("too many arguments");
	return r;
}

void
args_free(struct args *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->num_events; i++)
		free(a->events[i].value);
	free(a->events);
	for (i = 0; i < a->num_positionals; i++)
		free(a->positionals[i]);
	free(a->positionals);
	for (i = 0; i < a->num_lint_targets; i++)
		free(a->lint_targets[i]);
	free(a->lint_targets);
	free(a->config_file);
	free(a->log_file);
	free(a->control_command);
	free(a->destination);
	free(a->error);
	memset(a, 0, sizeof(*a));
}
