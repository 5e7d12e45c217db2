/*
 * control: the ControlPath socket of a running sshfwd, and the -O client.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "launcher/control.h"
#include "launcher/engine.h"
#include "launcher/hop.h"
#include "launcher/local.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "launcher/pump.h"
#include "launcher/remote.h"
#include "parser/forward.h"
#include "parser/options.h"

static const char *
control_hop_state(const struct hop *h)
{
	switch (h->state) {
	case HOP_READY:
		return "up";
	case HOP_DEAD:
		return "down";
	case HOP_IDLE:
		return "idle";
	default:
		return "connecting";
	}
}

static void
control_json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)(s != NULL ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* Seconds since t_ms (loop clock), and the wall-clock time it was. */
static void
control_since(uint64_t t_ms, char *buf, size_t len, long *ago)
{
	uint64_t now = loop_now_ms();
	time_t wall;
	struct tm tm;

	*ago = t_ms != 0 && now >= t_ms ? (long)((now - t_ms) / 1000) : 0;
	wall = time(NULL) - *ago;
	if (t_ms == 0 || gmtime_r(&wall, &tm) == NULL) {
		snprintf(buf, len, "-");
		return;
	}
	(void)strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static size_t
control_live(const struct engine *e, const struct fwd *f)
{
	const struct pump *p;
	size_t n = 0;

	for (p = e->pumps; p != NULL; p = p->next)
		if (p->fwd == f && p->state != PUMP_DEAD)
			n++;
	return n;
}

static void
control_fwd_line(
    struct engine *e, FILE *f, const struct fwd *fw, int bound, int json)
{
	char desc[700];
	char kind = fw->kind == FWD_LOCAL ? 'L'
	    : fw->kind == FWD_DYNAMIC     ? 'D'
	                                  : 'R';

	local_fwd_desc(fw, desc, sizeof(desc));
	if (json) {
		fprintf(f, "{\"kind\":\"%c\",\"spec\":", kind);
		control_json_str(f, desc);
		fprintf(f, ",\"bound_port\":%d,\"live\":%zu}", bound,
		    control_live(e, fw));
		return;
	}
	fprintf(f, "  -%c %-40s", kind, desc);
	if (bound > 0 && bound != fw->listen_port)
		fprintf(f, " (port %d)", bound);
	fprintf(f, " live %zu\n", control_live(e, fw));
}

/* --reconnect: the pending attempt, if any (engine.c), and whether the
 * first hop to rebuild is being probed meanwhile. */
static void
control_reconnect(struct engine *e, FILE *f, int json)
{
	const struct hop *h = e->hops[e->reconnect_from];
	uint64_t now = loop_now_ms(), due = e->t_reconnect.due_ms;
	long in_ms = due > now ? (long)(due - now) : 0;

	if (!e->reconnect_pending) {
		if (json)
			fputs("\"reconnect\":null,", f);
		return;
	}
	if (json) {
		fprintf(f,
		    "\"reconnect\":{\"attempt\":%u,\"from_hop\":%zu,"
		    "\"in_ms\":%ld,\"probing\":%s},",
		    e->attempts, e->reconnect_from + 1, in_ms,
		    h->probing ? "true" : "false");
		return;
	}
	fprintf(f, "reconnect: attempt %u from hop %zu (%s) in %.1f s%s%s%s\n",
	    e->attempts, e->reconnect_from + 1, h->name, (double)in_ms / 1000.0,
	    h->probing ? "; probing " : "", h->probing ? h->peer : "",
	    h->probing ? " meanwhile" : "");
}

void
control_status(struct engine *e, FILE *f, int json)
{
	const struct pump *p;
	char when[64];
	long ago;
	size_t i, n = 0;
	int first;

	if (json)
		fprintf(f, "{\"pid\":%ld,", (long)getpid());
	else
		fprintf(f, "sshfwd pid %ld, chain %s\n", (long)getpid(),
		    e->hops[e->num_hops - 1]->state == HOP_READY ? "up"
		                                                 : "down");
	control_reconnect(e, f, json);
	fputs(json ? "\"hops\":[" : "hops:\n", f);
	for (i = 0; i < e->num_hops; i++) {
		const struct hop *h = e->hops[i];

		control_since(h->since_ms, when, sizeof(when), &ago);
		if (json) {
			fprintf(f, "%s{\"index\":%zu,\"name\":", i ? "," : "",
			    i + 1);
			control_json_str(f, h->name);
			fputs(",\"peer\":", f);
			control_json_str(f, h->peer);
			fprintf(f,
			    ",\"state\":\"%s\",\"since\":\"%s\","
			    "\"seconds\":%ld}",
			    control_hop_state(h), when, ago);
		} else
			fprintf(f, "  %zu %-12s %-28s %-10s since %s (%ld s)\n",
			    i + 1, h->name, h->peer, control_hop_state(h), when,
			    ago);
	}
	fputs(json ? "],\"forwards\":[" : "forwards:\n", f);
	first = 1;
	for (i = 0; i < e->num_lfwds; i++, first = 0) {
		if (json && !first)
			fputc(',', f);
		control_fwd_line(e, f, &e->lfwds[i], 0, json);
	}
	for (i = 0; i < e->num_rfwds; i++) {
		if (e->rfwds[i].state == -2)
			continue;
		if (json && !first)
			fputc(',', f);
		first = 0;
		control_fwd_line(
		    e, f, e->rfwds[i].fwd, e->rfwds[i].bound_port, json);
	}
	for (i = 0; i < e->num_extra; i++) {
		/* Runtime remote forwards are listed with the table above. */
		if (e->extra[i].cancelled ||
		    e->extra[i].fwd.kind == FWD_REMOTE ||
		    e->extra[i].fwd.kind == FWD_REMOTE_DYNAMIC)
			continue;
		if (json && !first)
			fputc(',', f);
		first = 0;
		control_fwd_line(e, f, &e->extra[i].fwd, 0, json);
	}
	fputs(json ? "],\"connections\":[" : "connections:\n", f);
	for (p = e->pumps; p != NULL; p = p->next) {
		if (p->fwd == NULL || p->state == PUMP_DEAD)
			continue;
		if (json) {
			fprintf(f, "%s{\"id\":%llu,\"desc\":", n ? "," : "",
			    (unsigned long long)p->id);
			control_json_str(f, p->desc);
			fprintf(f,
			    ",\"bytes_out\":%llu,\"bytes_in\":%llu,"
			    "\"ms\":%llu}",
			    (unsigned long long)p->bytes_up,
			    (unsigned long long)p->bytes_down,
			    (unsigned long long)(loop_now_ms() -
			        p->started_ms));
		} else
			fprintf(f,
			    "  %llu %s, %llu bytes out, %llu bytes in, %llu "
			    "ms\n",
			    (unsigned long long)p->id, p->desc,
			    (unsigned long long)p->bytes_up,
			    (unsigned long long)p->bytes_down,
			    (unsigned long long)(loop_now_ms() -
			        p->started_ms));
		n++;
	}
	if (json)
		fputs("]}\n", f);
	else if (n == 0)
		fputs("  (none)\n", f);
}

void
control_log_status(struct engine *e)
{
	char *buf = NULL, *line, *nl;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (f == NULL)
		return;
	control_status(e, f, 0);
	if (fclose(f) != 0) {
		free(buf);
		return;
	}
	for (line = buf; line != NULL && *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		log_msg(LOG_INFO, "status: %s", line);
	}
	free(buf);
}

/* --- runtime forwards ------------------------------------------------------ */

static int
control_kind(const char *flag, enum fwd_kind *k)
{
	if (strcmp(flag, "L") == 0)
		*k = FWD_LOCAL;
	else if (strcmp(flag, "D") == 0)
		*k = FWD_DYNAMIC;
	else if (strcmp(flag, "R") == 0)
		*k = FWD_REMOTE;
	else
		return -1;
	return 0;
}

/*
 * A control client waiting for the server's answer to a runtime remote
 * forward or cancel. Its connection stays open until remote.c notifies,
 * the timer fires, or sshfwd exits; each path replies once and frees it.
 */
struct ctl_wait {
	struct engine *e;
	int fd;
	int add; /* forward (1) or cancel (0) */
	int want_port; /* forward of port 0: print the port */
	struct extra_fwd *x; /* forward: its slot */
	struct rfwd *r;
	struct loop_timer t;
	struct ctl_wait *next;
};

#define CONTROL_WAIT_MS 8000

static void
control_write_all(int fd, const char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = write(fd, buf + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
}

/* Unlink w, answer its client and free it. */
static void
control_wait_done(struct ctl_wait *w, const char *err, int port)
{
	struct ctl_wait **pp;
	char buf[800];
	int n;

	for (pp = &w->e->ctl_waits; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	loop_timer_disarm(&w->e->loop, &w->t);
	if (err != NULL) {
		if (w->add && w->x != NULL)
			w->x->cancelled = 1;
		n = snprintf(buf, sizeof(buf), "error %s\n", err);
	} else if (w->add && w->want_port)
		n = snprintf(buf, sizeof(buf), "ok\n%d\n", port);
	else {
		if (!w->add) {
			size_t i;

			/* A runtime one: its slot is free of it now. */
			for (i = 0; i < w->e->num_extra; i++)
				if (&w->e->extra[i].fwd == w->r->fwd)
					w->e->extra[i].cancelled = 1;
		}
		n = snprintf(buf, sizeof(buf), "ok\n");
	}
	if (n > 0)
		control_write_all(w->fd, buf,
		    (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	close(w->fd);
	free(w);
}

static void
control_wait_notify(void *ctx, const char *err, int port)
{
	control_wait_done(ctx, err, port);
}

static void
control_wait_timeout(struct loop_timer *t)
{
	struct ctl_wait *w = t->data;

	/* The request stays queued; if it succeeds later remote.c cancels
	 * it again (state -2), so nothing is left behind on the server. */
	if (w->r != NULL) {
		w->r->notify = NULL;
		if (w->add)
			w->r->state = -2;
	}
	control_wait_done(w,
	    "no answer from the server in 8 s (is the chain down? see -O "
	    "status)",
	    0);
}

/* -O forward/cancel -R: 1 when the reply is deferred (fd kept). */
static int
control_remote(struct engine *e, FILE *f, int add, struct fwd *fw, int fd)
{
	struct ctl_wait *w;
	struct extra_fwd *x = NULL;
	char err[400];
	int rc;

	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		forward_free(fw);
		fputs("error out of memory\n", f);
		return 0;
	}
	w->e = e;
	w->fd = fd;
	w->add = add;
	w->want_port = fw->listen_port == 0;
	err[0] = '\0';
	if (add) {
		if (e->num_extra == e->cap_extra) {
			forward_free(fw);
			free(w);
			fputs("error too many runtime forwards\n", f);
			return 0;
		}
		x = &e->extra[e->num_extra];
		x->fwd = *fw;
		x->cancelled = 0;
		w->x = x;
		rc = remote_add(e, &x->fwd, control_wait_notify, w, &w->r, err,
		    sizeof(err));
		if (rc == 0)
			e->num_extra++; /* the table points at x->fwd now */
		else
			forward_free(&x->fwd);
		if (rc == 1) {
			if (w->want_port)
				fprintf(f, "ok\n%d\n", w->r->bound_port);
			else
				fputs("ok\n", f);
			free(w);
			return 0;
		}
	} else {
		rc = remote_cancel(
		    e, fw, control_wait_notify, w, &w->r, err, sizeof(err));
		forward_free(fw);
	}
	if (rc == 1) { /* cancelled without asking the server */
		free(w);
		fputs("ok\n", f);
		return 0;
	}
	if (rc != 0) {
		free(w);
		fprintf(f, "error %s\n", rc == -2 ? "out of memory" : err);
		return 0;
	}
	w->next = e->ctl_waits;
	e->ctl_waits = w;
	loop_timer_init(&w->t, control_wait_timeout, w);
	loop_timer_arm(&e->loop, &w->t, CONTROL_WAIT_MS);
	return 1;
}

/* "forward L SPEC" / "cancel L SPEC". Writes the reply to f, or returns 1
 * when it comes later (remote forwards: the server answers first). */
static int
control_forward(struct engine *e, FILE *f, int add, char *args, int fd)
{
	struct extra_fwd *x;
	struct listener *l;
	enum fwd_kind kind;
	struct fwd fw;
	char *sp = strchr(args, ' ');
	size_t i;
	int n = 0, rc;

	if (sp == NULL) {
		fputs("error usage: forward|cancel L|R|D SPEC\n", f);
		return 0;
	}
	*sp++ = '\0';
	if (control_kind(args, &kind) != 0) {
		fputs("error usage: forward|cancel L|R|D SPEC\n", f);
		return 0;
	}
	memset(&fw, 0, sizeof(fw));
	/* As ssh's -R: a remote forward, else a remote dynamic one. */
	if (forward_parse(sp, kind, &fw) <= 0 &&
	    (kind != FWD_REMOTE ||
	        forward_parse(sp, FWD_REMOTE_DYNAMIC, &fw) <= 0)) {
		fprintf(f, "error Bad forwarding specification '%s'\n", sp);
		return 0;
	}
	if (fw.kind == FWD_REMOTE || fw.kind == FWD_REMOTE_DYNAMIC)
		return control_remote(e, f, add, &fw, fd);
	if (!add) {
		for (i = 0; i < e->num_extra; i++)
			if (!e->extra[i].cancelled &&
			    forward_equals(&e->extra[i].fwd, &fw))
				e->extra[i].cancelled = 1;
		n = local_remove(e, &fw);
		forward_free(&fw);
		if (n == 0)
			fputs("error port not forwarded\n", f);
		else
			fputs("ok\n", f);
		return 0;
	}
	if (e->num_extra == e->cap_extra) {
		/* Never realloc: listeners and pumps point into it. */
		forward_free(&fw);
		fputs("error too many runtime forwards\n", f);
		return 0;
	}
	for (l = e->listeners; l != NULL; l = l->next)
		if (l->nfds > 0 && l->fwd->kind == fw.kind &&
		    forward_equals(l->fwd, &fw)) {
			/* Already listening: a success, as ssh's mux. */
			forward_free(&fw);
			fputs("ok\n", f);
			return 0;
		}
	for (l = e->listeners; l != NULL; l = l->next)
		if (l->nfds > 0 && fw.listen_path == NULL &&
		    l->fwd->listen_path == NULL &&
		    l->fwd->listen_port == fw.listen_port) {
			fprintf(f,
			    "error Port forwarding failed: port %d is in use "
			    "by this sshfwd's forward %s\n",
			    fw.listen_port, l->desc);
			forward_free(&fw);
			return 0;
		}
	x = &e->extra[e->num_extra];
	x->fwd = fw;
	x->cancelled = 0;
	errno = 0;
	rc = local_add(e, &x->fwd);
	if (rc != 0) {
		int err = errno;
		char desc[700];

		/* The listener (unbound) stays in the list pointing at x. */
		x->cancelled = 1;
		e->num_extra++;
		local_fwd_desc(&x->fwd, desc, sizeof(desc));
		if (rc == -2)
			fputs("error out of memory\n", f);
		else
			fprintf(f,
			    "error Port forwarding failed: cannot listen "
			    "for %s: %s\n",
			    desc,
			    err == EADDRINUSE ? "port in use (another program "
			                        "listens there)"
			        : err != 0    ? strerror(err)
			                      : "see the log");
		return 0;
	}
	e->num_extra++;
	fputs("ok\n", f);
	return 0;
}

/* --- the server ------------------------------------------------------------ */

/* Serve one request on fd. 1 when the reply is deferred (the fd then
 * belongs to a ctl_wait), 0 when fd can be closed. */
static int
control_serve(struct engine *e, int fd)
{
	char line[CONTROL_LINE_MAX], *buf = NULL, *args;
	struct timeval tv = { 1, 0 };
	size_t len = 0, got = 0;
	ssize_t n;
	FILE *f;
	int later = 0;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	tv.tv_sec = 2;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (got < sizeof(line) - 1) {
		n = read(fd, line + got, sizeof(line) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(line, '\n', got) != NULL)
			break;
	}
	line[got] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	args = strchr(line, ' ');
	if (args != NULL)
		*args++ = '\0';
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return 0;
	log_msg(LOG_DEBUG1, "control request: %s", line);
	if (strcmp(line, "check") == 0)
		fprintf(f, "ok\nMaster running (pid=%ld)\n", (long)getpid());
	else if (strcmp(line, "exit") == 0) {
		fputs("ok\nExit request sent.\n", f);
		engine_stop(e, 0);
	} else if (strcmp(line, "status") == 0) {
		fputs("ok\n", f);
		control_status(e, f, 0);
	} else if (strcmp(line, "status-json") == 0) {
		fputs("ok\n", f);
		control_status(e, f, 1);
	} else if (strcmp(line, "forward") == 0 && args != NULL)
		later = control_forward(e, f, 1, args, fd);
	else if (strcmp(line, "cancel") == 0 && args != NULL)
		later = control_forward(e, f, 0, args, fd);
	else
		fprintf(f, "error Unsupported command '%s'\n", line);
	if (fclose(f) == 0 && !later)
		control_write_all(fd, buf, len);
	free(buf);
	return later;
}

static void
control_on_accept(struct loop_watch *w, uint32_t ev)
{
	struct engine *e = w->data;
	int fd;

	(void)ev;
	while ((fd = accept4(w->fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		if (control_serve(e, fd) == 0)
			close(fd);
}

/* Is something listening at path? */
static int
control_live_socket(const struct sockaddr_un *sa)
{
	int fd, live;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live;
}

int
control_start(struct engine *e)
{
	const char *path = e->dest->control_path;
	struct sockaddr_un sa;
	mode_t old;
	int fd;

	e->ctl_fd = -1;
	if (path == NULL || strcmp(path, "none") == 0)
		return 0;
	if (path_sockaddr_un(&sa, path) != 0) {
		log_msg(LOG_ERROR,
		    "ControlPath \"%s\" too long for Unix domain "
		    "socket; control socket disabled.",
		    path);
		return -1;
	}
	if (control_live_socket(&sa)) {
		log_msg(LOG_ERROR,
		    "ControlSocket %s already exists and is live; control "
		    "socket disabled.",
		    path);
		log_hint("another sshfwd or ssh master owns it; use another "
		         "ControlPath (-S) for this one");
		return -1;
	}
	(void)unlink(path); /* stale, or nothing */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	old = umask(077);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0600) != 0 || listen(fd, 16) != 0) {
		umask(old);
		log_msg(LOG_ERROR,
		    "ControlSocket %s: %s; control socket "
		    "disabled.",
		    path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	loop_watch_init(&e->ctl_watch, control_on_accept, e);
	if (loop_watch_add(&e->loop, &e->ctl_watch, fd, EPOLLIN) != 0) {
		close(fd);
		(void)unlink(path);
		return -1;
	}
	e->ctl_fd = fd;
	e->ctl_path = path;
	log_msg(LOG_DEBUG1, "control socket listening on %s", path);
	return 0;
}

void
control_stop(struct engine *e)
{
	while (e->ctl_waits != NULL) {
		struct ctl_wait *w = e->ctl_waits;

		if (w->r != NULL) {
			w->r->notify = NULL;
			if (w->add)
				w->r->state = -2;
		}
		control_wait_done(w, "sshfwd is exiting", 0);
	}
	if (e->ctl_fd < 0)
		return;
	loop_watch_del(&e->loop, &e->ctl_watch);
	close(e->ctl_fd);
	e->ctl_fd = -1;
	if (e->ctl_path != NULL)
		(void)unlink(e->ctl_path);
}

/* --- the client ------------------------------------------------------------ */

/* Connect to the master at path: the fd, or -1 after ssh's message. */
static int
control_client_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (path_sockaddr_un(&sa, path) != 0) {
		fprintf(stderr, "ControlPath too long ('%s' >= %zu bytes)\n",
		    path, sizeof(sa.sun_path));
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "Control socket connect(%s): %s\n", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
control_client_reach(const char *path)
{
	int fd = control_client_connect(path);

	if (fd < 0)
		return 255;
	close(fd);
	return 0;
}

int
control_client(const char *path, const char *verb, const char *args)
{
	char buf[CONTROL_LINE_MAX], *body;
	char *reply = NULL;
	size_t len = 0;
	ssize_t n;
	FILE *f;
	int fd, ok;

	fd = control_client_connect(path);
	if (fd < 0)
		return 255;
	n = (ssize_t)snprintf(buf, sizeof(buf), "%s%s%s\n", verb,
	    args != NULL ? " " : "", args != NULL ? args : "");
	if (n < 0 || (size_t)n >= sizeof(buf) ||
	    write(fd, buf, (size_t)n) != n) {
		fprintf(stderr, "Control socket write(%s) failed\n", path);
		close(fd);
		return 255;
	}
	f = open_memstream(&reply, &len);
	if (f == NULL) {
		close(fd);
		return 255;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, f);
	close(fd);
	if (fclose(f) != 0) {
		free(reply);
		return 255;
	}
	ok = strncmp(reply, "ok\n", 3) == 0;
	body = strchr(reply, '\n');
	body = body != NULL ? body + 1 : reply + len;
	if (!ok) {
		size_t l = body - reply;
		int err = strncmp(reply, "error ", 6) == 0;
		int fwd =
		    strcmp(verb, "forward") == 0 || strcmp(verb, "cancel") == 0;

		/* ssh's mux client logs each refused forward (a log line:
		 * \r\n) and goes on with the others. */
		fprintf(stderr, "%s%.*s%s",
		    fwd ? "mux_client_forward: forwarding request failed: "
		        : "",
		    (int)(err && l > 6 ? l - 7 : l), err ? reply + 6 : reply,
		    fwd ? "\r\n" : "\n");
		free(reply);
		return fwd ? CONTROL_REFUSED : 255;
	}
	/* ssh -O prints check/exit messages on stderr, ending in \r\n. */
	if (strcmp(verb, "check") == 0 || strcmp(verb, "exit") == 0) {
		size_t bl = strlen(body);

		if (bl > 0 && body[bl - 1] == '\n')
			bl--;
		fprintf(stderr, "%.*s\r\n", (int)bl, body);
	} else
		fputs(body, stdout);
	free(reply);
	return 0;
}

int
control_client_done(const char *verb, int refused)
{
	int cancel = strcmp(verb, "cancel") == 0;

	if (!refused)
		return 0;
	fprintf(stderr, "muxclient: master %s request failed\r\n",
	    cancel ? "cancel forward" : "forward");
	return cancel ? 0 : 255;
}
