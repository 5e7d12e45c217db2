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

#include "launcher/auth.h"
#include "launcher/hop.h"
#include "launcher/log.h"
#include "launcher/path.h"
#include "parser/options.h"

#define AUTH_PROMPT_MAX 1024

enum auth_phase {
	PH_NONE, /* ssh_userauth_none */
	PH_NEXT, /* pick the next method */
	PH_AGENT,
	PH_KEY_NEXT, /* pick the next identity file */
	PH_KEY_TRY, /* ssh_userauth_try_publickey */
	PH_KEY_SIGN, /* ssh_userauth_publickey */
	PH_KBDINT,
	PH_PASSWORD,
};

struct auth {
	enum auth_phase phase;
	int methods; /* from ssh_userauth_list */
	char order[8][32]; /* PreferredAuthentications */
	int norder, iorder;
	size_t ikey; /* next identity file */
	ssh_key pub, priv;
	char *key_path;
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
auth_key_reset(struct auth *a)
{
	ssh_key_free(a->pub);
	ssh_key_free(a->priv);
	a->pub = a->priv = NULL;
	free(a->key_path);
	a->key_path = NULL;
}

void
auth_free(struct auth *a)
{
	if (a == NULL)
		return;
	auth_key_reset(a);
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
	if (write(fd, prompt, strlen(prompt)) < 0) {
		close(fd);
		return -1;
	}
	if (!echo && tcgetattr(fd, &old) == 0) {
		tmp = old;
		tmp.c_lflag &= ~(tcflag_t)ECHO;
		if (tcsetattr(fd, TCSAFLUSH, &tmp) == 0)
			restore = 1;
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
	snprintf(
	    p, sizeof(p), "Enter passphrase for key '%s': ", h->auth->key_path);
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
		a->ikey = 0;
		a->phase = PH_NEXT;
		return AUTH_AGAIN;
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
			a->ikey = 0;
			if (h->o->identities_only != 1 &&
			    (h->o->identity_agent == NULL ||
			        strcmp(h->o->identity_agent, "none") != 0)) {
				a->phase = PH_AGENT;
			} else
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

static int
auth_set_agent(struct hop *h)
{
	const char *ia = h->o->identity_agent;
	char *path;
	int bad = 0, rc;

	if (ia == NULL || strcmp(ia, "SSH_AUTH_SOCK") == 0)
		return getenv("SSH_AUTH_SOCK") != NULL ? 0 : -1;
	if (ia[0] == '$') {
		const char *v = getenv(ia + 1);

		if (v == NULL)
			return -1;
		return ssh_options_set(h->s, SSH_OPTIONS_IDENTITY_AGENT, v);
	}
	path = path_expand(ia, h->o, &bad);
	if (path == NULL)
		return -1;
	rc = ssh_options_set(h->s, SSH_OPTIONS_IDENTITY_AGENT, path);
	free(path);
	return rc;
}

/* Load the next IdentityFile's public half. 1 loaded, 0 none left. */
static int
auth_next_key(struct hop *h)
{
	struct auth *a = h->auth;
	char *path, *pubpath;
	int bad, rc;
	size_t n;

	while (a->ikey < h->o->num_identity_files) {
		auth_key_reset(a);
		path = path_expand(
		    h->o->identity_files[a->ikey++].path, h->o, &bad);
		if (path == NULL) {
			log_msg(LOG_ERROR,
			    "IdentityFile: unknown token %%%c; key skipped",
			    bad);
			continue;
		}
		a->key_path = path;
		n = strlen(path) + 5;
		pubpath = malloc(n);
		if (pubpath == NULL)
			return 0;
		memcpy(pubpath, path, n - 5);
		memcpy(pubpath + n - 5, ".pub", 5);
		rc = ssh_pki_import_pubkey_file(pubpath, &a->pub);
		free(pubpath);
		if (rc == SSH_OK)
			return 1;
		/* No .pub: an unencrypted private key yields its public
		 * half; an encrypted one must be unlocked first. */
		if (access(path, R_OK) != 0) {
			log_msg(LOG_DEBUG1, "no such identity: %s: %s", path,
			    strerror(errno));
			continue;
		}
		rc = ssh_pki_import_privkey_file(
		    path, NULL, auth_passphrase_cb, h, &a->priv);
		if (rc != SSH_OK) {
			log_msg(LOG_ERROR,
			    "Load key \"%s\": cannot read or "
			    "decrypt it",
			    path);
			continue;
		}
		if (ssh_pki_export_privkey_to_pubkey(a->priv, &a->pub) !=
		    SSH_OK)
			continue;
		return 1;
	}
	auth_key_reset(a);
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
		return AUTH_AGAIN;
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
			return AUTH_AGAIN;
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
		return AUTH_AGAIN;
	}
	return auth_result(h, rc, "password");
}

enum auth_result
auth_step(struct hop *h)
{
	struct auth *a = h->auth;
	int rc;

	for (;;) {
		switch (a->phase) {
		case PH_NONE:
			rc = ssh_userauth_none(h->s, NULL);
			if (rc == SSH_AUTH_AGAIN)
				return AUTH_AGAIN;
			if (rc == SSH_AUTH_SUCCESS)
				return auth_result(h, rc, "none");
			if (rc == SSH_AUTH_ERROR)
				return auth_result(h, rc, "none");
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
		case PH_AGENT:
			if (auth_set_agent(h) != 0) {
				a->phase = PH_KEY_NEXT;
				break;
			}
			rc = ssh_userauth_agent(h->s, NULL);
			if (rc == SSH_AUTH_AGAIN)
				return AUTH_AGAIN;
			if (rc == SSH_AUTH_SUCCESS || rc == SSH_AUTH_PARTIAL)
				return auth_result(h, rc, "publickey");
			/* Denied or no agent: try the files. */
			a->phase = PH_KEY_NEXT;
			break;
		case PH_KEY_NEXT:
			if (!auth_next_key(h)) {
				auth_pick_next(h);
				break;
			}
			log_msg(
			    LOG_DEBUG1, "Offering public key: %s", a->key_path);
			a->phase = PH_KEY_TRY;
			break;
		case PH_KEY_TRY:
			rc = ssh_userauth_try_publickey(h->s, NULL, a->pub);
			if (rc == SSH_AUTH_AGAIN)
				return AUTH_AGAIN;
			if (rc == SSH_AUTH_ERROR)
				return auth_result(h, rc, "publickey");
			if (rc != SSH_AUTH_SUCCESS) {
				a->phase = PH_KEY_NEXT;
				break;
			}
			log_msg(
			    LOG_DEBUG1, "Server accepts key: %s", a->key_path);
			if (a->priv == NULL &&
			    ssh_pki_import_privkey_file(a->key_path, NULL,
			        auth_passphrase_cb, h, &a->priv) != SSH_OK) {
				log_msg(LOG_ERROR,
				    "Load key \"%s\": incorrect passphrase "
				    "supplied to decrypt private key",
				    a->key_path);
				if (!auth_can_prompt(h))
					log_hint("the key is encrypted and "
					         "there is no terminal (or "
					         "BatchMode is on); load it "
					         "into ssh-agent instead");
				a->phase = PH_KEY_NEXT;
				break;
			}
			a->phase = PH_KEY_SIGN;
			break;
		case PH_KEY_SIGN:
			rc = ssh_userauth_publickey(h->s, NULL, a->priv);
			if (rc == SSH_AUTH_AGAIN)
				return AUTH_AGAIN;
			if (rc == SSH_AUTH_DENIED) {
				a->phase = PH_KEY_NEXT;
				break;
			}
			return auth_result(h, rc, "publickey");
		case PH_KBDINT:
			return auth_kbdint(h);
		case PH_PASSWORD:
			return auth_password(h);
		}
	}
}
