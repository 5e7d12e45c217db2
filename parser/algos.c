/*
 * algos: algorithm lists of OpenSSH 9.2p1 Debian as built here, taken from
 * `ssh -Q cipher|mac|kex|key-sig|sig` and the -G defaults.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/algos.h"
#include "parser/match.h"

static const char *const algos_all_lists[ALGOS_COUNT] = {
	[ALGOS_CIPHER] =
	    "3des-cbc,aes128-cbc,aes192-cbc,aes256-cbc,"
	    "aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
	    "aes256-gcm@openssh.com,chacha20-poly1305@openssh.com",
	[ALGOS_MAC] =
	    "hmac-sha1,hmac-sha1-96,hmac-sha2-256,hmac-sha2-512,"
	    "hmac-md5,hmac-md5-96,umac-64@openssh.com,umac-128@openssh.com,"
	    "hmac-sha1-etm@openssh.com,hmac-sha1-96-etm@openssh.com,"
	    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "hmac-md5-etm@openssh.com,hmac-md5-96-etm@openssh.com,"
	    "umac-64-etm@openssh.com,umac-128-etm@openssh.com",
	[ALGOS_KEX] =
	    "diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,"
	    "diffie-hellman-group14-sha256,diffie-hellman-group16-sha512,"
	    "diffie-hellman-group18-sha512,"
	    "diffie-hellman-group-exchange-sha1,"
	    "diffie-hellman-group-exchange-sha256,ecdh-sha2-nistp256,"
	    "ecdh-sha2-nistp384,ecdh-sha2-nistp521,curve25519-sha256,"
	    "curve25519-sha256@libssh.org,sntrup761x25519-sha512,"
	    "sntrup761x25519-sha512@openssh.com",
	[ALGOS_KEY] =
	    "ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,"
	    "sk-ssh-ed25519@openssh.com,sk-ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp521,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	    "sk-ecdsa-sha2-nistp256@openssh.com,"
	    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,"
	    "ssh-dss-cert-v01@openssh.com,ssh-rsa,ssh-rsa-cert-v01@openssh.com,"
	    "rsa-sha2-256,rsa-sha2-256-cert-v01@openssh.com,rsa-sha2-512,"
	    "rsa-sha2-512-cert-v01@openssh.com",
	[ALGOS_SIG] =
	    "ssh-ed25519,sk-ssh-ed25519@openssh.com,"
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	    "sk-ecdsa-sha2-nistp256@openssh.com,"
	    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com,ssh-dss,ssh-rsa,"
	    "rsa-sha2-256,rsa-sha2-512",
	[ALGOS_GSS_KEX] =
	    "gss-gex-sha1-,gss-group1-sha1-,gss-group14-sha1-,"
	    "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,"
	    "gss-curve25519-sha256-",
};

static const char *const algos_default_lists[ALGOS_COUNT] = {
	[ALGOS_CIPHER] = "chacha20-poly1305@openssh.com,aes128-ctr,"
	                 "aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
	                 "aes256-gcm@openssh.com",
	[ALGOS_MAC] =
	    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,"
	    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
	    "hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
	    "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
	[ALGOS_KEX] =
	    "sntrup761x25519-sha512,"
	    "sntrup761x25519-sha512@openssh.com,curve25519-sha256,"
	    "curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
	    "ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
	    "diffie-hellman-group-exchange-sha256,"
	    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,"
	    "diffie-hellman-group14-sha256",
	[ALGOS_KEY] =
	    "ssh-ed25519-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp384-cert-v01@openssh.com,"
	    "ecdsa-sha2-nistp521-cert-v01@openssh.com,"
	    "sk-ssh-ed25519-cert-v01@openssh.com,"
	    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
	    "rsa-sha2-512-cert-v01@openssh.com,"
	    "rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,"
	    "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
	    "sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,"
	    "rsa-sha2-512,rsa-sha2-256",
	[ALGOS_SIG] =
	    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,"
	    "ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
	    "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256",
	[ALGOS_GSS_KEX] =
	    "gss-group14-sha256-,gss-group16-sha512-,"
	    "gss-nistp256-sha256-,gss-curve25519-sha256-,gss-group14-sha1-,"
	    "gss-gex-sha1-",
};

const char *
algos_all(enum algos_kind k)
{
	return algos_all_lists[k];
}

const char *
algos_default(enum algos_kind k)
{
	return algos_default_lists[k];
}

/* 1 if name is an entry of the comma list. */
static int
algos_in_list(const char *list, const char *name, size_t nlen)
{
	const char *p = list, *e;

	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == nlen && strncmp(p, name, nlen) == 0)
			return 1;
		if (*e == '\0')
			return 0;
		p = e + 1;
	}
}

/*
 * Debian's kex_alg_by_name finds a GSS method by prefix: a name counts when
 * it starts with one of the GSS names (which all end in '-', the mechanism
 * OID hash following in the real kex name), "gss-gex-sha1-anything" too.
 */
static int
algos_gss_prefix(const char *name, size_t nlen)
{
	const char *p = algos_all_lists[ALGOS_GSS_KEX], *e;

	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) <= nlen &&
		    strncmp(p, name, (size_t)(e - p)) == 0)
			return 1;
		if (*e == '\0')
			return 0;
		p = e + 1;
	}
}

/* Wildcard key-type entries count if they match any key type (either
 * positively or negatively, as sshkey_names_valid2 accepts). */
static int
algos_key_wild_ok(const char *pat)
{
	char *all, *cp, *tmp;
	int ok = 0;

	if ((all = strdup(algos_all_lists[ALGOS_KEY])) == NULL)
		return 0;
	tmp = all;
	while ((cp = strsep(&tmp, ",")) != NULL)
		if (match_pattern_list(cp, pat, 0) != 0) {
			ok = 1;
			break;
		}
	free(all);
	return ok;
}

int
algos_valid(enum algos_kind k, const char *names, const char **bad)
{
	static char badbuf[128];
	const char *p = names, *e, *list;
	size_t n;
	char *ent;

	if (bad != NULL)
		*bad = NULL;
	if (names == NULL || *names == '\0')
		return 0;
	list = k == ALGOS_KEX ? NULL : algos_all_lists[k];
	for (;;) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		n = (size_t)(e - p);
		if (n == 0)
			return 1; /* ssh's strsep loop stops at an empty entry */
		if (k == ALGOS_KEX || k == ALGOS_GSS_KEX) {
			/* Debian's kex table knows the GSS methods too, by
			 * prefix; GSSAPIKexAlgorithms takes only "gss-" ones
			 * (kex_gss_names_valid) */
			if (k == ALGOS_KEX
			        ? !algos_in_list(
			              algos_all_lists[ALGOS_KEX], p, n) &&
			            !algos_gss_prefix(p, n)
			        : n < 4 || strncmp(p, "gss-", 4) != 0 ||
			            !algos_gss_prefix(p, n)) {
				/* ssh prints it with "%.100s" */
				n = n > 100 ? 100 : n;
				memcpy(badbuf, p, n);
				badbuf[n] = '\0';
				if (bad != NULL)
					*bad = badbuf;
				return 0;
			}
		} else if (!algos_in_list(list, p, n)) {
			if (k != ALGOS_KEY && k != ALGOS_SIG)
				return 0;
			if ((ent = strndup(p, n)) == NULL)
				return 0;
			if (!algos_key_wild_ok(ent)) {
				free(ent);
				return 0;
			}
			free(ent);
		}
		if (*e == '\0')
			return 1;
		p = e + 1;
	}
}

/* kex_names_cat: a, then the entries of b not already in a. */
static char *
algos_cat(const char *a, const char *b)
{
	char *ret, *tmp, *cp, *p;
	size_t len, o;

	if (a == NULL || *a == '\0')
		return strdup(b != NULL ? b : "");
	if (b == NULL || *b == '\0')
		return strdup(a);
	len = strlen(a) + strlen(b) + 2;
	if ((ret = malloc(len)) == NULL)
		return NULL;
	if ((tmp = strdup(b)) == NULL) {
		free(ret);
		return NULL;
	}
	o = strlen(a);
	memcpy(ret, a, o + 1);
	cp = tmp;
	for (p = strsep(&cp, ","); p != NULL && *p != '\0';
	     p = strsep(&cp, ",")) {
		if (algos_in_list(ret, p, strlen(p)))
			continue;
		ret[o++] = ',';
		memcpy(ret + o, p, strlen(p) + 1);
		o += strlen(p);
	}
	free(tmp);
	return ret;
}

int
algos_assemble(char **listp, const char *def, const char *all)
{
	char *list, *tmp, *pats = NULL, *opats = NULL, *cp, *ret = NULL;
	char *matching = NULL;
	int r = -2;

	if (*listp == NULL || **listp == '\0') {
		free(*listp);
		if ((*listp = strdup(def)) == NULL)
			return -2;
		return 0;
	}
	list = *listp;
	*listp = NULL;
	if (*list == '+') {
		if ((tmp = algos_cat(def, list + 1)) == NULL)
			goto out;
		free(list);
		list = tmp;
	} else if (*list == '-') {
		if ((*listp = match_filter_list(def, list + 1, 0)) == NULL)
			goto out;
		free(list);
		return 0;
	} else if (*list == '^') {
		if ((tmp = algos_cat(list + 1, def)) == NULL)
			goto out;
		free(list);
		list = tmp;
	}
	if ((pats = opats = strdup(list)) == NULL)
		goto out;
	while ((cp = strsep(&pats, ",")) != NULL) {
		if (*cp == '!') {
			r = -1;
			goto out;
		}
		free(matching);
		if ((matching = match_filter_list(all, cp, 1)) == NULL)
			goto out;
		if ((tmp = algos_cat(ret, matching)) == NULL)
			goto out;
		free(ret);
		ret = tmp;
	}
	if (ret == NULL || *ret == '\0') {
		r = -1;
		goto out;
	}
	*listp = ret;
	ret = NULL;
	r = 0;
out:
	free(matching);
	free(opats);
	free(list);
	free(ret);
	return r;
}
