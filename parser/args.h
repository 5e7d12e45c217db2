/*
 * args: the ssh-style command line, parsed into an ordered list of events.
 *
 * ssh applies its flags left to right as it reads them (-o and -p are
 * first-wins, most other flags overwrite), so the order matters. args keeps
 * every option that affects the resolved configuration as an event in
 * command-line order; config_resolve() replays them. args never prints: a
 * bad command line becomes an error message in struct args.
 */
#ifndef SSHFWD_ARGS_H
#define SSHFWD_ARGS_H

#include <stddef.h>

enum args_mode {
	ARGS_MODE_CONNECT = 0, /* run the forwards */
	ARGS_MODE_DUMP, /* -G */
	ARGS_MODE_DRY_RUN, /* --dry-run */
	ARGS_MODE_LINT, /* --lint */
	ARGS_MODE_CONTROL, /* -O cmd */
	ARGS_MODE_HELP, /* --help */
	ARGS_MODE_VERSION, /* --version, -V */
	ARGS_MODE_LIST_HOSTS, /* --list-hosts (completion helper) */
};

/* One config-affecting flag, in command-line order. */
struct args_event {
	int flag; /* the option letter: 'o', 'p', 'l', 'i', 'L', ... */
	char *value; /* its argument, or NULL for flags without one */
};

#define ARGS_MAX_EVENTS 4096

struct args {
	enum args_mode mode;
	int json; /* --json */
	int reconnect; /* --reconnect */
	char *config_file; /* -F (last one wins, as in ssh); NULL if none */
	int verbose; /* number of -v */
	int quiet; /* -q */
	char *log_file; /* -E */
	int fork; /* -f */
	int no_command; /* -N */
	int no_tty; /* -T */
	char *control_command; /* -O */
	char *destination; /* first positional; NULL if none */
	size_t dest_pos; /* events recorded before the destination */
	char **positionals; /* every positional after the destination */
	size_t num_positionals;
	char **lint_targets; /* --lint: all positionals */
	size_t num_lint_targets;
	struct args_event *events;
	size_t num_events;
	int jump_given; /* -J seen (only one allowed, as in ssh) */
	char *error; /* set when parsing failed; one line, no newline */
};

/*
 * Parse argv. Returns 0 on success, -1 on a usage error (a.error says why),
 * -2 on out of memory. argv is not modified; a owns copies of everything.
 */
int args_parse(int argc, char *const argv[], struct args *a);

void args_free(struct args *a);

/* The synopsis, printed after a usage error. */
const char *args_usage(void);

/* What --help prints after the synopsis: every option, one line each. */
const char *args_help(void);

#endif
