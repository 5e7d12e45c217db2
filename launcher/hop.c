/*
 * hop: reach one server (TCP, ProxyCommand or a carrier channel), run the
 * SSH handshake, host key check and authentication, then serve global
 * requests one at a time.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libssh/callbacks.h>

#include "launcher/auth.h"
#include "launcher/engine.h"
#include "launcher/hop.h"
#include "launcher/hostcert.h"
#include "launcher/hostkey.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "launcher/pump.h"
#include "launcher/resolve.h"
#include "launcher/rxbuf.h"
#include "parser/options.h"

#define HOP_DRAIN_ROUNDS 64
#define HOP_SOCKBUF (4 * 1024 * 1024)
/* The certificate fetch's limit without ConnectTimeout. */
#define HOP_CF_TIMEOUT_MS 10000

static void hop_on_fd(struct loop_watch *w, uint32_t ev);
static void hop_probe_on_fd(struct loop_watch *w, uint32_t ev);
static void hop_cf_on_fd(struct loop_watch *w, uint32_t ev);
static void hop_cf_timeout(struct loop_timer *t);
static int hop_session_start(struct hop *h);

struct hop *
hop_new(
    struct engine *e, size_t index, const char *name, const struct options *o)
{
	struct hop *h;
	char buf[512];
	int i;

	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return NULL;
	h->eng = e;
	h->index = index;
	h->o = o;
	h->lib_fd = -1;
	h->pump_fd = -1;
	h->name = strdup(
	    name != NULL ? name : (o->host_arg != NULL ? o->host_arg : "?"));
	snprintf(buf, sizeof(buf), "%s port %d",
	    o->hostname != NULL ? o->hostname : h->name,
	    o->port > 0 ? o->port : 22);
	h->peer = strdup(buf);
	if (h->name == NULL || h->peer == NULL) {
		free(h->name);
		free(h->peer);
		free(h);
		return NULL;
	}
	loop_watch_init(&h->w, hop_on_fd, h);
	for (i = 0; i < HOP_PROBE_MAX; i++)
		loop_watch_init(&h->probe_w[i], hop_probe_on_fd, h);
	h->cf_fd = -1;
	loop_watch_init(&h->cf_w, hop_cf_on_fd, h);
	loop_timer_init(&h->cf_t, hop_cf_timeout, h);
	return h;
}

void
hop_fail(struct hop *h, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	if (h->state == HOP_DEAD)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	free(h->error);
	h->error = strdup(buf);
	log_msg(LOG_ERROR, "%s", buf);
	h->died_in = h->state;
	h->up_ms = h->state == HOP_READY ? loop_now_ms() - h->since_ms : 0;
	h->state = HOP_DEAD;
	h->since_ms = loop_now_ms();
	loop_timer_disarm(&h->eng->loop, &h->t_alive);
	engine_hop_dead(h->eng, h);
}

static void
hop_on_fd(struct loop_watch *w, uint32_t ev)
{
	struct hop *h = w->data;

	(void)ev;
	/* Only a wake-up: hop_drive() reads for every hop each iteration.
	 * While TCP-connecting, EPOLLOUT means the connect finished. */
	if (h->tcp_connecting)
		h->tcp_connecting = 2;
}

/* --- hop 0: TCP ------------------------------------------------------------- */

static void hop_tcp_next(struct hop *h);

static void
hop_tcp_timeout(struct loop_timer *t)
{
	struct hop *h = t->data;

	log_msg(LOG_DEBUG1, "connect to %s: timed out", h->peer);
	if (h->lib_fd >= 0) {
		loop_watch_del(&h->eng->loop, &h->w);
		close(h->lib_fd);
		h->lib_fd = -1;
	}
	errno = ETIMEDOUT;
	h->addr_cur = ((struct addrinfo *)h->addr_cur)->ai_next;
	hop_tcp_next(h);
}

/* Bind fd to BindAddress (if set). quiet: failures at debug level (the
 * reconnect probe retries every few seconds; the attempt itself reports). */
static int
hop_bind_local(struct hop *h, int fd, int family, int quiet)
{
	struct addrinfo hints, *res = NULL;
	int rc, err;

	if (h->o->bind_address == NULL)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
	rc = getaddrinfo(h->o->bind_address, NULL, &hints, &res);
	if (rc != 0) {
		log_msg(quiet ? LOG_DEBUG1 : LOG_ERROR, "getaddrinfo: %s: %s",
		    h->o->bind_address, gai_strerror(rc));
		errno = EADDRNOTAVAIL;
		return -1;
	}
	rc = bind(fd, res->ai_addr, res->ai_addrlen);
	err = errno;
	if (rc != 0)
		log_msg(quiet ? LOG_DEBUG1 : LOG_ERROR, "bind %s: %s",
		    h->o->bind_address, strerror(err));
	freeaddrinfo(res);
	errno = err;
	return rc;
}

/*
 * A non-blocking socket for ai, bound to BindAddress, with connect()
 * started: the fd (connected or EINPROGRESS), or -1 with errno set. Shared
 * by the connection attempt and the reconnect probe so both leave from the
 * same address.
 */
static int
hop_tcp_socket(struct hop *h, const struct addrinfo *ai, int quiet)
{
	int fd, err;

	fd = socket(
	    ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (hop_bind_local(h, fd, ai->ai_family, quiet) != 0 ||
	    (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
	        errno != EINPROGRESS)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* Numeric host and port of ai, for messages. */
static void
hop_addr_str(
    const struct addrinfo *ai, char *host, size_t hlen, char *port, size_t plen)
{
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, (socklen_t)hlen,
	        port, (socklen_t)plen, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(host, hlen, "?");
		snprintf(port, plen, "?");
	}
}

/* Try the current address; on immediate failure move on. */
static void
hop_tcp_next(struct hop *h)
{
	struct addrinfo *ai;
	char host[NI_MAXHOST], port[NI_MAXSERV];
	int fd, err = errno;

	while ((ai = h->addr_cur) != NULL) {
		hop_addr_str(ai, host, sizeof(host), port, sizeof(port));
		log_msg(LOG_DEBUG1, "Connecting to %s [%s] port %s.",
		    h->o->hostname, host, port);
		fd = hop_tcp_socket(h, ai, 0);
		if (fd < 0) {
			err = errno;
			log_msg(LOG_DEBUG1, "connect to address %s port %s: %s",
			    host, port, strerror(err));
			h->addr_cur = ai->ai_next;
			continue;
		}
		h->lib_fd = fd;
		h->tcp_connecting = 1;
		if (loop_watch_add(&h->eng->loop, &h->w, fd, EPOLLOUT) != 0) {
			hop_fail(h, "epoll: %s", strerror(errno));
			return;
		}
		if (h->o->connection_timeout > 0)
			loop_timer_arm(&h->eng->loop, &h->t_connect,
			    (uint64_t)h->o->connection_timeout * 1000);
		return;
	}
	/* All addresses failed for this attempt. */
	h->attempt++;
	if (h->attempt <
	    (h->o->connection_attempts > 0 ? h->o->connection_attempts : 1)) {
		h->addr_cur = h->addrs;
		log_msg(LOG_DEBUG1, "connect to %s: attempt %d failed: %s",
		    h->peer, h->attempt, strerror(err));
		/* ssh sleeps a second between attempts. */
		loop_timer_arm(&h->eng->loop, &h->t_connect, 1000);
		h->tcp_connecting = 3;
		return;
	}
	hop_fail(h, "ssh: connect to host %s: %s", h->peer,
	    err == ETIMEDOUT ? "Connection timed out" : strerror(err));
	if (err == ECONNREFUSED)
		log_hint("is sshd running on %s, and is Port right for '%s'?",
		    h->peer, h->name);
	else if (err == ETIMEDOUT)
		log_hint("the host did not answer; check HostName, the network "
		         "path, or raise ConnectTimeout");
}

static void
hop_tcp_timer(struct loop_timer *t)
{
	struct hop *h = t->data;

	if (h->state == HOP_HANDSHAKE || h->state == HOP_AUTH) {
		/* ssh applies ConnectTimeout to the banner exchange too. */
		hop_fail(h,
		    "Connection timed out during banner exchange with "
		    "%s",
		    h->peer);
		log_hint("the server accepted the connection but did not "
		         "answer as an SSH server in %d s (ConnectTimeout)",
		    h->o->connection_timeout);
		return;
	}
	if (h->tcp_connecting == 3) {
		h->tcp_connecting = 0;
		hop_tcp_next(h);
		return;
	}
	hop_tcp_timeout(t);
}

/* EPOLLOUT on a connecting socket. */
static void
hop_tcp_check(struct hop *h)
{
	int err = 0, one = 1;
	socklen_t sl = sizeof(err);

	if (getsockopt(h->lib_fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
		err = errno;
	if (err == EINPROGRESS) {
		h->tcp_connecting = 1;
		return;
	}
	loop_timer_disarm(&h->eng->loop, &h->t_connect);
	h->tcp_connecting = 0;
	if (err != 0) {
		loop_watch_del(&h->eng->loop, &h->w);
		close(h->lib_fd);
		h->lib_fd = -1;
		log_msg(
		    LOG_DEBUG1, "connect to %s: %s", h->peer, strerror(err));
		h->addr_cur = ((struct addrinfo *)h->addr_cur)->ai_next;
		errno = err;
		hop_tcp_next(h);
		return;
	}
	(void)setsockopt(
	    h->lib_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (h->o->tcp_keep_alive != 0)
		(void)setsockopt(
		    h->lib_fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	log_msg(LOG_DEBUG1, "Connection established.");
	loop_watch_del(&h->eng->loop, &h->w);
	if (hop_session_start(h) != 0)
		return;
}

/* The lookup of HostName finished (resolve.h): connect, or fail as ssh. */
static void
hop_resolved(void *data, const char *host, const char *port,
    struct addrinfo *res, int err)
{
	struct hop *h = data;

	(void)host;
	(void)port;
	h->resolving = NULL;
	if (err != 0) {
		hop_fail(h, "ssh: Could not resolve hostname %s: %s",
		    h->o->hostname, gai_strerror(err));
		log_hint(
		    "check HostName for '%s' (and AddressFamily)", h->name);
		return;
	}
	h->addrs = res;
	h->addr_cur = res;
	h->attempt = 0;
	hop_tcp_next(h);
}

/* What the lookup of HostName asks for: AddressFamily, the Port. */
static void
hop_tcp_hints(struct hop *h, struct addrinfo *hints, char *port, size_t len)
{
	memset(hints, 0, sizeof(*hints));
	hints->ai_family = h->o->address_family == AF_OPT_INET ? AF_INET
	    : h->o->address_family == AF_OPT_INET6             ? AF_INET6
	                                                       : AF_UNSPEC;
	hints->ai_socktype = SOCK_STREAM;
	snprintf(port, len, "%d", h->o->port > 0 ? h->o->port : 22);
}

static int
hop_start_tcp(struct hop *h)
{
	struct addrinfo hints;
	char port[16];

	hop_tcp_hints(h, &hints, port, sizeof(port));
	loop_timer_init(&h->t_connect, hop_tcp_timer, h);
	/* Off the loop: a slow nameserver must not stall the other hops'
	 * traffic while this one (re)connects. */
	h->resolving = resolve_start(
	    &h->eng->loop, h->o->hostname, port, &hints, hop_resolved, h);
	if (h->resolving == NULL) {
		hop_fail(h, "ssh: Could not resolve hostname %s: %s",
		    h->o->hostname, strerror(errno));
		return -1;
	}
	return 0;
}

/* --- hop 0: is the link back? (--reconnect) ------------------------------ */

/* Close every probe socket of this round. */
static void
hop_probe_close(struct hop *h)
{
	int i;

	for (i = 0; i < HOP_PROBE_MAX; i++) {
		int fd = h->probe_w[i].fd;

		if (fd < 0)
			continue;
		loop_watch_del(&h->eng->loop, &h->probe_w[i]);
		close(fd);
	}
}

/* A probe connect finished (EPOLLOUT/EPOLLERR). */
static void
hop_probe_on_fd(struct loop_watch *w, uint32_t ev)
{
	struct hop *h = w->data;
	int err = 0, fd = w->fd;
	socklen_t sl = sizeof(err);
	void (*up)(struct hop *) = h->probe_up;

	(void)ev;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
		err = errno;
	if (err == EINPROGRESS)
		return;
	loop_watch_del(&h->eng->loop, w);
	close(fd);
	if (err != 0) {
		log_msg(LOG_DEBUG1, "Probe of %s: %s.", h->peer, strerror(err));
		return;
	}
	/* Reachable: sshd only logs a connection closed before the banner. */
	hop_probe_stop(h);
	up(h);
}

static void
hop_probe_resolved(void *data, const char *host, const char *port,
    struct addrinfo *res, int err)
{
	struct hop *h = data;
	struct addrinfo *ai;
	char ahost[NI_MAXHOST], aport[NI_MAXSERV];
	int fd, n = 0;

	(void)host;
	(void)port;
	h->probe_resolving = NULL;
	if (err != 0) {
		log_msg(LOG_DEBUG1, "Probe of %s: cannot resolve %s: %s.",
		    h->peer, h->o->hostname, gai_strerror(err));
		return;
	}
	for (ai = res; ai != NULL && n < HOP_PROBE_MAX; ai = ai->ai_next) {
		hop_addr_str(ai, ahost, sizeof(ahost), aport, sizeof(aport));
		log_msg(LOG_DEBUG1, "Probing %s [%s] port %s.", h->o->hostname,
		    ahost, aport);
		fd = hop_tcp_socket(h, ai, 1);
		if (fd < 0) {
			log_msg(LOG_DEBUG1, "Probe of %s [%s]: %s.", h->peer,
			    ahost, strerror(errno));
			continue;
		}
		if (loop_watch_add(
		        &h->eng->loop, &h->probe_w[n], fd, EPOLLOUT) != 0) {
			close(fd);
			continue;
		}
		n++;
	}
	freeaddrinfo(res);
}

/* One round: give up on the last round's connects, look the name up again
 * (it may point elsewhere once the network is back), connect anew. */
static void
hop_probe_tick(struct loop_timer *t)
{
	struct hop *h = t->data;
	struct addrinfo hints;
	char port[16];

	hop_probe_close(h);
	loop_timer_arm(&h->eng->loop, &h->t_probe, h->probe_interval_ms);
	if (h->probe_resolving != NULL)
		return; /* a slow nameserver: wait for it */
	hop_tcp_hints(h, &hints, port, sizeof(port));
	h->probe_resolving = resolve_start(
	    &h->eng->loop, h->o->hostname, port, &hints, hop_probe_resolved, h);
	if (h->probe_resolving == NULL)
		log_msg(LOG_DEBUG1, "Probe of %s: cannot start the lookup: %s.",
		    h->peer, strerror(errno));
}

int
hop_direct_tcp(const struct hop *h)
{
	return h->index == 0 &&
	    (h->o->proxy_command == NULL ||
	        strcmp(h->o->proxy_command, "none") == 0);
}

int
hop_probe_start(struct hop *h, unsigned interval_ms, void (*up)(struct hop *h))
{
	if (!hop_direct_tcp(h))
		return -1;
	hop_probe_stop(h);
	h->probe_up = up;
	h->probe_interval_ms = interval_ms;
	h->probing = 1;
	loop_timer_init(&h->t_probe, hop_probe_tick, h);
	hop_probe_tick(&h->t_probe);
	return 0;
}

void
hop_probe_stop(struct hop *h)
{
	if (!h->probing)
		return;
	h->probing = 0;
	loop_timer_disarm(&h->eng->loop, &h->t_probe);
	hop_probe_close(h);
	resolve_cancel(h->probe_resolving);
	h->probe_resolving = NULL;
}

/* --- hop 0: ProxyCommand -------------------------------------------------- */

static char *
hop_proxy_expand(struct hop *h, const char *cmd)
{
	size_t cap = strlen(cmd) * 2 + 256, len = 0;
	char *out = malloc(cap), tmp[64];
	const char *p, *add;
	size_t n;

	if (out == NULL)
		return NULL;
	for (p = cmd; *p != '\0'; p++) {
		add = NULL;
		if (*p == '%' && p[1] != '\0') {
			p++;
			switch (*p) {
			case 'h':
				add = h->o->hostname;
				break;
			case 'n':
				add = h->o->host_arg;
				break;
			case 'r':
				add = h->o->user != NULL ? h->o->user : "";
				break;
			case 'p':
				snprintf(tmp, sizeof(tmp), "%d",
				    h->o->port > 0 ? h->o->port : 22);
				add = tmp;
				break;
			case '%':
				add = "%";
				break;
			default:
				tmp[0] = '%';
				tmp[1] = *p;
				tmp[2] = '\0';
				add = tmp;
				break;
			}
		} else {
			tmp[0] = *p;
			tmp[1] = '\0';
			add = tmp;
		}
		if (add == NULL)
			add = "";
		n = strlen(add);
		if (len + n + 1 > cap) {
			char *t;

			cap = (len + n + 1) * 2;
			t = realloc(out, cap);
			if (t == NULL) {
				free(out);
				return NULL;
			}
			out = t;
		}
		memcpy(out + len, add, n);
		len += n;
	}
	out[len] = '\0';
	return out;
}

static int
hop_start_proxy(struct hop *h)
{
	int sv[2];
	pid_t pid;
	char *cmd;
	const char *shell = getenv("SHELL");

	cmd = hop_proxy_expand(h, h->o->proxy_command);
	if (cmd == NULL) {
		hop_fail(h, "out of memory");
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		free(cmd);
		hop_fail(h, "socketpair: %s", strerror(errno));
		return -1;
	}
	if (shell == NULL || *shell == '\0')
		shell = "/bin/sh";
	log_msg(LOG_DEBUG1, "Executing proxy command: exec %s", cmd);
	pid = fork();
	if (pid < 0) {
		free(cmd);
		close(sv[0]);
		close(sv[1]);
		hop_fail(h, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		char *argv[4];
		size_t len = strlen(cmd) + 6;
		char *ecmd = malloc(len);

		if (ecmd == NULL)
			_exit(1);
		memcpy(ecmd, "exec ", 5);
		memcpy(ecmd + 5, cmd, len - 5);
		dup2(sv[1], 0);
		dup2(sv[1], 1);
		signal(SIGPIPE, SIG_DFL);
		argv[0] = (char *)shell;
		argv[1] = (char *)"-c";
		argv[2] = ecmd;
		argv[3] = NULL;
		execv(shell, argv);
		fprintf(stderr, "exec %s: %s\n", shell, strerror(errno));
		_exit(1);
	}
	free(cmd);
	close(sv[1]);
	h->proxy_pid = pid;
	h->lib_fd = sv[0];
	return hop_session_start(h);
}

/* --- hop k >= 1: carrier ---------------------------------------------------- */

static void
hop_carrier_opened(struct pump *p, int ok, int code, const char *text)
{
	struct hop *h = p->data;

	(void)code;
	if (!ok) {
		p->on_close = NULL;
		p->data = NULL;
		h->carrier = NULL;
		hop_fail(h,
		    "ssh: connect to host %s via %s: channel open failed: %s",
		    h->peer, h->eng->hops[h->index - 1]->name,
		    text != NULL ? text : "unknown reason");
		log_hint(
		    "the jump host '%s' could not reach %s; check HostName "
		    "and Port of '%s' as seen from the jump host",
		    h->eng->hops[h->index - 1]->name, h->peer, h->name);
		return;
	}
	log_msg(LOG_DEBUG1, "channel to %s via %s open", h->peer,
	    h->eng->hops[h->index - 1]->name);
	(void)hop_session_start(h);
}

static void
hop_carrier_closed(struct pump *p)
{
	struct hop *h = p->data;

	if (h == NULL)
		return;
	h->carrier = NULL;
	if (h->state != HOP_DEAD && h->state != HOP_IDLE)
		hop_fail(h, "Connection to %s closed by jump host %s.", h->peer,
		    h->eng->hops[h->index - 1]->name);
}

/*
 * A pump on the hop before h for a direct-tcpip channel to h's HostName
 * and Port, over a new socketpair whose other end goes to *fd (socket
 * buffers of sockbuf bytes when > 0). The callbacks get h as p->data. The
 * channel is not asked for yet (hop_via_prev_open): its callbacks may run
 * at once, so the caller gets ready for them first. NULL on failure, with
 * errno (ENOMEM: no pump).
 */
static struct pump *
hop_via_prev(struct hop *h, const char *what, int sockbuf, pump_open_fn on_open,
    pump_close_fn on_close, int *fd)
{
	char desc[512];
	struct pump *p;
	int sv[2], i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return NULL;
	for (i = 0; i < 2 && sockbuf > 0; i++) {
		(void)setsockopt(
		    sv[i], SOL_SOCKET, SO_SNDBUF, &sockbuf, sizeof(sockbuf));
		(void)setsockopt(
		    sv[i], SOL_SOCKET, SO_RCVBUF, &sockbuf, sizeof(sockbuf));
	}
	snprintf(
	    desc, sizeof(desc), "hop %zu %s %s", h->index + 1, what, h->peer);
	/* pump_new closes sv[1] when it fails. */
	p = pump_new(h->eng, h->eng->hops[h->index - 1], sv[1], NULL, desc);
	if (p == NULL) {
		close(sv[0]);
		errno = ENOMEM;
		return NULL;
	}
	p->data = h;
	p->on_open = on_open;
	p->on_close = on_close;
	p->quiet_close = 1;
	*fd = sv[0];
	return p;
}

/* Ask for hop_via_prev's channel (OpenSSH's -W sends this originator
 * when it has no socket peer). pump_open_tcp's 0 or -1. */
static int
hop_via_prev_open(struct hop *h, struct pump *p)
{
	return pump_open_tcp(p, h->o->hostname,
	    h->o->port > 0 ? h->o->port : 22, "127.0.0.1", 65535);
}

static int
hop_start_carrier(struct hop *h)
{
	struct pump *p;

	p = hop_via_prev(h, "carrier to", HOP_SOCKBUF, hop_carrier_opened,
	    hop_carrier_closed, &h->lib_fd);
	if (p == NULL && errno == ENOMEM) {
		hop_fail(h, "out of memory");
		return -1;
	}
	if (p == NULL) {
		hop_fail(h, "socketpair: %s", strerror(errno));
		return -1;
	}
	h->carrier = p;
	log_msg(LOG_DEBUG1, "Opening channel to %s via %s", h->peer,
	    h->eng->hops[h->index - 1]->name);
	(void)hop_via_prev_open(h, p);
	return h->state == HOP_DEAD ? -1 : 0;
}

int
hop_start(struct hop *h)
{
	h->state = HOP_TRANSPORT;
	h->alive_timeout = 0;
	if (h->index > 0)
		return hop_start_carrier(h);
	if (!hop_direct_tcp(h))
		return hop_start_proxy(h);
	return hop_start_tcp(h);
}

/* --- session --------------------------------------------------------------- */

static int
hop_set_list(struct hop *h, enum ssh_options_e opt, const char *val,
    enum opt_id id, const char *keyword)
{
	/* Only lists the user chose: libssh's defaults already follow its
	 * own capabilities and the host-key order it derives from
	 * known_hosts. */
	if (val == NULL || h->o->origin[id].kind == ORIGIN_DEFAULT ||
	    h->o->origin[id].kind == ORIGIN_UNSET)
		return 0;
	if (ssh_options_set(h->s, opt, val) != 0) {
		hop_fail(h, "%s: no algorithm in '%s' is supported by libssh",
		    keyword, val);
		log_hint("list at least one algorithm libssh %s supports "
		         "(see `ssh -Q` for names)",
		    ssh_version(0));
		return -1;
	}
	return 0;
}

static int
hop_session_start(struct hop *h)
{
	int zero = 0, port, rc;
	char name[1024];

	h->state = HOP_HANDSHAKE;
	h->s = ssh_new();
	if (h->s == NULL) {
		hop_fail(h, "out of memory");
		return -1;
	}
	(void)ssh_options_set(h->s, SSH_OPTIONS_PROCESS_CONFIG, &zero);
	if (h->lib_fd >= 65536) {
		hop_fail(h, "transport fd %d too large for libssh", h->lib_fd);
		return -1;
	}
	rc = ssh_options_set(h->s, SSH_OPTIONS_FD, &h->lib_fd);
	if (rc == 0) {
		/* The known_hosts name: the alias verbatim, or the host with
		 * its port (libssh brackets it when not 22). */
		if (h->o->host_key_alias != NULL) {
			port = 22;
			snprintf(
			    name, sizeof(name), "%s", h->o->host_key_alias);
		} else {
			port = h->o->port > 0 ? h->o->port : 22;
			snprintf(name, sizeof(name), "%s", h->o->hostname);
		}
		rc = ssh_options_set(h->s, SSH_OPTIONS_HOST, name);
		if (rc == 0)
			rc = ssh_options_set(h->s, SSH_OPTIONS_PORT, &port);
	}
	if (rc == 0 && h->o->user != NULL &&
	    ssh_options_set(h->s, SSH_OPTIONS_USER, h->o->user) != 0) {
		hop_fail(
		    h, "invalid user name '%s' for %s", h->o->user, h->name);
		log_hint("libssh refuses user names with shell "
		         "metacharacters or a leading '-'");
		return -1;
	}
	if (rc != 0) {
		hop_fail(h, "cannot set up the session for %s: %s", h->name,
		    ssh_get_error(h->s));
		return -1;
	}
	if (hop_set_list(h, SSH_OPTIONS_CIPHERS_C_S, h->o->ciphers, OPT_CIPHERS,
	        "Ciphers") != 0 ||
	    hop_set_list(h, SSH_OPTIONS_CIPHERS_S_C, h->o->ciphers, OPT_CIPHERS,
	        "Ciphers") != 0 ||
	    hop_set_list(
	        h, SSH_OPTIONS_HMAC_C_S, h->o->macs, OPT_MACS, "MACs") != 0 ||
	    hop_set_list(
	        h, SSH_OPTIONS_HMAC_S_C, h->o->macs, OPT_MACS, "MACs") != 0 ||
	    hop_set_list(h, SSH_OPTIONS_KEY_EXCHANGE, h->o->kex_algorithms,
	        OPT_KEX_ALGORITHMS, "KexAlgorithms") != 0 ||
	    hop_set_list(h, SSH_OPTIONS_HOSTKEYS, h->o->host_key_algorithms,
	        OPT_HOST_KEY_ALGORITHMS, "HostKeyAlgorithms") != 0 ||
	    hop_set_list(h, SSH_OPTIONS_PUBLICKEY_ACCEPTED_TYPES,
	        h->o->pubkey_accepted_algos, OPT_PUBKEY_ACCEPTED_ALGORITHMS,
	        "PubkeyAcceptedAlgorithms") != 0)
		return -1;
	if (h->o->compression == 1)
		(void)ssh_options_set(h->s, SSH_OPTIONS_COMPRESSION, "yes");
	if (h->o->rekey_limit > 0) {
		uint64_t v = (uint64_t)h->o->rekey_limit;

		(void)ssh_options_set(h->s, SSH_OPTIONS_REKEY_DATA, &v);
	}
	if (h->o->rekey_interval > 0) {
		uint32_t v = (uint32_t)h->o->rekey_interval * 1000;

		(void)ssh_options_set(h->s, SSH_OPTIONS_REKEY_TIME, &v);
	}
	if (h->o->required_rsa_size > 0)
		(void)ssh_options_set(
		    h->s, SSH_OPTIONS_RSA_MIN_SIZE, &h->o->required_rsa_size);
	if (hostkey_prepare(h) != 0) {
		h->fatal = 1;
		hop_fail(h, "Host key verification failed.");
		return -1;
	}
	ssh_set_blocking(h->s, 0);
	memset(&h->rx, 0, sizeof(h->rx));
	ssh_set_counters(h->s, NULL, &h->rx);
	h->seen_in_packets = 0;
	log_set_hop(h->name);
	rc = ssh_connect(h->s);
	log_set_hop(NULL);
	if (rc == SSH_ERROR) {
		hop_fail(h, "ssh: connect to host %s: %s", h->peer,
		    ssh_get_error(h->s));
		return -1;
	}
	h->ev = ssh_event_new();
	if (h->ev == NULL || ssh_event_add_session(h->ev, h->s) != SSH_OK) {
		hop_fail(h, "cannot create the event for %s", h->name);
		return -1;
	}
	if (loop_watch_add(&h->eng->loop, &h->w, h->lib_fd, EPOLLIN) != 0) {
		hop_fail(h, "epoll: %s", strerror(errno));
		return -1;
	}
	hop_update_events(h);
	if (h->o->connection_timeout > 0) {
		loop_timer_init(&h->t_connect, hop_tcp_timer, h);
		loop_timer_arm(&h->eng->loop, &h->t_connect,
		    (uint64_t)h->o->connection_timeout * 1000);
	}
	return 0;
}

void
hop_update_events(struct hop *h)
{
	uint32_t ev = EPOLLIN;

	if (h->s == NULL || h->w.fd < 0 || h->tcp_connecting)
		return;
	if (ssh_get_fd(h->s) != h->lib_fd) {
		/* libssh closed the fd on an error path: forget it. */
		loop_watch_del(&h->eng->loop, &h->w);
		return;
	}
	if (ssh_get_poll_flags(h->s) & SSH_WRITE_PENDING)
		ev |= EPOLLOUT;
	(void)loop_watch_set(&h->eng->loop, &h->w, ev);
}

/* --- global requests ------------------------------------------------------- */

int
hop_greq(struct hop *h, enum greq_kind kind, const char *addr, int port,
    greq_done_fn done, void *data)
{
	struct greq *g;

	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -2;
	g->kind = kind;
	g->addr = strdup(addr != NULL ? addr : "");
	if (g->addr == NULL) {
		free(g);
		return -2;
	}
	g->port = port;
	g->done = done;
	g->data = data;
	if (h->gq_tail != NULL)
		h->gq_tail->next = g;
	else
		h->gq_head = g;
	h->gq_tail = g;
	return 0;
}

static void
hop_greq_step(struct hop *h)
{
	struct greq *g;
	int rc, bound;

	while ((g = h->gq_head) != NULL && h->state == HOP_READY) {
		bound = 0;
		if (g->kind == GREQ_LISTEN)
			rc = ssh_channel_listen_forward(
			    h->s, g->addr, g->port, &bound);
		else if (g->kind == GREQ_PROBE)
			/* LIBSSH_DESIGN §8: a want-reply request whose
			 * (negative) reply we observe; the name can never
			 * be a real bind address. */
			rc = ssh_channel_cancel_forward(
			    h->s, "keepalive@sshfwd.invalid", 1);
		else
			rc = ssh_channel_cancel_forward(h->s, g->addr, g->port);
		if (rc == SSH_AGAIN)
			return;
		h->gq_head = g->next;
		if (h->gq_head == NULL)
			h->gq_tail = NULL;
		if (g->kind == GREQ_PROBE)
			h->probe_queued = 0;
		if (g->done != NULL)
			g->done(h, g, rc, bound);
		free(g->addr);
		free(g);
	}
}

static void
hop_greq_clear(struct hop *h)
{
	struct greq *g;

	while ((g = h->gq_head) != NULL) {
		h->gq_head = g->next;
		free(g->addr);
		free(g);
	}
	h->gq_tail = NULL;
	h->probe_queued = 0;
}

/* --- keepalive ------------------------------------------------------------- */

/* As ssh's server_alive_check: any inbound packet since the last tick
 * resets the count; otherwise a probe is sent, and CountMax unanswered
 * probes make the hop dead. */
static void
hop_alive_tick(struct loop_timer *t)
{
	struct hop *h = t->data;
	int max = h->o->server_alive_count_max;

	if (h->state != HOP_READY || h->s == NULL)
		return;
	if (h->rx.in_packets != h->alive_seen) {
		h->alive_seen = h->rx.in_packets;
		h->alive_missed = 0;
	} else if (h->alive_missed >= (max > 0 ? max : 3)) {
		h->alive_timeout = 1;
		hop_fail(h, "Timeout, server %s not responding.",
		    h->o->hostname != NULL ? h->o->hostname : h->name);
		return;
	} else {
		h->alive_missed++;
		log_msg(LOG_DEBUG1, "%s: keepalive probe %d (no traffic)",
		    h->name, h->alive_missed);
		if (!h->probe_queued &&
		    hop_greq(h, GREQ_PROBE, NULL, 0, NULL, NULL) == 0)
			h->probe_queued = 1;
	}
	loop_timer_arm(&h->eng->loop, &h->t_alive,
	    (uint64_t)h->o->server_alive_interval * 1000);
}

void
hop_alive_start(struct hop *h)
{
	h->since_ms = loop_now_ms();
	if (h->o->server_alive_interval <= 0)
		return;
	h->alive_seen = h->rx.in_packets;
	h->alive_missed = 0;
	loop_timer_disarm(&h->eng->loop, &h->t_alive);
	loop_timer_init(&h->t_alive, hop_alive_tick, h);
	loop_timer_arm(&h->eng->loop, &h->t_alive,
	    (uint64_t)h->o->server_alive_interval * 1000);
}

/* --- driving --------------------------------------------------------------- */

/* --- host certificate fetch (hostcert.h) --------------------------------- */

/* Stop the fetch: fd, watcher, timer, channel and buffer. */
static void
hop_cf_stop(struct hop *h)
{
	struct pump *p = h->cf_carrier;

	loop_watch_del(&h->eng->loop, &h->cf_w);
	loop_timer_disarm(&h->eng->loop, &h->cf_t);
	if (h->cf_fd >= 0)
		close(h->cf_fd);
	h->cf_fd = -1;
	if (p != NULL) {
		h->cf_carrier = NULL;
		p->on_open = NULL;
		p->on_close = NULL;
		p->data = NULL;
		pump_close(p);
	}
	free(h->cf_buf);
	h->cf_buf = NULL;
}

/* The fetch is over (why: what failed, NULL when a blob came back); the
 * next hop_drive() goes on with the host key check. */
static void
hop_cf_finish(struct hop *h, const char *why)
{
	if (h->cf_state != HOP_CF_RUNNING)
		return;
	if (why != NULL)
		log_msg(
		    LOG_DEBUG1, "%s: no host certificate: %s", h->name, why);
	else
		log_msg(LOG_DEBUG1, "%s: host certificate fetched", h->name);
	hop_cf_stop(h);
	h->cf_state = HOP_CF_DONE;
	h->moved = 1;
}

static void
hop_cf_on_fd(struct loop_watch *w, uint32_t revents)
{
	struct hop *h = w->data;
	const char *why = NULL;
	ssize_t n;
	int rc;

	(void)revents;
	if (!h->cf_sent) {
		/* The whole request at once; it is small. */
		n = send(h->cf_fd, h->cf_buf + h->cf_off, h->cf_len - h->cf_off,
		    MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			hop_cf_finish(
			    h, n < 0 ? strerror(errno) : "cannot send");
			return;
		}
		h->cf_off += (size_t)n;
		if (h->cf_off < h->cf_len)
			return;
		h->cf_sent = 1;
		h->cf_off = 0;
		(void)loop_watch_set(&h->eng->loop, &h->cf_w, EPOLLIN);
		return;
	}
	n = recv(
	    h->cf_fd, h->cf_buf + h->cf_off, HOSTCERT_REPLY_MAX - h->cf_off, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		hop_cf_finish(h,
		    n < 0 ? strerror(errno)
		          : "the server closed the connection "
		            "(it has no such certificate)");
		return;
	}
	h->cf_off += (size_t)n;
	rc = hostcert_reply(
	    h->cf_buf, h->cf_off, &h->cf_blob, &h->cf_blob_len, &why);
	if (rc == 1 && h->cf_off >= HOSTCERT_REPLY_MAX) {
		rc = -1;
		why = "the server's reply is too long";
	}
	if (rc != 1)
		hop_cf_finish(h, rc == 0 ? NULL : why);
}

static void
hop_cf_timeout(struct loop_timer *t)
{
	hop_cf_finish(t->data, "timed out");
}

static void
hop_cf_opened(struct pump *p, int ok, int code, const char *text)
{
	struct hop *h = p->data;

	(void)code;
	(void)text;
	if (h == NULL || ok)
		return;
	/* A failed open closes the pump by itself. */
	p->on_close = NULL;
	p->data = NULL;
	h->cf_carrier = NULL;
	hop_cf_finish(h, "the jump host could not open a channel");
}

static void
hop_cf_closed(struct pump *p)
{
	struct hop *h = p->data;

	if (h == NULL)
		return;
	h->cf_carrier = NULL;
	hop_cf_finish(h, "the channel closed");
}

/*
 * Start fetching the server's certificate of one of algs: over a TCP
 * connection to the session's peer address (hop 0), or over a new
 * direct-tcpip channel of the hop before, as the session itself. The
 * request is queued at once (a socketpair holds it until the channel
 * opens). 0 started, -1 not (the check goes on with the plain key).
 */
static int
hop_cf_start(struct hop *h, const char *algs)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	h->cf_buf = malloc(HOSTCERT_REPLY_MAX);
	if (h->cf_buf == NULL)
		return -1;
	h->cf_len = hostcert_request(algs, h->cf_buf, HOSTCERT_REPLY_MAX);
	h->cf_off = 0;
	h->cf_sent = 0;
	if (h->cf_len == 0)
		goto fail;
	if (h->index == 0) {
		if (getpeername(h->lib_fd, (struct sockaddr *)&ss, &sl) != 0)
			goto fail;
		h->cf_fd = socket(ss.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (h->cf_fd < 0)
			goto fail;
		if (connect(h->cf_fd, (struct sockaddr *)&ss, sl) != 0 &&
		    errno != EINPROGRESS)
			goto fail;
	} else {
		h->cf_carrier = hop_via_prev(h, "certificate fetch from", 0,
		    hop_cf_opened, hop_cf_closed, &h->cf_fd);
		if (h->cf_carrier == NULL)
			goto fail;
		(void)fcntl(h->cf_fd, F_SETFL, O_NONBLOCK);
	}
	if (loop_watch_add(&h->eng->loop, &h->cf_w, h->cf_fd, EPOLLOUT) != 0)
		goto fail;
	loop_timer_arm(&h->eng->loop, &h->cf_t,
	    h->o->connection_timeout > 0
	        ? (uint64_t)h->o->connection_timeout * 1000
	        : HOP_CF_TIMEOUT_MS);
	h->cf_state = HOP_CF_RUNNING;
	log_msg(LOG_DEBUG1, "%s: fetching the host certificate (%s)", h->name,
	    algs);
	if (h->cf_carrier != NULL && hop_via_prev_open(h, h->cf_carrier) != 0)
		hop_cf_finish(h, "the jump host could not open a channel");
	return 0;
fail:
	hop_cf_stop(h);
	return -1;
}

static void
hop_handshake_done(struct hop *h)
{
	int fl;
	char *algs;

	/* ssh would have negotiated a certificate: fetch it first. */
	if (h->cf_state == HOP_CF_NONE) {
		algs = hostkey_cert_algs(h);
		fl = algs != NULL ? hop_cf_start(h, algs) : -1;
		free(algs);
		if (fl != 0)
			h->cf_state = HOP_CF_DONE;
	}
	if (h->cf_state == HOP_CF_RUNNING)
		return;
	/* libssh made the fd blocking while connecting; a blocking send on a
	 * full socketpair would deadlock this single thread. */
	fl = fcntl(h->lib_fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(h->lib_fd, F_SETFL, fl | O_NONBLOCK);
	/* From here on libssh's 4 KiB reads come from a read-ahead buffer
	 * (rxbuf.h); without it they still work, only slower. */
	(void)rxbuf_enable(h->lib_fd);
	log_msg(LOG_DEBUG1, "%s: SSH connection established (%s, %s)", h->name,
	    ssh_get_cipher_in(h->s) != NULL ? ssh_get_cipher_in(h->s) : "?",
	    ssh_get_kex_algo(h->s) != NULL ? ssh_get_kex_algo(h->s) : "?");
	fl = hostkey_verify(h, h->cf_blob, h->cf_blob_len);
	free(h->cf_blob);
	h->cf_blob = NULL;
	if (fl != 0) {
		h->fatal = 1;
		hop_fail(h, "Host key verification failed.");
		return;
	}
	loop_timer_disarm(&h->eng->loop, &h->t_connect);
	h->state = HOP_AUTH;
	h->auth = auth_new();
	if (h->auth == NULL)
		hop_fail(h, "out of memory");
}

void
hop_drive(struct hop *h)
{
	int i, rc;
	enum auth_result ar;

	h->moved = 0;
	if (h->state == HOP_TRANSPORT && h->tcp_connecting == 2)
		hop_tcp_check(h);
	if (h->s == NULL || h->state < HOP_HANDSHAKE || h->state == HOP_DEAD)
		return;
	log_set_hop(h->name);
	/* Past the rounds, go on while read-ahead bytes wait (epoll cannot
	 * see them); each round takes up to 4 KiB of them. */
	for (i = 0; i < HOP_DRAIN_ROUNDS ||
	     (i < HOP_DRAIN_ROUNDS + RXBUF_SIZE / 4096 &&
	         rxbuf_pending(h->lib_fd) > 0);
	     i++) {
		rc = ssh_event_dopoll(h->ev, 0);
		if (rc != SSH_OK)
			break;
		if (h->state == HOP_DEAD)
			break;
	}
	/* The key exchange is done while a certificate is fetched: never
	 * call ssh_connect() again (it would start over). */
	if (h->state == HOP_HANDSHAKE && h->cf_state == HOP_CF_DONE)
		hop_handshake_done(h);
	else if (h->state == HOP_HANDSHAKE && h->cf_state == HOP_CF_NONE) {
		rc = ssh_connect(h->s);
		if (rc == SSH_OK)
			hop_handshake_done(h);
		else if (rc == SSH_ERROR)
			hop_fail(h, "ssh: connect to host %s: %s", h->peer,
			    ssh_get_error(h->s));
	}
	if (h->state == HOP_AUTH) {
		ar = auth_step(h);
		if (ar == AUTH_OK) {
			auth_free(h->auth);
			h->auth = NULL;
			h->state = HOP_READY;
			hop_alive_start(h);
			engine_hop_ready(h->eng, h);
		} else if (ar == AUTH_FAIL) {
			hop_fail(h, "%s@%s: Permission denied (%s).",
			    h->o->user != NULL ? h->o->user : "?", h->peer,
			    "authentication failed");
		}
	}
	if (h->state == HOP_READY)
		hop_greq_step(h);
	if (h->state != HOP_DEAD && h->s != NULL) {
		if (!ssh_is_connected(h->s) ||
		    (ssh_get_status(h->s) & (SSH_CLOSED | SSH_CLOSED_ERROR))) {
			const char *err = ssh_get_error(h->s);

			hop_fail(h, "Connection to %s closed%s%s", h->peer,
			    err != NULL && *err != '\0' ? ": " : ".",
			    err != NULL && *err != '\0' ? err : "");
		}
	}
	if (h->rx.in_packets != h->seen_in_packets) {
		h->seen_in_packets = h->rx.in_packets;
		h->moved = 1;
	}
	log_set_hop(NULL);
}

void
hop_teardown(struct hop *h)
{
	int fd;

	hop_probe_stop(h);
	hop_cf_stop(h);
	h->cf_state = HOP_CF_NONE;
	free(h->cf_blob);
	h->cf_blob = NULL;
	free(h->kh_order);
	h->kh_order = NULL;
	loop_watch_del(&h->eng->loop, &h->w);
	loop_timer_disarm(&h->eng->loop, &h->t_connect);
	loop_timer_disarm(&h->eng->loop, &h->t_alive);
	hop_greq_clear(h);
	auth_free(h->auth);
	h->auth = NULL;
	fd = h->s != NULL ? ssh_get_fd(h->s) : h->lib_fd;
	if (h->ev != NULL) {
		if (h->s != NULL)
			ssh_event_remove_session(h->ev, h->s);
		ssh_event_free(h->ev);
		h->ev = NULL;
	}
	if (h->s != NULL) {
		if (fd >= 0 && ssh_is_connected(h->s))
			ssh_disconnect(h->s);
		ssh_free(h->s);
		h->s = NULL;
	}
	/* libssh never closes an SSH_OPTIONS_FD fd on disconnect, but does on
	 * its error paths (then ssh_get_fd was -1). */
	if (fd >= 0)
		close(fd);
	h->lib_fd = -1;
	resolve_cancel(h->resolving);
	h->resolving = NULL;
	if (h->addrs != NULL)
		freeaddrinfo(h->addrs);
	h->addrs = h->addr_cur = NULL;
	h->tcp_connecting = 0;
	if (h->proxy_pid > 0) {
		int st;

		kill(h->proxy_pid, SIGTERM);
		(void)waitpid(h->proxy_pid, &st, 0);
		h->proxy_pid = 0;
	}
	if (h->state != HOP_DEAD)
		h->state = HOP_IDLE;
}

void
hop_free(struct hop *h)
{
	if (h == NULL)
		return;
	hop_teardown(h);
	free(h->name);
	free(h->peer);
	free(h->error);
	free(h);
}
