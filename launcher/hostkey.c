/*
 * hostkey: known_hosts lookup with file:line reporting and
 * StrictHostKeyChecking, in OpenSSH's words.
 */
#include "autoconf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "launcher/hop.h"
#include "launcher/hostkey.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "parser/base64.h"
#include "parser/options.h"
#include "parser/sha1.h"

#define HOSTKEY_LINE_MAX 16384

enum hk_state { HK_UNKNOWN, HK_OK, HK_CHANGED, HK_OTHER, HK_REVOKED };

struct hk_found {
	enum hk_state state;
	char *file; /* where the old/other/revoked key is */
	int line;
};

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

int
hostkey_name(const struct options *o, char *buf, size_t len)
{
	const char *h =
	    o->host_key_alias != NULL ? o->host_key_alias : o->hostname;
	int port = o->port > 0 ? o->port : 22;
	size_t i;
	int n;

	if (o->host_key_alias != NULL || port == 22)
		n = snprintf(buf, len, "%s", h);
	else
		n = snprintf(buf, len, "[%s]:%d", h, port);
	for (i = 0; buf[i] != '\0'; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return n < 0 || (size_t)n >= len ? -1 : 0;
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
	char **files, *e;
	size_t n = 0, nu = h->o->user_hostfiles.n ? h->o->user_hostfiles.n : 2;

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

/* Scan one file. Updates *f with the strongest finding. */
static void
hostkey_scan(
    const char *file, const char *name, ssh_key key, struct hk_found *f)
{
	FILE *fp;
	char *line;
	int lineno = 0, revoked, rc;
	struct ssh_knownhosts_entry *ent;
	char *p;
	size_t len;

	fp = fopen(file, "r");
	if (fp == NULL)
		return;
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
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		revoked = 0;
		if (*p == '@') {
			if (strncmp(p, "@revoked", 8) == 0 &&
			    (p[8] == ' ' || p[8] == '\t')) {
				revoked = 1;
				p += 8;
				while (*p == ' ' || *p == '\t')
					p++;
			} else
				continue; /* @cert-authority: unsupported */
		}
		ent = NULL;
		rc = ssh_known_hosts_parse_line(name, p, &ent);
		if (rc != SSH_OK || ent == NULL) {
			ssh_knownhosts_entry_free(ent);
			continue;
		}
		if (ssh_key_cmp(key, ent->publickey, SSH_KEY_CMP_PUBLIC) == 0) {
			if (revoked) {
				f->state = HK_REVOKED;
			} else if (f->state != HK_REVOKED &&
			    f->state != HK_CHANGED) {
				f->state = HK_OK;
			}
			if (revoked || f->file == NULL) {
				free(f->file);
				f->file = strdup(file);
				f->line = lineno;
			}
		} else if (!revoked &&
		    ssh_key_type(key) == ssh_key_type(ent->publickey)) {
			if (f->state == HK_UNKNOWN || f->state == HK_OTHER) {
				f->state = HK_CHANGED;
				free(f->file);
				f->file = strdup(file);
				f->line = lineno;
			}
		} else if (!revoked && f->state == HK_UNKNOWN) {
			f->state = HK_OTHER;
			free(f->file);
			f->file = strdup(file);
			f->line = lineno;
		}
		ssh_knownhosts_entry_free(ent);
	}
	free(line);
	fclose(fp);
}

/* n random bytes for a hashed name's salt. 0 or -1. */
static int
hostkey_random(unsigned char *p, size_t n)
{
	ssize_t got;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
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
	size_t i, n;

	if (type == NULL || ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK)
		goto out;
	lname = strdup(name);
	if (lname == NULL)
		goto out;
	for (i = 0; lname[i] != '\0'; i++)
		lname[i] = (char)tolower((unsigned char)lname[i]);
	if (o->hash_known_hosts == 1) {
		if (hostkey_random(salt, sizeof(salt)) != 0)
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

static int
hostkey_add(struct hop *h, const char *file, const char *name, ssh_key key,
    const char *type)
{
	char *entry, *dir, *slash;
	int fd, rc = -1;
	size_t len;

	entry = hostkey_line(h->o, name, key);
	if (entry == NULL) {
		log_msg(LOG_ERROR,
		    "Failed to add the host to the list of known hosts (%s): "
		    "cannot encode the key",
		    file);
		return -1;
	}
	dir = strdup(file);
	if (dir != NULL && (slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		(void)mkdir(dir, 0700);
	}
	free(dir);
	fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		len = strlen(entry);
		if (write(fd, entry, len) == (ssize_t)len)
			rc = 0;
		close(fd);
	}
	if (rc == 0)
		log_msg(LOG_INFO,
		    "Warning: Permanently added '%s' (%s) to the list of known "
		    "hosts.",
		    name, type);
	else
		log_msg(LOG_ERROR,
		    "Failed to add the host to the list of "
		    "known hosts (%s): %s",
		    file, strerror(errno));
	free(entry);
	return rc;
}

static int
hostkey_ask(const char *name, const char *type, const char *fp)
{
	char buf[64];
	int fd;
	ssize_t n;
	size_t off = 0;
	char c;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	dprintf(fd,
	    "The authenticity of host '%s' can't be established.\n"
	    "%s key fingerprint is %s.\n"
	    "Are you sure you want to continue connecting "
	    "(yes/no/[fingerprint])? ",
	    name, type, fp);
	for (;;) {
		n = read(fd, &c, 1);
		if (n <= 0 || c == '\n')
			break;
		if (off + 1 < sizeof(buf))
			buf[off++] = c;
	}
	buf[off] = '\0';
	close(fd);
	return strcmp(buf, "yes") == 0 || strcmp(buf, fp) == 0;
}

int
hostkey_verify(struct hop *h)
{
	ssh_key key = NULL;
	unsigned char *hash = NULL;
	size_t hlen = 0, nfiles = 0, i, nu;
	char *fp = NULL, **files = NULL;
	char name[1024];
	const char *type;
	struct hk_found f = { HK_UNKNOWN, NULL, 0 };
	int strict = h->o->strict_host_key_checking, r = -1, can_ask;

	if (strict < 0)
		strict = STRICT_HOSTKEY_ASK;
	if (ssh_get_server_publickey(h->s, &key) != SSH_OK) {
		log_msg(LOG_ERROR, "%s: no host key received", h->name);
		return -1;
	}
	type = hostkey_type_name(key);
	if (ssh_get_publickey_hash(
	        key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) == 0)
		fp = ssh_get_fingerprint_hash(
		    SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	if (hostkey_name(h->o, name, sizeof(name)) != 0)
		goto out;
	files = hostkey_files(h, &nfiles);
	if (files == NULL)
		goto out;
	nu = h->o->user_hostfiles.n ? h->o->user_hostfiles.n : 2;
	for (i = 0; i < nfiles; i++)
		hostkey_scan(files[i], name, key, &f);
	log_msg(
	    LOG_DEBUG1, "Server host key: %s %s", type, fp != NULL ? fp : "?");
	switch (f.state) {
	case HK_OK:
		log_msg(LOG_DEBUG1,
		    "Host '%s' is known and matches the %s "
		    "host key.",
		    name, type);
		log_msg(LOG_DEBUG1, "Found key in %s:%d", f.file, f.line);
		r = 0;
		goto out;
	case HK_REVOKED:
		log_msg(LOG_ERROR, "Host key %s %s revoked by file %s:%d", type,
		    fp != NULL ? fp : "?", f.file, f.line);
		log_hint("the server's key was marked @revoked; do not connect "
		         "until its administrator rotates it");
		goto out;
	case HK_CHANGED:
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
		    type, fp != NULL ? fp : "?", files[0], type, f.file, f.line,
		    f.file, name, name);
		log_hint("nothing was forwarded; if the new key is expected, "
		         "remove line %d of %s and connect again",
		    f.line, f.file);
		goto out;
	case HK_OTHER:
		if (strict == STRICT_HOSTKEY_OFF)
			break;
		log_msg(LOG_ERROR,
		    "Host '%s' is known with a different key type (see %s:%d) "
		    "but not with this %s key %s.",
		    name, f.file, f.line, type, fp != NULL ? fp : "?");
		log_hint("verify the %s key with the server's administrator, "
		         "then add it with ssh-keyscan -t %s",
		    type, type);
		goto out;
	case HK_UNKNOWN:
		break;
	}
	/* Unknown host. */
	can_ask = h->o->batch_mode != 1 && access("/dev/tty", R_OK) == 0;
	if (strict == STRICT_HOSTKEY_YES ||
	    (strict == STRICT_HOSTKEY_ASK && !can_ask)) {
		log_msg(LOG_ERROR,
		    "No %s host key is known for %s and you have "
		    "requested strict checking.",
		    type, name);
		log_hint("verify the fingerprint %s out of band, then add it "
		         "to %s (e.g. ssh-keyscan -p %d %s >> %s) or use "
		         "StrictHostKeyChecking accept-new",
		    fp != NULL ? fp : "?",
		    nfiles > 0 ? files[0] : "known_hosts",
		    h->o->port > 0 ? h->o->port : 22, h->o->hostname,
		    nfiles > 0 ? files[0] : "known_hosts");
		goto out;
	}
	if (strict == STRICT_HOSTKEY_ASK &&
	    !hostkey_ask(name, type, fp != NULL ? fp : "?")) {
		log_msg(LOG_ERROR, "Host key verification failed.");
		goto out;
	}
	if (nfiles > 0 && nu > 0)
		(void)hostkey_add(h, files[0], name, key, type);
	r = 0;
out:
	free(f.file);
	if (files != NULL)
		hostkey_files_free(files, nfiles);
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	ssh_key_free(key);
	return r;
}
