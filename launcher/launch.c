/*
 * launch: set up the engine for a plan, run the loop, shut down cleanly.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "launcher/control.h"
#include "launcher/engine.h"
#include "launcher/hop.h"
#include "launcher/launch.h"
#include "launcher/local.h"
#include "launcher/log.h"
#include "launcher/pump.h"
#include "launcher/remote.h"
#include "parser/forward.h"
#include "parser/options.h"
#include "parser/plan.h"

void
launch_opts_init(struct launch_opts *lo)
{
	memset(lo, 0, sizeof(*lo));
	lo->ready_fd = -1;
}

static void
launch_on_signal(struct loop_watch *w, uint32_t ev)
{
	struct engine *e = w->data;
	struct signalfd_siginfo si;

	(void)ev;
	while (read(w->fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGUSR1) {
			control_log_status(e);
			continue;
		}
		log_msg(LOG_DEBUG1, "Received signal %u; terminating.",
		    si.ssi_signo);
		engine_stop(e, 0);
	}
}

static void
launch_raise_nofile(void)
{
	struct rlimit rl;

	/* libssh keeps SSH_OPTIONS_FD in 16 bits: stay below 65536. */
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_max > 65536)
		rl.rlim_max = 65536;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* -f: the parent leaves at once (its copies of the sessions' fds must not
 * send anything), the child carries on without a terminal. */
static int
launch_background(void)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0) {
		log_msg(LOG_ERROR, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		_exit(0);
	(void)setsid();
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		(void)dup2(fd, 0);
		(void)dup2(fd, 1);
		(void)dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	log_detach_stderr();
	return 0;
}

/* A signalfd wakes epoll only for the process that registered it: after
 * fork the child needs its own. */
static void
launch_signals_again(struct engine *e, const sigset_t *mask)
{
	if (e->sigfd >= 0) {
		loop_watch_del(&e->loop, &e->sig_watch);
		close(e->sigfd);
	}
	e->sigfd = signalfd(-1, mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (e->sigfd >= 0)
		(void)loop_watch_add(
		    &e->loop, &e->sig_watch, e->sigfd, EPOLLIN);
}

static void
launch_cleanup(struct engine *e, sigset_t *oldmask)
{
	struct pump *p;
	size_t i;

	/* Pumps first (their channels belong to live sessions), then the
	 * hops from the top (each one's transport runs through the one
	 * below it). */
	while ((p = e->pumps) != NULL) {
		if (p->hop != NULL &&
		    (p->hop->s == NULL || p->hop->state == HOP_DEAD))
			pump_abandon(p);
		pump_free(p);
	}
	local_stop(e);
	control_stop(e); /* waiting clients point into the remote table */
	remote_stop(e);
	for (i = 0; i < e->num_extra; i++)
		forward_free(&e->extra[i].fwd);
	free(e->extra);
	for (i = e->num_hops; i > 0; i--)
		hop_free(e->hops[i - 1]);
	free(e->hops);
	if (e->sigfd >= 0) {
		loop_watch_del(&e->loop, &e->sig_watch);
		close(e->sigfd);
	}
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	loop_free(&e->loop);
	free(e->scratch);
}

int
launch_run(const struct plan *p, const struct launch_opts *lo)
{
	struct engine eng, *e = &eng;
	struct launch_opts def;
	sigset_t mask, oldmask;
	size_t i;
	int ready_sent = 0;

	if (lo == NULL) {
		launch_opts_init(&def);
		lo = &def;
	}
	(void)log_init(lo->verbose, lo->quiet, lo->log_file);
	memset(e, 0, sizeof(*e));
	e->sigfd = -1;
	e->ctl_fd = -1;
	e->plan = p;
	e->lo = lo;
	if (p == NULL || p->num_hops == 0) {
		log_msg(LOG_ERROR, "nothing to connect to (empty plan)");
		return 255;
	}
	e->dest = &p->hops[p->num_hops - 1].opts;
	/* ClearAllForwardings: the resolver has emptied the lists already
	 * (options.c); a plan built otherwise (tests/test_launcher.c) is held
	 * to it here, once. Forwards added with -O forward still run, as
	 * under ssh's mux master. */
	if (e->dest->clear_forwardings == 1)
		log_msg(LOG_DEBUG1,
		    "ClearAllForwardings: only forwards added with -O "
		    "forward.");
	else {
		e->lfwds = e->dest->local_forwards;
		e->num_lfwds = e->dest->num_local_forwards;
		e->cfg_rfwds = e->dest->remote_forwards;
		e->num_cfg_rfwds = e->dest->num_remote_forwards;
	}
	signal(SIGPIPE, SIG_IGN);
	srandom((unsigned)getpid() ^ (unsigned)loop_now_ms());
	launch_raise_nofile();
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	if (loop_init(&e->loop) != 0) {
		log_msg(LOG_ERROR, "epoll: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		return 255;
	}
	e->scratch = malloc(ENGINE_SCRATCH_SIZE);
	e->hops = calloc(p->num_hops, sizeof(*e->hops));
	if (e->scratch == NULL || e->hops == NULL)
		goto oom;
	e->extra = calloc(ENGINE_MAX_EXTRA, sizeof(*e->extra));
	if (e->extra == NULL)
		goto oom;
	e->cap_extra = ENGINE_MAX_EXTRA;
	e->num_hops = p->num_hops;
	for (i = 0; i < p->num_hops; i++) {
		e->hops[i] = hop_new(e, i, p->hops[i].alias, &p->hops[i].opts);
		if (e->hops[i] == NULL)
			goto oom;
	}
	e->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (e->sigfd >= 0) {
		loop_watch_init(&e->sig_watch, launch_on_signal, e);
		(void)loop_watch_add(
		    &e->loop, &e->sig_watch, e->sigfd, EPOLLIN);
	}
	(void)control_start(e);
	(void)hop_start(e->hops[0]);
	while (!e->stop) {
		engine_iterate(e, -1);
		if (e->forwards_up && !ready_sent && !e->stop) {
			ready_sent = 1;
			log_msg(LOG_DEBUG1, "All forwards are up.");
			if (lo->ready_fd >= 0) {
				(void)write(lo->ready_fd, "ready\n", 6);
				close(lo->ready_fd);
			}
			if (lo->fork && launch_background() != 0)
				engine_stop(e, 255);
			else if (lo->fork)
				launch_signals_again(e, &mask);
		}
	}
	launch_cleanup(e, &oldmask);
	log_close();
	return e->exit_status;
oom:
	log_msg(LOG_ERROR, "out of memory");
	e->exit_status = 255;
	launch_cleanup(e, &oldmask);
	log_close();
	return 255;
}
