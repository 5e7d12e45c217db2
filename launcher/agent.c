/*
 * agent: list the user's agent keys and relay one chosen key to libssh.
 *
 * The agent protocol (draft-miller-ssh-agent) is a stream of messages, each
 * a 32-bit big-endian length and a type byte. Only three matter here:
 * REQUEST_IDENTITIES (11) answered by IDENTITIES_ANSWER (12), and
 * SIGN_REQUEST (13) answered by SIGN_RESPONSE (14) or FAILURE (5).
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "launcher/agent.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "launcher/wire.h"
#include "parser/base64.h"

#define AG_FAILURE 5
#define AG_REQUEST_IDENTITIES 11
#define AG_IDENTITIES_ANSWER 12
#define AG_SIGN_REQUEST 13

struct agent_blob {
	unsigned char *p;
	size_t len;
};

struct agent {
	int fd; /* the real agent */
	size_t n;
	ssh_key *keys;
	char **comments;
	struct agent_blob *blobs;

	int relay[2]; /* [0] the thread's end, [1] handed to libssh */
	int stop[2]; /* a pipe that wakes the thread to exit */
	pthread_t thread;
	int running;

	pthread_mutex_t mu; /* guards show/sign */
	struct agent_blob show, sign;
	char *show_comment;
};

/* A length-prefixed string at *off in msg; advances *off. 0 or -1. */
static int
agent_get_string(const unsigned char *msg, size_t len, size_t *off,
    const unsigned char **p, size_t *n)
{
	uint32_t l;

	if (len - *off < 4)
		return -1;
	l = wire_get_u32(msg + *off);
	if (l > len - *off - 4)
		return -1;
	*p = msg + *off + 4;
	*n = l;
	*off += 4 + (size_t)l;
	return 0;
}

static int
agent_write_all(int fd, const unsigned char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int
agent_read_all(int fd, unsigned char *p, size_t len)
{
	ssize_t r;

	while (len > 0) {
		r = read(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

/* Read one message (without its length) into a malloc'd *msg. */
static int
agent_read_msg(int fd, unsigned char **msg, size_t *len)
{
	unsigned char hdr[4];
	uint32_t l;

	*msg = NULL;
	*len = 0;
	if (agent_read_all(fd, hdr, 4) != 0)
		return -1;
	l = wire_get_u32(hdr);
	if (l == 0 || l > AGENT_MSG_MAX)
		return -1;
	*msg = malloc(l);
	if (*msg == NULL)
		return -1;
	if (agent_read_all(fd, *msg, l) != 0) {
		free(*msg);
		*msg = NULL;
		return -1;
	}
	*len = l;
	return 0;
}

static int
agent_write_msg(int fd, const unsigned char *msg, size_t len)
{
	unsigned char hdr[4];

	wire_put_u32(hdr, (uint32_t)len);
	if (agent_write_all(fd, hdr, 4) != 0)
		return -1;
	return agent_write_all(fd, msg, len);
}

/* The key in an agent blob: its type name is the blob's first string. */
static ssh_key
agent_import(const unsigned char *blob, size_t len)
{
	const unsigned char *tp;
	size_t tn, off = 0;
	char type[64], *b64;
	enum ssh_keytypes_e t;
	ssh_key key = NULL;
	int rc;

	if (agent_get_string(blob, len, &off, &tp, &tn) != 0 ||
	    tn >= sizeof(type))
		return NULL;
	memcpy(type, tp, tn);
	type[tn] = '\0';
	t = ssh_key_type_from_name(type);
	if (t == SSH_KEYTYPE_UNKNOWN)
		return NULL;
	b64 = base64_encode(blob, len);
	if (b64 == NULL)
		return NULL;
	if (strstr(type, "-cert-v01@openssh.com") != NULL)
		rc = ssh_pki_import_cert_base64(b64, t, &key);
	else
		rc = ssh_pki_import_pubkey_base64(b64, t, &key);
	free(b64);
	return rc == SSH_OK ? key : NULL;
}

/* Parse IDENTITIES_ANSWER into ag's key lists; unknown key types are
 * skipped (ssh skips them too). */
static int
agent_parse_identities(struct agent *ag, const unsigned char *msg, size_t len)
{
	const unsigned char *bp, *cp;
	size_t bn, cn, off = 5, i, cap;
	uint32_t count;
	ssh_key key;

	if (len < 5 || msg[0] != AG_IDENTITIES_ANSWER)
		return -1;
	count = wire_get_u32(msg + 1);
	cap = count < AGENT_KEYS_MAX ? count : AGENT_KEYS_MAX;
	ag->keys = calloc(cap + 1, sizeof(*ag->keys));
	ag->comments = calloc(cap + 1, sizeof(*ag->comments));
	ag->blobs = calloc(cap + 1, sizeof(*ag->blobs));
	if (ag->keys == NULL || ag->comments == NULL || ag->blobs == NULL)
		return -2;
	for (i = 0; i < cap; i++) {
		if (agent_get_string(msg, len, &off, &bp, &bn) != 0 ||
		    agent_get_string(msg, len, &off, &cp, &cn) != 0)
			return -1;
		key = agent_import(bp, bn);
		if (key == NULL)
			continue;
		ag->blobs[ag->n].p = malloc(bn);
		ag->comments[ag->n] = strndup((const char *)cp, cn);
		if (ag->blobs[ag->n].p == NULL || ag->comments[ag->n] == NULL) {
			ssh_key_free(key);
			free(ag->blobs[ag->n].p);
			ag->blobs[ag->n].p = NULL;
			return -2;
		}
		memcpy(ag->blobs[ag->n].p, bp, bn);
		ag->blobs[ag->n].len = bn;
		ag->keys[ag->n++] = key;
	}
	return 0;
}

int
agent_open(const char *path, struct agent **out)
{
	struct sockaddr_un sun;
	struct agent *ag;
	unsigned char req = AG_REQUEST_IDENTITIES, *msg = NULL;
	size_t len;
	int r = -1, rc;

	*out = NULL;
	ag = calloc(1, sizeof(*ag));
	if (ag == NULL)
		return -2;
	ag->relay[0] = ag->relay[1] = ag->stop[0] = ag->stop[1] = -1;
	if (pthread_mutex_init(&ag->mu, NULL) != 0) {
		free(ag);
		return -2;
	}
	ag->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ag->fd < 0)
		goto out;
	if (path_sockaddr_un(&sun, path) != 0) {
		log_msg(LOG_DEBUG1, "agent socket path too long: %s", path);
		goto out;
	}
	if (connect(ag->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		log_msg(LOG_DEBUG1, "cannot connect to agent at %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (agent_write_msg(ag->fd, &req, 1) != 0 ||
	    agent_read_msg(ag->fd, &msg, &len) != 0) {
		log_msg(LOG_DEBUG1, "agent at %s did not answer", path);
		goto out;
	}
	rc = agent_parse_identities(ag, msg, len);
	if (rc != 0) {
		r = rc;
		if (rc == -1)
			log_msg(
			    LOG_DEBUG1, "agent at %s: bad identity list", path);
		goto out;
	}
	log_msg(LOG_DEBUG1, "agent returned %zu keys", ag->n);
	*out = ag;
	ag = NULL;
	r = 0;
out:
	free(msg);
	agent_free(ag);
	return r;
}

size_t
agent_count(const struct agent *ag)
{
	return ag->n;
}

ssh_key
agent_key(const struct agent *ag, size_t i)
{
	return i < ag->n ? ag->keys[i] : NULL;
}

const char *
agent_comment(const struct agent *ag, size_t i)
{
	return i < ag->n ? ag->comments[i] : NULL;
}

/* The identities answer: the one selected key, or none. */
static int
agent_answer_identities(struct agent *ag, int fd)
{
	unsigned char *m;
	size_t cl, len;
	int rc;

	pthread_mutex_lock(&ag->mu);
	cl = ag->show_comment != NULL ? strlen(ag->show_comment) : 0;
	len = 5 + (ag->show.p != NULL ? 8 + ag->show.len + cl : 0);
	m = malloc(len);
	if (m == NULL) {
		pthread_mutex_unlock(&ag->mu);
		return -1;
	}
	m[0] = AG_IDENTITIES_ANSWER;
	wire_put_u32(m + 1, ag->show.p != NULL ? 1 : 0);
	if (ag->show.p != NULL) {
		wire_put_u32(m + 5, (uint32_t)ag->show.len);
		memcpy(m + 9, ag->show.p, ag->show.len);
		wire_put_u32(m + 9 + ag->show.len, (uint32_t)cl);
		if (cl > 0)
			memcpy(m + 13 + ag->show.len, ag->show_comment, cl);
	}
	pthread_mutex_unlock(&ag->mu);
	rc = agent_write_msg(fd, m, len);
	free(m);
	return rc;
}

/*
 * A signature request for the shown key goes to the agent naming the key
 * that signs it: for a certificate, the agent key it certifies (the
 * signature is the plain key's either way).
 */
static unsigned char *
agent_rewrite_sign(
    struct agent *ag, const unsigned char *msg, size_t len, size_t *outlen)
{
	const unsigned char *kp;
	size_t kn, off = 1, rest;
	unsigned char *m = NULL;

	if (agent_get_string(msg, len, &off, &kp, &kn) != 0)
		return NULL;
	pthread_mutex_lock(&ag->mu);
	if (ag->show.p == NULL || ag->sign.p == NULL || kn != ag->show.len ||
	    memcmp(kp, ag->show.p, kn) != 0)
		goto out;
	rest = len - off;
	*outlen = 1 + 4 + ag->sign.len + rest;
	m = malloc(*outlen);
	if (m == NULL)
		goto out;
	m[0] = AG_SIGN_REQUEST;
	wire_put_u32(m + 1, (uint32_t)ag->sign.len);
	memcpy(m + 5, ag->sign.p, ag->sign.len);
	memcpy(m + 5 + ag->sign.len, msg + off, rest);
out:
	pthread_mutex_unlock(&ag->mu);
	return m;
}

/* One request from libssh; -1 ends the relay. */
static int
agent_relay_one(struct agent *ag, int fd)
{
	unsigned char *msg = NULL, *fwd, *reply = NULL, fail = AG_FAILURE;
	size_t len, flen, rlen;
	int r = -1;

	if (agent_read_msg(fd, &msg, &len) != 0)
		return -1;
	switch (msg[0]) {
	case AG_REQUEST_IDENTITIES:
		r = agent_answer_identities(ag, fd);
		break;
	case AG_SIGN_REQUEST:
		fwd = agent_rewrite_sign(ag, msg, len, &flen);
		if (fwd == NULL) {
			/* Only the listed key may be signed with. */
			r = agent_write_msg(fd, &fail, 1);
			break;
		}
		if (agent_write_msg(ag->fd, fwd, flen) != 0 ||
		    agent_read_msg(ag->fd, &reply, &rlen) != 0)
			r = agent_write_msg(fd, &fail, 1);
		else
			r = agent_write_msg(fd, reply, rlen);
		free(fwd);
		break;
	default:
		r = agent_write_msg(fd, &fail, 1);
		break;
	}
	free(msg);
	free(reply);
	return r;
}

static void *
agent_thread(void *arg)
{
	struct agent *ag = arg;
	struct pollfd p[2];

	p[0].fd = ag->relay[0];
	p[0].events = POLLIN;
	p[1].fd = ag->stop[0];
	p[1].events = POLLIN;
	for (;;) {
		p[0].revents = p[1].revents = 0;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents != 0)
			break;
		if (p[0].revents != 0 && agent_relay_one(ag, ag->relay[0]) != 0)
			break;
	}
	return NULL;
}

int
agent_attach(struct agent *ag, ssh_session s)
{
	int r = -1;

	if (ag->running)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ag->relay) != 0)
		goto out;
	if (pipe2(ag->stop, O_CLOEXEC) != 0)
		goto out;
	if (pthread_create(&ag->thread, NULL, agent_thread, ag) != 0)
		goto out;
	ag->running = 1;
	if (ssh_set_agent_socket(s, ag->relay[1]) != SSH_OK)
		goto out;
	ag->relay[1] = -1; /* libssh's now */
	r = 0;
out:
	return r;
}

static void
agent_blob_clear(struct agent_blob *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
}

/* The wire blob of key (a plain key or a certificate). */
static int
agent_key_blob(ssh_key key, struct agent_blob *b)
{
	char *b64 = NULL;
	int rc;

	b->p = NULL;
	b->len = 0;
	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
		return -1;
	rc = base64_decode(b64, &b->p, &b->len);
	ssh_string_free_char(b64);
	return rc;
}

int
agent_key_equal(ssh_key a, ssh_key b)
{
	struct agent_blob x, y;
	int eq;

	if (agent_key_blob(a, &x) != 0)
		return 0;
	if (agent_key_blob(b, &y) != 0) {
		agent_blob_clear(&x);
		return 0;
	}
	eq = x.len == y.len && memcmp(x.p, y.p, x.len) == 0;
	agent_blob_clear(&x);
	agent_blob_clear(&y);
	return eq;
}

/*
 * An OpenSSH certificate blob is its type, a nonce, then the certified
 * key's public fields in the plain key's own encoding, then the
 * certificate's fields; the plain blob is its type and those public fields.
 */
int
agent_key_certifies(ssh_key cert, ssh_key plain)
{
	struct agent_blob c = { NULL, 0 }, k = { NULL, 0 };
	const unsigned char *p;
	size_t n, co = 0, ko = 0;
	int r = 0;

	if (!ssh_key_is_public(cert) || agent_key_blob(cert, &c) != 0 ||
	    agent_key_blob(plain, &k) != 0)
		goto out;
	if (agent_get_string(c.p, c.len, &co, &p, &n) != 0 ||
	    memmem(p, n, "-cert-v01@openssh.com", 21) == NULL ||
	    agent_get_string(c.p, c.len, &co, &p, &n) != 0 ||
	    agent_get_string(k.p, k.len, &ko, &p, &n) != 0)
		goto out;
	r = k.len - ko <= c.len - co &&
	    memcmp(k.p + ko, c.p + co, k.len - ko) == 0;
out:
	agent_blob_clear(&c);
	agent_blob_clear(&k);
	return r;
}

int
agent_select(struct agent *ag, ssh_key show, size_t i)
{
	struct agent_blob sb;
	char *c;

	if (i >= ag->n || agent_key_blob(show, &sb) != 0)
		return -1;
	c = strdup(ag->comments[i]);
	if (c == NULL) {
		agent_blob_clear(&sb);
		return -1;
	}
	pthread_mutex_lock(&ag->mu);
	agent_blob_clear(&ag->show);
	free(ag->show_comment);
	ag->show = sb;
	ag->show_comment = c;
	ag->sign = ag->blobs[i]; /* borrowed: lives as long as ag */
	pthread_mutex_unlock(&ag->mu);
	return 0;
}

void
agent_free(struct agent *ag)
{
	size_t i;
	char c = 0;

	if (ag == NULL)
		return;
	if (ag->running) {
		(void)write(ag->stop[1], &c, 1);
		pthread_join(ag->thread, NULL);
	}
	for (i = 0; i < 2; i++) {
		if (ag->relay[i] >= 0)
			close(ag->relay[i]);
		if (ag->stop[i] >= 0)
			close(ag->stop[i]);
	}
	if (ag->fd >= 0)
		close(ag->fd);
	for (i = 0; i < ag->n; i++) {
		ssh_key_free(ag->keys[i]);
		free(ag->comments[i]);
		free(ag->blobs[i].p);
	}
	free(ag->keys);
	free(ag->comments);
	free(ag->blobs);
	agent_blob_clear(&ag->show);
	free(ag->show_comment);
	pthread_mutex_destroy(&ag->mu);
	free(ag);
}
