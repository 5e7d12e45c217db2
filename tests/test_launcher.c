/*
 * Tests for the launcher against real OpenSSH sshd on loopback.
 *
 * Each case starts its own sshd hosts (generated host and user keys,
 * StrictModes no, 127.0.0.N high ports) in a temp dir, builds a struct plan
 * the way the resolver would fill it, runs launch_run() in a child process
 * and checks forwarded bytes: checksummed multi-MiB echo transfers with
 * half-close, -R 0 port reporting, SOCKS via curl, failure paths. Spawned
 * processes die with the test (PR_SET_PDEATHSIG) and are killed at exit.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launcher/hostkey.h"
#include "launcher/launch.h"
#include "launcher/socks.h"
#include "parser/options.h"
#include "parser/plan.h"

#define FX_MAX_SSHD 3
#define FX_MAX_PROCS 16

struct fx_sshd {
	pid_t pid;
	int port;
	char addr[32];
	char log[512];
	char pub[1024]; /* host public key line */
};

struct fx {
	char dir[256];
	char userkey[512];
	char known_hosts[512];
	char launcher_log[512];
	struct fx_sshd sshd[FX_MAX_SSHD];
	int nsshd;
	int echo_port;
	int http_port;
	pid_t procs[FX_MAX_PROCS];
	int nprocs;
	pid_t launcher;
	int launcher_status;
	struct plan *plan; /* freed at exit */
};

static struct fx *fx_cur;

static void
fx_cleanup(void)
{
	struct fx *fx = fx_cur;
	char cmd[600];
	int i;

	if (fx == NULL)
		return;
	fx_cur = NULL;
	if (fx->plan != NULL) {
		plan_free(fx->plan);
		free(fx->plan);
		fx->plan = NULL;
	}
	if (fx->launcher > 0) {
		kill(fx->launcher, SIGKILL);
		waitpid(fx->launcher, NULL, 0);
	}
	for (i = 0; i < fx->nprocs; i++) {
		kill(-fx->procs[i], SIGKILL);
		kill(fx->procs[i], SIGKILL);
		waitpid(fx->procs[i], NULL, 0);
	}
	if (fx->dir[0] != '\0' && getenv("KEEP_FX") == NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", fx->dir);
	}
}

static void
fx_run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "command failed (%d): %s", rc, cmd);
}

static int
fx_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int fd, port;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int
fx_connect(const char *addr, int port)
{
	struct sockaddr_in sin;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
fx_wait_port(const char *addr, int port)
{
	int i, fd;

	for (i = 0; i < 600; i++) {
		fd = fx_connect(addr, port);
		if (fd >= 0) {
			close(fd);
			return;
		}
		usleep(25000);
	}
	ck_abort_msg("nothing listens on %s:%d", addr, port);
}

/* Spawn argv in its own process group, dying with us. */
static pid_t
fx_spawn(struct fx *fx, const char *out, char *const argv[])
{
	pid_t pid;
	int fd;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (out != NULL) {
			fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	ck_assert_int_lt(fx->nprocs, FX_MAX_PROCS);
	fx->procs[fx->nprocs++] = pid;
	return pid;
}

static void
fx_read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f == NULL)
		return;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
}

static void
fx_start_sshd(struct fx *fx, int i)
{
	struct fx_sshd *s = &fx->sshd[i];
	char cfg[600], key[600], pubpath[620], pub[1024];
	char *argv[] = { (char *)"/usr/sbin/sshd", (char *)"-f", cfg,
		(char *)"-D", (char *)"-e", NULL };
	FILE *f;
	char *sp;

	snprintf(s->addr, sizeof(s->addr), "127.0.0.%d", i + 1);
	s->port = fx_free_port();
	snprintf(key, sizeof(key), "%s/host%d", fx->dir, i);
	fx_run("ssh-keygen -q -t ed25519 -N '' -f '%s'", key);
	snprintf(pubpath, sizeof(pubpath), "%s.pub", key);
	fx_read_file(pubpath, pub, sizeof(pub));
	/* "type base64 comment" -> "type base64" */
	sp = strchr(pub, ' ');
	if (sp != NULL && (sp = strchr(sp + 1, ' ')) != NULL)
		*sp = '\0';
	snprintf(s->pub, sizeof(s->pub), "%s", pub);
	snprintf(cfg, sizeof(cfg), "%s/sshd%d.conf", fx->dir, i);
	snprintf(s->log, sizeof(s->log), "%s/sshd%d.log", fx->dir, i);
	f = fopen(cfg, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f,
	    "Port %d\nListenAddress %s\nHostKey %s\nPidFile none\n"
	    "AuthorizedKeysFile %s/authorized_keys\nStrictModes no\n"
	    "UsePAM no\nPermitRootLogin yes\nPasswordAuthentication no\n"
	    "KbdInteractiveAuthentication no\nAllowTcpForwarding yes\n"
	    "LogLevel DEBUG1\nMaxStartups 100\nMaxSessions 100\n",
	    s->port, s->addr, key, fx->dir);
	fclose(f);
	s->pid = fx_spawn(fx, s->log, argv);
	fx_wait_port(s->addr, s->port);
}

static const char fx_echo_py[] =
    "import asyncio, sys\n"
    "async def h(r, w):\n"
    "    try:\n"
    "        while True:\n"
    "            d = await r.read(65536)\n"
    "            if not d: break\n"
    "            w.write(d)\n"
    "            await w.drain()\n"
    "        if w.can_write_eof(): w.write_eof()\n"
    "        await w.drain()\n"
    "    except Exception: pass\n"
    "    finally: w.close()\n"
    "async def main():\n"
    "    if sys.argv[1].startswith('/'):\n"
    "        s = await asyncio.start_unix_server(h, sys.argv[1])\n"
    "    else:\n"
    "        s = await asyncio.start_server(h, '127.0.0.1', "
    "int(sys.argv[1]), backlog=1024)\n"
    "    async with s: await s.serve_forever()\n"
    "asyncio.run(main())\n";

static void
fx_start_echo(struct fx *fx)
{
	char py[600], port[16];
	char *argv[] = { (char *)"python3", py, port, NULL };
	FILE *f;

	snprintf(py, sizeof(py), "%s/echo.py", fx->dir);
	f = fopen(py, "w");
	ck_assert_ptr_nonnull(f);
	fputs(fx_echo_py, f);
	fclose(f);
	fx->echo_port = fx_free_port();
	snprintf(port, sizeof(port), "%d", fx->echo_port);
	fx_spawn(fx, NULL, argv);
	fx_wait_port("127.0.0.1", fx->echo_port);
}

static void
fx_start_echo_unix(struct fx *fx, const char *path)
{
	char py[600];
	char *argv[] = { (char *)"python3", py, (char *)path, NULL };
	int i;
	struct stat st;

	snprintf(py, sizeof(py), "%s/echo.py", fx->dir);
	fx_spawn(fx, NULL, argv);
	for (i = 0; i < 200 && stat(path, &st) != 0; i++)
		usleep(25000);
}

static void
fx_start_http(struct fx *fx)
{
	char www[600], port[16];
	char *argv[] = { (char *)"python3", (char *)"-m", (char *)"http.server",
		port, (char *)"--bind", (char *)"127.0.0.1",
		(char *)"--directory", www, NULL };

	snprintf(www, sizeof(www), "%s/www", fx->dir);
	fx_run("mkdir -p '%s' && head -c 3000000 /dev/urandom > '%s/blob'", www,
	    www);
	fx->http_port = fx_free_port();
	snprintf(port, sizeof(port), "%d", fx->http_port);
	fx_spawn(fx, NULL, argv);
	fx_wait_port("127.0.0.1", fx->http_port);
}

/*
 * Check ends a failed test with _exit() and a timed-out one with SIGKILL,
 * so atexit cleanup is not enough: a watchdog removes the temp dir once the
 * test process is gone (spawned servers die with it by PR_SET_PDEATHSIG).
 */
static void
fx_watchdog(const char *dir)
{
	int pfd[2];
	pid_t pid;
	char c, cmd[600];

	if (pipe(pfd) != 0)
		return;
	pid = fork();
	if (pid == 0) {
		close(pfd[1]);
		setsid();
		while (read(pfd[0], &c, 1) > 0)
			;
		if (getenv("KEEP_FX") == NULL) {
			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
			if (system(cmd) != 0)
				_exit(1);
		}
		_exit(0);
	}
	close(pfd[0]);
	/* The write end stays open (close-on-exec) until we die. */
	(void)fcntl(pfd[1], F_SETFD, FD_CLOEXEC);
}

static struct fx *
fx_setup(int nsshd)
{
	static struct fx fx;
	char tmpl[] = "/tmp/sshfwd-lt.XXXXXX";
	char auth[600], pub[1024], pubpath[600];
	FILE *f;
	int i;

	memset(&fx, 0, sizeof(fx));
	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(fx.dir, sizeof(fx.dir), "%s", tmpl);
	fx_cur = &fx;
	atexit(fx_cleanup);
	fx_watchdog(fx.dir);
	snprintf(fx.userkey, sizeof(fx.userkey), "%s/id_ed25519", fx.dir);
	fx_run("ssh-keygen -q -t ed25519 -N '' -f '%s'", fx.userkey);
	snprintf(pubpath, sizeof(pubpath), "%s.pub", fx.userkey);
	fx_read_file(pubpath, pub, sizeof(pub));
	snprintf(auth, sizeof(auth), "%s/authorized_keys", fx.dir);
	f = fopen(auth, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", pub);
	fclose(f);
	snprintf(fx.launcher_log, sizeof(fx.launcher_log), "%s/launcher.log",
	    fx.dir);
	snprintf(
	    fx.known_hosts, sizeof(fx.known_hosts), "%s/known_hosts", fx.dir);
	fx.nsshd = nsshd;
	for (i = 0; i < nsshd; i++)
		fx_start_sshd(&fx, i);
	f = fopen(fx.known_hosts, "w");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < nsshd; i++)
		fprintf(f, "[%s]:%d %s\n", fx.sshd[i].addr, fx.sshd[i].port,
		    fx.sshd[i].pub);
	fclose(f);
	return &fx;
}

/* --- plans, as the resolver fills them ----------------------------------- */

static void
fx_strlist_add(struct strlist *l, const char *s)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	ck_assert_ptr_nonnull(l->v);
	l->v[l->n++] = strdup(s);
}

static void
fx_hop_opts(struct fx *fx, struct options *o, int i)
{
	char alias[32];

	options_init(o);
	snprintf(alias, sizeof(alias), "host%d", i + 1);
	o->host_arg = strdup(alias);
	o->hostname = strdup(fx->sshd[i].addr);
	o->port = fx->sshd[i].port;
	o->user = strdup("root");
	o->identity_files = calloc(1, sizeof(*o->identity_files));
	o->identity_files[0].path = strdup(fx->userkey);
	o->identity_files[0].userprovided = 2;
	o->num_identity_files = 1;
	o->identities_only = 1;
	o->batch_mode = 1;
	o->pubkey_authentication = 1;
	o->strict_host_key_checking = STRICT_HOSTKEY_YES;
	o->stream_local_bind_mask = 0177;
	o->stream_local_bind_unlink = 0;
	o->gateway_ports = 0;
	o->exit_on_forward_failure = 0;
	o->clear_forwardings = 0;
	o->tcp_keep_alive = 1;
	o->connection_attempts = 1;
	fx_strlist_add(&o->user_hostfiles, fx->known_hosts);
	fx_strlist_add(&o->system_hostfiles, "/dev/null");
}

/* A plan through hops 0..n-1 of fx (the last is the destination). */
static struct plan *
fx_plan(struct fx *fx, int n)
{
	struct plan *p = calloc(1, sizeof(*p));
	int i;

	p->hops = calloc((size_t)n, sizeof(*p->hops));
	p->num_hops = (size_t)n;
	for (i = 0; i < n; i++) {
		fx_hop_opts(fx, &p->hops[i].opts, i);
		p->hops[i].alias = strdup(p->hops[i].opts.host_arg);
		p->hops[i].transport =
		    i == 0 ? PLAN_TRANSPORT_TCP : PLAN_TRANSPORT_JUMP;
	}
	fx->plan = p;
	return p;
}

static struct fwd *
fx_add_fwd(struct plan *p, enum fwd_kind kind, const char *lhost, int lport,
    const char *chost, int cport)
{
	struct options *o = &p->hops[p->num_hops - 1].opts;
	struct fwd **arr;
	size_t *n;
	struct fwd *f;

	if (kind == FWD_LOCAL || kind == FWD_DYNAMIC) {
		arr = &o->local_forwards;
		n = &o->num_local_forwards;
	} else {
		arr = &o->remote_forwards;
		n = &o->num_remote_forwards;
	}
	*arr = realloc(*arr, (*n + 1) * sizeof(**arr));
	ck_assert_ptr_nonnull(*arr);
	f = &(*arr)[(*n)++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->listen_host = lhost != NULL ? strdup(lhost) : NULL;
	f->listen_port = lport;
	f->connect_host = chost != NULL ? strdup(chost) : NULL;
	f->connect_port = cport;
	return f;
}

/* Run launch_run(p) in a child; wait until it says ready or exits.
 * Returns 1 when ready, 0 when it exited (fx->launcher_status). */
static int
fx_launch(struct fx *fx, struct plan *p, int verbose)
{
	struct launch_opts lo;
	int pfd[2], rc;
	char buf[16];
	struct pollfd pf;
	pid_t pid;
	ssize_t n;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		launch_opts_init(&lo);
		lo.verbose = verbose;
		lo.log_file = fx->launcher_log;
		lo.ready_fd = pfd[1];
		/* Not our fixture any more: exit() must not clean it up, but
		 * should run LeakSanitizer over the launcher. */
		fx_cur = NULL;
		rc = launch_run(p, &lo);
		exit(rc);
	}
	close(pfd[1]);
	fx->launcher = pid;
	pf.fd = pfd[0];
	pf.events = POLLIN;
	rc = poll(&pf, 1, 30000);
	ck_assert_msg(rc == 1, "launcher neither ready nor exited in 30 s");
	n = read(pfd[0], buf, sizeof(buf));
	close(pfd[0]);
	if (n > 0)
		return 1;
	waitpid(pid, &fx->launcher_status, 0);
	fx->launcher = 0;
	return 0;
}

/* SIGTERM the launcher; it must exit 0 within 10 s. */
static void
fx_stop_launcher(struct fx *fx)
{
	int i, st = 0;
	pid_t r = 0;

	ck_assert_int_gt(fx->launcher, 0);
	kill(fx->launcher, SIGTERM);
	for (i = 0; i < 400; i++) {
		r = waitpid(fx->launcher, &st, WNOHANG);
		if (r == fx->launcher)
			break;
		usleep(25000);
	}
	ck_assert_msg(r == fx->launcher, "launcher did not stop on SIGTERM");
	fx->launcher = 0;
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "launcher exit status %d", st);
}

static int
fx_log_has(const char *path, const char *needle)
{
	static char buf[1 << 20];

	fx_read_file(path, buf, sizeof(buf));
	return strstr(buf, needle) != NULL;
}

/* --- traffic ------------------------------------------------------------- */

static uint8_t
fx_pattern(size_t conn, size_t i)
{
	return (uint8_t)((i * 131u + conn * 7u + (i >> 9)) ^ (i >> 17));
}

/*
 * nconn connections to 127.0.0.1:port (or a Unix path), each sending
 * nbytes of a per-connection pattern, half-closing, and reading the echo
 * back to EOF; every byte is compared. Returns the number of connections
 * whose echo came back complete and intact.
 */
static int
fx_echo_many(int port, const char *path, int nconn, size_t nbytes)
{
	struct conn {
		int fd;
		size_t sent, rcvd;
		int done, bad, shut;
	} * c;
	struct pollfd *pf;
	uint8_t buf[65536];
	int i, ok = 0, left = nconn, rc;
	time_t deadline = time(NULL) + 120;
	ssize_t n;
	size_t j, k;

	c = calloc((size_t)nconn, sizeof(*c));
	pf = calloc((size_t)nconn, sizeof(*pf));
	for (i = 0; i < nconn; i++) {
		if (path != NULL) {
			struct sockaddr_un sun;

			memset(&sun, 0, sizeof(sun));
			sun.sun_family = AF_UNIX;
			snprintf(
			    sun.sun_path, sizeof(sun.sun_path), "%s", path);
			c[i].fd = socket(AF_UNIX, SOCK_STREAM, 0);
			if (connect(c[i].fd, (struct sockaddr *)&sun,
			        sizeof(sun)) != 0) {
				close(c[i].fd);
				c[i].fd = -1;
			}
		} else
			c[i].fd = fx_connect("127.0.0.1", port);
		if (c[i].fd < 0) {
			c[i].done = c[i].bad = 1;
			left--;
			continue;
		}
		fcntl(c[i].fd, F_SETFL, O_NONBLOCK);
	}
	while (left > 0 && time(NULL) < deadline) {
		for (i = 0; i < nconn; i++) {
			pf[i].fd = c[i].done ? -1 : c[i].fd;
			pf[i].events = POLLIN;
			if (!c[i].shut)
				pf[i].events |= POLLOUT;
			pf[i].revents = 0;
		}
		rc = poll(pf, (nfds_t)nconn, 1000);
		if (rc <= 0)
			continue;
		for (i = 0; i < nconn; i++) {
			if (c[i].done)
				continue;
			if ((pf[i].revents & POLLOUT) && !c[i].shut) {
				k = nbytes - c[i].sent;
				if (k > sizeof(buf))
					k = sizeof(buf);
				for (j = 0; j < k; j++)
					buf[j] = fx_pattern(
					    (size_t)i, c[i].sent + j);
				n = k > 0 ? send(c[i].fd, buf, k, MSG_NOSIGNAL)
				          : 0;
				if (n > 0)
					c[i].sent += (size_t)n;
				if (c[i].sent == nbytes) {
					shutdown(c[i].fd, SHUT_WR);
					c[i].shut = 1;
				}
			}
			if (pf[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				n = recv(c[i].fd, buf, sizeof(buf), 0);
				if (n < 0 && errno == EAGAIN)
					continue;
				if (n <= 0) {
					c[i].done = 1;
					left--;
					if (n == 0 && !c[i].bad &&
					    c[i].rcvd == nbytes && c[i].shut)
						ok++;
					close(c[i].fd);
					continue;
				}
				for (j = 0; j < (size_t)n; j++)
					if (buf[j] !=
					    fx_pattern(
					        (size_t)i, c[i].rcvd + j))
						c[i].bad = 1;
				c[i].rcvd += (size_t)n;
			}
		}
	}
	for (i = 0; i < nconn; i++)
		if (!c[i].done)
			close(c[i].fd);
	free(c);
	free(pf);
	return ok;
}

static void
fx_curl(struct fx *fx, const char *flag, int socks_port, const char *host,
    int expect_ok)
{
	char cmd[2048];
	int rc;

	snprintf(cmd, sizeof(cmd),
	    "curl -s -f --max-time 30 %s 127.0.0.1:%d http://%s:%d/blob "
	    "-o '%s/got' && cmp -s '%s/got' '%s/www/blob'",
	    flag, socks_port, host, fx->http_port, fx->dir, fx->dir, fx->dir);
	unlink("got");
	rc = system(cmd);
	if (expect_ok)
		ck_assert_msg(rc == 0, "curl %s failed (%d)", flag, rc);
	else
		ck_assert_msg(rc != 0, "curl %s unexpectedly worked", flag);
}

/* --- pure CheckHostIP address strings ------------------------------------- */

/* One row: address family and text, port, the string ssh looks up, and
 * whether ssh counts it as loopback (and skips the check). */
START_TEST(test_hostkey_ip_string_rows)
{
	static const struct {
		int af;
		const char *addr;
		int port;
		const char *want;
		int local;
	} rows[] = {
		{ AF_INET, "10.231.7.2", 22, "10.231.7.2", 0 },
		{ AF_INET, "10.231.7.2", 0, "10.231.7.2", 0 },
		{ AF_INET, "10.231.7.2", 2222, "[10.231.7.2]:2222", 0 },
		{ AF_INET, "127.0.0.1", 22, "127.0.0.1", 1 },
		{ AF_INET, "127.45.0.9", 2200, "[127.45.0.9]:2200", 1 },
		{ AF_INET, "128.0.0.1", 22, "128.0.0.1", 0 },
		{ AF_INET6, "::1", 22, "::1", 1 },
		{ AF_INET6, "2001:DB8::5", 22, "2001:db8::5", 0 },
		{ AF_INET6, "2001:db8::5", 830, "[2001:db8::5]:830", 0 },
		{ AF_INET6, "::ffff:127.0.0.1", 22, "::ffff:127.0.0.1", 0 },
	};
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	char buf[128];
	int local;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = (sa_family_t)rows[i].af;
		if (rows[i].af == AF_INET) {
			ck_assert(inet_pton(AF_INET, rows[i].addr,
			              &sin->sin_addr) == 1);
			sl = sizeof(*sin);
		} else {
			ck_assert(inet_pton(AF_INET6, rows[i].addr,
			              &sin6->sin6_addr) == 1);
			sl = sizeof(*sin6);
		}
		ck_assert_msg(hostkey_ip_string((struct sockaddr *)&ss, sl,
		                  rows[i].port, buf, sizeof(buf), &local) == 0,
		    "row %zu (%s): failed", i, rows[i].addr);
		ck_assert_msg(strcmp(buf, rows[i].want) == 0,
		    "row %zu (%s port %d): got '%s', want '%s'", i,
		    rows[i].addr, rows[i].port, buf, rows[i].want);
		ck_assert_msg(local == rows[i].local,
		    "row %zu (%s): local %d, want %d", i, rows[i].addr, local,
		    rows[i].local);
	}
}
END_TEST

START_TEST(test_hostkey_ip_string_unix_and_short_buffer)
{
	struct sockaddr_in sin;
	struct sockaddr_un sun;
	char buf[8];
	int local = 7;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_int_eq(hostkey_ip_string((struct sockaddr *)&sun, sizeof(sun),
	                     22, buf, sizeof(buf), &local),
	    -1);
	ck_assert_int_eq(local, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	ck_assert(inet_pton(AF_INET, "10.0.0.1", &sin.sin_addr) == 1);
	/* "[10.0.0.1]:2222" does not fit in 8 bytes: refused, not cut. */
	ck_assert_int_eq(hostkey_ip_string((struct sockaddr *)&sin, sizeof(sin),
	                     2222, buf, sizeof(buf), &local),
	    -1);
}
END_TEST

/* --- pure SOCKS decoding --------------------------------------------------- */

START_TEST(test_socks_feed_v5_domain_split_and_payload)
{
	struct socks s;
	uint8_t out[SOCKS_REPLY_MAX], req[64];
	size_t used, outlen, n = 0;
	enum socks_status st;
	const uint8_t greet[] = { 5, 2, 2, 0 };

	socks_init(&s);
	st = socks_feed(&s, greet, 1, &used, out, &outlen);
	ck_assert_int_eq(st, SOCKS_NEED_MORE);
	st = socks_feed(
	    &s, greet + used, sizeof(greet) - used, &used, out, &outlen);
	ck_assert_int_eq(st, SOCKS_SEND);
	ck_assert_uint_eq(outlen, 2);
	ck_assert_int_eq(out[1], 0);
	req[n++] = 5;
	req[n++] = 1;
	req[n++] = 0;
	req[n++] = 3;
	req[n++] = 9;
	memcpy(req + n, "localhost", 9);
	n += 9;
	req[n++] = 0x1f;
	req[n++] = 0x90;
	memcpy(req + n, "GET", 3); /* pipelined payload */
	n += 3;
	st = socks_feed(&s, req, 6, &used, out, &outlen);
	ck_assert_int_eq(st, SOCKS_NEED_MORE);
	ck_assert_uint_eq(used, 6);
	st = socks_feed(&s, req + 6, n - 6, &used, out, &outlen);
	ck_assert_int_eq(st, SOCKS_REQUEST);
	ck_assert_uint_eq(used, n - 6 - 3);
	ck_assert_str_eq(s.host, "localhost");
	ck_assert_int_eq(s.port, 8080);
	ck_assert_int_eq(socks_is_done(&s), 1);
}
END_TEST

START_TEST(test_socks_feed_malformed_gets_failure_reply)
{
	struct socks s;
	uint8_t out[SOCKS_REPLY_MAX];
	size_t used, outlen;
	const uint8_t greet[] = { 5, 1, 0 };
	const uint8_t bad_atyp[] = { 5, 1, 0, 9, 1, 2, 3, 4, 0, 80 };
	const uint8_t bind_cmd[] = { 5, 2, 0, 1, 1, 2, 3, 4, 0, 80 };
	const uint8_t v4_bind[] = { 4, 2, 0, 80, 1, 2, 3, 4, 0 };
	const uint8_t v4a[] = { 4, 1, 0, 80, 0, 0, 0, 1, 'u', 0, 'h', 'o', 's',
		't', 0 };
	const uint8_t junk[] = { 'G', 'E', 'T' };

	socks_init(&s);
	socks_feed(&s, greet, sizeof(greet), &used, out, &outlen);
	ck_assert_int_eq(
	    socks_feed(&s, bad_atyp, sizeof(bad_atyp), &used, out, &outlen),
	    SOCKS_FAIL);
	ck_assert_uint_eq(outlen, 10);
	ck_assert_int_eq(out[1], 8);
	socks_init(&s);
	socks_feed(&s, greet, sizeof(greet), &used, out, &outlen);
	ck_assert_int_eq(
	    socks_feed(&s, bind_cmd, sizeof(bind_cmd), &used, out, &outlen),
	    SOCKS_FAIL);
	ck_assert_int_eq(out[1], 7);
	socks_init(&s);
	ck_assert_int_eq(
	    socks_feed(&s, v4_bind, sizeof(v4_bind), &used, out, &outlen),
	    SOCKS_FAIL);
	ck_assert_uint_eq(outlen, 8);
	ck_assert_int_eq(out[1], 91);
	socks_init(&s);
	ck_assert_int_eq(socks_feed(&s, v4a, sizeof(v4a), &used, out, &outlen),
	    SOCKS_REQUEST);
	ck_assert_str_eq(s.host, "host");
	ck_assert_int_eq(s.port, 80);
	socks_init(&s);
	ck_assert_int_eq(
	    socks_feed(&s, junk, sizeof(junk), &used, out, &outlen),
	    SOCKS_FAIL);
	ck_assert_int_eq(
	    socks_result_from_open_failure(2, "Connection refused"),
	    SOCKS_R_REFUSED);
	ck_assert_int_eq(
	    socks_result_from_open_failure(1, "x"), SOCKS_R_NOT_ALLOWED);
}
END_TEST

/* --- against real sshd ------------------------------------------------------ */

START_TEST(test_launch_local_forward_one_hop_8mib)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	int lport = fx_free_port();

	fx_start_echo(fx);
	p = fx_plan(fx, 1);
	fx_add_fwd(p, FWD_LOCAL, NULL, lport, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 1, 8u << 20), 1);
	/* Both directions separately: a second connection afterwards. */
	ck_assert_int_eq(fx_echo_many(lport, NULL, 3, 1u << 20), 3);
	fx_stop_launcher(fx);
	ck_assert(fx_log_has(fx->launcher_log, "Authenticated to"));
}
END_TEST

START_TEST(test_launch_three_hops_local_forward)
{
	struct fx *fx = fx_setup(3);
	struct plan *p;
	int lport = fx_free_port();
	char want[256];

	fx_start_echo(fx);
	p = fx_plan(fx, 3);
	fx_add_fwd(
	    p, FWD_LOCAL, "127.0.0.1", lport, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 1, 8u << 20), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 20, 256u << 10), 20);
	fx_stop_launcher(fx);
	/* Hop 2 and 3 were reached through direct-tcpip channels of the
	 * hop below, with ssh's -W originator. */
	snprintf(want, sizeof(want), "target %s port %d", fx->sshd[1].addr,
	    fx->sshd[1].port);
	ck_assert_msg(
	    fx_log_has(fx->sshd[0].log, want), "hop1 log lacks %s", want);
	snprintf(want, sizeof(want), "target %s port %d", fx->sshd[2].addr,
	    fx->sshd[2].port);
	ck_assert_msg(
	    fx_log_has(fx->sshd[1].log, want), "hop2 log lacks %s", want);
	ck_assert(fx_log_has(fx->sshd[0].log,
	    "originator 127.0.0.1 port "
	    "65535"));
}
END_TEST

START_TEST(test_launch_200_concurrent_connections)
{
	struct fx *fx = fx_setup(2);
	struct plan *p;
	int lport = fx_free_port();

	fx_start_echo(fx);
	p = fx_plan(fx, 2);
	fx_add_fwd(p, FWD_LOCAL, NULL, lport, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 0), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 200, 64u << 10), 200);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_unix_listener)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	struct fwd *f;
	char path[600], upath[600];
	struct stat st;

	fx_start_echo(fx);
	snprintf(path, sizeof(path), "%s/l.sock", fx->dir);
	snprintf(upath, sizeof(upath), "%s/echo.sock", fx->dir);
	fx_start_echo_unix(fx, upath);
	p = fx_plan(fx, 1);
	f = fx_add_fwd(p, FWD_LOCAL, NULL, 0, "127.0.0.1", fx->echo_port);
	f->listen_path = strdup(path);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(fx_echo_many(0, path, 4, 2u << 20), 4);
	fx_stop_launcher(fx);
	ck_assert_int_ne(stat(path, &st), 0);
}
END_TEST

START_TEST(test_launch_local_forward_to_remote_unix_socket)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	struct fwd *f;
	char upath[600];
	int lport = fx_free_port();

	fx_start_echo(fx);
	snprintf(upath, sizeof(upath), "%s/echo.sock", fx->dir);
	fx_start_echo_unix(fx, upath);
	p = fx_plan(fx, 1);
	f = fx_add_fwd(p, FWD_LOCAL, NULL, lport, NULL, 0);
	f->connect_path = strdup(upath);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 2, 2u << 20), 2);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_remote_forward_port0_reports_and_forwards)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	static char log[1 << 16];
	const char *q;
	char want[128];
	int port = 0;

	fx_start_echo(fx);
	p = fx_plan(fx, 1);
	fx_add_fwd(p, FWD_REMOTE, NULL, 0, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 0), 1);
	fx_read_file(fx->launcher_log, log, sizeof(log));
	snprintf(want, sizeof(want), " for remote forward to 127.0.0.1:%d",
	    fx->echo_port);
	q = strstr(log, "Allocated port ");
	ck_assert_msg(q != NULL && strstr(log, want) != NULL,
	    "no allocation line in: %s", log);
	port = (int)strtol(q + 15, NULL, 10); /* lint-ok: test */
	ck_assert_int_gt(port, 0);
	ck_assert_int_eq(fx_echo_many(port, NULL, 1, 4u << 20), 1);
	ck_assert_int_eq(fx_echo_many(port, NULL, 50, 64u << 10), 50);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_dynamic_forward_socks_with_curl)
{
	struct fx *fx = fx_setup(2);
	struct plan *p;
	int dport = fx_free_port(), fd;
	uint8_t bad[] = { 5, 1, 0 }, req[] = { 5, 1, 0, 9, 0, 0 };
	uint8_t rep[16];
	ssize_t n;

	fx_start_http(fx);
	p = fx_plan(fx, 2);
	fx_add_fwd(p, FWD_DYNAMIC, NULL, dport, "socks", 0);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	fx_curl(fx, "--socks4", dport, "127.0.0.1", 1);
	fx_curl(fx, "--socks4a", dport, "localhost", 1);
	fx_curl(fx, "--socks5", dport, "127.0.0.1", 1);
	fx_curl(fx, "--socks5-hostname", dport, "localhost", 1);
	/* Malformed: unknown address type gets reply 08, then a close. */
	fd = fx_connect("127.0.0.1", dport);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(send(fd, bad, sizeof(bad), 0), 3);
	ck_assert_int_eq(recv(fd, rep, 2, MSG_WAITALL), 2);
	ck_assert_int_eq(send(fd, req, sizeof(req), 0), 6);
	n = recv(fd, rep, sizeof(rep), MSG_WAITALL);
	ck_assert_int_eq(n, 10);
	ck_assert_int_eq(rep[1], 8);
	close(fd);
	/* A refused target: SOCKS5 reply 05 (connection refused). */
	{
		int closed = fx_free_port();
		uint8_t r2[] = { 5, 1, 0, 1, 127, 0, 0, 1, 0, 0 };

		r2[8] = (uint8_t)(closed >> 8);
		r2[9] = (uint8_t)closed;
		fd = fx_connect("127.0.0.1", dport);
		ck_assert_int_eq(send(fd, bad, sizeof(bad), 0), 3);
		ck_assert_int_eq(recv(fd, rep, 2, MSG_WAITALL), 2);
		ck_assert_int_eq(send(fd, r2, sizeof(r2), 0), 10);
		n = recv(fd, rep, sizeof(rep), MSG_WAITALL);
		ck_assert_int_eq(n, 10);
		ck_assert_int_eq(rep[1], 5);
		close(fd);
	}
	/* Still serving after the failures. */
	fx_curl(fx, "--socks5-hostname", dport, "localhost", 1);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_remote_dynamic_forward_and_permit_remote_open)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	int rport = fx_free_port();
	char allow[64];

	fx_start_http(fx);
	p = fx_plan(fx, 1);
	fx_add_fwd(p, FWD_REMOTE_DYNAMIC, NULL, rport, "socks", 0);
	snprintf(allow, sizeof(allow), "127.0.0.1:%d", fx->http_port);
	fx_strlist_add(&p->hops[0].opts.permitted_remote_opens, allow);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	fx_wait_port("127.0.0.1", rport);
	fx_curl(fx, "--socks5", rport, "127.0.0.1", 1);
	fx_curl(fx, "--socks4", rport, "127.0.0.1", 1);
	/* "localhost" is not in PermitRemoteOpen. */
	fx_curl(fx, "--socks5-hostname", rport, "localhost", 0);
	fx_stop_launcher(fx);
	ck_assert(fx_log_has(fx->launcher_log, "PermitRemoteOpen"));
}
END_TEST

START_TEST(test_launch_failed_channel_open_keeps_tunnel)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	int bad = fx_free_port(), good = fx_free_port(), dead = fx_free_port();
	int fd;
	char c;

	fx_start_echo(fx);
	p = fx_plan(fx, 1);
	fx_add_fwd(p, FWD_LOCAL, NULL, bad, "127.0.0.1", dead);
	fx_add_fwd(p, FWD_LOCAL, NULL, good, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 0), 1);
	fd = fx_connect("127.0.0.1", bad);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_le(recv(fd, &c, 1, 0), 0); /* closed on us */
	close(fd);
	ck_assert_int_eq(fx_echo_many(good, NULL, 2, 1u << 20), 2);
	fx_stop_launcher(fx);
	ck_assert(fx_log_has(fx->launcher_log,
	    "open failed: connect failed: Connection refused"));
}
END_TEST

START_TEST(test_launch_hostkey_mismatch_refused)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	int lport = fx_free_port(), fd;
	char other[600], pub[1024], want[700];
	FILE *f;

	snprintf(other, sizeof(other), "%s/other", fx->dir);
	fx_run("ssh-keygen -q -t ed25519 -N '' -f '%s'", other);
	snprintf(other, sizeof(other), "%s/other.pub", fx->dir);
	fx_read_file(other, pub, sizeof(pub));
	f = fopen(fx->known_hosts, "w");
	fprintf(f, "# comment\n[%s]:%d %s\n", fx->sshd[0].addr,
	    fx->sshd[0].port, pub);
	fclose(f);
	fx_start_echo(fx);
	p = fx_plan(fx, 1);
	fx_add_fwd(p, FWD_LOCAL, NULL, lport, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 0), 0);
	ck_assert(WIFEXITED(fx->launcher_status));
	ck_assert_int_eq(WEXITSTATUS(fx->launcher_status), 255);
	ck_assert(fx_log_has(
	    fx->launcher_log, "REMOTE HOST IDENTIFICATION HAS CHANGED"));
	snprintf(want, sizeof(want), "Offending ED25519 key in %s:2",
	    fx->known_hosts);
	ck_assert_msg(fx_log_has(fx->launcher_log, want), "missing: %s", want);
	fd = fx_connect("127.0.0.1", lport);
	ck_assert_int_lt(fd, 0); /* nothing was forwarded */
}
END_TEST

START_TEST(test_launch_unknown_host_strict_refused_accept_new_adds)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	int lport = fx_free_port();
	FILE *f;

	f = fopen(fx->known_hosts, "w");
	fclose(f);
	fx_start_echo(fx);
	p = fx_plan(fx, 1);
	fx_add_fwd(p, FWD_LOCAL, NULL, lport, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 0), 0);
	ck_assert_int_eq(WEXITSTATUS(fx->launcher_status), 255);
	ck_assert(fx_log_has(fx->launcher_log, "requested strict checking"));
	p->hops[0].opts.strict_host_key_checking = STRICT_HOSTKEY_NEW;
	ck_assert_int_eq(fx_launch(fx, p, 0), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 1, 1u << 20), 1);
	fx_stop_launcher(fx);
	ck_assert(fx_log_has(fx->known_hosts, fx->sshd[0].pub));
}
END_TEST

START_TEST(test_launch_exit_on_forward_failure)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	struct sockaddr_in sin;
	int taken, lfd, good = fx_free_port();

	fx_start_echo(fx);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	{
		socklen_t sl = sizeof(sin);

		getsockname(lfd, (struct sockaddr *)&sin, &sl);
		taken = ntohs(sin.sin_port);
	}
	p = fx_plan(fx, 1);
	fx_add_fwd(
	    p, FWD_LOCAL, "127.0.0.1", taken, "127.0.0.1", fx->echo_port);
	fx_add_fwd(p, FWD_LOCAL, "127.0.0.1", good, "127.0.0.1", fx->echo_port);
	/* Without ExitOnForwardFailure the rest runs. */
	ck_assert_int_eq(fx_launch(fx, p, 0), 1);
	ck_assert_int_eq(fx_echo_many(good, NULL, 1, 65536), 1);
	fx_stop_launcher(fx);
	ck_assert(fx_log_has(fx->launcher_log, "Address already in use"));
	{
		char holder[64];

		/* The hint names the process holding the port: us. */
		snprintf(holder, sizeof(holder), "(pid %ld)", (long)getpid());
		ck_assert_msg(fx_log_has(fx->launcher_log, holder),
		    "hint lacks %s", holder);
	}
	p->hops[0].opts.exit_on_forward_failure = 1;
	ck_assert_int_eq(fx_launch(fx, p, 0), 0);
	ck_assert_int_eq(WEXITSTATUS(fx->launcher_status), 255);
	ck_assert(fx_log_has(fx->launcher_log, "ExitOnForwardFailure"));
	close(lfd);
}
END_TEST

START_TEST(test_launch_clear_all_forwardings)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	int lport = fx_free_port();

	fx_start_echo(fx);
	p = fx_plan(fx, 1);
	fx_add_fwd(p, FWD_LOCAL, NULL, lport, "127.0.0.1", fx->echo_port);
	p->hops[0].opts.clear_forwardings = 1;
	ck_assert_int_eq(fx_launch(fx, p, 0), 1);
	ck_assert_int_lt(fx_connect("127.0.0.1", lport), 0);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_proxy_command_hop)
{
	struct fx *fx = fx_setup(2);
	struct plan *p;
	int lport = fx_free_port();

	fx_start_echo(fx);
	p = fx_plan(fx, 2);
	p->hops[0].opts.proxy_command = strdup("socat - TCP:%h:%p");
	p->hops[0].transport = PLAN_TRANSPORT_PROXY_COMMAND;
	fx_add_fwd(p, FWD_LOCAL, NULL, lport, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 1, 4u << 20), 1);
	fx_stop_launcher(fx);
	ck_assert(fx_log_has(fx->launcher_log, "Executing proxy command"));
}
END_TEST

START_TEST(test_launch_agent_auth)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	int lport = fx_free_port();
	char sock[600], *argv[6];
	int i;
	struct stat st;

	fx_start_echo(fx);
	snprintf(sock, sizeof(sock), "%s/agent.sock", fx->dir);
	argv[0] = (char *)"ssh-agent";
	argv[1] = (char *)"-D";
	argv[2] = (char *)"-a";
	argv[3] = sock;
	argv[4] = NULL;
	fx_spawn(fx, NULL, argv);
	for (i = 0; i < 200 && stat(sock, &st) != 0; i++)
		usleep(25000);
	fx_run("SSH_AUTH_SOCK='%s' ssh-add -q '%s' 2>/dev/null", sock,
	    fx->userkey);
	p = fx_plan(fx, 1);
	/* No identity files: only the agent can authenticate. */
	free(p->hops[0].opts.identity_files[0].path);
	free(p->hops[0].opts.identity_files);
	p->hops[0].opts.identity_files = NULL;
	p->hops[0].opts.num_identity_files = 0;
	p->hops[0].opts.identities_only = 0;
	p->hops[0].opts.identity_agent = strdup(sock);
	fx_add_fwd(p, FWD_LOCAL, NULL, lport, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 1, 1u << 20), 1);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_auth_failure_batch_mode)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	char other[600];

	snprintf(other, sizeof(other), "%s/stranger", fx->dir);
	fx_run("ssh-keygen -q -t ed25519 -N '' -f '%s'", other);
	p = fx_plan(fx, 1);
	free(p->hops[0].opts.identity_files[0].path);
	p->hops[0].opts.identity_files[0].path = strdup(other);
	ck_assert_int_eq(fx_launch(fx, p, 0), 0);
	ck_assert_int_eq(WEXITSTATUS(fx->launcher_status), 255);
	ck_assert(fx_log_has(fx->launcher_log, "Permission denied"));
	ck_assert(fx_log_has(fx->launcher_log, "hint:"));
}
END_TEST

START_TEST(test_launch_ipv6_and_localhost_listeners)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	int l6 = fx_free_port(), lboth = fx_free_port(), fd;
	struct sockaddr_in6 sin6;

	fx_start_echo(fx);
	p = fx_plan(fx, 1);
	fx_add_fwd(p, FWD_LOCAL, "::1", l6, "127.0.0.1", fx->echo_port);
	/* No bind address, GatewayPorts no: loopback of both families. */
	fx_add_fwd(p, FWD_LOCAL, NULL, lboth, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons((uint16_t)l6);
	sin6.sin6_addr = in6addr_loopback;
	ck_assert_int_eq(
	    connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	ck_assert_int_eq(send(fd, "ping", 4, 0), 4);
	shutdown(fd, SHUT_WR);
	{
		char buf[8];

		ck_assert_int_eq(recv(fd, buf, sizeof(buf), MSG_WAITALL), 4);
		ck_assert_int_eq(memcmp(buf, "ping", 4), 0);
	}
	close(fd);
	ck_assert_int_lt(fx_connect("127.0.0.1", l6), 0);
	ck_assert_int_eq(fx_echo_many(lboth, NULL, 1, 65536), 1);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	sin6.sin6_port = htons((uint16_t)lboth);
	ck_assert_int_eq(
	    connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	close(fd);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_remote_forward_two_hops)
{
	struct fx *fx = fx_setup(2);
	struct plan *p;
	static char log[1 << 16];
	const char *q;
	int port, fixed = fx_free_port();

	fx_start_echo(fx);
	p = fx_plan(fx, 2);
	fx_add_fwd(p, FWD_REMOTE, NULL, 0, "127.0.0.1", fx->echo_port);
	fx_add_fwd(p, FWD_REMOTE, NULL, fixed, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	fx_read_file(fx->launcher_log, log, sizeof(log));
	q = strstr(log, "Allocated port ");
	ck_assert_ptr_nonnull(q);
	port = (int)strtol(q + 15, NULL, 10); /* lint-ok: test */
	ck_assert_int_eq(fx_echo_many(port, NULL, 10, 1u << 20), 10);
	ck_assert_int_eq(fx_echo_many(fixed, NULL, 10, 1u << 20), 10);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_hashed_known_hosts_and_host_key_alias)
{
	struct fx *fx = fx_setup(2);
	struct plan *p;
	int lport = fx_free_port();
	FILE *f;

	/* Hop 1 through a hashed [host]:port entry, hop 2 through an
	 * alias (used verbatim, no port). */
	f = fopen(fx->known_hosts, "w");
	fprintf(f, "[%s]:%d %s\nmy-alias %s\n", fx->sshd[0].addr,
	    fx->sshd[0].port, fx->sshd[0].pub, fx->sshd[1].pub);
	fclose(f);
	fx_run("ssh-keygen -q -H -f '%s' >/dev/null 2>&1", fx->known_hosts);
	ck_assert(!fx_log_has(fx->known_hosts, fx->sshd[0].addr));
	fx_start_echo(fx);
	p = fx_plan(fx, 2);
	p->hops[1].opts.host_key_alias = strdup("my-alias");
	fx_add_fwd(p, FWD_LOCAL, NULL, lport, "127.0.0.1", fx->echo_port);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	ck_assert_int_eq(fx_echo_many(lport, NULL, 1, 65536), 1);
	fx_stop_launcher(fx);
}
END_TEST

START_TEST(test_launch_remote_forward_refused_exit_on_forward_failure)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int lfd, taken;

	fx_start_echo(fx);
	/* The server's listener would collide with ours on 127.0.0.1. */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(lfd, 1), 0);
	getsockname(lfd, (struct sockaddr *)&sin, &sl);
	taken = ntohs(sin.sin_port);
	p = fx_plan(fx, 1);
	fx_add_fwd(
	    p, FWD_REMOTE, "127.0.0.1", taken, "127.0.0.1", fx->echo_port);
	p->hops[0].opts.exit_on_forward_failure = 1;
	ck_assert_int_eq(fx_launch(fx, p, 0), 0);
	ck_assert_int_eq(WEXITSTATUS(fx->launcher_status), 255);
	ck_assert(fx_log_has(
	    fx->launcher_log, "remote port forwarding failed for listen port"));
	close(lfd);
}
END_TEST

START_TEST(test_launch_connect_timeout_banner)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int lfd;
	time_t t0;

	/* A listener that never speaks SSH (the kernel completes the TCP
	 * handshake from the backlog). */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	getsockname(lfd, (struct sockaddr *)&sin, &sl);
	p = fx_plan(fx, 1);
	p->hops[0].opts.port = ntohs(sin.sin_port);
	p->hops[0].opts.connection_timeout = 1;
	t0 = time(NULL);
	ck_assert_int_eq(fx_launch(fx, p, 0), 0);
	ck_assert_int_le(time(NULL) - t0, 5);
	ck_assert_int_eq(WEXITSTATUS(fx->launcher_status), 255);
	ck_assert(fx_log_has(fx->launcher_log, "banner exchange"));
	close(lfd);
}
END_TEST

START_TEST(test_launch_connection_refused_hint)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;

	p = fx_plan(fx, 1);
	p->hops[0].opts.port = fx_free_port();
	ck_assert_int_eq(fx_launch(fx, p, 0), 0);
	ck_assert_int_eq(WEXITSTATUS(fx->launcher_status), 255);
	ck_assert(fx_log_has(fx->launcher_log, "Connection refused"));
	ck_assert(fx_log_has(fx->launcher_log, "hint: is sshd running"));
}
END_TEST

START_TEST(test_launch_remote_forward_to_local_unix_socket)
{
	struct fx *fx = fx_setup(1);
	struct plan *p;
	struct fwd *f;
	char upath[600];
	int rport = fx_free_port();

	fx_start_echo(fx);
	snprintf(upath, sizeof(upath), "%s/target.sock", fx->dir);
	fx_start_echo_unix(fx, upath);
	p = fx_plan(fx, 1);
	f = fx_add_fwd(p, FWD_REMOTE, NULL, rport, NULL, 0);
	f->connect_path = strdup(upath);
	ck_assert_int_eq(fx_launch(fx, p, 1), 1);
	ck_assert_int_eq(fx_echo_many(rport, NULL, 3, 1u << 20), 3);
	fx_stop_launcher(fx);
}
END_TEST

static Suite *
launcher_suite(void)
{
	Suite *s = suite_create("launcher");
	TCase *tc;

	tc = tcase_create("socks");
	tcase_add_test(tc, test_socks_feed_v5_domain_split_and_payload);
	tcase_add_test(tc, test_socks_feed_malformed_gets_failure_reply);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostkey");
	tcase_add_test(tc, test_hostkey_ip_string_rows);
	tcase_add_test(tc, test_hostkey_ip_string_unix_and_short_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("sshd");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_launch_local_forward_one_hop_8mib);
	tcase_add_test(tc, test_launch_three_hops_local_forward);
	tcase_add_test(tc, test_launch_200_concurrent_connections);
	tcase_add_test(tc, test_launch_unix_listener);
	tcase_add_test(tc, test_launch_local_forward_to_remote_unix_socket);
	tcase_add_test(
	    tc, test_launch_remote_forward_port0_reports_and_forwards);
	tcase_add_test(tc, test_launch_dynamic_forward_socks_with_curl);
	tcase_add_test(
	    tc, test_launch_remote_dynamic_forward_and_permit_remote_open);
	tcase_add_test(tc, test_launch_failed_channel_open_keeps_tunnel);
	tcase_add_test(tc, test_launch_hostkey_mismatch_refused);
	tcase_add_test(
	    tc, test_launch_unknown_host_strict_refused_accept_new_adds);
	tcase_add_test(tc, test_launch_exit_on_forward_failure);
	tcase_add_test(tc, test_launch_clear_all_forwardings);
	tcase_add_test(tc, test_launch_proxy_command_hop);
	tcase_add_test(tc, test_launch_agent_auth);
	tcase_add_test(tc, test_launch_auth_failure_batch_mode);
	tcase_add_test(tc, test_launch_ipv6_and_localhost_listeners);
	tcase_add_test(tc, test_launch_remote_forward_two_hops);
	tcase_add_test(tc, test_launch_hashed_known_hosts_and_host_key_alias);
	tcase_add_test(tc, test_launch_connect_timeout_banner);
	tcase_add_test(tc, test_launch_remote_forward_to_local_unix_socket);
	tcase_add_test(tc, test_launch_connection_refused_hint);
	tcase_add_test(
	    tc, test_launch_remote_forward_refused_exit_on_forward_failure);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(launcher_suite());
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
