/*
 * sshfwd front end: parse the command line, pick the mode, wire the parts.
 *
 * Nothing here interprets configuration or moves bytes: parser/ resolves,
 * launcher/ runs. Exit statuses follow ssh: 255 for usage and configuration
 * errors.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/args.h"

#define MAIN_EXIT_USAGE 255

static int
main_not_built(const char *what)
{
	fprintf(stderr, "sshfwd: %s is not available in this build yet\n",
	    what);
	return 2;
}

int
main(int argc, char **argv)
{
	struct args a;
	int r, ret = MAIN_EXIT_USAGE;

	r = args_parse(argc, argv, &a);
	if (r == -2) {
		fprintf(stderr, "sshfwd: out of memory\n");
		goto out;
	}
	if (r != 0) {
		fprintf(stderr, "sshfwd: %s\n%s", a.error, args_usage());
		goto out;
	}
	switch (a.mode) {
	case ARGS_MODE_HELP:
		fputs(args_usage(), stdout);
		fputs(args_help(), stdout);
		ret = 0;
		goto out;
	case ARGS_MODE_VERSION:
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		ret = 0;
		goto out;
	case ARGS_MODE_LINT:
		ret = main_not_built("--lint");
		goto out;
	default:
		break;
	}
	if (a.destination == NULL) {
		fputs(args_usage(), stderr);
		goto out;
	}
	switch (a.mode) {
	case ARGS_MODE_DUMP:
		ret = main_not_built("-G");
		break;
	case ARGS_MODE_DRY_RUN:
		ret = main_not_built("--dry-run");
		break;
	case ARGS_MODE_CONTROL:
		ret = main_not_built("-O");
		break;
	case ARGS_MODE_LIST_HOSTS:
		ret = main_not_built("--list-hosts");
		break;
	default:
		ret = main_not_built("forwarding");
		break;
	}
 out:
	args_free(&a);
	return ret;
}
