/*
 * sshfwd front end: parse the command line, pick the mode, wire the parts.
 *
 * Nothing here interprets configuration or moves bytes: parser/ resolves,
 * launcher/ runs. Exit statuses follow ssh: 255 for usage and configuration
 * errors.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <unistd.h>

#include "parser/args.h"
#include "parser/config.h"
#include "parser/diag.h"
#include "parser/hosts.h"
#include "parser/lint.h"
#include "parser/plan.h"
#include "parser/plan_format.h"
#include "main.h"

int
main_env(struct config_env *env)
{
	if (config_env_from_process(env) != 0) {
		fprintf(stderr, "No user exists for uid %lu\r\n",
		    (unsigned long)getuid());
		return -1;
	}
	return 0;
}

void
main_request(const struct args *a, struct config_request *req)
{
	memset(req, 0, sizeof(*req));
	req->destination = a->destination;
	req->config_file = a->config_file;
	req->events = a->events;
	req->num_events = a->num_events;
	req->dest_pos_set = a->destination != NULL;
	req->dest_pos = a->dest_pos;
	req->have_command = a->num_positionals > 0;
}

/*
 * --dry-run: build the plan (no network, no DNS; Match exec still runs as
 * ssh would), print it as text or JSON, diagnostics on stderr. 0 for a
 * valid plan, 255 when ssh would have refused the configuration.
 */
static int
main_dry_run(const struct args *a)
{
	struct config_env env;
	struct diag_list dl;
	struct plan p;
	char *out = NULL, *diags = NULL;
	int r, ret = MAIN_EXIT_USAGE;

	memset(&p, 0, sizeof(p));
	diag_list_init(&dl);
	if (main_env(&env) != 0)
		return MAIN_EXIT_USAGE;
	env.no_dns = 1;
	r = plan_build(a, &env, &p, &dl);
	if (r == -2) {
		fprintf(stderr, "sshfwd: out of memory\n");
		goto out;
	}
	if ((diags = plan_format_diags(&dl)) == NULL) {
		fprintf(stderr, "sshfwd: out of memory\n");
		goto out;
	}
	fputs(diags, stderr);
	if (a->json)
		out = plan_format_json(&p, a->destination, &dl,
		    a->verbose > 0 ? PLAN_FORMAT_VERBOSE : 0);
	else if (r == 0)
		out = plan_format_text(
		    &p, a->verbose > 0 ? PLAN_FORMAT_VERBOSE : 0);
	if ((a->json || r == 0) && out == NULL) {
		fprintf(stderr, "sshfwd: out of memory\n");
		goto out;
	}
	if (out != NULL)
		fputs(out, stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "sshfwd: write error\n");
		goto out;
	}
	ret = r == 0 ? 0 : MAIN_EXIT_USAGE;
out:
	free(out);
	free(diags);
	plan_free(&p);
	diag_list_free(&dl);
	config_env_free(&env);
	return ret;
}

/*
 * --list-hosts (shell completion): the plain Host aliases of the config tree,
 * one per line. Problems go to stderr in ssh's words; the aliases found are
 * printed anyway.
 */
static int
main_list_hosts(const struct args *a)
{
	struct hosts_request req;
	struct hosts_names names;
	struct diag_list dl;
	struct passwd *pw;
	char buf[1024];
	size_t i;
	int r;

	memset(&req, 0, sizeof(req));
	req.config_file = a->config_file;
	if ((pw = getpwuid(getuid())) != NULL)
		req.pw_dir = pw->pw_dir;
	req.home = getenv("HOME");
	diag_list_init(&dl);
	r = hosts_list(&req, &names, &dl);
	if (r == -2) {
		fprintf(stderr, "sshfwd: out of memory\n");
		diag_list_free(&dl);
		return MAIN_EXIT_USAGE;
	}
	for (i = 0; i < dl.n; i++) {
		diag_format_ssh(&dl.v[i], buf, sizeof(buf));
		fprintf(stderr, "%s\n", buf);
	}
	for (i = 0; i < names.n; i++)
		printf("%s\n", names.v[i]);
	hosts_names_free(&names);
	diag_list_free(&dl);
	if (fflush(stdout) != 0)
		return MAIN_EXIT_USAGE;
	return r == 0 ? 0 : MAIN_EXIT_USAGE;
}

/*
 * -G: resolve like ssh and print its dump; diagnostics go to stderr as
 * ssh prints them (log lines end in "\r\n", fprintf ones in "\n").
 */
static int
main_dump(const struct args *a)
{
	struct config_env env;
	struct config_request req;
	struct options o;
	struct diag_list dl;
	char *out = NULL, line[8192];
	size_t i;
	int r, stdin_tty;

	if (main_env(&env) != 0)
		return MAIN_EXIT_USAGE;
	main_request(a, &req);
	diag_list_init(&dl);
	r = config_resolve(&req, &env, &o, &dl);
	stdin_tty = isatty(STDIN_FILENO);
	for (i = 0; i < dl.n; i++) {
		if (!config_diag_shown(&o, &dl, i))
			continue;
		if (strcmp(dl.v[i].rule, "no-tty") == 0 && stdin_tty &&
		    o.stdin_null != 1)
			continue;
		if (dl.v[i].plain == 2) {
			fputs(dl.v[i].message, stderr);
			continue;
		}
		diag_format_ssh(&dl.v[i], line, sizeof(line));
		fprintf(stderr, "%s%s", line, dl.v[i].plain ? "\n" : "\r\n");
	}
	if (r == 0 && (out = config_dump(&o)) != NULL)
		fputs(out, stdout);
	free(out);
	options_free(&o);
	diag_list_free(&dl);
	config_env_free(&env);
	if (r == -2)
		fprintf(stderr, "sshfwd: out of memory\n");
	return r == 0 ? 0 : MAIN_EXIT_USAGE;
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
	case ARGS_MODE_LINT: {
		/* Exit 0 clean, 1 warnings only, 2 errors (doc/lint.md). */
		struct lint_request lr;
		struct config_env env;
		struct diag_list dl;
		char *text = NULL;

		memset(&lr, 0, sizeof(lr));
		memset(&env, 0, sizeof(env));
		diag_list_init(&dl);
		lr.config_file = a.config_file;
		lr.targets = (const char *const *)a.lint_targets;
		lr.num_targets = a.num_lint_targets;
		ret = 2;
		if (main_env(&env) != 0)
			goto out;
		env.no_exec = 1; /* never run Match exec while linting */
		env.no_dns = 1;
		if (lint_run(&lr, &env, &dl) == -2 ||
		    (text = a.json ? lint_format_json(&dl)
		                   : lint_format_text(&dl, 1)) == NULL)
			fprintf(stderr, "sshfwd: out of memory\n");
		else {
			fputs(text, stdout);
			ret = lint_exit_status(&dl);
		}
		free(text);
		diag_list_free(&dl);
		config_env_free(&env);
		goto out;
	}
	case ARGS_MODE_LIST_HOSTS:
		ret = main_list_hosts(&a);
		goto out;
	default:
		break;
	}
	if (a.destination == NULL && a.mode != ARGS_MODE_DUMP) {
		fputs(args_usage(), stderr);
		goto out;
	}
	switch (a.mode) {
	case ARGS_MODE_DUMP:
		ret = main_dump(&a);
		break;
	case ARGS_MODE_DRY_RUN:
		ret = main_dry_run(&a);
		break;
	default:
		/* -O and forwarding need libssh: see main_run() */
		ret = main_run(&a, argv);
		break;
	}
out:
	args_free(&a);
	return ret;
}
