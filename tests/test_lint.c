/*
 * Unit tests for parser/lint.c: the rule engine, run on configs held in
 * memory (no file-system checks, no config_resolve), and its helpers.
 */
#include "autoconf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parser/config.h"
#include "parser/lint.h"

static struct config_env test_env = {
	.pw_dir = (char *)"/nonexistent-home",
	.env_home = (char *)"/nonexistent-home",
	.local_user = (char *)"tester",
	.uid = 12345,
	.no_exec = 1,
	.no_dns = 1,
};

/* Lint text as the -F file "t.conf"; return the findings gcc-style, without
 * hints (caller frees). */
static char *
lint_text(
    const char *text, const char *const *targets, size_t ntargets, int *status)
{
	struct lint_request req;
	struct diag_list dl;
	char *out;

	memset(&req, 0, sizeof(req));
	req.config_file = "t.conf";
	req.config_buffer = text;
	req.config_buffer_len = strlen(text);
	req.targets = targets;
	req.num_targets = ntargets;
	req.no_fs_checks = 1;
	req.no_resolve = 1;
	diag_list_init(&dl);
	ck_assert_int_eq(lint_run(&req, &test_env, &dl), 0);
	if (status != NULL)
		*status = lint_exit_status(&dl);
	out = lint_format_text(&dl, 0);
	ck_assert_ptr_nonnull(out);
	diag_list_free(&dl);
	return out;
}

static void
expect(const char *config, const char *want, int want_status)
{
	int st;
	char *got = lint_text(config, NULL, 0, &st);

	ck_assert_msg(strcmp(got, want) == 0,
	    "config:\n%s\nwant:\n%s\ngot:\n%s", config, want, got);
	ck_assert_int_eq(st, want_status);
	free(got);
}

START_TEST(test_lint_edit_distance_basic)
{
	ck_assert_uint_eq(lint_edit_distance("hostname", "hostname", 2), 0);
	ck_assert_uint_eq(lint_edit_distance("hostnme", "hostname", 2), 1);
	ck_assert_uint_eq(
	    lint_edit_distance("identitiyfile", "identityfile", 2), 1);
	ck_assert_uint_eq(lint_edit_distance("abc", "xyzuvw", 2), 3);
}
END_TEST

START_TEST(test_lint_pattern_subsumes_cases)
{
	ck_assert(lint_pattern_subsumes("*", "web"));
	ck_assert(lint_pattern_subsumes("*", "*.example.com"));
	ck_assert(lint_pattern_subsumes("*.example.com", "a.example.com"));
	ck_assert(lint_pattern_subsumes("*.example.com", "*.b.example.com"));
	ck_assert(lint_pattern_subsumes("web?", "web1"));
	ck_assert(lint_pattern_subsumes("web*", "web?"));
	ck_assert(!lint_pattern_subsumes("web?", "web*"));
	ck_assert(!lint_pattern_subsumes("web?", "web"));
	ck_assert(!lint_pattern_subsumes("*.example.com", "example.com"));
	ck_assert(!lint_pattern_subsumes("a*", "*a"));
	ck_assert(!lint_pattern_subsumes("web", "web*"));
}
END_TEST

START_TEST(test_lint_clean_config_is_quiet)
{
	expect("Host web\n  User www\n  HostName web.example.com\n"
	       "Host *\n  User deploy\n  ServerAliveInterval 30\n",
	    "", 0);
}
END_TEST

START_TEST(test_lint_dead_directive_after_host_star)
{
	expect("Host *\n  User deploy\nHost web\n  User www\n  Port 2222\n",
	    "t.conf:4:3: warning: User never takes effect: t.conf:2 already "
	    "sets it for every host this block matches (first value wins) "
	    "[dead-directive]\n",
	    1);
}
END_TEST

START_TEST(test_lint_dead_block_reported_once)
{
	expect("Host *.example.com\n  User a\n  Port 1\n"
	       "Host web.example.com\n  User b\n  Port 2\n",
	    "t.conf:4:1: warning: every directive of this Host block is "
	    "already set by earlier lines for every host it matches (first "
	    "value wins), so the block has no effect [dead-block]\n",
	    1);
}
END_TEST

START_TEST(test_lint_negation_keeps_block_alive)
{
	/* gw.example.com is excluded from the first block: not dead. */
	expect("Host *.example.com !gw.example.com\n  User a\n"
	       "Host gw.example.com\n  User b\n",
	    "", 0);
}
END_TEST

START_TEST(test_lint_match_only_against_universal)
{
	/* an earlier Host web does not make a Match block dead */
	expect("Host web\n  User a\nMatch host web\n  User b\n", "", 0);
	expect("Match all\n  User a\nMatch host web\n  User b\n",
	    "t.conf:3:1: warning: every directive of this Match block is "
	    "already set by earlier lines for every host it matches (first "
	    "value wins), so the block has no effect [dead-block]\n",
	    1);
}
END_TEST

START_TEST(test_lint_time_none_stays_unset)
{
	expect("Host *\n  ConnectTimeout none\nHost a\n  ConnectTimeout 5\n",
	    "", 0);
}
END_TEST

START_TEST(test_lint_unknown_keyword_did_you_mean)
{
	struct lint_request req;
	struct diag_list dl;

	memset(&req, 0, sizeof(req));
	req.config_file = "t.conf";
	req.config_buffer = "Host a\n  Hostnme x\n";
	req.config_buffer_len = strlen(req.config_buffer);
	req.no_fs_checks = 1;
	req.no_resolve = 1;
	diag_list_init(&dl);
	ck_assert_int_eq(lint_run(&req, &test_env, &dl), 0);
	ck_assert_uint_eq(dl.n, 1);
	ck_assert_str_eq(dl.v[0].rule, "unknown-keyword");
	ck_assert_str_eq(dl.v[0].message, "Bad configuration option: hostnme");
	ck_assert_str_eq(dl.v[0].hint, "did you mean Hostname?");
	ck_assert_int_eq(dl.v[0].line, 2);
	ck_assert_int_eq(dl.v[0].column, 3);
	ck_assert_int_eq(lint_exit_status(&dl), 2);
	diag_list_free(&dl);
}
END_TEST

START_TEST(test_lint_proxyjump_cycle)
{
	expect("Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n",
	    "t.conf:2:3: error: ProxyJump loop: a -> b -> a "
	    "[proxyjump-cycle]\n",
	    2);
	/* ProxyJump none in the jump host's block first breaks it */
	expect("Host gw\n  ProxyJump none\nHost *\n  ProxyJump gw\n", "", 0);
}
END_TEST

START_TEST(test_lint_duplicate_listen_port)
{
	expect("Host dev\n  LocalForward 8080 a:80\n"
	       "Host dev*\n  LocalForward 8080 b:80\n"
	       "  LocalForward 8080 a:80\n",
	    "t.conf:4:16: warning: listen port 8080 is already used by the "
	    "LocalForward at t.conf:2 (both apply to host dev) "
	    "[duplicate-listen-port]\n",
	    1);
}
END_TEST

START_TEST(test_lint_suppression_comments)
{
	expect("# sshfwd-lint: disable-file=gateway-ports\n"
	       "Host x\n  GatewayPorts yes\n"
	       "  StrictHostKeyChecking no # sshfwd-lint: "
	       "disable=strict-hostkey-off\n"
	       "  # sshfwd-lint: disable=known-hosts-devnull\n"
	       "  UserKnownHostsFile /dev/null\n",
	    "", 0);
}
END_TEST

START_TEST(test_lint_info_does_not_count)
{
	expect("Protocol 2\n",
	    "t.conf:1:1: info: protocol is ignored: only protocol 2 exists "
	    "[ignored-keyword]\n",
	    0);
}
END_TEST

START_TEST(test_lint_json_escaping)
{
	struct diag_list dl;
	char *j;

	diag_list_init(&dl);
	diag_add(&dl, "a\"b.conf", 1, 2, DIAG_WARNING, "r", "tab\there \\ %s",
	    "\x01");
	j = lint_format_json(&dl);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(j,
	    "{\"diagnostics\":[\n{\"file\":\"a\\\"b.conf\",\"line\":1,"
	    "\"column\":2,\"severity\":\"warning\",\"rule\":\"r\","
	    "\"message\":\"tab\\there \\\\ \\u0001\",\"hint\":null}\n]}\n");
	free(j);
	diag_list_free(&dl);
	diag_list_init(&dl);
	j = lint_format_json(&dl);
	ck_assert_str_eq(j, "{\"diagnostics\":[]}\n");
	free(j);
}
END_TEST

START_TEST(test_lint_targets_limit_per_host_checks)
{
	static const char *const t[] = { "other" };
	char *got = lint_text(
	    "Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n", t, 1, NULL);

	ck_assert_str_eq(got, "");
	free(got);
}
END_TEST

static Suite *
lint_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_lint_edit_distance_basic);
	tcase_add_test(tc, test_lint_pattern_subsumes_cases);
	tcase_add_test(tc, test_lint_clean_config_is_quiet);
	tcase_add_test(tc, test_lint_dead_directive_after_host_star);
	tcase_add_test(tc, test_lint_dead_block_reported_once);
	tcase_add_test(tc, test_lint_negation_keeps_block_alive);
	tcase_add_test(tc, test_lint_match_only_against_universal);
	tcase_add_test(tc, test_lint_time_none_stays_unset);
	tcase_add_test(tc, test_lint_unknown_keyword_did_you_mean);
	tcase_add_test(tc, test_lint_proxyjump_cycle);
	tcase_add_test(tc, test_lint_duplicate_listen_port);
	tcase_add_test(tc, test_lint_suppression_comments);
	tcase_add_test(tc, test_lint_info_does_not_count);
	tcase_add_test(tc, test_lint_json_escaping);
	tcase_add_test(tc, test_lint_targets_limit_per_host_checks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lint_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
