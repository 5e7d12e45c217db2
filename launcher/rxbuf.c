/*
 * rxbuf: read-ahead for the SSH transport fds (see rxbuf.h).
 */
#include "autoconf.h"

#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "launcher/rxbuf.h"

/* AddressSanitizer is fine: our definitions win over its interceptors
 * (gcc's shared runtime and clang's static one alike) and the next recv is
 * found with RTLD_NEXT. MemorySanitizer is not: bytes the real recv writes
 * into our buffer would look uninitialised to it. */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#define RXBUF_OFF 1
#endif
#endif

#ifdef RXBUF_OFF

int
rxbuf_enable(int fd)
{
	(void)fd;
	return -1;
}

size_t
rxbuf_pending(int fd)
{
	(void)fd;
	return 0;
}

int
rxbuf_any_pending(void)
{
	return 0;
}

int
rxbuf_quickack(int fd, int on)
{
	(void)fd;
	(void)on;
	return -1;
}

#else

#define RXBUF_MAX_FDS 32 /* one per hop; more hops go unbuffered */

struct rxb {
	int fd; /* -1: free slot */
	size_t off, len;
	uint8_t *buf;
	/* A real poll() said POLLOUT and nothing was written to fd since:
	 * the socket is still writable (only our own writes use up its send
	 * buffer). */
	int wr_ok;
	int quickack; /* re-arm TCP_QUICKACK after each read (rxbuf.h) */
};

static struct rxb rx_tab[RXBUF_MAX_FDS];
static int rx_used; /* slots in use */
static size_t rx_pending_total; /* sum of (len - off) */

typedef ssize_t (*recv_fn)(int, void *, size_t, int);
typedef ssize_t (*send_fn)(int, const void *, size_t, int);
typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef int (*poll_fn)(struct pollfd *, nfds_t, int);
typedef int (*close_fn)(int);

static recv_fn real_recv;
static send_fn real_send;
static write_fn real_write;
static poll_fn real_poll;
static close_fn real_close;

static int
rx_init(void)
{
	if (real_close != NULL)
		return 0;
	real_recv = (recv_fn)dlsym(RTLD_NEXT, "recv");
	real_send = (send_fn)dlsym(RTLD_NEXT, "send");
	real_write = (write_fn)dlsym(RTLD_NEXT, "write");
	real_poll = (poll_fn)dlsym(RTLD_NEXT, "poll");
	if (real_recv == NULL || real_send == NULL || real_write == NULL ||
	    real_poll == NULL)
		return -1;
	/* Last: it is the "all resolved" flag. */
	real_close = (close_fn)dlsym(RTLD_NEXT, "close");
	return real_close != NULL ? 0 : -1;
}

static struct rxb *
rx_find(int fd)
{
	int i;

	if (rx_used == 0 || fd < 0)
		return NULL;
	for (i = 0; i < RXBUF_MAX_FDS; i++)
		if (rx_tab[i].buf != NULL && rx_tab[i].fd == fd)
			return &rx_tab[i];
	return NULL;
}

static void
rx_drop(struct rxb *r)
{
	rx_pending_total -= r->len - r->off;
	free(r->buf);
	r->buf = NULL;
	r->fd = -1;
	r->off = r->len = 0;
	rx_used--;
}

int
rxbuf_enable(int fd)
{
	int i;

	if (fd < 0 || rx_init() != 0)
		return -1;
	if (rx_find(fd) != NULL)
		return 0;
	for (i = 0; i < RXBUF_MAX_FDS; i++) {
		if (rx_tab[i].buf != NULL)
			continue;
		rx_tab[i].buf = malloc(RXBUF_SIZE);
		if (rx_tab[i].buf == NULL)
			return -1;
		rx_tab[i].fd = fd;
		rx_tab[i].off = rx_tab[i].len = 0;
		rx_tab[i].wr_ok = 0;
		rx_tab[i].quickack = 0;
		rx_used++;
		return 0;
	}
	return -1;
}

size_t
rxbuf_pending(int fd)
{
	struct rxb *r;

	if (rx_pending_total == 0 || (r = rx_find(fd)) == NULL)
		return 0;
	return r->len - r->off;
}

int
rxbuf_any_pending(void)
{
	return rx_pending_total > 0;
}

static int
rx_arm_quickack(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

int
rxbuf_quickack(int fd, int on)
{
	struct rxb *r = rx_find(fd);

	if (r == NULL)
		return -1;
	r->quickack = 0;
	/* Off: stop re-arming; the kernel goes back to delaying ACKs by
	 * itself. */
	if (!on)
		return 0;
	if (rx_arm_quickack(fd) != 0)
		return -1;
	r->quickack = 1;
	return 0;
}

/* --- the interposed calls (resolved before libc's for libssh too) ------- */

ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	struct rxb *r;
	ssize_t n;
	size_t k;

	if (rx_init() != 0) {
		errno = ENOSYS;
		return -1;
	}
	r = rx_find(fd);
	if (r == NULL || flags != 0 || len == 0)
		return real_recv(fd, buf, len, flags);
	if (r->off == r->len) {
		if (len >= RXBUF_SIZE)
			return real_recv(fd, buf, len, flags);
		/* Only after poll() said POLLIN: never blocks. EOF and
		 * errors go to the caller as they are. */
		n = real_recv(fd, r->buf, RXBUF_SIZE, MSG_DONTWAIT);
		if (n <= 0)
			return n;
		/* The kernel leaves quick-ACK mode on its own; every read
		 * re-arms it (one setsockopt per up to RXBUF_SIZE bytes). */
		if (r->quickack && rx_arm_quickack(fd) != 0)
			r->quickack = 0;
		r->off = 0;
		r->len = (size_t)n;
		rx_pending_total += (size_t)n;
	}
	k = r->len - r->off;
	if (k > len)
		k = len;
	memcpy(buf, r->buf + r->off, k);
	r->off += k;
	rx_pending_total -= k;
	if (r->off == r->len)
		r->off = r->len = 0;
	return (ssize_t)k;
}

int
poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	nfds_t i;
	int rc, have = 0, need = 0;
	struct rxb *r;

	if (rx_init() != 0) {
		errno = ENOSYS;
		return -1;
	}
	if (rx_used == 0)
		return real_poll(fds, nfds, timeout);
	/* have: some fd has bytes read ahead for a POLLIN reader (so do not
	 * wait). need: some fd must still be asked of the kernel. POLLOUT on
	 * a buffered fd is known without asking when an earlier real poll
	 * said so and nothing was sent since: libssh 0.10 keeps POLLOUT in
	 * its events after every write while reads keep coming (the POLLIN
	 * branch of its socket callback drops the handle it would clear
	 * POLLOUT on), so otherwise every poll of a download is a syscall. */
	for (i = 0; i < nfds && rx_pending_total > 0; i++) {
		r = rx_find(fds[i].fd);
		if (r != NULL && r->off < r->len && (fds[i].events & POLLIN)) {
			have = 1;
			if ((fds[i].events & POLLOUT) && !r->wr_ok)
				need = 1;
		} else {
			need = 1;
		}
	}
	if (rx_pending_total == 0)
		need = 1;
	if (have && !need) {
		/* Only readers of buffered bytes (libssh's per-hop event):
		 * no syscall. */
		for (i = 0; i < nfds; i++)
			fds[i].revents =
			    (short)(fds[i].events & (POLLIN | POLLOUT));
		return (int)nfds;
	}
	/* Buffered bytes are ready now: don't wait for anything else. */
	rc = real_poll(fds, nfds, have ? 0 : timeout);
	if (rc < 0) {
		if (!have)
			return rc;
		rc = 0;
		for (i = 0; i < nfds; i++)
			fds[i].revents = 0;
	}
	for (i = 0; i < nfds; i++) {
		r = rx_find(fds[i].fd);
		if (r == NULL)
			continue;
		if (fds[i].events & POLLOUT)
			r->wr_ok = (fds[i].revents & POLLOUT) != 0;
		if (r->off == r->len || !(fds[i].events & POLLIN))
			continue;
		if (fds[i].revents == 0)
			rc++;
		fds[i].revents |= POLLIN;
	}
	return rc;
}

/* Our own writes use up the send buffer: the next POLLOUT must come from
 * the kernel. */
ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	struct rxb *r;

	if (rx_init() != 0) {
		errno = ENOSYS;
		return -1;
	}
	r = rx_find(fd);
	if (r != NULL)
		r->wr_ok = 0;
	return real_send(fd, buf, len, flags);
}

ssize_t
write(int fd, const void *buf, size_t len)
{
	struct rxb *r;

	if (rx_init() != 0) {
		errno = ENOSYS;
		return -1;
	}
	r = rx_find(fd);
	if (r != NULL)
		r->wr_ok = 0;
	return real_write(fd, buf, len);
}

int
close(int fd)
{
	struct rxb *r;

	if (rx_init() != 0) {
		errno = ENOSYS;
		return -1;
	}
	r = rx_find(fd);
	if (r != NULL)
		rx_drop(r);
	return real_close(fd);
}

#endif
