/*
 * Unit tests for parser/plan.c and parser/plan_format.c: the hop chain as
 * ssh's nested `ssh -W` builds it, forward normalisation, and formatting.
 * Every config is parsed from memory (config_request.config_buffer).
 */
#include "autoconf.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/plan.h"
#include "parser/plan_format.h"

#define CFG_NAME "test.conf"

struct fixture {
	struct config_env env;
	struct diag_list dl;
	struct plan p;
	struct args_event ev[16];
	size_t nev;
};

/* Build a plan for dest from the config text cfg and the events so far. */
static int
build(struct fixture *f, const char *cfg, const char *dest)
{
	struct config_request req;

	memset(&req, 0, sizeof(req));
	req.destination = dest;
	req.config_file = CFG_NAME;
	req.config_buffer = cfg;
	req.config_buffer_len = strlen(cfg);
	req.events = f->ev;
	req.num_events = f->nev;
	return plan_build_request(&req, 0, &f->env, &f->p, &f->dl);
}

static void
fx_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	ck_assert_int_eq(config_env_from_process(&f->env), 0);
	f->env.no_dns = 1;
	diag_list_init(&f->dl);
}

static void
fx_event(struct fixture *f, int flag, const char *value)
{
	f->ev[f->nev].flag = flag;
	f->ev[f->nev].value = (char *)value;
	f->nev++;
}

static void
fx_free(struct fixture *f)
{
	plan_free(&f->p);
	diag_list_free(&f->dl);
	config_env_free(&f->env);
}

/* The diagnostics as text, for failure messages. */
static const char *
fx_diags(struct fixture *f)
{
	static char buf[8192];
	char *s = plan_format_diags(&f->dl);

	snprintf(buf, sizeof(buf), "%s", s ? s : "(oom)");
	free(s);
	return buf;
}

static const struct diag *
fx_find_rule(struct fixture *f, const char *rule)
{
	size_t i;

	for (i = 0; i < f->dl.n; i++)
		if (strcmp(f->dl.v[i].rule, rule) == 0)
			return &f->dl.v[i];
	return NULL;
}

static const char *
event_value(const struct plan_hop *h, int flag)
{
	size_t i;

	for (i = 0; i < h->num_events; i++)
		if (h->events[i].flag == flag)
			return h->events[i].value ? h->events[i].value : "";
	return NULL;
}

/* Assert the chain's aliases in connection order. */
static void
assert_chain(struct fixture *f, const char *const *names, size_t n)
{
	size_t i;

	ck_assert_msg(f->p.num_hops == n, "expected %zu hops, got %zu; %s", n,
	    f->p.num_hops, fx_diags(f));
	for (i = 0; i < n; i++)
		ck_assert_msg(strcmp(f->p.hops[i].alias, names[i]) == 0,
		    "hop %zu: expected %s, got %s", i, names[i],
		    f->p.hops[i].alias);
}

/* The example of SSH_CONFIG.md: the real chain is j0 -> j1 -> j2 -> d. */
static const char cfg_nested[] = "Host d\n" /* 1 */
                                 "  HostName d.example.com\n" /* 2 */
                                 "  ProxyJump j1,j2\n" /* 3 */
                                 "Host j2\n" /* 4 */
                                 "  HostName 10.0.0.2\n" /* 5 */
                                 "  ProxyJump jx\n" /* 6 */
                                 "  Port 2202\n" /* 7 */
                                 "Host j1\n" /* 8 */
                                 "  User alice\n" /* 9 */
                                 "  ProxyJump j0\n" /* 10 */
                                 "Host j0\n" /* 11 */
                                 "  HostName 192.0.2.10\n"; /* 12 */

START_TEST(test_plan_build_nested_jump_hosts)
{
	static const char *const want[] = { "j0", "j1", "j2", "d" };
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(build(&f, cfg_nested, "d") == 0, "%s", fx_diags(&f));
	assert_chain(&f, want, 4);
	ck_assert_int_eq(f.p.hops[0].transport, PLAN_TRANSPORT_TCP);
	ck_assert_int_eq(f.p.hops[1].transport, PLAN_TRANSPORT_JUMP);
	ck_assert_int_eq(f.p.hops[3].transport, PLAN_TRANSPORT_JUMP);
	ck_assert_str_eq(f.p.hops[0].opts.hostname, "192.0.2.10");
	ck_assert_str_eq(f.p.hops[1].opts.user, "alice");
	ck_assert_int_eq(f.p.hops[2].opts.port, 2202);
	/* j2 gets the rest of d's list as -J: its own ProxyJump jx is
	 * ignored; j1 gets no -J, so its own ProxyJump j0 applies. */
	ck_assert_str_eq(event_value(&f.p.hops[2], 'J'), "j1");
	ck_assert_str_eq(event_value(&f.p.hops[2], 'W'), "[d.example.com]:22");
	ck_assert_ptr_null(event_value(&f.p.hops[1], 'J'));
	ck_assert_str_eq(event_value(&f.p.hops[1], 'W'), "[10.0.0.2]:2202");
	ck_assert_ptr_null(event_value(&f.p.hops[3], 'W'));
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_named_at_lines)
{
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(build(&f, cfg_nested, "d") == 0, "%s", fx_diags(&f));
	ck_assert_uint_eq(f.p.num_hops, 4);
	ck_assert_int_eq(f.p.hops[3].named_at.kind, ORIGIN_UNSET);
	/* j2 and j1 were both written on d's ProxyJump line (j1 reached
	 * j2's nested ssh as -J); j0 on j1's own line. */
	ck_assert_int_eq(f.p.hops[2].named_at.line, 3);
	ck_assert_int_eq(f.p.hops[1].named_at.line, 3);
	ck_assert_int_eq(f.p.hops[0].named_at.line, 10);
	ck_assert_str_eq(f.p.hops[0].named_at.file, CFG_NAME);
	ck_assert_int_eq(f.p.hops[3].opts.origin[OPT_PROXY_JUMP].line, 3);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_cmdline_jump_overrides_config)
{
	static const char *const want[] = { "x", "d" };
	struct fixture f;

	fx_init(&f);
	fx_event(&f, 'J', "x");
	ck_assert_msg(build(&f, cfg_nested, "d") == 0, "%s", fx_diags(&f));
	assert_chain(&f, want, 2);
	ck_assert_int_eq(f.p.hops[0].transport, PLAN_TRANSPORT_TCP);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_uri_and_user_port_elements)
{
	static const char *const want[] = { "a", "b", "d" };
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(
	    build(&f, "Host d\n  ProxyJump ssh://u1@a:2201,u2@b:2202\n", "d") ==
	        0,
	    "%s", fx_diags(&f));
	assert_chain(&f, want, 3);
	ck_assert_str_eq(f.p.hops[0].opts.user, "u1");
	ck_assert_int_eq(f.p.hops[0].opts.port, 2201);
	ck_assert_str_eq(f.p.hops[1].opts.user, "u2");
	ck_assert_int_eq(f.p.hops[1].opts.port, 2202);
	ck_assert_str_eq(event_value(&f.p.hops[1], 'l'), "u2");
	ck_assert_str_eq(event_value(&f.p.hops[1], 'p'), "2202");
	ck_assert_str_eq(event_value(&f.p.hops[1], 'J'), "ssh://u1@a:2201");
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_ipv6_jump_host)
{
	static const char *const want[] = { "::1", "d" };
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(build(&f, "Host d\n  ProxyJump [::1]:2222\n", "d") == 0,
	    "%s", fx_diags(&f));
	assert_chain(&f, want, 2);
	ck_assert_int_eq(f.p.hops[0].opts.port, 2222);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_proxycommand_ends_chain)
{
	static const char *const want[] = { "j1", "d" };
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(build(&f,
	                  "Host d\n  ProxyJump j1\nHost j1\n  ProxyCommand nc "
	                  "-x p %h %p\n"
	                  "  ProxyJump j0\n",
	                  "d") == 0,
	    "%s", fx_diags(&f));
	assert_chain(&f, want, 2);
	ck_assert_int_eq(f.p.hops[0].transport, PLAN_TRANSPORT_PROXY_COMMAND);
	ck_assert_ptr_nonnull(f.p.hops[0].opts.proxy_command);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_proxycommand_first_wins)
{
	static const char *const want[] = { "d" };
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(
	    build(&f,
	        "Host d\n  ProxyCommand nc %h %p\nHost *\n  ProxyJump j\n",
	        "d") == 0,
	    "%s", fx_diags(&f));
	assert_chain(&f, want, 1);
	ck_assert_int_eq(f.p.hops[0].transport, PLAN_TRANSPORT_PROXY_COMMAND);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_proxyjump_first_wins_over_proxycommand)
{
	static const char *const want[] = { "j", "d" };
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(
	    build(&f,
	        "Host d\n  ProxyJump j\nHost *\n  ProxyCommand nc %h %p\n",
	        "d") == 0,
	    "%s", fx_diags(&f));
	/* j itself matches Host * and so is reached by its ProxyCommand. */
	assert_chain(&f, want, 2);
	ck_assert_int_eq(f.p.hops[0].transport, PLAN_TRANSPORT_PROXY_COMMAND);
	ck_assert_int_eq(f.p.hops[1].transport, PLAN_TRANSPORT_JUMP);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_proxyjump_none)
{
	static const char *const want[] = { "d" };
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(build(&f,
	                  "Host d\n  ProxyJump none\nHost *\n"
	                  "  ProxyJump j\n",
	                  "d") == 0,
	    "%s", fx_diags(&f));
	assert_chain(&f, want, 1);
	ck_assert_int_eq(f.p.hops[0].transport, PLAN_TRANSPORT_TCP);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_cycle_refused)
{
	struct fixture f;
	const struct diag *d;

	fx_init(&f);
	/* a -> b (a's list), b's own ProxyJump a: a is needed to reach a. */
	ck_assert_int_eq(build(&f,
	                     "Host a\n  ProxyJump b\n"
	                     "Host b\n  ProxyJump a\n",
	                     "a"),
	    -1);
	ck_assert_uint_eq(f.p.num_hops, 0);
	d = fx_find_rule(&f, "proxyjump-cycle");
	ck_assert_msg(d != NULL, "no cycle diagnostic: %s", fx_diags(&f));
	ck_assert_int_eq(d->severity, DIAG_ERROR);
	ck_assert_ptr_nonnull(strstr(d->message, "a -> b -> a"));
	ck_assert_ptr_nonnull(d->hint);
	ck_assert_ptr_nonnull(strstr(d->hint, CFG_NAME " line 2"));
	ck_assert_ptr_nonnull(strstr(d->hint, CFG_NAME " line 4"));
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_self_alias_cycle_refused)
{
	struct fixture f;

	fx_init(&f);
	/* HostName differs from the alias, so ssh's own loop check does not
	 * fire, but the nested ssh for d would again jump through d. */
	ck_assert_int_eq(
	    build(&f, "Host d\n  HostName real\n  ProxyJump d\n", "d"), -1);
	ck_assert_msg(
	    fx_find_rule(&f, "proxyjump-cycle") != NULL, "%s", fx_diags(&f));
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_jumphost_loop_refused)
{
	struct fixture f;
	size_t i;
	int found = 0;

	fx_init(&f);
	ck_assert_int_eq(
	    build(&f, "Host x\n  HostName y\n  ProxyJump y\n", "x"), -1);
	for (i = 0; i < f.dl.n; i++)
		if (strstr(f.dl.v[i].message, "jumphost loop via y") != NULL)
			found = 1;
	ck_assert_msg(found, "%s", fx_diags(&f));
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_jumphost_loop_located)
{
	struct fixture f;
	size_t i;
	int found = 0;

	fx_init(&f);
	ck_assert_int_eq(build(&f,
	                     "Host d\n  ProxyJump x\nHost x\n"
	                     "  HostName y\n  ProxyJump y\n",
	                     "d"),
	    -1);
	/* ssh's message has no location: the plan names the line. */
	for (i = 0; i < f.dl.n; i++)
		if (strcmp(f.dl.v[i].rule, "plan-hop") == 0 &&
		    f.dl.v[i].line == 5)
			found = 1;
	ck_assert_msg(found, "%s", fx_diags(&f));
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_jump_tokens_warned)
{
	struct fixture f;
	const struct diag *d;

	fx_init(&f);
	ck_assert_msg(build(&f, "Host d\n  ProxyJump %r@gw\n", "d") == 0, "%s",
	    fx_diags(&f));
	d = fx_find_rule(&f, "proxyjump-tokens");
	ck_assert_msg(d != NULL, "%s", fx_diags(&f));
	ck_assert_int_eq(d->severity, DIAG_WARNING);
	ck_assert_int_eq(d->line, 2);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_too_deep_refused)
{
	char cfg[4096];
	size_t len = 0;
	struct fixture f;
	const struct diag *d;
	int i;

	for (i = 0; i < PLAN_MAX_HOPS + 8; i++)
		len += (size_t)snprintf(cfg + len, sizeof(cfg) - len,
		    "Host h%d\n  ProxyJump h%d\n", i, i + 1);
	fx_init(&f);
	ck_assert_int_eq(build(&f, cfg, "h0"), -1);
	d = fx_find_rule(&f, "proxyjump-too-deep");
	ck_assert_msg(d != NULL, "%s", fx_diags(&f));
	ck_assert_str_eq(d->file, CFG_NAME);
	ck_assert_int_eq(d->line, 2 * PLAN_MAX_HOPS);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_exactly_max_hops)
{
	char cfg[4096];
	size_t len = 0;
	struct fixture f;
	int i;

	for (i = 0; i < PLAN_MAX_HOPS - 1; i++)
		len += (size_t)snprintf(cfg + len, sizeof(cfg) - len,
		    "Host h%d\n  ProxyJump h%d\n", i, i + 1);
	fx_init(&f);
	ck_assert_msg(build(&f, cfg, "h0") == 0, "%s", fx_diags(&f));
	ck_assert_uint_eq(f.p.num_hops, PLAN_MAX_HOPS);
	ck_assert_str_eq(f.p.hops[0].alias, "h31");
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_build_bad_jump_host_config_fails)
{
	struct fixture f;

	fx_init(&f);
	/* Fine for d, fatal for the nested ssh -W j (exit 255). */
	ck_assert_int_eq(build(&f,
	                     "Host d\n  ProxyJump j\nHost j\n"
	                     "  ConnectionAttempts 0\n",
	                     "d"),
	    -1);
	ck_assert_uint_ne(diag_count_errors(&f.dl), 0);
	ck_assert_ptr_nonnull(fx_find_rule(&f, "plan-hop"));
	fx_free(&f);
}
END_TEST

static const struct plan_fwd *
fwd_at(struct fixture *f, size_t i)
{
	ck_assert_msg(i < f->p.num_fwds, "only %zu forwards; %s", f->p.num_fwds,
	    fx_diags(f));
	return &f->p.fwds[i];
}

START_TEST(test_plan_fwds_bind_defaults)
{
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(build(&f,
	                  "Host d\n"
	                  "  LocalForward 8080 h:80\n"
	                  "  LocalForward *:8081 h:80\n"
	                  "  LocalForward :8082 h:80\n"
	                  "  LocalForward 127.0.0.1:8083 h:80\n"
	                  "  LocalForward localhost:8084 h:80\n"
	                  "  RemoteForward 2222 localhost:22\n"
	                  "  RemoteForward *:2223 localhost:22\n"
	                  "  RemoteForward 10.1.1.1:2224 localhost:22\n"
	                  "  RemoteForward 1080\n",
	                  "d") == 0,
	    "%s", fx_diags(&f));
	ck_assert_uint_eq(f.p.num_fwds, 9);
	ck_assert_int_eq(fwd_at(&f, 0)->bind, PLAN_BIND_LOOPBACK);
	ck_assert_int_eq(fwd_at(&f, 1)->bind, PLAN_BIND_ANY);
	ck_assert_int_eq(fwd_at(&f, 2)->bind, PLAN_BIND_ANY);
	ck_assert_int_eq(fwd_at(&f, 3)->bind, PLAN_BIND_ADDRESS);
	ck_assert_str_eq(fwd_at(&f, 3)->bind_address, "127.0.0.1");
	ck_assert_int_eq(fwd_at(&f, 4)->bind, PLAN_BIND_LOOPBACK);
	ck_assert_int_eq(fwd_at(&f, 5)->remote, 1);
	ck_assert_str_eq(fwd_at(&f, 5)->bind_address, "localhost");
	ck_assert_str_eq(fwd_at(&f, 6)->bind_address, "");
	ck_assert_str_eq(fwd_at(&f, 7)->bind_address, "10.1.1.1");
	ck_assert_int_eq(fwd_at(&f, 8)->fwd->kind, FWD_REMOTE_DYNAMIC);
	ck_assert_uint_eq(fwd_at(&f, 0)->conflicts_with, 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_fwds_gateway_ports)
{
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(build(&f,
	                  "Host d\n  GatewayPorts yes\n"
	                  "  LocalForward 8080 h:80\n  DynamicForward 1080\n"
	                  "  LocalForward localhost:8081 h:80\n",
	                  "d") == 0,
	    "%s", fx_diags(&f));
	ck_assert_uint_eq(f.p.num_fwds, 3);
	ck_assert_int_eq(fwd_at(&f, 0)->bind, PLAN_BIND_ANY);
	ck_assert_int_eq(fwd_at(&f, 1)->bind, PLAN_BIND_ANY);
	ck_assert_int_eq(fwd_at(&f, 2)->bind, PLAN_BIND_LOOPBACK);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_fwds_conflicts_flagged)
{
	struct fixture f;

	fx_init(&f);
	ck_assert_msg(
	    build(&f,
	        "Host d\n"
	        "  LocalForward 8080 a:80\n" /* #1 */
	        "  LocalForward 8080 b:80\n" /* #2 same listener */
	        "  LocalForward *:9000 a:80\n" /* #3 */
	        "  LocalForward 127.0.0.1:9000 a:81\n" /* #4 under #3's * */
	        "  DynamicForward 8080\n" /* #5 same as #1 */
	        "  LocalForward 7000 a:80\n" /* #6 */
	        "  RemoteForward 0 localhost:22\n" /* #7 */
	        "  RemoteForward 0 localhost:23\n" /* #8 allocated: ok */
	        "  RemoteForward 7000 localhost:22\n", /* #9 other side: ok */
	        "d") == 0,
	    "%s", fx_diags(&f));
	ck_assert_uint_eq(f.p.num_fwds, 9);
	ck_assert_uint_eq(fwd_at(&f, 1)->conflicts_with, 1);
	ck_assert_uint_eq(fwd_at(&f, 3)->conflicts_with, 3);
	ck_assert_uint_eq(fwd_at(&f, 4)->conflicts_with, 1);
	ck_assert_uint_eq(fwd_at(&f, 5)->conflicts_with, 0);
	ck_assert_uint_eq(fwd_at(&f, 7)->conflicts_with, 0);
	ck_assert_uint_eq(fwd_at(&f, 8)->conflicts_with, 0);
	ck_assert_ptr_nonnull(fx_find_rule(&f, "forward-conflict"));
	ck_assert_uint_eq(diag_count_errors(&f.dl), 0);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_fwds_cmdline_and_config)
{
	struct fixture f;

	fx_init(&f);
	fx_event(&f, 'L', "5432:db:5432");
	fx_event(&f, 'R', "8022:localhost:22");
	ck_assert_msg(
	    build(&f, "Host d\n  LocalForward 5432 db2:5432\n", "d") == 0, "%s",
	    fx_diags(&f));
	ck_assert_uint_eq(f.p.num_fwds, 3);
	/* command-line forwards come first; the config's clashes */
	ck_assert_int_eq(fwd_at(&f, 0)->fwd->origin.kind, ORIGIN_COMMAND_LINE);
	ck_assert_uint_eq(fwd_at(&f, 1)->conflicts_with, 1);
	ck_assert_int_eq(fwd_at(&f, 2)->remote, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_fwds_clear_all_forwardings)
{
	struct fixture f;

	fx_init(&f);
	fx_event(&f, 'L', "5432:db:5432");
	ck_assert_msg(build(&f,
	                  "Host d\n  ClearAllForwardings yes\n"
	                  "  LocalForward 5433 db:5432\n",
	                  "d") == 0,
	    "%s", fx_diags(&f));
	ck_assert_uint_eq(f.p.num_fwds, 0);
	ck_assert_int_eq(f.p.hops[0].opts.clear_forwardings, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_fwds_belong_to_destination)
{
	struct fixture f;

	fx_init(&f);
	/* j's forwards are dropped: its nested ssh runs with -W, which
	 * turns ClearAllForwardings on. */
	ck_assert_msg(
	    build(&f,
	        "Host d\n  ProxyJump j\n"
	        "  LocalForward 8080 h:80\nHost j\n  LocalForward 9090 h:80\n",
	        "d") == 0,
	    "%s", fx_diags(&f));
	ck_assert_uint_eq(f.p.num_fwds, 1);
	ck_assert_int_eq(f.p.fwds[0].fwd->listen_port, 8080);
	ck_assert_int_eq(f.p.hops[0].opts.clear_forwardings, 1);
	ck_assert_int_eq(f.p.hops[0].opts.exit_on_forward_failure, 1);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_format_json_string_escapes)
{
	char *s;

	s = plan_format_json_string("a\"b\\c\n\t\x01\x7f/\xc3\xa9");
	ck_assert_str_eq(s, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f/\xc3\xa9\"");
	free(s);
	/* invalid UTF-8: a lone continuation byte, an overlong form, a
	 * truncated sequence, a surrogate */
	s = plan_format_json_string("\x80|\xc0\xaf|\xe2\x82|\xed\xa0\x80");
	ck_assert_str_eq(s,
	    "\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd|"
	    "\\ufffd\\ufffd\\ufffd\"");
	free(s);
	s = plan_format_json_string(NULL);
	ck_assert_str_eq(s, "null");
	free(s);
}
END_TEST

START_TEST(test_plan_format_text_fits_80_columns)
{
	struct fixture f;
	char *t, *line, *nl;

	fx_init(&f);
	ck_assert_msg(build(&f, cfg_nested, "d") == 0, "%s", fx_diags(&f));
	t = plan_format_text(&f.p, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(strstr(t, "j0 -> j1 -> j2 -> d"));
	for (line = t; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line) - 1;
		ck_assert_msg(nl - line <= 80, "line too long: %.*s",
		    (int)(nl - line), line);
	}
	free(t);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_format_text_verbose_lists_options)
{
	struct fixture f;
	char *t;

	fx_init(&f);
	ck_assert_msg(build(&f, cfg_nested, "d") == 0, "%s", fx_diags(&f));
	t = plan_format_text(&f.p, PLAN_FORMAT_VERBOSE);
	ck_assert_ptr_nonnull(t);
	ck_assert_ptr_nonnull(strstr(t, "All options"));
	ck_assert_ptr_nonnull(strstr(t, "stricthostkeychecking"));
	free(t);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_format_json_shape)
{
	struct fixture f;
	char *j;

	fx_init(&f);
	ck_assert_msg(build(&f, cfg_nested, "d") == 0, "%s", fx_diags(&f));
	j = plan_format_json(&f.p, "d", &f.dl, 0);
	ck_assert_ptr_nonnull(j);
	ck_assert_msg(
	    strncmp(j, "{\"version\":1,\"valid\":true,", 26) == 0, "%.80s", j);
	ck_assert_ptr_nonnull(strstr(j, "\"alias\":\"j0\""));
	ck_assert_ptr_nonnull(strstr(j,
	    "\"argv\":[\"-J\",\"j1\",\"-W\","
	    "\"[d.example.com]:22\",\"j2\"]"));
	ck_assert_ptr_nonnull(strstr(j,
	    "\"transport\":{\"kind\":\"jump\","
	    "\"via\":2}"));
	ck_assert_ptr_nonnull(strstr(j, "\"diagnostics\":["));
	free(j);
	fx_free(&f);
}
END_TEST

START_TEST(test_plan_format_json_failed_plan)
{
	struct fixture f;
	char *j;

	fx_init(&f);
	ck_assert_int_eq(build(&f,
	                     "Host a\n  ProxyJump b\nHost b\n"
	                     "  ProxyJump a\n",
	                     "a"),
	    -1);
	j = plan_format_json(&f.p, "a", &f.dl, 0);
	ck_assert_ptr_nonnull(j);
	ck_assert_ptr_nonnull(strstr(j, "\"valid\":false"));
	ck_assert_ptr_nonnull(strstr(j, "\"hops\":[]"));
	ck_assert_ptr_nonnull(strstr(j, "\"rule\":\"proxyjump-cycle\""));
	free(j);
	fx_free(&f);
}
END_TEST

static Suite *
plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_plan_build_nested_jump_hosts);
	tcase_add_test(tc, test_plan_build_named_at_lines);
	tcase_add_test(tc, test_plan_build_cmdline_jump_overrides_config);
	tcase_add_test(tc, test_plan_build_uri_and_user_port_elements);
	tcase_add_test(tc, test_plan_build_ipv6_jump_host);
	tcase_add_test(tc, test_plan_build_proxycommand_ends_chain);
	tcase_add_test(tc, test_plan_build_proxycommand_first_wins);
	tcase_add_test(
	    tc, test_plan_build_proxyjump_first_wins_over_proxycommand);
	tcase_add_test(tc, test_plan_build_proxyjump_none);
	tcase_add_test(tc, test_plan_build_cycle_refused);
	tcase_add_test(tc, test_plan_build_self_alias_cycle_refused);
	tcase_add_test(tc, test_plan_build_jumphost_loop_refused);
	tcase_add_test(tc, test_plan_build_jumphost_loop_located);
	tcase_add_test(tc, test_plan_build_jump_tokens_warned);
	tcase_add_test(tc, test_plan_build_too_deep_refused);
	tcase_add_test(tc, test_plan_build_exactly_max_hops);
	tcase_add_test(tc, test_plan_build_bad_jump_host_config_fails);
	tcase_add_test(tc, test_plan_fwds_bind_defaults);
	tcase_add_test(tc, test_plan_fwds_gateway_ports);
	tcase_add_test(tc, test_plan_fwds_conflicts_flagged);
	tcase_add_test(tc, test_plan_fwds_cmdline_and_config);
	tcase_add_test(tc, test_plan_fwds_clear_all_forwardings);
	tcase_add_test(tc, test_plan_fwds_belong_to_destination);
	tcase_add_test(tc, test_plan_format_json_string_escapes);
	tcase_add_test(tc, test_plan_format_text_fits_80_columns);
	tcase_add_test(tc, test_plan_format_text_verbose_lists_options);
	tcase_add_test(tc, test_plan_format_json_shape);
	tcase_add_test(tc, test_plan_format_json_failed_plan);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(plan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
