/*
 * main_exec.c: how the sshfwd binary reaches the modes that need libssh.
 *
 * sshfwd links only the parser. Loading libssh with libcrypto and the
 * Kerberos libraries costs the dynamic loader ~8 ms per start, more than
 * resolving a 40,000-line config, and -G, --dry-run, --lint and shell
 * completion never use them (bench/RESULTS-parser.md). Forwarding and -O
 * exec sshfwd-run, the same front end linked with the launcher, with the
 * unchanged argv: same pid, same arguments, one process.
 */
#include "autoconf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "main.h"

#define MAIN_EXEC_RUNNER "sshfwd-run"

/* dir + "/" + MAIN_EXEC_RUNNER into buf; -1 if it does not fit. */
static int
main_exec_join(char *buf, size_t size, const char *dir)
{
	size_t d = strlen(dir), r = strlen(MAIN_EXEC_RUNNER);

	if (d + 1 + r + 1 > size)
		return -1;
	memcpy(buf, dir, d);
	buf[d] = '/';
	memcpy(buf + d + 1, MAIN_EXEC_RUNNER, r + 1);
	return 0;
}

/*
 * The runner next to our own executable wins: that is the build tree (tests,
 * the quick start) and relocated installs. Otherwise the configured
 * $(pkglibexecdir). Returns 0 with the path in buf, -1 if neither exists.
 */
static int
main_exec_find(char *buf, size_t size)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			if (main_exec_join(buf, size, self) == 0 &&
			    access(buf, X_OK) == 0)
				return 0;
		}
	}
	if (main_exec_join(buf, size, PKGLIBEXECDIR) == 0 &&
	    access(buf, X_OK) == 0)
		return 0;
	return -1;
}

int
main_run(const struct args *a, char **argv)
{
	char path[PATH_MAX];

	(void)a;
	if (main_exec_find(path, sizeof(path)) != 0) {
		fprintf(stderr,
		    "sshfwd: cannot find %s/%s: %s\n"
		    "sshfwd: -G, --dry-run and --lint work without it; "
		    "reinstall sshfwd (make install) to forward\n",
		    PKGLIBEXECDIR, MAIN_EXEC_RUNNER, strerror(ENOENT));
		return MAIN_EXIT_USAGE;
	}
	fflush(stdout);
	execv(path, argv);
	fprintf(stderr, "sshfwd: cannot run %s: %s\n", path, strerror(errno));
	return MAIN_EXIT_USAGE;
}
