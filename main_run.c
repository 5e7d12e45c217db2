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
#include "parser/plan.h"
#include "launcher/control.h"
#include "launcher/launch.h"
#include "main.h"

/*
 * -O: resolve the config for the destination (ControlPath, -S), then send
 * the verb to the running sshfwd (doc/control.md). forward / cancel send
 * each -L / -R / -D of the command line as one request.
 */
static int
main_control(const struct args *a)
{
	struct config_env env;
	struct config_request req;
	struct options o;
	struct diag_list dl;
	const char *verb = a->control_command;
	char *path = NULL;
	size_t i;
	int r, ret = 255, sent = 0, refused = 0, cleared = 0;

	if (main_env(&env) != 0)
		return MAIN_EXIT_USAGE;
	main_request(a, &req);
	diag_list_init(&dl);
	r = config_resolve(&req, &env, &o, &dl);
	if (r == 0 && o.control_path != NULL &&
	    strcmp(o.control_path, "none") != 0)
		path = strdup(o.control_path);
	cleared = r == 0 && o.clear_forwardings == 1;
	options_free(&o);
	diag_list_free(&dl);
	config_env_free(&env);
	if (r != 0) {
		fprintf(stderr, "sshfwd: cannot resolve the configuration\n");
		return 255;
	}
	if (path == NULL) {
		fprintf(
		    stderr, "No ControlPath specified for \"-O\" command\n");
		return 255;
	}
	if (strcmp(verb, "check") == 0 || strcmp(verb, "exit") == 0)
		ret = control_client(path, verb, NULL);
	else if (strcmp(verb, "status") == 0)
		ret = control_client(
		    path, a->json ? "status-json" : "status", NULL);
	else if ((strcmp(verb, "forward") == 0 ||
	             strcmp(verb, "cancel") == 0) &&
	    cleared)
		/* As ssh: ClearAllForwardings (-o or config) empties the
		 * client's own list too, so nothing is sent and that is not
		 * an error; ssh still connects to the master first. */
		ret = control_client_reach(path);
	else if (strcmp(verb, "forward") == 0 || strcmp(verb, "cancel") == 0) {
		ret = 0;
		/* Every forward is sent even after a refusal, as ssh's mux
		 * client does; only a master that cannot be asked stops. */
		for (i = 0; i < a->num_events && ret != 255; i++) {
			char arg[2048];
			int f = a->events[i].flag;

			if (f != 'L' && f != 'R' && f != 'D')
				continue;
			snprintf(arg, sizeof(arg), "%c %s", f,
			    a->events[i].value != NULL ? a->events[i].value
			                               : "");
			ret = control_client(path, verb, arg);
			if (ret == CONTROL_REFUSED)
				refused = 1;
			sent++;
		}
		if (ret != 255)
			ret = control_client_done(verb, refused);
		if (sent == 0) {
			fprintf(stderr, "No forward specified for \"-O %s\"\n",
			    verb);
			ret = 255;
		}
	} else {
		fprintf(stderr, "Unsupported -O command \"%s\"\n", verb);
		ret = 255;
	}
	free(path);
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
