/*
 * Unit tests for parser/config.c, cfgline.c, keywords.c, dump.c: resolve
 * configs from memory with a fixed environment (no files, no DNS).
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/config.h"
#include "parser/keywords.h"

static void
test_env(struct config_env *env)
{
	memset(env, 0, sizeof(*env));
	env->pw_dir = (char *)"/home/tester";
	env->env_home = (char *)"/home/tester";
	env->local_user = (char *)"tester";
	env->uid = 1000;
	env->local_hostname = (char *)"vm";
	env->system_config = (char *)"/nonexistent/ssh_config";
	env->user_config = (char *)"/nonexistent/config";
	env->no_exec = 1;
	env->no_dns = 1;
}

/* Resolve dest against the config text cfg with optional events. */
static int
resolve(const char *cfg, const char *dest, const struct args_event *ev,
    size_t nev, struct options *o, struct diag_list *dl)
{
	struct config_env env;
	struct config_request req;

	test_env(&env);
	memset(&req, 0, sizeof(req));
	req.destination = dest;
	req.config_file = "mem.conf";
	req.config_buffer = cfg;
	req.config_buffer_len = strlen(cfg);
	req.events = ev;
	req.num_events = nev;
	diag_list_init(dl);
	return config_resolve(&req, &env, o, dl);
}

START_TEST(test_config_resolve_first_value_wins_and_origin)
{
	struct options o;
	struct diag_list dl;

	ck_assert_int_eq(resolve("Host web\n  Port 2222\n  User alice\n"
	                         "Host *\n  Port 22\n  User bob\n",
	                     "web", NULL, 0, &o, &dl),
	    0);
	ck_assert_int_eq(o.port, 2222);
	ck_assert_str_eq(o.user, "alice");
	ck_assert_int_eq(o.origin[OPT_PORT].kind, ORIGIN_FILE);
	ck_assert_str_eq(o.origin[OPT_PORT].file, "mem.conf");
	ck_assert_int_eq(o.origin[OPT_PORT].line, 2);
	ck_assert_int_eq(o.origin[OPT_COMPRESSION].kind, ORIGIN_DEFAULT);
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_config_resolve_all_bad_lines_reported)
{
	struct options o;
	struct diag_list dl;
	size_t i, nerr = 0;

	ck_assert_int_eq(resolve("Foo bar\nPort abc\nCompression maybe\n"
	                         "Port 22\n",
	                     "h", NULL, 0, &o, &dl),
	    -1);
	for (i = 0; i < dl.n; i++)
		if (dl.v[i].severity == DIAG_ERROR && !dl.v[i].fatal)
			nerr++;
	ck_assert_uint_eq(nerr, 3);
	ck_assert_str_eq(dl.v[0].message, "Bad configuration option: foo");
	ck_assert_int_eq(dl.v[0].style, DIAG_STYLE_COLON);
	ck_assert_int_eq(dl.v[1].line, 2);
	ck_assert_str_eq(dl.v[1].message, "Bad port 'abc'.");
	ck_assert_str_eq(dl.v[2].message, "unsupported option \"maybe\".");
	ck_assert_int_eq(dl.v[3].fatal, 1);
	ck_assert_str_eq(dl.v[3].message,
	    "mem.conf: terminating, 3 bad configuration options");
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_config_resolve_unsupported_is_not_fatal)
{
	struct options o;
	struct diag_list dl;

	ck_assert_int_eq(
	    resolve("RSAAuthentication yes\n", "h", NULL, 0, &o, &dl), 0);
	ck_assert_uint_ge(dl.n, 1);
	ck_assert_str_eq(
	    dl.v[0].message, "Unsupported option \"rsaauthentication\"");
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_config_resolve_command_line_precedence)
{
	struct args_event ev[] = { { 'o', (char *)"Port=5" },
		{ 'p', (char *)"6" }, { '4', NULL },
		{ 'o', (char *)"AddressFamily=inet6" },
		{ 'L', (char *)"8080:localhost:80" } };
	struct options o;
	struct diag_list dl;

	ck_assert_int_eq(resolve("Port 7\nLocalForward 9090 h:90\n", "bob@h",
	                     ev, 5, &o, &dl),
	    0);
	ck_assert_int_eq(o.port, 5);
	ck_assert_int_eq(o.address_family, AF_OPT_INET);
	ck_assert_str_eq(o.user, "bob");
	ck_assert_uint_eq(o.num_local_forwards, 2);
	ck_assert_int_eq(o.local_forwards[0].listen_port, 8080);
	ck_assert_int_eq(o.local_forwards[0].origin.kind, ORIGIN_COMMAND_LINE);
	ck_assert_int_eq(o.local_forwards[1].origin.kind, ORIGIN_FILE);
	ck_assert_int_eq(o.local_forwards[1].origin.line, 2);
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_config_resolve_match_final_second_pass)
{
	struct options o;
	struct diag_list dl;

	ck_assert_int_eq(resolve("Host alias\n  Hostname REAL\nHost real\n"
	                         "  User u2\nMatch final\n  Port 2200\n",
	                     "alias", NULL, 0, &o, &dl),
	    0);
	ck_assert_str_eq(o.hostname, "real");
	ck_assert_str_eq(o.user, "u2");
	ck_assert_int_eq(o.port, 2200);
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_config_resolve_match_exec_disabled_is_false)
{
	struct options o;
	struct diag_list dl;

	ck_assert_int_eq(
	    resolve("Match exec true\n  Port 1\n", "h", NULL, 0, &o, &dl), 0);
	ck_assert_int_eq(o.port, 22);
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_config_resolve_tokens_in_control_path)
{
	struct options o;
	struct diag_list dl;

	ck_assert_int_eq(resolve("ControlPath ~/.ssh/cm-%r@%h:%p-%C\n"
	                         "User bob\nHostname Real.Example\nPort 2022\n",
	                     "alias", NULL, 0, &o, &dl),
	    0);
	ck_assert_str_eq(o.control_path,
	    "/home/tester/.ssh/cm-bob@"
	    "real.example:2022-8ab42bdc29069b50451e561f85612adc35012868");
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

static int
fake_resolve(
    void *ctx, const char *name, int family, char **canonical, int *naddrs)
{
	(void)ctx;
	(void)family;
	if (strcmp(name, "db.corp.example.") != 0)
		return -1;
	*canonical = strdup("db-1.corp.example");
	*naddrs = 1;
	return 0;
}

START_TEST(test_config_resolve_canonicalize_with_injected_dns)
{
	struct config_env env;
	struct config_request req;
	struct options o;
	struct diag_list dl;
	const char *cfg =
	    "CanonicalizeHostname yes\n"
	    "CanonicalDomains nope.example corp.example\n"
	    "Match canonical host db.corp.example\n  User canon\n";

	test_env(&env);
	env.no_dns = 0;
	env.resolve = fake_resolve;
	memset(&req, 0, sizeof(req));
	req.destination = "db";
	req.config_file = "mem.conf";
	req.config_buffer = cfg;
	req.config_buffer_len = strlen(cfg);
	diag_list_init(&dl);
	ck_assert_int_eq(config_resolve(&req, &env, &o, &dl), 0);
	ck_assert_str_eq(o.hostname, "db.corp.example");
	ck_assert_str_eq(o.user, "canon");
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_config_dump_defaults_match_ssh)
{
	struct options o;
	struct diag_list dl;
	char *d;

	ck_assert_int_eq(resolve("", "localhost", NULL, 0, &o, &dl), 0);
	d = config_dump(&o);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(strstr(d,
	    "host localhost\nuser tester\n"
	    "hostname localhost\nport 22\naddressfamily any\n"));
	ck_assert_ptr_nonnull(strstr(d,
	    "\nuserknownhostsfile "
	    "/home/tester/.ssh/known_hosts /home/tester/.ssh/known_hosts2\n"));
	ck_assert_ptr_nonnull(strstr(d,
	    "\nipqos lowdelay throughput\n"
	    "rekeylimit 0 0\nstreamlocalbindmask 0177\nsyslogfacility USER\n"));
	free(d);
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_config_resolve_proxyjump_dump_format)
{
	struct options o;
	struct diag_list dl;
	char *d;

	ck_assert_int_eq(resolve("ProxyJump 10.0.0.1,u@10.0.0.2:2200\n", "h",
	                     NULL, 0, &o, &dl),
	    0);
	d = config_dump(&o);
	ck_assert_ptr_nonnull(
	    strstr(d, "\nproxyjump 10.0.0.1,u@[10.0.0.2]:2200\n"));
	free(d);
	options_free(&o);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_keywords_lookup_aliases)
{
	const struct keyword *k = keywords_lookup("dsaauthentication");

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(k->opt, OPT_PUBKEY_AUTHENTICATION);
	ck_assert_str_eq(keywords_name(k->opt), "pubkeyauthentication");
	ck_assert_ptr_null(keywords_lookup("Port"));
	ck_assert_int_eq(
	    keywords_lookup("rsaauthentication")->kind, KW_UNSUPPORTED);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_config_resolve_first_value_wins_and_origin);
	tcase_add_test(tc, test_config_resolve_all_bad_lines_reported);
	tcase_add_test(tc, test_config_resolve_unsupported_is_not_fatal);
	tcase_add_test(tc, test_config_resolve_command_line_precedence);
	tcase_add_test(tc, test_config_resolve_match_final_second_pass);
	tcase_add_test(tc, test_config_resolve_match_exec_disabled_is_false);
	tcase_add_test(tc, test_config_resolve_tokens_in_control_path);
	tcase_add_test(tc, test_config_resolve_canonicalize_with_injected_dns);
	tcase_add_test(tc, test_config_dump_defaults_match_ssh);
	tcase_add_test(tc, test_config_resolve_proxyjump_dump_format);
	tcase_add_test(tc, test_keywords_lookup_aliases);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(config_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
