/*
 * plan: build the hop chain the way ssh's nested `ssh -W` invocations do,
 * and normalise the destination's forwards the way ssh binds them.
 *
 * The chain is discovered backwards: resolve the destination; while the
 * current hop has a ProxyJump, resolve its last jump host as its own
 * destination with the command line ssh would give the nested ssh
 * (-l, -p, -J rest-of-list, -v..., -W); stop at a hop with no ProxyJump
 * (direct TCP) or with a ProxyCommand. Nothing here touches the network:
 * the caller's config_env says no_dns.
 */
#include "autoconf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parser/plan.h"
#include "parser/strbuf.h"

#define PLAN_DEFAULT_PORT 22
#define PLAN_CMDLINE_FILE "command line"

static int
plan_streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

const char *
plan_transport_name(enum plan_transport t)
{
	switch (t) {
	case PLAN_TRANSPORT_TCP:
		return "tcp";
	case PLAN_TRANSPORT_PROXY_COMMAND:
		return "proxycommand";
	case PLAN_TRANSPORT_JUMP:
		return "jump";
	}
	return "tcp";
}

/* "FILE line N", "command line (-J)", "default"; into buf. */
static void
plan_origin_text(const struct origin *o, char *buf, size_t len)
{
	switch (o->kind) {
	case ORIGIN_FILE:
		snprintf(
		    buf, len, "%s line %d", o->file ? o->file : "?", o->line);
		break;
	case ORIGIN_COMMAND_LINE:
		snprintf(buf, len, "command line%s%s%s", o->flag ? " (" : "",
		    o->flag ? o->flag : "", o->flag ? ")" : "");
		break;
	case ORIGIN_DEFAULT:
		snprintf(buf, len, "default");
		break;
	case ORIGIN_DERIVED:
		if (o->file != NULL)
			snprintf(buf, len, "%s line %d", o->file, o->line);
		else
			snprintf(buf, len, "derived");
		break;
	default:
		snprintf(buf, len, "unknown origin");
		break;
	}
}

/* The file name and line a diagnostic about origin o is filed under. */
static const char *
plan_origin_file(const struct origin *o)
{
	if ((o->kind == ORIGIN_FILE || o->kind == ORIGIN_DERIVED) &&
	    o->file != NULL)
		return o->file;
	return PLAN_CMDLINE_FILE;
}

static int
plan_origin_line(const struct origin *o)
{
	if ((o->kind == ORIGIN_FILE || o->kind == ORIGIN_DERIVED) &&
	    o->file != NULL)
		return o->line;
	return 0;
}

static void
plan_events_free(struct args_event *ev, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ev[i].value);
	free(ev);
}

static int
plan_event_push(struct args_event **ev, size_t *n, int flag, const char *v)
{
	struct args_event *ne;

	if ((ne = realloc(*ev, (*n + 1) * sizeof(*ne))) == NULL)
		return -2;
	*ev = ne;
	ne[*n].flag = flag;
	ne[*n].value = NULL;
	if (v != NULL && (ne[*n].value = strdup(v)) == NULL)
		return -2;
	(*n)++;
	return 0;
}

static void
plan_hop_free(struct plan_hop *h)
{
	free(h->alias);
	options_free(&h->opts);
	plan_events_free(h->events, h->num_events);
	memset(h, 0, sizeof(*h));
}

void
plan_free(struct plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->num_hops; i++)
		plan_hop_free(&p->hops[i]);
	free(p->hops);
	free(p->fwds);
	memset(p, 0, sizeof(*p));
}

static int
plan_diag_same(const struct diag *a, const struct diag *b)
{
	return a->line == b->line && a->column == b->column &&
	    a->severity == b->severity && plan_streq(a->file, b->file) &&
	    plan_streq(a->rule, b->rule) && plan_streq(a->message, b->message);
}

/*
 * Append from's diagnostics to dl, skipping those already there: every hop
 * re-reads the same files, and a warning about line 12 is one warning.
 */
static int
plan_diag_merge(struct diag_list *dl, const struct diag_list *from)
{
	const struct diag *d;
	struct diag *nd;
	size_t i, j;

	for (i = 0; i < from->n; i++) {
		d = &from->v[i];
		/* ssh's tty notice is about an interactive session; a plan
		 * (and every nested ssh -W) allocates none. */
		if (strcmp(d->rule, "no-tty") == 0)
			continue;
		/* ssh's debug lines are for -G -v; a plan lists problems */
		if (d->severity >= DIAG_DEBUG1)
			continue;
		for (j = 0; j < dl->n; j++)
			if (plan_diag_same(&dl->v[j], d))
				break;
		if (j < dl->n)
			continue;
		if (diag_add(dl, d->file, d->line, d->column, d->severity,
		        d->rule, "%s", d->message) != 0)
			return -2;
		nd = diag_last(dl);
		nd->style = d->style;
		nd->fatal = d->fatal;
		if (d->hint != NULL && diag_set_hint(nd, "%s", d->hint) != 0)
			return -2;
	}
	return 0;
}

/*
 * Resolve one hop: destination dest with events ev (ownership of ev moves
 * to h); nested for a jump host's `ssh -W` command line. Returns
 * config_resolve's result; h is filled (alias, events) even when
 * resolution fails, so the caller can name it.
 */
static int
plan_hop_resolve(struct plan_hop *h, const char *dest,
    const struct config_request *base, struct args_event *ev, size_t nev,
    int nested, const struct config_env *env, struct diag_list *dl)
{
	struct config_request req;
	struct diag_list tmp;
	int r;

	memset(h, 0, sizeof(*h));
	options_init(&h->opts);
	h->events = ev;
	h->num_events = nev;
	diag_list_init(&tmp);

	req = *base;
	req.destination = dest;
	req.events = ev;
	req.num_events = nev;
	if (nested) {
		/* a nested ssh -W: every flag precedes the host, no command */
		req.dest_pos_set = 0;
		req.dest_pos = 0;
		req.have_command = 0;
	}
	r = config_resolve(&req, env, &h->opts, &tmp);
	if (plan_diag_merge(dl, &tmp) != 0)
		r = -2;
	diag_list_free(&tmp);
	if (r == -2)
		return -2;
	h->alias = strdup(h->opts.host_arg != NULL ? h->opts.host_arg : dest);
	if (h->alias == NULL)
		return -2;
	return r;
}

/* The origin of the ProxyJump text that names h's predecessor. */
static struct origin
plan_jump_origin(const struct plan_hop *h)
{
	size_t i;

	/* A jump host that received -J got its list from its successor's
	 * ProxyJump line: that line is where the text was written. */
	if (h->named_at.kind != ORIGIN_UNSET)
		for (i = 0; i < h->num_events; i++)
			if (h->events[i].flag == 'J')
				return h->named_at;
	return h->opts.origin[OPT_PROXY_JUMP];
}

static int
plan_hop_port(const struct plan_hop *h)
{
	return h->opts.port > 0 ? h->opts.port : PLAN_DEFAULT_PORT;
}

/*
 * Build the nested command line ssh gives the jump host named by cur:
 * `ssh [-l U] [-p P] [-J EXTRA] [-v...] -W '[%h]:%p' JHOST`.
 */
static int
plan_jump_events(const struct plan_hop *cur, int verbose,
    struct args_event **ev, size_t *nev)
{
	const struct options *o = &cur->opts;
	char num[16], *w = NULL;
	size_t wl;
	int i;

	*ev = NULL;
	*nev = 0;
	if (o->jump_user != NULL &&
	    plan_event_push(ev, nev, 'l', o->jump_user) != 0)
		return -2;
	if (o->jump_port > 0) {
		snprintf(num, sizeof(num), "%d", o->jump_port);
		if (plan_event_push(ev, nev, 'p', num) != 0)
			return -2;
	}
	if (o->jump_extra != NULL &&
	    plan_event_push(ev, nev, 'J', o->jump_extra) != 0)
		return -2;
	for (i = 0; i < verbose && i < 3; i++)
		if (plan_event_push(ev, nev, 'v', NULL) != 0)
			return -2;
	wl = strlen(o->hostname != NULL ? o->hostname : cur->alias) + 16;
	if ((w = malloc(wl)) == NULL)
		return -2;
	snprintf(w, wl, "[%s]:%d",
	    o->hostname != NULL ? o->hostname : cur->alias, plan_hop_port(cur));
	i = plan_event_push(ev, nev, 'W', w);
	free(w);
	return i;
}

/* The chain so far, in connection order: "a -> b -> d". */
static char *
plan_chain_text(const struct plan_hop *rev, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	size_t i;

	/* Long chains keep their ends: the first 3 and the last 3 hops. */
	for (i = n; i > 0; i--) {
		if (n > 8 && i == n - 3) {
			strbuf_addf(&b, "(%zu more) -> ", n - 6);
			i = 3;
		}
		strbuf_add(&b, rev[i - 1].alias);
		if (i > 1)
			strbuf_add(&b, " -> ");
	}
	return strbuf_finish(&b);
}

/*
 * "FILE line N (a -> b), ..." for the ProxyJump lines that named
 * rev[from..n), each as the link it makes in connection order.
 */
static char *
plan_lines_text(const struct plan_hop *rev, size_t from, size_t n)
{
	struct strbuf b = STRBUF_INIT;
	char buf[512];
	size_t i;

	for (i = from > 0 ? from : 1; i < n; i++) {
		if (rev[i].named_at.kind == ORIGIN_UNSET)
			continue;
		plan_origin_text(&rev[i].named_at, buf, sizeof(buf));
		if (b.len > 0)
			strbuf_add(&b, ", ");
		strbuf_add(&b, buf);
		strbuf_add(&b, " (");
		strbuf_add(&b, rev[i].alias);
		strbuf_add(&b, " -> ");
		strbuf_add(&b, rev[i - 1].alias);
		strbuf_add(&b, ")");
	}
	return strbuf_finish(&b);
}

static int
plan_hop_same(const struct plan_hop *a, const struct plan_hop *b)
{
	return strcmp(a->alias, b->alias) == 0 &&
	    plan_streq(a->opts.user, b->opts.user) &&
	    plan_hop_port(a) == plan_hop_port(b);
}

/* ssh.c's check: a ProxyJump that names the host itself. */
static int
plan_check_jump_loop(const struct plan_hop *h, struct diag_list *dl)
{
	const struct options *o = &h->opts;
	struct origin jo = plan_jump_origin(h);
	const char *juser;
	int jport;

	jport = o->jump_port > 0 ? o->jump_port : PLAN_DEFAULT_PORT;
	juser = o->jump_user != NULL ? o->jump_user : o->user;
	if (o->hostname == NULL || strcmp(o->jump_host, o->hostname) != 0 ||
	    jport != plan_hop_port(h) || !plan_streq(juser, o->user))
		return 0;
	if (diag_add(dl, plan_origin_file(&jo), plan_origin_line(&jo), 0,
	        DIAG_ERROR, "jumphost-loop", "jumphost loop via %s",
	        o->jump_host) != 0)
		return -2;
	diag_last(dl)->style = DIAG_STYLE_BARE;
	diag_last(dl)->fatal = 1;
	if (diag_set_hint(diag_last(dl),
	        "%s's ProxyJump names %s@%s:%d, which is %s itself", h->alias,
	        juser ? juser : "", o->jump_host, jport, h->alias) != 0)
		return -2;
	return -1;
}

/*
 * The resolver reports ssh's "jumphost loop via HOST" in ssh's words, with
 * no location: say which ProxyJump line it is about.
 */
static int
plan_explain_jump_loop(
    const struct plan_hop *h, struct diag_list *dl, size_t from)
{
	struct origin jo = plan_jump_origin(h);
	size_t i;

	if (h->opts.jump_host == NULL || jo.kind == ORIGIN_UNSET)
		return 0;
	for (i = from; i < dl->n; i++)
		if (strncmp(dl->v[i].message, "jumphost loop via ", 18) == 0)
			break;
	if (i == dl->n)
		return 0;
	if (diag_add(dl, plan_origin_file(&jo), plan_origin_line(&jo), 0,
	        DIAG_INFO, "plan-hop",
	        "this ProxyJump names %s, which is %s itself (HostName %s, "
	        "same user and port)",
	        h->opts.jump_host, h->alias,
	        h->opts.hostname ? h->opts.hostname : h->alias) != 0)
		return -2;
	return 0;
}

/*
 * ssh runs the jump as a ProxyCommand, whose %-tokens it expands at connect
 * time, the ProxyJump text included; the plan resolves the text as written.
 */
static int
plan_warn_jump_tokens(const struct plan_hop *h, struct diag_list *dl)
{
	const struct options *o = &h->opts;
	struct origin jo = plan_jump_origin(h);

	if (strchr(o->jump_host, '%') == NULL &&
	    (o->jump_user == NULL || strchr(o->jump_user, '%') == NULL) &&
	    (o->jump_extra == NULL || strchr(o->jump_extra, '%') == NULL))
		return 0;
	if (diag_add(dl, plan_origin_file(&jo), plan_origin_line(&jo), 0,
	        DIAG_WARNING, "proxyjump-tokens",
	        "ProxyJump of %s contains %%-tokens: ssh expands them when it "
	        "runs the jump; this plan resolves the jump hosts as written",
	        h->alias) != 0)
		return -2;
	return 0;
}

static int
plan_report_cycle(
    const struct plan_hop *rev, size_t n, size_t k, struct diag_list *dl)
{
	const struct plan_hop *h = &rev[n - 1];
	char *chain = NULL, *lines = NULL;
	int r = -2;

	if ((chain = plan_chain_text(rev, n)) == NULL ||
	    (lines = plan_lines_text(rev, k + 1, n)) == NULL)
		goto out;
	if (diag_add(dl, plan_origin_file(&h->named_at),
	        plan_origin_line(&h->named_at), 0, DIAG_ERROR,
	        "proxyjump-cycle",
	        "ProxyJump cycle: %s (user %s, port %d) appears twice in the "
	        "chain %s",
	        h->alias, h->opts.user ? h->opts.user : "?", plan_hop_port(h),
	        chain) != 0)
		goto out;
	if (diag_set_hint(
	        diag_last(dl), "ProxyJump lines involved: %s", lines) != 0)
		goto out;
	r = -1;
out:
	free(chain);
	free(lines);
	return r;
}

static int
plan_report_too_deep(const struct plan_hop *rev, size_t n, struct diag_list *dl)
{
	const struct plan_hop *h = &rev[n - 1];
	struct origin jo = plan_jump_origin(h);
	char *chain = NULL;
	int r = -2;

	if ((chain = plan_chain_text(rev, n)) == NULL)
		goto out;
	if (diag_add(dl, plan_origin_file(&jo), plan_origin_line(&jo), 0,
	        DIAG_ERROR, "proxyjump-too-deep",
	        "ProxyJump chain longer than %d hops: %s needs jump host %s "
	        "in front of %s",
	        PLAN_MAX_HOPS, h->alias, h->opts.jump_host, chain) != 0)
		goto out;
	if (diag_set_hint(diag_last(dl), "%s",
	        "a jump host's own ProxyJump extends the chain in front of it; "
	        "look for hosts that keep naming new jump hosts") != 0)
		goto out;
	r = -1;
out:
	free(chain);
	return r;
}

/*
 * Values a jump host got from the synthesised command line really come from
 * the ProxyJump text that named it: say so.
 */
static int
plan_hop_rewrite_origins(struct plan_hop *h)
{
	const char *file = NULL;
	struct origin *o;
	size_t i;

	if (h->named_at.kind == ORIGIN_UNSET)
		return 0;
	if (h->named_at.file != NULL &&
	    (file = options_intern(&h->opts, h->named_at.file)) == NULL)
		return -2;
	h->named_at.file = file;
	for (i = 0; i < OPT_COUNT; i++) {
		o = &h->opts.origin[i];
		if (o->kind != ORIGIN_COMMAND_LINE)
			continue;
		if (o->flag != NULL && strchr(o->flag, 'v') != NULL)
			continue; /* the user's -v, passed along */
		if (h->named_at.kind == ORIGIN_FILE ||
		    h->named_at.kind == ORIGIN_DERIVED) {
			o->kind = ORIGIN_DERIVED;
			o->file = file;
			o->line = h->named_at.line;
		}
	}
	return 0;
}

/* Listener address after ssh's runtime defaulting (reference §9.4). */
static void
plan_fwd_bind(struct plan_fwd *pf, const struct options *o)
{
	const struct fwd *f = pf->fwd;
	const char *h = f->listen_host;

	pf->bind_address = NULL;
	if (f->listen_path != NULL) {
		pf->bind = PLAN_BIND_PATH;
	} else if (pf->remote) {
		pf->bind = PLAN_BIND_REMOTE;
		if (h == NULL)
			pf->bind_address = "localhost";
		else if (*h == '\0' || strcmp(h, "*") == 0)
			pf->bind_address = "";
		else
			pf->bind_address = h;
	} else if (h == NULL) {
		pf->bind =
		    o->gateway_ports == 1 ? PLAN_BIND_ANY : PLAN_BIND_LOOPBACK;
	} else if (*h == '\0' || strcmp(h, "*") == 0) {
		pf->bind = PLAN_BIND_ANY;
	} else if (strcmp(h, "localhost") == 0) {
		pf->bind = PLAN_BIND_LOOPBACK;
	} else {
		pf->bind = PLAN_BIND_ADDRESS;
		pf->bind_address = h;
	}
}

static int
plan_fwd_identical(const struct fwd *a, const struct fwd *b)
{
	return a->kind == b->kind && a->listen_port == b->listen_port &&
	    a->connect_port == b->connect_port &&
	    plan_streq(a->listen_host, b->listen_host) &&
	    plan_streq(a->listen_path, b->listen_path) &&
	    plan_streq(a->connect_host, b->connect_host) &&
	    plan_streq(a->connect_path, b->connect_path);
}

static int
plan_is_loopback_addr(const char *a)
{
	return a != NULL &&
	    (strcasecmp(a, "localhost") == 0 || strcmp(a, "::1") == 0 ||
	        strncmp(a, "127.", 4) == 0);
}

/* Would binding b fail because a already listens there? */
static int
plan_fwd_same_listener(const struct plan_fwd *a, const struct plan_fwd *b)
{
	if (a->remote != b->remote)
		return 0;
	if (a->bind == PLAN_BIND_PATH || b->bind == PLAN_BIND_PATH)
		return a->bind == b->bind &&
		    strcmp(a->fwd->listen_path, b->fwd->listen_path) == 0;
	if (a->fwd->listen_port != b->fwd->listen_port)
		return 0;
	if (a->remote) {
		if (a->fwd->listen_port == 0)
			return 0; /* the server allocates a fresh port */
		if (*a->bind_address == '\0' || *b->bind_address == '\0')
			return 1;
		if (strcasecmp(a->bind_address, b->bind_address) == 0)
			return 1;
		return plan_is_loopback_addr(a->bind_address) &&
		    plan_is_loopback_addr(b->bind_address) &&
		    (strcasecmp(a->bind_address, "localhost") == 0 ||
		        strcasecmp(b->bind_address, "localhost") == 0);
	}
	if (a->bind == PLAN_BIND_ANY || b->bind == PLAN_BIND_ANY)
		return 1;
	if (a->bind == PLAN_BIND_LOOPBACK && b->bind == PLAN_BIND_LOOPBACK)
		return 1;
	if (a->bind == PLAN_BIND_LOOPBACK)
		return plan_is_loopback_addr(b->bind_address);
	if (b->bind == PLAN_BIND_LOOPBACK)
		return plan_is_loopback_addr(a->bind_address);
	return strcasecmp(a->bind_address, b->bind_address) == 0;
}

const char *
plan_fwd_keyword(const struct plan_fwd *pf)
{
	switch (pf->fwd->kind) {
	case FWD_LOCAL:
		return "LocalForward";
	case FWD_DYNAMIC:
		return "DynamicForward";
	case FWD_REMOTE:
	case FWD_REMOTE_DYNAMIC:
		return "RemoteForward";
	}
	return "LocalForward";
}

int
plan_fwd_listen_text(const struct plan_fwd *pf, char *buf, size_t len)
{
	const char *a = pf->bind_address;
	int port = pf->fwd->listen_port;

	switch (pf->bind) {
	case PLAN_BIND_PATH:
		return snprintf(buf, len, "%s", pf->fwd->listen_path);
	case PLAN_BIND_LOOPBACK:
		return snprintf(buf, len, "localhost:%d", port);
	case PLAN_BIND_ANY:
		return snprintf(buf, len, "*:%d", port);
	case PLAN_BIND_ADDRESS:
	case PLAN_BIND_REMOTE:
		if (a == NULL || *a == '\0')
			return snprintf(buf, len, "*:%d", port);
		if (strchr(a, ':') != NULL)
			return snprintf(buf, len, "[%s]:%d", a, port);
		return snprintf(buf, len, "%s:%d", a, port);
	}
	return snprintf(buf, len, "?");
}

static int
plan_fwd_report(const struct plan *p, size_t j, int dup, struct diag_list *dl)
{
	const struct plan_fwd *b = &p->fwds[j];
	const struct plan_fwd *a =
	    &p->fwds[(dup ? b->duplicate_of : b->conflicts_with) - 1];
	const struct options *o = &p->hops[p->num_hops - 1].opts;
	char la[1100], oa[512];
	int r;

	plan_fwd_listen_text(b, la, sizeof(la));
	plan_origin_text(&a->fwd->origin, oa, sizeof(oa));
	if (dup)
		r = diag_add(dl, plan_origin_file(&b->fwd->origin),
		    plan_origin_line(&b->fwd->origin), 0, DIAG_WARNING,
		    "forward-duplicate",
		    "%s %s duplicates forward #%zu (%s); ssh ignores it",
		    plan_fwd_keyword(b), la, b->duplicate_of, oa);
	else
		r = diag_add(dl, plan_origin_file(&b->fwd->origin),
		    plan_origin_line(&b->fwd->origin), 0, DIAG_WARNING,
		    "forward-conflict",
		    "%s %s listens where forward #%zu (%s) already does; "
		    "binding it will fail%s",
		    plan_fwd_keyword(b), la, b->conflicts_with, oa,
		    o->exit_on_forward_failure == 1
		        ? " and ExitOnForwardFailure ends the session"
		        : "");
	return r != 0 ? -2 : 0;
}

/* Normalise the destination's forwards; flag duplicates and conflicts. */
static int
plan_fwds(struct plan *p, struct diag_list *dl)
{
	const struct options *o = &p->hops[p->num_hops - 1].opts;
	struct origin co = o->origin[OPT_CLEAR_ALL_FORWARDINGS];
	size_t i, j, n = o->num_local_forwards + o->num_remote_forwards;
	struct plan_fwd *pf;

	if (n == 0)
		return 0;
	if (o->clear_forwardings == 1) {
		/* ssh drops them all at fill time; a resolver that kept
		 * them is corrected here. */
		p->num_cleared = n;
		if (diag_add(dl, plan_origin_file(&co), plan_origin_line(&co),
		        0, DIAG_INFO, "forwards-cleared",
		        "ClearAllForwardings yes: %zu forward%s discarded", n,
		        n == 1 ? "" : "s") != 0)
			return -2;
		return 0;
	}
	if ((p->fwds = calloc(n, sizeof(*p->fwds))) == NULL)
		return -2;
	for (i = 0; i < n; i++) {
		pf = &p->fwds[i];
		if (i < o->num_local_forwards) {
			pf->fwd = &o->local_forwards[i];
			pf->remote = 0;
		} else {
			pf->fwd =
			    &o->remote_forwards[i - o->num_local_forwards];
			pf->remote = 1;
		}
		plan_fwd_bind(pf, o);
	}
	p->num_fwds = n;
	for (j = 1; j < n; j++) {
		for (i = 0; i < j; i++) {
			if (plan_fwd_identical(
			        p->fwds[i].fwd, p->fwds[j].fwd)) {
				p->fwds[j].duplicate_of = i + 1;
				break;
			}
			if (plan_fwd_same_listener(&p->fwds[i], &p->fwds[j])) {
				p->fwds[j].conflicts_with = i + 1;
				break;
			}
		}
		if (i < j &&
		    plan_fwd_report(p, j, p->fwds[j].duplicate_of != 0, dl) !=
		        0)
			return -2;
	}
	return 0;
}

int
plan_build_request(const struct config_request *req, int verbose,
    const struct config_env *env, struct plan *p, struct diag_list *dl)
{
	struct plan_hop *rev = NULL, *cur, *prev;
	struct args_event *ev = NULL, *uev = NULL;
	size_t n = 0, nev = 0, unev = 0, nd0, i, k;
	char ob[512];
	int r = -2;

	memset(p, 0, sizeof(*p));
	if ((rev = calloc(PLAN_MAX_HOPS, sizeof(*rev))) == NULL)
		goto out;

	/* The destination, with the user's own command line. */
	for (i = 0; i < req->num_events; i++)
		if ((r = plan_event_push(&uev, &unev, req->events[i].flag,
		         req->events[i].value)) != 0)
			goto out;
	nd0 = dl->n;
	r = plan_hop_resolve(
	    &rev[0], req->destination, req, uev, unev, 0, env, dl);
	uev = NULL;
	unev = 0;
	n = 1;
	if (r == -1)
		r = plan_explain_jump_loop(&rev[0], dl, nd0) == -2 ? -2 : -1;
	if (r != 0)
		goto out;

	for (;;) {
		cur = &rev[n - 1];
		if (cur->opts.jump_host == NULL) {
			cur->transport = cur->opts.proxy_command != NULL
			    ? PLAN_TRANSPORT_PROXY_COMMAND
			    : PLAN_TRANSPORT_TCP;
			break;
		}
		cur->transport = PLAN_TRANSPORT_JUMP;
		if ((r = plan_check_jump_loop(cur, dl)) != 0 ||
		    (r = plan_warn_jump_tokens(cur, dl)) != 0)
			goto out;
		if (n == PLAN_MAX_HOPS) {
			r = plan_report_too_deep(rev, n, dl);
			goto out;
		}
		if ((r = plan_jump_events(cur, verbose, &ev, &nev)) != 0) {
			plan_events_free(ev, nev);
			goto out;
		}
		prev = &rev[n];
		nd0 = dl->n;
		r = plan_hop_resolve(
		    prev, cur->opts.jump_host, req, ev, nev, 1, env, dl);
		n++;
		prev->named_at = plan_jump_origin(cur);
		if (r == -2)
			goto out;
		if (prev->named_at.file != NULL &&
		    (prev->named_at.file = options_intern(
		         &prev->opts, prev->named_at.file)) == NULL) {
			r = -2;
			goto out;
		}
		if (r != 0) {
			if (plan_explain_jump_loop(prev, dl, nd0) != 0) {
				r = -2;
				goto out;
			}
			plan_origin_text(&prev->named_at, ob, sizeof(ob));
			if (diag_add(dl, plan_origin_file(&prev->named_at),
			        plan_origin_line(&prev->named_at), 0, DIAG_INFO,
			        "plan-hop",
			        "while resolving jump host %s for %s "
			        "(ProxyJump at %s)",
			        prev->alias, cur->alias, ob) != 0)
				r = -2;
			goto out;
		}
		for (k = 0; k + 1 < n; k++)
			if (plan_hop_same(&rev[k], prev))
				break;
		if (k + 1 < n) {
			r = plan_report_cycle(rev, n, k, dl);
			goto out;
		}
	}

	/* Connection order is the reverse of discovery. */
	if ((p->hops = calloc(n, sizeof(*p->hops))) == NULL) {
		r = -2;
		goto out;
	}
	for (i = 0; i < n; i++)
		p->hops[i] = rev[n - 1 - i];
	p->num_hops = n;
	n = 0;
	for (i = 0; i < p->num_hops; i++)
		if ((r = plan_hop_rewrite_origins(&p->hops[i])) != 0)
			goto out;
	r = plan_fwds(p, dl);
out:
	for (i = 0; i < n; i++)
		plan_hop_free(&rev[i]);
	free(rev);
	plan_events_free(uev, unev);
	if (r != 0)
		plan_free(p);
	return r;
}

int
plan_build(const struct args *a, const struct config_env *env, struct plan *p,
    struct diag_list *dl)
{
	struct config_request req;

	memset(&req, 0, sizeof(req));
	req.destination = a->destination;
	req.config_file = a->config_file;
	req.events = a->events;
	req.num_events = a->num_events;
	req.dest_pos_set = 1;
	req.dest_pos = a->dest_pos;
	req.have_command = a->num_positionals > 0;
	return plan_build_request(&req, a->verbose, env, p, dl);
}
