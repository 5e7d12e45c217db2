/*
 * main_run.c: the modes that need libssh (-O control client, forwarding).
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "parser/args.h"
#include "parser/config.h"
#include "parser/diag.h"
#include "parser/forward.h"
#include "parser/plan.h"
#include "launcher/control.h"
#include "launcher/launch.h"
#include "main.h"

/*
 * -O forward / cancel, as ssh's mux client: every forward of the resolved
 * options is sent (the command line's -L/-D/-R and the config file's
 * LocalForward/DynamicForward/RemoteForward, local and dynamic ones
 * first, then remote ones; none under ClearAllForwardings), each even
 * after a refusal; only a master that cannot be asked stops. With nothing
 * to send, ssh still greets the master and exits 0 (255 when there is
 * none), for forward and cancel alike.
 */
static int
main_control_forwards(
    const char *path, const char *verb, const struct options *o)
{
	size_t i, nl = o->num_local_forwards;
	size_t n = nl + o->num_remote_forwards;
	char **specs = NULL, arg[CONTROL_ARG_MAX];
	int rc, ret = 255, refused = 0;

	if (n == 0)
		return control_client_reach(path);
	if ((specs = calloc(n, sizeof(*specs))) == NULL) {
		fprintf(stderr, "sshfwd: out of memory\n");
		return 255;
	}
	/* Every spec is written before the first is sent: one that cannot
	 * be sent fails the command before the master changes. */
	for (i = 0; i < n; i++) {
		const struct fwd *f = i < nl ? &o->local_forwards[i]
		                             : &o->remote_forwards[i - nl];

		rc = forward_spec(f, &specs[i]);
		if (rc == -2) {
			fprintf(stderr, "sshfwd: out of memory\n");
			goto out;
		}
		if (rc != 0 || strlen(specs[i]) + 3 > sizeof(arg)) {
			fprintf(stderr,
			    "sshfwd: cannot send forward %zu of -O %s to the "
			    "master: a host or path holds \"${\", a control "
			    "character, or is too long\n",
			    i + 1, verb);
			goto out;
		}
	}
	ret = 0;
	for (i = 0; i < n && ret != 255; i++) {
		enum fwd_kind k =
		    i < nl ? o->local_forwards[i].kind : FWD_REMOTE;

		snprintf(arg, sizeof(arg), "%c %s",
		    k == FWD_DYNAMIC ? 'D' : (k == FWD_LOCAL ? 'L' : 'R'),
		    specs[i]);
		ret = control_client(path, verb, arg);
		if (ret == CONTROL_REFUSED)
			refused = 1;
	}
	if (ret != 255)
		ret = control_client_done(verb, refused);
out:
	for (i = 0; i < n; i++)
		free(specs[i]);
	free(specs);
	return ret;
}

/*
 * -O: resolve the config for the destination (ControlPath, -S), then send
 * the verb to the running sshfwd (doc/control.md).
 */
static int
main_control(const struct args *a)
{
	struct config_env env;
	struct config_request req;
	struct options o;
	struct diag_list dl;
	const char *verb = a->control_command;
	int r, ret = 255;

	if (main_env(&env) != 0)
		return MAIN_EXIT_USAGE;
	main_request(a, &req);
	diag_list_init(&dl);
	r = config_resolve(&req, &env, &o, &dl);
	diag_list_free(&dl);
	config_env_free(&env);
	if (r != 0) {
		options_free(&o);
		fprintf(stderr, "sshfwd: cannot resolve the configuration\n");
		return 255;
	}
	if (o.control_path == NULL || strcmp(o.control_path, "none") == 0)
		fprintf(
		    stderr, "No ControlPath specified for \"-O\" command\n");
	else if (strcmp(verb, "check") == 0 || strcmp(verb, "exit") == 0)
		ret = control_client(o.control_path, verb, NULL);
	else if (strcmp(verb, "status") == 0)
		ret = control_client(
		    o.control_path, a->json ? "status-json" : "status", NULL);
	else if (strcmp(verb, "forward") == 0 || strcmp(verb, "cancel") == 0)
		ret = main_control_forwards(o.control_path, verb, &o);
	else
		fprintf(stderr, "Unsupported -O command \"%s\"\n", verb);
	options_free(&o);
	return ret;
}

/* Forwarding mode: build the hop chain and run it. */
static int
main_connect(const struct args *a)
{
	struct config_env env;
	struct launch_opts lo;
	struct diag_list dl;
	struct plan p;
	char line[8192];
	size_t i;
	int r, lvl;

	if (main_env(&env) != 0)
		return MAIN_EXIT_USAGE;
	memset(&p, 0, sizeof(p));
	diag_list_init(&dl);
	r = plan_build(a, &env, &p, &dl);
	lvl =
	    p.num_hops > 0 ? config_log_level(&p.hops[p.num_hops - 1].opts) : 3;
	for (i = 0; i < dl.n; i++) {
		if (!config_diag_visible(&dl.v[i], lvl))
			continue;
		diag_format_ssh(&dl.v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	diag_list_free(&dl);
	if (r == 0) {
		launch_opts_init(&lo);
		lo.verbose = a->verbose;
		lo.quiet = a->quiet;
		lo.log_file = a->log_file;
		lo.fork = a->fork;
		lo.reconnect = a->reconnect;
		r = launch_run(&p, &lo);
	} else {
		if (r == -2)
			fprintf(stderr, "sshfwd: out of memory\n");
		r = MAIN_EXIT_USAGE;
	}
	plan_free(&p);
	config_env_free(&env);
	return r;
}

/*
 * The runner is exec'd by the front end under its own file name; name the
 * process "sshfwd" again so ps, top, pkill -x and killall see what the user
 * started.
 */
int
main_run(const struct args *a, char **argv)
{
	(void)argv;
#ifdef __linux__
	(void)prctl(PR_SET_NAME, "sshfwd", 0, 0, 0);
#endif
	if (a->mode == ARGS_MODE_CONTROL)
		return main_control(a);
	return main_connect(a);
}
