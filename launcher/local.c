/*
 * local: bind and accept for LocalForward and DynamicForward.
 */
#include "autoconf.h"

#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "launcher/engine.h"
#include "launcher/hop.h"
#include "launcher/local.h"
#include "parser/forward.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "launcher/pump.h"
#include "parser/options.h"

#define LOCAL_BACKLOG 512
#define LOCAL_ACCEPTS_PER_EVENT 64

void
local_fwd_desc(const struct fwd *f, char *buf, size_t len)
{
	char lis[300], tgt[300];

	if (f->listen_path != NULL)
		snprintf(lis, sizeof(lis), "%s", f->listen_path);
	else if (f->listen_host != NULL)
		snprintf(lis, sizeof(lis), "[%s]:%d", f->listen_host,
		    f->listen_port);
	else
		snprintf(lis, sizeof(lis), "%d", f->listen_port);
	if (f->kind == FWD_DYNAMIC || f->kind == FWD_REMOTE_DYNAMIC)
		snprintf(tgt, sizeof(tgt), "(SOCKS)");
	else if (f->connect_path != NULL)
		snprintf(tgt, sizeof(tgt), "%s", f->connect_path);
	else
		snprintf(tgt, sizeof(tgt), "[%s]:%d",
		    f->connect_host != NULL ? f->connect_host : "?",
		    f->connect_port);
	snprintf(buf, len, "%s -> %s", lis, tgt);
}

static void
local_on_accept(struct loop_watch *w, uint32_t ev)
{
	struct listener *l = w->data;
	struct engine *e = l->eng;
	struct hop *dest = e->hops[e->num_hops - 1];
	struct sockaddr_storage ss;
	socklen_t sl;
	char host[NI_MAXHOST], port[NI_MAXSERV], desc[2048];
	int fd, i, peer_port = 0;
	struct pump *p;
	const struct fwd *f = l->fwd;

	(void)ev;
	for (i = 0; i < LOCAL_ACCEPTS_PER_EVENT; i++) {
		sl = sizeof(ss);
		fd = accept4(w->fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				log_msg(
				    LOG_ERROR, "accept: %s", strerror(errno));
			return;
		}
		if (ss.ss_family == AF_UNIX) {
			snprintf(host, sizeof(host), "%s", l->unix_path);
			port[0] = '\0';
		} else if (getnameinfo((struct sockaddr *)&ss, sl, host,
		               sizeof(host), port, sizeof(port),
		               NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
			snprintf(host, sizeof(host), "?");
			port[0] = '\0';
		} else {
			char *end = NULL;
			long v;

			errno = 0;
			v = strtol(port, &end, 10); /* errno checked */
			if (errno == 0 && end != NULL && *end == '\0')
				peer_port = (int)v;
		}
		if (dest->state != HOP_READY) {
			log_msg(LOG_INFO,
			    "connection from %s refused: the "
			    "tunnel to %s is not up",
			    host, dest->name);
			close(fd);
			continue;
		}
		if (f->kind == FWD_DYNAMIC) {
			snprintf(desc, sizeof(desc), "%s%s%s", host,
			    port[0] ? ":" : "", port);
			p = pump_new(e, dest, fd, f, desc);
			if (p == NULL)
				continue;
			(void)pump_start_socks_local(p);
			continue;
		}
		if (f->connect_path != NULL)
			snprintf(desc, sizeof(desc), "%s%s%s -> %s", host,
			    port[0] ? ":" : "", port, f->connect_path);
		else
			snprintf(desc, sizeof(desc), "%s%s%s -> %s:%d", host,
			    port[0] ? ":" : "", port, f->connect_host,
			    f->connect_port);
		log_msg(LOG_DEBUG1,
		    "Connection to port %d forwarding to %s "
		    "port %d requested.",
		    f->listen_port,
		    f->connect_path != NULL ? f->connect_path : f->connect_host,
		    f->connect_port);
		p = pump_new(e, dest, fd, f, desc);
		if (p == NULL)
			continue;
		if (f->connect_path != NULL)
			(void)pump_open_unix(p, f->connect_path);
		else
			(void)pump_open_tcp(p, f->connect_host, f->connect_port,
			    ss.ss_family == AF_UNIX ? "127.0.0.1" : host,
			    peer_port);
	}
}

static int
local_add_fd(struct listener *l, int fd)
{
	if (l->nfds >= LOCAL_MAX_SOCKETS) {
		close(fd);
		return 0;
	}
	loop_watch_init(&l->w[l->nfds], local_on_accept, l);
	if (loop_watch_add(&l->eng->loop, &l->w[l->nfds], fd, EPOLLIN) != 0) {
		close(fd);
		return -1;
	}
	l->nfds++;
	return 0;
}

static int
local_bind_unix(struct listener *l, const struct options *o)
{
	struct sockaddr_un sun;
	const char *path = l->fwd->listen_path;
	mode_t old;
	int fd, mask;

	if (path_sockaddr_un(&sun, path) != 0) {
		log_msg(LOG_ERROR,
		    "unix_listener: path \"%s\" too long for "
		    "Unix domain socket",
		    path);
		return -1;
	}
	if (o->stream_local_bind_unlink == 1)
		(void)unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	mask =
	    o->stream_local_bind_mask >= 0 ? o->stream_local_bind_mask : 0177;
	old = umask((mode_t)mask);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int err = errno;

		umask(old);
		close(fd);
		log_msg(LOG_ERROR, "unix_listener: cannot bind to path %s: %s",
		    path, strerror(err));
		if (err == EADDRINUSE)
			log_hint(
			    "a socket file already exists there; remove it "
			    "or set StreamLocalBindUnlink yes");
		errno = err;
		return -1;
	}
	umask(old);
	if (listen(fd, LOCAL_BACKLOG) != 0) {
		close(fd);
		return -1;
	}
	l->unix_path = strdup(path);
	return local_add_fd(l, fd);
}

/* The inode of a TCP socket listening on port, from /proc/net/tcp{,6}. */
static unsigned long
local_listen_inode(int port)
{
	static const char *const files[] = { "/proc/net/tcp",
		"/proc/net/tcp6" };
	char line[512], *p, *end;
	unsigned long lport, st, inode;
	size_t i;
	FILE *f;
	int field;

	for (i = 0; i < 2; i++) {
		f = fopen(files[i], "r");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL) {
			/* sl local_address rem_address st ... uid timeout
			 * inode */
			p = strchr(line, ':');
			if (p == NULL || (p = strchr(p + 1, ':')) == NULL)
				continue;
			errno = 0;
			lport = strtoul(p + 1, &end, 16); /* errno checked */
			if (errno != 0 || (int)lport != port)
				continue;
			p = end;
			for (field = 0; field < 1; field++) {
				while (*p == ' ')
					p++;
				while (*p != ' ' && *p != '\0')
					p++;
			}
			errno = 0;
			st = strtoul(p, &end, 16); /* errno checked */
			if (errno != 0 || st != 0x0A) /* TCP_LISTEN */
				continue;
			p = end;
			for (field = 0; field < 5; field++) {
				while (*p == ' ')
					p++;
				while (*p != ' ' && *p != '\0')
					p++;
			}
			errno = 0;
			inode = strtoul(p, &end, 10); /* errno checked */
			if (errno == 0 && inode != 0) {
				fclose(f);
				return inode;
			}
		}
		fclose(f);
	}
	return 0;
}

/* Which process holds a listening TCP port: pid (and its name), or -1. */
static long
local_port_holder(int port, char *comm, size_t len)
{
	char want[64], path[300], link[64];
	unsigned long inode = local_listen_inode(port);
	struct dirent *pd, *fd;
	DIR *proc, *fds;
	ssize_t n;
	long pid = -1, v;
	char *end;
	FILE *f;

	comm[0] = '\0';
	if (inode == 0 || (proc = opendir("/proc")) == NULL)
		return -1;
	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (pid < 0 && (pd = readdir(proc)) != NULL) {
		errno = 0;
		v = strtol(pd->d_name, &end, 10); /* errno checked */
		if (errno != 0 || *end != '\0' || v <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", v);
		if ((fds = opendir(path)) == NULL)
			continue;
		while ((fd = readdir(fds)) != NULL) {
			snprintf(path, sizeof(path), "/proc/%ld/fd/%.200s", v,
			    fd->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, want) == 0) {
				pid = v;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	if (pid > 0) {
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		if ((f = fopen(path, "r")) != NULL) {
			if (fgets(comm, (int)len, f) == NULL)
				comm[0] = '\0';
			comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
	}
	return pid;
}

static int
local_bind_tcp(struct listener *l, const struct options *o)
{
	const struct fwd *f = l->fwd;
	const char *addr = NULL;
	struct addrinfo hints, *res = NULL, *ai;
	char port[16], host[NI_MAXHOST];
	int wildcard = 0, fd, one = 1, rc, err = 0, bound = 0;

	/* ssh's channel_fwd_bind_addr() for the client side. */
	if (f->listen_host == NULL) {
		if (o->gateway_ports == 1)
			wildcard = 1;
	} else if (*f->listen_host == '\0' ||
	    strcmp(f->listen_host, "*") == 0) {
		wildcard = 1;
	} else if (strcmp(f->listen_host, "localhost") != 0) {
		addr = f->listen_host;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = o->address_family == AF_OPT_INET ? AF_INET
	    : o->address_family == AF_OPT_INET6            ? AF_INET6
	                                                   : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = wildcard ? AI_PASSIVE : 0;
	snprintf(port, sizeof(port), "%d", f->listen_port);
	rc = getaddrinfo(addr, port, &hints, &res);
	if (rc != 0) {
		log_msg(LOG_ERROR, "bind [%s]:%d: getaddrinfo: %s",
		    addr != NULL ? addr : "localhost", f->listen_port,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		(void)setsockopt(
		    fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			(void)setsockopt(
			    fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host),
		        NULL, 0, NI_NUMERICHOST) != 0)
			snprintf(host, sizeof(host), "?");
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
		    listen(fd, LOCAL_BACKLOG) != 0) {
			err = errno;
			log_msg(
			    err == EADDRNOTAVAIL && ai->ai_family == AF_INET6
			        ? LOG_DEBUG1
			        : LOG_ERROR,
			    "bind [%s]:%d: %s", host, f->listen_port,
			    strerror(err));
			close(fd);
			continue;
		}
		log_msg(LOG_DEBUG1, "Local forwarding listening on %s port %d.",
		    host, f->listen_port);
		if (local_add_fd(l, fd) == 0)
			bound++;
	}
	freeaddrinfo(res);
	if (bound == 0) {
		if (err == EADDRINUSE) {
			char comm[64];
			long pid = local_port_holder(
			    f->listen_port, comm, sizeof(comm));

			if (pid > 0)
				log_hint(
				    "port %d is held by %s (pid %ld); stop "
				    "it or pick another port for this "
				    "forward",
				    f->listen_port,
				    comm[0] != '\0' ? comm : "a process", pid);
			else
				log_hint(
				    "another program already listens on "
				    "port %d; stop it or pick another port "
				    "for this forward",
				    f->listen_port);
		} else if (err == EACCES)
			log_hint("ports below 1024 need privileges; pick a "
			         "port above 1023");
		errno = err; /* for local_add's caller (-O forward) */
		return -1;
	}
	return 0;
}

int
local_add(struct engine *e, const struct fwd *f)
{
	const struct options *o = e->dest;
	struct listener *l;
	char desc[700];
	int rc;

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -2;
	l->eng = e;
	l->fwd = f;
	local_fwd_desc(f, desc, sizeof(desc));
	l->desc = strdup(desc);
	l->next = e->listeners;
	e->listeners = l;
	if (f->listen_path != NULL)
		rc = local_bind_unix(l, o);
	else
		rc = local_bind_tcp(l, o);
	if (rc != 0) {
		int err = errno;

		log_msg(LOG_ERROR, "Could not request local forwarding (%s).",
		    desc);
		errno = err;
		return -1;
	}
	return 0;
}

int
local_start(struct engine *e)
{
	size_t i;
	int rc;

	for (i = 0; i < e->num_lfwds; i++) {
		rc = local_add(e, &e->lfwds[i]);
		if (rc == -2)
			return -2;
		if (rc != 0)
			e->forward_failures++;
	}
	return 0;
}

static void
local_close(struct engine *e, struct listener *l)
{
	int i;

	for (i = 0; i < l->nfds; i++) {
		int fd = l->w[i].fd;

		loop_watch_del(&e->loop, &l->w[i]);
		close(fd);
	}
	if (l->unix_path != NULL)
		(void)unlink(l->unix_path);
	free(l->unix_path);
	free(l->desc);
	free(l);
}

int
local_remove(struct engine *e, const struct fwd *f)
{
	struct listener **pp = &e->listeners, *l;
	int n = 0;

	while ((l = *pp) != NULL) {
		if (l->fwd->kind == f->kind && forward_equals(l->fwd, f)) {
			*pp = l->next;
			local_close(e, l);
			n++;
			continue;
		}
		pp = &l->next;
	}
	return n;
}

void
local_stop(struct engine *e)
{
	struct listener *l;

	while ((l = e->listeners) != NULL) {
		e->listeners = l->next;
		local_close(e, l);
	}
}
