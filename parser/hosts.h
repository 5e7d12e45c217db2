/*
 * hosts: the Host aliases a config tree declares, for shell completion.
 *
 * `sshfwd --list-hosts` prints them one per line. The walk reads the same
 * files ssh reads (the -F file, or the user config then the system config)
 * and follows every Include the way ssh anchors it: relative paths live in
 * ~/.ssh/ for user configs and -F files and in /etc/ssh/ for the system
 * config; each pattern is globbed and the matches read in sorted order. As
 * ssh does when parsing only, Include is followed inside inactive Host and
 * Match blocks too, so every alias of the tree is found. Only plain names are
 * listed: no pattern (`*`, `?`) and no negation (`!`).
 */
#ifndef SSHFWD_HOSTS_H
#define SSHFWD_HOSTS_H

#include <stddef.h>

#include "parser/diag.h"

#define HOSTS_MAX_DEPTH 16 /* ssh's READCONF_MAX_DEPTH */
#define HOSTS_MAX_FILES 4096 /* bound on files read in one walk */
#define HOSTS_MAX_NAMES 100000 /* bound on aliases collected */

struct hosts_request {
	/* -F: read only this file ("none": nothing). NULL: the user config,
	 * then the system config. */
	const char *config_file;
	const char *user_config; /* NULL: <pw_dir>/.ssh/config */
	const char *system_config; /* NULL: /etc/ssh/ssh_config */
	const char *system_dir; /* anchor of system Includes; NULL: /etc/ssh */
	const char *pw_dir; /* home from the password database */
	const char *home; /* $HOME: what glob's ~ expands to; NULL: pw_dir */
};

struct hosts_names {
	char **v; /* unique, in the order first declared */
	size_t n;
};

/*
 * Collect the plain Host aliases of the tree req names into out
 * (initialised here; free with hosts_names_free). Problems (an unreadable -F
 * file, a bad Include, too deep a nesting) go to dl; the walk goes on past
 * them as far as it can. Returns 0 when no DIAG_ERROR was recorded, -1 when
 * one was (out still holds what was found), -2 on out of memory.
 */
int hosts_list(const struct hosts_request *req, struct hosts_names *out,
    struct diag_list *dl);

void hosts_names_free(struct hosts_names *names);

#endif
