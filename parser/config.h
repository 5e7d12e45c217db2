/*
 * config: resolve one destination's options the way ssh(1) does.
 *
 * This is ssh.c main()'s configuration half: replay the command-line events,
 * read the user config (or -F) and the system config, run the final pass
 * when Match final / CanonicalizeHostname asks for it, canonicalise the host
 * name, fill defaults and expand what ssh expands before its -G dump.
 *
 * The environment (home directory, login name, local host name, config
 * paths, name resolution) comes in struct config_env so tests can fix it.
 */
#ifndef SSHFWD_CONFIG_H
#define SSHFWD_CONFIG_H

#include <stddef.h>

#include "parser/args.h"
#include "parser/diag.h"
#include "parser/options.h"

/*
 * Name lookup used by CanonicalizeHostname. Returns 0 and sets *canonical
 * (malloc'd, the resolver's canonical name, or NULL) and *naddrs when the
 * name resolves, -1 when it does not.
 */
typedef int (*config_resolve_fn)(
    void *ctx, const char *name, int family, char **canonical, int *naddrs);

struct config_env {
	char *pw_dir; /* home directory from the password database */
	char *env_home; /* $HOME (glob's ~ in Include); may be NULL */
	char *local_user; /* login name from the password database */
	long uid;
	char *local_hostname; /* gethostname() */
	char *user_config; /* NULL: <pw_dir>/.ssh/config */
	char *system_config; /* NULL: /etc/ssh/ssh_config */
	char *shell; /* $SHELL for Match exec; NULL: /bin/sh */
	config_resolve_fn resolve; /* NULL: getaddrinfo */
	void *resolve_ctx;
	int no_exec; /* 1: never run Match exec (treated as false) */
	int no_dns; /* 1: never resolve names (dry-run) */
};

/* Fill env from the process (getpwuid, getenv, gethostname). 0 or -1. */
int config_env_from_process(struct config_env *env);
void config_env_free(struct config_env *env);

/*
 * What to resolve: a destination as typed (alias, user@host, ssh://...),
 * the -F file, and the command-line events to replay in order (struct
 * args_event: the letters args_parse records, plus 'W' meaning ssh -W, which
 * the chain builder uses for jump hosts as ssh's nested `ssh -W` does).
 */
struct config_request {
	const char *destination;
	const char *config_file; /* -F, or NULL */
	/* When config_buffer is non-NULL it is the -F file's content (parse
	 * from memory: tests, fuzzing); config_file is then only its display
	 * name and the relative-Include anchor rules of a -F file apply. */
	const char *config_buffer;
	size_t config_buffer_len;
	const struct args_event *events;
	size_t num_events;
	/* Where the destination stood on the command line: the number of
	 * events before it (ssh applies user@host / ssh:// only if -l/-p/-o
	 * have not set User/Port yet). When dest_pos_set is 0, every event
	 * counts as coming before the destination. */
	int dest_pos_set;
	size_t dest_pos;
	/* A remote command was given after the destination (ssh's checks
	 * against RemoteCommand, -f and the tty message depend on it). */
	int have_command;
};

/*
 * Resolve req into out (initialised here; caller frees with options_free).
 * Every diagnostic goes to dl. Returns 0 when ssh would have gone on to
 * print its -G dump, -1 when ssh would have exited 255 (dl says why), -2 on
 * out of memory.
 */
int config_resolve(const struct config_request *req,
    const struct config_env *env, struct options *out, struct diag_list *dl);

/*
 * Log level ssh would use while parsing this command line (-q, -v, -o
 * LogLevel): decides which diagnostics ssh would have shown. Returns
 * out->cmdline_log_level mapped to ssh's default (INFO) when unset.
 */
int config_log_level(const struct options *o);

/*
 * Whether ssh would have printed diagnostic d at log level lvl (fatal
 * needs FATAL, errors ERROR, informational lines INFO, ssh's debug lines
 * DEBUG1..DEBUG3: -v, -vv, -vvv).
 */
int config_diag_visible(const struct diag *d, int lvl);

/*
 * Whether ssh would have shown dl->v[i]: everything logged before ssh's
 * log_init (command line, destination checks: o->log_init_index) always,
 * later lines by config_diag_visible at config_log_level, and from ssh's
 * second log_init on (o->log_reinit_index) at the final LogLevel. Call after
 * config_resolve on the same o and dl.
 */
int config_diag_shown(
    const struct options *o, const struct diag_list *dl, size_t i);

/*
 * The -G dump of resolved options, exactly as ssh 9.2 (Debian) prints it.
 * Returns a malloc'd NUL-terminated string, or NULL on out of memory.
 */
char *config_dump(const struct options *o);

#endif
