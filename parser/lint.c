/*
 * lint: read a config tree as ssh does and report what is wrong with it.
 *
 * The run has three phases. Reading builds a flat model of the tree in
 * reading order: every directive (keyword, arguments with columns, the
 * innermost Host/Match block it sits in) and every block (its patterns and
 * the block that was in effect at the Include line that brought its file
 * in). Lines are split with the parser's lexer so the linter sees exactly
 * what ssh sees. Checking then walks the directives once, keeping small
 * indexes of earlier setters per option (a universal flag, a hash map of
 * exact Host names, a list of wildcard blocks) so that first-value-wins
 * analysis stays linear in the size of the tree. Per-host checks (ProxyJump
 * chains, forward listen ports) evaluate each alias against the same kind
 * of index. Finally ssh's own errors are collected through config_resolve,
 * suppression comments are applied and the findings are sorted.
 */
#include "autoconf.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parser/forward.h"
#include "parser/keywords.h"
#include "parser/lexer.h"
#include "parser/lint.h"
#include "parser/match.h"
#include "parser/options.h"
#include "parser/regexhint.h"
#include "parser/plan.h"
#include "parser/strbuf.h"

/* ------------------------------------------------------------------ */
/* Keyword table (ours: what the linter needs to know of each keyword). */

#define KF_ACCUM 0x0001 /* accumulates: never dead */
#define KF_NODEAD 0x0002 /* not plain first-wins: skip dead analysis */
#define KF_TIME 0x0004 /* `none` leaves the option unset */
#define KF_BLIND 0x0008 /* first-wins but ignores block activity */

/* What the dead-directive analysis needs to know beyond the table. */
static int
lint_kw_flags(const struct keyword *k)
{
	int f = 0;

	switch (k->opt) {
	case OPT_IDENTITY_FILE:
	case OPT_CERTIFICATE_FILE:
	case OPT_LOCAL_FORWARD:
	case OPT_REMOTE_FORWARD:
	case OPT_DYNAMIC_FORWARD:
	case OPT_SEND_ENV:
		f |= KF_ACCUM;
		break;
	case OPT_REKEY_LIMIT:
	case OPT_STREAM_LOCAL_BIND_MASK:
		f |= KF_NODEAD;
		break;
	case OPT_SYSLOG_FACILITY:
		f |= KF_BLIND;
		break;
	default:
		break;
	}
	if (k->type == KWT_TIME)
		f |= KF_TIME;
	return f;
}

/* Keywords of newer OpenSSH releases or other clients, for a better hint. */
static const struct {
	const char *name;
	const char *hint;
} lint_foreign[] = {
	{ "tag", "Tag needs OpenSSH 9.4; this ssh is 9.2" },
	{ "channeltimeout",
	    "ChannelTimeout needs OpenSSH 9.6; this ssh is 9.2" },
	{ "obscurekeystroketiming",
	    "ObscureKeystrokeTiming needs OpenSSH 9.5; this ssh is 9.2" },
	{ "versionaddendum",
	    "VersionAddendum needs OpenSSH 10.0; this ssh is 9.2" },
	{ "refuseconnection",
	    "RefuseConnection needs OpenSSH 10.1; this ssh is 9.2" },
	{ "warnweakcrypto",
	    "WarnWeakCrypto needs OpenSSH 10.1; this ssh is 9.2" },
	{ "usekeychain",
	    "UseKeychain is macOS-only; put \"IgnoreUnknown UseKeychain\" "
	    "before it to share the file" },
};

/* ------------------------------------------------------------------ */
/* The model. */

enum lb_kind { LB_ROOT = 0, LB_HOST, LB_MATCH };

struct lfile {
	char *path;
	int tree;
	int userconf;
	char **sup_file; /* disable-file rules */
	size_t n_sup_file;
	int *sup_line; /* line numbers with disable= rules */
	char **sup_rules;
	size_t n_sup, cap_sup;
};

struct lblock {
	enum lb_kind kind;
	int outer; /* block in effect at the Include line, or -1 */
	int file, line, col;
	int tree;
	int universal; /* Host *, Match all, top level */
	int has_neg;
	int has_wild;
	int match_uncertain; /* Match whose truth we cannot evaluate */
	int npos;
	char **pats; /* Host patterns as written (with !) */
	int *pid; /* name id of each literal positive pattern, else -1 */
	int npats;
	int ndirs, ndead; /* option directives directly in it; dead ones */
	int forward_agent_dir;
};

struct ldir {
	int file, line, col;
	const struct keyword *kw; /* NULL: unknown keyword */
	char *kwname; /* unknown keywords only (LINT_KWNAME) */
	char **av;
	int *acol;
	int ac;
	char *raw; /* rest of the line after whitespace and '=' */
	int rawcol;
	int block;
	int nub; /* the one non-universal block of its chain; -1 none, -2 many */
	int dead_by; /* earlier directive that makes this one dead, or -1 */
};

#define LINT_KWNAME(d) ((d)->kw != NULL ? (d)->kw->name : (d)->kwname)

struct lkey {
	int file, line, col;
	size_t seq;
};

/* Hash map from (a, b, name) to a list of directive indexes. */
struct hnode {
	int dir;
	int aux;
	int next;
};
struct hent {
	uint64_t h;
	int a, b;
	const char *name;
	int head, tail;
};
struct hmap {
	struct hent *v;
	size_t cap, n;
	struct hnode *nodes;
	size_t nn, capn;
};

struct ivec {
	int *v;
	size_t n, cap;
};

/* Per name id, a list of (directive, aux) in insertion order. Names are
 * interned once per Host pattern, so the hot loops index arrays instead of
 * hashing strings. */
struct idlist {
	int *head, *tail;
	size_t n;
	struct hnode *nodes;
	size_t nn, capn;
};

struct lint_ctx {
	const struct lint_request *req;
	const struct config_env *env;
	struct lfile *files;
	size_t nfiles, capfiles;
	struct lblock *blocks;
	size_t nblocks, capblocks;
	struct ldir *dirs;
	size_t ndirs, capdirs;
	struct diag_list dl;
	struct lkey *keys;
	size_t capkeys;
	int oom;
	int ntrees;
	struct hmap names; /* interned literal Host names -> id */
	size_t nnames;
	char *scratch; /* the line being split (lint_line) */
	size_t capscratch;
};

#define LINT_OOM(c) ((c)->oom = 1)

static int
lint_grow(void **v, size_t *cap, size_t n, size_t elt)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap <= n)
		ncap *= 2;
	if ((nv = realloc(*v, ncap * elt)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int
ivec_push(struct ivec *iv, int x)
{
	if (lint_grow((void **)&iv->v, &iv->cap, iv->n, sizeof(int)) != 0)
		return -1;
	iv->v[iv->n++] = x;
	return 0;
}

static uint64_t
lint_hash(int a, int b, const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	h ^= (uint64_t)(unsigned)a * 31 + (uint64_t)(unsigned)b;
	h *= 1099511628211ULL;
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct hent *
hmap_find(struct hmap *m, int a, int b, const char *name, int create)
{
	uint64_t h = lint_hash(a, b, name);
	size_t i, j;
	struct hent *nv, *e;

	if (m->cap == 0 || (create && (m->n + 1) * 2 > m->cap)) {
		size_t ncap;

		if (!create)
			return NULL;
		ncap = m->cap ? m->cap * 2 : 1024;
		if ((nv = calloc(ncap, sizeof(*nv))) == NULL)
			return NULL;
		for (i = 0; i < m->cap; i++) {
			if (m->v[i].name == NULL)
				continue;
			for (j = m->v[i].h & (ncap - 1); nv[j].name != NULL;
			     j = (j + 1) & (ncap - 1))
				;
			nv[j] = m->v[i];
		}
		free(m->v);
		m->v = nv;
		m->cap = ncap;
	}
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		e = &m->v[i];
		if (e->name == NULL)
			break;
		if (e->h == h && e->a == a && e->b == b &&
		    strcmp(e->name, name) == 0)
			return e;
	}
	if (!create)
		return NULL;
	e->h = h;
	e->a = a;
	e->b = b;
	e->name = name;
	e->head = e->tail = -1;
	m->n++;
	return e;
}

/* Append dir to the list of (a, b, name). 0, or -1 on out of memory. */
static int
hmap_add(struct hmap *m, int a, int b, const char *name, int dir)
{
	struct hent *e;
	int ni;

	if ((e = hmap_find(m, a, b, name, 1)) == NULL)
		return -1;
	if (lint_grow((void **)&m->nodes, &m->capn, m->nn, sizeof(*m->nodes)) !=
	    0)
		return -1;
	ni = (int)m->nn++;
	m->nodes[ni].dir = dir;
	m->nodes[ni].aux = 0;
	m->nodes[ni].next = -1;
	if (e->tail >= 0)
		m->nodes[e->tail].next = ni;
	else
		e->head = ni;
	e->tail = ni;
	return 0;
}

static void
hmap_free(struct hmap *m)
{
	free(m->v);
	free(m->nodes);
	memset(m, 0, sizeof(*m));
}

static int
idlist_init(struct idlist *l, size_t n)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	if ((l->head = malloc((n + 1) * sizeof(int))) == NULL ||
	    (l->tail = malloc((n + 1) * sizeof(int))) == NULL) {
		free(l->head);
		return -1;
	}
	for (i = 0; i < n; i++)
		l->head[i] = l->tail[i] = -1;
	l->n = n;
	return 0;
}

static void
idlist_reset(struct idlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		l->head[i] = l->tail[i] = -1;
	l->nn = 0;
}

static int
idlist_add(struct idlist *l, int id, int dir, int aux)
{
	int ni;

	if (lint_grow((void **)&l->nodes, &l->capn, l->nn, sizeof(*l->nodes)) !=
	    0)
		return -1;
	ni = (int)l->nn++;
	l->nodes[ni].dir = dir;
	l->nodes[ni].aux = aux;
	l->nodes[ni].next = -1;
	if (l->tail[id] >= 0)
		l->nodes[l->tail[id]].next = ni;
	else
		l->head[id] = ni;
	l->tail[id] = ni;
	return 0;
}

static void
idlist_free(struct idlist *l)
{
	free(l->head);
	free(l->tail);
	free(l->nodes);
	memset(l, 0, sizeof(*l));
}

/* ------------------------------------------------------------------ */
/* Emitting findings. */

static int lint_file_index(struct lint_ctx *c, const char *name);

static struct diag *lint_emitv(struct lint_ctx *c, int file, int line, int col,
    enum diag_severity sev, const char *rule, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

static struct diag *
lint_emitv(struct lint_ctx *c, int file, int line, int col,
    enum diag_severity sev, const char *rule, const char *fmt, va_list ap)
{
	const char *fname;

	if (c->dl.n >= DIAG_MAX)
		return NULL;
	if (lint_grow((void **)&c->keys, &c->capkeys, c->dl.n,
	        sizeof(*c->keys)) != 0) {
		LINT_OOM(c);
		return NULL;
	}
	fname = file >= 0 ? c->files[file].path : "";
	if (diag_addv(&c->dl, fname, line, col, sev, rule, fmt, ap) != 0) {
		LINT_OOM(c);
		return NULL;
	}
	c->keys[c->dl.n - 1].file = file;
	c->keys[c->dl.n - 1].line = line;
	c->keys[c->dl.n - 1].col = col;
	c->keys[c->dl.n - 1].seq = c->dl.n - 1;
	return diag_last(&c->dl);
}

static struct diag *lint_emit(struct lint_ctx *c, int file, int line, int col,
    enum diag_severity sev, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static struct diag *
lint_emit(struct lint_ctx *c, int file, int line, int col,
    enum diag_severity sev, const char *rule, const char *fmt, ...)
{
	va_list ap;
	struct diag *d;

	va_start(ap, fmt);
	d = lint_emitv(c, file, line, col, sev, rule, fmt, ap);
	va_end(ap);
	return d;
}

static void lint_hint(struct lint_ctx *c, struct diag *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
lint_hint(struct lint_ctx *c, struct diag *d, const char *fmt, ...)
{
	va_list ap;
	char *h;

	if (d == NULL)
		return;
	va_start(ap, fmt);
	h = diag_vfmt(fmt, ap);
	va_end(ap);
	if (h == NULL) {
		LINT_OOM(c);
		return;
	}
	free(d->hint);
	d->hint = h;
}

/* ------------------------------------------------------------------ */
/* Small helpers. */

size_t
lint_edit_distance(const char *a, const char *b, size_t cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best;
	size_t row[128], prev[128];

	if (la >= 127 || lb >= 127)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > cap)
		return cap + 1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = row[j - 1] + 1;

			row[j] = sub < del ? sub : del;
			if (ins < row[j])
				row[j] = ins;
			if (row[j] < best)
				best = row[j];
		}
		if (best > cap)
			return cap + 1;
		memcpy(prev, row, (lb + 1) * sizeof(size_t));
	}
	return prev[lb] > cap ? cap + 1 : prev[lb];
}

/* The canonical spelling of a keyword, for messages ("identityfile" →
 * "IdentityFile"): the lower-case name with capitals from a short list. */
static const char *
lint_kw_display(const char *lower)
{
	static const char *const names[] = { "AddKeysToAgent", "AddressFamily",
		"BatchMode", "BindAddress", "BindInterface", "CanonicalDomains",
		"CanonicalizeFallbackLocal", "CanonicalizeHostname",
		"CanonicalizeMaxDots", "CanonicalizePermittedCNAMEs",
		"CASignatureAlgorithms", "CertificateFile", "CheckHostIP",
		"Ciphers", "ClearAllForwardings", "Compression",
		"ConnectionAttempts", "ConnectTimeout", "ControlMaster",
		"ControlPath", "ControlPersist", "DynamicForward",
		"EnableEscapeCommandline", "EnableSSHKeysign", "EscapeChar",
		"ExitOnForwardFailure", "FingerprintHash",
		"ForkAfterAuthentication", "ForwardAgent", "ForwardX11",
		"ForwardX11Timeout", "ForwardX11Trusted", "GatewayPorts",
		"GlobalKnownHostsFile", "GSSAPIAuthentication",
		"GSSAPIClientIdentity", "GSSAPIDelegateCredentials",
		"GSSAPIKexAlgorithms", "GSSAPIKeyExchange",
		"GSSAPIRenewalForcesRekey", "GSSAPIServerIdentity",
		"GSSAPITrustDns", "HashKnownHosts", "Host",
		"HostbasedAcceptedAlgorithms", "HostbasedAuthentication",
		"HostKeyAlgorithms", "HostKeyAlias", "Hostname",
		"IdentitiesOnly", "IdentityAgent", "IdentityFile",
		"IgnoreUnknown", "Include", "IPQoS",
		"KbdInteractiveAuthentication", "KbdInteractiveDevices",
		"KexAlgorithms", "KnownHostsCommand", "LocalCommand",
		"LocalForward", "LogLevel", "LogVerbose", "MACs", "Match",
		"NoHostAuthenticationForLocalhost", "NumberOfPasswordPrompts",
		"PasswordAuthentication", "PermitLocalCommand",
		"PermitRemoteOpen", "PKCS11Provider", "Port",
		"PreferredAuthentications", "ProxyCommand", "ProxyJump",
		"ProxyUseFdpass", "PubkeyAcceptedAlgorithms",
		"PubkeyAuthentication", "RekeyLimit", "RemoteCommand",
		"RemoteForward", "RequestTTY", "RequiredRSASize",
		"RevokedHostKeys", "SecurityKeyProvider", "SendEnv",
		"ServerAliveCountMax", "ServerAliveInterval", "SessionType",
		"SetEnv", "StdinNull", "StreamLocalBindMask",
		"StreamLocalBindUnlink", "StrictHostKeyChecking",
		"SyslogFacility", "TCPKeepAlive", "Tunnel", "TunnelDevice",
		"UpdateHostKeys", "User", "UserKnownHostsFile",
		"VerifyHostKeyDNS", "VisualHostKey", "XAuthLocation" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(names[i], lower) == 0)
			return names[i];
	return lower;
}

/*
 * A Host pattern already reported as a regular expression is no name
 * anyone types: resolving it as a destination would only add ssh's
 * "hostname contains invalid characters" without a line to point at.
 */
static int
lint_regex_pattern(const char *p)
{
	char *glob = NULL;
	int r = regexhint_glob(p, &glob);

	free(glob);
	return r == 1;
}

static int
lint_has_wild(const char *p)
{
	return strpbrk(p, "*?") != NULL;
}

/*
 * Does p cover q? A wildcard in q stands for any string, so it may only be
 * consumed by a `*` of p; a `?` of q is one unknown byte, consumed by `?`
 * or `*` of p. Memoised recursion over (i, j) would be exact for this
 * rule; the greedy backtracking below is the usual glob matcher with those
 * extra restrictions and is exact as well (a `*` of p can absorb anything).
 */
int
lint_pattern_subsumes(const char *p, const char *q)
{
	const char *sp = NULL, *sq = NULL;

	while (*q != '\0') {
		if (*p == '*') {
			sp = ++p;
			sq = q;
			continue;
		}
		if (*p != '\0' &&
		    ((*p == '?' && *q != '*') ||
		        (*p == *q && *q != '*' && *q != '?'))) {
			p++;
			q++;
			continue;
		}
		if (sp == NULL)
			return 0;
		p = sp;
		q = ++sq;
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* ssh's Host block evaluation against a typed host name. */
static int
lint_block_matches(const struct lblock *b, const char *host)
{
	int i, found = 0;

	for (i = 0; i < b->npats; i++) {
		const char *p = b->pats[i];
		int neg = *p == '!';

		if (neg)
			p++;
		if (match_pattern(host, p)) {
			if (neg)
				return 0;
			found = 1;
		}
	}
	return found;
}

/* Chain evaluation: 1 applies to host, 0 does not, -1 cannot tell. */
static int
lint_chain_matches(const struct lint_ctx *c, int block, const char *host)
{
	int r = 1;

	for (; block >= 0; block = c->blocks[block].outer) {
		const struct lblock *b = &c->blocks[block];

		if (b->universal)
			continue;
		if (b->kind == LB_HOST) {
			if (!lint_block_matches(b, host))
				return 0;
		} else
			r = -1;
	}
	return r;
}

static int
lint_rule_in(const char *list, const char *rule)
{
	size_t rl = strlen(rule);
	const char *p = list, *e;

	while (*p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if (((size_t)(e - p) == rl && strncmp(p, rule, rl) == 0) ||
		    ((size_t)(e - p) == 3 && strncmp(p, "all", 3) == 0))
			return 1;
		p = *e == ',' ? e + 1 : e;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reading the tree. */

static int
lint_file_index(struct lint_ctx *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].path, name) == 0)
			return (int)i;
	return -1;
}

static int
lint_add_file(struct lint_ctx *c, const char *path, int tree, int userconf)
{
	struct lfile *f;

	if (lint_grow((void **)&c->files, &c->capfiles, c->nfiles,
	        sizeof(*c->files)) != 0)
		return -1;
	f = &c->files[c->nfiles];
	memset(f, 0, sizeof(*f));
	if ((f->path = strdup(path)) == NULL)
		return -1;
	f->tree = tree;
	f->userconf = userconf;
	return (int)c->nfiles++;
}

static int
lint_new_block(struct lint_ctx *c, enum lb_kind kind, int outer, int file,
    int line, int col, int tree)
{
	struct lblock *b;

	if (lint_grow((void **)&c->blocks, &c->capblocks, c->nblocks,
	        sizeof(*c->blocks)) != 0)
		return -1;
	b = &c->blocks[c->nblocks];
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->outer = outer;
	b->file = file;
	b->line = line;
	b->col = col;
	b->tree = tree;
	b->universal = kind == LB_ROOT;
	b->forward_agent_dir = -1;
	return (int)c->nblocks++;
}

/* Record "# sshfwd-lint: disable=..." / "disable-file=..." on this line. */
static void
lint_scan_suppress(
    struct lint_ctx *c, int fi, int lineno, const char *line, int comment_only)
{
	const char *p = line, *q, *hash;
	struct lfile *f = &c->files[fi];
	char *rules;
	int filewide;
	size_t n;

	while ((p = strstr(p, "sshfwd-lint:")) != NULL) {
		for (hash = p; hash > line && *hash != '#'; hash--)
			;
		if (*hash != '#')
			hash = NULL;
		q = p + strlen("sshfwd-lint:");
		p = q;
		if (hash == NULL)
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, "disable-file=", 13) == 0) {
			filewide = 1;
			q += 13;
		} else if (strncmp(q, "disable=", 8) == 0) {
			filewide = 0;
			q += 8;
		} else
			continue;
		n = strcspn(q, " \t#");
		if ((rules = strndup(q, n)) == NULL) {
			LINT_OOM(c);
			return;
		}
		if (filewide) {
			char **nv = realloc(
			    f->sup_file, (f->n_sup_file + 1) * sizeof(char *));

			if (nv == NULL) {
				free(rules);
				LINT_OOM(c);
				return;
			}
			f->sup_file = nv;
			f->sup_file[f->n_sup_file++] = rules;
			continue;
		}
		if (lint_grow((void **)&f->sup_line, &f->cap_sup, f->n_sup,
		        sizeof(int)) != 0) {
			free(rules);
			LINT_OOM(c);
			return;
		}
		{
			char **nv =
			    realloc(f->sup_rules, f->cap_sup * sizeof(char *));

			if (nv == NULL) {
				free(rules);
				LINT_OOM(c);
				return;
			}
			f->sup_rules = nv;
		}
		/* A comment-only line silences the next line; a trailing
		 * comment silences its own line. */
		f->sup_line[f->n_sup] = comment_only ? lineno + 1 : lineno;
		f->sup_rules[f->n_sup++] = rules;
	}
}

/* The id of a literal Host name; -1 if unknown (create 0) or OOM. */
static int
lint_name_id(struct lint_ctx *c, const char *name, int create)
{
	struct hent *e = hmap_find(&c->names, 0, 0, name, 0);

	if (e != NULL && e->head >= 0)
		return c->names.nodes[e->head].dir;
	if (!create || hmap_add(&c->names, 0, 0, name, (int)c->nnames) != 0)
		return -1;
	return (int)c->nnames++;
}

static int lint_read_file(struct lint_ctx *c, const char *path, int depth,
    int tree, int userconf, int checkperm, int *cur, const char *buf,
    size_t buflen);

/* The home glob's ~ means (Include only): $HOME, else the passwd home. */
static const char *
lint_glob_home(const struct lint_ctx *c)
{
	if (c->env->env_home != NULL && *c->env->env_home != '\0')
		return c->env->env_home;
	return c->env->pw_dir != NULL ? c->env->pw_dir : "/";
}

static const char *
lint_pw_home(const struct lint_ctx *c)
{
	return c->env->pw_dir != NULL ? c->env->pw_dir : "/";
}

/* Debian's secure_permissions(): 1 if ssh accepts a config with st. */
static int
lint_secure_permissions(const struct stat *st, uid_t uid)
{
	struct group *gr;
	struct passwd *pw;
	int members = 0;

	if (st->st_uid != 0 && st->st_uid != uid)
		return 0;
	if ((st->st_mode & 002) != 0)
		return 0;
	if ((st->st_mode & 020) == 0)
		return 1;
	if ((gr = getgrgid(st->st_gid)) == NULL)
		return 0;
	setpwent();
	while ((pw = getpwent()) != NULL) {
		if (pw->pw_gid == gr->gr_gid) {
			++members;
			if (pw->pw_uid != uid) {
				endpwent();
				return 0;
			}
		}
	}
	endpwent();
	if ((pw = getpwuid(st->st_uid)) == NULL)
		return 0;
	if (gr->gr_mem[0] != NULL) {
		++members;
		if (strcmp(pw->pw_name, gr->gr_mem[0]) != 0 ||
		    gr->gr_mem[1] != NULL)
			return 0;
	}
	return members != 0;
}

static void
lint_check_config_perm(struct lint_ctx *c, const char *path, int fi,
    int from_file, int from_line, int from_col)
{
	struct stat st;
	struct diag *d;
	uid_t uid = (uid_t)c->env->uid;

	if (c->req->no_fs_checks || stat(path, &st) != 0)
		return;
	if (lint_secure_permissions(&st, uid))
		return;
	if (from_file >= 0)
		d = lint_emit(c, from_file, from_line, from_col, DIAG_ERROR,
		    "config-permissions", "Bad owner or permissions on %s",
		    path);
	else
		d = lint_emit(c, fi, 0, 0, DIAG_ERROR, "config-permissions",
		    "Bad owner or permissions on %s", path);
	lint_hint(c, d,
	    "ssh refuses this file: make it owned by you (or root) and not "
	    "writable by others: chmod go-w '%s'",
	    path);
}

/* Column (1-based) of each argv_split token of s, which starts at column
 * base. Mirrors argv_split's token boundaries. */
static void
lint_arg_columns(const char *s, int base, int *cols, int n)
{
	size_t i;
	int k = 0, quote;

	for (i = 0; s[i] != '\0' && k < n; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		if (s[i] == '#')
			break;
		cols[k++] = base + (int)i;
		quote = 0;
		for (; s[i] != '\0'; i++) {
			if (s[i] == '\\' && s[i + 1] != '\0' &&
			    (s[i + 1] == '\'' || s[i + 1] == '"' ||
			        s[i + 1] == '\\' ||
			        (quote == 0 && s[i + 1] == ' ')))
				i++;
			else if (quote == 0 && (s[i] == ' ' || s[i] == '\t'))
				break;
			else if (quote == 0 && (s[i] == '"' || s[i] == '\''))
				quote = s[i];
			else if (quote != 0 && s[i] == quote)
				quote = 0;
		}
		if (s[i] == '\0')
			break;
	}
	for (; k < n; k++)
		cols[k] = base;
}

static void lint_include(
    struct lint_ctx *c, size_t di, int depth, int tree, int userconf, int *cur);

/* Split one line; append a directive (and a block for Host/Match). */
static void
lint_line(struct lint_ctx *c, int fi, int lineno, char *line, int depth,
    int tree, int userconf, int site, int *cur)
{
	char *s, *kw, *rest, **av = NULL, *copy;
	int ac = 0, kwcol, r, i, shift = 0;
	size_t off, n;
	struct ldir *d;
	const struct keyword *k;
	struct diag *dg;

	if (strstr(line, "sshfwd-lint:") != NULL) {
		const char *t = line + strspn(line, " \t");

		lint_scan_suppress(c, fi, lineno, line, *t == '#');
	}
	lexer_chop(line);
	n = strlen(line);
	if (lint_grow((void **)&c->scratch, &c->capscratch, n + 1, 1) != 0) {
		LINT_OOM(c);
		return;
	}
	copy = c->scratch;
	memcpy(copy, line, n + 1);
	s = copy;
	/* A quoted keyword is memmove'd one byte left by strdelim. */
	if ((kw = lexer_strdelim(&s)) == NULL)
		goto out;
	if (*kw == '\0') {
		if ((kw = lexer_strdelim(&s)) == NULL)
			goto out;
	}
	if (*kw == '\0' || *kw == '#')
		goto out;
	off = (size_t)(kw - copy);
	if (line[off + strcspn(line + off, LEXER_WHITESPACE "\"=")] == '"')
		shift = 1;
	kwcol = (int)off + 1;
	lexer_lowercase(kw);
	if (s != NULL)
		s += strspn(s, LEXER_WHITESPACE);
	if (s == NULL || *s == '\0') {
		dg = lint_emit(c, fi, lineno, kwcol, DIAG_ERROR,
		    "missing-argument", "no argument after keyword \"%s\"", kw);
		lint_hint(c, dg, "give %s a value, or delete the line",
		    lint_kw_display(kw));
		goto out;
	}
	rest = s;
	k = keywords_lookup(kw);
	{
		r = lexer_argv_split(rest, &ac, &av);
		if (r == -2) {
			LINT_OOM(c);
			goto out;
		}
		if (r == -1 && k != NULL) {
			dg = lint_emit(c, fi, lineno,
			    (int)(rest - copy) + shift + 1, DIAG_ERROR,
			    "invalid-quotes", "invalid quotes");
			lint_hint(c, dg,
			    "close the quote, or escape it with a backslash");
			goto out;
		}
		if (r == -1) {
			ac = 0;
			av = NULL;
		}
	}
	if (lint_grow((void **)&c->dirs, &c->capdirs, c->ndirs,
	        sizeof(*c->dirs)) != 0) {
		LINT_OOM(c);
		goto out;
	}
	d = &c->dirs[c->ndirs];
	memset(d, 0, sizeof(*d));
	d->file = fi;
	d->line = lineno;
	d->col = kwcol;
	d->kw = k;
	d->dead_by = -1;
	d->block = *cur;
	d->ac = ac;
	d->av = av;
	av = NULL;
	/* The spelling is kept only for unknown keywords (the table has
	 * the others); the raw rest of the line only where it is used. */
	if ((k == NULL && (d->kwname = strdup(kw)) == NULL) ||
	    (d->acol = calloc((size_t)ac + 1, sizeof(int))) == NULL) {
		free(d->kwname);
		lexer_argv_free(d->av, d->ac);
		LINT_OOM(c);
		goto out;
	}
	lint_arg_columns(rest, (int)(rest - copy) + shift + 1, d->acol, ac);
	off = strspn(rest, LEXER_WHITESPACE "=");
	d->rawcol = (int)(rest - copy) + shift + (int)off + 1;
	if (k != NULL &&
	    (k->kind == KW_MATCH ||
	        (k->kind == KW_OPTION &&
	            (k->opt == OPT_PROXY_JUMP ||
	                k->opt == OPT_PROXY_COMMAND))) &&
	    (d->raw = strdup(rest + off)) == NULL) {
		free(d->kwname);
		free(d->acol);
		lexer_argv_free(d->av, d->ac);
		LINT_OOM(c);
		goto out;
	}
	c->ndirs++;

	if (k != NULL && k->kind == KW_HOST) {
		int b =
		    lint_new_block(c, LB_HOST, site, fi, lineno, kwcol, tree);

		if (b < 0) {
			LINT_OOM(c);
			goto out;
		}
		d = &c->dirs[c->ndirs - 1];
		c->blocks[b].pats = d->av;
		c->blocks[b].npats = d->ac;
		if ((c->blocks[b].pid =
		            calloc((size_t)d->ac + 1, sizeof(int))) == NULL) {
			LINT_OOM(c);
			goto out;
		}
		for (i = 0; i < d->ac; i++) {
			const char *p = d->av[i];

			c->blocks[b].pid[i] = -1;
			if (*p == '!' || *p == '\0' || lint_has_wild(p))
				continue;
			if ((c->blocks[b].pid[i] = lint_name_id(c, p, 1)) < 0) {
				LINT_OOM(c);
				goto out;
			}
		}
		for (i = 0; i < d->ac; i++) {
			const char *p = d->av[i];
			char *glob = NULL;

			r = regexhint_glob(p + (*p == '!'), &glob);
			if (r == -2) {
				LINT_OOM(c);
				goto out;
			}
			if (r == 1) {
				dg = lint_emit(c, fi, lineno, d->acol[i],
				    DIAG_WARNING, "host-pattern-regex",
				    "Host pattern \"%s\" is written as a "
				    "regular expression, but ssh matches it as "
				    "a glob (only * and ? are wildcards)",
				    p);
				lint_hint(c, dg, "write it as a glob: %s%s",
				    *p == '!' ? "!" : "", glob);
				free(glob);
			}
		}
		for (i = 0; i < d->ac; i++) {
			const char *p = d->av[i];

			if (*p == '!')
				c->blocks[b].has_neg = 1;
			else if (*p != '\0') {
				c->blocks[b].npos++;
				if (lint_has_wild(p))
					c->blocks[b].has_wild = 1;
			}
			if (*p != '!' && *p != '\0' &&
			    strspn(p, "*") == strlen(p))
				c->blocks[b].universal = 1;
		}
		if (c->blocks[b].has_neg)
			c->blocks[b].universal = 0;
		d->block = b;
		*cur = b;
	} else if (k != NULL && k->kind == KW_MATCH) {
		int b =
		    lint_new_block(c, LB_MATCH, site, fi, lineno, kwcol, tree);
		char *mcopy, *ms, *t1, *t2;

		if (b < 0) {
			LINT_OOM(c);
			goto out;
		}
		d = &c->dirs[c->ndirs - 1];
		if ((mcopy = strdup(d->raw)) == NULL) {
			LINT_OOM(c);
			goto out;
		}
		ms = mcopy;
		t1 = lexer_strdelim(&ms);
		t2 = ms != NULL ? lexer_strdelim(&ms) : NULL;
		if (t1 != NULL && strcasecmp(t1, "all") == 0 &&
		    (t2 == NULL || *t2 == '\0' || *t2 == '#'))
			c->blocks[b].universal = 1;
		else
			c->blocks[b].match_uncertain = 1;
		free(mcopy);
		d->block = b;
		*cur = b;
	} else if (k != NULL && k->kind == KW_INCLUDE) {
		lint_include(c, c->ndirs - 1, depth, tree, userconf, cur);
	}
out:
	lexer_argv_free(av, ac);
}

/* Follow an Include line as ssh does: anchor, glob, read in order. The
 * directive is passed by index: reading the included files moves c->dirs. */
static void
lint_include(
    struct lint_ctx *c, size_t di, int depth, int tree, int userconf, int *cur)
{
	int i, site = *cur, fi = c->dirs[di].file, line = c->dirs[di].line, r;
	size_t j;
	char *path = NULL, *arg;
	const char *home;
	glob_t gl;
	struct diag *dg;
	int nargs = c->dirs[di].ac;

	for (i = 0; i < nargs; i++) {
		int col = c->dirs[di].acol[i];

		arg = c->dirs[di].av[i];
		if (*arg == '\0')
			continue; /* ssh's "empty argument" error */
		if (*arg == '~' && !userconf)
			continue; /* ssh's "bad include path" error */
		free(path);
		path = NULL;
		if (*arg == '~' && (arg[1] == '/' || arg[1] == '\0')) {
			home = lint_glob_home(c);
			path = diag_fmt("%s%s", home, arg + 1);
		} else if (*arg == '/' || *arg == '~')
			path = diag_fmt("%s", arg);
		else if (userconf)
			path = diag_fmt("%s/.ssh/%s", lint_glob_home(c), arg);
		else
			path = diag_fmt("/etc/ssh/%s", arg);
		if (path == NULL) {
			LINT_OOM(c);
			return;
		}
		memset(&gl, 0, sizeof(gl));
		r = glob(path, *arg == '~' && arg[1] != '/' ? GLOB_TILDE : 0,
		    NULL, &gl);
		if (r == GLOB_NOMATCH) {
			if (strpbrk(arg, "*?[") == NULL &&
			    !c->req->no_fs_checks) {
				dg = lint_emit(c, fi, line, col, DIAG_WARNING,
				    "include-missing",
				    "Include file %s does not exist", path);
				lint_hint(c, dg,
				    "create %s, fix the path, or use a glob "
				    "(e.g. %s*) if the file is optional",
				    path, arg);
			}
			globfree(&gl);
			continue;
		}
		if (r != 0) {
			globfree(&gl);
			continue; /* ssh's "glob failed" error */
		}
		for (j = 0; j < gl.gl_pathc; j++) {
			if (depth + 1 > LINT_MAX_INCLUDE_DEPTH) {
				dg = lint_emit(c, fi, line, col, DIAG_ERROR,
				    "include-depth",
				    "Too many recursive configuration "
				    "includes");
				lint_hint(c, dg,
				    "an Include loop? %s includes itself, "
				    "directly or through other files",
				    gl.gl_pathv[j]);
				break;
			}
			lint_check_config_perm(
			    c, gl.gl_pathv[j], -1, fi, line, col);
			*cur = site;
			lint_read_file(c, gl.gl_pathv[j], depth + 1, tree,
			    userconf, 1, cur, NULL, 0);
			*cur = site;
		}
		globfree(&gl);
	}
	free(path);
}

/*
 * Read one file (from disk, or buf when non-NULL) and every file it
 * includes. Returns 0, or -1 when the file cannot be opened (ENOENT: the
 * caller decides whether that is an error).
 */
static int
lint_read_file(struct lint_ctx *c, const char *path, int depth, int tree,
    int userconf, int checkperm, int *cur, const char *buf, size_t buflen)
{
	FILE *fp = NULL;
	char *data = NULL, *p, *e, *nl;
	size_t len = 0, cap = 0, nr;
	int fi, lineno = 0, site = *cur;

	(void)checkperm;
	if (buf == NULL) {
		if ((fp = fopen(path, "r")) == NULL)
			return -1;
		for (;;) {
			if (lint_grow((void **)&data, &cap, len + 65536, 1) !=
			    0) {
				fclose(fp);
				free(data);
				LINT_OOM(c);
				return 0;
			}
			nr = fread(data + len, 1, cap - len - 1, fp);
			len += nr;
			if (nr == 0 || len > LINT_MAX_FILE_SIZE)
				break;
		}
		fclose(fp);
		data[len] = '\0';
	} else {
		if ((data = malloc(buflen + 1)) == NULL) {
			LINT_OOM(c);
			return 0;
		}
		memcpy(data, buf, buflen);
		data[buflen] = '\0';
		len = buflen;
	}
	if ((fi = lint_add_file(c, path, tree, userconf)) < 0) {
		free(data);
		LINT_OOM(c);
		return 0;
	}
	if (site < 0) {
		/* a top-level file: its own always-active root */
		if ((site = lint_new_block(c, LB_ROOT, -1, fi, 0, 0, tree)) <
		    0) {
			free(data);
			LINT_OOM(c);
			return 0;
		}
		*cur = site;
	}
	for (p = data; p < data + len && !c->oom; p = e + 1) {
		nl = memchr(p, '\n', (size_t)(data + len - p));
		e = nl != NULL ? nl : data + len;
		*e = '\0';
		lineno++;
		/* a NUL inside a line truncates it: strlen does that */
		lint_line(c, fi, lineno, p, depth, tree, userconf, site, cur);
	}
	free(data);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Per-directive checks. */

/* The one non-universal block of each block's chain: -1 none, -2 more
 * than one (or an inner Match we cannot evaluate is handled by callers). */
static int *
lint_block_nubs(struct lint_ctx *c)
{
	int *nub;
	size_t i;

	if ((nub = calloc(c->nblocks + 1, sizeof(int))) == NULL)
		return NULL;
	for (i = 0; i < c->nblocks; i++) {
		const struct lblock *b = &c->blocks[i];
		int o = b->outer >= 0 ? nub[b->outer] : -1;

		if (b->universal)
			nub[i] = o;
		else
			nub[i] = o == -1 ? (int)i : -2;
	}
	return nub;
}

static int
lint_is_none(const char *s)
{
	return strcasecmp(s, "none") == 0;
}

static int
lint_is_no(const char *s)
{
	return strcasecmp(s, "no") == 0 || strcasecmp(s, "false") == 0;
}

static int
lint_is_yes(const char *s)
{
	return strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0;
}

struct dead_index {
	int universal[OPT_COUNT];
	struct ivec wild[OPT_COUNT];
	struct idlist exact; /* name id -> setters (aux: option) */
};

/* An earlier setter of opt (in this tree) whose block covers pattern k of
 * block bl. */
static int
lint_coverer(struct lint_ctx *c, struct dead_index *ix, const int *nub, int opt,
    const struct lblock *bl, int k)
{
	const char *q = bl->pats[k];
	int best = -1, j, id = bl->pid != NULL ? bl->pid[k] : -1;
	size_t i;

	if (id >= 0)
		for (j = ix->exact.head[id]; j >= 0;
		     j = ix->exact.nodes[j].next)
			if (ix->exact.nodes[j].aux == opt) {
				best = ix->exact.nodes[j].dir;
				break;
			}
	for (i = 0; i < ix->wild[opt].n; i++) {
		int sd = ix->wild[opt].v[i];
		const struct lblock *a = &c->blocks[nub[c->dirs[sd].block]];

		if (best >= 0 && sd > best)
			break;
		if (!lint_has_wild(q)) {
			if (lint_block_matches(a, q))
				return sd;
			continue;
		}
		if (a->has_neg)
			continue;
		for (j = 0; j < a->npats; j++)
			if (lint_pattern_subsumes(a->pats[j], q))
				return sd;
	}
	return best;
}

/* Is directive di dead given the setters indexed so far? */
static int
lint_dead_by(struct lint_ctx *c, struct dead_index *ix, const int *nub,
    size_t di, int opt)
{
	const struct ldir *d = &c->dirs[di];
	int b, k, by, first;

	if (ix->universal[opt] >= 0)
		return ix->universal[opt];
	for (b = d->block; b >= 0; b = c->blocks[b].outer) {
		const struct lblock *bl = &c->blocks[b];

		if (bl->kind != LB_HOST || bl->universal || bl->npos == 0)
			continue;
		first = -1;
		for (k = 0; k < bl->npats; k++) {
			const char *q = bl->pats[k];

			if (*q == '!' || *q == '\0')
				continue;
			by = lint_coverer(c, ix, nub, opt, bl, k);
			if (by < 0)
				break;
			if (first < 0)
				first = by;
		}
		if (k == bl->npats && first >= 0)
			return first;
	}
	return -1;
}

static int
lint_register(struct lint_ctx *c, struct dead_index *ix, const int *nub,
    size_t di, int opt, int blind)
{
	const struct ldir *d = &c->dirs[di];
	int n = nub[d->block], k, wild_added = 0;
	const struct lblock *a;

	if (blind || n == -1) {
		if (ix->universal[opt] < 0)
			ix->universal[opt] = (int)di;
		return 0;
	}
	if (n < 0)
		return 0;
	a = &c->blocks[n];
	if (a->kind != LB_HOST)
		return 0;
	if (a->has_neg)
		return ivec_push(&ix->wild[opt], (int)di);
	for (k = 0; k < a->npats; k++) {
		const char *p = a->pats[k];

		if (*p == '\0')
			continue;
		if (lint_has_wild(p)) {
			if (!wild_added && ivec_push(&ix->wild[opt], (int)di))
				return -1;
			wild_added = 1;
		} else if (a->pid[k] >= 0 &&
		    idlist_add(&ix->exact, a->pid[k], (int)di, opt) != 0)
			return -1;
	}
	return 0;
}

static void
lint_dead_analysis(struct lint_ctx *c, const int *nub)
{
	struct dead_index ix;
	int tree = -1, opt, by;
	size_t i;

	memset(&ix, 0, sizeof(ix));
	if (idlist_init(&ix.exact, c->nnames) != 0) {
		LINT_OOM(c);
		return;
	}
	for (i = 0; i < c->ndirs && !c->oom; i++) {
		struct ldir *d = &c->dirs[i];
		const struct keyword *k;
		int t = c->files[d->file].tree, fl;

		if (t != tree) {
			for (opt = 0; opt < OPT_COUNT; opt++) {
				ix.universal[opt] = -1;
				ix.wild[opt].n = 0;
			}
			idlist_reset(&ix.exact);
			tree = t;
		}
		if (d->kw == NULL) {
			c->blocks[d->block].ndirs++;
			continue;
		}
		k = d->kw;
		if (k->kind == KW_HOST || k->kind == KW_MATCH)
			continue;
		c->blocks[d->block].ndirs++;
		fl = lint_kw_flags(k);
		if (k->kind != KW_OPTION || k->opt < 0 || k->opt >= OPT_COUNT ||
		    (fl & (KF_ACCUM | KF_NODEAD)) != 0)
			continue;
		opt = k->opt;
		if (!(fl & KF_BLIND) &&
		    (by = lint_dead_by(c, &ix, nub, i, opt)) >= 0) {
			d->dead_by = by;
			c->blocks[d->block].ndead++;
			continue;
		}
		if ((fl & KF_TIME) && d->ac > 0 && lint_is_none(d->av[0]))
			continue;
		if (fl & KF_BLIND) {
			if (ix.universal[opt] >= 0) {
				d->dead_by = ix.universal[opt];
				c->blocks[d->block].ndead++;
				continue;
			}
		}
		if (lint_register(c, &ix, nub, i, opt, (fl & KF_BLIND) != 0) !=
		    0) {
			LINT_OOM(c);
			break;
		}
		if (opt == OPT_PROXY_COMMAND ||
		    (opt == OPT_PROXY_JUMP && !lint_is_none(d->raw))) {
			if (lint_register(c, &ix, nub, i,
			        opt == OPT_PROXY_COMMAND ? OPT_PROXY_JUMP
			                                 : OPT_PROXY_COMMAND,
			        0) != 0) {
				LINT_OOM(c);
				break;
			}
		}
	}
	for (opt = 0; opt < OPT_COUNT; opt++)
		free(ix.wild[opt].v);
	idlist_free(&ix.exact);
}

static const char *
lint_block_word(const struct lblock *b)
{
	return b->kind == LB_MATCH ? "Match" : "Host";
}

static void
lint_report_dead(struct lint_ctx *c)
{
	size_t i;
	struct diag *dg;

	for (i = 0; i < c->nblocks; i++) {
		const struct lblock *b = &c->blocks[i];
		int first = -1;
		size_t j;

		if (b->kind == LB_ROOT || b->ndirs == 0 || b->ndead != b->ndirs)
			continue;
		for (j = 0; j < c->ndirs; j++)
			if (c->dirs[j].block == (int)i &&
			    c->dirs[j].dead_by >= 0) {
				first = c->dirs[j].dead_by;
				break;
			}
		dg = lint_emit(c, b->file, b->line, b->col, DIAG_WARNING,
		    "dead-block",
		    "every directive of this %s block is already set by "
		    "earlier lines for every host it matches (first value "
		    "wins), so the block has no effect",
		    lint_block_word(b));
		if (first >= 0)
			lint_hint(c, dg,
			    "move this block above %s:%d (specific blocks go "
			    "before general ones), or delete it",
			    c->files[c->dirs[first].file].path,
			    c->dirs[first].line);
	}
	for (i = 0; i < c->ndirs; i++) {
		const struct ldir *d = &c->dirs[i];
		const struct lblock *b = &c->blocks[d->block];
		const struct ldir *e;

		if (d->dead_by < 0 ||
		    (b->kind != LB_ROOT && b->ndead == b->ndirs))
			continue;
		e = &c->dirs[d->dead_by];
		dg = lint_emit(c, d->file, d->line, d->col, DIAG_WARNING,
		    "dead-directive",
		    "%s never takes effect: %s:%d already sets it for every "
		    "host this block matches (first value wins)",
		    lint_kw_display(LINT_KWNAME(d)), c->files[e->file].path,
		    e->line);
		lint_hint(c, dg,
		    "delete this line, or move its block above %s:%d "
		    "(specific Host blocks go first, Host * last)",
		    c->files[e->file].path, e->line);
	}
}

static void
lint_check_keyword(struct lint_ctx *c, size_t di, struct ivec *ignores)
{
	const struct ldir *d = &c->dirs[di];
	const struct keyword *k, *all;
	struct diag *dg;
	size_t i, n, best_d = 3, dist;
	const char *best = NULL;

	if (d->kw != NULL) {
		k = d->kw;
		if (k->kind == KW_DEPRECATED) {
			dg = lint_emit(c, d->file, d->line, d->col,
			    DIAG_WARNING, "deprecated-keyword",
			    "%s is deprecated and has no effect",
			    LINT_KWNAME(d));
			lint_hint(c, dg, "delete the line");
		} else if (k->kind == KW_UNSUPPORTED) {
			dg = lint_emit(c, d->file, d->line, d->col,
			    DIAG_WARNING, "unsupported-keyword",
			    "Unsupported option \"%s\"", LINT_KWNAME(d));
			lint_hint(c, dg,
			    "this ssh ignores %s (support was removed); "
			    "delete the line",
			    LINT_KWNAME(d));
		} else if (k->kind == KW_IGNORE) {
			dg = lint_emit(c, d->file, d->line, d->col, DIAG_INFO,
			    "ignored-keyword",
			    "%s is ignored: only protocol 2 exists",
			    LINT_KWNAME(d));
			lint_hint(c, dg, "delete the line");
		}
		return;
	}
	for (i = 0; i < ignores->n; i++) {
		const struct ldir *g = &c->dirs[ignores->v[i]];

		if (g->ac > 0 &&
		    c->files[g->file].tree == c->files[d->file].tree &&
		    match_pattern_list(LINT_KWNAME(d), g->av[0], 1) == 1)
			return;
	}
	dg = lint_emit(c, d->file, d->line, d->col, DIAG_ERROR,
	    "unknown-keyword", "Bad configuration option: %s", LINT_KWNAME(d));
	if (dg == NULL)
		return;
	dg->style = DIAG_STYLE_COLON;
	for (i = 0; i < sizeof(lint_foreign) / sizeof(lint_foreign[0]); i++)
		if (strcmp(lint_foreign[i].name, LINT_KWNAME(d)) == 0) {
			lint_hint(c, dg, "%s", lint_foreign[i].hint);
			return;
		}
	all = keywords_all(&n);
	for (i = 0; i < n; i++) {
		if (all[i].kind == KW_DEPRECATED ||
		    all[i].kind == KW_UNSUPPORTED || all[i].kind == KW_IGNORE)
			continue;
		dist = lint_edit_distance(LINT_KWNAME(d), all[i].name, 2);
		if (dist < best_d) {
			best_d = dist;
			best = all[i].name;
		}
	}
	if (best != NULL && (best_d <= 1 || strlen(LINT_KWNAME(d)) > 4))
		lint_hint(c, dg, "did you mean %s?", lint_kw_display(best));
	else
		lint_hint(c, dg,
		    "no such keyword in OpenSSH 9.2; fix the spelling, or "
		    "add \"IgnoreUnknown %s\" before it",
		    LINT_KWNAME(d));
}

/* Innermost block is a wildcard one (for ForwardAgent). */
static int
lint_wildcard_context(const struct lint_ctx *c, int block)
{
	const struct lblock *b = &c->blocks[block];

	if (b->kind == LB_ROOT)
		return 1;
	if (b->kind == LB_MATCH)
		return b->universal;
	return b->has_wild || b->has_neg;
}

/* Expand ~, %d, %u, %%, ${VAR} in a key path; NULL when it cannot be
 * checked statically (other tokens, unknown user, unset variable). */
static char *
lint_key_path(const struct lint_ctx *c, const char *p)
{
	char *out = NULL, *n;
	size_t len = 0, cap = 0, add;
	const char *ins, *home = lint_pw_home(c);
	char tmp[2];

	if (*p == '~') {
		if (p[1] == '/' || p[1] == '\0') {
			ins = home;
			p++;
		} else {
			const char *sl = strchr(p, '/');
			char *user = strndup(
			    p + 1, sl ? (size_t)(sl - p - 1) : strlen(p + 1));
			struct passwd *pw = user ? getpwnam(user) : NULL;

			free(user);
			if (pw == NULL)
				return NULL;
			ins = pw->pw_dir;
			p = sl ? sl : p + strlen(p);
		}
		goto append;
	}
	for (;;) {
		if (*p == '\0')
			break;
		if (*p == '%') {
			if (p[1] == 'd')
				ins = home;
			else if (p[1] == 'u')
				ins = c->env->local_user ? c->env->local_user
				                         : "";
			else if (p[1] == '%')
				ins = "%";
			else
				goto fail;
			p += 2;
		} else if (p[0] == '$' && p[1] == '{') {
			const char *e = strchr(p, '}');
			char *name;

			if (e == NULL)
				goto fail;
			if ((name = strndup(p + 2, (size_t)(e - p - 2))) ==
			    NULL)
				goto fail;
			ins = getenv(name);
			free(name);
			if (ins == NULL)
				goto fail;
			p = e + 1;
		} else {
			tmp[0] = *p++;
			tmp[1] = '\0';
			ins = tmp;
		}
append:
		add = strlen(ins);
		if (len + add + 1 > cap) {
			cap = (len + add + 1) * 2;
			if ((n = realloc(out, cap)) == NULL)
				goto fail;
			out = n;
		}
		memcpy(out + len, ins, add);
		len += add;
		out[len] = '\0';
	}
	if (out == NULL)
		out = strdup("");
	return out;
fail:
	free(out);
	return NULL;
}

static void
lint_check_keyfile(struct lint_ctx *c, const struct ldir *d, int private)
{
	char *path;
	struct stat st;
	struct diag *dg;
	const char *raw;

	if (d->ac < 1 || c->req->no_fs_checks)
		return;
	raw = d->av[0];
	if (*raw == '\0' || lint_is_none(raw) || (*raw != '/' && *raw != '~'))
		return;
	if ((path = lint_key_path(c, raw)) == NULL)
		return;
	if (stat(path, &st) != 0) {
		dg = lint_emit(c, d->file, d->line, d->acol[0], DIAG_WARNING,
		    private ? "identity-missing" : "certificate-missing",
		    "%s %s does not exist", lint_kw_display(LINT_KWNAME(d)),
		    path);
		lint_hint(c, dg,
		    "fix the path or delete the line (ssh silently skips "
		    "missing %s)",
		    private ? "keys" : "certificates");
	} else if (private && S_ISREG(st.st_mode) &&
	    st.st_uid == (uid_t)c->env->uid && (st.st_mode & 077) != 0 &&
	    (strlen(path) < 4 ||
	        strcmp(path + strlen(path) - 4, ".pub") != 0)) {
		dg = lint_emit(c, d->file, d->line, d->acol[0], DIAG_WARNING,
		    "key-permissions",
		    "private key %s is accessible by others (mode %04o): ssh "
		    "will refuse to use it",
		    path, (unsigned)(st.st_mode & 07777));
		lint_hint(c, dg, "chmod 600 '%s'", path);
	}
	free(path);
}

/* Split the listen part of a forward into host and port strings. */
static int
lint_listen_part(const char *spec, char *host, size_t hlen, char *port,
    size_t plen, int *has_host)
{
	char fields[2][1100];
	size_t n = 0, j = 0;
	const char *p = spec;

	*has_host = 0;
	fields[0][0] = fields[1][0] = '\0';
	if (strchr(spec, '/') != NULL || strchr(spec, '$') != NULL)
		return -1;
	while (*p != '\0') {
		if (n >= 2)
			return -1;
		if (*p == '[' && j == 0) {
			const char *e = strchr(p, ']');

			if (e == NULL || (size_t)(e - p) >= sizeof(fields[0]))
				return -1;
			memcpy(fields[n], p + 1, (size_t)(e - p - 1));
			j = (size_t)(e - p - 1);
			p = e + 1;
			continue;
		}
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == ':') {
			fields[n][j] = '\0';
			n++;
			j = 0;
			p++;
			continue;
		}
		if (j + 1 >= sizeof(fields[0]))
			return -1;
		fields[n][j++] = *p++;
	}
	if (n >= 2)
		return -1;
	fields[n][j] = '\0';
	n++;
	if (n == 1) {
		snprintf(port, plen, "%s", fields[0]);
		host[0] = '\0';
	} else {
		snprintf(host, hlen, "%s", fields[0]);
		snprintf(port, plen, "%s", fields[1]);
		*has_host = 1;
	}
	return 0;
}

static int
lint_bind_all(const char *h)
{
	return *h == '\0' || strcmp(h, "*") == 0 || strcmp(h, "0.0.0.0") == 0 ||
	    strcmp(h, "::") == 0;
}

static void
lint_check_forward_bind(struct lint_ctx *c, const struct ldir *d)
{
	char host[1100], port[1100];
	int has_host;
	struct diag *dg;

	if (d->ac < 1 ||
	    lint_listen_part(d->av[0], host, sizeof(host), port, sizeof(port),
	        &has_host) != 0 ||
	    !has_host || !lint_bind_all(host))
		return;
	dg = lint_emit(c, d->file, d->line, d->acol[0], DIAG_WARNING,
	    "forward-bind-all",
	    "%s listens on all interfaces (\"%s\"): anyone who can reach "
	    "this %s can use the forward",
	    lint_kw_display(LINT_KWNAME(d)), host,
	    strcmp(LINT_KWNAME(d), "remoteforward") == 0 ? "server"
	                                                 : "machine");
	lint_hint(c, dg, "bind to loopback instead: %s 127.0.0.1:%s%s%s",
	    lint_kw_display(LINT_KWNAME(d)), port, d->ac > 1 ? " " : "",
	    d->ac > 1 ? d->av[1] : "");
}

static int
lint_shared_dir(const char *p)
{
	static const char *const dirs[] = { "/tmp/", "/var/tmp/", "/dev/shm/" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(p, dirs[i], strlen(dirs[i])) == 0)
			return 1;
	return 0;
}

static void
lint_check_directive(struct lint_ctx *c, size_t di)
{
	const struct ldir *d = &c->dirs[di];
	const struct keyword *k;
	struct diag *dg;
	int i;

	if (d->kw == NULL || d->kw->kind != KW_OPTION || d->ac < 1)
		return;
	k = d->kw;
	switch (k->opt) {
	case OPT_STRICT_HOST_KEY_CHECKING:
		if (lint_is_no(d->av[0]) || strcasecmp(d->av[0], "off") == 0) {
			dg = lint_emit(c, d->file, d->line, d->acol[0],
			    DIAG_WARNING, "strict-hostkey-off",
			    "StrictHostKeyChecking %s accepts any host key, "
			    "including a man-in-the-middle's",
			    d->av[0]);
			lint_hint(c, dg,
			    "use StrictHostKeyChecking accept-new (trust on "
			    "first use, refuse changed keys)");
		}
		break;
	case OPT_USER_KNOWN_HOSTS_FILE:
		for (i = 0; i < d->ac; i++)
			if (strcmp(d->av[i], "/dev/null") == 0) {
				dg = lint_emit(c, d->file, d->line, d->acol[i],
				    DIAG_WARNING, "known-hosts-devnull",
				    "UserKnownHostsFile /dev/null forgets "
				    "every host key, so no key is ever "
				    "verified");
				lint_hint(c, dg,
				    "keep a real known_hosts file (for "
				    "throwaway hosts: a separate file such "
				    "as ~/.ssh/known_hosts.lab)");
				break;
			}
		break;
	case OPT_FORWARD_AGENT:
		if (!lint_is_no(d->av[0]) &&
		    lint_wildcard_context(c, d->block)) {
			dg = lint_emit(c, d->file, d->line, d->acol[0],
			    DIAG_WARNING, "forward-agent-wildcard",
			    "ForwardAgent %s for every host this block "
			    "matches: any of their admins can use your keys",
			    d->av[0]);
			lint_hint(c, dg,
			    "enable ForwardAgent only in Host blocks of the "
			    "machines you trust, or use ProxyJump instead");
		}
		break;
	case OPT_GATEWAY_PORTS:
		if (lint_is_yes(d->av[0])) {
			dg = lint_emit(c, d->file, d->line, d->acol[0],
			    DIAG_WARNING, "gateway-ports",
			    "GatewayPorts yes lets other machines connect "
			    "to your local forwards");
			lint_hint(c, dg,
			    "delete it; bind a single forward explicitly "
			    "(LocalForward ADDRESS:PORT ...) if that is "
			    "really wanted");
		}
		break;
	case OPT_LOCAL_FORWARD:
	case OPT_REMOTE_FORWARD:
	case OPT_DYNAMIC_FORWARD:
		lint_check_forward_bind(c, d);
		break;
	case OPT_CONTROL_PATH:
		if (lint_shared_dir(d->av[0]) &&
		    strstr(d->av[0], "%C") == NULL &&
		    strstr(d->av[0], "%h") == NULL &&
		    strstr(d->av[0], "%p") == NULL &&
		    strstr(d->av[0], "%r") == NULL) {
			dg = lint_emit(c, d->file, d->line, d->acol[0],
			    DIAG_WARNING, "controlpath-shared",
			    "ControlPath %s is in a shared directory and the "
			    "same for every connection",
			    d->av[0]);
			lint_hint(c, dg,
			    "use a private directory and a per-connection "
			    "name: ControlPath ~/.ssh/cm-%%C");
		}
		break;
	case OPT_IDENTITY_FILE:
		lint_check_keyfile(c, d, 1);
		break;
	case OPT_CERTIFICATE_FILE:
		lint_check_keyfile(c, d, 0);
		break;
	default:
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Per-host checks: ProxyJump chains and forward listen ports. */

struct host_index {
	struct idlist by_name[2]; /* name id -> directives, per kind */
	struct ivec other[2]; /* setters not tied to one literal name */
};

#define HI_JUMP 0
#define HI_FWD 1

static int
lint_host_index_add(struct lint_ctx *c, struct host_index *hi, const int *nub,
    int kind, size_t di)
{
	int n = nub[c->dirs[di].block], k, other = 0;
	const struct lblock *a;

	if (n < 0)
		return ivec_push(&hi->other[kind], (int)di);
	a = &c->blocks[n];
	if (a->kind != LB_HOST || a->has_neg)
		return ivec_push(&hi->other[kind], (int)di);
	for (k = 0; k < a->npats; k++) {
		const char *p = a->pats[k];

		if (*p == '\0')
			continue;
		if (lint_has_wild(p))
			other = 1;
		else if (a->pid[k] >= 0 &&
		    idlist_add(&hi->by_name[kind], a->pid[k], (int)di, 0) != 0)
			return -1;
	}
	return other ? ivec_push(&hi->other[kind], (int)di) : 0;
}

/* Next candidate in reading order from the two sorted sources. */
static int
lint_next_cand(
    const struct idlist *m, int *node, const struct ivec *o, size_t *oi)
{
	int a = *node >= 0 ? m->nodes[*node].dir : INT_MAX;
	int b = *oi < o->n ? o->v[*oi] : INT_MAX;

	if (a == INT_MAX && b == INT_MAX)
		return -1;
	if (a < b) {
		*node = m->nodes[*node].next;
		return a;
	}
	if (a == b)
		*node = m->nodes[*node].next;
	(*oi)++;
	return b;
}

struct jnode {
	char *name;
	int dir; /* effective ProxyJump directive, -1 none */
	int first; /* node of the first hop, -1 none */
	int nhops;
	int state; /* 0 new, 1 on the current path, 2 done */
	int depth; /* hops before this host; -1 when in or behind a cycle */
};

struct jgraph {
	struct jnode *v;
	size_t n, cap;
	struct hmap names; /* (2, 0, name) -> node */
};

static int lint_jnode(struct lint_ctx *c, struct jgraph *g, const char *name);

static int
lint_jnode(struct lint_ctx *c, struct jgraph *g, const char *name)
{
	struct hent *e = hmap_find(&g->names, 2, 0, name, 0);
	struct jnode *j;
	char *copy;

	if (e != NULL && e->head >= 0)
		return g->names.nodes[e->head].dir;
	if (lint_grow((void **)&g->v, &g->cap, g->n, sizeof(*g->v)) != 0 ||
	    (copy = strdup(name)) == NULL) {
		LINT_OOM(c);
		return -1;
	}
	j = &g->v[g->n];
	memset(j, 0, sizeof(*j));
	j->name = copy;
	j->dir = -1;
	j->first = -1;
	if (hmap_add(&g->names, 2, 0, copy, (int)g->n) != 0) {
		free(copy);
		LINT_OOM(c);
		return -1;
	}
	return (int)g->n++;
}

/* The host part of one ProxyJump element (user@, :port, ssh:// off). */
static char *
lint_jump_host(const char *el)
{
	const char *h, *at;
	size_t n;

	if (strncmp(el, "ssh://", 6) == 0)
		el += 6;
	at = strrchr(el, '@');
	h = at != NULL ? at + 1 : el;
	if (*h == '[') {
		const char *e = strchr(h, ']');

		if (e == NULL)
			return NULL;
		return strndup(h + 1, (size_t)(e - h - 1));
	}
	n = strcspn(h, ":/");
	return strndup(h, n);
}

/* Resolve which ProxyJump/ProxyCommand line applies to name; fill the
 * node's first hop and hop count. */
static void
lint_jump_resolve(
    struct lint_ctx *c, struct host_index *hi, struct jgraph *g, int ni)
{
	int id = lint_name_id(c, g->v[ni].name, 0);
	int node = id >= 0 ? hi->by_name[HI_JUMP].head[id] : -1, di, m;
	size_t oi = 0;
	char *val, *p, *firsth = NULL;
	int nh = 0, fn;

	while ((di = lint_next_cand(&hi->by_name[HI_JUMP], &node,
	            &hi->other[HI_JUMP], &oi)) >= 0) {
		m = lint_chain_matches(c, c->dirs[di].block, g->v[ni].name);
		if (m == 0)
			continue;
		if (m < 0)
			return; /* a Match we cannot evaluate comes first */
		break;
	}
	if (di < 0 || c->dirs[di].kw->opt != OPT_PROXY_JUMP ||
	    lint_is_none(c->dirs[di].raw))
		return;
	if ((val = strdup(c->dirs[di].raw)) == NULL) {
		LINT_OOM(c);
		return;
	}
	val[strcspn(val, "#")] = '\0';
	val[strcspn(val, " \t\r\n")] = '\0';
	for (p = val; *p != '\0'; nh++) {
		size_t l = strcspn(p, ",");

		if (nh == 0) {
			char save = p[l];

			p[l] = '\0';
			firsth = lint_jump_host(p);
			p[l] = save;
		}
		p += l;
		if (*p == ',')
			p++;
	}
	free(val);
	if (firsth == NULL || *firsth == '\0') {
		free(firsth);
		return;
	}
	fn = lint_jnode(c, g, firsth);
	free(firsth);
	if (fn < 0)
		return;
	g->v[ni].dir = di;
	g->v[ni].first = fn;
	g->v[ni].nhops = nh;
}

static int
lint_diag_seen(struct lint_ctx *c, int file, int line, const char *rule)
{
	size_t i;

	for (i = 0; i < c->dl.n; i++)
		if (c->keys[i].file == file && c->keys[i].line == line &&
		    strcmp(c->dl.v[i].rule, rule) == 0)
			return 1;
	return 0;
}

static int
lint_any_rule(struct lint_ctx *c, const char *rule)
{
	size_t i;

	for (i = 0; i < c->dl.n; i++)
		if (strcmp(c->dl.v[i].rule, rule) == 0)
			return 1;
	return 0;
}

static void
lint_report_cycle(struct lint_ctx *c, struct jgraph *g, const int *path,
    size_t from, size_t to)
{
	size_t i, best = from, len = 0, cap = 0;
	char *msg = NULL;
	const struct ldir *d;
	struct diag *dg;

	for (i = from; i < to; i++)
		if (g->v[path[i]].dir < g->v[path[best]].dir)
			best = i;
	for (i = 0; i <= to - from; i++) {
		size_t k = from + (best - from + i) % (to - from);
		const char *nm = g->v[path[k]].name;
		size_t add = strlen(nm) + 4;

		if (lint_grow((void **)&msg, &cap, len + add + 1, 1) != 0) {
			free(msg);
			LINT_OOM(c);
			return;
		}
		len += (size_t)snprintf(
		    msg + len, cap - len, "%s%s", i ? " -> " : "", nm);
	}
	d = &c->dirs[g->v[path[best]].dir];
	if (!lint_diag_seen(c, d->file, d->line, "proxyjump-cycle")) {
		dg = lint_emit(c, d->file, d->line, d->col, DIAG_ERROR,
		    "proxyjump-cycle", "ProxyJump loop: %s", msg);
		lint_hint(c, dg,
		    "break the loop: a jump host must not itself jump through "
		    "the hosts it serves (add \"ProxyJump none\" in a Host "
		    "block for %s placed before this line)",
		    g->v[path[best]].name);
	}
	free(msg);
}

static void
lint_jump_walk(
    struct lint_ctx *c, struct host_index *hi, struct jgraph *g, int start)
{
	struct ivec path = { NULL, 0, 0 };
	int x = start, y;
	size_t i, k;

	while (x >= 0 && g->v[x].state == 0) {
		g->v[x].state = 1;
		lint_jump_resolve(c, hi, g, x);
		if (ivec_push(&path, x) != 0) {
			LINT_OOM(c);
			break;
		}
		x = g->v[x].first;
	}
	if (x >= 0 && g->v[x].state == 1) {
		for (i = 0; i < path.n && path.v[i] != x; i++)
			;
		lint_report_cycle(c, g, path.v, i, path.n);
		for (k = i; k < path.n; k++) {
			g->v[path.v[k]].depth = -1;
			g->v[path.v[k]].state = 2;
		}
		path.n = i;
	}
	for (k = path.n; k-- > 0;) {
		struct jnode *j = &g->v[path.v[k]];

		y = j->first;
		j->state = 2;
		if (y < 0)
			j->depth = 0;
		else if (g->v[y].depth < 0)
			j->depth = -1;
		else {
			j->depth = g->v[y].depth + j->nhops;
			if (j->depth > LINT_MAX_CHAIN &&
			    g->v[y].depth <= LINT_MAX_CHAIN) {
				const struct ldir *d = &c->dirs[j->dir];
				struct diag *dg;

				if (lint_diag_seen(c, d->file, d->line,
				        "proxyjump-too-deep"))
					continue;
				dg = lint_emit(c, d->file, d->line, d->col,
				    DIAG_WARNING, "proxyjump-too-deep",
				    "ProxyJump chain of %s is %d hops deep "
				    "(more than %d)",
				    j->name, j->depth, LINT_MAX_CHAIN);
				lint_hint(c, dg,
				    "shorten the chain: jump hosts usually "
				    "need \"ProxyJump none\" in their own "
				    "Host block");
			}
		}
	}
	free(path.v);
}

/* Listener class of a forward's listen host, for port conflicts. */
#define LC_LOOPBACK 0
#define LC_ALL 1
#define LC_ADDR 2

struct lfwd {
	int dir;
	int remote;
	int port;
	int cls;
	char host[1100];
};

static int
lint_fwd_info(const struct lint_ctx *c, int di, struct lfwd *f)
{
	const struct ldir *d = &c->dirs[di];
	char host[1100], port[1100];
	int has_host;

	if (d->ac < 1 ||
	    lint_listen_part(d->av[0], host, sizeof(host), port, sizeof(port),
	        &has_host) != 0)
		return -1;
	memset(f, 0, sizeof(*f));
	f->dir = di;
	f->remote = d->kw->opt == OPT_REMOTE_FORWARD;
	if ((f->port = forward_a2port(port)) <= 0)
		return -1;
	if (!has_host || strcmp(host, "localhost") == 0 ||
	    strcmp(host, "127.0.0.1") == 0 || strcmp(host, "::1") == 0)
		f->cls = LC_LOOPBACK;
	else if (lint_bind_all(host))
		f->cls = LC_ALL;
	else {
		f->cls = LC_ADDR;
		snprintf(f->host, sizeof(f->host), "%s", host);
	}
	return 0;
}

static int
lint_same_forward(const struct ldir *a, const struct ldir *b)
{
	int i;

	if (a->kw->opt != b->kw->opt || a->ac != b->ac)
		return 0;
	for (i = 0; i < a->ac; i++)
		if (strcmp(a->av[i], b->av[i]) != 0)
			return 0;
	return 1;
}

static void
lint_host_forwards(struct lint_ctx *c, struct host_index *hi, const char *name,
    struct lfwd **buf, size_t *cap)
{
	int id = lint_name_id(c, name, 0);
	int node = id >= 0 ? hi->by_name[HI_FWD].head[id] : -1, di;
	size_t oi = 0, n = 0, i;
	struct lfwd f;
	struct diag *dg;

	while ((di = lint_next_cand(&hi->by_name[HI_FWD], &node,
	            &hi->other[HI_FWD], &oi)) >= 0) {
		if (lint_chain_matches(c, c->dirs[di].block, name) != 1 ||
		    lint_fwd_info(c, di, &f) != 0)
			continue;
		/* ssh drops a forward equal to an earlier one */
		for (i = 0; i < n; i++)
			if (lint_same_forward(
			        &c->dirs[(*buf)[i].dir], &c->dirs[di]))
				break;
		if (i < n)
			continue;
		for (i = 0; i < n; i++) {
			const struct lfwd *o = &(*buf)[i];
			const struct ldir *od = &c->dirs[o->dir];
			const struct ldir *d = &c->dirs[di];

			if (o->remote != f.remote || o->port != f.port)
				continue;
			if (o->cls == LC_ADDR && f.cls == LC_ADDR &&
			    strcmp(o->host, f.host) != 0)
				continue;
			if (o->cls != f.cls && o->cls != LC_ALL &&
			    f.cls != LC_ALL)
				continue;
			if (lint_diag_seen(
			        c, d->file, d->line, "duplicate-listen-port"))
				break;
			dg = lint_emit(c, d->file, d->line, d->acol[0],
			    DIAG_WARNING, "duplicate-listen-port",
			    "%s port %d is already used by the %s at %s:%d "
			    "(both apply to host %s)",
			    f.remote ? "remote listen" : "listen", f.port,
			    lint_kw_display(LINT_KWNAME(od)),
			    c->files[od->file].path, od->line, name);
			lint_hint(c, dg,
			    "pick a free listen port for one of the two; the "
			    "second forward would fail to bind");
			break;
		}
		if (lint_grow((void **)buf, cap, n, sizeof(**buf)) != 0) {
			LINT_OOM(c);
			return;
		}
		(*buf)[n++] = f;
	}
}

static void
lint_per_host(struct lint_ctx *c, const int *nub)
{
	struct host_index hi;
	struct jgraph g;
	struct hmap seen;
	struct lfwd *fbuf = NULL;
	size_t i, fcap = 0, nalias;
	int k, opt;

	memset(&hi, 0, sizeof(hi));
	memset(&g, 0, sizeof(g));
	memset(&seen, 0, sizeof(seen));
	if (idlist_init(&hi.by_name[0], c->nnames) != 0 ||
	    idlist_init(&hi.by_name[1], c->nnames) != 0) {
		idlist_free(&hi.by_name[0]);
		LINT_OOM(c);
		return;
	}
	for (i = 0; i < c->ndirs && !c->oom; i++) {
		const struct ldir *d = &c->dirs[i];

		if (d->kw == NULL || d->kw->kind != KW_OPTION)
			continue;
		opt = d->kw->opt;
		if (opt == OPT_PROXY_JUMP || opt == OPT_PROXY_COMMAND) {
			if (lint_host_index_add(c, &hi, nub, HI_JUMP, i) != 0)
				LINT_OOM(c);
		} else if (opt == OPT_LOCAL_FORWARD ||
		    opt == OPT_REMOTE_FORWARD || opt == OPT_DYNAMIC_FORWARD) {
			if (lint_host_index_add(c, &hi, nub, HI_FWD, i) != 0)
				LINT_OOM(c);
		}
	}
	/* The aliases: the targets, or every literal Host name. */
	if (c->req->num_targets > 0) {
		for (i = 0; i < c->req->num_targets; i++)
			(void)lint_jnode(c, &g, c->req->targets[i]);
	} else {
		for (i = 0; i < c->nblocks && !c->oom; i++) {
			const struct lblock *b = &c->blocks[i];

			if (b->kind != LB_HOST)
				continue;
			for (k = 0; k < b->npats; k++)
				if (b->pats[k][0] != '!' &&
				    b->pats[k][0] != '\0' &&
				    !lint_has_wild(b->pats[k]))
					(void)lint_jnode(c, &g, b->pats[k]);
		}
	}
	/* Jump hosts named in ProxyJump lines are hosts too (a wildcard
	 * block may make one jump through itself). */
	for (i = 0; i < c->ndirs && !c->oom && c->req->num_targets == 0; i++) {
		const struct ldir *d = &c->dirs[i];
		char *v, *h;

		if (d->kw == NULL || d->kw->kind != KW_OPTION ||
		    d->kw->opt != OPT_PROXY_JUMP || lint_is_none(d->raw))
			continue;
		if ((v = strdup(d->raw)) == NULL) {
			LINT_OOM(c);
			break;
		}
		v[strcspn(v, "#, \t\r\n")] = '\0';
		if ((h = lint_jump_host(v)) != NULL && *h != '\0')
			(void)lint_jnode(c, &g, h);
		free(h);
		free(v);
	}
	nalias = g.n;
	for (i = 0; i < nalias && !c->oom; i++)
		lint_jump_walk(c, &hi, &g, (int)i);
	for (i = 0; i < nalias && !c->oom; i++)
		lint_host_forwards(c, &hi, g.v[i].name, &fbuf, &fcap);
	free(fbuf);
	for (i = 0; i < g.n; i++)
		free(g.v[i].name);
	free(g.v);
	hmap_free(&g.names);
	idlist_free(&hi.by_name[0]);
	idlist_free(&hi.by_name[1]);
	free(hi.other[0].v);
	free(hi.other[1].v);
	hmap_free(&seen);
}

/* ------------------------------------------------------------------ */
/* ssh's own errors, through the parser. */

/* A concrete fix for the errors the parser reports in ssh's words. */
static const struct {
	const char *rule;
	const char *hint;
} lint_ssh_hints[] = {
	{ "bad-port", "use a port number 1-65535 or a service name (Port 22)" },
	{ "bad-value",
	    "use one of the values ssh_config(5) lists for this "
	    "keyword (for flags: yes or no)" },
	{ "bad-time", "use seconds or a time such as 30s, 5m, 1h30m" },
	{ "bad-integer", "use a whole number in range" },
	{ "bad-number", "use a whole number in range" },
	{ "missing-target",
	    "forwards take two arguments: LocalForward [ADDR:]PORT HOST:PORT" },
	{ "bad-forward",
	    "write it as [ADDR:]PORT HOST:PORT (IPv6 in brackets) or a Unix "
	    "socket path" },
	{ "bad-proxyjump",
	    "list hops as [user@]host[:port] separated by commas, no spaces "
	    "or empty entries" },
	{ "match-attribute",
	    "Match takes all, canonical, final, exec, host, originalhost, user "
	    "or localuser (OpenSSH 9.2)" },
	{ "match-missing",
	    "give the criterion its argument (Match host NAME)" },
	{ "match-all", "use Match all alone" },
	{ "extra-arguments",
	    "this keyword takes one value; quote it if it contains spaces" },
	{ "missing-argument", "give the keyword a non-empty value" },
	{ "empty-argument", "remove the empty \"\" argument" },
	{ "bad-cipher", "see ssh -Q cipher for the names this ssh knows" },
	{ "bad-mac", "see ssh -Q mac for the names this ssh knows" },
	{ "bad-kex", "see ssh -Q kex for the names this ssh knows" },
	{ "bad-key-types", "see ssh -Q key-sig for the names this ssh knows" },
	{ "bad-loglevel",
	    "use QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG, DEBUG2 or DEBUG3" },
	{ "bad-controlpersist", "use yes, no or a time such as 10m" },
	{ "bad-escape", "use none, one character, or ^ and a letter (^])" },
	{ "bad-setenv", "write SetEnv NAME=VALUE" },
	{ "bad-env",
	    "environment variable names may not be empty or contain =" },
	{ "none-alone", "none must be the only value" },
	{ "include-path",
	    "the system config may not use ~ in Include; use an absolute "
	    "path" },
	{ "include-depth", "an Include loop? a file includes itself" },
};

static int
lint_diag_dup(struct lint_ctx *c, int file, const struct diag *d)
{
	size_t i;

	for (i = 0; i < c->dl.n; i++) {
		if (c->keys[i].file != file || c->keys[i].line != d->line)
			continue;
		if (strcmp(c->dl.v[i].message, d->message) == 0)
			return 1;
		if (c->dl.v[i].severity == DIAG_ERROR &&
		    d->severity == DIAG_ERROR && d->line > 0)
			return 1; /* one ssh error per line is enough */
	}
	return 0;
}

static const char *
lint_ssh_hint(const char *rule)
{
	size_t i;

	for (i = 0; i < sizeof(lint_ssh_hints) / sizeof(lint_ssh_hints[0]); i++)
		if (strcmp(lint_ssh_hints[i].rule, rule) == 0)
			return lint_ssh_hints[i].hint;
	return NULL;
}

static void
lint_take_resolve_diags(
    struct lint_ctx *c, struct diag_list *rdl, struct hmap *lines)
{
	size_t i;
	int fi, col, unknown;
	struct diag *dg;
	struct hent *e;
	const char *h;

	for (i = 0; i < rdl->n && !c->oom; i++) {
		const struct diag *d = &rdl->v[i];

		if (d->severity != DIAG_ERROR)
			continue; /* the linter's own rules cover the rest */
		if ((strcmp(d->rule, "jump-loop") == 0 ||
		        strcmp(d->rule, "jumphost-loop") == 0) &&
		    lint_any_rule(c, "proxyjump-cycle"))
			continue; /* the loop is reported at its line */
		if (strstr(d->message, "terminating,") != NULL &&
		    strstr(d->message, "bad configuration options") != NULL)
			continue;
		if (d->file[0] == '\0' && c->nfiles > 0)
			fi = 0; /* not tied to a file: the top config */
		else if ((fi = lint_file_index(c, d->file)) < 0) {
			if ((fi = lint_add_file(c, d->file, -1, 0)) < 0) {
				LINT_OOM(c);
				return;
			}
		}
		if (lint_diag_dup(c, fi, d))
			continue;
		col = d->column;
		if (lines->n == 0 && d->line > 0) {
			size_t j;

			for (j = 0; j < c->ndirs; j++)
				if (hmap_add(lines, c->dirs[j].file,
				        c->dirs[j].line, "", (int)j) != 0) {
					LINT_OOM(c);
					return;
				}
		}
		if (col <= 1 && d->line > 0 &&
		    (e = hmap_find(lines, fi, d->line, "", 0)) != NULL) {
			const struct ldir *ld =
			    &c->dirs[lines->nodes[e->head].dir];

			col = ld->ac > 0 ? ld->acol[0] : ld->col;
			if (strncmp(d->message, "Bad configuration option",
			        24) == 0)
				col = ld->col;
		}
		unknown =
		    strncmp(d->message, "Bad configuration option", 24) == 0;
		dg = lint_emit(c, fi, d->line, col, d->severity,
		    unknown                  ? "unknown-keyword"
		        : d->rule[0] != '\0' ? d->rule
		                             : "ssh-error",
		    "%s", d->message);
		if (dg == NULL)
			continue;
		dg->style = d->style;
		dg->fatal = d->fatal;
		if (unknown)
			lint_hint(c, dg,
			    "an IgnoreUnknown only counts when it is set in a "
			    "block that applies before this line; put "
			    "\"IgnoreUnknown NAME\" at the top of the file");
		else if (d->hint != NULL)
			lint_hint(c, dg, "%s", d->hint);
		else if ((h = lint_ssh_hint(d->rule)) != NULL)
			lint_hint(
			    c, dg, "%s (ssh refuses the config as it is)", h);
		else
			lint_hint(c, dg,
			    "ssh refuses this config (exit 255); fix the value "
			    "as ssh_config(5) describes");
	}
}

static void
lint_resolve(struct lint_ctx *c)
{
	struct config_env env = *c->env;
	struct config_request rq;
	struct options o;
	struct diag_list rdl;
	struct hmap lines;
	const char **dests = NULL;
	size_t nd = 0, i, k, budget;
	int r;

	/* (file, line) -> directive, built when a first error needs it */
	memset(&lines, 0, sizeof(lines));

	env.no_exec = 1;
	env.no_dns = 1;
	if (c->req->num_targets > 0) {
		dests = calloc(c->req->num_targets, sizeof(*dests));
		if (dests == NULL) {
			LINT_OOM(c);
			return;
		}
		for (i = 0; i < c->req->num_targets; i++)
			dests[nd++] = c->req->targets[i];
	} else {
		/* Every alias when the tree is small; a few when it is
		 * large (value errors do not depend on the destination). */
		budget = c->ndirs > 0 ? 200000 / c->ndirs : 64;
		if (budget < 1)
			budget = 1;
		if (budget > 64)
			budget = 64;
		if ((dests = calloc(budget + 1, sizeof(*dests))) == NULL) {
			LINT_OOM(c);
			return;
		}
		for (i = 0; i < c->nblocks && nd < budget; i++) {
			const struct lblock *b = &c->blocks[i];

			if (b->kind != LB_HOST)
				continue;
			for (k = 0; k < (size_t)b->npats && nd < budget; k++)
				if (b->pats[k][0] != '!' &&
				    b->pats[k][0] != '\0' &&
				    !lint_has_wild(b->pats[k]) &&
				    !lint_regex_pattern(b->pats[k]))
					dests[nd++] = b->pats[k];
		}
		if (nd == 0)
			dests[nd++] = "sshfwd-lint-probe";
	}
	for (i = 0; i < nd && !c->oom; i++) {
		memset(&rq, 0, sizeof(rq));
		rq.destination = dests[i];
		rq.config_file = c->req->config_file;
		rq.config_buffer = c->req->config_buffer;
		rq.config_buffer_len = c->req->config_buffer_len;
		diag_list_init(&rdl);
		r = config_resolve(&rq, &env, &o, &rdl);
		if (r == -2)
			LINT_OOM(c);
		lint_take_resolve_diags(c, &rdl, &lines);
		options_free(&o);
		diag_list_free(&rdl);
	}
	free(dests);
	hmap_free(&lines);
}

/*
 * For destinations named on the command line, also build the real hop
 * chain with plan_build_request (the nested ssh -W resolution the launcher
 * runs) and keep its chain errors (cycles, too deep, jumphost loop) that the
 * linear analysis above did not already report at the same line.
 */
static void
lint_plan_targets(struct lint_ctx *c)
{
	struct config_env env = *c->env;
	struct config_request rq;
	struct plan p;
	struct diag_list pdl;
	size_t i, k;
	int fi;
	struct diag *dg;

	env.no_exec = 1;
	env.no_dns = 1;
	for (i = 0; i < c->req->num_targets && !c->oom; i++) {
		memset(&rq, 0, sizeof(rq));
		memset(&p, 0, sizeof(p));
		rq.destination = c->req->targets[i];
		rq.config_file = c->req->config_file;
		rq.config_buffer = c->req->config_buffer;
		rq.config_buffer_len = c->req->config_buffer_len;
		diag_list_init(&pdl);
		if (plan_build_request(&rq, 0, &env, &p, &pdl) == -2)
			LINT_OOM(c);
		for (k = 0; k < pdl.n && !c->oom; k++) {
			const struct diag *d = &pdl.v[k];

			if (d->severity != DIAG_ERROR ||
			    (strcmp(d->rule, "proxyjump-cycle") != 0 &&
			        strcmp(d->rule, "jumphost-loop") != 0 &&
			        strstr(d->rule, "deep") == NULL))
				continue;
			if ((fi = lint_file_index(c, d->file)) < 0 &&
			    (fi = lint_add_file(c, d->file, -1, 0)) < 0) {
				LINT_OOM(c);
				break;
			}
			if (lint_any_rule(c, "proxyjump-cycle") ||
			    lint_any_rule(c, d->rule))
				continue; /* reported already, at its line */
			dg = lint_emit(c, fi, d->line, d->column, DIAG_ERROR,
			    d->rule, "%s", d->message);
			if (dg != NULL && d->hint != NULL)
				lint_hint(c, dg, "%s", d->hint);
			else
				lint_hint(c, dg,
				    "give the jump host \"ProxyJump none\" in "
				    "a "
				    "Host block of its own, placed first");
		}
		plan_free(&p);
		diag_list_free(&pdl);
	}
}

/* ------------------------------------------------------------------ */
/* Suppression, ordering, output. */

static int
lint_suppressed(const struct lint_ctx *c, size_t i)
{
	const struct lkey *k = &c->keys[i];
	const char *rule = c->dl.v[i].rule;
	const struct lfile *f;
	size_t j;

	if (k->file < 0 || (size_t)k->file >= c->nfiles)
		return 0;
	f = &c->files[k->file];
	for (j = 0; j < f->n_sup_file; j++)
		if (lint_rule_in(f->sup_file[j], rule))
			return 1;
	for (j = 0; j < f->n_sup; j++)
		if (f->sup_line[j] == k->line &&
		    lint_rule_in(f->sup_rules[j], rule))
			return 1;
	return 0;
}

static int
lint_key_cmp(const void *a, const void *b)
{
	const struct lkey *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Move the findings into out, sorted, without the suppressed ones. */
static int
lint_flush(struct lint_ctx *c, struct diag_list *out)
{
	size_t i, n = c->dl.n;
	struct lkey *order;
	struct diag *d;

	if ((order = calloc(n + 1, sizeof(*order))) == NULL)
		return -2;
	for (i = 0; i < n; i++) {
		order[i] = c->keys[i];
		order[i].seq = i;
		/* unknown files sort last, in order of appearance */
		if (order[i].file < 0)
			order[i].file = INT_MAX;
	}
	qsort(order, n, sizeof(*order), lint_key_cmp);
	for (i = 0; i < n; i++) {
		size_t s = order[i].seq;

		if (lint_suppressed(c, s))
			continue;
		if (lint_grow((void **)&out->v, &out->cap, out->n,
		        sizeof(*out->v)) != 0) {
			free(order);
			return -2;
		}
		out->v[out->n++] = c->dl.v[s];
		d = &c->dl.v[s];
		d->file = d->rule = d->message = d->hint = NULL;
	}
	free(order);
	return 0;
}

int
lint_exit_status(const struct diag_list *dl)
{
	size_t i;
	int st = 0;

	for (i = 0; i < dl->n; i++) {
		if (dl->v[i].severity == DIAG_ERROR)
			return 2;
		if (dl->v[i].severity == DIAG_WARNING)
			st = 1;
	}
	return st;
}

char *
lint_format_text(const struct diag_list *dl, int with_hints)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;
	int n;
	char *line;

	for (i = 0; i < dl->n; i++) {
		n = diag_format_gcc(&dl->v[i], NULL, 0);
		if (n < 0 || (line = malloc((size_t)n + 1)) == NULL) {
			b.oom = 1;
			break;
		}
		diag_format_gcc(&dl->v[i], line, (size_t)n + 1);
		strbuf_add(&b, line);
		strbuf_add(&b, "\n");
		free(line);
		if (with_hints && dl->v[i].hint != NULL)
			strbuf_addf(&b, "  hint: %s\n", dl->v[i].hint);
	}
	return strbuf_finish(&b);
}

char *
lint_format_json(const struct diag_list *dl)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;
	const struct diag *d;

	strbuf_add(&b, "{\"diagnostics\":[");
	for (i = 0; i < dl->n; i++) {
		d = &dl->v[i];
		strbuf_add(&b, i ? ",\n{\"file\":" : "\n{\"file\":");
		strbuf_add_json(&b, d->file, STRBUF_JSON_HEXBYTES);
		strbuf_addf(&b,
		    ",\"line\":%d,\"column\":%d,\"severity\":", d->line,
		    d->column > 0 ? d->column : 1);
		strbuf_add_json(
		    &b, diag_severity_name(d->severity), STRBUF_JSON_HEXBYTES);
		strbuf_add(&b, ",\"rule\":");
		strbuf_add_json(&b, d->rule, STRBUF_JSON_HEXBYTES);
		strbuf_add(&b, ",\"message\":");
		strbuf_add_json(&b, d->message, STRBUF_JSON_HEXBYTES);
		strbuf_add(&b, ",\"hint\":");
		strbuf_add_json(&b, d->hint, STRBUF_JSON_HEXBYTES);
		strbuf_add(&b, "}");
	}
	strbuf_add(&b, dl->n ? "\n]}\n" : "]}\n");
	return strbuf_finish(&b);
}

/* ------------------------------------------------------------------ */
/* The run. */

static void
lint_ctx_free(struct lint_ctx *c)
{
	size_t i, j;

	for (i = 0; i < c->ndirs; i++) {
		free(c->dirs[i].kwname);
		free(c->dirs[i].acol);
		free(c->dirs[i].raw);
		lexer_argv_free(c->dirs[i].av, c->dirs[i].ac);
	}
	free(c->dirs);
	for (i = 0; i < c->nblocks; i++)
		free(c->blocks[i].pid);
	free(c->blocks);
	hmap_free(&c->names);
	for (i = 0; i < c->nfiles; i++) {
		free(c->files[i].path);
		for (j = 0; j < c->files[i].n_sup_file; j++)
			free(c->files[i].sup_file[j]);
		free(c->files[i].sup_file);
		for (j = 0; j < c->files[i].n_sup; j++)
			free(c->files[i].sup_rules[j]);
		free(c->files[i].sup_rules);
		free(c->files[i].sup_line);
	}
	free(c->files);
	free(c->keys);
	free(c->scratch);
	diag_list_free(&c->dl);
}

static void
lint_read_tree(struct lint_ctx *c)
{
	const struct lint_request *req = c->req;
	char *upath = NULL;
	const char *sys;
	int cur, fi;
	struct diag *dg;

	if (req->config_file != NULL) {
		if (strcmp(req->config_file, "none") == 0)
			return;
		cur = -1;
		if (lint_read_file(c, req->config_file, 0, 0, 1, 0, &cur,
		        req->config_buffer, req->config_buffer_len) != 0) {
			int e = errno;

			if ((fi = lint_add_file(c, req->config_file, 0, 1)) <
			    0) {
				LINT_OOM(c);
				return;
			}
			dg =
			    lint_emit(c, fi, 0, 0, DIAG_ERROR, "config-missing",
			        "Can't open user config file %s: %s",
			        req->config_file, strerror(e));
			if (dg != NULL)
				dg->style = DIAG_STYLE_BARE;
			lint_hint(c, dg, "check the -F path");
		}
		c->ntrees = 1;
		return;
	}
	if (c->env->user_config != NULL)
		upath = strdup(c->env->user_config);
	else
		upath = diag_fmt("%s/.ssh/config", lint_pw_home(c));
	if (upath == NULL) {
		LINT_OOM(c);
		return;
	}
	cur = -1;
	fi = (int)c->nfiles; /* lint_read_file adds the file itself first */
	if (lint_read_file(c, upath, 0, 0, 1, 1, &cur, NULL, 0) == 0)
		lint_check_config_perm(c, upath, fi, -1, 0, 0);
	free(upath);
	sys = c->env->system_config != NULL ? c->env->system_config
	                                    : "/etc/ssh/ssh_config";
	cur = -1;
	(void)lint_read_file(c, sys, 0, 1, 0, 0, &cur, NULL, 0);
	c->ntrees = 2;
}

int
lint_run(const struct lint_request *req, const struct config_env *env,
    struct diag_list *out)
{
	struct lint_ctx c;
	struct ivec ignores = { NULL, 0, 0 };
	int *nub = NULL, r = -2;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.req = req;
	c.env = env;
	diag_list_init(&c.dl);

	lint_read_tree(&c);
	if (c.oom)
		goto out;
	if ((nub = lint_block_nubs(&c)) == NULL)
		goto out;
	for (i = 0; i < c.ndirs && !c.oom; i++) {
		const struct ldir *d = &c.dirs[i];

		if (d->kw != NULL && d->kw->kind == KW_OPTION &&
		    d->kw->opt == OPT_IGNORE_UNKNOWN &&
		    ivec_push(&ignores, (int)i) != 0)
			LINT_OOM(&c);
		lint_check_keyword(&c, i, &ignores);
		lint_check_directive(&c, i);
	}
	lint_dead_analysis(&c, nub);
	lint_report_dead(&c);
	lint_per_host(&c, nub);
	if (!req->no_resolve) {
		lint_resolve(&c);
		lint_plan_targets(&c);
	}
	if (c.oom)
		goto out;
	r = lint_flush(&c, out);
out:
	free(ignores.v);
	free(nub);
	lint_ctx_free(&c);
	return r;
}
