/*
 * pump: move bytes between a local fd and a channel, with backpressure and
 * half-close both ways (see pump.h for the rules).
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "launcher/engine.h"
#include "launcher/hop.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "launcher/pump.h"
#include "launcher/resolve.h"

/*
 * fd -> channel: one recv of at most two full packets per readiness event.
 * Bigger batches (4 x 65516 per recv, 4 recvs per event) save syscalls on
 * one hop but hurt through jump hosts: all hops share this thread, so a
 * 1 MB batch is encrypted three times over before the first byte reaches
 * the first sshd, and the relaying sshds idle meanwhile. Small batches
 * keep every stage of the chain busy (3-hop upload 55 -> 107 MB/s, 1-hop
 * upload unchanged; bench/RESULTS.md).
 */
#define PUMP_READS_PER_EVENT 1
#define PUMP_READ_MAX PUMP_CHUNK
#define PUMP_SOCKS_TIMEOUT_MS 30000
/*
 * A pump behind a jump host that has waited this long for its channel gets
 * one SSH_MSG_IGNORE sent on its session (pump_nudge). Window adjusts come
 * back from the last sshd under Nagle (a forwarding-only sshd never sets
 * TCP_NODELAY), and the links between the sshds carry nothing else while we
 * wait: the relaying sshd's kernel delays its ACK 40 ms, the next adjust
 * waits for that ACK. Our ignore packet crosses every link towards the last
 * hop and takes the ACKs with it. Most waits end within 5 ms; the stuck
 * ones last 40 ms (bench/RESULTS.md).
 */
#define PUMP_NUDGE_MS 8

static void pump_on_fd(struct loop_watch *w, uint32_t ev);
static void pump_stall(struct pump *p);
static void pump_unstall(struct pump *p);
static void pump_update_events(struct pump *p);
static void pump_fail(struct pump *p);

/* --- libssh callbacks: record facts only --------------------------------- */

static int
pump_cb_data(ssh_session s, ssh_channel ch, void *data, uint32_t len,
    int is_stderr, void *ud)
{
	struct pump *p = ud;
	ssize_t n;

	(void)s;
	(void)ch;
	if (is_stderr)
		return (int)len;
	if (p->failed || p->state == PUMP_CLOSING || p->state == PUMP_DEAD ||
	    p->shut_wr)
		return (int)len; /* nobody to deliver to: discard */
	if (p->state == PUMP_SOCKS_REMOTE) {
		uint8_t out[SOCKS_REPLY_MAX];
		size_t used = 0, outlen = 0;
		enum socks_status st;

		if (p->socks == NULL)
			return 0;
		/* Decode here, act in the service pass (no libssh calls from
		 * inside a libssh callback). Bytes after the request stay in
		 * libssh's buffer for the target. */
		st = socks_feed(p->socks, data, len, &used, out, &outlen);
		if (st == SOCKS_FAIL || st == SOCKS_SEND) {
			/* SOCKS5 method choice / failure replies go out from
			 * pump_service via the down spill's twin, up. */
			if (p->up_len + outlen <= SOCKS_BUF_MAX) {
				if (p->up == NULL)
					p->up = malloc(SOCKS_BUF_MAX);
				if (p->up != NULL) {
					memcpy(p->up + p->up_len, out, outlen);
					p->up_len += outlen;
				}
			}
		}
		if (st == SOCKS_FAIL) {
			log_msg(LOG_INFO, "remote dynamic forward: %s",
			    p->socks->error);
			p->failed = 0;
			p->local_eof = 1; /* close after the reply is sent */
		}
		return (int)used;
	}
	if (p->backlogged || p->state != PUMP_OPEN)
		return 0;
	n = send(p->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			log_msg(LOG_DEBUG1, "connection %llu: write: %s",
			    (unsigned long long)p->id, strerror(errno));
			p->failed = 1;
			return (int)len;
		}
		n = 0;
	}
	p->bytes_down += (uint64_t)n;
	if ((uint32_t)n < len) {
		p->backlogged = 1;
		pump_update_events(p);
	}
	return (int)n;
}

static void
pump_cb_eof(ssh_session s, ssh_channel ch, void *ud)
{
	struct pump *p = ud;

	(void)s;
	(void)ch;
	p->remote_eof = 1;
}

static void
pump_cb_close(ssh_session s, ssh_channel ch, void *ud)
{
	struct pump *p = ud;

	(void)s;
	(void)ch;
	p->remote_eof = 1;
	p->peer_closed = 1;
}

/* --- construction ---------------------------------------------------------- */

static void
pump_nudge(struct loop_timer *t)
{
	struct pump *p = t->data;

	if (!p->stalled || p->hop == NULL || p->hop->s == NULL ||
	    p->hop->state != HOP_READY)
		return;
	if (ssh_send_ignore(p->hop->s, "") != SSH_OK)
		log_msg(LOG_DEBUG2, "connection %llu: ignore packet: %s",
		    (unsigned long long)p->id, ssh_get_error(p->hop->s));
}

static void
pump_socks_timeout(struct loop_timer *t)
{
	struct pump *p = t->data;

	log_msg(LOG_INFO, "connection %llu: SOCKS request timed out",
	    (unsigned long long)p->id);
	pump_fail(p);
}

static struct pump *
pump_alloc(
    struct engine *e, struct hop *hop, const struct fwd *fwd, const char *desc)
{
	struct pump *p;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->desc = strdup(desc != NULL ? desc : "");
	if (p->desc == NULL) {
		free(p);
		return NULL;
	}
	p->eng = e;
	p->hop = hop;
	p->fwd = fwd;
	p->fd = -1;
	p->id = ++e->next_id;
	p->started_ms = loop_now_ms();
	loop_watch_init(&p->w, pump_on_fd, p);
	loop_timer_init(&p->t_handshake, pump_socks_timeout, p);
	loop_timer_init(&p->t_nudge, pump_nudge, p);
	memset(&p->cb, 0, sizeof(p->cb));
	p->cb.userdata = p;
	p->cb.channel_data_function = pump_cb_data;
	p->cb.channel_eof_function = pump_cb_eof;
	p->cb.channel_close_function = pump_cb_close;
	ssh_callbacks_init(&p->cb);
	engine_pump_link(e, p);
	return p;
}

static int
pump_set_fd(struct pump *p, int fd)
{
	int fl, one = 1;

	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* Harmless on Unix sockets (fails quietly). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	p->fd = fd;
	if (loop_watch_add(&p->eng->loop, &p->w, fd, 0) != 0) {
		log_msg(LOG_ERROR, "epoll_ctl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

struct pump *
pump_new(struct engine *e, struct hop *hop, int fd, const struct fwd *fwd,
    const char *desc)
{
	struct pump *p;

	p = pump_alloc(e, hop, fwd, desc);
	if (p == NULL) {
		close(fd);
		return NULL;
	}
	p->state = PUMP_OPENING;
	if (pump_set_fd(p, fd) != 0)
		pump_fail(p);
	return p;
}

struct pump *
pump_new_accepted(struct engine *e, struct hop *hop, ssh_channel ch,
    const struct fwd *fwd, const char *desc)
{
	struct pump *p;

	p = pump_alloc(e, hop, fwd, desc);
	if (p == NULL) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
		return NULL;
	}
	p->ch = ch;
	p->state = PUMP_CONNECTING;
	if (ssh_set_channel_callbacks(ch, &p->cb) == SSH_OK)
		p->cb_added = 1;
	return p;
}

/* --- opening --------------------------------------------------------------- */

/* Parse "Channel opening failure: channel N error (CODE) TEXT". */
static void
pump_open_error(ssh_session s, int *code, const char **text)
{
	const char *err = ssh_get_error(s), *q;
	char *end = NULL;
	long v;

	*code = 0;
	*text = err;
	if (err == NULL)
		return;
	q = strstr(err, "error (");
	if (q == NULL)
		return;
	errno = 0;
	v = strtol(q + 7, &end, 10); /* errno checked below */
	if (errno != 0 || end == NULL || *end != ')')
		return;
	*code = (int)v;
	*text = end + 1;
	while (**text == ' ')
		(*text)++;
}

static const char *
pump_open_code_name(int code)
{
	switch (code) {
	case 1:
		return "administratively prohibited";
	case 2:
		return "connect failed";
	case 3:
		return "unknown channel type";
	case 4:
		return "resource shortage";
	default:
		return "open failed";
	}
}

static void
pump_opened(struct pump *p, int ok, int code, const char *text)
{
	pump_open_fn fn = p->on_open;

	p->on_open = NULL;
	if (ok) {
		p->state = PUMP_OPEN;
		if (ssh_set_channel_callbacks(p->ch, &p->cb) == SSH_OK)
			p->cb_added = 1;
		log_msg(LOG_DEBUG1, "connection %llu: channel open: %s",
		    (unsigned long long)p->id, p->desc);
	} else {
		/* ssh: "channel 3: open failed: connect failed: Connection
		 * refused". */
		log_msg(LOG_ERROR, "channel %llu: open failed: %s: %s",
		    (unsigned long long)p->id, pump_open_code_name(code),
		    text != NULL && *text != '\0' ? text : "(no reason)");
		if (code == 1)
			log_hint("the server refused to forward to %s; check "
			         "AllowTcpForwarding / PermitOpen in the "
			         "server's sshd_config",
			    p->open_path != NULL ? p->open_path : p->open_host);
		else if (code == 2)
			log_hint("the server could not reach %s%s%d; is the "
			         "service running there, and reachable from "
			         "the server?",
			    p->open_path != NULL ? p->open_path : p->open_host,
			    p->open_path != NULL ? "" : " port ",
			    p->open_path != NULL ? 0 : p->open_port);
		if (p->ch != NULL) {
			ssh_channel_free(p->ch);
			p->ch = NULL;
		}
		p->quiet_close = 1;
	}
	if (fn != NULL)
		fn(p, ok, code, text);
	if (!ok && p->state != PUMP_DEAD && p->state != PUMP_CLOSING)
		pump_fail(p);
	else if (ok)
		pump_update_events(p);
}

static void
pump_open_step(struct pump *p)
{
	int rc, code;
	const char *text;

	if (p->hop->s == NULL) {
		pump_opened(p, 0, 0, "session gone");
		return;
	}
	if (p->open_path != NULL)
		rc = ssh_channel_open_forward_unix(
		    p->ch, p->open_path, p->orig_host, p->orig_port);
	else
		rc = ssh_channel_open_forward(p->ch, p->open_host, p->open_port,
		    p->orig_host, p->orig_port);
	if (rc == SSH_AGAIN)
		return;
	if (rc == SSH_OK) {
		pump_opened(p, 1, 0, NULL);
		return;
	}
	pump_open_error(p->hop->s, &code, &text);
	pump_opened(p, 0, code, text);
}

static int
pump_open_common(struct pump *p, const char *host, int port, const char *path,
    const char *orig_host, int orig_port)
{
	if (p->hop == NULL || p->hop->s == NULL || p->hop->state != HOP_READY)
		goto fail;
	p->ch = ssh_channel_new(p->hop->s);
	if (p->ch == NULL)
		goto fail;
	if (host != NULL && (p->open_host = strdup(host)) == NULL)
		goto fail;
	if (path != NULL && (p->open_path = strdup(path)) == NULL)
		goto fail;
	p->open_port = port;
	p->orig_host = strdup(orig_host != NULL ? orig_host : "127.0.0.1");
	if (p->orig_host == NULL)
		goto fail;
	p->orig_port = orig_port;
	p->state = PUMP_OPENING;
	pump_update_events(p);
	pump_open_step(p);
	return p->state == PUMP_OPENING || p->state == PUMP_OPEN ? 0 : -1;
fail:
	log_msg(LOG_ERROR, "connection %llu: cannot open a channel: %s",
	    (unsigned long long)p->id,
	    p->hop != NULL && p->hop->s != NULL ? ssh_get_error(p->hop->s)
	                                        : "no session");
	pump_fail(p);
	return -1;
}

int
pump_open_tcp(struct pump *p, const char *host, int port, const char *orig_host,
    int orig_port)
{
	return pump_open_common(p, host, port, NULL, orig_host, orig_port);
}

int
pump_open_unix(struct pump *p, const char *path)
{
	return pump_open_common(p, NULL, 0, path, "127.0.0.1", 0);
}

/* --- SOCKS ----------------------------------------------------------------- */

static void
pump_socks_local_opened(struct pump *p, int ok, int code, const char *text)
{
	uint8_t out[SOCKS_REPLY_MAX];
	size_t n;
	enum socks_result res = SOCKS_R_OK;

	if (p->socks == NULL)
		return;
	if (!ok)
		res = socks_result_from_open_failure(code, text);
	n = socks_reply(p->socks, res, out);
	/* The reply is tiny and the socket idle: a short write here means the
	 * client is gone. */
	if (send(p->fd, out, n, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)n &&
	    ok)
		p->failed = 1;
	free(p->socks);
	p->socks = NULL;
	loop_timer_disarm(&p->eng->loop, &p->t_handshake);
}

int
pump_start_socks_local(struct pump *p)
{
	p->socks = malloc(sizeof(*p->socks));
	if (p->socks == NULL) {
		pump_fail(p);
		return -2;
	}
	socks_init(p->socks);
	p->state = PUMP_SOCKS_LOCAL;
	loop_timer_arm(&p->eng->loop, &p->t_handshake, PUMP_SOCKS_TIMEOUT_MS);
	pump_update_events(p);
	return 0;
}

int
pump_start_socks_remote(struct pump *p)
{
	p->socks = malloc(sizeof(*p->socks));
	if (p->socks == NULL) {
		pump_fail(p);
		return -2;
	}
	socks_init(p->socks);
	p->state = PUMP_SOCKS_REMOTE;
	loop_timer_arm(&p->eng->loop, &p->t_handshake, PUMP_SOCKS_TIMEOUT_MS);
	return 0;
}

/* Read the SOCKS request from the local fd; open the channel when done. */
static void
pump_socks_local_read(struct pump *p)
{
	uint8_t buf[SOCKS_BUF_MAX], out[SOCKS_REPLY_MAX];
	size_t used, outlen, off = 0;
	ssize_t n;
	enum socks_status st;
	char desc[512];

	n = recv(p->fd, buf, sizeof(buf), 0);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		p->quiet_close = 1;
		pump_fail(p);
		return;
	}
	if (n < 0)
		return;
	while (off < (size_t)n) {
		st = socks_feed(
		    p->socks, buf + off, (size_t)n - off, &used, out, &outlen);
		off += used;
		if (outlen > 0)
			(void)send(
			    p->fd, out, outlen, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (st == SOCKS_FAIL) {
			log_msg(LOG_INFO, "connection %llu: %s",
			    (unsigned long long)p->id, p->socks->error);
			p->quiet_close = 1;
			pump_fail(p);
			return;
		}
		if (st == SOCKS_REQUEST)
			break;
		if (st == SOCKS_NEED_MORE && used == 0)
			break;
	}
	if (!socks_is_done(p->socks))
		return; /* need more */
	/* Payload pipelined after the request waits in the up spill. */
	if (off < (size_t)n) {
		p->up = malloc((size_t)n - off);
		if (p->up == NULL) {
			pump_fail(p);
			return;
		}
		memcpy(p->up, buf + off, (size_t)n - off);
		p->up_len = (size_t)n - off;
		p->up_off = 0;
		pump_stall(p);
	}
	snprintf(desc, sizeof(desc), "%s -> %s:%d (SOCKS%d)", p->desc,
	    p->socks->host, p->socks->port, p->socks->version);
	free(p->desc);
	p->desc = strdup(desc);
	if (p->desc == NULL) {
		pump_fail(p);
		return;
	}
	log_msg(LOG_DEBUG1, "connection %llu: dynamic forward %s",
	    (unsigned long long)p->id, p->desc);
	p->on_open = pump_socks_local_opened;
	(void)pump_open_tcp(p, p->socks->host, p->socks->port, "127.0.0.1", 0);
}

/* --- local connect (remote forwards) ---------------------------------------- */

/* Tell a remote SOCKS client its connect failed (errno-style err). */
static void
pump_socks_fail_reply(struct pump *p, int err)
{
	uint8_t out[SOCKS_REPLY_MAX];
	size_t n;

	if (p->socks == NULL || p->ch == NULL)
		return;
	n = socks_reply(p->socks, socks_result_from_errno(err), out);
	(void)ssh_channel_write(p->ch, out, (uint32_t)n);
}

/* The target's name is looked up (resolve.h): connect to its addresses. */
static void
pump_resolved(void *data, const char *host, const char *port,
    struct addrinfo *res, int gai)
{
	struct pump *p = data;
	struct addrinfo *ai;
	int fd = -1, rc, err = 0;

	p->resolving = NULL;
	if (gai != 0) {
		/* ssh's words (channels.c connect_to_helper). */
		log_msg(LOG_ERROR, "connect_to %s: unknown host (%s)", host,
		    gai_strerror(gai));
		err = EHOSTUNREACH;
		goto fail;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		if (rc == 0 || errno == EINPROGRESS)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		err = err != 0 ? err : ECONNREFUSED;
		log_msg(LOG_ERROR, "connect_to %s port %s: failed: %s", host,
		    port, strerror(err));
		goto fail;
	}
	if (pump_set_fd(p, fd) != 0) {
		pump_fail(p);
		return;
	}
	pump_update_events(p);
	return;
fail:
	p->data = (void *)(intptr_t)err;
	pump_socks_fail_reply(p, err);
	pump_fail(p);
}

int
pump_connect_local(struct pump *p, const char *host, int port, const char *path)
{
	struct addrinfo hints;
	struct sockaddr_un sun;
	char portstr[16];
	int fd = -1, rc, err = 0;

	p->state = PUMP_CONNECTING;
	if (path == NULL) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		snprintf(portstr, sizeof(portstr), "%d", port);
		/* Off the loop: a slow nameserver must not stall the other
		 * connections; pump_resolved() goes on. */
		p->resolving = resolve_start(
		    &p->eng->loop, host, portstr, &hints, pump_resolved, p);
		if (p->resolving == NULL) {
			err = errno != 0 ? errno : ENOMEM;
			log_msg(LOG_ERROR, "connect_to %s port %d: failed: %s",
			    host, port, strerror(err));
			goto fail;
		}
		return 0;
	}
	if (path_sockaddr_un(&sun, path) != 0) {
		log_msg(LOG_ERROR, "connect to %s: path too long", path);
		goto fail;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail_errno;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	if (rc != 0 && errno != EINPROGRESS && errno != EAGAIN)
		goto fail_errno;
	if (pump_set_fd(p, fd) != 0) {
		pump_fail(p);
		return -1;
	}
	pump_update_events(p);
	return 0;
fail_errno:
	err = errno;
	log_msg(LOG_ERROR, "connect_to %s: failed: %s", path, strerror(err));
	if (fd >= 0)
		close(fd);
fail:
	p->data = (void *)(intptr_t)(err != 0 ? err : ECONNREFUSED);
	pump_fail(p);
	return -1;
}

/* The local connect finished (EPOLLOUT). */
static void
pump_connected(struct pump *p)
{
	int err = 0;
	socklen_t sl = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &sl) != 0)
		err = errno;
	if (err == EINPROGRESS)
		return;
	if (err != 0) {
		log_msg(LOG_ERROR, "connect_to %s: failed: %s", p->desc,
		    strerror(err));
		if (p->socks != NULL) {
			uint8_t out[SOCKS_REPLY_MAX];
			size_t n;

			n = socks_reply(
			    p->socks, socks_result_from_errno(err), out);
			(void)ssh_channel_write(p->ch, out, (uint32_t)n);
		}
		p->quiet_close = 1;
		pump_fail(p);
		return;
	}
	if (p->socks != NULL) {
		uint8_t out[SOCKS_REPLY_MAX];
		size_t n;

		n = socks_reply(p->socks, SOCKS_R_OK, out);
		if (ssh_channel_write(p->ch, out, (uint32_t)n) != (int)n) {
			pump_fail(p);
			return;
		}
		free(p->socks);
		p->socks = NULL;
		loop_timer_disarm(&p->eng->loop, &p->t_handshake);
	}
	p->state = PUMP_OPEN;
	/* Channel data that arrived meanwhile is in libssh's buffer. */
	p->backlogged = 1;
	log_msg(LOG_DEBUG1, "connection %llu: connected: %s",
	    (unsigned long long)p->id, p->desc);
}

/* --- the data path ---------------------------------------------------------- */

/*
 * Send the first len bytes of the engine's scratch buffer to the fd; what
 * the fd does not take is kept in p->down (the spill) for the next POLLOUT.
 * Returns 0 when all went out, 1 when some was spilled, -1 when the
 * connection failed (p->failed set).
 */
static int
pump_send_scratch(struct pump *p, size_t len)
{
	ssize_t n;

	n = send(p->fd, p->eng->scratch, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			p->failed = 1;
			return -1;
		}
		n = 0;
	}
	p->bytes_down += (uint64_t)n;
	if ((size_t)n == len)
		return 0;
	p->down_len = len - (size_t)n;
	if ((p->down = malloc(p->down_len)) == NULL) {
		p->failed = 1;
		return -1;
	}
	memcpy(p->down, p->eng->scratch + n, p->down_len);
	p->down_off = 0;
	return 1;
}

/* channel -> fd: drain spill and libssh's buffer while the fd takes it. */
static void
pump_drain_down(struct pump *p)
{
	ssize_t n;
	int r;

	while (p->down_off < p->down_len) {
		n = send(p->fd, p->down + p->down_off,
		    p->down_len - p->down_off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			p->failed = 1;
			return;
		}
		p->down_off += (size_t)n;
		p->bytes_down += (uint64_t)n;
	}
	free(p->down);
	p->down = NULL;
	p->down_len = p->down_off = 0;
	for (;;) {
		if (p->ch == NULL || p->failed)
			return;
		r = ssh_channel_read_nonblocking(
		    p->ch, p->eng->scratch, ENGINE_SCRATCH, 0);
		if (r == SSH_EOF || r == 0)
			break;
		if (r < 0) {
			p->failed = 1;
			return;
		}
		if (pump_send_scratch(p, (size_t)r) != 0)
			return; /* failed, or spilled: the fd is full */
	}
	p->backlogged = 0;
}

/*
 * channel -> fd: keep the peer's send window near PUMP_WINDOW while the fd
 * keeps up, topping it up every PUMP_WIN_STEP bytes delivered (OpenSSH
 * adjusts after three packets; one is faster through jump hosts). libssh
 * 0.10 alone lets the window fall from 1.28 MB to 640 KB before it
 * adjusts, and the sending sshd then waits with nothing to do. libssh has no call for it, but a read asking
 * for more than its window grows the window to that size first; with the
 * buffer empty (callbacks deliver everything while not backlogged) the
 * read itself returns at most what one nonblocking pass brings in, which
 * goes out like any other channel data.
 */
_Static_assert(PUMP_WINDOW <= ENGINE_SCRATCH_SIZE,
    "pump_keep_window reads up to PUMP_WINDOW bytes into the scratch buffer");

static void
pump_keep_window(struct pump *p)
{
	int r;

	if (p->hop == NULL)
		return;
	if (p->backlogged || p->down != NULL || p->failed || p->remote_eof ||
	    p->peer_closed || p->ch == NULL || p->fd < 0 ||
	    p->bytes_down - p->win_mark < PUMP_WIN_STEP)
		return;
	p->win_mark = p->bytes_down;
	r = ssh_channel_read(p->ch, p->eng->scratch, PUMP_WINDOW, 0);
	if (r <= 0)
		return; /* EOF, CLOSE, a dead session: their own paths act */
	/* Only when a callback was refused meanwhile (the fd filled up):
	 * this pass's bytes; never more than PUMP_WINDOW, which the
	 * scratch buffer holds. */
	if (pump_send_scratch(p, (size_t)r) == 1)
		p->backlogged = 1;
}

/* The fd is not read until the channel takes more (see pump.h). */
static void
pump_stall(struct pump *p)
{
	if (p->stalled)
		return;
	p->stalled = 1;
	engine_window_wait(p->eng, 1);
	if (p->hop != NULL && p->hop->index > 0)
		loop_timer_arm(&p->eng->loop, &p->t_nudge, PUMP_NUDGE_MS);
}

static void
pump_unstall(struct pump *p)
{
	if (!p->stalled)
		return;
	p->stalled = 0;
	engine_window_wait(p->eng, -1);
	loop_timer_disarm(&p->eng->loop, &p->t_nudge);
}

/* fd -> channel: write the up spill first. 1 when it is empty. */
static int
pump_flush_up(struct pump *p)
{
	int w;
	uint32_t win, n;

	while (p->up_off < p->up_len) {
		if (p->ch == NULL)
			return 0;
		win = ssh_channel_window_size(p->ch);
		if (win == 0)
			return 0;
		n = (uint32_t)(p->up_len - p->up_off);
		if (n > win)
			n = win;
		w = ssh_channel_write(p->ch, p->up + p->up_off, n);
		if (w < 0) {
			p->failed = 1;
			return 0;
		}
		if (w == 0)
			return 0;
		p->up_off += (size_t)w;
		p->bytes_up += (uint64_t)w;
	}
	free(p->up);
	p->up = NULL;
	p->up_len = p->up_off = 0;
	return 1;
}

static void
pump_read_up(struct pump *p)
{
	uint32_t win, want;
	ssize_t n;
	int w, i;

	for (i = 0; i < PUMP_READS_PER_EVENT; i++) {
		if (p->state != PUMP_OPEN || p->failed || p->local_eof ||
		    p->ch == NULL)
			return;
		if (!pump_flush_up(p)) {
			pump_stall(p);
			return;
		}
		win = ssh_channel_window_size(p->ch);
		if (win == 0) {
			pump_stall(p);
			return;
		}
		want = win < PUMP_READ_MAX ? win : PUMP_READ_MAX;
		n = recv(p->fd, p->eng->scratch, want, 0);
		if (n == 0) {
			p->local_eof = 1;
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			log_msg(LOG_DEBUG1, "connection %llu: read: %s",
			    (unsigned long long)p->id, strerror(errno));
			p->failed = 1;
			return;
		}
		w = ssh_channel_write(p->ch, p->eng->scratch, (uint32_t)n);
		if (w < 0) {
			p->failed = 1;
			return;
		}
		p->bytes_up += (uint64_t)w;
		if (w < n) {
			p->up_len = (size_t)(n - w);
			p->up = malloc(p->up_len);
			if (p->up == NULL) {
				p->failed = 1;
				return;
			}
			memcpy(p->up, p->eng->scratch + w, p->up_len);
			p->up_off = 0;
			pump_stall(p);
			return;
		}
		if ((uint32_t)n < want)
			return; /* socket drained */
	}
}

static void
pump_update_events(struct pump *p)
{
	uint32_t ev = 0;

	if (p->fd < 0)
		return;
	switch (p->state) {
	case PUMP_SOCKS_LOCAL:
		ev = EPOLLIN;
		break;
	case PUMP_CONNECTING:
		ev = EPOLLOUT;
		break;
	case PUMP_OPEN:
		if (!p->local_eof && !p->stalled && !p->failed)
			ev |= EPOLLIN;
		if ((p->backlogged || p->down != NULL) && !p->failed)
			ev |= EPOLLOUT;
		break;
	default:
		break;
	}
	(void)loop_watch_set(&p->eng->loop, &p->w, ev);
}

static void
pump_on_fd(struct loop_watch *w, uint32_t ev)
{
	struct pump *p = w->data;

	if (p->state == PUMP_SOCKS_LOCAL) {
		pump_socks_local_read(p);
		pump_update_events(p);
		return;
	}
	if (p->state == PUMP_CONNECTING) {
		pump_connected(p);
		pump_update_events(p);
		return;
	}
	if (p->state != PUMP_OPEN)
		return;
	if (ev & EPOLLOUT)
		pump_drain_down(p);
	if (ev & EPOLLIN)
		pump_read_up(p);
	if ((ev & (EPOLLERR | EPOLLHUP)) && !(ev & (EPOLLIN | EPOLLOUT))) {
		/* Not interested in either direction yet the socket is dead:
		 * nothing can move any more. */
		p->failed = 1;
	}
	pump_update_events(p);
}

/* --- closing ---------------------------------------------------------------- */

static void
pump_close_fd(struct pump *p)
{
	if (p->fd < 0)
		return;
	loop_watch_del(&p->eng->loop, &p->w);
	close(p->fd);
	p->fd = -1;
}

/* Why a forwarded connection ends, for the audit line. */
static const char *
pump_close_reason(const struct pump *p)
{
	if (p->state != PUMP_OPEN)
		return "open failed";
	if (p->ch == NULL)
		return "tunnel down";
	if (p->failed)
		return "error";
	if (p->local_eof && (p->remote_eof || p->peer_closed))
		return "closed by both ends";
	if (p->local_eof)
		return "closed by client";
	if (p->remote_eof || p->peer_closed)
		return "closed by target";
	return "shutdown";
}

/* The audit line (issue 8): one per forwarded connection, at INFO. */
static void
pump_log_close(struct pump *p)
{
	/* Quiet pumps logged their failure already; an abandoned open one
	 * (its hop died) still gets its line. */
	if (p->fwd == NULL ||
	    (p->quiet_close && (p->ch != NULL || p->state != PUMP_OPEN)))
		return;
	log_msg(LOG_INFO,
	    "connection %llu closed: %s, %llu bytes out, %llu bytes in, "
	    "%llu ms, %s",
	    (unsigned long long)p->id, p->desc, (unsigned long long)p->bytes_up,
	    (unsigned long long)p->bytes_down,
	    (unsigned long long)(loop_now_ms() - p->started_ms),
	    pump_close_reason(p));
}

void
pump_close(struct pump *p)
{
	if (p->state == PUMP_CLOSING || p->state == PUMP_DEAD)
		return;
	resolve_cancel(p->resolving);
	p->resolving = NULL;
	pump_close_fd(p);
	loop_timer_disarm(&p->eng->loop, &p->t_handshake);
	pump_log_close(p);
	p->state = p->ch != NULL ? PUMP_CLOSING : PUMP_DEAD;
	if (p->on_close != NULL) {
		pump_close_fn fn = p->on_close;

		p->on_close = NULL;
		fn(p);
	}
}

static void
pump_fail(struct pump *p)
{
	p->failed = 1;
	pump_close(p);
}

void
pump_abandon(struct pump *p)
{
	/* The session is gone or going: its ssh_free frees the channel. */
	p->ch = NULL;
	p->cb_added = 0;
	p->quiet_close = 1;
	if (p->state != PUMP_CLOSING)
		pump_close(p);
	p->state = PUMP_DEAD;
}

static void
pump_release_channel(struct pump *p)
{
	if (p->ch == NULL)
		return;
	if (p->cb_added)
		ssh_remove_channel_callbacks(p->ch, &p->cb);
	p->cb_added = 0;
	ssh_channel_free(p->ch);
	p->ch = NULL;
}

void
pump_free(struct pump *p)
{
	pump_unstall(p);
	engine_pump_unlink(p->eng, p);
	resolve_cancel(p->resolving);
	p->resolving = NULL;
	pump_close_fd(p);
	loop_timer_disarm(&p->eng->loop, &p->t_handshake);
	if (p->hop != NULL && p->hop->s != NULL)
		pump_release_channel(p);
	free(p->up);
	free(p->down);
	free(p->socks);
	free(p->open_host);
	free(p->open_path);
	free(p->orig_host);
	free(p->desc);
	free(p);
}

/* --- the service pass --------------------------------------------------------- */

/* Remote dynamic: a request has been decoded from the channel. */
static void
pump_socks_remote_service(struct pump *p)
{
	char desc[512];

	/* Send queued replies (method choice / failure). */
	if (p->up != NULL && !pump_flush_up(p))
		return;
	if (p->local_eof) {
		p->quiet_close = 1;
		pump_fail(p);
		return;
	}
	if (p->socks == NULL || !socks_is_done(p->socks))
		return;
	snprintf(desc, sizeof(desc), "%s -> %s:%d (remote SOCKS%d)", p->desc,
	    p->socks->host, p->socks->port, p->socks->version);
	free(p->desc);
	p->desc = strdup(desc);
	if (p->desc == NULL) {
		pump_fail(p);
		return;
	}
	if (!engine_permit_remote_open(
	        p->eng, p->socks->host, p->socks->port)) {
		uint8_t out[SOCKS_REPLY_MAX];
		size_t n;

		log_msg(LOG_ERROR,
		    "remote dynamic forward: %s:%d is not permitted by "
		    "PermitRemoteOpen",
		    p->socks->host, p->socks->port);
		log_hint("add %s:%d to PermitRemoteOpen for this host, or "
		         "remove the restriction",
		    p->socks->host, p->socks->port);
		n = socks_reply(p->socks, SOCKS_R_NOT_ALLOWED, out);
		(void)ssh_channel_write(p->ch, out, (uint32_t)n);
		p->quiet_close = 1;
		pump_fail(p);
		return;
	}
	(void)pump_connect_local(p, p->socks->host, p->socks->port, NULL);
	if (p->state == PUMP_CLOSING && p->socks != NULL && p->ch != NULL) {
		uint8_t out[SOCKS_REPLY_MAX];
		size_t n;

		n = socks_reply(p->socks,
		    socks_result_from_errno((int)(intptr_t)p->data), out);
		(void)ssh_channel_write(p->ch, out, (uint32_t)n);
	}
}

int
pump_service(struct pump *p, int hop_moved)
{
	int rc;

	if (p->state == PUMP_OPENING && p->ch != NULL) {
		if (hop_moved)
			pump_open_step(p);
	} else if (p->state == PUMP_SOCKS_REMOTE) {
		pump_socks_remote_service(p);
	} else if (p->state == PUMP_OPEN) {
		if (p->failed) {
			pump_close(p);
		} else {
			if (p->backlogged && p->down == NULL)
				pump_drain_down(p);
			pump_keep_window(p);
			if (p->stalled && pump_flush_up(p) &&
			    ssh_channel_window_size(p->ch) > 0) {
				pump_unstall(p);
				/* Data may already wait in the socket; the
				 * level-triggered epoll brings us back. */
			}
			if (p->local_eof && !p->eof_sent && p->up == NULL &&
			    !p->failed) {
				rc = ssh_channel_send_eof(p->ch);
				if (rc == SSH_ERROR)
					p->failed = 1;
				p->eof_sent = 1; /* AGAIN: queued */
			}
			if (p->remote_eof && !p->backlogged &&
			    p->down == NULL && !p->shut_wr && p->fd >= 0) {
				(void)shutdown(p->fd, SHUT_WR);
				p->shut_wr = 1;
			}
			if (p->failed || (p->eof_sent && p->shut_wr) ||
			    (p->peer_closed && !p->backlogged &&
			        p->down == NULL))
				pump_close(p);
			else
				pump_update_events(p);
		}
	}
	if (p->state == PUMP_CLOSING) {
		if (p->hop == NULL || p->hop->s == NULL || p->ch == NULL) {
			p->ch = NULL;
			p->state = PUMP_DEAD;
		} else {
			rc = ssh_channel_close(p->ch);
			if (rc != SSH_AGAIN) {
				pump_release_channel(p);
				p->state = PUMP_DEAD;
			}
		}
	}
	if (p->state == PUMP_DEAD) {
		pump_free(p);
		return 1;
	}
	return 0;
}
