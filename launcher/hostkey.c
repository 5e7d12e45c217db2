/*
 * hostkey: known_hosts lookup with file:line reporting and
 * StrictHostKeyChecking, in OpenSSH's words.
 *
 * A lookup gathers, over every file in ssh's order, the first entry with the
 * server's key, the last entry with another key and any @revoked entry, and
 * then classifies as ssh 9.2's hostfile.c does: a match wins, else another
 * key means changed, else new; revoked beats all. CheckHostIP runs a second
 * lookup under the peer's numeric address and reacts as sshconnect.c's
 * check_host_key() does.
 */
#include "autoconf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "launcher/hop.h"
#include "launcher/hostcert.h"
#include "launcher/hostkey.h"
#include "launcher/khcommand.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "launcher/randomart.h"
#include "parser/base64.h"
#include "parser/diag.h"
#include "parser/keywords.h"
#include "parser/lexer.h"
#include "parser/options.h"
#include "parser/sha1.h"
#include "parser/strbuf.h"

#define HOSTKEY_LINE_MAX 16384

/* ssh's HOST_NEW, HOST_OK, HOST_CHANGED (another key of any type is
 * known for the name), HOST_REVOKED. */
enum hk_state { HK_NEW, HK_OK, HK_CHANGED, HK_REVOKED };

struct hk_entry {
	char *file;
	int line;
	ssh_key key; /* the entry's key (kept for "other" entries only) */
};

struct hk_found {
	enum hk_state state;
	struct hk_entry match; /* first entry with the server's key */
	struct hk_entry other; /* last entry with another key */
	struct hk_entry revoked; /* first @revoked entry with the key */
	int same_type; /* some other key has the server key's type */
	int note; /* match came from KnownHostsCommand (ssh: read-only) */
};

/* The characters ssh refuses to write into a known_hosts name. */
#define HOSTKEY_BAD_NAME_CHARS "@?*#[]|'\"\\"

/* OpenSSH's display name of a key type ("ED25519", "RSA", ...). */
static const char *
hostkey_type_name(ssh_key key)
{
	switch (ssh_key_type(key)) {
	case SSH_KEYTYPE_ED25519:
		return "ED25519";
	case SSH_KEYTYPE_RSA:
		return "RSA";
	case SSH_KEYTYPE_DSS:
		return "DSA";
	case SSH_KEYTYPE_ECDSA_P256:
	case SSH_KEYTYPE_ECDSA_P384:
	case SSH_KEYTYPE_ECDSA_P521:
		return "ECDSA";
	default:
		return ssh_key_type_to_char(ssh_key_type(key));
	}
}

/* The looked-up name at port (0 or 22: none), lower-cased. */
static int
hostkey_name_port(const struct options *o, int port, char *buf, size_t len)
{
	const char *h =
	    o->host_key_alias != NULL ? o->host_key_alias : o->hostname;
	int n;

	if (o->host_key_alias != NULL || port == 0 || port == 22)
		n = snprintf(buf, len, "%s", h);
	else
		n = snprintf(buf, len, "[%s]:%d", h, port);
	lexer_lowercase(buf);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
hostkey_name(const struct options *o, char *buf, size_t len)
{
	return hostkey_name_port(o, o->port > 0 ? o->port : 22, buf, len);
}

/* Expand one list of files; missing lists get ssh's defaults. */
static char **
hostkey_files(const struct hop *h, size_t *n)
{
	static const char *const def_user[] = { "~/.ssh/known_hosts",
		"~/.ssh/known_hosts2" };
	static const char *const def_sys[] = { "/etc/ssh/ssh_known_hosts",
		"/etc/ssh/ssh_known_hosts2" };
	const struct options *o = h->o;
	size_t nu = o->user_hostfiles.n, ns = o->system_hostfiles.n, i, k = 0;
	char **v;
	int bad;

	v = calloc((nu ? nu : 2) + (ns ? ns : 2) + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (i = 0; i < (nu ? nu : 2); i++) {
		v[k] = path_expand(
		    nu ? o->user_hostfiles.v[i] : def_user[i], o, &bad);
		if (v[k] != NULL)
			k++;
	}
	for (i = 0; i < (ns ? ns : 2); i++) {
		v[k] = path_expand(
		    ns ? o->system_hostfiles.v[i] : def_sys[i], o, &bad);
		if (v[k] != NULL)
			k++;
	}
	*n = k;
	return v;
}

static void
hostkey_files_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* libssh expands % in these paths once more: escape them. */
static char *
hostkey_escape(const char *s)
{
	size_t n = 0, i, k = 0;
	char *o;

	for (i = 0; s[i] != '\0'; i++)
		n += s[i] == '%' ? 2 : 1;
	o = malloc(n + 1);
	if (o == NULL)
		return NULL;
	for (i = 0; s[i] != '\0'; i++) {
		o[k++] = s[i];
		if (s[i] == '%')
			o[k++] = '%';
	}
	o[k] = '\0';
	return o;
}

int
hostkey_prepare(struct hop *h)
{
	char **files, *e, name[1024], *out = NULL;
	size_t n = 0, nu = h->o->user_hostfiles.n ? h->o->user_hostfiles.n : 2;
	size_t len = 0;

	/* KnownHostsCommand "ORDER": ssh 9.2 runs it before the key exchange
	 * (no key yet) to prefer the algorithms of the keys it prints, unless
	 * HostKeyAlgorithms was given. sshfwd runs it the same way (a failure
	 * ends the hop) and leaves the order to libssh's reading of the
	 * files; a CA line in its output asks for the certificate as one in
	 * a file does (hostkey_cert_algs). */
	if (h->o->known_hosts_command != NULL &&
	    (h->o->origin[OPT_HOST_KEY_ALGORITHMS].kind == ORIGIN_UNSET ||
	        h->o->origin[OPT_HOST_KEY_ALGORITHMS].kind == ORIGIN_DEFAULT)) {
		snprintf(name, sizeof(name), "%s", h->o->hostname);
		lexer_lowercase(name);
		if (khcommand_run(h->o, "ORDER", name, NULL, &out, &len) != 0)
			return -1;
		free(h->kh_order);
		h->kh_order = out;
	}
	files = hostkey_files(h, &n);
	if (files == NULL)
		return 0;
	if (n > 0 && (e = hostkey_escape(files[0])) != NULL) {
		(void)ssh_options_set(h->s, SSH_OPTIONS_KNOWNHOSTS, e);
		free(e);
	}
	if (n > nu && (e = hostkey_escape(files[nu])) != NULL) {
		(void)ssh_options_set(h->s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, e);
		free(e);
	}
	hostkey_files_free(files, n);
	return 0;
}

static void
hostkey_entry_set(struct hk_entry *e, const char *file, int line, ssh_key *key)
{
	free(e->file);
	e->file = strdup(file);
	e->line = line;
	ssh_key_free(e->key);
	e->key = NULL;
	if (key != NULL) {
		e->key = *key;
		*key = NULL;
	}
}

static void
hostkey_found_clear(struct hk_found *f)
{
	struct hk_entry *e[3] = { &f->match, &f->other, &f->revoked };
	size_t i;

	for (i = 0; i < 3; i++) {
		free(e[i]->file);
		ssh_key_free(e[i]->key);
	}
	memset(f, 0, sizeof(*f));
}

typedef void (*hostkey_line_fn)(
    void *ctx, const char *file, int lineno, char *p);

/* Call fn for every line of fp (named file) that is neither blank nor a
 * comment, its end of line removed and leading blanks skipped (p). Closes
 * fp. */
static void
hostkey_each_stream(FILE *fp, const char *file, hostkey_line_fn fn, void *ctx)
{
	char *line, *p;
	int lineno = 0;
	size_t len;

	line = malloc(HOSTKEY_LINE_MAX);
	if (line == NULL) {
		fclose(fp);
		return;
	}
	while (fgets(line, HOSTKEY_LINE_MAX, fp) != NULL) {
		lineno++;
		len = strlen(line);
		while (
		    len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		p = line + strspn(line, " \t");
		if (*p != '\0' && *p != '#')
			fn(ctx, file, lineno, p);
	}
	free(line);
	fclose(fp);
}

/* hostkey_each_stream over a file; one that cannot be read has no lines,
 * as for ssh. */
static void
hostkey_each_line(const char *file, hostkey_line_fn fn, void *ctx)
{
	FILE *fp = fopen(file, "r");

	if (fp != NULL)
		hostkey_each_stream(fp, file, fn, ctx);
}

struct hk_scan {
	const char *name;
	ssh_key key;
	ssh_key ca; /* set: look for the certificate's CA (ssh's want_cert) */
	struct hk_found *f;
	int note; /* lines from KnownHostsCommand */
};

/* One known_hosts line for name, added to what s->f gathered so far. */
static void
hostkey_scan_line(void *ctx, const char *file, int lineno, char *p)
{
	struct hk_scan *s = ctx;
	struct hk_found *f = s->f;
	struct ssh_knownhosts_entry *ent;
	int revoked = 0, ca = 0, rc;

	if (*p == '@') {
		if (strncmp(p, "@revoked", 8) == 0 &&
		    (p[8] == ' ' || p[8] == '\t')) {
			revoked = 1;
			p += 8;
		} else if (strncmp(p, "@cert-authority", 15) == 0 &&
		    (p[15] == ' ' || p[15] == '\t')) {
			ca = 1;
			p += 15;
		} else
			return;
		p += strspn(p, " \t");
	}
	/* A certificate is known through a CA line only; a plain key never
	 * through one (hostfile.c's want_marker). */
	if (ca != (s->ca != NULL) && !revoked)
		return;
	ent = NULL;
	rc = ssh_known_hosts_parse_line(s->name, p, &ent);
	if (rc != SSH_OK || ent == NULL) {
		ssh_knownhosts_entry_free(ent);
		return;
	}
	if (s->ca != NULL) {
		/* Revoked: the certified key or its CA. */
		if (revoked && f->revoked.file == NULL &&
		    (ssh_key_cmp(s->key, ent->publickey, SSH_KEY_CMP_PUBLIC) ==
		            0 ||
		        ssh_key_cmp(
		            s->ca, ent->publickey, SSH_KEY_CMP_PUBLIC) == 0))
			hostkey_entry_set(&f->revoked, file, lineno, NULL);
		else if (ca && f->match.file == NULL &&
		    ssh_key_cmp(s->ca, ent->publickey, SSH_KEY_CMP_PUBLIC) ==
		        0) {
			hostkey_entry_set(&f->match, file, lineno, NULL);
			f->note = s->note;
		}
		ssh_knownhosts_entry_free(ent);
		return;
	}
	if (ssh_key_cmp(s->key, ent->publickey, SSH_KEY_CMP_PUBLIC) == 0) {
		if (revoked && f->revoked.file == NULL)
			hostkey_entry_set(&f->revoked, file, lineno, NULL);
		else if (!revoked && f->match.file == NULL) {
			hostkey_entry_set(&f->match, file, lineno, NULL);
			f->note = s->note;
		}
	} else if (!revoked) {
		/* ssh names the last one: each replaces the one before. */
		if (ssh_key_type(s->key) == ssh_key_type(ent->publickey))
			f->same_type = 1;
		hostkey_entry_set(&f->other, file, lineno, &ent->publickey);
	}
	ssh_knownhosts_entry_free(ent);
}

/* Look name up in every file, in order, then in cmd (KnownHostsCommand's
 * output for it, read as the file tag; may be NULL), and classify as ssh
 * does; with ca set, for a certificate of key signed by ca (no "changed"
 * then). */
static void
hostkey_lookup(char *const *files, size_t nfiles, const char *name, ssh_key key,
    ssh_key ca, char *cmd, const char *tag, struct hk_found *f)
{
	struct hk_scan scan = { name, key, ca, f, 0 };
	size_t i;
	FILE *fp;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < nfiles; i++)
		hostkey_each_line(files[i], hostkey_scan_line, &scan);
	if (cmd != NULL && cmd[0] != '\0' &&
	    (fp = fmemopen(cmd, strlen(cmd), "r")) != NULL) {
		scan.note = 1;
		hostkey_each_stream(fp, tag, hostkey_scan_line, &scan);
	}
	if (f->revoked.file != NULL)
		f->state = HK_REVOKED;
	else if (f->match.file != NULL)
		f->state = HK_OK;
	else if (f->other.file != NULL)
		f->state = HK_CHANGED;
	else
		f->state = HK_NEW;
}

/*
 * The known_hosts line ssh writes for key under name: the name lower-cased,
 * or with HashKnownHosts its hashed form |1|base64(salt)|base64(HMAC-SHA1
 * keyed by the salt over the name), which only a lookup of that same name
 * can match. malloc'd, NULL on failure.
 */
static char *
hostkey_line(const struct options *o, const char *name, ssh_key key)
{
	unsigned char salt[SHA1_DIGEST_LEN], mac[SHA1_DIGEST_LEN];
	char *b64 = NULL, *lname = NULL, *s64 = NULL, *m64 = NULL;
	char *line = NULL, hashed[80];
	const char *host, *type = ssh_key_type_to_char(ssh_key_type(key));
	size_t n;

	if (type == NULL || ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
		goto out;
	lname = strdup(name);
	if (lname == NULL)
		goto out;
	lexer_lowercase(lname);
	if (o->hash_known_hosts == 1) {
		if (hostcert_random(salt, sizeof(salt)) != 0)
			goto out;
		sha1_hmac(salt, sizeof(salt), lname, strlen(lname), mac);
		s64 = base64_encode(salt, sizeof(salt));
		m64 = base64_encode(mac, sizeof(mac));
		if (s64 == NULL || m64 == NULL)
			goto out;
		/* 20 bytes each: 28 base64 characters. */
		snprintf(hashed, sizeof(hashed), "|1|%s|%s", s64, m64);
		lname[0] = '\0';
	}
	host = o->hash_known_hosts == 1 ? hashed : lname;
	n = strlen(host) + strlen(type) + strlen(b64) + 3;
	line = malloc(n + 1);
	if (line != NULL &&
	    snprintf(line, n + 1, "%s %s %s\n", host, type, b64) != (int)n) {
		free(line);
		line = NULL;
	}
out:
	ssh_string_free_char(b64);
	free(lname);
	free(s64);
	free(m64);
	return line;
}

/*
 * Append one line per name for key to file (hashed one by one under
 * HashKnownHosts), creating its directory as ssh creates ~/.ssh. 0, or -1
 * with errno set.
 */
static int
hostkey_append(const struct options *o, const char *file,
    const char *const *names, size_t n, ssh_key key)
{
	char *entry[2] = { NULL, NULL }, *dir, *slash;
	int fd = -1, rc = -1, err = EINVAL;
	size_t i, len;

	if (n > 2)
		goto out;
	for (i = 0; i < n; i++) {
		entry[i] = hostkey_line(o, names[i], key);
		if (entry[i] == NULL)
			goto out;
	}
	dir = strdup(file);
	if (dir != NULL && (slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		(void)mkdir(dir, 0700);
	}
	free(dir);
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = errno;
		goto out;
	}
	for (i = 0; i < n; i++) {
		len = strlen(entry[i]);
		if (write(fd, entry[i], len) != (ssize_t)len) {
			err = errno != 0 ? errno : EIO;
			goto out;
		}
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	for (i = 0; i < 2; i++)
		free(entry[i]);
	if (rc != 0)
		errno = err;
	return rc;
}

/*
 * ssh's confirm(): prompt on the terminal until the answer is yes, no (or
 * empty), or the fingerprint when fp is given. 1 to go on, 0 not to.
 */
static int
hostkey_confirm(const char *prompt, const char *fp)
{
	char buf[128], c, *p;
	const char *msg = prompt;
	int fd, r = 0;
	ssize_t n;
	size_t off;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	for (;;) {
		dprintf(fd, "%s", msg);
		off = 0;
		for (;;) {
			n = read(fd, &c, 1);
			if (n <= 0)
				goto out; /* EOF: no */
			if (c == '\n')
				break;
			if (off + 1 < sizeof(buf))
				buf[off++] = c;
		}
		buf[off] = '\0';
		p = buf + strspn(buf, " \t");
		p[strcspn(p, " \t\r")] = '\0';
		if (p[0] == '\0' || strcasecmp(p, "no") == 0)
			goto out;
		if (strcasecmp(p, "yes") == 0 ||
		    (fp != NULL && strcmp(p, fp) == 0)) {
			r = 1;
			goto out;
		}
		msg = fp != NULL
		    ? "Please type 'yes', 'no' or the fingerprint: "
		    : "Please type 'yes' or 'no': ";
	}
out:
	close(fd);
	return r;
}

int
hostkey_ip_string(const struct sockaddr *sa, socklen_t salen, int port,
    char *buf, size_t len, int *local)
{
	char ntop[NI_MAXHOST];
	const struct sockaddr_in *sin;
	const struct sockaddr_in6 *sin6;
	int n;

	*local = 0;
	if (len > 0)
		buf[0] = '\0';
	switch (sa->sa_family) {
	case AF_INET:
		sin = (const struct sockaddr_in *)(const void *)sa;
		*local = (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
		break;
	case AF_INET6:
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		*local = IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
		break;
	default:
		return -1;
	}
	if (getnameinfo(
	        sa, salen, ntop, sizeof(ntop), NULL, 0, NI_NUMERICHOST) != 0)
		return -1;
	if (port <= 0 || port == 22)
		n = snprintf(buf, len, "%s", ntop);
	else
		n = snprintf(buf, len, "[%s]:%d", ntop, port);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * What one host key check works with. check_ip is ssh's
 * options.check_host_ip: the first check that rules it out (loopback peer,
 * no peer, HostName equal to the address string) clears it for the rest
 * of the connection, the port-less retry included.
 */
struct hk_ctx {
	struct hop *h;
	ssh_key key;
	const char *type; /* "ED25519", ... */
	const char *fp; /* SHA256:... (MD5:... under FingerprintHash md5) */
	char *art; /* its picture under VisualHostKey, else NULL */
	char *cert_art; /* the same under the certificate's name */
	char **files; /* user files, then global files */
	size_t nfiles;
	const char *kh; /* the file new lines go to; NULL: none */
	int strict;
	int check_ip;
	int have_peer; /* hop 0 over our own TCP socket */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	struct hostcert *cert; /* the server's certificate for key, if any */
	char *cert_b64; /* its blob in base64 (KnownHostsCommand's %K) */
	ssh_key ca; /* its CA's key */
};

/* ssh's read-only levels of check_host_key(). */
enum { HK_RDRW = 0, HK_RDONLY = 1, HK_ROQUIET = 2 };

/*
 * Only hop 0 reached over our own TCP socket has a peer address. Hops
 * behind ProxyCommand or ProxyJump (ssh runs "ssh -W" as a ProxyCommand)
 * have none, as in ssh.
 */
static void
hostkey_peer(struct hk_ctx *c)
{
	c->peerlen = sizeof(c->peer);
	c->have_peer = hop_direct_tcp(c->h) && c->h->lib_fd >= 0 &&
	    getpeername(
	        c->h->lib_fd, (struct sockaddr *)&c->peer, &c->peerlen) == 0;
}

/* The IP address line of a known host: add it, or say why not. */
static void
hostkey_add_ip(const struct hk_ctx *c, int readonly, const char *ip)
{
	const char *names[1] = { ip };
	const char *file = c->kh, *type = c->type;

	if (readonly || file == NULL)
		log_msg(LOG_INFO,
		    "%s host key for IP address '%.128s' not in list of "
		    "known hosts.",
		    type, ip);
	else if (hostkey_append(c->h->o, file, names, 1, c->key) != 0)
		log_msg(LOG_INFO,
		    "Failed to add the %s host key for IP address '%.128s' "
		    "to the list of known hosts (%.500s).",
		    type, ip, file);
	else
		log_msg(LOG_INFO,
		    "Warning: Permanently added the %s host key for IP "
		    "address '%.128s' to the list of known hosts.",
		    type, ip);
}

/* A new host accepted: record it (with its address under CheckHostIP). */
static void
hostkey_add_new(const struct hk_ctx *c, const char *name, const char *ip)
{
	const char *file = c->kh;
	char both[2200];
	const char *names[2] = { both, NULL };
	size_t n = 1;

	if (ip != NULL) {
		snprintf(both, sizeof(both), "%s,%s", name, ip);
		if (c->h->o->hash_known_hosts == 1) {
			/* Hashed names match one name each: two lines. */
			names[0] = name;
			names[1] = ip;
			n = 2;
		}
	} else
		snprintf(both, sizeof(both), "%s", name);
	if (hostkey_append(c->h->o, file, names, n, c->key) != 0)
		log_msg(LOG_INFO,
		    "Failed to add the host to the list of known hosts "
		    "(%.500s): %s",
		    file, strerror(errno));
	else
		log_msg(LOG_INFO,
		    "Warning: Permanently added '%.200s' (%s) to the list of "
		    "known hosts.",
		    both, c->type);
}

/* Under CheckHostIP, the changed-key warning for a host whose address
 * line disagrees (ssh's "POSSIBLE DNS SPOOFING"). */
static void
hostkey_warn_spoofing(const char *name, const char *ip, const char *type,
    const struct hk_found *fi)
{
	const char *what = fi->state == HK_NEW ? "is unknown"
	    : fi->state == HK_OK               ? "is unchanged"
	                                       : "has a different value";
	const struct hk_entry *e = fi->state == HK_OK ? &fi->match : &fi->other;

	log_msg(LOG_ERROR,
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "@       WARNING: POSSIBLE DNS SPOOFING DETECTED!          @\n"
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "The %s host key for %s has changed,\n"
	    "and the key for the corresponding IP address %s\n"
	    "%s. This could either mean that\n"
	    "DNS SPOOFING is happening or the IP address for the host\n"
	    "and its host key have changed at the same time.",
	    type, name, ip, what);
	if (fi->state != HK_NEW && e->file != NULL)
		log_msg(LOG_ERROR,
		    "Offending key for IP in %s:%d\n"
		    "  remove with:\n"
		    "  ssh-keygen -f \"%s\" -R \"%s\"",
		    e->file, e->line, e->file, ip);
}

/*
 * CheckHostIP found the address with another key while the host key itself
 * is known or newly accepted: warn, and ask or refuse as strict says. 0 to
 * go on, -1 refused (logged).
 */
static int
hostkey_ip_differs(const struct hk_ctx *c, const char *name, const char *ip,
    const struct hk_found *f, const struct hk_found *fi)
{
	const struct hop *h = c->h;
	const char *type = c->type;
	int strict = c->strict;
	struct strbuf b = STRBUF_INIT;
	char *msg;
	int r = -1, can_ask;

	strbuf_addf(&b,
	    "Warning: the %s host key for '%.200s' differs from the key for "
	    "the IP address '%.128s'\n"
	    "Offending key for IP in %s:%d",
	    type, name, ip, fi->other.file, fi->other.line);
	if (f->state == HK_OK)
		strbuf_addf(&b, "\nMatching host key in %s:%d", f->match.file,
		    f->match.line);
	can_ask = h->o->batch_mode != 1 && access("/dev/tty", R_OK) == 0;
	if (strict == STRICT_HOSTKEY_ASK && can_ask)
		strbuf_add(&b,
		    "\nAre you sure you want to continue connecting "
		    "(yes/no)? ");
	msg = strbuf_finish(&b);
	if (msg == NULL) {
		log_msg(LOG_ERROR, "out of memory");
		return -1;
	}
	if (strict == STRICT_HOSTKEY_ASK && can_ask) {
		if (hostkey_confirm(msg, NULL))
			r = 0;
		goto out;
	}
	log_msg(LOG_INFO, "%s", msg);
	if (strict == STRICT_HOSTKEY_OFF) {
		r = 0;
		goto out;
	}
	if (strict == STRICT_HOSTKEY_ASK)
		log_hint("StrictHostKeyChecking ask needs a terminal to ask on "
		         "(BatchMode is set or there is no /dev/tty)");
	else
		log_msg(
		    LOG_ERROR, "Exiting, you have requested strict checking.");
	log_hint("if the address now belongs to this host, remove line %d "
	         "of %s and connect again",
	    fi->other.line, fi->other.file);
out:
	free(msg);
	return r;
}

/* ssh names at most this many other names in the new-host prompt. */
#define HOSTKEY_OTHER_NAMES_MAX 8

/* path with $HOME shown as ~/, as ssh shows it. malloc'd or NULL. */
static char *
hostkey_tilde(const char *path)
{
	const char *home = getenv("HOME");
	size_t l = home != NULL ? strlen(home) : 0;

	if (l == 0 || path[0] != '/' || strncmp(path, home, l) != 0 ||
	    (home[l - 1] != '/' && path[l] != '/'))
		return strdup(path);
	if (path[l] == '/')
		l++;
	return diag_fmt("~/%s", path + l);
}

struct hk_others {
	const struct hk_ctx *c;
	const char *name;
	struct strbuf *b;
	unsigned n; /* lines found, shown or not */
};

/* Add "file:line: names" to o->b when the line carries the key under names
 * that do not match o->name. */
static void
hostkey_other_names_line(void *ctx, const char *file, int lineno, char *p)
{
	struct hk_others *o = ctx;
	struct ssh_knownhosts_entry *ent, *m;
	char *shown;
	int same;

	if (*p == '@')
		return;
	ent = NULL;
	if (ssh_known_hosts_parse_line(NULL, p, &ent) != SSH_OK ||
	    ent == NULL || ent->unparsed == NULL) {
		ssh_knownhosts_entry_free(ent);
		return;
	}
	same = ssh_key_cmp(o->c->key, ent->publickey, SSH_KEY_CMP_PUBLIC) == 0;
	if (same) {
		/* A line that names this host is not "other". */
		m = NULL;
		if (ssh_known_hosts_parse_line(o->name, p, &m) == SSH_OK)
			same = 0;
		ssh_knownhosts_entry_free(m);
	}
	if (same) {
		if (o->n < HOSTKEY_OTHER_NAMES_MAX) {
			shown = hostkey_tilde(file);
			strbuf_addf(o->b, "\n    %s:%d: %s",
			    shown != NULL ? shown : file, lineno,
			    strncmp(ent->unparsed, "|1|", 3) == 0
			        ? "[hashed name]"
			        : ent->unparsed);
			free(shown);
		}
		o->n++;
	}
	ssh_knownhosts_entry_free(ent);
}

/*
 * The new-host prompt's line about other names that carry this key, as
 * ssh words it. malloc'd, NULL on out of memory.
 */
static char *
hostkey_other_names(const struct hk_ctx *c, const char *name)
{
	struct strbuf b = STRBUF_INIT;
	struct hk_others o = { c, name, &b, 0 };
	size_t i;

	strbuf_add(&b,
	    "This host key is known by the following other "
	    "names/addresses:");
	for (i = 0; i < c->nfiles; i++)
		hostkey_each_line(c->files[i], hostkey_other_names_line, &o);
	if (o.n > HOSTKEY_OTHER_NAMES_MAX)
		strbuf_addf(&b, "\n    (%u additional names omitted)",
		    o.n - HOSTKEY_OTHER_NAMES_MAX);
	if (o.n == 0) {
		strbuf_free(&b);
		return strdup("This key is not known by any other names.");
	}
	return strbuf_finish(&b);
}

/*
 * ssh's revoked-key refusal; type is the presented key's ("ED25519-CERT"
 * when a certificate's key or CA is revoked). ssh goes on (without
 * forwarding) only with checking off; with nothing left to forward,
 * sshfwd always stops.
 */
static void
hostkey_revoked(const struct hk_ctx *c, const char *type, const char *name,
    const struct hk_found *f)
{
	log_msg(LOG_ERROR,
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "@       WARNING: REVOKED HOST KEY DETECTED!               @\n"
	    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "The %s host key for %s is marked as revoked.\n"
	    "This could mean that a stolen key is being used to\n"
	    "impersonate this host.",
	    type, name);
	if (c->strict != STRICT_HOSTKEY_OFF)
		log_msg(LOG_ERROR,
		    "%s host key for %.200s was revoked and you have "
		    "requested strict checking.",
		    type, name);
	if (strcmp(type, c->type) != 0)
		log_hint("%s:%d marks the server's %s key %s or the CA of its "
		         "certificate @revoked; do not connect until its "
		         "administrator replaces it",
		    f->revoked.file, f->revoked.line, c->type,
		    c->fp != NULL ? c->fp : "?");
	else
		log_hint("%s:%d marks the server's %s key %s @revoked; do not "
		         "connect until its administrator replaces it",
		    f->revoked.file, f->revoked.line, c->type,
		    c->fp != NULL ? c->fp : "?");
}

static int hostkey_check(struct hk_ctx *c, int port, int readonly, int clobber);

/*
 * The certificate half of ssh's check_host_key(): the CA must be on an
 * @cert-authority line for name (or, off port 22, for the port-less name)
 * and the certificate valid for the host. 0 accepted, 1 to retry with the
 * plain key (ssh's "No matching CA found"), -1 revoked (logged).
 */
static int
hostkey_check_cert(
    struct hk_ctx *c, const char *name, int port, int clobber, char *cmd)
{
	const struct options *o = c->h->o;
	const char *type = hostcert_type_name(c->cert), *reason = NULL;
	char principal[1024];
	struct hk_found f;
	int r = 1;
	time_t now = time(NULL);

	hostkey_lookup(c->files, c->nfiles, name, c->key, c->ca, cmd,
	    "KnownHostsCommand-HOSTNAME", &f);
	switch (f.state) {
	case HK_OK:
		log_msg(LOG_DEBUG1,
		    "Host '%s' is known and matches the %s host certificate.",
		    name, type);
		log_msg(LOG_DEBUG1, "Found CA key in %s:%d", f.match.file,
		    f.match.line);
		/* The principal is the host as typed (lower-cased), or the
		 * alias, never the [host]:port form. */
		snprintf(principal, sizeof(principal), "%s",
		    o->host_key_alias != NULL ? o->host_key_alias
		                              : o->hostname);
		if (o->host_key_alias == NULL)
			lexer_lowercase(principal);
		if (hostcert_check(c->cert, principal, o->ca_sign_algorithms,
		        now < 0 ? 0 : (uint64_t)now, &reason) != 0) {
			log_msg(LOG_ERROR, "%s", reason);
			break;
		}
		if (c->cert_art != NULL)
			log_msg(LOG_INFO, "Host key fingerprint is %s\n%s",
			    c->fp != NULL ? c->fp : "?", c->cert_art);
		r = 0;
		break;
	case HK_NEW:
		if (o->host_key_alias == NULL && port != 0 && port != 22 &&
		    !clobber) {
			log_msg(LOG_DEBUG1, "checking without port identifier");
			if (hostkey_check(c, 0, HK_ROQUIET, 1) == 0) {
				log_msg(LOG_DEBUG1,
				    "found matching key w/out port");
				r = 0;
			}
		}
		break;
	case HK_REVOKED:
		hostkey_revoked(c, type, name, &f);
		r = -1;
		break;
	case HK_CHANGED:
		break; /* never for a certificate */
	}
	hostkey_found_clear(&f);
	return r;
}

/*
 * ssh's check_host_key() for the name at port (0: without a port) with
 * readonly one of HK_RD*; clobber marks the port-less retry. 0 accepted,
 * -1 refused (logged unless HK_ROQUIET asked for silence).
 */
static int
hostkey_check(struct hk_ctx *c, int port, int readonly, int clobber)
{
	const struct options *o = c->h->o;
	char name[1024], ip[NI_MAXHOST + 16], *msg, *others, *cmd = NULL;
	struct hk_found f, fi;
	int r = -1, rc, can_ask, local = 0, differ = 0;
	const char *fp = c->fp != NULL ? c->fp : "?";
	struct hostcert *cert;
	size_t cmdlen = 0;
	/* What KnownHostsCommand's %t %f %K show: the certificate when the
	 * server presented one (ssh loads the name's keys once, before any
	 * plain-key retry), the fingerprint always of the plain key. */
	struct khcommand_key kk = { c->key, c->fp,
		c->cert != NULL ? c->cert->name : NULL,
		c->cert != NULL ? c->cert_b64 : NULL };

	memset(&f, 0, sizeof(f));
	memset(&fi, 0, sizeof(fi));
	if (!c->have_peer ||
	    hostkey_ip_string((const struct sockaddr *)&c->peer, c->peerlen,
	        clobber ? 0 : port, ip, sizeof(ip), &local) != 0)
		snprintf(ip, sizeof(ip), "<no hostip for proxy command>");
	/* NoHostAuthenticationForLocalhost: a loopback peer is accepted
	 * unchecked (a shared home directory sees a different machine as
	 * localhost on each host), unless HostKeyAlias names it. */
	if (o->no_host_authentication_for_localhost == 1 && local &&
	    o->host_key_alias == NULL) {
		log_msg(LOG_DEBUG1,
		    "Forcing accepting of host key for loopback/localhost.");
		r = 0;
		goto out;
	}
	/* ssh never writes a name a known_hosts pattern would misread. */
	if (strcspn(o->hostname, HOSTKEY_BAD_NAME_CHARS) != strlen(o->hostname))
		readonly = HK_RDONLY;
	if (hostkey_name_port(o, clobber ? 0 : port, name, sizeof(name)) != 0)
		goto out;
	/* CheckHostIP is off for good for a loopback peer, a hop reached
	 * through a proxy, or a HostName that is the address string. */
	if (c->check_ip &&
	    (local || !c->have_peer || strcmp(o->hostname, ip) == 0))
		c->check_ip = 0;
	/* KnownHostsCommand: more lines for the name, later for the
	 * address; never for the port-less retry, as ssh. */
	if (o->known_hosts_command != NULL && !clobber &&
	    khcommand_run(o, "HOSTNAME", name, &kk, &cmd, &cmdlen) != 0)
		goto out;
	if (c->cert != NULL) {
		rc = hostkey_check_cert(c, name, port, clobber, cmd);
		if (rc <= 0) {
			r = rc;
			goto out;
		}
		log_msg(
		    LOG_DEBUG1, "No matching CA found. Retry with plain key");
	}
	hostkey_lookup(c->files, c->nfiles, name, c->key, NULL, cmd,
	    "KnownHostsCommand-HOSTNAME", &f);
	/* No file to write to, or the key came from the command: ssh only
	 * reads. */
	if (!readonly && (c->kh == NULL || f.note))
		readonly = HK_RDONLY;
	/* With a certificate ssh loads no address keys for the whole check,
	 * the plain-key retry included. */
	if (c->check_ip && c->cert == NULL) {
		free(cmd);
		cmd = NULL;
		if (o->known_hosts_command != NULL && !clobber &&
		    khcommand_run(o, "ADDRESS", ip, &kk, &cmd, &cmdlen) != 0)
			goto out;
		hostkey_lookup(c->files, c->nfiles, ip, c->key, NULL, cmd,
		    "KnownHostsCommand-ADDRESS", &fi);
		if (f.state == HK_CHANGED &&
		    (fi.state != HK_CHANGED ||
		        ssh_key_cmp(fi.other.key, f.other.key,
		            SSH_KEY_CMP_PUBLIC) != 0))
			differ = 1;
	} else
		fi.state = f.state;
	switch (f.state) {
	case HK_OK:
		log_msg(LOG_DEBUG1,
		    "Host '%s' is known and matches the %s "
		    "host key.",
		    name, c->type);
		log_msg(LOG_DEBUG1, "Found key in %s:%d", f.match.file,
		    f.match.line);
		if (c->check_ip && fi.state == HK_NEW)
			hostkey_add_ip(c, readonly, ip);
		else if (c->art != NULL)
			log_msg(LOG_INFO, "Host key fingerprint is %s\n%s", fp,
			    c->art);
		break;
	case HK_REVOKED:
		hostkey_revoked(c, c->type, name, &f);
		goto out;
	case HK_CHANGED:
		if (readonly == HK_ROQUIET)
			goto out;
		if (c->check_ip && differ)
			hostkey_warn_spoofing(name, ip, c->type, &fi);
		log_msg(LOG_ERROR,
		    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
		    "@\n"
		    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     "
		    "@\n"
		    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@"
		    "@\n"
		    "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\n"
		    "Someone could be eavesdropping on you right now "
		    "(man-in-the-middle attack)!\n"
		    "It is also possible that a host key has just been "
		    "changed.\n"
		    "The fingerprint for the %s key sent by the remote host "
		    "is\n%s.\n"
		    "Please contact your system administrator.\n"
		    "Add correct host key in %s to get rid of this message.\n"
		    "Offending %s key in %s:%d\n"
		    "  remove with:\n"
		    "  ssh-keygen -f \"%s\" -R \"%s\"\n"
		    "Host key for %s has changed and you have requested "
		    "strict checking.",
		    c->type, fp, c->files[0], hostkey_type_name(f.other.key),
		    f.other.file, f.other.line, f.other.file, name, name);
		if (f.same_type)
			log_hint("nothing was forwarded; if the new key is "
			         "expected, remove line %d of %s and connect "
			         "again",
			    f.other.line, f.other.file);
		else
			log_hint("nothing was forwarded; the server offered "
			         "no key of a type known for this name; if it "
			         "dropped that key, verify the %s key, remove "
			         "line %d of %s and connect again",
			    c->type, f.other.line, f.other.file);
		goto out;
	case HK_NEW:
		if (o->host_key_alias == NULL && port != 0 && port != 22 &&
		    !clobber) {
			/* ssh's retry: a key recorded without the port, with
			 * the plain key once a certificate was dropped. */
			cert = c->cert;
			c->cert = NULL;
			log_msg(LOG_DEBUG1, "checking without port identifier");
			rc = hostkey_check(c, 0, HK_ROQUIET, 1);
			c->cert = cert;
			if (rc == 0) {
				log_msg(LOG_DEBUG1,
				    "found matching key w/out port");
				break;
			}
		}
		if (readonly == HK_ROQUIET)
			goto out;
		if (readonly) {
			log_msg(LOG_ERROR,
			    "Will not record a host key for '%s': %s.", name,
			    c->kh == NULL ? "there is no UserKnownHostsFile"
			                  : "the host name has characters a "
			                    "known_hosts line cannot hold");
			log_hint(
			    "add the key to a known_hosts file yourself, or "
			    "name it with HostKeyAlias");
			goto out;
		}
		can_ask = o->batch_mode != 1 && access("/dev/tty", R_OK) == 0;
		if (c->strict == STRICT_HOSTKEY_YES ||
		    (c->strict == STRICT_HOSTKEY_ASK && !can_ask)) {
			log_msg(LOG_ERROR,
			    "No %s host key is known for %.200s and you have "
			    "requested strict checking.",
			    c->type, name);
			if (c->cert != NULL)
				log_hint(
				    "the server's host certificate was not "
				    "accepted: its CA is on no "
				    "@cert-authority line for this host, or "
				    "it is invalid as said above; "
				    "`ssh-keygen -L -f` on it shows its CA, "
				    "principals and validity (it must name "
				    "'%s')",
				    o->host_key_alias != NULL
				        ? o->host_key_alias
				        : o->hostname);
			else
				log_hint(
				    "verify the fingerprint %s out of band, "
				    "then add it to %s (e.g. ssh-keyscan -p "
				    "%d %s >> %s) or use "
				    "StrictHostKeyChecking accept-new",
				    fp, c->kh, o->port > 0 ? o->port : 22,
				    o->hostname, c->kh);
			goto out;
		}
		if (c->strict == STRICT_HOSTKEY_ASK) {
			others = hostkey_other_names(c, name);
			msg = others == NULL
			    ? NULL
			    : diag_fmt("The authenticity of host '%.200s (%s)' "
			               "can't be established.\n"
			               "%s key fingerprint is %s.%s%s\n%s\n"
			               "Are you sure you want to continue "
			               "connecting (yes/no/[fingerprint])? ",
			          name, ip, c->type, fp,
			          c->art != NULL ? "\n" : "",
			          c->art != NULL ? c->art : "", others);
			free(others);
			if (msg == NULL || !hostkey_confirm(msg, c->fp)) {
				free(msg);
				goto out;
			}
			free(msg);
		}
		hostkey_add_new(
		    c, name, c->check_ip && fi.state == HK_NEW ? ip : NULL);
		break;
	}
	/* The host key is fine, but its address is known with another. */
	if (c->check_ip && f.state != HK_CHANGED && fi.state == HK_CHANGED &&
	    hostkey_ip_differs(c, name, ip, &f, &fi) != 0)
		goto out;
	r = 0;
out:
	free(cmd);
	hostkey_found_clear(&f);
	hostkey_found_clear(&fi);
	return r;
}

struct hk_cascan {
	const char *name;
	int found;
};

/* An @cert-authority line whose patterns match s->name. */
static void
hostkey_ca_line(void *ctx, const char *file, int lineno, char *p)
{
	struct hk_cascan *s = ctx;
	struct ssh_knownhosts_entry *ent = NULL;

	(void)file;
	(void)lineno;
	if (s->found || strncmp(p, "@cert-authority", 15) != 0 ||
	    (p[15] != ' ' && p[15] != '\t'))
		return;
	p += 15;
	p += strspn(p, " \t");
	if (ssh_known_hosts_parse_line(s->name, p, &ent) == SSH_OK &&
	    ent != NULL)
		s->found = 1;
	ssh_knownhosts_entry_free(ent);
}

/* Does some file, or the KnownHostsCommand "ORDER" output (cmd), name a
 * CA for this host (as "[host]:port" or, off port 22, as plain "host",
 * which ssh's port-less retry looks up)? */
static int
hostkey_ca_known(
    const struct options *o, char *const *files, size_t nfiles, char *cmd)
{
	struct hk_cascan s = { NULL, 0 };
	char name[1024];
	int port = o->port > 0 ? o->port : 22, pass;
	size_t i;
	FILE *fp;

	for (pass = 0; pass < 2 && !s.found; pass++) {
		if (pass == 1 && (o->host_key_alias != NULL || port == 22))
			break;
		if (hostkey_name_port(
		        o, pass == 0 ? port : 0, name, sizeof(name)) != 0)
			break;
		s.name = name;
		for (i = 0; i < nfiles && !s.found; i++)
			hostkey_each_line(files[i], hostkey_ca_line, &s);
		if (!s.found && cmd != NULL && cmd[0] != '\0' &&
		    (fp = fmemopen(cmd, strlen(cmd), "r")) != NULL)
			hostkey_each_stream(
			    fp, "KnownHostsCommand-ORDER", hostkey_ca_line, &s);
	}
	return s.found;
}

char *
hostkey_cert_algs(struct hop *h)
{
	ssh_key key = NULL;
	char **files, *algs = NULL;
	size_t n = 0;

	/* A ProxyCommand is never run a second time for this. */
	if (h->index == 0 && !hop_direct_tcp(h))
		return NULL;
	if (ssh_get_server_publickey(h->s, &key) != SSH_OK)
		return NULL;
	files = hostkey_files(h, &n);
	if (files != NULL && hostkey_ca_known(h->o, files, n, h->kh_order)) {
		algs =
		    hostcert_algs_for(ssh_key_type_to_char(ssh_key_type(key)),
		        h->o->host_key_algorithms);
		if (algs != NULL && algs[0] == '\0') {
			log_msg(LOG_DEBUG1,
			    "%s: a CA is known, but HostKeyAlgorithms allows "
			    "no certificate for its %s key",
			    h->name, ssh_key_type_to_char(ssh_key_type(key)));
			free(algs);
			algs = NULL;
		}
	}
	if (files != NULL)
		hostkey_files_free(files, n);
	ssh_key_free(key);
	return algs;
}

/*
 * Take the certificate the hop fetched (blob) when it certifies the key
 * this session received: the session proved the server holds that key.
 * 0, or -1 when the certificate is refused outright (ssh fails the key
 * exchange then; logged).
 */
static int
hostkey_cert_use(struct hk_ctx *c, const unsigned char *blob, size_t len)
{
	const struct options *o = c->h->o;
	char *kb = NULL, *sb = NULL;
	struct hostcert *cert = NULL;
	const char *why = NULL;
	int rc, r = 0;
	size_t i;

	rc = hostcert_parse(blob, len, &cert, &why);
	if (rc != 0) {
		log_msg(LOG_ERROR,
		    "ssh_dispatch_run_fatal: Connection to %s port %d: %s",
		    o->hostname, o->port > 0 ? o->port : 22,
		    rc == -2 ? "memory allocation failed" : why);
		log_hint("the server's host certificate is broken; ask its "
		         "administrator to sign the host key again");
		r = -1;
		goto out;
	}
	/* libssh 0.10 exports and imports key blobs only as base64. */
	kb = base64_encode(cert->key, cert->keylen);
	if (kb == NULL || ssh_pki_export_pubkey_base64(c->key, &sb) != SSH_OK ||
	    strcmp(kb, sb) != 0) {
		log_msg(LOG_DEBUG1,
		    "host certificate: certifies another key than the "
		    "session's");
		goto out;
	}
	free(kb);
	kb = base64_encode(cert->ca, cert->calen);
	if (kb == NULL ||
	    ssh_pki_import_pubkey_base64(
	        kb, ssh_key_type_from_name(cert->ca_type), &c->ca) != SSH_OK) {
		log_msg(LOG_DEBUG1,
		    "host certificate: libssh cannot read the CA key");
		goto out;
	}
	log_msg(LOG_DEBUG1,
	    "Server host certificate: %s %s, serial %llu ID \"%s\" CA %s "
	    "signed with %s",
	    cert->name, c->fp != NULL ? c->fp : "?",
	    (unsigned long long)cert->serial, cert->key_id,
	    ssh_key_type_to_char(ssh_key_type(c->ca)), cert->sig_alg);
	for (i = 0; i < cert->nprincipals; i++)
		log_msg(LOG_DEBUG2, "Server host certificate hostname: %s",
		    cert->principals[i]);
	if ((c->cert_b64 = base64_encode(blob, len)) == NULL) {
		log_msg(LOG_DEBUG1, "host certificate: out of memory");
		goto out;
	}
	c->cert = cert;
	cert = NULL;
out:
	free(kb);
	ssh_string_free_char(sb);
	hostcert_free(cert);
	return r;
}

int
hostkey_verify(struct hop *h, const unsigned char *cert, size_t certlen)
{
	enum ssh_publickey_hash_type ht;
	unsigned char *hash = NULL;
	size_t hlen = 0, nu;
	char *fp = NULL;
	struct hk_ctx c;
	int r = -1;

	memset(&c, 0, sizeof(c));
	c.h = h;
	c.strict = h->o->strict_host_key_checking;
	if (c.strict < 0)
		c.strict = STRICT_HOSTKEY_ASK;
	c.check_ip = h->o->check_host_ip == 1;
	if (ssh_get_server_publickey(h->s, &c.key) != SSH_OK) {
		log_msg(LOG_ERROR, "%s: no host key received", h->name);
		return -1;
	}
	c.type = hostkey_type_name(c.key);
	/* FingerprintHash: MD5 or SHA256, the two ssh accepts. */
	ht = h->o->fingerprint_hash == KW_FP_MD5 ? SSH_PUBLICKEY_HASH_MD5
	                                         : SSH_PUBLICKEY_HASH_SHA256;
	if (ssh_get_publickey_hash(c.key, ht, &hash, &hlen) == 0)
		fp = ssh_get_fingerprint_hash(ht, hash, hlen);
	c.fp = fp;
	if (h->o->visual_host_key == 1)
		c.art = randomart_key(c.key, ht, NULL);
	c.files = hostkey_files(h, &c.nfiles);
	if (c.files == NULL)
		goto out;
	nu = h->o->user_hostfiles.n ? h->o->user_hostfiles.n : 2;
	c.kh = c.nfiles > 0 && nu > 0 ? c.files[0] : NULL;
	hostkey_peer(&c);
	log_msg(LOG_DEBUG1, "Server host key: %s %s", c.type,
	    fp != NULL ? fp : "?");
	if (cert != NULL && hostkey_cert_use(&c, cert, certlen) != 0)
		goto out;
	if (c.cert != NULL && h->o->visual_host_key == 1)
		c.cert_art =
		    randomart_key(c.key, ht, hostcert_type_name(c.cert));
	r = hostkey_check(&c, h->o->port > 0 ? h->o->port : 22, HK_RDRW, 0);
out:
	hostcert_free(c.cert);
	free(c.cert_b64);
	ssh_key_free(c.ca);
	if (c.files != NULL)
		hostkey_files_free(c.files, c.nfiles);
	ssh_string_free_char(fp);
	free(c.art);
	free(c.cert_art);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(c.key);
	return r;
}
