/*
 * Tests for launcher/rxbuf.c, the read-ahead under libssh's transport reads:
 * bytes come out whole and in order whatever the read sizes, poll() reports
 * buffered bytes and never reports POLLOUT for a socket that our own writes
 * have filled, close() forgets an fd's buffer, quick ACKs stay armed on a
 * TCP transport. Socketpairs and a loopback TCP pair, no sshd.
 * Exits 77 (skip) in builds where rxbuf is compiled out (MemorySanitizer).
 */
#include "autoconf.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "launcher/rxbuf.h"

#define RXT_TOTAL (3 * 1024 * 1024 + 12345)

static uint8_t
rxt_byte(size_t i)
{
	return (uint8_t)((i * 131u) ^ (i >> 11));
}

/* A nonblocking AF_UNIX stream pair; sv[0] has read-ahead on. */
static void
rxt_pair(int sv[2])
{
	int i, sz = 64 * 1024;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(fcntl(sv[i], F_SETFL, O_NONBLOCK), 0);
		(void)setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	}
	ck_assert_int_eq(rxbuf_enable(sv[0]), 0);
}

/* Send from fd until the kernel refuses (EAGAIN); returns bytes sent. */
static size_t
rxt_fill(int fd, int use_write)
{
	static uint8_t junk[8192];
	size_t total = 0;
	ssize_t n;

	for (;;) {
		n = use_write ? write(fd, junk, sizeof(junk))
		              : send(fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n < 0) {
			ck_assert_msg(
			    errno == EAGAIN, "fill: %s", strerror(errno));
			return total;
		}
		total += (size_t)n;
	}
}

static void
rxt_drain(int fd)
{
	uint8_t buf[65536];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

START_TEST(test_rxbuf_recv_bytes_in_order_any_size)
{
	static const size_t sizes[] = { 1, 7, 4096, 5000, 65536, 300000, 13 };
	static uint8_t chunk[50000], got[300000];
	size_t sent = 0, recvd = 0, k = 0, i, n;
	ssize_t r;
	int sv[2];

	rxt_pair(sv);
	while (recvd < RXT_TOTAL) {
		if (sent < RXT_TOTAL) {
			n = RXT_TOTAL - sent < sizeof(chunk) ? RXT_TOTAL - sent
			                                     : sizeof(chunk);
			for (i = 0; i < n; i++)
				chunk[i] = rxt_byte(sent + i);
			r = send(sv[1], chunk, n, MSG_DONTWAIT);
			if (r > 0)
				sent += (size_t)r;
			else
				ck_assert_int_eq(errno, EAGAIN);
		}
		r = recv(sv[0], got, sizes[k++ % 7], 0);
		if (r < 0) {
			ck_assert_int_eq(errno, EAGAIN);
			continue;
		}
		ck_assert_int_gt(r, 0);
		for (i = 0; i < (size_t)r; i++)
			if (got[i] != rxt_byte(recvd + i))
				ck_abort_msg("byte %zu differs", recvd + i);
		recvd += (size_t)r;
		ck_assert_uint_eq(
		    rxbuf_pending(sv[0]) > 0, rxbuf_any_pending());
	}
	ck_assert_uint_eq(rxbuf_pending(sv[0]), 0);
	/* EOF comes through once the buffer is empty. */
	close(sv[1]);
	ck_assert_int_eq(recv(sv[0], got, 10, 0), 0);
	close(sv[0]);
}
END_TEST

START_TEST(test_rxbuf_poll_reports_buffered_bytes_without_waiting)
{
	struct pollfd pf[2];
	uint8_t buf[200];
	int sv[2], idle[2];
	time_t t0;

	rxt_pair(sv);
	ck_assert_int_eq(pipe(idle), 0);
	ck_assert_int_eq(send(sv[1], buf, 100, 0), 100);
	ck_assert_int_eq(recv(sv[0], buf, 10, 0), 10);
	ck_assert_uint_eq(rxbuf_pending(sv[0]), 90);

	/* The kernel holds nothing for sv[0] now: only the buffer can say
	 * POLLIN, and a long timeout must not be waited for. */
	pf[0].fd = sv[0];
	pf[0].events = POLLIN;
	pf[1].fd = idle[0];
	pf[1].events = POLLIN;
	t0 = time(NULL);
	ck_assert_int_eq(poll(pf, 2, 5000), 1);
	ck_assert_int_le(time(NULL) - t0, 1);
	ck_assert(pf[0].revents & POLLIN);
	ck_assert_int_eq(pf[1].revents, 0);
	ck_assert_int_eq(poll(pf, 1, 0), 1);
	ck_assert_int_eq(pf[0].revents, POLLIN);

	ck_assert_int_eq(recv(sv[0], buf, sizeof(buf), 0), 90);
	ck_assert_uint_eq(rxbuf_pending(sv[0]), 0);
	ck_assert_int_eq(poll(pf, 1, 0), 0);
	close(idle[0]);
	close(idle[1]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

/* The POLLOUT answered from memory must never outlive our own writes. */
static void
rxt_pollout_case(int use_write)
{
	struct pollfd pf;
	uint8_t buf[100];
	int sv[2];
	time_t t0;

	rxt_pair(sv);
	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(send(sv[1], buf, sizeof(buf), 0), sizeof(buf));
	ck_assert_int_eq(recv(sv[0], buf, 1, 0), 1); /* 99 buffered */
	pf.fd = sv[0];
	pf.events = POLLIN | POLLOUT;

	ck_assert_int_eq(poll(&pf, 1, 0), 1);
	ck_assert_int_eq(pf.revents, POLLIN | POLLOUT);
	ck_assert_int_eq(poll(&pf, 1, 0), 1); /* from memory now */
	ck_assert_int_eq(pf.revents, POLLIN | POLLOUT);

	/* Not writable: the kernel is asked, but the buffered bytes still
	 * answer at once. */
	ck_assert_uint_gt(rxt_fill(sv[0], use_write), 0);
	t0 = time(NULL);
	ck_assert_int_eq(poll(&pf, 1, 5000), 1);
	ck_assert_int_le(time(NULL) - t0, 1);
	ck_assert_int_eq(pf.revents, POLLIN);

	rxt_drain(sv[1]);
	ck_assert_int_eq(poll(&pf, 1, 0), 1);
	ck_assert_int_eq(pf.revents, POLLIN | POLLOUT);

	ck_assert_uint_gt(rxt_fill(sv[0], use_write), 0);
	ck_assert_int_eq(poll(&pf, 1, 0), 1);
	ck_assert_int_eq(pf.revents, POLLIN);
	ck_assert_uint_eq(rxbuf_pending(sv[0]), 99);
	close(sv[0]);
	close(sv[1]);
}

START_TEST(test_rxbuf_poll_pollout_forgotten_after_send)
{
	rxt_pollout_case(0);
}
END_TEST

START_TEST(test_rxbuf_poll_pollout_forgotten_after_write)
{
	rxt_pollout_case(1);
}
END_TEST

START_TEST(test_rxbuf_close_forgets_the_buffer)
{
	uint8_t buf[64];
	int sv[2], again[2], fd;

	rxt_pair(sv);
	ck_assert_int_eq(send(sv[1], "old bytes", 9, 0), 9);
	ck_assert_int_eq(recv(sv[0], buf, 1, 0), 1);
	ck_assert_uint_eq(rxbuf_pending(sv[0]), 8);
	fd = sv[0];
	close(sv[0]);
	close(sv[1]);
	ck_assert_uint_eq(rxbuf_pending(fd), 0);
	ck_assert(!rxbuf_any_pending());

	/* The fd number comes back for a socket without read-ahead: it
	 * must see its own bytes only. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, again), 0);
	ck_assert_int_eq(again[0], fd);
	ck_assert_int_eq(send(again[1], "new", 3, 0), 3);
	ck_assert_int_eq(recv(again[0], buf, sizeof(buf), 0), 3);
	ck_assert_int_eq(memcmp(buf, "new", 3), 0);
	close(again[0]);
	close(again[1]);
}
END_TEST

static int
rxt_quickack_on(int fd)
{
	int v = -1;
	socklen_t len = sizeof(v);

	ck_assert_int_eq(
	    getsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &v, &len), 0);
	return v;
}

START_TEST(test_rxbuf_quickack_rearmed_after_each_read)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct pollfd pfd;
	uint8_t buf[64];
	int ls, c, a, sv[2], off = 0;

	/* Not TCP, or not registered: refused. */
	rxt_pair(sv);
	ck_assert_int_eq(rxbuf_quickack(sv[0], 1), -1);
	close(sv[0]);
	close(sv[1]);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(ls, 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&sin, &len), 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(c, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	a = accept(ls, NULL, NULL);
	ck_assert_int_ge(a, 0);
	ck_assert_int_eq(rxbuf_quickack(c, 1), -1); /* not registered yet */
	ck_assert_int_eq(rxbuf_enable(c), 0);
	ck_assert_int_eq(rxbuf_quickack(c, 1), 0);
	ck_assert_int_eq(rxt_quickack_on(c), 1);

	/* Turned off behind our back (the kernel does that by itself in
	 * interactive exchanges); the next read through rxbuf re-arms it. */
	ck_assert_int_eq(
	    setsockopt(c, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof(off)), 0);
	ck_assert_int_eq(rxt_quickack_on(c), 0);
	ck_assert_int_eq(send(a, "ping", 4, 0), 4);
	pfd.fd = c;
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	ck_assert_int_eq(recv(c, buf, 1, 0), 1);
	ck_assert_int_eq(rxt_quickack_on(c), 1);
	/* The rest comes from the buffer: no read, and nothing changes. */
	ck_assert_int_eq(recv(c, buf, sizeof(buf), 0), 3);
	ck_assert_int_eq(memcmp(buf, "ing", 3), 0);

	/* Off: reads no longer re-arm it. */
	ck_assert_int_eq(rxbuf_quickack(c, 0), 0);
	ck_assert_int_eq(
	    setsockopt(c, IPPROTO_TCP, TCP_QUICKACK, &off, sizeof(off)), 0);
	ck_assert_int_eq(send(a, "pong", 4, 0), 4);
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	ck_assert_int_eq(recv(c, buf, sizeof(buf), 0), 4);
	ck_assert_int_eq(rxt_quickack_on(c), 0);
	close(a);
	close(c);
	close(ls);
}
END_TEST

static Suite *
rxbuf_suite(void)
{
	Suite *s = suite_create("rxbuf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rxbuf_recv_bytes_in_order_any_size);
	tcase_add_test(
	    tc, test_rxbuf_poll_reports_buffered_bytes_without_waiting);
	tcase_add_test(tc, test_rxbuf_poll_pollout_forgotten_after_send);
	tcase_add_test(tc, test_rxbuf_poll_pollout_forgotten_after_write);
	tcase_add_test(tc, test_rxbuf_close_forgets_the_buffer);
	tcase_add_test(tc, test_rxbuf_quickack_rearmed_after_each_read);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr;
	int sv[2], failed, on;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return EXIT_FAILURE;
	on = rxbuf_enable(sv[0]) == 0;
	close(sv[0]);
	close(sv[1]);
	if (!on) {
		printf("rxbuf is compiled out of this build: skipped\n");
		return 77;
	}
	sr = srunner_create(rxbuf_suite());
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
