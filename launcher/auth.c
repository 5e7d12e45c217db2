/*
 * auth: drive libssh's nonblocking user authentication for one hop.
 */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libssh/libssh.h>

#include "launcher/agent.h"
#include "launcher/auth.h"
#include "launcher/hop.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "parser/options.h"

#define AUTH_PROMPT_MAX 1024

/*
 * Internal to auth_step(): go round again now. A phase that moved on without
 * anything sent to the server must not return AUTH_AGAIN, which waits for
 * socket activity that will never come (until the server's LoginGraceTime).
 */
#define AUTH_LOOP ((enum auth_result)3)

enum auth_phase {
	PH_NONE, /* ssh_userauth_none */
	PH_NEXT, /* pick the next method */
	PH_KEY_NEXT, /* pick the next identity */
	PH_KEY_TRY, /* ssh_userauth_try_publickey */
	PH_KEY_SIGN, /* ssh_userauth_publickey */
	PH_AGENT, /* ssh_userauth_agent through the relay */
	PH_KBDINT,
	PH_PASSWORD,
};

/*
 * One key ssh would offer. A certificate (CertificateFile, or the
 * <file>-cert.pub next to an IdentityFile) is signed by the private key
 * that matches it: the agent's, or a file's.
 */
struct auth_id {
	ssh_key pub; /* NULL: an encrypted key without .pub, load to offer */
	char *path; /* private key file; NULL when only the agent has it */
	char *label; /* for messages: the file, or the agent's comment */
	long agent; /* index of the agent key that signs, or -1 */
	int cert;
	int from_agent; /* listed by the agent, not configured */
};

struct auth {
	enum auth_phase phase;
	int methods; /* from ssh_userauth_list */
	char order[8][32]; /* PreferredAuthentications */
	int norder, iorder;
	struct auth_id *ids; /* in ssh's order, see auth_ids_prepare */
	size_t nids, iid;
	int ids_ready;
	struct agent *agent;
	ssh_key priv; /* private key of ids[iid - 1] once loaded */
	int password_tries;
	char *password;
	int tried_any;
};

struct auth *
auth_new(void)
{
	struct auth *a = calloc(1, sizeof(*a));

	if (a != NULL)
		a->phase = PH_NONE;
	return a;
}

static void
auth_ids_free(struct auth *a)
{
	size_t i;

	for (i = 0; i < a->nids; i++) {
		if (!a->ids[i].from_agent)
			ssh_key_free(a->ids[i].pub);
		free(a->ids[i].path);
		free(a->ids[i].label);
	}
	free(a->ids);
	a->ids = NULL;
	a->nids = a->iid = 0;
	a->ids_ready = 0;
	ssh_key_free(a->priv);
	a->priv = NULL;
	agent_free(a->agent); /* after the ids: they borrow its keys */
	a->agent = NULL;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	auth_ids_free(a);
	if (a->password != NULL) {
		explicit_bzero(a->password, strlen(a->password));
		free(a->password);
	}
	free(a);
}

/* Read a line from the terminal, echo off unless echo. */
static int
auth_tty_prompt(const char *prompt, int echo, char *buf, size_t len)
{
	struct termios old, tmp;
	int fd, restore = 0;
	ssize_t n;
	size_t off = 0;
	char c;

	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Echo off before the prompt, as readpassphrase(3) does: TCSAFLUSH
	 * drops typed-ahead input, so an answer typed (or pasted) as soon as
	 * the prompt shows must not come before it. */
	if (!echo && tcgetattr(fd, &old) == 0) {
		tmp = old;
		tmp.c_lflag &= ~(tcflag_t)ECHO;
		if (tcsetattr(fd, TCSAFLUSH, &tmp) == 0)
			restore = 1;
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		if (restore)
			(void)tcsetattr(fd, TCSAFLUSH, &old);
		close(fd);
		return -1;
	}
	for (;;) {
		n = read(fd, &c, 1);
		if (n <= 0 || c == '\n' || c == '\r')
			break;
		if (off + 1 < len)
			buf[off++] = c;
	}
	buf[off] = '\0';
	if (restore) {
		(void)tcsetattr(fd, TCSAFLUSH, &old);
		(void)write(fd, "\n", 1);
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

static int
auth_can_prompt(const struct hop *h)
{
	int fd;

	if (h->o->batch_mode == 1)
		return 0;
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* libssh's passphrase callback for ssh_pki_import_privkey_file. */
static int
auth_passphrase_cb(const char *prompt, char *buf, size_t len, int echo,
    int verify, void *userdata)
{
	struct hop *h = userdata;
	char p[AUTH_PROMPT_MAX];

	(void)prompt;
	(void)verify;
	if (!auth_can_prompt(h))
		return -1;
	snprintf(p, sizeof(p), "Enter passphrase for key '%s': ",
	    h->auth->ids[h->auth->iid - 1].path);
	return auth_tty_prompt(p, echo, buf, len);
}

static void
auth_parse_order(struct hop *h)
{
	struct auth *a = h->auth;
	const char *pref = h->o->preferred_authentications;
	const char *p, *e;
	size_t n;

	if (pref == NULL)
		pref = "gssapi-with-mic,hostbased,publickey,"
		       "keyboard-interactive,password";
	a->norder = 0;
	for (p = pref; *p != '\0' && a->norder < 8; p = e) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n > 0 && n < sizeof(a->order[0])) {
			memcpy(a->order[a->norder], p, n);
			a->order[a->norder][n] = '\0';
			a->norder++;
		}
		if (*e == ',')
			e++;
	}
}

static const char *
auth_user(const struct hop *h)
{
	return h->o->user;
}

/* Result of a finished libssh auth call: move on or finish. */
static enum auth_result
auth_result(struct hop *h, int rc, const char *method)
{
	struct auth *a = h->auth;

	if (rc == SSH_AUTH_SUCCESS) {
		log_msg(LOG_DEBUG1, "Authenticated to %s using \"%s\".",
		    h->peer, method);
		return AUTH_OK;
	}
	if (rc == SSH_AUTH_PARTIAL) {
		log_msg(LOG_DEBUG1,
		    "Authenticated using \"%s\" with partial "
		    "success.",
		    method);
		a->methods = ssh_userauth_list(h->s, NULL);
		a->iorder = 0;
		a->iid = 0; /* ssh offers every key again */
		a->phase = PH_NEXT;
		return AUTH_LOOP;
	}
	if (rc == SSH_AUTH_ERROR) {
		log_msg(LOG_ERROR, "%s: authentication error: %s", h->name,
		    ssh_get_error(h->s));
		return AUTH_FAIL;
	}
	return AUTH_AGAIN;
}

static int
auth_method_allowed(struct auth *a, const char *m)
{
	if (strcmp(m, "publickey") == 0)
		return (a->methods & SSH_AUTH_METHOD_PUBLICKEY) != 0;
	if (strcmp(m, "keyboard-interactive") == 0)
		return (a->methods & SSH_AUTH_METHOD_INTERACTIVE) != 0;
	if (strcmp(m, "password") == 0)
		return (a->methods & SSH_AUTH_METHOD_PASSWORD) != 0;
	return 0;
}

static void
auth_pick_next(struct hop *h)
{
	struct auth *a = h->auth;
	const char *m;

	while (a->iorder < a->norder) {
		m = a->order[a->iorder++];
		if (!auth_method_allowed(a, m))
			continue;
		if (strcmp(m, "publickey") == 0) {
			if (h->o->pubkey_authentication == 0)
				continue;
			a->iid = 0;
			a->phase = PH_KEY_NEXT;
			return;
		}
		if (strcmp(m, "keyboard-interactive") == 0) {
			if (h->o->kbd_interactive_authentication == 0 ||
			    !auth_can_prompt(h))
				continue;
			a->phase = PH_KBDINT;
			return;
		}
		if (strcmp(m, "password") == 0) {
			if (h->o->password_authentication == 0 ||
			    !auth_can_prompt(h))
				continue;
			a->password_tries = 0;
			a->phase = PH_PASSWORD;
			return;
		}
	}
	a->phase = PH_NEXT;
	a->iorder = a->norder + 1; /* exhausted */
}

/* The agent socket ssh would use (IdentityAgent, else SSH_AUTH_SOCK), or
 * NULL for none. malloc'd. */
static char *
auth_agent_path(const struct hop *h)
{
	const char *ia = h->o->identity_agent, *v;
	int bad = 0;

	if (ia != NULL && strcmp(ia, "none") == 0)
		return NULL;
	if (ia == NULL || strcmp(ia, "SSH_AUTH_SOCK") == 0)
		v = getenv("SSH_AUTH_SOCK");
	else if (ia[0] == '$')
		v = getenv(ia + 1);
	else
		return path_expand(ia, h->o, &bad);
	return v != NULL && *v != '\0' ? strdup(v) : NULL;
}

/* Append an identity; path and label are copied. 0, or -2. */
static int
auth_id_add(struct auth_id **v, size_t *n, ssh_key pub, const char *path,
    const char *label, int cert)
{
	struct auth_id *nv, *id;

	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (nv == NULL)
		return -2;
	*v = nv;
	id = &nv[*n];
	memset(id, 0, sizeof(*id));
	id->agent = -1;
	id->cert = cert;
	id->path = path != NULL ? strdup(path) : NULL;
	id->label = strdup(label);
	if ((path != NULL && id->path == NULL) || id->label == NULL) {
		free(id->path);
		free(id->label);
		return -2;
	}
	id->pub = pub;
	(*n)++;
	return 0;
}

/* path + suffix, malloc'd. */
static char *
auth_suffixed(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);
	char *s = malloc(a + b + 1);

	if (s != NULL) {
		memcpy(s, path, a);
		memcpy(s + a, suffix, b + 1);
	}
	return s;
}

/*
 * The IdentityFiles, as ssh loads them: each key's public half (from
 * <file>.pub, else from the private key file itself when libssh can read it
 * unencrypted; NULL otherwise, then it is loaded when its turn comes), and
 * after it the certificate <file>-cert.pub when there is one.
 */
static int
auth_ids_files(struct hop *h, struct auth_id **v, size_t *n)
{
	char *path, *pp;
	ssh_key pub, cert;
	size_t i;
	int bad, rc;

	for (i = 0; i < h->o->num_identity_files; i++) {
		path = path_expand(h->o->identity_files[i].path, h->o, &bad);
		if (path == NULL) {
			log_msg(LOG_ERROR,
			    "IdentityFile: unknown token %%%c; key skipped",
			    bad);
			continue;
		}
		pub = cert = NULL;
		pp = auth_suffixed(path, ".pub");
		if (pp == NULL)
			goto oom;
		rc = ssh_pki_import_pubkey_file(pp, &pub);
		free(pp);
		if (rc != SSH_OK && access(path, R_OK) == 0 &&
		    ssh_pki_import_pubkey_file(path, &pub) != SSH_OK)
			pub = NULL;
		if (pub != NULL || access(path, R_OK) == 0) {
			if (auth_id_add(v, n, pub, path, path, 0) != 0) {
				ssh_key_free(pub);
				goto oom;
			}
		} else
			log_msg(LOG_DEBUG1, "no such identity: %s: %s", path,
			    strerror(errno));
		pp = auth_suffixed(path, "-cert.pub");
		if (pp == NULL)
			goto oom;
		if (access(pp, R_OK) == 0) {
			if (ssh_pki_import_cert_file(pp, &cert) != SSH_OK)
				log_msg(LOG_ERROR,
				    "Load certificate \"%s\": not an "
				    "OpenSSH certificate; ignored",
				    pp);
			else if (auth_id_add(v, n, cert, path, pp, 1) != 0) {
				ssh_key_free(cert);
				free(pp);
				goto oom;
			}
		}
		free(pp);
		free(path);
	}
	return 0;
oom:
	free(path);
	return -2;
}

/* Each CertificateFile (they are offered first). */
static int
auth_ids_certs(struct hop *h, struct auth_id **v, size_t *n)
{
	char *path;
	ssh_key cert;
	size_t i;
	int bad;

	for (i = 0; i < h->o->num_certificate_files; i++) {
		path = path_expand(h->o->certificate_files[i].path, h->o, &bad);
		if (path == NULL) {
			log_msg(LOG_ERROR,
			    "CertificateFile: unknown token %%%c; skipped",
			    bad);
			continue;
		}
		cert = NULL;
		if (ssh_pki_import_cert_file(path, &cert) != SSH_OK) {
			log_msg(
			    access(path, R_OK) == 0 ? LOG_ERROR : LOG_DEBUG1,
			    "Load certificate \"%s\": %s", path,
			    access(path, R_OK) == 0
			        ? "not an OpenSSH certificate; ignored"
			        : strerror(errno));
			free(path);
			continue;
		}
		if (auth_id_add(v, n, cert, NULL, path, 1) != 0) {
			ssh_key_free(cert);
			free(path);
			return -2;
		}
		free(path);
	}
	return 0;
}

/*
 * Who signs for each certificate: ssh looks for the plain key it certifies
 * among the agent's keys and the identity files, the agent first.
 */
static void
auth_ids_signers(struct auth *a)
{
	struct auth_id *c, *k;
	size_t i, j;

	for (i = 0; i < a->nids; i++) {
		c = &a->ids[i];
		if (!c->cert || c->from_agent)
			continue;
		for (j = 0; a->agent != NULL && j < agent_count(a->agent); j++)
			if (agent_key_certifies(
			        c->pub, agent_key(a->agent, j))) {
				c->agent = (long)j;
				break;
			}
		for (j = 0; c->path == NULL && j < a->nids; j++) {
			k = &a->ids[j];
			if (k->cert || k->pub == NULL || k->path == NULL ||
			    !agent_key_certifies(c->pub, k->pub))
				continue;
			c->path = strdup(k->path);
		}
	}
}

/*
 * The keys to offer, in ssh's order (sshconnect2.c pubkey_prepare):
 * CertificateFiles; then the agent's keys in the agent's order, those that
 * match an identity file taking that file's place; the agent's other keys
 * unless IdentitiesOnly; then the identity files the agent does not hold.
 */
static int
auth_ids_prepare(struct hop *h)
{
	struct auth *a = h->auth;
	struct auth_id *files = NULL, *out = NULL;
	size_t nfiles = 0, nout = 0, i, j;
	char *sock;
	int r = -2, rc;
	unsigned char *used = NULL;
	ssh_key k;

	if (auth_ids_certs(h, &out, &nout) != 0 ||
	    auth_ids_files(h, &files, &nfiles) != 0)
		goto out;
	sock = auth_agent_path(h);
	if (sock != NULL) {
		rc = agent_open(sock, &a->agent);
		free(sock);
		if (rc == -2)
			goto out;
		if (a->agent != NULL && agent_attach(a->agent, h->s) != 0) {
			log_msg(LOG_DEBUG1,
			    "cannot relay the agent; not "
			    "using it");
			agent_free(a->agent);
			a->agent = NULL;
		}
	}
	used = calloc(nfiles + 1, 1);
	if (used == NULL)
		goto out;
	for (j = 0; a->agent != NULL && j < agent_count(a->agent); j++) {
		k = agent_key(a->agent, j);
		for (i = 0; i < nfiles; i++)
			if (!used[i] && files[i].pub != NULL &&
			    agent_key_equal(files[i].pub, k))
				break;
		if (i < nfiles) {
			used[i] = 1;
			files[i].agent = (long)j;
			if (auth_id_add(&out, &nout, files[i].pub,
			        files[i].path, files[i].label,
			        files[i].cert) != 0)
				goto out;
			files[i].pub = NULL;
			out[nout - 1].agent = (long)j;
			continue;
		}
		if (h->o->identities_only == 1)
			continue;
		if (auth_id_add(&out, &nout, k, NULL,
		        agent_comment(a->agent, j),
		        ssh_key_is_public(k) &&
		            strstr(ssh_key_type_to_char(ssh_key_type(k)),
		                "-cert-") != NULL) != 0)
			goto out;
		out[nout - 1].agent = (long)j;
		out[nout - 1].from_agent = 1;
	}
	for (i = 0; i < nfiles; i++) {
		if (used[i])
			continue;
		if (auth_id_add(&out, &nout, files[i].pub, files[i].path,
		        files[i].label, files[i].cert) != 0)
			goto out;
		files[i].pub = NULL;
	}
	a->ids = out;
	a->nids = nout;
	out = NULL;
	nout = 0;
	auth_ids_signers(a);
	for (i = 0; i < a->nids; i++)
		log_msg(LOG_DEBUG1, "Will attempt key: %s%s%s", a->ids[i].label,
		    a->ids[i].cert ? " certificate" : "",
		    a->ids[i].agent >= 0 ? " agent" : "");
	r = 0;
out:
	for (i = 0; i < nfiles; i++) {
		ssh_key_free(files[i].pub);
		free(files[i].path);
		free(files[i].label);
	}
	free(files);
	for (i = 0; i < nout; i++) {
		if (!out[i].from_agent)
			ssh_key_free(out[i].pub);
		free(out[i].path);
		free(out[i].label);
	}
	free(out);
	free(used);
	a->ids_ready = 1;
	return r;
}

/* Load the private key of ids[iid - 1], asking for its passphrase. For a
 * certificate, the certificate is attached to it. 0 or -1. */
static int
auth_load_private(struct hop *h)
{
	struct auth *a = h->auth;
	struct auth_id *id = &a->ids[a->iid - 1];

	ssh_key_free(a->priv);
	a->priv = NULL;
	if (id->path != NULL && access(id->path, R_OK) != 0) {
		log_msg(LOG_ERROR, "no such identity: %s: %s", id->path,
		    strerror(errno));
		return -1;
	}
	if (id->path == NULL ||
	    ssh_pki_import_privkey_file(
	        id->path, NULL, auth_passphrase_cb, h, &a->priv) != SSH_OK) {
		if (id->path == NULL)
			log_msg(LOG_ERROR,
			    "no private key for certificate %s: neither "
			    "the agent nor an IdentityFile holds it",
			    id->label);
		else
			log_msg(LOG_ERROR,
			    "Load key \"%s\": incorrect passphrase "
			    "supplied to decrypt private key",
			    id->path);
		if (id->path != NULL && !auth_can_prompt(h))
			log_hint("the key is encrypted and "
			         "there is no terminal (or "
			         "BatchMode is on); load it "
			         "into ssh-agent instead");
		return -1;
	}
	if (id->cert &&
	    (!agent_key_certifies(id->pub, a->priv) ||
	        ssh_pki_copy_cert_to_privkey(id->pub, a->priv) != SSH_OK)) {
		log_msg(LOG_ERROR,
		    "certificate %s does not match private key %s", id->label,
		    id->path);
		return -1;
	}
	return 0;
}

static enum auth_result
auth_kbdint(struct hop *h)
{
	int rc, i, n;
	char answer[AUTH_PROMPT_MAX], prompt[AUTH_PROMPT_MAX];
	const char *q, *instr;
	char echo;

	rc = ssh_userauth_kbdint(h->s, NULL, NULL);
	while (rc == SSH_AUTH_INFO) {
		instr = ssh_userauth_kbdint_getinstruction(h->s);
		if (instr != NULL && *instr != '\0')
			log_msg(LOG_ERROR, "%s", instr);
		n = ssh_userauth_kbdint_getnprompts(h->s);
		for (i = 0; i < n; i++) {
			q = ssh_userauth_kbdint_getprompt(
			    h->s, (unsigned)i, &echo);
			snprintf(prompt, sizeof(prompt), "(%s@%s) %s",
			    auth_user(h) != NULL ? auth_user(h) : "", h->name,
			    q != NULL ? q : "");
			if (auth_tty_prompt(
			        prompt, echo, answer, sizeof(answer)) != 0)
				return AUTH_FAIL;
			rc = ssh_userauth_kbdint_setanswer(
			    h->s, (unsigned)i, answer);
			explicit_bzero(answer, sizeof(answer));
			if (rc < 0)
				return AUTH_FAIL;
		}
		rc = ssh_userauth_kbdint(h->s, NULL, NULL);
	}
	if (rc == SSH_AUTH_AGAIN)
		return AUTH_AGAIN;
	if (rc == SSH_AUTH_DENIED) {
		auth_pick_next(h);
		return AUTH_LOOP;
	}
	return auth_result(h, rc, "keyboard-interactive");
}

static enum auth_result
auth_password(struct hop *h)
{
	struct auth *a = h->auth;
	char buf[AUTH_PROMPT_MAX], prompt[AUTH_PROMPT_MAX];
	int rc,
	    max = h->o->number_of_password_prompts > 0
	    ? h->o->number_of_password_prompts
	    : 3;

	if (a->password == NULL) {
		if (a->password_tries >= max) {
			auth_pick_next(h);
			return AUTH_LOOP;
		}
		snprintf(prompt, sizeof(prompt), "%s@%s's password: ",
		    auth_user(h) != NULL ? auth_user(h) : "", h->o->hostname);
		if (auth_tty_prompt(prompt, 0, buf, sizeof(buf)) != 0)
			return AUTH_FAIL;
		a->password = strdup(buf);
		explicit_bzero(buf, sizeof(buf));
		if (a->password == NULL)
			return AUTH_FAIL;
		a->password_tries++;
	}
	rc = ssh_userauth_password(h->s, NULL, a->password);
	if (rc == SSH_AUTH_AGAIN)
		return AUTH_AGAIN;
	explicit_bzero(a->password, strlen(a->password));
	free(a->password);
	a->password = NULL;
	if (rc == SSH_AUTH_DENIED) {
		log_msg(LOG_ERROR, "Permission denied, please try again.");
		return AUTH_LOOP;
	}
	return auth_result(h, rc, "password");
}

enum auth_result
auth_step(struct hop *h)
{
	struct auth *a = h->auth;
	struct auth_id *id;
	enum auth_result ar;
	int rc;

	for (;;) {
		switch (a->phase) {
		case PH_NONE:
			rc = ssh_userauth_none(h->s, NULL);
			if (rc == SSH_AUTH_AGAIN)
				return AUTH_AGAIN;
			if (rc == SSH_AUTH_SUCCESS) {
				ar = auth_result(h, rc, "none");
				if (ar != AUTH_LOOP)
					return ar;
				break;
			}
			if (rc == SSH_AUTH_ERROR) {
				ar = auth_result(h, rc, "none");
				if (ar != AUTH_LOOP)
					return ar;
				break;
			}
			a->methods = ssh_userauth_list(h->s, NULL);
			auth_parse_order(h);
			a->iorder = 0;
			auth_pick_next(h);
			break;
		case PH_NEXT:
			if (a->iorder > a->norder) {
				log_msg(LOG_ERROR,
				    "%s@%s: Permission denied (%s%s%s).",
				    auth_user(h) != NULL ? auth_user(h) : "",
				    h->o->hostname,
				    (a->methods & SSH_AUTH_METHOD_PUBLICKEY)
				        ? "publickey"
				        : "",
				    (a->methods & SSH_AUTH_METHOD_PASSWORD)
				        ? ",password"
				        : "",
				    (a->methods & SSH_AUTH_METHOD_INTERACTIVE)
				        ? ",keyboard-interactive"
				        : "");
				if (h->o->batch_mode == 1)
					log_hint("BatchMode is on, so no "
					         "password or passphrase was "
					         "asked for");
				log_hint(
				    "check User and IdentityFile for '%s', "
				    "that the key is in the server's "
				    "authorized_keys, or load it into "
				    "ssh-agent",
				    h->name);
				return AUTH_FAIL;
			}
			auth_pick_next(h);
			break;
		case PH_KEY_NEXT:
			if (!a->ids_ready && auth_ids_prepare(h) != 0) {
				log_msg(LOG_ERROR, "out of memory");
				return AUTH_FAIL;
			}
			if (a->iid >= a->nids) {
				auth_pick_next(h);
				break;
			}
			id = &a->ids[a->iid++];
			if (id->agent >= 0) {
				/* libssh offers and signs through the relay,
				 * which lists this one key. */
				if (agent_select(a->agent, id->pub,
				        (size_t)id->agent) != 0)
					break;
				log_msg(LOG_DEBUG1,
				    "Offering public key: %s%s agent",
				    id->label, id->cert ? " certificate" : "");
				a->phase = PH_AGENT;
				break;
			}
			if (id->pub == NULL) {
				log_msg(LOG_DEBUG1, "Trying private key: %s",
				    id->label);
				if (auth_load_private(h) == 0)
					a->phase = PH_KEY_SIGN;
				break;
			}
			log_msg(LOG_DEBUG1, "Offering public key: %s%s",
			    id->label, id->cert ? " certificate" : "");
			a->phase = PH_KEY_TRY;
			break;
		case PH_AGENT:
			rc = ssh_userauth_agent(h->s, NULL);
			if (rc == SSH_AUTH_AGAIN)
				return AUTH_AGAIN;
			if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL ||
			    rc == SSH_AUTH_ERROR) {
				ar = auth_result(h, rc, "publickey");
				if (ar != AUTH_LOOP)
					return ar;
				break;
			}
			a->phase = PH_KEY_NEXT;
			break;
		case PH_KEY_TRY:
			id = &a->ids[a->iid - 1];
			rc = ssh_userauth_try_publickey(h->s, NULL, id->pub);
			if (rc == SSH_AUTH_AGAIN)
				return AUTH_AGAIN;
			if (rc == SSH_AUTH_ERROR) {
				ar = auth_result(h, rc, "publickey");
				if (ar != AUTH_LOOP)
					return ar;
				break;
			}
			a->phase = PH_KEY_NEXT;
			if (rc != SSH_AUTH_SUCCESS)
				break;
			log_msg(LOG_DEBUG1, "Server accepts key: %s%s",
			    id->label, id->cert ? " certificate" : "");
			if (auth_load_private(h) == 0)
				a->phase = PH_KEY_SIGN;
			break;
		case PH_KEY_SIGN:
			rc = ssh_userauth_publickey(h->s, NULL, a->priv);
			if (rc == SSH_AUTH_AGAIN)
				return AUTH_AGAIN;
			ssh_key_free(a->priv);
			a->priv = NULL;
			if (rc == SSH_AUTH_DENIED) {
				a->phase = PH_KEY_NEXT;
				break;
			}
			ar = auth_result(h, rc, "publickey");
			if (ar != AUTH_LOOP)
				return ar;
			break;
		case PH_KBDINT:
			ar = auth_kbdint(h);
			if (ar != AUTH_LOOP)
				return ar;
			break;
		case PH_PASSWORD:
			ar = auth_password(h);
			if (ar != AUTH_LOOP)
				return ar;
			break;
		}
	}
}
